"""CL122 invalid-volume-spec: a short `volumes` entry Compose cannot parse (empty,
an empty section, too many colons), read after interpolation."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.load import interpolation
from compose_lint.model import Project
from compose_lint.model.services import once
from compose_lint.model.values import resolved, shown, volume_problem
from compose_lint.registry import Found, rule


@rule(
    "CL122",
    "invalid-volume-spec",
    Severity.ERROR,
    "A short `volumes` entry that Compose cannot parse (empty, empty section, too many colons).",
)
def invalid_volume_spec(project: Project) -> Found:
    yield from once(_findings(project))


def _findings(project: Project) -> Found:
    for service in project.services:
        volumes = service.data.get("volumes")
        if not isinstance(volumes, list):
            continue
        for i, item in enumerate(volumes):
            if not isinstance(item, str):
                continue
            value = resolved(item, project.env)
            written = f'"{item}"' if value is None else shown(item, value)
            # A variable only the shell can set stands for a non-empty text: it can
            # add colons but never remove one, so the literal colons alone can
            # already make too many sections or an empty one.
            if value is None:
                value = interpolation.substitute(item, project.env, unknown="xx")
            if value is None:
                continue  # malformed: CL005 reports it
            problem = volume_problem(value)
            if problem is not None:
                yield (
                    service.file.loc(service.path + ("volumes", i)),
                    f'service "{service.name}": volume {written} is invalid, so '
                    f"Compose refuses the project: {problem}",
                )
