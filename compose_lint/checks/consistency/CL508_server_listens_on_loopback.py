"""CL508 server-listens-on-loopback: the server a service's container runs listens on
127.0.0.1 (or `localhost`) only, while the service publishes its port.

What the container runs and where that server listens is `model.listeners`; which
ports are published, `Service.ports`. Silent when the address cannot be known, when
the service shares the host's (or another container's) network, and when the port the
server uses is not published (CL509 reports a published port it does not listen on).
"""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Port, Project, Service
from compose_lint.model.endpoints import endpoints
from compose_lint.model.listeners import Listener, is_loopback, listener, published_servers
from compose_lint.model.services import facts
from compose_lint.model.values import parse_port_span
from compose_lint.registry import Found, rule


def _published(server: Listener, ports: list[Port]) -> list[Port]:
    """The `ports:` entries that publish the server's port (its only published port
    when the port it uses is not known)."""
    tcp = [p for p in ports if p.protocol.lower() == "tcp"]
    if server.port is not None:
        return [p for p in tcp if p.target <= server.port <= p.target_end]
    spans = {(p.target, p.target_end) for p in tcp}
    return tcp if len(spans) == 1 else []


@rule(
    "CL508",
    "server-listens-on-loopback",
    Severity.WARNING,
    "The server a service runs listens on 127.0.0.1 only, so its published port is unreachable.",
)
def server_listens_on_loopback(project: Project) -> Found:
    yield from _connected(project)
    for service, server in published_servers(project):
        if server.host is None or not is_loopback(server.host):
            continue
        for port in _published(server, service.ports):
            number = server.port if server.port is not None else port.target
            how = " by default" if server.host_how == "by default" else f" ({server.host_how})"
            yield (
                service.file.loc(port.path),
                f'service "{service.name}" publishes container port {number}, but '
                f"{server.server} listens on {server.host}, the container's loopback address, "
                f"only{how}: connections through the published port, and from other "
                f'containers, are refused; make it listen on every interface ("{server.fix}")',
            )


def _exposed(service: Service, server: Listener) -> Found:
    """The service's own `expose:` entry for the port of its loopback server: offered
    to the other containers, which cannot reach it."""
    raw = service.data.get("expose")
    for index, item in enumerate(raw if isinstance(raw, list) else []):
        if isinstance(item, bool) or not isinstance(item, (int, str)):
            continue
        span = parse_port_span(str(item))
        if span is None or span.protocol != "tcp" or server.port is None:
            continue
        if span.first <= server.port <= span.last:
            yield (
                service.file.loc(service.path + ("expose", index)),
                f'service "{service.name}" exposes port {server.port} to the other '
                f"containers, but {server.server} listens on {server.host}, the container's "
                f"loopback address, only: they cannot connect; make it listen on every "
                f'interface ("{server.fix}")',
            )


def _connected(project: Project) -> Found:
    """Where a service connects by name to a loopback server that publishes nothing,
    and the `expose:` entry such a server offers its port with."""
    servers: dict[str, tuple[Service, Listener]] = {}
    for service in project.services:
        if service.ports or not facts(project, service).publishes:
            continue
        server = listener(project, service)
        if server is None or server.port is None or server.host is None:
            continue
        if is_loopback(server.host):
            servers[service.name] = (service, server)
    for target, server in servers.values():
        yield from _exposed(target, server)
    seen: set[object] = set()
    for client in project.services:
        for endpoint in endpoints(client):
            found = servers.get(endpoint.host)
            if found is None or found[0] is client or found[1].port != endpoint.port:
                continue
            target, server = found
            env = endpoint.env
            where = client.file.loc(env.path) if env.in_list else client.file.key_loc(env.path)
            if where in seen:
                continue
            seen.add(where)
            yield (
                where,
                f'service "{client.name}" connects to {endpoint.host}:{endpoint.port} '
                f'({env.name}), but {server.server} in "{target.name}" listens on '
                f"{server.host}, its container's loopback address, only: the connection is "
                f'refused; make it listen on every interface ("{server.fix}")',
            )
