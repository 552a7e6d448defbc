"""CL001 invalid-yaml: a compose file that YAML cannot parse."""

from __future__ import annotations

from compose_lint.findings import Location, Severity
from compose_lint.model import Project
from compose_lint.registry import Found, rule


@rule("CL001", "invalid-yaml", Severity.ERROR, "A compose file is not parseable YAML.")
def invalid_yaml(project: Project) -> Found:
    for compose in project.compose_files:
        if compose.error is not None:
            err = compose.error
            yield Location(compose.display, err.line, err.column), f"{err.message}"
