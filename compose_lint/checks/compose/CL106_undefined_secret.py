"""CL106 undefined-secret: a service (or its build) uses a secret the top level does not define."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.services import undefined
from compose_lint.model.templates import template_defining
from compose_lint.registry import Found, rule


@rule(
    "CL106",
    "undefined-secret",
    Severity.ERROR,
    "A service (or its build) uses a secret that the top-level `secrets` does not define.",
)
def undefined_secret(project: Project) -> Found:
    for use in undefined(project, "secrets"):
        if template_defining(project, "secrets", use.name) is not None:
            # defined in the override template users copy to compose.override.yaml, as
            # the project means them to (see rules/CL106.md)
            continue
        yield (
            use.loc,
            f'service "{use.service.name}" uses {use.label}secret "{use.name}"{use.empty}, '
            "which the top-level secrets: does not define, so Compose refuses the project: "
            f'correct the name{use.hint} or add "{use.name}:" under secrets: '
            "(with file:, environment: or external: true)",
        )
