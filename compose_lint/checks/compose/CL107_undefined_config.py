"""CL107 undefined-config: a service uses a config the top level does not define."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.services import undefined
from compose_lint.registry import Found, rule


@rule(
    "CL107",
    "undefined-config",
    Severity.ERROR,
    "A service uses a config that the top-level `configs` does not define.",
)
def undefined_config(project: Project) -> Found:
    for use in undefined(project, "configs"):
        yield (
            use.loc,
            f'service "{use.service.name}" uses config "{use.name}"{use.empty}, which the '
            "top-level configs: does not define, so Compose refuses the project: correct the "
            f'name{use.hint} or add "{use.name}:" under configs: '
            "(with file:, content:, environment: or external: true)",
        )
