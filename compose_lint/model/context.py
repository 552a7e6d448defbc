"""Looking at a build context: what the Dockerfile copies from it and what is in it.

Shared by the rules that judge a build context (CL401/CL402, CL502/CL503). Nothing here
reads a file: it looks at the parsed Dockerfile and ignore file the model already holds,
and lists the context directory with bounded, non-recursive-by-default walks that never
enter heavy trees such as `node_modules`, `.git` or virtual environments.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from compose_lint.discover import SKIP_DIRS
from compose_lint.load.dockerfile import Dockerfile, Instruction
from compose_lint.model import Build

# Directories the walks never look inside (they are still listed themselves).
HEAVY_DIRS: frozenset[str] = SKIP_DIRS

DEFAULT_DEPTH = 3
DEFAULT_LIMIT = 5000  # directory entries looked at per walk, excluded ones included

_COPY_KEYWORDS = frozenset({"COPY", "ADD"})
_WILDCARDS = frozenset("*?[")


# --- what the Dockerfile copies ------------------------------------------------------


def _is_heredoc_word(word: str) -> bool:
    """`<<EOF`, `<<-EOF`, `3<<EOF`: a here-document source, not a context path."""
    return word.lstrip("0123456789").startswith("<<")


def copy_sources(instruction: Instruction) -> list[str] | None:
    """The source words of a COPY or ADD (the destination and here-documents left out),
    as written, in either shell or JSON form; None for other instructions or when
    there is no destination. `--from` is not looked at: see `from_context`."""
    if instruction.keyword not in _COPY_KEYWORDS:
        return None
    words = instruction.json_args
    if words is None:
        words = instruction.args.split()
    if len(words) < 2:
        return None
    sources = words[:-1]
    if instruction.heredocs:
        sources = [w for w in sources if not _is_heredoc_word(w)]
    return sources


def from_context(instruction: Instruction) -> bool:
    """Whether a COPY/ADD takes its sources from the build context (no `--from`)."""
    return instruction.keyword in _COPY_KEYWORDS and instruction.flag("from") is None


def clean_source(source: str) -> str | None:
    """A COPY source as a context-relative path (`./a/` -> `a`, `/` -> `.`), or None when
    it points outside the context or cannot be known (a `$variable`)."""
    if "$" in source:
        return None
    cleaned = posixpath.normpath(source.lstrip("/") or ".")
    if cleaned == ".." or cleaned.startswith("../"):
        return None
    return cleaned


def is_whole_context_copy(instruction: Instruction) -> bool:
    """`COPY . <dest>`, `ADD ./ <dest>`, `COPY ["." , "/app"]`, `COPY * <dest>`: a COPY or ADD
    without `--from` that copies every entry of the context root."""
    if not from_context(instruction):
        return False
    sources = copy_sources(instruction) or []
    return any(clean_source(s) in (".", "*") for s in sources)


def copy_excludes(instruction: Instruction) -> list[str]:
    """The `--exclude=PATTERN` values of a COPY/ADD (Dockerfile syntax 1.7 and later)."""
    prefix = "--exclude="
    return [
        f[len(prefix) :] for f in instruction.flags if f.startswith(prefix) and f[len(prefix) :]
    ]


def copies_whole_context(dockerfile: Dockerfile, target: str | None = None) -> Instruction | None:
    """The first instruction that copies the whole build context, or None.

    With a `target`, only the stages up to and including that stage are looked at
    (later ones are not built); instructions behind ONBUILD never count (they run in
    images built from this one)."""
    stages = dockerfile.stages
    if target:
        wanted = target.lower()
        for stage in stages:
            if stage.name == wanted:
                stages = stages[: stage.index + 1]
                break
    for stage in stages:
        for instruction in stage.instructions:
            if is_whole_context_copy(instruction):
                return instruction
    return None


def explicit_sources(dockerfile: Dockerfile) -> set[str]:
    """Context paths that COPY/ADD instructions (without `--from`) name one by one,
    cleaned; whole-context sources, wildcards, variables and URLs left out."""
    named: set[str] = set()
    for stage in dockerfile.stages:
        for instruction in stage.instructions:
            if not from_context(instruction):
                continue
            for source in copy_sources(instruction) or []:
                if "://" in source or _WILDCARDS & set(source):
                    continue
                cleaned = clean_source(source)
                if cleaned is not None and cleaned != ".":
                    named.add(cleaned)
    return named


def instruction_text(instruction: Instruction, limit: int = 60) -> str:
    """The instruction's first physical line, trimmed for a message."""
    text = instruction.lines[0].strip() if instruction.lines else instruction.keyword
    if instruction.end_line > instruction.line and not instruction.heredocs:
        text = text.rstrip("\\` ") + " ..."
    if len(text) > limit:
        text = text[: limit - 3].rstrip() + "..."
    return text


# --- what is in the context ----------------------------------------------------------


class ContextEntry(NamedTuple):
    """One file or directory of a build context."""

    relpath: str  # "/"-separated, relative to the context root: "app/__pycache__"
    path: Path
    is_dir: bool  # a real directory (a symlink to one is not)
    is_symlink: bool
    depth: int  # 1 for the entries of the context root

    @property
    def name(self) -> str:
        return self.path.name


