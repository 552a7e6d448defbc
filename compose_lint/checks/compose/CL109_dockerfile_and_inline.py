"""CL109 dockerfile-and-inline: a build sets both `dockerfile` and `dockerfile_inline`."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.services import once
from compose_lint.model.values import resolved
from compose_lint.registry import Found, rule


@rule(
    "CL109",
    "dockerfile-and-inline",
    Severity.ERROR,
    "A build sets both `dockerfile` and `dockerfile_inline`.",
)
def dockerfile_and_inline(project: Project) -> Found:
    yield from once(_findings(project))


def _findings(project: Project) -> Found:
    for service in project.services:
        build = service.data.get("build")
        if not isinstance(build, dict):
            continue
        dockerfile = resolved(build.get("dockerfile"), project.env)
        inline = resolved(build.get("dockerfile_inline"), project.env)
        if not dockerfile or not inline:
            continue
        yield (
            service.file.key_loc(service.path + ("build", "dockerfile_inline")),
            f'the build of service "{service.name}" sets both dockerfile: "{dockerfile}" and '
            "dockerfile_inline:, which exclude each other, so Compose refuses the project: keep "
            "the one you mean and delete the other",
        )
