"""What should not go into an image, found in a build context copied whole.

The knowledge is data (`data/leaks.json`: names, exceptions, kinds, reasons, with its
source); this module finds those entries in the bounded listing of `model.context`,
leaving out what the Dockerfile names on purpose, what `COPY --exclude` or the ignore
file leaves out and what a `!` line brings back on purpose. CL401 and CL402 decide
with it.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import NamedTuple

from compose_lint import data
from compose_lint.load.dockerfile import Instruction
from compose_lint.load.dockerignore import parse_dockerignore
from compose_lint.model import Build, Project
from compose_lint.model.context import (
    HEAVY_DIRS,
    BuildContext,
    ContextEntry,
    copies_whole_context,
    copy_excludes,
    explicit_sources,
)


def whole_context_builds(
    project: Project, with_ignore: bool
) -> Iterator[tuple[Build, Instruction]]:
    """Builds of local contexts whose Dockerfile copies the whole context, with or
    without a (readable) ignore file, the first per context (and ignore file), with the
    instruction that copies it."""
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
        copy = copies_whole_context(build.parsed, build.target, build)
        if copy is None or not build.context.is_dir():
            continue
        seen.add(key)
        yield build, copy


# -- what should not go into an image (data/leaks.json) -------------------------------

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
    context = BuildContext.of(build)
    parsed = build.parsed
    named = explicit_sources(parsed) if parsed is not None else set()
    excludes = copy_excludes(copy) if copy is not None else []
    left_out = parse_dockerignore("\n".join(excludes)) if excludes else None
    kinds = leak_kinds()
    leaks: list[Leak] = []
    for entry in context.entries(skip=_not_entered(), honor_ignore=honor_ignore):
        kind = next((k for k in kinds if k.matches(entry)), None)
        if kind is None:
            continue
        if any(entry.relpath == n or entry.relpath.startswith(n + "/") for n in named):
            continue  # the Dockerfile wants it: `COPY certs/ /etc/certs`
        if left_out is not None and left_out.is_excluded(entry.relpath):
            continue  # COPY --exclude=.env . .
        if honor_ignore and context.reincluded(entry.relpath):
            continue  # `!.env`: brought back on purpose
        leaks.append(Leak(entry, kind))
    return leaks


def leak_names(leaks: list[Leak]) -> str:
    """`.env, .git and 2 more`: the first MAX_NAMED leaks by path, the rest counted."""
    shown = [leak.entry.relpath for leak in leaks[:MAX_NAMED]]
    rest = len(leaks) - len(shown)
    if rest:
        shown.append(f"{rest} more")
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def leak_patterns(leaks: list[Leak]) -> str:
    """`".env", "**/node_modules"`: the ignore-file lines that keep the leaks out."""
    patterns = list(dict.fromkeys(leak.pattern for leak in leaks))
    return ", ".join(f'"{p}"' for p in patterns)


__all__ = [
    "MAX_NAMED",
    "Leak",
    "LeakKind",
    "find_leaks",
    "leak_kinds",
    "leak_names",
    "leak_patterns",
    "whole_context_builds",
]
