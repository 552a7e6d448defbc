"""CL512 bind-mount-hides-dependencies: a bind mount of the build context (or a folder
of it) covers the directory where the image installed its dependencies, and the host
folder has none: the container cannot find them.

Where the image installed what comes from `model.mounts.dependency_dirs` (the one
reading of package-manager calls, at the WORKDIR of each step); the mount that decides
what the container sees there from `model.mounts.deciding`. A volume at the
dependency directory (anonymous or named) takes precedence over the bind mount and
keeps the image's copy; a host folder that holds the directory itself, or a container
that installs them as it starts, leaves nothing missing.
"""

from __future__ import annotations

import os
from pathlib import Path

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.context import dockerfile_display
from compose_lint.model.image import image_of
from compose_lint.model.mounts import (
    ContainerMount,
    DepsDir,
    container_mounts,
    deciding,
    dependency_dirs,
    start_installs,
)
from compose_lint.model.services import once
from compose_lint.registry import Found, rule


def _overlaps(host: Path, context: Path) -> bool:
    """The host folder is the build context, a folder of it, or holds it."""
    a, b = os.path.normcase(str(host)), os.path.normcase(str(context))
    return (
        a == b or a.startswith(b.rstrip(os.sep) + os.sep) or b.startswith(a.rstrip(os.sep) + os.sep)
    )


def _missing_on_host(mount: ContainerMount, deps: DepsDir) -> bool:
    assert mount.host is not None
    below = os.path.relpath(deps.path, mount.target) if deps.path != mount.target else "."
    return not os.path.lexists(mount.host / below)


@rule(
    "CL512",
    "bind-mount-hides-dependencies",
    Severity.WARNING,
    "A bind mount of the source covers the dependencies the image installed.",
)
def bind_mount_hides_dependencies(project: Project) -> Found:
    # a mount several services share through a YAML anchor is written, and fixed, once
    yield from once(_findings(project))


def _findings(project: Project) -> Found:
    for service in project.services:
        build = service.build
        if build is None or build.context is None:
            continue
        image = image_of(build)
        if image is None:
            continue
        installed = dependency_dirs(image)
        if not installed:
            continue
        mounts = container_mounts(project, service)
        hidden: dict[int, tuple[ContainerMount, list[DepsDir]]] = {}
        for deps in installed:
            mount = deciding(mounts, deps.path)
            if mount is None or mount.mount.kind != "bind" or mount.host is None:
                continue
            if not mount.host.is_dir() or not _overlaps(mount.host, build.context):
                continue
            if not _missing_on_host(mount, deps) or start_installs(image, deps.ecosystem):
                continue
            hidden.setdefault(id(mount), (mount, []))[1].append(deps)
        dockerfile = dockerfile_display(build)
        for mount, dirs in hidden.values():
            first = dirs[0]
            paths = ", ".join(dict.fromkeys(d.path for d in dirs))
            keep = " and ".join(f'"- {p}"' for p in dict.fromkeys(d.path for d in dirs))
            volumes = "volumes" if len(dirs) > 1 else "volume"
            source = mount.mount.source or "."
            yield (
                service.file.loc(mount.path),
                f'service "{service.name}" bind-mounts {source} over {mount.target}, which '
                f'hides {paths} where "{first.how}" ({dockerfile} line '
                f"{first.instruction.line}) installed its dependencies; the host folder has "
                f"no {first.name}, so the container cannot find them: add an anonymous "
                f"{volumes} {keep} to the service's volumes to keep the image's copy",
            )
