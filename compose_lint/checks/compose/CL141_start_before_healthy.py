"""CL141 start-before-healthy: a service depends on another that has a healthcheck,
in the short form, so Compose starts it as soon as that container runs, without
waiting for it to be healthy. A long form that says `condition: service_started` is a
choice written down, and is not reported."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project, Service
from compose_lint.model.image import image_of
from compose_lint.model.services import all_references
from compose_lint.registry import Found, rule


def _checked(service: Service) -> str | None:
    """Where the health of `service` is defined ("its healthcheck:", "the HEALTHCHECK
    of Dockerfile"), or None when it has none (or disables it)."""
    raw = service.data.get("healthcheck")
    if isinstance(raw, dict):
        if raw.get("disable") is True or raw.get("test") in (["NONE"], "NONE"):
            return None
        if "test" in raw:
            return "its healthcheck:"
    build = service.build
    if build is None:
        return None
    image = image_of(build)
    if image is None or image.stage is None:
        return None
    check = image.end.healthcheck
    if check is None or check.args.strip().upper().startswith("NONE"):
        return None
    where = build.dockerfile.display if build.dockerfile is not None else "its Dockerfile"
    return f"the HEALTHCHECK on line {check.line} of {where}"


@rule(
    "CL141",
    "start-before-healthy",
    Severity.INFO,
    "`depends_on` a service with a healthcheck, without waiting for it to be healthy.",
    default_enabled=False,
)
def start_before_healthy(project: Project) -> Found:
    by_name = {s.name: s for s in project.services}
    seen: set[object] = set()  # an anchor shared by several services is one place
    for service, ref in all_references(project):
        if ref.via != "depends_on" or ref.at_key:
            continue  # the long form names its condition
        target = by_name.get(ref.target)
        if target is None:
            continue
        how = _checked(target)
        where = service.file.loc(ref.path)
        if how is None or where in seen:
            continue
        seen.add(where)
        yield (
            where,
            f'service "{service.name}" depends on "{ref.target}" in the short form, so Compose '
            f'starts it as soon as the "{ref.target}" container runs, although {how} says when '
            f"it is ready: write depends_on: {{{ref.target}: {{condition: service_healthy}}}} "
            "to wait until it is healthy",
        )
