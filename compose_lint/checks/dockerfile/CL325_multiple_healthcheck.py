"""CL325 multiple-healthcheck: a stage has more than one HEALTHCHECK; only the last one counts."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.image import replaced
from compose_lint.registry import Found, rule


@rule(
    "CL325",
    "multiple-healthcheck",
    Severity.WARNING,
    "A stage has more than one HEALTHCHECK; only the last one takes effect.",
)
def multiple_healthcheck(project: Project) -> Found:
    for source, dockerfile, _ in project.parsed_dockerfiles():
        for stage in dockerfile.stages:
            for instruction, last in replaced(stage, "HEALTHCHECK"):
                yield (
                    source.loc(instruction.line, instruction.column),
                    f"this HEALTHCHECK has no effect: only the last HEALTHCHECK of a stage counts "
                    f"and the one on line {last.line} replaces it; remove this one, or move "
                    f"what it checks into the HEALTHCHECK on line {last.line}",
                )
