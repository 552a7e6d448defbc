"""CL206 confinement-disabled: a `security_opt` entry switches off seccomp, AppArmor,
SELinux labelling or the masking of /proc and /sys.

Entries are read by `model.values.security_option` (`:` or `=`, any case); which
ones disable a confinement is data/host_access.json (`confinement`).
"""

from __future__ import annotations

from functools import cache

from compose_lint import data
from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.purpose import written_use
from compose_lint.model.services import facts, once
from compose_lint.model.values import security_option
from compose_lint.registry import Found, rule


@cache
def _disabling() -> dict[tuple[str, str], str]:
    table = data.load("host_access.json")["confinement"]
    return {(key, value): why for key, values in table.items() for value, why in values.items()}


@rule(
    "CL206",
    "confinement-disabled",
    Severity.WARNING,
    "A service switches off seccomp, AppArmor or SELinux confinement in `security_opt`.",
)
def confinement_disabled(project: Project) -> Found:
    yield from once(_findings(project))


def _findings(project: Project) -> Found:
    disabling = _disabling()
    for service in project.services:
        for entry in facts(project, service).entries("security_opt"):
            key, value = security_option(entry.value)
            why = disabling.get((key, value))
            if why is None or written_use(service, entry.path):
                continue
            yield (
                service.file.loc(entry.path),
                f'service "{service.name}" sets security_opt "{entry.value.strip()}", '
                f"which switches off {why}; remove it, and if the program is refused one "
                "system call or path, allow just that in a custom profile "
                "(seccomp=profile.json, apparmor=PROFILE) rather than switching the "
                "confinement off",
            )
