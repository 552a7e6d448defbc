"""CL13x: what breaks when a service runs several containers, or two services
want the same host port.

Every container of a service gets the service's `ports:` and `container_name`
as written. A host port (or a name) can belong to one container only, so a
service scaled past one container that pins either fails at `up`; and two
services that publish the same host port on overlapping addresses cannot both
start. How Docker decides what overlaps (moby's port allocator):

- a binding without a host address is made on both `0.0.0.0` and `[::]`;
- `0.0.0.0` covers every IPv4 address and `::` every IPv6 address, but the
  two families are separate (`0.0.0.0:80` and `[::]:80` can coexist);
- tcp, udp and sctp ports are separate;
- a host range for a single container port (`"8000-8002:80"`) is a pool: the
  engine hands each container one free port of it; a range mapped to a range
  of the same size (`"8000-8002:8000-8002"`) pins every port of it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Any, NamedTuple

from compose_lint.findings import Location, Severity
from compose_lint.load import interpolation
from compose_lint.model import Port, Project, Service
from compose_lint.model.values import parse_port
from compose_lint.registry import rule

Found = Iterator[tuple[Location, str]]

# network modes in which Docker does not publish the service's own ports
_NO_PORTS_MODES = ("host", "none")
_SHARED_NAMESPACE = ("service:", "container:")


class _Count(NamedTuple):
    """How many containers a service runs, and where the file says so."""

    value: int
    written: str  # 'scale: 3' or 'deploy.replicas: 3'


class _HostPorts(NamedTuple):
    """The host side of one `ports:` entry, interpolated."""

    first: int
    last: int
    pool: bool  # a host range serving one container port: one free port per container
    binds: frozenset[tuple[int, str | None]]  # (IP version, address or None for "any")
    protocol: str
    written: str | None  # the text as written, when it uses variables

    @property
    def size(self) -> int:
        return self.last - self.first + 1

    def text(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"


# -- reading the service ---------------------------------------------------------


def _integer(value: Any, env: dict[str, str]) -> int | None:
    """A count as Compose casts it: an int, or a string of digits after interpolation."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = interpolation.substitute(value, env)
        if text is not None and text.strip().isdigit():
            return int(text.strip())
    return None


def _count(service: Service, env: dict[str, str]) -> _Count | None:
    """The service's container count from `scale` / `deploy.replicas`; None when
    neither is set or a set one cannot be known (an unset variable)."""
    found: list[_Count] = []
    if "scale" in service.data and service.data["scale"] is not None:
        value = _integer(service.data["scale"], env)
        if value is None:
            return None
        found.append(_Count(value, f"scale: {value}"))
    deploy = service.data.get("deploy")
    if isinstance(deploy, dict) and deploy.get("replicas") is not None:
        value = _integer(deploy["replicas"], env)
        if value is None:
            return None
        found.append(_Count(value, f"deploy.replicas: {value}"))
    return max(found, key=lambda c: c.value) if found else None


def _publishes(service: Service) -> bool:
    """False when Docker ignores or refuses the service's `ports:` (host network,
    no network, or another container's network namespace)."""
    mode = service.data.get("network_mode")
    if not isinstance(mode, str):
        return True
    mode = mode.strip().lower()
    return mode not in _NO_PORTS_MODES and not mode.startswith(_SHARED_NAMESPACE)


def _range(text: str) -> tuple[int, int] | None:
    start, sep, end = text.strip().partition("-")
    if not start.isdigit() or (sep and not end.isdigit()):
        return None
    first, last = int(start), int(end) if sep else int(start)
    return (first, last) if 0 < first <= last <= 65535 else None


