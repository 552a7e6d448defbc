"""CL004 invalid-dockerfile: a Dockerfile that cannot be read or parsed."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.registry import Found, rule


@rule(
    "CL004",
    "invalid-dockerfile",
    Severity.ERROR,
    "A Dockerfile cannot be read or parsed: unknown instruction, no FROM, bad JSON, empty.",
)
def invalid_dockerfile(project: Project) -> Found:
    for source in project.dockerfiles:
        if source.error is not None:
            yield source.loc(source.error.line, source.error.column), source.error.message
        elif source.parsed is not None:
            for line, column, message in source.parsed.problems:
                yield source.loc(line, column), message
