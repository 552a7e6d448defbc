"""CL117 invalid-port-spec: a `ports` entry Compose cannot parse (bad range, port
above 65535, bad IP or protocol), read after interpolation."""

from __future__ import annotations

from typing import Any

from compose_lint.findings import Severity
from compose_lint.load import interpolation
from compose_lint.model import Project
from compose_lint.model.services import once, schema_accepts
from compose_lint.model.values import (
    container_side,
    port_number,
    port_problem,
    resolved,
    shown,
    split_port,
    valid_ip,
)
from compose_lint.registry import Found, rule


@rule(
    "CL117",
    "invalid-port-spec",
    Severity.ERROR,
    "A `ports` entry that Compose cannot parse (bad range, port > 65535, bad IP or protocol).",
)
def invalid_port_spec(project: Project) -> Found:
    yield from once(_findings(project))


def _findings(project: Project) -> Found:
    for service in project.services:
        ports = service.data.get("ports")
        if not isinstance(ports, list):
            continue
        for i, item in enumerate(ports):
            path = service.path + ("ports", i)
            if isinstance(item, dict):
                raw = item.get("host_ip")
                host_ip = resolved(raw, project.env)
                if host_ip and not valid_ip(host_ip):
                    yield (
                        service.file.loc(path + ("host_ip",)),
                        f'service "{service.name}": host_ip {shown(raw, host_ip)} is not an IP '
                        "address, so Compose refuses the project; write an address such as "
                        "127.0.0.1 or ::1 (not a host name)",
                    )
                continue
            value = _short_syntax(item, project.env)
            problem = port_problem(value) if value is not None else None
            if value is None or problem is None:
                continue
            problem = _reversed(value, problem)
            yield (
                service.file.loc(path),
                f'service "{service.name}": port {shown(item, value)} is invalid, so Compose '
                f"refuses the project: {problem}",
            )


def _short_syntax(item: Any, env: dict[str, str]) -> str | None:
    """The entry as Compose parses it; None when that cannot be known or CL003 reports it."""
    if isinstance(item, bool) or not isinstance(item, (int, str)):
        return None
    if isinstance(item, int):
        return str(item)
    if interpolation.has_interpolation(item):
        value = interpolation.substitute(item, env)
        if value is None:
            # the host side is unknown, but a literal container side is still
            # parsed: "${HOST}:80$$" fails on "80$"
            container = container_side(item)
            if container is None or interpolation.has_interpolation(container):
                return None
            value = container.replace("$$", "$")
        return value
    if not schema_accepts([item], "ports"):
        return None  # CL003 reports it
    return item.replace("$$", "$")


def _reversed(value: str, problem: str) -> str:
    """A reversed range (`8010-8000`) said as such instead of "not a port"."""
    _, host_port, container, _ = split_port(value)
    for part in (container, host_port):
        start, sep, end = part.partition("-")
        first, last = port_number(start), port_number(end)
        reversed_range = sep and first is not None and last is not None and last < first
        if reversed_range and f'"{part}" is not a port' in problem:
            return (
                f'the range "{part}" is reversed: it ends before it starts; write "{last}-{first}"'
            )
    return problem
