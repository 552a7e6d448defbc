"""CL008 invalid-suppression: a `# compose-lint:` comment that is not a directive."""

from __future__ import annotations

from compose_lint.findings import Location, Severity
from compose_lint.model import Project
from compose_lint.registry import Found, rule


@rule(
    "CL008",
    "invalid-suppression",
    Severity.WARNING,
    "A `# compose-lint:` comment is malformed or an unknown directive: it suppresses nothing.",
)
def invalid_suppression(project: Project) -> Found:
    for source in project.sources():
        for directive in source.directives:
            if directive.problem is not None:
                yield Location(source.display, directive.line, directive.column), directive.problem
