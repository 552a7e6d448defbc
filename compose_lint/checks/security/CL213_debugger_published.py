"""CL213 debugger-published: a debugger that runs code for whoever reaches it listens
on a port the service publishes on every host interface.

What the container starts and which debug servers that means is
`model.debuggers.debug_servers`; which ports are published where, `model.services`.
"""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.debuggers import debug_servers
from compose_lint.model.services import facts
from compose_lint.registry import Found, rule


@rule(
    "CL213",
    "debugger-published",
    Severity.WARNING,
    "A debugger that runs code (Werkzeug, the Node.js inspector, debugpy) is published on "
    "every interface.",
)
def debugger_published(project: Project) -> Found:
    for service in project.services:
        servers = debug_servers(project, service)
        if not servers:
            continue
        known = facts(project, service)
        if not known.publishes:
            continue
        for server in servers:
            for port, host in known.host_ports:
                if not port.target <= server.port <= port.target_end:
                    continue
                if not any(address is None for _, address in host.binds):
                    continue  # bound to one host address (127.0.0.1...)
                published = (
                    f"{host.first}" if host.first == host.last else f"{host.first}-{host.last}"
                )
                yield (
                    service.file.loc(port.path),
                    (
                        f'service "{service.name}" runs the {server.kind} ({server.how}) on '
                        f"container port {server.port} and publishes it on every interface of "
                        f"the host (port {published}): anyone who can reach that port can run "
                        "code in the container; publish it on the loopback address only "
                        f'("127.0.0.1:{published}:{server.port}") or turn the debugger off '
                        "outside local development (an override file or a profile)"
                    ),
                )
