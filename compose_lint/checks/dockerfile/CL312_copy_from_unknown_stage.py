"""CL312 copy-from-unknown-stage: `COPY --from` names no earlier stage."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.image import copy_from_refs
from compose_lint.registry import Found, rule


def _is_image_reference(ref: str) -> bool:
    """A tag, digest, namespace or registry makes `ref` an image, never a stage name
    (stage names cannot contain `:`, `@` or `/`)."""
    return any(c in ref for c in ":@/")


@rule(
    "CL312",
    "copy-from-unknown-stage",
    Severity.WARNING,
    "`COPY --from` names no earlier stage of the Dockerfile.",
)
def copy_from_unknown_stage(project: Project) -> Found:
    for source, dockerfile, _ in project.parsed_dockerfiles():
        stages = dockerfile.stages
        for ref in copy_from_refs(dockerfile):
            target, here = ref.target, ref.stage
            if target is not None and target.index <= here.index:
                continue  # an earlier stage, or this one (CL313)
            where = source.loc(*ref.where)
            if "$" in ref.ref:
                yield (
                    where,
                    f"COPY --from={ref.ref} uses a variable, which BuildKit does not expand "
                    'in --from (the build fails with "variable expansion is not supported '
                    'for --from"); declare the ARG before the first FROM, add a stage '
                    '"FROM <the image with the variable> AS <name>", and copy --from=<name>',
                )
            elif target is not None:
                yield (
                    where,
                    f"COPY --from={ref.ref} names the {target.label}, defined further "
                    f"down (line {target.from_instruction.line}); BuildKit accepts that, "
                    "but the classic builder and other tools look for an image of that "
                    "name instead; move that stage above this one",
                )
            elif ref.by_index:
                count = len(stages)
                yield (
                    where,
                    f"COPY --from={ref.ref} names stage number {ref.ref}, but this Dockerfile "
                    f"has {count} {'stage' if count == 1 else 'stages'} (numbered from 0); "
                    "name the stage with FROM ... AS <name> and copy --from=<name>",
                )
            elif not _is_image_reference(ref.ref):
                names = [s.name for s in stages[: here.index] if s.name]
                import difflib  # only when a name is misspelt

                close = difflib.get_close_matches(ref.ref.lower(), names, n=1)
                if close:
                    hint = f"did you mean --from={close[0]}? "
                elif names:
                    hint = "the earlier stages are named " + ", ".join(names) + "; "
                else:
                    hint = ""
                yield (
                    where,
                    f"COPY --from={ref.ref} names no earlier stage, so Docker pulls the image "
                    f'"{ref.ref}:latest" instead; {hint}if you do mean that image, write it '
                    f"with a tag ({ref.ref}:<version>)",
                )
