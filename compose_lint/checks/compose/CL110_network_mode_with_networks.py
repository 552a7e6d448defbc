"""CL110 network-mode-with-networks: `network_mode` and `networks` exclude each other."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.services import once
from compose_lint.model.values import resolved
from compose_lint.registry import Found, rule


@rule(
    "CL110",
    "network-mode-with-networks",
    Severity.ERROR,
    "A service sets both `network_mode` and `networks`.",
)
def network_mode_with_networks(project: Project) -> Found:
    yield from once(_findings(project))


def _findings(project: Project) -> Found:
    for service in project.services:
        mode = resolved(service.data.get("network_mode"), project.env)
        networks = service.data.get("networks")
        if not mode or not isinstance(networks, (list, dict)) or not networks:
            continue
        yield (
            service.file.key_loc(service.path + ("networks",)),
            f'service "{service.name}" sets both network_mode: "{mode}" and networks:, which '
            "exclude each other, so Compose refuses the project: with network_mode the container "
            "joins no Compose network, so delete networks: (or delete network_mode to use them)",
        )
