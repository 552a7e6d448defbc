"""Looking at a build context: what the Dockerfile copies from it and what is in it.

The one listing of a build context and the one globber of COPY sources (`BuildContext`,
one per build, listed lazily, each directory at most once), with the `.dockerignore`
verdicts (what would leak into an image copied from it whole is `model.leaks`). The
walks use `lstat` (symlinks are listed, never followed out of the context), never enter
heavy trees such as `node_modules`, `.git` or virtual environments, and stop at caps on
entries and time. Nothing here parses a file: the parsed Dockerfile and ignore file come
from the model.

Public names

- `BuildContext.of(build)`: the build's context, made once and kept on the build.
  `.root`, `.ignore`; `.listing(relpath)` (one directory, `DirEntry`s, cached);
  `.entries(max_depth, limit, skip, honor_ignore)` (`ContextEntry`s, level by level);
  `.exists(relpath)`, `.glob(pattern, limit, scan_limit)` -> `Glob(matches, missing_dir,
  truncated)`, `.matches(pattern, limit)`; `.excluded(relpath)`, `.excluded_by(relpath)`
  (the ignore pattern), `.reincluded(relpath)`, `.has_exceptions`; `.close_names(relpath)`.
- Go's `filepath.Match` as BuildKit applies it: `has_wildcards(text)`,
  `segment_regex(segment)`.
- What the Dockerfile copies: `copy_sources`, `from_context`, `clean_source`,
  `is_whole_context_copy`, `copy_excludes`, `copies_whole_context` (in the stages a build
  runs), `explicit_sources`, `instruction_text`.
- `local_builds(project)`: each build with a local context folder and a known built
  stage, as `LocalBuild(build, image, stage, context)`.
- Naming things in messages: `context_display(build)` (relative to where compose-lint
  runs, like finding paths), `dockerfile_display`, `dockerfile_location`,
  `instruction_where`; `is_url_source`.
- Plain folders outside a context: `close_names(directory, name)`, `list_names`.
- The same answers as functions of a build: `excluded`, `context_entries`,
  `find_matches`, `exists`.
"""

from __future__ import annotations

import os
import posixpath
import re
import time
from collections.abc import Iterable, Iterator
from functools import cache, cached_property
from pathlib import Path
from typing import NamedTuple

from compose_lint.discover import SKIP_DIRS
from compose_lint.findings import Location
from compose_lint.load.dockerfile import Dockerfile, Instruction, Stage
from compose_lint.load.dockerignore import DockerIgnore, IgnorePattern, misplaced_ignore_file
from compose_lint.load.files import normalize
from compose_lint.model import Build, Project
from compose_lint.model.image import BuiltImage, Resolver, image_of
from compose_lint.model.imageref import is_remote_source

# Directories the walks never look inside (they are still listed themselves).
HEAVY_DIRS: frozenset[str] = SKIP_DIRS

DEFAULT_DEPTH = 3
DEFAULT_LIMIT = 5000  # directory entries looked at per walk, excluded ones included

_COPY_KEYWORDS = frozenset({"COPY", "ADD"})
_WILDCARDS = frozenset("*?[")


# --- what the Dockerfile copies ------------------------------------------------------


def copy_sources(instruction: Instruction) -> list[str] | None:
    """The source words of a COPY or ADD (the destination and here-documents left out),
    quotes removed, in either shell or JSON form (`Instruction.copy`); None for other
    instructions or when there is no destination. `--from` is not looked at: see
    `from_context`."""
    copy = instruction.copy
    return None if copy is None else [word.text for word in copy.files]


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
    copy = instruction.copy
    return [pattern for pattern in copy.excludes if pattern] if copy is not None else []


def copies_whole_context(
    dockerfile: Dockerfile, target: str | None = None, build: Build | None = None
) -> Instruction | None:
    """The first instruction (in file order) that copies the whole build context, or None.

    Only the stages a build of `target` (else the last stage) runs are looked at: its
    `FROM <stage>` chain and the stages it copies or mounts from, as the image model
    reads them with the build's args; all stages when the target names none.
    Instructions behind ONBUILD never count (they run in images built from this one)."""
    for stage in built_stages(dockerfile, target, build):
        for instruction in stage.instructions:
            if is_whole_context_copy(instruction):
                return instruction
    return None


