"""CL232 read-only-root-missing: a service's root filesystem is writable (no
`read_only: true`; hardening group, off by default)."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.purpose import service_use
from compose_lint.model.services import once
from compose_lint.model.values import is_true
from compose_lint.registry import Found, rule


@rule(
    "CL232",
    "read-only-root-missing",
    Severity.INFO,
    "A service's root filesystem is writable (no `read_only: true`).",
    default_enabled=False,
    group="hardening",
)
def read_only_root_missing(project: Project) -> Found:
    yield from once(_findings(project))


def _findings(project: Project) -> Found:
    for service in project.services:
        if service_use(service) is not None:
            continue
        if is_true(service.data.get("read_only", False), project.env):
            continue
        where = service.path + ("read_only",) if "read_only" in service.data else service.path
        yield (
            service.file.key_loc(where),
            f'service "{service.name}" can write anywhere in its own filesystem, so an '
            "intruder can change its programs or drop tools there; add read_only: true and "
            'give the places it writes as volumes or "tmpfs:" (e.g. tmpfs: [/tmp])',
        )
