"""CL513 named-volume-over-image-content: a named volume is mounted over a directory
the image fills while it is built, so after a rebuild the container keeps the
volume's old copy.

What the image fills comes from `model.mounts.filled_under` (COPY/ADD destinations,
the part of a copied context folder that lands below the mount, dependency
directories, build output); the mount that decides what the container sees there
from `model.mounts.deciding`. Content the base image brings is not known, so a
datastore's data directory is never reported; neither is a path the Dockerfile
itself declares with VOLUME, nor a volume with `nocopy: true`.
"""

from __future__ import annotations

import posixpath

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.context import dockerfile_display
from compose_lint.model.image import image_of
from compose_lint.model.imageref import datastore
from compose_lint.model.mounts import container_mounts, deciding, declared_volumes, filled_under
from compose_lint.model.services import once
from compose_lint.registry import Found, rule

# Folders whose files a volume is meant to keep: an image that copies files there seeds
# them (defaults the container then owns), it does not serve a build from them.
_DATA_FOLDERS = frozenset(
    {"data", "db", "database", "storage", "uploads", "upload", "media", "logs", "log", "config"}
    | {"conf", "settings", "cache", "tmp", "backups", "backup", "files", "var", "state", "certs"}
    | {"sessions", "attachments", "userdata", "user-data", "persist", "persistent"}
)


@rule(
    "CL513",
    "named-volume-over-image-content",
    Severity.INFO,
    "A named volume covers files the image builds in; after a rebuild it keeps the old ones.",
)
def named_volume_over_image_content(project: Project) -> Found:
    # a mount several services share through a YAML anchor is written, and fixed, once
    yield from once(_findings(project))


def _findings(project: Project) -> Found:
    for service in project.services:
        build = service.build
        if build is None:
            continue
        image = image_of(build)
        if image is None or (image.root is not None and datastore(image.root) is not None):
            continue
        mounts = container_mounts(project, service)
        declared = declared_volumes(image)
        for mount in mounts:
            name = mount.mount.source
            if mount.mount.kind != "volume" or not name or mount.nocopy:
                continue
            if mount.target in declared:
                continue  # the image means it as a data directory
            # what the volume itself shows: not what a deeper mount covers
            seeded = posixpath.basename(mount.target).lower() in _DATA_FOLDERS
            filled = [
                f
                for f in filled_under(image, mount.target)
                if deciding(mounts, f.path) is mount and not (seeded and f.deps is None)
            ]
            if not filled:
                continue
            # the step that fills the volume's own path first, else the earliest one
            first = min(filled, key=lambda f: (f.path != mount.target, f.instruction.line))
            where = f"{dockerfile_display(build)} line {first.instruction.line}"
            if first.deps is not None and first.path == mount.target:
                yield (
                    service.file.loc(mount.path),
                    f'named volume "{name}" of service "{service.name}" is mounted over '
                    f'{first.path}, which "{first.how}" ({where}) fills in the image: Docker '
                    "copies the image's files into a volume only while it is empty, so after a "
                    f"dependency change and a rebuild the container still sees the old "
                    f'{first.deps.name}; use an anonymous volume "- {first.path}" instead '
                    '(renewed by "docker compose up --build -V") or remove the named volume '
                    "after each change",
                )
                continue
            yield (
                service.file.loc(mount.path),
                f'named volume "{name}" of service "{service.name}" is mounted over '
                f'{mount.target}, which the image fills while it is built ("{first.how}", '
                f"{where}): Docker copies the image's files into a volume only while it is "
                "empty, so after a rebuild the container keeps serving the old ones; mount "
                "the volume elsewhere, or remove it when the image changes",
            )