def built_stages(
    dockerfile: Dockerfile, target: str | None = None, build: Build | None = None
) -> list[Stage]:
    """The stages a build of `target` (else the last stage) runs: its `FROM <stage>`
    chain and the stages it copies or mounts from, as the image model reads them with
    the build's args; all stages when the target names none."""
    stages = dockerfile.stages
    if not stages:
        return []
    resolver = Resolver.of(dockerfile, build)
    built = resolver.built(target)
    return list(resolver.needed_stages(built)) if built is not None else list(stages)


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

# Directory entries one glob may look at, and the time one build context may spend
# listing directories, before the answers become "unknown" (pre-commit must stay fast).
GLOB_LIMIT = 20000
TIME_LIMIT = 2.0  # seconds


class DirEntry(NamedTuple):
    """One entry of a listed directory, as `lstat` sees it (links are not followed)."""

    name: str
    is_dir: bool  # a real directory (a symlink to one is not)
    is_symlink: bool


class ContextEntry(NamedTuple):
    """One file or directory of a build context."""

    relpath: str  # "/"-separated, relative to the context root: "app/__pycache__"
    root: Path  # the context directory
    is_dir: bool  # a real directory (a symlink to one is not)
    is_symlink: bool
    depth: int  # 1 for the entries of the context root

    @property
    def name(self) -> str:
        return self.relpath.rpartition("/")[2]

    @property
    def path(self) -> Path:
        return self.root / self.relpath


class Glob(NamedTuple):
    """What a COPY source pattern finds in a build context."""

    matches: tuple[str, ...]  # context-relative paths, sorted level by level
    missing_dir: str | None = None  # the fixed folder before the first wildcard is absent
    truncated: bool = False  # the listing gave up (entry or time cap): the answer is unknown


# -- Go's filepath.Match, which BuildKit applies to COPY/ADD sources ------------------


def has_wildcards(text: str) -> bool:
    """Whether a COPY source holds a wildcard (`*`, `?`, `[`) that a backslash does not
    escape, as BuildKit decides it."""
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 1
        elif char in "*?[":
            return True
        index += 1
    return False


@cache
def segment_regex(segment: str) -> re.Pattern[str] | None:
    """One path segment of a Go `filepath.Match` pattern as a regular expression, or None
    when Go calls the pattern malformed (it then matches nothing). `*` is any run of
    characters but `/`, `?` one character, `[...]` a class whose negation is `^` (a
    leading `!` is an ordinary character), `\\` escapes the next character; `**` is two
    `*`, so it does not cross a `/` either."""
    out: list[str] = []
    index, size = 0, len(segment)
    while index < size:
        char = segment[index]
        index += 1
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "\\":
            if index >= size:
                return None
            out.append(re.escape(segment[index]))
            index += 1
        elif char == "[":
            negated = index < size and segment[index] == "^"
            if negated:
                index += 1
            members: list[str] = []
            while True:
                if index >= size:
                    return None
                if segment[index] == "]" and members:
                    index += 1
                    break
                low, index = _class_char(segment, index)
                if low is None:
                    return None
                high = low
                if index < size and segment[index] == "-":
                    end, index = _class_char(segment, index + 1)
                    if end is None or end < low:
                        return None
                    high = end
                members.append(
                    re.escape(low) if low == high else f"{re.escape(low)}-{re.escape(high)}"
                )
            body = "".join(members)
            out.append(f"[^{body}]" if negated else f"[{body}]")
        else:
            out.append(re.escape(char))
    try:
        return re.compile("".join(out), re.DOTALL)
    except re.error:  # pragma: no cover - every translation above is valid
        return None


def _class_char(segment: str, index: int) -> tuple[str | None, int]:
    """A character of a `[...]` class (Go's getEsc): None for a bare `-` or `]`, a
    trailing `\\` or the end of the pattern."""
    if index >= len(segment) or segment[index] in "-]":
        return None, index
    if segment[index] == "\\":
        index += 1
        if index >= len(segment):
            return None, index
    return segment[index], index + 1


def _clean(relpath: str) -> str | None:
    """`relpath` cleaned (`./a/` -> `a`, `/` -> `.`), or None when it leaves the context."""
    cleaned = posixpath.normpath(relpath.lstrip("/") or ".")
    if cleaned == ".." or cleaned.startswith("../"):
        return None
    return cleaned


