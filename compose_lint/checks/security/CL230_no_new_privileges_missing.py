"""CL230 no-new-privileges-missing: a service does not set `no-new-privileges` in
`security_opt` (hardening group, off by default).

Entries are read by `model.values.security_option`: `no-new-privileges`,
`no-new-privileges:true` and `no-new-privileges=true` all count.
"""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.purpose import service_use
from compose_lint.model.services import facts, once
from compose_lint.model.values import security_option
from compose_lint.registry import Found, rule


@rule(
    "CL230",
    "no-new-privileges-missing",
    Severity.INFO,
    "A service does not set `no-new-privileges`, so setuid programs can still gain root.",
    default_enabled=False,
    group="hardening",
)
def no_new_privileges_missing(project: Project) -> Found:
    yield from once(_findings(project))


def _findings(project: Project) -> Found:
    for service in project.services:
        if service_use(service) is not None:
            continue
        found = [security_option(e.value) for e in facts(project, service).entries("security_opt")]
        if any(key == "no-new-privileges" and value in ("", "true") for key, value in found):
            continue
        yield (
            service.file.key_loc(service.path),
            f'service "{service.name}" does not set "no-new-privileges": a setuid or '
            "file-capability program in its image can still raise a process to root; add "
            'security_opt: ["no-new-privileges:true"]',
        )
