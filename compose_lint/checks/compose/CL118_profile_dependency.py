"""CL118 profile-dependency: a service depends on a service its profiles do not enable."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.services import all_references, exclusive, ref_loc
from compose_lint.registry import Found, rule


def _quoted(names: tuple[str, ...]) -> str:
    return ", ".join(f'"{n}"' for n in names)


@rule(
    "CL118",
    "profile-dependency",
    Severity.ERROR,
    "A service depends on a service that its profiles do not enable.",
)
def profile_dependency(project: Project) -> Found:
    if project.partial:
        return
    by_name = {s.name: s for s in project.services}
    for service, ref in all_references(project):
        target = by_name.get(ref.target)
        if target is None or not target.profiles or not ref.required:
            continue
        only = f"which only runs with profile {_quoted(target.profiles)}"
        if not service.profiles:
            problem = (
                f'service "{service.name}" has no profiles, so it always runs, but it '
                f"{ref.verb()}, {only}: with no profile active Compose refuses the project"
            )
            fix = (
                f'delete the profiles of "{target.name}" or give "{service.name}" that profile too'
            )
        elif exclusive(service, target):
            problem = (
                f'{ref.describe()}, {only}, while "{service.name}" runs with profile '
                f"{_quoted(service.profiles)}: activating one profile without the other makes "
                "Compose refuse the project"
            )
            fix = f'give "{target.name}" one of the profiles of "{service.name}"'
        else:
            continue
        if ref.via == "depends_on":
            fix = (
                f'mark the dependency required: false if "{service.name}" can run without it, {fix}'
            )
        yield ref_loc(service, ref), f"{problem}; {fix}"
