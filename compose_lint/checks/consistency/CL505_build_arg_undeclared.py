"""CL505 build-arg-undeclared: a compose build arg the Dockerfile never declares.

Compose passes `build.args` to the builder; only the ARGs declared in the stages a
build runs (or globally) receive them. A remote context, a missing Dockerfile or a
stage reference hidden behind a variable keeps the rule from guessing.
"""

from __future__ import annotations

from collections.abc import Iterable

from compose_lint.findings import Severity
from compose_lint.load import interpolation
from compose_lint.load.dockerfile import Instruction, Stage
from compose_lint.model import Project
from compose_lint.model.build import build_target, closest_name, written_stage_name
from compose_lint.model.context import dockerfile_display
from compose_lint.model.image import Resolver
from compose_lint.model.services import once
from compose_lint.registry import Found, rule

# Build args the builder knows without an ARG instruction: the proxy settings
# (upper or lower case) and BuildKit's own switches.
_PROXY_ARGS = frozenset({"http_proxy", "https_proxy", "ftp_proxy", "no_proxy", "all_proxy"})
_BUILDKIT_ARGS = frozenset({"SOURCE_DATE_EPOCH"})


def _predefined(name: str) -> bool:
    return name.lower() in _PROXY_ARGS or name in _BUILDKIT_ARGS or name.startswith("BUILDKIT_")


def _arg_names(instructions: Iterable[Instruction]) -> set[str]:
    return {name for i in instructions if i.keyword == "ARG" for name, _ in i.arg_pairs}


def _reached(resolver: Resolver, built: Stage) -> list[Stage] | None:
    """The stages a build of `built` runs; None when a variable hides which stage a
    FROM, `COPY --from` or `RUN --mount=from=` refers to."""
    stages = resolver.needed_stages(built)
    for stage in stages:
        if stage.index > 0 and "$" in stage.base and resolver.base(stage) is None:
            return None
        for step in resolver.steps(stage):
            refs = step.instruction.stage_refs() if step.stage is stage else []
            if any(interpolation.substitute(ref, step.env) is None for ref in refs):
                return None
    return stages


@rule(
    "CL505",
    "build-arg-undeclared",
    Severity.WARNING,
    "A compose build arg is not declared with ARG in the Dockerfile it builds.",
)
def build_arg_undeclared(project: Project) -> Found:
    yield from once(_findings(project))  # an anchor several services merge: once


def _findings(project: Project) -> Found:
    for service in project.services:
        build = service.build
        if build is None or not build.args or build.remote is not None:
            continue
        dockerfile = build.parsed
        if dockerfile is None or not dockerfile.stages:
            continue
        resolver = Resolver.of(dockerfile, build)
        globals_ = _arg_names(dockerfile.global_args)
        everywhere = globals_.union(*(_arg_names(s.instructions) for s in dockerfile.stages))
        target = build_target(service)
        if target is None:
            built = resolver.built(None)
        else:  # a target interpolation leaves unknown builds an unknown stage
            built = resolver.built(target.value) if target.value else None
        reached = _reached(resolver, built) if built is not None else None
        if reached is None:  # unknown target (CL506's finding) or a hidden stage reference
            declared = everywhere
        else:
            declared = globals_.union(*(_arg_names(s.instructions) for s in reached))
        name_of_file = dockerfile_display(build)
        for arg in build.args:
            name = arg.name
            if not name or "$" in name or name in declared or _predefined(name):
                continue
            if name in everywhere:
                stages = [
                    f'"{written_stage_name(s)}"' if s.name else f"#{s.index}"
                    for s in dockerfile.stages
                    if name in _arg_names(s.instructions)
                ]
                built_text = f'target "{target.value}"' if target else "the last stage"
                message = (
                    f'build arg "{name}" of service "{service.name}" is declared only in '
                    f"stage {', '.join(stages)} of {name_of_file}, which building {built_text} "
                    f'skips; declare "ARG {name}" in a stage that {built_text} builds, '
                    "or remove it from build.args"
                )
            else:
                message = (
                    f'build arg "{name}" of service "{service.name}" is never declared in '
                    f"{name_of_file}, so the build ignores it; "
                )
                close = closest_name(name, sorted(everywhere))
                if close is not None:
                    message += f'rename it to "{close}", the ARG that file declares, or remove it'
                else:
                    message += f'add "ARG {name}" to {name_of_file} in the stage that uses it, '
                    message += "or remove it"
                message += " from build.args"
            yield service.file.key_loc(arg.path), message
