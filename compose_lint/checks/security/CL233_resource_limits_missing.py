"""CL233 resource-limits-missing: a service sets no memory or CPU limit
(`mem_limit`, `cpus`, `deploy.resources.limits`; hardening group, off by default)."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.purpose import service_use
from compose_lint.model.services import dig, once
from compose_lint.registry import Found, rule

_LIMITS: tuple[tuple[str, ...], ...] = (
    ("mem_limit",),
    ("memswap_limit",),
    ("cpus",),
    ("cpu_quota",),
    ("deploy", "resources", "limits", "memory"),
    ("deploy", "resources", "limits", "cpus"),
)


@rule(
    "CL233",
    "resource-limits-missing",
    Severity.INFO,
    "A service sets no memory or CPU limit.",
    default_enabled=False,
    group="hardening",
)
def resource_limits_missing(project: Project) -> Found:
    yield from once(_findings(project))


def _findings(project: Project) -> Found:
    for service in project.services:
        if service_use(service) is not None:
            continue
        if any(dig(service.data, keys) not in (None, "") for keys in _LIMITS):
            continue
        yield (
            service.file.key_loc(service.path),
            f'service "{service.name}" sets no memory or CPU limit, so a leak or a flood '
            "of requests in it can starve every other container and the host; set "
            'deploy.resources.limits (memory: 512M, cpus: "1.0") or mem_limit and cpus',
        )
