"""CL131 scaled-container-name: a service that runs several containers sets
`container_name`, which only one container can have."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.services import facts
from compose_lint.registry import Found, rule


@rule(
    "CL131",
    "scaled-container-name",
    Severity.ERROR,
    "A service that runs several replicas sets `container_name`, which only one can have.",
)
def scaled_container_name(project: Project) -> Found:
    for service in project.services:
        name = service.data.get("container_name")
        if not isinstance(name, str) or not name.strip():
            continue
        count = facts(project, service).replicas
        if count is None or count.value < 2:
            continue
        yield (
            service.file.loc(service.path + ("container_name",)),
            f'service "{service.name}" runs {count.value} replicas ({count.written}) but sets '
            f'container_name "{name}", and a container name must be unique: Compose refuses '
            "the file; remove container_name and let Compose name the replicas "
            f"<project>-{service.name}-1, -2, ...",
        )
