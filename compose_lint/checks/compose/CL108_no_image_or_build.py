"""CL108 no-image-or-build: a service with neither `image` nor `build` has nothing to run."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.values import resolved
from compose_lint.registry import Found, rule


@rule(
    "CL108",
    "no-image-or-build",
    Severity.ERROR,
    "A service has neither `image` nor `build`, so there is nothing to run.",
)
def no_image_or_build(project: Project) -> Found:
    if project.partial:
        return
    broken = {
        p.path[1]
        for p in project.problems
        if p.kind == "extends" and len(p.path) > 1 and p.path[0] == "services"
    }
    for service in project.services:
        data = service.data
        if service.name in broken or "provider" in data:
            continue  # CL121 reports the extends; a provider service runs no container
        image = data.get("image")
        named = resolved(image, project.env) if isinstance(image, str) else ""
        if named is None or named or data.get("build") is not None:
            continue  # an image (or one interpolation leaves unknown), or a build
        base = data.get("extends")
        base_name = base.get("service") if isinstance(base, dict) else base
        if isinstance(base_name, str):
            where = service.file.key_loc(service.path + ("extends",))
            what = f'service "{service.name}" extends "{base_name}", and neither of them has'
        else:
            where = service.file.key_loc(service.path)
            what = f'service "{service.name}" has neither'
        yield (
            where,
            f"{what} image: nor build:, so Compose has nothing to run and refuses the project: "
            "add image: NAME:TAG, or build: with the directory holding its Dockerfile",
        )
