"""CL103 undefined-service: a service names a service the application does not define
(depends_on, links, volumes_from, `service:` namespaces, build additional_contexts)."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.services import Names, all_references, once, ref_loc, section
from compose_lint.registry import Found, rule


@rule(
    "CL103",
    "undefined-service",
    Severity.ERROR,
    "A service refers to a service (depends_on, links, service:...) that is not defined.",
)
def undefined_service(project: Project) -> Found:
    if project.partial:
        return
    defined = section(project, "services")
    yield from once(_findings(project, defined))


def _findings(project: Project, defined: dict[object, object]) -> Found:
    names = Names(defined)
    for service, ref in all_references(project):
        if ref.target in defined:
            continue
        near = names.closest(ref.target)
        hint = f' (did you mean "{near}"?)' if near else ""
        extra = ""
        if ref.via == "volumes_from":
            extra = f' (to mount from a container outside Compose, write "container:{ref.target}")'
        empty = "" if ref.target else " (the name is empty once interpolated: set its variable)"
        yield (
            ref_loc(service, ref),
            f'{ref.describe()}, but this application defines no service "{ref.target}"'
            f"{empty}, so "
            f"Compose refuses the project: correct the name{hint} or define the "
            f"service{extra}",
        )
