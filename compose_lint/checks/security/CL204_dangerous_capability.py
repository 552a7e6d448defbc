"""CL204 dangerous-capability: `cap_add` grants a capability that lets a container
reach the host (ALL, SYS_ADMIN, SYS_PTRACE, SYS_MODULE, NET_ADMIN...).

Names are read by `model.values.capability` (any case, with or without `CAP_`); the
table of capabilities and what each allows is data/host_access.json; NET_ADMIN counts
only with `network_mode: host` (in its own network namespace it changes only that).
"""

from __future__ import annotations

from functools import cache

from compose_lint import data
from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.purpose import written_use
from compose_lint.model.services import facts, once
from compose_lint.model.values import capability
from compose_lint.registry import Found, rule


@cache
def _dangerous(host_network: bool) -> dict[str, str]:
    table = data.load("host_access.json")
    found = {str(k): str(v) for k, v in table["capabilities"].items()}
    if host_network:
        found.update((str(k), str(v)) for k, v in table["capabilities_on_host_network"].items())
    return found


@rule(
    "CL204",
    "dangerous-capability",
    Severity.WARNING,
    "`cap_add` grants a capability that reaches beyond the container (SYS_ADMIN, ALL...).",
    default_enabled=False,
)
def dangerous_capability(project: Project) -> Found:
    yield from once(_findings(project))


def _findings(project: Project) -> Found:
    for service in project.services:
        known = facts(project, service)
        dangerous = _dangerous(known.shares_host("network_mode"))
        for entry in known.entries("cap_add"):
            name = capability(entry.value)
            if name not in dangerous or written_use(service, entry.path):
                continue
            yield (
                service.file.loc(entry.path),
                f'service "{service.name}" adds the capability {name}: {dangerous[name]}; '
                "remove it from cap_add, or grant the narrowest capability that allows the "
                "one operation the program needs",
            )
