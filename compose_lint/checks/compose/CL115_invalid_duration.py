"""CL115 invalid-duration: a duration Compose cannot parse.

Literals the schema already rejects are CL003's; this adds what the schema cannot
see: values that only go wrong once interpolated, and the few literals whose shape
passes but whose value Compose's parser refuses."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.services import facts, once
from compose_lint.model.values import duration_problem
from compose_lint.registry import Found, rule


@rule(
    "CL115",
    "invalid-duration",
    Severity.ERROR,
    "A duration (healthcheck interval, stop_grace_period...) that Compose cannot parse.",
)
def invalid_duration(project: Project) -> Found:
    yield from once(_findings(project))


def _findings(project: Project) -> Found:
    for service in project.services:
        for written in facts(project, service).durations:
            problem = duration_problem(written.value)
            if problem is None:
                continue
            yield (
                service.file.loc(written.path),
                f'service "{service.name}": {written.key} {written.shown} is not a duration '
                f"Compose accepts ({problem}), so it refuses the project; write a number with a "
                "unit, like 30s, 1m30s or 2h (units: ns, us, ms, s, m, h, d, w)",
            )
