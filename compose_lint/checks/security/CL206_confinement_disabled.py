"""CL206 confinement-disabled: a `security_opt` entry switches off seccomp, AppArmor,
SELinux labelling or the masking of /proc and /sys.

Entries are read by `model.values.security_option` (`:` or `=`, any case); which
ones disable a confinement is data/host_access.json (`confinement`). An `apparmor`
entry in a compose file for Docker Desktop on macOS or Windows (its folder says so:
`without_apparmor`) changes nothing there, as the VM runs no AppArmor, and is left alone.
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


@cache
def _without_apparmor() -> frozenset[str]:
    return frozenset(str(f) for f in data.load("host_access.json")["without_apparmor"])


def _for_docker_desktop(display: str) -> bool:
    """The compose file's folders say it is for Docker Desktop on macOS or Windows
    (`setup/docker/macos/compose.yaml`), whose VM runs no AppArmor."""
    folders = display.replace("\\", "/").lower().split("/")[:-1]
    return bool(_without_apparmor().intersection(folders))


def _findings(project: Project) -> Found:
    disabling = _disabling()
    for service in project.services:
        for entry in facts(project, service).entries("security_opt"):
            key, value = security_option(entry.value)
            why = disabling.get((key, value))
            if why is None or written_use(service, entry.path):
                continue
            written = service.file.file_of(entry.path)
            if key == "apparmor" and _for_docker_desktop(written.inner or written.display):
                continue  # no AppArmor there: the option changes nothing
            yield (
                service.file.loc(entry.path),
                f'service "{service.name}" sets security_opt "{entry.value.strip()}", '
                f"which switches off {why}; remove it, and if the program is refused one "
                "system call or path, allow just that in a custom profile "
                "(seccomp=profile.json, apparmor=PROFILE) rather than switching the "
                "confinement off",
            )
