"""CL113 duplicate-container-name: two services set the same `container_name`
(unless no profile enables both)."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project, Service
from compose_lint.model.services import exclusive
from compose_lint.model.values import resolved
from compose_lint.registry import Found, rule


@rule(
    "CL113",
    "duplicate-container-name",
    Severity.ERROR,
    "Two services set the same `container_name`.",
)
def duplicate_container_name(project: Project) -> Found:
    if project.partial:
        return
    seen: dict[str, list[Service]] = {}
    for service in project.services:
        name = resolved(service.data.get("container_name"), project.env)
        if not name:
            continue
        owners = seen.setdefault(name, [])
        clash = next((s for s in owners if not exclusive(s, service)), None)
        owners.append(service)
        if clash is None:
            continue
        where = service.file.loc(service.path + ("container_name",))
        if where == clash.file.loc(clash.path + ("container_name",)) and "extends" in service.data:
            where = service.file.key_loc(service.path + ("extends",))  # inherited
        yield (
            where,
            f'service "{service.name}" sets container_name "{name}", which service '
            f'"{clash.name}" already uses; container names are unique per Docker host, so '
            "Compose refuses the project: rename one of them or delete container_name to let "
            "Compose name the container",
        )
