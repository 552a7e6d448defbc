"""CL505-CL506: what compose's `build:` asks of the Dockerfile it builds.

Compose passes `build.args` and `build.target` to the builder; the Dockerfile has
to declare each arg with `ARG` and define each target as a named stage. Only the
compose file and the parsed Dockerfile are looked at; a remote context, a missing
Dockerfile or a value that interpolation leaves unknown keeps the rules silent.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from compose_lint.findings import Location, Severity
from compose_lint.load import interpolation
from compose_lint.load.dockerfile import Dockerfile, Instruction, Stage
from compose_lint.model import Build, Project, Service
from compose_lint.model.image import Resolver, declared_args
from compose_lint.registry import rule

Found = Iterator[tuple[Location, str]]

# Build args the builder knows without an ARG instruction: the proxy settings
# (upper or lower case) and BuildKit's own switches.
_PROXY_ARGS = frozenset({"http_proxy", "https_proxy", "ftp_proxy", "no_proxy", "all_proxy"})
_BUILDKIT_ARGS = frozenset({"SOURCE_DATE_EPOCH"})
_BUILDKIT_PREFIX = "BUILDKIT_"


def _predefined(name: str) -> bool:
    return (
        name.lower() in _PROXY_ARGS or name in _BUILDKIT_ARGS or name.startswith(_BUILDKIT_PREFIX)
    )


def _dockerfile_name(build: Build) -> str:
    if build.inline is not None or build.dockerfile is None:
        return f'the dockerfile_inline of service "{build.service.name}"'
    return build.dockerfile.display


def _target(service: Service) -> tuple[str, str] | None:
    """`build.target` as written and as Compose interpolates it; None when absent,
    empty, not a scalar, or left unknown by interpolation."""
    spec = service.data.get("build")
    raw = spec.get("target") if isinstance(spec, dict) else None
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        return None
    written = str(raw)
    value = interpolation.substitute(written, service.file.interpolation_env)
    return (written, value) if value else None


def _written_name(stage: Stage) -> str:
    """The stage name as the FROM line writes it (the model keeps it lower-cased)."""
    words = stage.from_instruction.args.split()
    if stage.name and len(words) >= 3 and words[-2].lower() == "as":
        return words[-1]
    return stage.name or ""


# -- which stages a build runs ----------------------------------------------------------


def _reached_stages(resolver: Resolver, built: Stage) -> list[Stage] | None:
    """The stages a build of `built` runs (its FROM chain plus the stages it copies or
    mounts from); None when a variable hides which stage something refers to."""
    reached: list[Stage] = []
    queue = [built]
    while queue:
        stage = queue.pop()
        if stage in reached:
            continue
        reached.append(stage)
        base = resolver.base(stage)
        if base is None:
            if "$" in stage.base and stage.index > 0:
                return None  # FROM ${X}: perhaps an earlier stage
        else:
            parent = resolver.stage(base, stage.index)
            if parent is not None:
                queue.append(parent)
        for instruction in stage.instructions:
            for ref in instruction.stage_refs():
                name = interpolation.substitute(ref, resolver.env) if "$" in ref else ref
                if name is None:
                    return None
                source = resolver.stage(name)
                if source is not None:
                    queue.append(source)
    return reached


def _arg_names(instructions: tuple[Instruction, ...] | list[Instruction]) -> set[str]:
    return {
        name
        for instruction in instructions
        if instruction.keyword == "ARG"
        for name, _ in declared_args(instruction.args)
    }


# -- CL505 ------------------------------------------------------------------------------


@rule(
    "CL505",
    "build-arg-undeclared",
    Severity.WARNING,
    "A compose build arg is not declared with ARG in the Dockerfile it builds.",
)
def build_arg_undeclared(project: Project) -> Found:
    for service in project.services:
        build = service.build
        if build is None or not build.args or build.remote is not None:
            continue
        dockerfile = build.parsed
        if dockerfile is None or not dockerfile.stages:
            continue
        yield from _undeclared(service, build, dockerfile)


def _undeclared(service: Service, build: Build, dockerfile: Dockerfile) -> Found:
    resolver = Resolver.of(dockerfile, build)
    everywhere = _arg_names(dockerfile.global_args)
    for stage in dockerfile.stages:
        everywhere |= _arg_names(stage.instructions)
    spec = service.data.get("build")
    target = _target(service)
    if target is None and isinstance(spec, dict) and spec.get("target"):
        built = None  # a target that interpolation leaves unknown
    else:
        built = resolver.built(target[1] if target else None)
    reached = _reached_stages(resolver, built) if built is not None else None
    if reached is None:  # unknown target (CL506's finding) or a hidden stage reference
        declared = everywhere
    else:
        declared = _arg_names(dockerfile.global_args)
        for stage in reached:
            declared |= _arg_names(stage.instructions)
    name_of_file = _dockerfile_name(build)
    for arg in build.args:
        name = arg.name
        if not name or "$" in name or name in declared or _predefined(name):
            continue
        add = f'add "ARG {name}" to {name_of_file}'
        if name in everywhere:
            stages = [
                f'"{_written_name(s)}"' if s.name else f"#{s.index}"
                for s in dockerfile.stages
                if name in _arg_names(s.instructions)
            ]
            built_text = f'target "{target[1]}"' if target else "the last stage"
            message = (
                f'build arg "{name}" of service "{service.name}" is declared only in stage '
                f"{', '.join(stages)} of {name_of_file}, which building {built_text} skips; "
                f'declare "ARG {name}" in a stage that {built_text} builds, '
                "or remove it from build.args"
            )
        else:
            message = (
                f'build arg "{name}" of service "{service.name}" is never declared in '
                f"{name_of_file}, so the build ignores it; "
            )
            close = _closest(name, sorted(everywhere))
            if close is not None:
                message += f'rename it to "{close}", the ARG that file declares, or remove it'
            else:
                message += f"{add} in the stage that uses it, or remove it"
            message += " from build.args"
        yield service.file.key_loc(arg.path), message


def _closest(name: str, candidates: list[str], cutoff: float = 0.75) -> str | None:
    """The candidate `name` most likely misspells (any case), if one is close."""
    lowered = {c.lower(): c for c in candidates}
    key = name.lower()
    if key in lowered:
        return lowered[key]
    match = difflib.get_close_matches(key, list(lowered), n=1, cutoff=cutoff)
    if match:
        return lowered[match[0]]
    prefixed = [c for c in lowered if c.startswith(key) or key.startswith(c)]
    return lowered[prefixed[0]] if len(prefixed) == 1 else None


# -- CL506 ------------------------------------------------------------------------------


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
        found = _target(service)
        if found is None:
            continue
        written, target = found
        dockerfile = build.parsed
        if dockerfile is None or not dockerfile.stages:
            continue
        names = [s.name for s in dockerfile.stages if s.name]
        if target.lower() in names:
            continue
        shown = f'"{written}"' if written == target else f'"{written}" (resolved to "{target}")'
        name_of_file = _dockerfile_name(build)
        if not names:
            problem = (
                f'build target {shown} of service "{service.name}" names no stage: '
                f"{name_of_file} has no named stage; name the stage to build "
                f'("FROM <image> AS {target.lower()}") or remove "target"'
            )
        else:
            written_names = [_written_name(s) for s in dockerfile.stages if s.name]
            listed = ", ".join(f'"{n}"' for n in written_names)
            problem = (
                f'build target {shown} of service "{service.name}" names no stage of '
                f"{name_of_file} (its stages: {listed})"
            )
            close = _closest(target, written_names, cutoff=0.6)
            if target.isdigit():
                problem += "; a target must be a stage name, not a number"
            if close is not None:
                problem += f'; did you mean "{close}"?'
            else:
                problem += '; use one of them or remove "target" to build the last stage'
        yield service.file.loc(build.path + ("target",)), problem