class BuildContext:
    """The local build context of one build, listed lazily and at most once per
    directory: its entries, COPY source globs and `.dockerignore` verdicts.

    Every listing uses `lstat` (symlinks are listed, never followed), the walks skip the
    inside of heavy directories, and a cap on entries per glob and on the time spent
    listing keeps a huge context cheap: past them answers say `truncated`. Get it with
    `BuildContext.of(build)`, which keeps one per build."""

    def __init__(self, root: Path | None, ignore: DockerIgnore | None = None) -> None:
        self.root = root  # None for a remote or unresolvable context
        self.ignore = ignore
        self._listings: dict[str, tuple[DirEntry, ...] | None] = {}
        self._walks: dict[tuple[int, int, frozenset[str], bool], tuple[ContextEntry, ...]] = {}
        self._spent = 0.0
        self.out_of_time = False

    @classmethod
    def of(cls, build: Build) -> BuildContext:
        """The build's context, made on first use and kept on the build."""
        kept = build.__dict__.get(_KEPT)
        if isinstance(kept, BuildContext):
            return kept
        ignore = build.ignore.parsed if build.ignore is not None else None
        made = cls(build.context, ignore)
        build.__dict__[_KEPT] = made
        return made

    # -- listing --

    def listing(self, relpath: str = "") -> tuple[DirEntry, ...] | None:
        """The entries of the real directory at `relpath` ("" for the root), sorted by
        name; None when it is not a readable directory or time has run out."""
        if relpath in self._listings:
            return self._listings[relpath]
        if self.root is None or self.out_of_time:
            return None
        start = time.perf_counter()
        found: tuple[DirEntry, ...] | None
        try:
            with os.scandir(self.root / relpath if relpath else self.root) as scan:
                items: list[DirEntry] = []
                for item in scan:
                    try:
                        link = item.is_symlink()
                        real_dir = not link and item.is_dir(follow_symlinks=False)
                    except OSError:
                        continue
                    items.append(DirEntry(item.name, real_dir, link))
            found = tuple(sorted(items))
        except OSError:
            found = None
        self._spent += time.perf_counter() - start
        if self._spent > TIME_LIMIT:
            self.out_of_time = True
        self._listings[relpath] = found
        return found

    def entries(
        self,
        *,
        max_depth: int = DEFAULT_DEPTH,
        limit: int = DEFAULT_LIMIT,
        skip: Iterable[str] = HEAVY_DIRS,
        honor_ignore: bool = True,
    ) -> tuple[ContextEntry, ...]:
        """The context's entries, level by level, sorted by name within a directory.

        Goes `max_depth` levels down at most (1: the root's entries only), looks at no
        more than `limit` entries in all, never follows symlinks and never lists the
        inside of a directory named in `skip`. With `honor_ignore`, entries the ignore
        file excludes are left out (and so is the inside of an excluded directory,
        unless the ignore file has `!` exceptions that could bring something back).
        Unreadable directories are passed over. Empty for a remote or missing context."""
        skip_names = frozenset(skip)
        key = (max_depth, limit, skip_names, honor_ignore)
        walked = self._walks.get(key)
        if walked is None:
            walked = tuple(self._walk(max_depth, limit, skip_names, honor_ignore))
            self._walks[key] = walked
        return walked

    def _walk(
        self, max_depth: int, limit: int, skip: frozenset[str], honor_ignore: bool
    ) -> Iterator[ContextEntry]:
        root = self.root
        if root is None:
            return
        ignore = self.ignore if honor_ignore else None
        reentry = ignore is not None and self.has_exceptions
        pending: list[tuple[str, int]] = [("", 1)]
        seen = 0
        while pending:
            following: list[tuple[str, int]] = []
            for directory, depth in pending:
                listed = self.listing(directory)
                if listed is None:
                    continue
                prefix = directory + "/" if directory else ""
                for item in listed:
                    seen += 1
                    if seen > limit:
                        return
                    relpath = prefix + item.name
                    left_out = ignore is not None and ignore.is_excluded(relpath)
                    if not left_out:
                        yield ContextEntry(relpath, root, item.is_dir, item.is_symlink, depth)
                    if (
                        item.is_dir
                        and depth < max_depth
                        and item.name not in skip
                        and (not left_out or reentry)
                    ):
                        following.append((relpath, depth + 1))
            pending = following

    # -- paths and globs --

    def exists(self, relpath: str) -> bool:
        """Whether `relpath` (a file, directory or symlink; wildcards allowed) is in the
        context on disk. False outside the context and for a remote one. The ignore file
        is not applied (see `excluded`)."""
        cleaned = _clean(relpath)
        if cleaned is None or self.root is None:
            return False
        if has_wildcards(cleaned):
            return bool(self.glob(cleaned, limit=1).matches)
        return os.path.lexists(self.root / cleaned)

    def written_for(self, relpaths: Iterable[str], top: Path) -> Path | None:
        """The nearest folder above the context, up to `top`, that holds every one of
        `relpaths` (none of which the context holds): the context a Dockerfile was
        written for, when it is built from a subfolder of it. None when there is none."""
        wanted = [c for c in map(_clean, relpaths) if c is not None and not has_wildcards(c)]
        if self.root is None or not wanted:
            return None
        folder = self.root
        while folder != top and top in folder.parents:
            folder = folder.parent
            if all(os.path.lexists(folder / rel) for rel in wanted):
                return folder
        return None

    def matches(self, pattern: str, limit: int = 1) -> list[str]:
        """At most `limit` context paths a COPY source pattern matches (see `glob`)."""
        return list(self.glob(pattern, limit).matches)

    def glob(self, pattern: str, limit: int | None = None, scan_limit: int = GLOB_LIMIT) -> Glob:
        """What a COPY/ADD source finds in the context, the way BuildKit resolves it:
        the folders before the first wildcard are a plain path (a missing one fails the
        build: `missing_dir`); the rest is matched with Go's `filepath.Match`, one
        segment per directory level (`*`, `?` and `[...]` never cross a `/`, nor does
        `**`), walking real directories only (symlinks are matched, not entered). At most
        `limit` matches; past `scan_limit` entries looked at, or out of time, the result
        is `truncated`. The ignore file is not applied (see `excluded`)."""
        cleaned = _clean(pattern)
        if cleaned is None or self.root is None:
            return Glob(())
        if cleaned == ".":
            return Glob((".",))
        segments = cleaned.split("/")
        first = next((i for i, s in enumerate(segments) if has_wildcards(s)), len(segments))
        fixed, rest = "/".join(segments[:first]), segments[first:]
        if not rest:
            return Glob((cleaned,) if os.path.lexists(self.root / cleaned) else ())
        if fixed:
            base = self.root / fixed
            if not os.path.lexists(base):
                return Glob((), missing_dir=self._first_missing(segments[:first]))
            if not self._real_dir_inside(fixed):
                # a link out of the context on the way: Docker resolves it against the
                # context root, which is not modelled; not judged
                return Glob((), truncated=True)
        budget = scan_limit
        current = [fixed]
        for index, segment in enumerate(rest):
            regex = segment_regex(segment)
            if regex is None:
                return Glob(())  # a malformed pattern matches nothing
            last = index == len(rest) - 1
            following: list[str] = []
            for directory in current:
                listed = self.listing(directory)
                if listed is None:
                    if self.out_of_time:
                        return Glob(tuple(following), truncated=True)
                    continue
                budget -= len(listed)
                prefix = directory + "/" if directory else ""
                following.extend(
                    prefix + item.name
                    for item in listed
                    if (last or item.is_dir) and regex.fullmatch(item.name)
                )
                if last and limit is not None and len(following) >= limit:
                    return Glob(tuple(following[:limit]))
                if budget < 0:
                    return Glob(tuple(following[:limit] if last else ()), truncated=True)
            current = following
            if not current:
                break
        return Glob(tuple(current[:limit]))

    def _first_missing(self, segments: list[str]) -> str:
        """The first of the folders `a/b/c` that does not exist (`a/b` if `a` does)."""
        assert self.root is not None
        for end in range(1, len(segments) + 1):
            path = "/".join(segments[:end])
            if not os.path.lexists(self.root / path):
                return path
        return "/".join(segments)

    def _real_dir_inside(self, relpath: str) -> bool:
        """Whether `relpath` is a directory reached without leaving the context."""
        assert self.root is not None
        path = self.root / relpath
        if not path.is_dir():
            return True  # a file: listing it finds nothing, as in Docker
        try:
            real, top = os.path.realpath(path), os.path.realpath(self.root)
        except OSError:
            return False
        return real == top or real.startswith(top.rstrip(os.sep) + os.sep)

    def close_names(self, relpath: str) -> list[str]:
        """Names in the folder of `relpath` that are nearly its last segment (see
        `close_names`)."""
        if self.root is None:
            return []
        directory, _, name = relpath.rpartition("/")
        listed = self.listing(directory)
        if listed is None:
            return []
        return _close([e.name for e in listed[:LISTING_LIMIT]], name)

    # -- the ignore file --

    @cached_property
    def has_exceptions(self) -> bool:
        """Whether the ignore file has `!` lines (an excluded folder may then send some
        of what is inside it)."""
        return self.ignore is not None and any(p.exclusion for p in self.ignore.patterns)

    def excluded(self, relpath: str) -> bool:
        """Whether the ignore file leaves `relpath` out of the context."""
        return self.ignore is not None and self.ignore.is_excluded(relpath)

    def excluded_by(self, relpath: str) -> IgnorePattern | None:
        """The ignore-file pattern that leaves `relpath` out, or None when it is sent."""
        if self.ignore is None:
            return None
        pattern = self.ignore.matching_pattern(relpath)
        return pattern if pattern is not None and not pattern.exclusion else None

    def reincluded(self, relpath: str) -> bool:
        """Whether a `!` line of the ignore file names `relpath` itself (brought back on
        purpose, not merely inside a folder that is brought back)."""
        if self.ignore is None:
            return False
        pattern = self.ignore.matching_pattern(relpath)
        return pattern is not None and pattern.exclusion and pattern.matches(relpath)


