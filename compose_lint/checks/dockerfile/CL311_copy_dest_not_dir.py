"""CL311 copy-dest-not-dir: COPY or ADD with several sources (or a wildcard that
matches several files of the build context) into a destination without a trailing `/`."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Build, Project
from compose_lint.model.context import excluded, find_matches
from compose_lint.model.imageref import is_remote_source
from compose_lint.registry import Found, rule

_WILDCARDS = frozenset("*?[")


def _ends_with_variable(path: str) -> bool:
    if path.endswith("}"):
        return "${" in path
    dollar = path.rfind("$")
    return dollar >= 0 and all(c.isalnum() or c == "_" for c in path[dollar + 1 :])


def _context_matches(builds: list[Build], pattern: str) -> list[str]:
    """Entries of a build context matching a wildcard source, ignored ones left out;
    from the first local context that has two or more."""
    for build in builds:
        if build.context is None:
            continue
        matches = [m for m in find_matches(build, pattern, limit=20) if not excluded(build, m)]
        if len(matches) > 1:
            return matches
    return []


@rule(
    "CL311",
    "copy-dest-not-dir",
    Severity.WARNING,
    "COPY or ADD with several sources has a destination that does not end with `/`.",
)
def copy_dest_not_dir(project: Project) -> Found:
    for source, dockerfile, builds in project.parsed_dockerfiles():
        for stage in dockerfile.stages:
            for instruction in stage.instructions:
                copy = instruction.copy
                if copy is None:
                    continue
                dest = copy.dest.text
                # BuildKit reads "." as the working directory, with its separator added
                if dest.endswith(("/", "\\")) or dest == "." or _ends_with_variable(dest):
                    continue
                first = copy.files[0].text if copy.files else ""
                if len(copy.sources) > 1:
                    what = f"{len(copy.sources)} sources"
                elif (
                    instruction.flag("from") is None
                    and first
                    and _WILDCARDS & set(first)
                    and "$" not in first
                    and not is_remote_source(first)
                ):
                    matches = _context_matches(builds, first)
                    if not matches:
                        continue
                    shown = ", ".join(matches[:3]) + (", ..." if len(matches) > 3 else "")
                    what = f'"{first}", which matches {shown} in the build context,'
                else:
                    continue
                yield (
                    source.loc(copy.dest.line, copy.dest.column),
                    f'{instruction.keyword} copies {what} into "{dest}", which does not end '
                    f'with "/"; with more than one source the destination must be a directory '
                    f'written with a trailing slash, or the build fails; write "{dest}/"',
                )
