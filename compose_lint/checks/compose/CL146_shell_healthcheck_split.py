"""CL146 shell-healthcheck-split: a healthcheck `test` in `CMD-SHELL` form with more
than one item after `CMD-SHELL`."""

from __future__ import annotations

import json

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.services import once
from compose_lint.registry import Found, rule


@rule(
    "CL146",
    "shell-healthcheck-split",
    Severity.WARNING,
    "A `CMD-SHELL` healthcheck lists its command in several items; only the first is run.",
)
def shell_healthcheck_split(project: Project) -> Found:
    yield from once(_findings(project))


def _findings(project: Project) -> Found:
    for service in project.services:
        healthcheck = service.data.get("healthcheck")
        if not isinstance(healthcheck, dict):
            continue
        test = healthcheck.get("test")
        if not isinstance(test, list) or len(test) < 3 or test[0] != "CMD-SHELL":
            continue
        if not all(isinstance(item, str) for item in test[1:]):
            continue
        # the first item is already shell text; the others are words the author meant
        # as its arguments, quoted when they hold a space
        words = [f'"{item}"' if not item or any(c.isspace() for c in item) else item
                 for item in test[2:]]  # fmt: skip
        shell_form = json.dumps(["CMD-SHELL", " ".join([test[1], *words])])
        # without a shell nothing expands variables: offer the exec form only without any,
        # and only when the first item is one program
        exec_hint = (
            f", or the exec form {json.dumps(['CMD', *test[1:]])}"
            if not any("$" in item for item in test[1:]) and len(test[1].split()) == 1
            else ""
        )
        yield (
            service.file.loc(service.path + ("healthcheck", "test", 2)),
            f'service "{service.name}": the healthcheck shell runs only "{test[1]}": with '
            "CMD-SHELL the item after it is the whole script and the others become its $0, "
            f"$1 and so on, so the check does not run what it lists; write test: {shell_form} "
            f"(one string){exec_hint}",
        )
