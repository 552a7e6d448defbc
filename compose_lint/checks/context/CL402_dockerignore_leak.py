"""CL402 dockerignore-leak: the ignore file of a context copied whole lets leaks in."""

from __future__ import annotations

from compose_lint.findings import Location, Severity
from compose_lint.model import Project
from compose_lint.model.context import context_display, instruction_where
from compose_lint.model.leaks import find_leaks, leak_names, leak_patterns, whole_context_builds
from compose_lint.registry import Found, rule


@rule(
    "CL402",
    "dockerignore-leak",
    Severity.WARNING,
    "The .dockerignore of a context copied whole lets .git, .env, keys or local caches in.",
)
def dockerignore_leak(project: Project) -> Found:
    for build, copy in whole_context_builds(project, with_ignore=True):
        ignore = build.ignore
        leaks = find_leaks(build, honor_ignore=True, copy=copy) if ignore is not None else []
        if ignore is None or not leaks:
            continue
        yield (
            Location(ignore.display, 1, 1),
            f"{ignore.path.name} does not exclude {leak_names(leaks)} (found in build "
            f'context "{context_display(build)}", which {instruction_where(build, copy)} '
            f"copies whole); add them at its end: {leak_patterns(leaks)}",
        )
