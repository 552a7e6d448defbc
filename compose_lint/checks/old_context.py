"""CL4xx: the build context and its .dockerignore."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import NamedTuple

from compose_lint import data
from compose_lint.findings import Location, Severity
from compose_lint.load.dockerfile import Instruction
from compose_lint.load.dockerignore import parse_dockerignore
from compose_lint.model import Build, Project
from compose_lint.model.context import (
    HEAVY_DIRS,
    ContextEntry,
    context_display,
    context_entries,
    copies_whole_context,
    copy_excludes,
    explicit_sources,
    instruction_text,
)
from compose_lint.registry import rule

Found = Iterator[tuple[Location, str]]

MAX_NAMED = 6  # leaks named in one message; the rest are counted


class LeakKind(NamedTuple):
    """One entry of data/leaks.json."""

    names: tuple[str, ...]
    excepts: tuple[str, ...]
    kind: str  # "file", "dir" or "any"
    descend: bool
    reason: str

    def matches(self, entry: ContextEntry) -> bool:
        if entry.is_symlink:  # Docker copies the link, not what it points to
            return False
        if self.kind == "dir" and not entry.is_dir or self.kind == "file" and entry.is_dir:
            return False
        name = entry.name
        return any(fnmatch.fnmatchcase(name, n) for n in self.names) and not any(
            fnmatch.fnmatchcase(name, n) for n in self.excepts
        )


class Leak(NamedTuple):
    entry: ContextEntry
    kind: LeakKind

    @property
    def pattern(self) -> str:
        """What to add to the ignore file: the path itself at the top level, any
        directory's entry of that name below it."""
        if self.entry.depth == 1:
            return self.entry.relpath
        return f"**/{self.entry.name}"


@cache
def leak_kinds() -> tuple[LeakKind, ...]:
    table = data.load("leaks.json")
    return tuple(
        LeakKind(
            names=tuple(item["names"]),
            excepts=tuple(item.get("except", ())),
            kind=item.get("kind", "any"),
            descend=item.get("descend", True),
            reason=item["reason"],
        )
        for item in table["leaks"]
    )


@cache
def _not_entered() -> frozenset[str]:
    """Directories the leak walk lists but does not look inside."""
    names = {n for k in leak_kinds() if not k.descend for n in k.names}
    return HEAVY_DIRS | names


def find_leaks(build: Build, honor_ignore: bool, copy: Instruction | None = None) -> list[Leak]:
    """Entries of the build context that should not go into an image: those the
    Dockerfile does not copy by name, that the whole-context `copy` does not leave out
    with `--exclude`, and, with `honor_ignore`, that the ignore file does not exclude or
    deliberately re-include with a `!` line of their own."""
    parsed = build.parsed
    named = explicit_sources(parsed) if parsed is not None else set()
    ignore = build.ignore.parsed if honor_ignore and build.ignore is not None else None
    excludes = copy_excludes(copy) if copy is not None else []
    left_out = parse_dockerignore("\n".join(excludes)) if excludes else None
    kinds = leak_kinds()
    leaks: list[Leak] = []
    for entry in context_entries(build, skip=_not_entered(), honor_ignore=honor_ignore):
        kind = next((k for k in kinds if k.matches(entry)), None)
        if kind is None:
            continue
        if any(entry.relpath == n or entry.relpath.startswith(n + "/") for n in named):
            continue  # the Dockerfile wants it: `COPY certs/ /etc/certs`
        if left_out is not None and left_out.is_excluded(entry.relpath):
            continue  # COPY --exclude=.env . .
        if ignore is not None:
            pattern = ignore.matching_pattern(entry.relpath)
            if pattern is not None and pattern.exclusion and pattern.matches(entry.relpath):
                continue  # `!.env`: brought back on purpose
        leaks.append(Leak(entry, kind))
    return leaks


def _names(leaks: list[Leak]) -> str:
    shown = [leak.entry.relpath for leak in leaks[:MAX_NAMED]]
    rest = len(leaks) - len(shown)
    if rest:
        shown.append(f"{rest} more")
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def _patterns(leaks: list[Leak]) -> str:
    patterns = list(dict.fromkeys(leak.pattern for leak in leaks))
    return ", ".join(f'"{p}"' for p in patterns)


def _copy_line(build: Build, copy: Instruction) -> str:
    where = build.dockerfile.display if build.inline is None and build.dockerfile else None
    source = where or "dockerfile_inline"
    text = instruction_text(copy)
    quote = "'" if '"' in text else '"'
    return f"{source} line {copy.line} ({quote}{text}{quote})"


def _ignore_path(display: str) -> str:
    return ".dockerignore" if display == "." else f"{display}/.dockerignore"


def _whole_context_builds(
    project: Project, with_ignore: bool
) -> Iterator[tuple[Build, Instruction]]:
    """Builds of local contexts whose Dockerfile copies the whole context, with or
    without a (readable) ignore file, the first per context (and ignore file)."""
    seen: set[tuple[Path, Path | None]] = set()
    for build in project.builds():
        if build.context is None or build.parsed is None:
            continue
        ignore = build.ignore
        if with_ignore != (ignore is not None) or (ignore is not None and ignore.parsed is None):
            continue
        key = (build.context, ignore.path if ignore is not None else None)
        if key in seen:
            continue
        copy = copies_whole_context(build.parsed, build.target)
        if copy is None or not build.context.is_dir():
            continue
        seen.add(key)
        yield build, copy


@rule(
    "CL401",
    "missing-dockerignore",
    Severity.WARNING,
    "A build context is copied whole (COPY . .) but has no .dockerignore.",
)
def missing_dockerignore(project: Project) -> Found:
    for build, copy in _whole_context_builds(project, with_ignore=False):
        context = context_display(build)
        leaks = find_leaks(build, honor_ignore=False, copy=copy)
        if leaks:
            what = (
                f"it holds {_names(leaks)}, which would go into the image; "
                f"add {_ignore_path(context)} listing {_patterns(leaks)}"
            )
        else:
            what = (
                "every file in it goes into the image, and so will any .env, .git or local "
                f"cache created there later; add {_ignore_path(context)} to keep them out"
            )
        yield (
            build.service.file.loc(build.path),
            f'build context "{context}" has no .dockerignore, and {_copy_line(build, copy)} '
            f"copies all of it: {what}",
        )


@rule(
    "CL402",
    "dockerignore-leak",
    Severity.WARNING,
    "The .dockerignore of a context copied whole lets .git, .env, keys or local caches in.",
)
def dockerignore_leak(project: Project) -> Found:
    for build, copy in _whole_context_builds(project, with_ignore=True):
        ignore = build.ignore
        leaks = find_leaks(build, honor_ignore=True, copy=copy) if ignore is not None else []
        if ignore is None or not leaks:
            continue
        yield (
            Location(ignore.display, 1, 1),
            f"{ignore.path.name} does not exclude {_names(leaks)} (found in build "
            f'context "{context_display(build)}", which {_copy_line(build, copy)} copies '
            f"whole); add them at its end: {_patterns(leaks)}",
        )
