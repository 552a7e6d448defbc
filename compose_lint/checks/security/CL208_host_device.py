"""CL208 host-device: `devices:` hands a container the host's memory or a whole disk
(`/dev/mem`, `/dev/kmem`, `/dev/port`, `/dev/sda`, `/dev/nvme0n1`, `/dev/disk/...`).

The host side of an entry is `model.values.device_source`; the device patterns are
data/host_access.json (`devices`).
"""

from __future__ import annotations

import fnmatch
from functools import cache

from compose_lint import data
from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.purpose import written_use
from compose_lint.model.services import facts, once
from compose_lint.model.values import device_source, host_path
from compose_lint.registry import Found, rule


@cache
def _devices() -> tuple[tuple[str, str], ...]:
    return tuple(
        (str(d["pattern"]), str(d["why"])) for d in data.load("host_access.json")["devices"]
    )


@rule(
    "CL208",
    "host-device",
    Severity.WARNING,
    "A service is given a host device that exposes host memory or a whole disk.",
)
def host_device(project: Project) -> Found:
    yield from once(_findings(project))


def _findings(project: Project) -> Found:
    devices = _devices()
    for service in project.services:
        for entry in facts(project, service).entries("devices"):
            source = host_path(device_source(entry.value))
            if source is None:
                continue
            why = next((w for p, w in devices if fnmatch.fnmatchcase(source, p)), None)
            if why is None or written_use(service, entry.path):
                continue
            yield (
                service.file.loc(entry.path),
                f'service "{service.name}" is given the host device {source} ({why}): a '
                "process in it can read and overwrite it, bypassing every file permission "
                "of the host; mount the filesystem or the one partition it needs instead, "
                "read-only if it only reads",
            )
