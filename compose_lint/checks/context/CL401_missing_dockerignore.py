"""CL401 missing-dockerignore: a context copied whole without an ignore file."""

from __future__ import annotations

from compose_lint.findings import Fix, Severity
from compose_lint.load.dockerignore import parse_dockerignore
from compose_lint.model import Build, Project
from compose_lint.model.context import (
    context_display,
    copy_sources,
    explicit_sources,
    from_context,
    instruction_where,
    misplaced_ignore,
)
from compose_lint.model.edits import new_file
from compose_lint.model.leaks import (
    Leak,
    find_leaks,
    leak_names,
    leak_patterns,
    whole_context_builds,
)
from compose_lint.model.purpose import is_test_data_below
from compose_lint.registry import Found, rule


@rule(
    "CL401",
    "missing-dockerignore",
    Severity.WARNING,
    "A build context is copied whole (COPY . .) but has no .dockerignore.",
)
def missing_dockerignore(project: Project) -> Found:
    for build, copy in whole_context_builds(project, with_ignore=False):
        if misplaced_ignore(project, build) is not None:
            continue  # the user wrote one beside the Dockerfile: CL519 says where it belongs
        context = context_display(build)
        ignore_file = ".dockerignore" if context == "." else f"{context}/.dockerignore"
        leaks = find_leaks(build, honor_ignore=False, copy=copy)
        if (
            not leaks
            and build.context is not None
            and is_test_data_below(build.context, build.service.file.path.parent)
        ):
            # a test runner's context (tests/..., fixtures/... below the compose file)
            # that holds nothing to leak: not worth a line (see rules/CL401.md)
            continue
        if leaks:
            what = (
                f"it holds {leak_names(leaks)}, which would go into the image; "
                f"add {ignore_file} listing {leak_patterns(leaks)}"
            )
        else:
            what = (
                "every file in it goes into the image, and so will any .env, .git or local "
                f"cache created there later; add {ignore_file} to keep them out"
            )
        patterns = _patterns(build, leaks)
        fix = Fix(f"create {ignore_file}", (new_file(ignore_file, patterns),)) if patterns else None
        yield (
            build.service.file.loc(build.path),
            f'build context "{context}" has no .dockerignore, and '
            f"{instruction_where(build, copy)} copies all of it: {what}",
            fix,
        )


# what the ignore file lists when nothing leaks yet: what the message warns of
_LATER = (".git", ".env")


def _patterns(build: Build, leaks: list[Leak]) -> list[str]:
    """The lines of the .dockerignore that keeps the leaks out (or, when nothing
    leaks yet, what would); none when the ignore file could take away what a COPY
    asks for: a source with a wildcard or a variable, or one of those paths."""
    parsed = build.parsed
    if parsed is None:
        return []
    for stage in parsed.stages:
        for instruction in stage.instructions:
            if from_context(instruction):
                for source in copy_sources(instruction) or []:
                    if "$" in source or any(c in source for c in "*?["):
                        return []
    named = explicit_sources(parsed)
    if leaks:
        patterns = list(dict.fromkeys(leak.pattern for leak in leaks))
        ignore = parse_dockerignore("\n".join(patterns))
        return [] if any(ignore.is_excluded(n) for n in named) else patterns
    return [p for p in _LATER if not any(parse_dockerignore(p).is_excluded(n) for n in named)]
