"""CL318 copy-relative-no-workdir: COPY or ADD to a relative destination while no
WORKDIR is set in the stage or the stages it is built from."""

from __future__ import annotations

import posixpath

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.image import is_absolute_path, resolvers
from compose_lint.registry import Found, rule


def _from_root(dest: str) -> str:
    """Where a relative destination lands when the working directory is "/"."""
    joined = posixpath.normpath(posixpath.join("/", dest))
    return joined + "/" if dest.endswith("/") and joined != "/" else joined


@rule(
    "CL318",
    "copy-relative-no-workdir",
    Severity.INFO,
    "COPY or ADD to a relative destination before any WORKDIR is set.",
    default_enabled=False,
)
def copy_relative_no_workdir(project: Project) -> Found:
    for source, dockerfile, builds in project.parsed_dockerfiles():
        seen: set[tuple[int, int]] = set()
        for resolver in resolvers(dockerfile, builds):
            for stage in dockerfile.stages:
                for step in resolver.own_steps(stage):
                    copy = step.instruction.copy
                    if copy is None or step.workdir.set:
                        continue
                    dest = copy.dest.text
                    if not dest or is_absolute_path(dest):
                        continue
                    where = (copy.dest.line, copy.dest.column)
                    if where in seen:
                        continue
                    seen.add(where)
                    scope = (
                        "this stage or the stages it is built from"
                        if resolver.parent(stage) is not None
                        else "this stage"
                    )
                    yield (
                        source.loc(*where),
                        f'{step.instruction.keyword} copies to the relative path "{dest}", but '
                        f"no WORKDIR is set in {scope}, so where the files land depends on the "
                        f'base image\'s working directory ("{_from_root(dest)}" with most '
                        'images); add "WORKDIR /app" before this line, or write an absolute '
                        "destination",
                    )
