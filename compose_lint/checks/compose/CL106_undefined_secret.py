"""CL106 undefined-secret: a service (or its build) uses a secret the top level does not define."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.services import closest, facts, once, section
from compose_lint.registry import Found, rule


@rule(
    "CL106",
    "undefined-secret",
    Severity.ERROR,
    "A service (or its build) uses a secret that the top-level `secrets` does not define.",
)
def undefined_secret(project: Project) -> Found:
    if project.partial:
        return
    yield from once(_findings(project))


def _findings(project: Project) -> Found:
    defined = section(project, "secrets")
    for service in project.services:
        for name, path, label in facts(project, service).uses("secrets"):
            if name in defined:
                continue
            near = closest(name, defined)
            hint = f' (did you mean "{near}"?)' if near else ""
            empty = "" if name else " (the name is empty once interpolated: set its variable)"
            yield (
                service.file.loc(path),
                f'service "{service.name}" uses {label}secret "{name}"{empty}, which the '
                f"top-level secrets: does not define, so Compose refuses the project: correct "
                f'the name{hint} or add "{name}:" under secrets:'
                " (with file:, environment: or external: true)",
            )
