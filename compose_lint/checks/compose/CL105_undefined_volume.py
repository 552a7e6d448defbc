"""CL105 undefined-volume: a service mounts a named volume the top level does not declare."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.services import closest, facts, once, section
from compose_lint.registry import Found, rule


@rule(
    "CL105",
    "undefined-volume",
    Severity.ERROR,
    "A service mounts a named volume that the top-level `volumes` does not declare.",
)
def undefined_volume(project: Project) -> Found:
    if project.partial:
        return
    yield from once(_findings(project))


def _findings(project: Project) -> Found:
    defined = section(project, "volumes")
    for service in project.services:
        for source, path in facts(project, service).named_volumes():
            if source in defined:
                continue
            near = closest(source, defined)
            hint = f' (did you mean "{near}"?)' if near else ""
            yield (
                service.file.loc(path),
                f'service "{service.name}" mounts volume "{source}", which the top-level volumes: '
                f"does not declare, so Compose refuses the project: correct the name{hint}, add "
                f'"{source}:" under volumes:, or write a path ("./{source}") for a bind mount',
            )
