"""CL322 multiple-entrypoint: a stage has more than one ENTRYPOINT; only the last one counts."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.image import replaced
from compose_lint.registry import Found, rule


@rule(
    "CL322",
    "multiple-entrypoint",
    Severity.WARNING,
    "A stage has more than one ENTRYPOINT; only the last one takes effect.",
)
def multiple_entrypoint(project: Project) -> Found:
    for source, dockerfile, _ in project.parsed_dockerfiles():
        for stage in dockerfile.stages:
            for instruction, last in replaced(stage, "ENTRYPOINT"):
                yield (
                    source.loc(instruction.line, instruction.column),
                    f"this ENTRYPOINT has no effect: only the last ENTRYPOINT of a stage counts "
                    f"and the one on line {last.line} replaces it; remove this one, or move "
                    f"what it runs into the ENTRYPOINT on line {last.line}",
                )
