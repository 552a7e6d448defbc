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

A file that is a menu of alternatives, from which users start a few services at a time
(`docker compose up -d nginx mysql`, as laradock's hundred services are used), has many
such clashes between services that have nothing to do with each other (apache2, caddy
and nginx all on port 80). When three or more host ports are each claimed by services
with no dependency between them, eight services or more in all, the clashes between
unrelated services are taken for that design; a clash between services that start
together (one depends on the other, or a third on both) is still reported. A file whose
opening comment says not to start it whole with `docker compose up` is read as such a
menu too.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from typing import NamedTuple

from compose_lint.findings import Location, Severity
from compose_lint.model import Port, Project, Service
from compose_lint.model.purpose import says_not_started_whole
from compose_lint.model.services import HostPorts, all_references, exclusive, facts
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


# A host range wider than this is kept in a list that every later entry looks at;
# narrower ones are indexed by port, so thousands of entries stay about linear.
_INDEXED_WIDTH = 256
_CLASHES_KEPT = 32


class _Index:
    """Publications by protocol and host port, each list oldest first."""

    def __init__(self) -> None:
        self._by_port: dict[tuple[str, int], list[int]] = {}
        self._wide: list[int] = []

    def add(self, index: int, host: HostPorts) -> None:
        if host.size > _INDEXED_WIDTH:
            self._wide.append(index)
            return
        for number in range(host.first, host.last + 1):
            self._by_port.setdefault((host.protocol, number), []).append(index)

    def sharing(self, host: HostPorts) -> list[list[int]]:
        """Lists of the publications that may share a port with `host`."""
        if host.size > _INDEXED_WIDTH:
            found = [
                indexes
                for (protocol, number), indexes in self._by_port.items()
                if protocol == host.protocol and host.first <= number <= host.last
            ]
        else:
            found = [
                self._by_port.get((host.protocol, n), []) for n in range(host.first, host.last + 1)
            ]
        return [indexes for indexes in [self._wide, *found] if indexes]


class _Seen:
    """The publications met so far, in order. A host range pooled between containers
    never clashes with another pool, so pools and fixed ports are indexed apart."""

    def __init__(self) -> None:
        self.items: list[_Publication] = []
        self._mappings: set[tuple[int, int, int, HostPorts]] = set()
        self._fixed = _Index()
        self._pools = _Index()

    @staticmethod
    def _mapping(p: _Publication) -> tuple[int, int, int, HostPorts]:
        return (id(p.service), p.port.target, p.port.target_end, p.host)

    def repeats(self, current: _Publication) -> bool:
        """The same entry written twice in one service (Compose keeps one of them)."""
        return self._mapping(current) in self._mappings

    def clashes(self, current: _Publication) -> list[_Publication]:
        """The publications `current` clashes with, oldest first (the first
        `_CLASHES_KEPT`: thousands of entries on one port stay about linear)."""
        lists = self._fixed.sharing(current.host)
        if not current.host.pool:
            lists += self._pools.sharing(current.host)
        found, previous = [], -1
        for index in heapq.merge(*lists):
            if index != previous and _clashes(self.items[index], current):
                found.append(self.items[index])
                if len(found) == _CLASHES_KEPT:
                    break
            previous = index
        return found

    def add(self, current: _Publication) -> None:
        self._mappings.add(self._mapping(current))
        (self._pools if current.host.pool else self._fixed).add(len(self.items), current.host)
        self.items.append(current)


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
    clashes = list(_clashes_of(project))
    related = _Related(project)
    unrelated = [
        (c, earlier)
        for c, earlier in clashes
        if not any(related(c.service, e.service) for e in earlier)
    ]
    ports = {(c.host.protocol, c.host.first) for c, _ in unrelated}
    services = {c.service.name for c, _ in unrelated}
    services |= {e.service.name for _, earlier in unrelated for e in earlier}
    menu = (len(ports) >= _MENU_PORTS and len(services) >= _MENU_SERVICES) or any(
        says_not_started_whole(f) for f in project.compose_files
    )
    for current, earlier in clashes:
        if menu:
            earlier = [e for e in earlier if related(current.service, e.service)]
        if earlier:
            yield _report(current, earlier[0])


# host ports, and services, clashing without a dependency between them that make a
# file a menu of alternatives
_MENU_PORTS = 3
_MENU_SERVICES = 8


class _Related:
    """Whether two services start together: one depends on the other, or a third
    depends on both, directly or through others (depends_on, links, network_mode:
    service:…, volumes_from), so `docker compose up THAT` starts them both."""

    def __init__(self, project: Project) -> None:
        needs: dict[str, set[str]] = {}
        for service, ref in all_references(project):
            if ref.dependency:
                needs.setdefault(service.name, set()).add(ref.target)
        self._starters: dict[str, set[str]] = {}  # service -> the services that start it
        for service in project.services:
            started, todo = {service.name}, [service.name]
            while todo:
                for target in needs.get(todo.pop(), ()):
                    if target not in started:
                        started.add(target)
                        todo.append(target)
            for name in started:
                self._starters.setdefault(name, set()).add(service.name)

    def __call__(self, a: Service, b: Service) -> bool:
        return a is b or bool(self._starters.get(a.name, set()) & self._starters.get(b.name, set()))


def _clashes_of(project: Project) -> Iterator[tuple[_Publication, list[_Publication]]]:
    """Each publication with the earlier ones it clashes with, oldest first."""
    seen = _Seen()
    for service in project.services:
        known = facts(project, service)
        count = known.replicas
        if (count is not None and count.value == 0) or not known.publishes:
            continue
        for port, host in known.host_ports:
            current = _Publication(service, port, host)
            if seen.repeats(current):
                continue
            earlier = seen.clashes(current)
            seen.add(current)
            if earlier:
                yield current, earlier


def _report(current: _Publication, first: _Publication) -> tuple[Location, str]:
    service, port, host = current
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
    return service.file.loc(port.path), problem
