"""CL147 host-network-ports: `network_mode: host` together with `ports:`, which Docker
discards."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.services import once
from compose_lint.model.values import resolved
from compose_lint.registry import Found, rule


@rule(
    "CL147",
    "host-network-ports",
    Severity.WARNING,
    "A service on the host network publishes ports; Docker discards them.",
)
def host_network_ports(project: Project) -> Found:
    yield from once(_findings(project))


def _findings(project: Project) -> Found:
    for service in project.services:
        mode = resolved(service.data.get("network_mode"), project.env)
        if mode != "host" or not service.ports:
            continue
        remapped = sorted(
            {
                f"{p.published}:{p.target}"
                for p in service.ports
                if p.published is not None and p.published != str(p.target)
            }
        )
        consequence = (
            f"; the mapping {', '.join(remapped)} does not happen: the server is reached on "
            "its own port"
            if remapped
            else ""
        )
        yield (
            service.file.key_loc(service.path + ("ports",)),
            f'service "{service.name}" uses network_mode: host, so Docker discards its ports: '
            f"the container shares the host's network and its servers listen on the host "
            f"directly{consequence}; delete ports: (and set the port the server listens on), "
            "or drop network_mode: host to publish ports",
        )
