"""CL207 sensitive-host-mount: a service bind-mounts a host path that exposes the host
(`/`, `/etc`, `/proc`, `/sys`, `/root`, `/boot`, `/dev`, `/var/lib/docker`, a home
directory's `.ssh`...).

The mounts are `ServiceFacts.mounts` (`model.values.Mount`, host paths normalised);
the paths are data/host_access.json (`paths`, `home_secrets`). A path counts for
itself and, where the table says `below`, for what lies beneath it: `/etc` itself
counts but `/etc/localtime`, `/etc/timezone` or `/etc/letsencrypt` do not, only the
files below /etc that hold credentials or run as root (`/etc/shadow`, `/etc/ssh`...).
Writable mounts are reported; a read-only one only with the option `read-only`, and
then only where reading is already the harm (`read_only` in the table: the root
folder, /etc, a home's `.ssh`, /var/lib/docker), not /proc, /sys or /dev, which
monitoring agents mount read-only by design. On a privileged service, a path below /sys
or /dev is not reported: the container has those writable anyway, and CL203 reports that.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any, NamedTuple

from compose_lint import data
from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.purpose import written_use
from compose_lint.model.services import facts, once
from compose_lint.model.values import is_true
from compose_lint.registry import Found, rule

_HOMES = ("/home", "/Users")
# what a privileged container already has writable, so that mounting it adds nothing
_PRIVILEGED_HAS = ("/sys/", "/dev/")
# rule-options: sensitive-host-mount: read-only: true
READ_ONLY_OPTION = "read-only"


class _Path(NamedTuple):
    below: bool
    read_only: bool
    why: str


@cache
def _table() -> tuple[dict[str, _Path], frozenset[str]]:
    table = data.load("host_access.json")
    paths = {
        str(path): _Path(bool(e["below"]), bool(e["read_only"]), str(e["why"]))
        for path, e in table["paths"].items()
    }
    return paths, frozenset(str(s) for s in table["home_secrets"])


def _sensitive(host: str) -> tuple[str, _Path] | None:
    """The table's entry for `host` (itself, or a path above it that counts below)."""
    paths, secrets = _table()
    parts = host.split("/")
    home = 1 if parts[0] == "~" else 3 if "/" + parts[1] in _HOMES else 0
    if home and len(parts) > home and parts[home] in secrets:
        shown = "/".join(parts[: home + 1])
        return shown, _Path(True, True, "a home directory's credentials")
    if host in paths:
        return host, paths[host]
    while "/" in host.rstrip("/"):
        host = host.rsplit("/", 1)[0] or "/"
        entry = paths.get(host)
        if entry is not None and entry.below:
            return host, entry
    return None


@rule(
    "CL207",
    "sensitive-host-mount",
    Severity.WARNING,
    "A service bind-mounts a host path that exposes the host (/, /etc, /proc, ~/.ssh...).",
    options={READ_ONLY_OPTION: "bool"},
)
def sensitive_host_mount(project: Project, options: Mapping[str, Any]) -> Found:
    yield from once(_findings(project, bool(options.get(READ_ONLY_OPTION, False))))


def _findings(project: Project, read_only: bool) -> Found:
    for service in project.services:
        privileged = is_true(service.data.get("privileged"), project.env)
        for mount in facts(project, service).mounts:
            host = mount.host_path
            found = _sensitive(host) if host is not None else None
            if found is None:
                continue
            if privileged and host is not None and (host + "/").startswith(_PRIVILEGED_HAS):
                continue  # privileged: /sys and /dev are writable in it anyway (CL203 says so)
            path, entry = found
            if mount.read_only and not (read_only and entry.read_only):
                continue
            if written_use(service, mount.path) is not None:
                continue
            what = host if path == host else f"{host}, inside {path}"
            if mount.read_only:
                how = "read-only, which still lets it read them"
                fix = "mount only the file it needs"
            else:
                how = 'writable (no ":ro"), so a process in it can change them'
                fix = 'mount only the file it needs, read-only (":ro")'
            yield (
                service.file.loc(mount.path),
                f'service "{service.name}" bind-mounts the host\'s {what} ({entry.why}) '
                f"{how}; {fix}, or copy it into a volume",
            )