def _binds(host_ip: str | None) -> frozenset[tuple[int, str | None]] | None:
    """The addresses a binding covers; None when `host_ip` is not an IP address."""
    if host_ip is None or not host_ip.strip():
        return frozenset({(4, None), (6, None)})
    try:
        address = ipaddress.ip_address(host_ip.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_unspecified:
        return frozenset({(address.version, None)})
    return frozenset({(address.version, str(address))})


def _interpolated(service: Service, port: Port, env: dict[str, str]) -> tuple[Port, str] | None:
    """`port` read again with its variables replaced (from .env and defaults),
    and the text as written; None when a variable has no known value."""
    raw_ports = service.data.get("ports")
    index = port.path[-1]
    if not isinstance(raw_ports, list) or not isinstance(index, int) or index >= len(raw_ports):
        return None
    raw = raw_ports[index]
    if isinstance(raw, str):
        text = interpolation.substitute(raw, env)
        reread = parse_port(text, port.path) if text is not None else None
        return (reread, raw) if reread is not None else None
    if isinstance(raw, dict):
        entry: dict[str, Any] = dict(raw)
        for key in ("published", "host_ip"):
            value = entry.get(key)
            if isinstance(value, str):
                substituted = interpolation.substitute(value, env)
                if substituted is None:
                    return None
                entry[key] = substituted
        reread = parse_port(entry, port.path)
        written = raw.get("published") if "$" in str(raw.get("published")) else raw.get("host_ip")
        return (reread, str(written)) if reread is not None else None
    return None


def _host_ports(service: Service, port: Port, env: dict[str, str]) -> _HostPorts | None:
    """The host ports `port` pins or draws from; None when it publishes no fixed
    host port (`"5000"`, `"0:5000"`) or its host side cannot be known."""
    written: str | None = None
    if any("$" in (part or "") for part in (port.published, port.host_ip)):
        reread = _interpolated(service, port, env)
        if reread is None:
            return None
        port, written = reread
    if port.published is None:
        return None
    host = _range(port.published)
    binds = _binds(port.host_ip)
    if host is None or binds is None:
        return None
    first, last = host
    pool = last > first and port.target_end == port.target
    return _HostPorts(first, last, pool, binds, port.protocol.lower(), written)


def _origin(host: _HostPorts) -> str:
    if host.written is None:
        return ""
    return f' (from "{host.written}" with no variable set in the shell)'


# -- CL130 ------------------------------------------------------------------------


def _scale_fix(service: Service, count: int, host: _HostPorts, port: Port) -> str:
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
        count = _count(service, project.env)
        if count is None or count.value < 2 or not _publishes(service):
            continue
        for port in service.ports:
            host = _host_ports(service, port, project.env)
            if host is None or (host.pool and host.size >= count.value):
                continue
            proto = "" if host.protocol == "tcp" else f"/{host.protocol}"
            runs = f'service "{service.name}" runs {count.value} replicas ({count.written})'
            if host.pool:
                short = count.value - host.size
                problem = (
                    f"{runs} but its host range {host.text()}{proto}{_origin(host)} holds only "
                    f"{host.size} ports, so {short} of them cannot start"
                )
            else:
                one = host.size == 1
                problem = (
                    f"{runs} but publishes the fixed host {'port' if one else 'ports'} "
                    f"{host.text()}{proto}{_origin(host)}: only one container can bind "
                    f"{'it' if one else 'them'}, so the other replicas fail with "
                    '"port is already allocated"'
                )
            yield (
                service.file.loc(port.path),
                f"{problem}; {_scale_fix(service, count.value, host, port)}",
            )


# -- CL131 ------------------------------------------------------------------------


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
        count = _count(service, project.env)
        if count is None or count.value < 2:
            continue
        yield (
            service.file.loc(service.path + ("container_name",)),
            f'service "{service.name}" runs {count.value} replicas ({count.written}) but sets '
            f'container_name "{name}", and a container name must be unique: Compose refuses '
            "the file; remove container_name and let Compose name the replicas "
            f"<project>-{service.name}-1, -2, ...",
        )


# -- CL133 ------------------------------------------------------------------------


@rule(
    "CL133",
    "scale-replicas-mismatch",
    Severity.ERROR,
    "`scale` and `deploy.replicas` are both set, to different values.",
)
def scale_replicas_mismatch(project: Project) -> Found:
    for service in project.services:
        deploy = service.data.get("deploy")
        if "scale" not in service.data or not isinstance(deploy, dict):
            continue
        if "replicas" not in deploy:
            continue
        scale = _integer(service.data["scale"], project.env)
        replicas = _integer(deploy["replicas"], project.env)
        if scale is None or replicas is None or scale == replicas:
            continue
        yield (
            service.file.loc(service.path + ("scale",)),
            f'service "{service.name}" sets scale: {scale} and deploy.replicas: {replicas}; '
            "Compose refuses distinct values: keep one of them (deploy.replicas is the "
            "portable one)",
        )


# -- CL132 ------------------------------------------------------------------------


class _Publication(NamedTuple):
    service: Service
    port: Port
    host: _HostPorts


def _overlap(a: _HostPorts, b: _HostPorts) -> bool:
    if a.protocol != b.protocol or a.first > b.last or b.first > a.last:
        return False
    return any(
        va == vb and (xa is None or xb is None or xa == xb)
        for va, xa in a.binds
        for vb, xb in b.binds
    )


def _run_together(a: Service, b: Service) -> bool:
    """False for services in disjoint profiles: alternatives such as a `dev` and
    a `prod` variant, started by different `--profile` flags."""
    return not (a.profiles and b.profiles and not set(a.profiles) & set(b.profiles))


def _same_mapping(a: _Publication, b: _Publication) -> bool:
    """The same entry written twice in one service (Compose keeps one of them)."""
    return a.service is b.service and a.port.targets() == b.port.targets() and a.host == b.host


def _clashes(earlier: _Publication, later: _Publication) -> bool:
    if earlier.host.pool and later.host.pool:
        return False  # the engine hands each one a different free port of the range
    if earlier.service is later.service:
        if earlier.host.pool or later.host.pool:
            return False  # one container: the engine binds its exact ports before its ranges
    elif not _run_together(earlier.service, later.service):
        return False
    return _overlap(earlier.host, later.host)


def _address(host: _HostPorts) -> str:
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
        count = _count(service, project.env)
        if (count is not None and count.value == 0) or not _publishes(service):
            continue
        for port in service.ports:
            host = _host_ports(service, port, project.env)
            if host is None:
                continue
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
                    f"{what} {mine}{_origin(host)} overlaps the host {theirs} {taken} published "
                    f"by {by}; Docker gives a container any free port of a range, so depending "
                    "on start order one of them fails with "
                    '"port is already allocated"; keep fixed ports outside the range'
                )
            else:
                as_written = "" if taken == mine else f" as {taken}"
                verb = "is" if host.size == 1 else "are"
                problem = (
                    f"{what} {mine}{_origin(host)} {verb} already published{as_written} by "
                    f"{by}; only one container can bind a host port, so "
                    '"docker compose up" fails with "port is already allocated"; publish a '
                    "different host port here"
                )
            yield service.file.loc(port.path), problem