_KEPT = "_compose_lint_context"
# Entries looked at when suggesting a close name for a missing path.
LISTING_LIMIT = 2000


def _close(names: list[str], name: str) -> list[str]:
    same = sorted(n for n in names if n.lower() == name.lower() and n != name)
    import difflib  # only when a name is misspelt

    return same or difflib.get_close_matches(name, names, n=1, cutoff=0.85)


def close_names(directory: Path, name: str) -> list[str]:
    """Entries of `directory` (its first LISTING_LIMIT) whose name is nearly `name`: the
    same but for letter case, else one close spelling."""
    try:
        with os.scandir(directory) as scan:
            names = [e.name for _, e in zip(range(LISTING_LIMIT), scan, strict=False)]
    except OSError:
        return []
    return _close(names, name)


def list_names(directory: Path, limit: int = LISTING_LIMIT) -> list[str]:
    """The names of the first `limit` entries of a directory (empty when unreadable)."""
    try:
        with os.scandir(directory) as scan:
            return [e.name for _, e in zip(range(limit), scan, strict=False)]
    except OSError:
        return []


# -- the builds that compare a Dockerfile with its context ----------------------------


class LocalBuild(NamedTuple):
    """A build whose context is a local folder and whose built stage is known."""

    build: Build
    image: BuiltImage
    stage: Stage  # the stage the build produces
    context: BuildContext


