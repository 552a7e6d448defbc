"""CL231 cap-drop-all-missing: a service keeps Docker's default capabilities (no
`cap_drop: [ALL]`; hardening group, off by default).

Names are read by `model.values.capability` (`all`, `CAP_ALL` count).
"""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.purpose import service_use
from compose_lint.model.services import facts, once
from compose_lint.model.values import capability
from compose_lint.registry import Found, rule


@rule(
    "CL231",
    "cap-drop-all-missing",
    Severity.INFO,
    "A service keeps Docker's default capabilities instead of `cap_drop: [ALL]`.",
    default_enabled=False,
    group="hardening",
)
def cap_drop_all_missing(project: Project) -> Found:
    yield from once(_findings(project))


def _findings(project: Project) -> Found:
    for service in project.services:
        if service_use(service) is not None:
            continue
        dropped = facts(project, service).entries("cap_drop")
        if any(capability(e.value) == "ALL" for e in dropped):
            continue
        where = service.path + ("cap_drop",) if "cap_drop" in service.data else service.path
        yield (
            service.file.key_loc(where),
            f'service "{service.name}" keeps Docker\'s default capabilities (CHOWN, '
            "DAC_OVERRIDE, FOWNER, SETUID, SETGID, NET_RAW...), which most programs never "
            'use; add cap_drop: [ALL] and "cap_add:" only those it needs (NET_BIND_SERVICE '
            "to listen below port 1024)",
        )
