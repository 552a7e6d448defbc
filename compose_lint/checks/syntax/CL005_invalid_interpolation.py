"""CL005 invalid-interpolation: a malformed `${...}` in a compose value."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.load import interpolation
from compose_lint.model import Project
from compose_lint.registry import Found, rule


@rule(
    "CL005",
    "invalid-interpolation",
    Severity.ERROR,
    "A compose value has a malformed ${...} interpolation.",
)
def invalid_interpolation(project: Project) -> Found:
    for compose in project.compose_files:
        for path, text in compose.interpolated():
            problem = interpolation.check(text)
            if problem is not None:
                dotted = ".".join(str(p) for p in path)
                yield compose.loc(path), f"{dotted}: {problem}"