def local_builds(project: Project) -> Iterator[LocalBuild]:
    """Each build of the project whose context is a folder on disk, whose Dockerfile is
    parsed and has stages, and whose `build.target` names one of them (else the last
    stage): the builds a rule can check against what the context holds."""
    for build in project.builds():
        if build.context is None or not build.context.is_dir():
            continue
        image = image_of(build)
        if image is None or image.stage is None:
            continue
        yield LocalBuild(build, image, image.stage, BuildContext.of(build))


# -- the build a rule looks at ---------------------------------------------------------


def context_display(build: Build) -> str:
    """The build context as the user sees it: relative to where compose-lint runs, like
    the paths of findings ("." for the current directory; "" for a remote context)."""
    if build.context is None:
        return ""
    compose = build.service.file
    base = posixpath.dirname(compose.display)
    try:
        relative = os.path.relpath(build.context, compose.path.parent).replace(os.sep, "/")
    except ValueError:  # another drive on Windows
        return str(build.context)
    joined = posixpath.normpath(posixpath.join(base, relative)) if base else relative
    return joined or "."


def context_location(build: Build) -> Location:
    """Where the compose file gives the build its context: the short `build: <path>`,
    its `context:`, or else the `build:` key (the context is then the default ".")."""
    compose = build.service.file
    raw = build.service.data.get("build")
    if isinstance(raw, str):
        return compose.loc(build.path)
    if isinstance(raw, dict) and "context" in raw:
        return compose.loc(build.path + ("context",))
    return compose.key_loc(build.path)


