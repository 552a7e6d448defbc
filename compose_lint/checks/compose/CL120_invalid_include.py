"""CL120 invalid-include: an `include` that Compose cannot load (the loader records
missing files, cycles and resources defined both here and in the included file)."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.services import located_problems
from compose_lint.registry import Found, rule


@rule(
    "CL120",
    "invalid-include",
    Severity.ERROR,
    "An `include` that Compose cannot load (missing file, cycle, conflicting resources).",
)
def invalid_include(project: Project) -> Found:
    yield from located_problems(project, "include")
