"""CL506 unknown-build-target: `build.target` names no stage of the Dockerfile."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.build import build_target, closest_name, written_stage_name
from compose_lint.model.context import dockerfile_display
from compose_lint.registry import Found, rule


@rule(
    "CL506",
    "unknown-build-target",
    Severity.ERROR,
    "A compose build target names no stage of the Dockerfile.",
)
def unknown_build_target(project: Project) -> Found:
    for service in project.services:
        build = service.build
        if build is None or build.remote is not None:
            continue
        found = build_target(service)
        if found is None or found.value is None:
            continue
        written, target = found.written, found.value
        dockerfile = build.parsed
        if dockerfile is None or not dockerfile.stages:
            continue
        names = [s.name for s in dockerfile.stages if s.name]
        if target.lower() in names:
            continue
        shown = f'"{written}"' if written == target else f'"{written}" (resolved to "{target}")'
        name_of_file = dockerfile_display(build)
        if not names:
            problem = (
                f'build target {shown} of service "{service.name}" names no stage: '
                f"{name_of_file} has no named stage; name the stage to build "
                f'("FROM <image> AS {target.lower()}") or remove "target"'
            )
        else:
            written_names = [written_stage_name(s) for s in dockerfile.stages if s.name]
            listed = ", ".join(f'"{n}"' for n in written_names)
            problem = (
                f'build target {shown} of service "{service.name}" names no stage of '
                f"{name_of_file} (its stages: {listed})"
            )
            close = closest_name(target, written_names, cutoff=0.6)
            if target.isdigit():
                problem += "; a target must be a stage name, not a number"
            if close is not None:
                problem += f'; did you mean "{close}"?'
            else:
                problem += '; use one of them or remove "target" to build the last stage'
        yield service.file.loc(build.path + ("target",)), problem