def dockerfile_display(build: Build) -> str:
    """The Dockerfile a build uses, as findings name it."""
    if build.inline is not None or build.dockerfile is None:
        return f'the dockerfile_inline of service "{build.service.name}"'
    return build.dockerfile.display


def dockerfile_location(build: Build, line: int, column: int) -> Location:
    """A position in the Dockerfile a build uses; for `dockerfile_inline`, the compose
    entry that holds it."""
    if build.inline is not None or build.dockerfile is None:
        return build.service.file.loc(build.path + ("dockerfile_inline",))
    return build.dockerfile.loc(line, column)


def is_url_source(source: str) -> bool:
    """Whether a COPY/ADD source is a URL or a Git address rather than a path in the
    build context (the one reading: `imageref.is_remote_source`)."""
    return is_remote_source(source)


def instruction_where(build: Build, instruction: Instruction) -> str:
    """`Dockerfile line 3 ("COPY . .")`: an instruction of the build's Dockerfile."""
    where = build.dockerfile.display if build.inline is None and build.dockerfile else None
    text = instruction_text(instruction)
    quote = "'" if '"' in text else '"'
    return f"{where or 'dockerfile_inline'} line {instruction.line} ({quote}{text}{quote})"


# -- the same answers as plain functions of a build ------------------------------------


def excluded(build: Build, relpath: str) -> bool:
    """Whether the build's ignore file leaves `relpath` out of the context."""
    return BuildContext.of(build).excluded(relpath)


def context_entries(
    build: Build,
    *,
    max_depth: int = DEFAULT_DEPTH,
    limit: int = DEFAULT_LIMIT,
    skip: Iterable[str] = HEAVY_DIRS,
    honor_ignore: bool = True,
) -> tuple[ContextEntry, ...]:
    """`BuildContext.entries` of the build's context."""
    return BuildContext.of(build).entries(
        max_depth=max_depth, limit=limit, skip=skip, honor_ignore=honor_ignore
    )


def find_matches(
    build: Build, pattern: str, limit: int = 1, scan_limit: int = GLOB_LIMIT
) -> list[str]:
    """At most `limit` context paths a COPY source pattern matches (`BuildContext.glob`)."""
    return list(BuildContext.of(build).glob(pattern, limit, scan_limit).matches)


def exists(build: Build, relpath: str) -> bool:
    """`BuildContext.exists` in the build's context."""
    return BuildContext.of(build).exists(relpath)


def misplaced_ignore(project: Project, build: Build) -> Path | None:
    """The `.dockerignore` beside `build`'s Dockerfile that the build never reads (the
    context is another folder and has no ignore file of its own), unless another build
    of the project uses that folder as its context; None otherwise."""
    if build.context is None or build.dockerfile is None or build.inline is not None:
        return None
    beside = misplaced_ignore_file(build.context, build.dockerfile.path)
    if beside is None:
        return None
    contexts = {normalize(b.context) for b in project.builds() if b.context is not None}
    return None if normalize(beside.parent) in contexts else beside


__all__ = [
    "misplaced_ignore",
    "DEFAULT_DEPTH",
    "DEFAULT_LIMIT",
    "GLOB_LIMIT",
    "HEAVY_DIRS",
    "LISTING_LIMIT",
    "BuildContext",
    "ContextEntry",
    "LocalBuild",
    "DirEntry",
    "Glob",
    "clean_source",
    "close_names",
    "context_display",
    "context_entries",
    "copies_whole_context",
    "copy_excludes",
    "copy_sources",
    "dockerfile_display",
    "dockerfile_location",
    "excluded",
    "exists",
    "explicit_sources",
    "find_matches",
    "from_context",
    "has_wildcards",
    "instruction_text",
    "instruction_where",
    "is_url_source",
    "is_whole_context_copy",
    "list_names",
    "local_builds",
    "segment_regex",
]
