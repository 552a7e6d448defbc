"""CL303 relative-workdir: WORKDIR given a relative path.

A stage built FROM an earlier stage starts in that stage's working directory
(`Step.workdir` of `model.image`).
"""

from __future__ import annotations

import posixpath

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.image import is_absolute_path, resolvers
from compose_lint.registry import Found, rule


@rule(
    "CL303",
    "relative-workdir",
    Severity.WARNING,
    "WORKDIR is given a relative path, which depends on the working directory before it.",
)
def relative_workdir(project: Project) -> Found:
    for source, dockerfile, builds in project.parsed_dockerfiles():
        resolver = resolvers(dockerfile, builds)[0]
        for stage in dockerfile.stages:
            for step in resolver.own_steps(stage):
                instruction = step.instruction
                if instruction.keyword != "WORKDIR":
                    continue
                raw = instruction.args.strip()
                value = raw.strip("\"'")
                if not value or is_absolute_path(value):
                    continue
                before = step.workdir
                absolute = posixpath.normpath(posixpath.join(before.path, value))
                if before.known:
                    why = (
                        f"it resolves to {absolute} only because of the WORKDIR on line "
                        f"{before.line}, and moves silently if that line changes"
                    )
                else:
                    why = (
                        "it is resolved against the working directory that the base image "
                        f'and any earlier WORKDIR leave ("/" for most images, giving {absolute})'
                    )
                yield (
                    source.loc(*instruction.find(raw)),
                    f'WORKDIR "{value}" is a relative path: {why}; write the absolute path: '
                    f'"WORKDIR {absolute}"',
                )
