"""CL130 scaled-fixed-host-port: a service that runs several containers publishes a
fixed host port (or too small a host range) that only one of them can bind.

Every container of a service gets the service's `ports:` as written. A host range
for a single container port (`"8000-8002:80"`) is a pool: the engine hands each
container one free port of it."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Port, Project, Service
from compose_lint.model.services import HostPorts, facts
from compose_lint.registry import Found, rule


def _scale_fix(service: Service, count: int, host: HostPorts, port: Port) -> str:
    ephemeral = str(port.target)
    if port.target_end != port.target:
        ephemeral += f"-{port.target_end}"
    proxy = f'put a reverse proxy in front of "{service.name}"'
    wide = f"{host.first}-{host.first + count - 1}"
    if host.pool:
        return f"widen the range to {wide} ({count} ports), or {proxy}"
    if port.target_end != port.target:
        return (
            f'publish only the container ports ("{ephemeral}") so Docker picks free host '
            f"ports for each replica, or {proxy}"
        )
    return (
        f'publish only the container port ("{ephemeral}") so Docker picks a free host port '
        f'for each replica, publish a range with one port per replica ("{wide}:{port.target}"), '
        f"or {proxy}"
    )


@rule(
    "CL130",
    "scaled-fixed-host-port",
    Severity.WARNING,
    "A service that runs several replicas publishes a fixed host port only one can bind.",
)
def scaled_fixed_host_port(project: Project) -> Found:
    for service in project.services:
        known = facts(project, service)
        count = known.replicas
        if count is None or count.value < 2 or not known.publishes:
            continue
        for port, host in known.host_ports:
            if host.pool and host.size >= count.value:
                continue
            proto = "" if host.protocol == "tcp" else f"/{host.protocol}"
            runs = f'service "{service.name}" runs {count.value} replicas ({count.written})'
            if host.pool:
                short = count.value - host.size
                problem = (
                    f"{runs} but its host range {host.text()}{proto}{host.origin()} holds only "
                    f"{host.size} ports, so {short} of them cannot start"
                )
            else:
                one = host.size == 1
                problem = (
                    f"{runs} but publishes the fixed host {'port' if one else 'ports'} "
                    f"{host.text()}{proto}{host.origin()}: only one container can bind "
                    f"{'it' if one else 'them'}, so the other replicas fail with "
                    '"port is already allocated"'
                )
            yield (
                service.file.loc(port.path),
                f"{problem}; {_scale_fix(service, count.value, host, port)}",
            )
