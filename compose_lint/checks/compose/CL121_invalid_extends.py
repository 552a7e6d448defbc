"""CL121 invalid-extends: an `extends` that Compose cannot resolve (the loader records
unknown services, missing files and cycles)."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.services import located_problems
from compose_lint.registry import Found, rule


@rule(
    "CL121",
    "invalid-extends",
    Severity.ERROR,
    "An `extends` that Compose cannot resolve (unknown service, missing file, cycle).",
)
def invalid_extends(project: Project) -> Found:
    # located_problems words each "extends" problem of project.problems, in order
    problems = [p for p in project.problems if p.kind == "extends"]
    for problem, (loc, message) in zip(
        problems, located_problems(project, "extends"), strict=False
    ):
        service = problem.path[1] if len(problem.path) > 1 else None
        prefix = f'service "{service}": ' if isinstance(service, str) else ""
        yield loc, prefix + message
