"""CL314 duplicate-stage-name: two stages named alike (`FROM ... AS name`)."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.load.dockerfile import Stage
from compose_lint.model import Project
from compose_lint.registry import Found, rule


@rule(
    "CL314",
    "duplicate-stage-name",
    Severity.WARNING,
    "Two stages have the same name (`FROM ... AS name`).",
)
def duplicate_stage_name(project: Project) -> Found:
    for source, dockerfile, _ in project.parsed_dockerfiles():
        first: dict[str, Stage] = {}
        for stage in dockerfile.stages:
            if stage.name is None:
                continue
            earlier = first.setdefault(stage.name, stage)
            if earlier is stage:
                continue
            where = stage.from_instruction.find(stage.name, last=True, after=" as ")
            yield (
                source.loc(*where),
                f'stage name "{stage.name}" is already used by the stage on line '
                f"{earlier.from_instruction.line} (names are compared ignoring case); Docker "
                "refuses to build this file; rename one of the stages and the --from and "
                "FROM references to it",
            )
