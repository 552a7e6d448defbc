"""CL132 host-port-conflict: two services (or two entries of one) publish the same
host port on overlapping addresses, so one of them cannot start.

How Docker decides what overlaps (moby's port allocator):

- a binding without a host address is made on both `0.0.0.0` and `[::]`;
- `0.0.0.0` covers every IPv4 address and `::` every IPv6 address, but the
  two families are separate (`0.0.0.0:80` and `[::]:80` can coexist);
- tcp, udp and sctp ports are separate;
- a host range for a single container port (`"8000-8002:80"`) is a pool: the
  engine hands each container one free port of it; a range mapped to a range
  of the same size (`"8000-8002:8000-8002"`) pins every port of it.
"""

from __future__ import annotations

from typing import NamedTuple

from compose_lint.findings import Severity
from compose_lint.model import Port, Project, Service
from compose_lint.model.services import HostPorts, exclusive, facts
from compose_lint.registry import Found, rule


class _Publication(NamedTuple):
    service: Service
    port: Port
    host: HostPorts


def _overlap(a: HostPorts, b: HostPorts) -> bool:
    if a.protocol != b.protocol or a.first > b.last or b.first > a.last:
        return False
    return any(
        va == vb and (xa is None or xb is None or xa == xb)
        for va, xa in a.binds
        for vb, xb in b.binds
    )


def _same_mapping(a: _Publication, b: _Publication) -> bool:
    """The same entry written twice in one service (Compose keeps one of them)."""
    return a.service is b.service and a.port.targets() == b.port.targets() and a.host == b.host


def _clashes(earlier: _Publication, later: _Publication) -> bool:
    if earlier.host.pool and later.host.pool:
        return False  # the engine hands each one a different free port of the range
    if earlier.service is later.service:
        if earlier.host.pool or later.host.pool:
            return False  # one container: the engine binds its exact ports before its ranges
    elif exclusive(earlier.service, later.service):
        # alternatives such as a `dev` and a `prod` variant, started by different --profile
        return False
    return _overlap(earlier.host, later.host)


def _address(host: HostPorts) -> str:
    if len(host.binds) != 1:
        return ""
    ((version, address),) = host.binds
    shown = address or ("0.0.0.0" if version == 4 else "::")
    return f"[{shown}]:" if version == 6 else f"{shown}:"


@rule(
    "CL132",
    "host-port-conflict",
    Severity.ERROR,
    "Two services (or two entries of one) publish the same host port on the same address.",
)
def host_port_conflict(project: Project) -> Found:
    if project.partial:
        return
    seen: list[_Publication] = []
    for service in project.services:
        known = facts(project, service)
        count = known.replicas
        if (count is not None and count.value == 0) or not known.publishes:
            continue
        for port, host in known.host_ports:
            current = _Publication(service, port, host)
            if any(_same_mapping(p, current) for p in seen):
                continue
            first = next((p for p in seen if _clashes(p, current)), None)
            seen.append(current)
            if first is None:
                continue
            where = first.service.file.loc(first.port.path)
            owner = (
                "another entry of this service"
                if first.service is service
                else f'service "{first.service.name}"'
            )
            proto = "" if host.protocol == "tcp" else f"/{host.protocol}"
            mine, taken = (f"{_address(h)}{h.text()}{proto}" for h in (host, first.host))
            what = f"host {'range' if host.pool else 'port' if host.size == 1 else 'ports'}"
            by = f"{owner} ({where.path}:{where.line})"
            if host.pool or first.host.pool:
                theirs = "range" if first.host.pool else "port" if first.host.size == 1 else "ports"
                problem = (
                    f"{what} {mine}{host.origin()} overlaps the host {theirs} {taken} published "
                    f"by {by}; Docker gives a container any free port of a range, so depending "
                    "on start order one of them fails with "
                    '"port is already allocated"; keep fixed ports outside the range'
                )
            else:
                as_written = "" if taken == mine else f" as {taken}"
                verb = "is" if host.size == 1 else "are"
                problem = (
                    f"{what} {mine}{host.origin()} {verb} already published{as_written} by "
                    f"{by}; only one container can bind a host port, so "
                    '"docker compose up" fails with "port is already allocated"; publish a '
                    "different host port here"
                )
            yield service.file.loc(port.path), problem
