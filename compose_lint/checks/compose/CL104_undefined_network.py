"""CL104 undefined-network: a service joins a network the top level does not define
(Compose always provides `default`)."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.services import undefined
from compose_lint.registry import Found, rule


@rule(
    "CL104",
    "undefined-network",
    Severity.ERROR,
    "A service joins a network that the top-level `networks` does not define.",
)
def undefined_network(project: Project) -> Found:
    for use in undefined(project, "networks"):
        yield (
            use.loc,
            f'service "{use.service.name}" joins network "{use.name}"{use.empty}, which the '
            "top-level networks: does not define, so Compose refuses the project: "
            f"correct the name{use.hint} or add "
            f'"{use.name}:" under networks: (with "external: true" if something outside this '
            "project creates it)",
        )
