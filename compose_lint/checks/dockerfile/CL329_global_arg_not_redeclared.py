"""CL329 global-arg-not-redeclared: an ARG declared before the first FROM (or a platform
ARG BuildKit sets globally, `TARGETARCH`…) is used inside a stage that never declares
it: there it is empty.

Which instructions expand a variable while building, and where, comes from
`model.buildvars` (RUN through the one reading of shell commands); the stage chain
from the image model. A name is defined in a stage when an ARG or ENV of the stage, or
of a stage it is built FROM (BuildKit carries both over), declares it before the use,
when the RUN's own shell code sets it, or when the base image sets it as an ENV
(`model.buildvars.base_image_env`, for well-known images; for an image it does not
know, a name its tool would set, `NODE_VERSION` on a `node` image, counts too). A RUN
that sources a file or calls `eval` may set anything and is left alone; the proxy
ARGs every RUN sees are never reported.
"""

from __future__ import annotations

from compose_lint.findings import Fix, Severity
from compose_lint.load.dockerfile import Dockerfile, Instruction, Stage
from compose_lint.model import DockerfileSource, Project
from compose_lint.model.buildvars import (
    PLATFORM_ARGS,
    PROXY_ARGS,
    VarUse,
    base_image_env,
    build_uses,
    shell_sets,
)
from compose_lint.model.edits import insert_line_after
from compose_lint.model.image import Resolver, resolvers
from compose_lint.registry import Found, rule


def _declared(instruction: Instruction) -> list[str]:
    if instruction.keyword == "ARG":
        return [name for name, _ in instruction.arg_pairs]
    if instruction.keyword == "ENV":
        return [name for name, _ in instruction.env_pairs]
    return []


def _inherited(resolver: Resolver, stage: Stage) -> set[str]:
    """Names an ARG or ENV of the stages `stage` is built FROM declares (BuildKit
    carries both into the stages built from them); every other stage's when the FROM
    at the bottom of the chain is not known."""
    names: set[str] = set()
    chain = resolver.chain(stage)
    parents = chain[1:]
    if resolver.base(chain[-1]) is None:
        # a FROM whose value is not known may name any stage: take them all
        parents = [s for s in resolver.dockerfile.stages if s is not stage]
    for parent in parents:
        for instruction in parent.instructions:
            names.update(_declared(instruction))
    return names


def _global_args(dockerfile: Dockerfile) -> dict[str, Instruction]:
    found: dict[str, Instruction] = {}
    for instruction in dockerfile.global_args:
        for name, _ in instruction.arg_pairs:
            found.setdefault(name, instruction)
    return found


def _message(stage: Stage, use: VarUse, declared: Instruction | None, count: int) -> str:
    where = f"in {stage.label}"
    more = f" (and {count - 1} more use{'s' if count > 2 else ''} there)" if count > 1 else ""
    if declared is not None:
        why = (
            f"ARG {use.name} is declared before the first FROM (line {declared.line}), "
            "which puts it in scope only for FROM lines"
        )
        fix = f'add "ARG {use.name}" (without a value) after the FROM to bring the global value in'
    else:
        why = f"BuildKit sets {use.name} in the global scope only"
        fix = f'add "ARG {use.name}" after the FROM'
    return f"{why}: {where} {use.text} is empty{more}; {fix}"


def _stage_findings(
    source: DockerfileSource,
    resolver: Resolver,
    stage: Stage,
    globals_: dict[str, Instruction],
) -> Found:
    defined = _inherited(resolver, stage)
    base_env = base_image_env(resolver.root_image(stage))
    first: dict[str, VarUse] = {}
    counts: dict[str, int] = {}
    for instruction in stage.instructions:
        uses = build_uses(instruction)
        if uses:
            wanted = [
                u
                for u in uses
                if (u.name in globals_ or u.name in PLATFORM_ARGS)
                and u.name not in defined
                and u.name not in PROXY_ARGS
                and not base_env.sets(u.name)
            ]
            if wanted and instruction.keyword == "RUN":
                sets, opaque = shell_sets(instruction)
                wanted = [] if opaque else [u for u in wanted if u.name not in sets]
            for use in wanted:
                first.setdefault(use.name, use)
                counts[use.name] = counts.get(use.name, 0) + 1
        defined.update(_declared(instruction))
    for name, use in first.items():
        message = _message(stage, use, globals_.get(name), counts[name])
        # declaring it changes what the build does: offered, not applied by --fix alone
        edit = insert_line_after(source, stage.from_instruction, f"ARG {name}")
        title = f'add "ARG {name}" after the FROM on line {stage.from_instruction.line}'
        fix = Fix(title, (edit,), safe=False) if edit is not None else None
        yield source.loc(use.line, use.column), message, fix


@rule(
    "CL329",
    "global-arg-not-redeclared",
    Severity.WARNING,
    "A global ARG (declared before the first FROM) is used in a stage that does not "
    "declare it again: it is empty there.",
)
def global_arg_not_redeclared(project: Project) -> Found:
    for source, dockerfile, builds in project.parsed_dockerfiles():
        globals_ = _global_args(dockerfile)
        resolver = resolvers(dockerfile, builds)[0]
        for stage in dockerfile.stages:
            yield from _stage_findings(source, resolver, stage, globals_)
