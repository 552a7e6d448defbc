"""CL107 undefined-config: a service uses a config the top level does not define."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.services import closest, facts, once, section
from compose_lint.registry import Found, rule


@rule(
    "CL107",
    "undefined-config",
    Severity.ERROR,
    "A service uses a config that the top-level `configs` does not define.",
)
def undefined_config(project: Project) -> Found:
    if project.partial:
        return
    yield from once(_findings(project))


def _findings(project: Project) -> Found:
    defined = section(project, "configs")
    for service in project.services:
        for name, path, label in facts(project, service).uses("configs"):
            if name in defined:
                continue
            near = closest(name, defined)
            hint = f' (did you mean "{near}"?)' if near else ""
            empty = "" if name else " (the name is empty once interpolated: set its variable)"
            yield (
                service.file.loc(path),
                f'service "{service.name}" uses {label}config "{name}"{empty}, which the '
                f"top-level configs: does not define, so Compose refuses the project: correct "
                f'the name{hint} or add "{name}:" under configs:'
                " (with file:, content:, environment: or external: true)",
            )