def context_display(build: Build) -> str:
    """The context directory as the user would write it, relative to the compose
    file's directory ("." for the same directory)."""
    if build.context is None:
        return ""
    base = build.service.file.path.parent
    try:
        shown = os.path.relpath(build.context, base)
    except ValueError:  # another drive on Windows
        return str(build.context)
    return shown.replace(os.sep, "/")


def excluded(build: Build, relpath: str) -> bool:
    """Whether the build's ignore file leaves `relpath` out of the context."""
    ignore = build.ignore.parsed if build.ignore is not None else None
    return ignore is not None and ignore.is_excluded(relpath)


def context_entries(
    build: Build,
    *,
    max_depth: int = DEFAULT_DEPTH,
    limit: int = DEFAULT_LIMIT,
    skip: Iterable[str] = HEAVY_DIRS,
    honor_ignore: bool = True,
) -> Iterator[ContextEntry]:
    """The context's entries, level by level, sorted by name within a directory.

    Goes `max_depth` levels down at most (1: the root's entries only), looks at no more
    than `limit` entries in all, never follows symlinks and never lists the inside of a
    directory named in `skip`. With `honor_ignore`, entries the ignore file excludes are
    left out (and so is the inside of an excluded directory, unless the ignore file has
    `!` exceptions that could bring something back). Unreadable directories are passed
    over. Yields nothing for a remote or missing context."""
    root = build.context
    if root is None:
        return
    skip_names = frozenset(skip)
    ignore = build.ignore.parsed if honor_ignore and build.ignore is not None else None
    has_exceptions = ignore is not None and any(p.exclusion for p in ignore.patterns)
    pending: list[tuple[Path, str, int]] = [(root, "", 1)]
    seen = 0
    while pending:
        following: list[tuple[Path, str, int]] = []
        for directory, prefix, depth in pending:
            try:
                with os.scandir(directory) as scan:
                    found = sorted(scan, key=lambda e: e.name)
            except OSError:
                continue
            for item in found:
                seen += 1
                if seen > limit:
                    return
                relpath = prefix + item.name
                try:
                    is_symlink = item.is_symlink()
                    is_dir = not is_symlink and item.is_dir(follow_symlinks=False)
                except OSError:
                    continue
                left_out = ignore is not None and ignore.is_excluded(relpath)
                if not left_out:
                    yield ContextEntry(relpath, Path(item.path), is_dir, is_symlink, depth)
                if (
                    is_dir
                    and depth < max_depth
                    and item.name not in skip_names
                    and (not left_out or has_exceptions)
                ):
                    following.append((Path(item.path), relpath + "/", depth + 1))
        pending = following


def _inside(build: Build, relpath: str) -> str | None:
    """`relpath` cleaned, or None when it leaves the context (or the context is remote)."""
    if build.context is None:
        return None
    cleaned = posixpath.normpath(relpath.lstrip("/") or ".")
    if cleaned == ".." or cleaned.startswith("../"):
        return None
    return cleaned


def _go_glob(pattern: str) -> str:
    """A Go `filepath.Match` segment as an `fnmatch` pattern (`[^a]` negates in Go)."""
    return pattern.replace("[^", "[!")


def find_matches(build: Build, pattern: str, limit: int = 1, scan_limit: int = 20000) -> list[str]:
    """Context paths (relative, "/"-separated) matching a COPY source pattern, segment
    by segment as Docker does (`*`, `?`, `[...]` per segment, no `**`). At most `limit`
    results; at most `scan_limit` directory entries are looked at. The ignore file is
    not applied (see `excluded`)."""
    cleaned = _inside(build, pattern)
    if cleaned is None or build.context is None:
        return []
    if cleaned == ".":
        return ["."]
    candidates: list[tuple[Path, str]] = [(build.context, "")]
    budget = scan_limit
    for segment in cleaned.split("/"):
        following: list[tuple[Path, str]] = []
        if not _WILDCARDS & set(segment):
            for directory, prefix in candidates:
                path = directory / segment
                if os.path.lexists(path):
                    following.append((path, prefix + segment))
        else:
            glob = _go_glob(segment)
            for directory, prefix in candidates:
                try:
                    with os.scandir(directory) as scan:
                        names = sorted(e.name for e in scan)
                except OSError:
                    continue
                budget -= len(names)
                following.extend(
                    (directory / name, prefix + name)
                    for name in names
                    if fnmatch.fnmatchcase(name, glob)
                )
                if budget <= 0:
                    break
        candidates = [(path, prefix + "/") for path, prefix in following]
        if not candidates:
            return []
    return [prefix.rstrip("/") for _, prefix in candidates[:limit]]


def exists(build: Build, relpath: str) -> bool:
    """Whether `relpath` (a file or directory, wildcards allowed) is in the local build
    context on disk. False outside the context and for remote contexts. The ignore file
    is not applied (see `excluded`)."""
    cleaned = _inside(build, relpath)
    if cleaned is None or build.context is None:
        return False
    if _WILDCARDS & set(cleaned):
        return bool(find_matches(build, cleaned))
    return os.path.lexists(build.context / cleaned)


__all__ = [
    "DEFAULT_DEPTH",
    "DEFAULT_LIMIT",
    "HEAVY_DIRS",
    "ContextEntry",
    "clean_source",
    "context_display",
    "context_entries",
    "copies_whole_context",
    "copy_excludes",
    "copy_sources",
    "excluded",
    "exists",
    "explicit_sources",
    "find_matches",
    "from_context",
    "instruction_text",
    "is_whole_context_copy",
]
