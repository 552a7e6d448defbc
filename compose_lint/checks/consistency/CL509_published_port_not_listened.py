"""CL509 published-port-not-listened: a service publishes a container port, and the
server its container runs listens on another one.

Where the server listens is `model.listeners` (its command line, the variables it
documents reading, literal app code, its documented default). Silent when that port
is not known, when the service publishes several container ports (the container may
run more than one listener), on a debugger's default port (data/debug_ports.json), and
when the server is bound to loopback on purpose (`--bind 127.0.0.1:8000`: a proxy in the
same container publishes).
"""

from __future__ import annotations

from functools import cache

from compose_lint import data
from compose_lint.findings import Severity
from compose_lint.model import Port, Project
from compose_lint.model.listeners import is_loopback, published_servers
from compose_lint.registry import Found, rule


@cache
def _debug_ports() -> frozenset[int]:
    """Container ports debuggers listen on by default (data/debug_ports.json)."""
    return frozenset(int(entry["port"]) for entry in data.load("debug_ports.json")["ports"])


def _mapping(port: Port, listened: int) -> str:
    published = port.published
    if published is None:
        return str(listened)
    prefix = f"{port.host_ip}:" if port.host_ip else ""
    return f"{prefix}{published}:{listened}"


@rule(
    "CL509",
    "published-port-not-listened",
    Severity.WARNING,
    "A service publishes a container port that the server it runs does not listen on.",
)
def published_port_not_listened(project: Project) -> Found:
    for service, server in published_servers(project):
        if server.port is None:
            continue
        loopback = server.host is not None and is_loopback(server.host)
        if loopback and server.host_how != "by default":
            continue  # bound to loopback on purpose: something else in front publishes
        tcp = [
            p
            for p in service.ports
            if p.protocol.lower() == "tcp"
            and not (p.target == p.target_end and p.target in _debug_ports())
        ]
        spans = {(p.target, p.target_end) for p in tcp}
        if len(spans) != 1 or any(p.target <= server.port <= p.target_end for p in tcp):
            continue
        also = ""
        if loopback:
            also = f'; it also listens on {server.host} only: add "{server.fix}" too'
        for port in tcp:
            target = (
                str(port.target)
                if port.target == port.target_end
                else f"{port.target}-{port.target_end}"
            )
            how = "by default" if server.port_how == "by default" else f"from {server.port_how}"
            yield (
                service.file.loc(port.path),
                f'service "{service.name}" publishes container port {target}, but '
                f"{server.server} listens on port {server.port} ({how}): nothing answers "
                f'on {target}; publish "{_mapping(port, server.port)}" instead, or make '
                f"the server listen on {target}{also}",
            )
