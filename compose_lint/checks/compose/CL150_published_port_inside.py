"""CL150 published-port-inside: a service reaches another service of the project by
its name on the port that service publishes on the host (`db:5433` when `db` maps
"5433:5432"); on the Compose network the container's own port applies."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.endpoints import endpoints
from compose_lint.registry import Found, rule


@rule(
    "CL150",
    "published-port-inside",
    Severity.WARNING,
    "A service connects to another on its host-published port instead of its container port.",
)
def published_port_inside(project: Project) -> Found:
    by_name = {s.name: s for s in project.services}
    seen: set[object] = set()
    for service in project.services:
        for endpoint in endpoints(service):
            target = by_name.get(endpoint.host)
            if target is None or target is service:
                continue
            listens = {p for port in target.ports for p in range(port.target, port.target_end + 1)}
            if endpoint.port in listens:
                continue
            published = [
                port
                for port in target.ports
                if port.published is not None
                and port.published.isdigit()
                and int(port.published) == endpoint.port
                and port.target == port.target_end
            ]
            if not published:
                continue
            where = (
                service.file.loc(endpoint.env.path)
                if endpoint.env.in_list
                else service.file.key_loc(endpoint.env.path)
            )
            if (where, endpoint.host, endpoint.port) in seen:
                continue
            seen.add((where, endpoint.host, endpoint.port))
            inside = published[0].target
            yield (
                where,
                f'service "{service.name}" connects to {endpoint.host}:{endpoint.port} '
                f'({endpoint.env.name}), but {endpoint.port} is the port "{endpoint.host}" '
                f'publishes on the host ("{endpoint.port}:{inside}"): on the Compose network '
                f"the container listens on {inside}; use {endpoint.host}:{inside}",
            )
