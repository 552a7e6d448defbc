"""CL105 undefined-volume: a service mounts a named volume the top level does not declare."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.services import undefined
from compose_lint.registry import Found, rule


@rule(
    "CL105",
    "undefined-volume",
    Severity.ERROR,
    "A service mounts a named volume that the top-level `volumes` does not declare.",
)
def undefined_volume(project: Project) -> Found:
    for use in undefined(project, "volumes"):
        yield (
            use.loc,
            f'service "{use.service.name}" mounts volume "{use.name}", which the top-level '
            f"volumes: does not declare, so Compose refuses the project: correct the "
            f'name{use.hint}, add "{use.name}:" under volumes:, or write a path '
            f'("./{use.name}") for a bind mount',
        )
