"""CL313 copy-from-self: `COPY --from` names the stage it is in."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.load.dockerfile import Stage
from compose_lint.model import Project
from compose_lint.model.image import copy_from_refs
from compose_lint.registry import Found, rule


def _stage_id(stage: Stage) -> str:
    number = f'"{stage.name}"' if stage.name else f"number {stage.index}"
    return f"stage {number}, line {stage.from_instruction.line}"


@rule(
    "CL313",
    "copy-from-self",
    Severity.ERROR,
    "`COPY --from` names the stage it is in.",
)
def copy_from_self(project: Project) -> Found:
    for source, dockerfile, _ in project.parsed_dockerfiles():
        for ref in copy_from_refs(dockerfile):
            if ref.target is None or ref.target.index != ref.stage.index:
                continue
            yield (
                source.loc(*ref.where),
                f"COPY --from={ref.ref} names the stage it is in ({_stage_id(ref.stage)}); a "
                "stage cannot copy from itself (the build fails with a circular dependency); copy "
                "from an earlier stage, or drop --from to copy from the build context",
            )
