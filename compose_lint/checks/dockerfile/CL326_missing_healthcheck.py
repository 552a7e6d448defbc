"""CL326 missing-healthcheck: the built image has no HEALTHCHECK (nor do the stages
it is built from) and the compose service sets no `healthcheck:` test."""

from __future__ import annotations

from collections.abc import Sequence

from compose_lint.findings import Severity
from compose_lint.load.dockerfile import Stage
from compose_lint.model import Project
from compose_lint.model.context import instruction_text
from compose_lint.model.image import image_of, lone_image
from compose_lint.registry import Found, rule


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _stage_label(stage: Stage) -> str:
    if stage.name:
        return f'stage "{stage.name}"'
    return f'the stage "FROM {stage.base}"'


def _services(names: Sequence[str]) -> str:
    quoted = [f'"{n}"' for n in names]
    if len(quoted) == 1:
        return f"service {quoted[0]}"
    return "services " + ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _message(stage: Stage, inherited: bool, missing: list[str], empty: list[str]) -> str:
    names = missing + empty
    verb = "builds" if len(names) == 1 else "build"
    parents = " (nor do the stages it is built from)" if inherited else ""
    what = f"{_services(names)} {verb} {_stage_label(stage)}, which has no HEALTHCHECK{parents}"
    if empty and not missing:
        why = 'and the service\'s "healthcheck:" sets only options, no "test:"'
        fix = 'add a "test:" to the service\'s "healthcheck:" or a HEALTHCHECK to this stage'
    else:
        why = 'and the compose file sets no "healthcheck:"'
        fix = (
            'add a "healthcheck:" with a "test:" to the service or a HEALTHCHECK to this '
            'stage, or write "healthcheck: {disable: true}" if it needs none'
        )
    return (
        f"{what}, {why}: docker compose ps cannot report the container unhealthy and "
        f'"depends_on: condition: service_healthy" cannot wait for it; {fix}'
    )


@rule(
    "CL326",
    "missing-healthcheck",
    Severity.INFO,
    "The built image has no HEALTHCHECK and the compose service sets no `healthcheck:`.",
    default_enabled=False,
)
def missing_healthcheck(project: Project) -> Found:
    for source, dockerfile, builds in project.parsed_dockerfiles():
        if not dockerfile.stages:
            continue
        if not builds:
            lone = lone_image(dockerfile)
            if lone is not None and lone.stage is not None and lone.end.healthcheck is None:
                stage = lone.stage
                yield (
                    source.loc(stage.from_instruction.line, stage.from_instruction.column),
                    "the last stage of this Dockerfile "
                    f'("{_short(instruction_text(stage.from_instruction), 50)}") has no '
                    "HEALTHCHECK, nor do the stages it is built from, so Docker cannot tell a "
                    "running but stuck container from a healthy one; add one to the stage "
                    '(e.g. "HEALTHCHECK CMD curl -f http://localhost/ || exit 1"), or a '
                    '"healthcheck:" to the compose service that runs the image',
                )
            continue
        # stage index -> (stage, services without a healthcheck, services with options only)
        found: dict[int, tuple[Stage, list[str], list[str]]] = {}
        chosen: set[int] = set()
        for build in builds:
            image = image_of(build)
            if image is None or image.stage is None or image.end.healthcheck is not None:
                continue
            choice = image.compose_healthcheck
            if choice == "set":
                chosen.add(image.stage.index)
                continue
            entry = found.setdefault(image.stage.index, (image.stage, [], []))
            (entry[1] if choice == "none" else entry[2]).append(build.service.name)
        first = image_of(builds[0])
        for index, (stage, missing, empty) in sorted(found.items()):
            if index in chosen or first is None:
                continue
            inherited = len(first.resolver.chain(stage)) > 1
            yield (
                source.loc(stage.from_instruction.line, stage.from_instruction.column),
                _message(stage, inherited, missing, empty),
            )
