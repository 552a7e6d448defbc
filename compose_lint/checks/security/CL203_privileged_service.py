"""CL203 privileged-service: a service runs with `privileged: true`."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.purpose import Use, written_use
from compose_lint.model.services import once
from compose_lint.model.values import is_true
from compose_lint.registry import Found, rule

# a development setup still runs on someone's host: only test and retired files are left
_QUIET = (Use.TEST, Use.RETIRED)


@rule(
    "CL203",
    "privileged-service",
    Severity.WARNING,
    "A service runs privileged: root in the container is root on the host.",
)
def privileged_service(project: Project) -> Found:
    yield from once(_findings(project))


def _findings(project: Project) -> Found:
    for service in project.services:
        path = service.path + ("privileged",)
        if "privileged" not in service.data or written_use(service, path) in _QUIET:
            continue
        if is_true(service.data["privileged"], project.env):
            yield (
                service.file.loc(path),
                f'service "{service.name}" runs privileged: it gets every capability and '
                "every host device, without seccomp or AppArmor, so root in it is root on "
                'the host; remove "privileged: true" and grant only what it needs '
                '("cap_add:" with the one capability, "devices:" with the one device)',
            )
