"""CL104 undefined-network: a service joins a network the top level does not define
(Compose always provides `default`)."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.services import closest, facts, once, section
from compose_lint.registry import Found, rule


@rule(
    "CL104",
    "undefined-network",
    Severity.ERROR,
    "A service joins a network that the top-level `networks` does not define.",
)
def undefined_network(project: Project) -> Found:
    if project.partial:
        return
    yield from once(_findings(project))


def _findings(project: Project) -> Found:
    defined = section(project, "networks")
    for service in project.services:
        for name, path, at_key in facts(project, service).networks():
            if name == "default" or name in defined:
                continue
            near = closest(name, [*defined, "default"])
            hint = f' (did you mean "{near}"?)' if near else ""
            empty = "" if name else " (the name is empty once interpolated: set its variable)"
            loc = service.file.key_loc(path) if at_key else service.file.loc(path)
            yield (
                loc,
                f'service "{service.name}" joins network "{name}"{empty}, which the '
                "top-level networks: does not define, so Compose refuses the project: "
                f"correct the name{hint} or add "
                f'"{name}:" under networks: (with "external: true" if something outside this '
                "project creates it)",
            )
