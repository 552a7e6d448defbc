"""CL205 host-namespace: a service shares a namespace of the host (`network_mode:
host`, `pid: host`, `ipc: host`, `userns_mode: host`, `uts: host`).

The keys and what each shares are data/host_access.json (`host_namespaces`).
"""

from __future__ import annotations

from functools import cache

from compose_lint import data
from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.purpose import written_use
from compose_lint.model.services import facts, once
from compose_lint.registry import Found, rule

_FIX = {
    "network_mode": 'publish the ports it serves with "ports:" instead',
    "pid": 'give it only the one process it needs to see (pid: "service:NAME")',
    "ipc": 'raise "shm_size:" if it only needs more shared memory',
    "userns_mode": "remove it, so the daemon's user remapping applies",
    "uts": 'set its own name with "hostname:" instead',
}


@cache
def _namespaces() -> dict[str, str]:
    return {str(k): str(v) for k, v in data.load("host_access.json")["host_namespaces"].items()}


@rule(
    "CL205",
    "host-namespace",
    Severity.WARNING,
    "A service shares the host's network, process, IPC, user or UTS namespace.",
    default_enabled=False,
)
def host_namespace(project: Project) -> Found:
    yield from once(_findings(project))


def _findings(project: Project) -> Found:
    namespaces = _namespaces()
    for service in project.services:
        for key, shared in namespaces.items():
            if not facts(project, service).shares_host(key):
                continue
            if written_use(service, service.path + (key,)) is not None:
                continue
            yield (
                service.file.loc(service.path + (key,)),
                f'service "{service.name}" sets {key}: host, so it shares {shared}; '
                f"remove it and {_FIX[key]}",
            )
