"""CL149 localhost-to-service: a service's settings reach another service of the
project through `localhost` (`DATABASE_URL=postgres://app@localhost:5432/shop` while
a `db` service listens on 5432): inside a container, localhost is that container.

Only when the other service does not publish that port on the host: a published port
is reachable on the host's localhost, which is right for a URL a browser or a host
tool uses (`NEXT_PUBLIC_API_URL=http://localhost:8000`), and the files do not say
which of the two reads it."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project, Service
from compose_lint.model.endpoints import endpoints
from compose_lint.model.values import image_ports, resolved
from compose_lint.registry import Found, rule

_LOOPBACK = frozenset({"localhost", "127.0.0.1"})


def _listens(service: Service, env: dict[str, str]) -> set[int]:
    """The container ports `service` is known to listen on: its `ports:` targets, its
    `expose:`, and what its pulled image EXPOSEs (shipped table)."""
    found = {p for port in service.ports for p in range(port.target, port.target_end + 1)}
    expose = service.data.get("expose")
    if isinstance(expose, list):
        for item in expose:
            text = str(item).split("/")[0]
            if text.isdigit():
                found.add(int(text))
    if service.build is None and service.image:
        spans = image_ports(resolved(service.image, env))
        for span in spans or []:
            if span.last - span.first < 100:
                found.update(range(span.first, span.last + 1))
    return found


def _publishes(service: Service, port: int) -> bool:
    """`service` publishes `port` on the host (or a published port is not known)."""
    for item in service.ports:
        if item.published is None:
            continue
        first, _, last = item.published.partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            return True  # a variable: it may be that port
        if int(first) <= port <= int(last or first):
            return True
    return False


@rule(
    "CL149",
    "localhost-to-service",
    Severity.WARNING,
    "A service reaches another service of the project through localhost.",
)
def localhost_to_service(project: Project) -> Found:
    env = project.env
    listening = {s.name: _listens(s, env) for s in project.services}
    by_name = {s.name: s for s in project.services}
    for service in project.services:
        mode = resolved(service.data.get("network_mode"), env) or ""
        if mode == "host" or mode.startswith(("service:", "container:")):
            continue  # it shares another network stack: localhost may be right
        own = listening[service.name]
        for endpoint in endpoints(service):
            if endpoint.host.lower() not in _LOOPBACK or endpoint.port in own:
                continue
            others = sorted(
                n for n, ports in listening.items() if n != service.name and endpoint.port in ports
            )
            if len(others) != 1:
                continue  # nobody, or several: which one is meant is not known
            other = others[0]
            if _publishes(by_name[other], endpoint.port):
                continue  # reachable on the host's localhost: a browser or host tool may be meant
            where = (
                service.file.loc(endpoint.env.path)
                if endpoint.env.in_list
                else service.file.key_loc(endpoint.env.path)
            )
            yield (
                where,
                f'service "{service.name}" reaches {endpoint.host}:{endpoint.port} '
                f"({endpoint.env.name}), but inside its container localhost is the container "
                f'itself, and port {endpoint.port} is service "{other}"\'s: use the service '
                f"name, {other}:{endpoint.port}",
            )
