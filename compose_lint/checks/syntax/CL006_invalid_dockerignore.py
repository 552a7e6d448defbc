"""CL006 invalid-dockerignore: a .dockerignore that cannot be read or has a malformed pattern."""

from __future__ import annotations

from compose_lint.findings import Location, Severity
from compose_lint.model import Project
from compose_lint.registry import Found, rule


@rule(
    "CL006",
    "invalid-dockerignore",
    Severity.WARNING,
    "A .dockerignore cannot be read or has a malformed pattern.",
)
def invalid_dockerignore(project: Project) -> Found:
    for source in project.ignores:
        if source.error is not None:
            yield Location(source.display, 1, 1), source.error.message
        elif source.parsed is not None:
            for line, message in source.parsed.problems:
                yield Location(source.display, line, 1), message
