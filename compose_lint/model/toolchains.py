"""The Go a builder image brings against the Go the module it builds asks for.

The official `golang` images set `GOTOOLCHAIN=local` (since Go 1.21): a `go` command
that reads a go.mod whose `go` line names a newer release than the image's stops with
"go.mod requires go >= X (running go Y; GOTOOLCHAIN=local)" instead of fetching that
toolchain, and the build fails. Go before 1.21 did not stop on a newer `go` line.

Public names:

- `GoVersion`: a release as a tag or a `go` line writes it (`1.25`, `1.24.5`).
- `image_go(reference)`: the Go release of an official golang image reference and the
  variant after it (`1.23-alpine` -> 1.23, "alpine"), or None when the tag says none.
- `go_line(text)`: the release a go.mod's `go` line names, or None.
- `TooOld`: one build stage whose image is older than its module: `.build`, `.stage`
  (the stage whose FROM names the image), `.image` (the reference), `.have`, `.variant`,
  `.need`, `.gomod` (its context path), `.run` (the first RUN whose go reads it).
- `too_old(project)`: each of them, once per stage and go.mod.

Silent whenever a fact is unknown: an image tag without a version, another image than
the official one, a `GOTOOLCHAIN` written anywhere in the Dockerfile (the builder may
fetch the toolchain), a RUN that changes directory before go runs, a go.mod that only a
wildcard or a variable would copy.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Iterator
from typing import NamedTuple

from compose_lint.load.dockerfile import Instruction, Stage
from compose_lint.load.files import peek_text
from compose_lint.model import Build, Project
from compose_lint.model.cache import per_project
from compose_lint.model.commands import run_commands, unwrap
from compose_lint.model.context import (
    BuildContext,
    clean_source,
    from_context,
    has_wildcards,
)
from compose_lint.model.image import Resolver, Step, copy_destination
from compose_lint.model.imageref import parse_image

_TAG = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+))?(?:-(.+))?$")
_GO_LINE = re.compile(r"(?m)^go[ \t]+(\d+)\.(\d+)(?:\.(\d+))?[ \t]*(?://.*)?\r?$")
# go subcommands that load the module (go.mod), and so stop on a newer go line
_READS_MODULE = frozenset(
    {"build", "install", "mod", "run", "test", "generate", "vet", "list", "get", "tool"}
)
FIRST_STRICT = (1, 21)  # the first release that stops on a newer go line
GOMOD_PEEK = 64 * 1024


class GoVersion(NamedTuple):
    major: int
    minor: int
    patch: int | None  # None: any patch release of major.minor (an image tag `1.25`)

    def __str__(self) -> str:
        base = f"{self.major}.{self.minor}"
        return base if self.patch is None else f"{base}.{self.patch}"

    def older_than(self, need: GoVersion) -> bool:
        """Whether this release cannot build a module whose go line is `need`."""
        if (self.major, self.minor) != (need.major, need.minor):
            return (self.major, self.minor) < (need.major, need.minor)
        return self.patch is not None and self.patch < (need.patch or 0)


def image_go(reference: str | None) -> tuple[GoVersion, str] | None:
    """The Go release of an official golang image and its variant (`alpine3.22`,
    `bookworm`, "" for none), or None when `reference` is not one or names no release."""
    ref = parse_image(reference) if reference else None
    if ref is None or not ref.official or ref.short_name != "golang" or ref.tag is None:
        return None
    match = _TAG.match(ref.tag)
    if match is None:
        return None
    major, minor, patch, variant = match.groups()
    version = GoVersion(int(major), int(minor), int(patch) if patch is not None else None)
    return version, variant or ""


def go_line(text: str) -> GoVersion | None:
    """The release a go.mod's `go` line names (`go 1.25.0`), or None."""
    match = _GO_LINE.search(text)
    if match is None:
        return None
    major, minor, patch = match.groups()
    return GoVersion(int(major), int(minor), int(patch) if patch is not None else 0)


class TooOld(NamedTuple):
    build: Build
    stage: Stage  # the stage whose FROM names the image
    image: str
    have: GoVersion
    variant: str
    need: GoVersion
    gomod: str  # context-relative path of the go.mod
    run: Instruction  # the first RUN whose go reads it


class _Source(NamedTuple):
    """What a COPY or a bind mount puts at `image` (a file or a folder) from `context`."""

    image: str
    context: str  # context-relative ("." for the whole context)
    folder: bool


@per_project
def too_old(project: Project) -> tuple[TooOld, ...]:
    found: dict[tuple[str, int, str], TooOld] = {}  # by Dockerfile and context, stage, go.mod
    for build in project.builds():
        parsed = build.parsed
        if parsed is None or build.context is None or not build.context.is_dir():
            continue
        text = "\n".join(line for i in parsed.instructions for line in i.lines)
        if "GOTOOLCHAIN" in text or any(a.name == "GOTOOLCHAIN" for a in build.args):
            continue  # the builder may fetch the toolchain go.mod asks for
        resolver = Resolver.of(parsed, build)
        built = resolver.built(build.target)
        if built is None:
            continue
        for stage in resolver.needed_stages(built):
            bottom = resolver.chain(stage)[-1]
            image = resolver.root_image(stage)
            known = image_go(image)
            if image is None or known is None or known[0][:2] < FIRST_STRICT:
                continue
            for gomod, need, run in _module_reads(build, resolver.steps(stage)):
                key = (f"{build.dockerfile_path}\0{build.context}", bottom.index, gomod)
                if key not in found and known[0].older_than(need):
                    found[key] = TooOld(build, bottom, image, known[0], known[1], need, gomod, run)
    return tuple(found.values())


def _module_reads(
    build: Build, steps: tuple[Step, ...]
) -> Iterator[tuple[str, GoVersion, Instruction]]:
    """Each go.mod a go command of these steps reads, with its go line and the RUN."""
    sources: list[_Source] = []
    for step in steps:
        instruction = step.instruction
        if instruction.keyword in ("COPY", "ADD") and from_context(instruction):
            sources.extend(_copied(build, step))
        elif instruction.keyword == "RUN":
            cwd = step.cwd
            commands = [unwrap(c) for c in run_commands(instruction, instruction.escape)]
            if not cwd.startswith("/") or any(c.name in ("cd", "pushd") for c in commands):
                continue
            if not any(
                c.name == "go"
                and c.words[1:2]
                and c.words[1] in _READS_MODULE
                and c.words[1:3] != ("mod", "init")
                for c in commands
            ):
                continue
            gomod = _module_file(build, [*sources, *_mounted(instruction, cwd)], cwd)
            if gomod is None:
                continue
            need = _go_line_of(build, gomod)
            if need is not None:
                yield gomod, need, instruction


def _copied(build: Build, step: Step) -> Iterator[_Source]:
    copy = step.instruction.copy
    if copy is None:
        return
    dest = copy_destination(step, copy.dest.text)
    if dest is None:
        return
    into_folder = dest.endswith("/") or len(copy.files) > 1
    for word in copy.files:
        source = clean_source(word.text)
        if source is None:
            continue
        if source == "." or source == "*":
            yield _Source(posixpath.normpath(dest), ".", True)
            continue
        folder, name = posixpath.split(source)
        if has_wildcards(source):
            # `COPY go.* ./`: the go.mod beside its pattern
            if not has_wildcards(folder) and fnmatch.fnmatchcase("go.mod", name):
                target = posixpath.normpath(posixpath.join(dest, "go.mod"))
                yield _Source(target, posixpath.join(folder, "go.mod"), False)
            continue
        context = build.context
        if context is not None and (context / source).is_dir():
            yield _Source(posixpath.normpath(dest), source, True)
        elif name == "go.mod":
            target = posixpath.join(dest, name) if into_folder else dest
            yield _Source(posixpath.normpath(target), source, False)


def _mounted(instruction: Instruction, cwd: str) -> Iterator[_Source]:
    """The build context's bind mounts of a RUN (`--mount=type=bind,source=go.mod,
    target=go.mod`; without a source, the whole context)."""
    for mount in instruction.mounts():
        if mount.get("type", "bind") != "bind" or mount.get("from"):
            continue
        target = mount.get("target") or mount.get("dst") or mount.get("destination")
        if not target or "$" in target:
            continue
        source = clean_source(mount.get("source") or mount.get("src") or ".")
        if source is None:
            continue
        image = posixpath.normpath(posixpath.join(cwd, target))
        folder = source == "." or posixpath.basename(source) != "go.mod"
        yield _Source(image, source, folder)


def _module_file(build: Build, sources: list[_Source], cwd: str) -> str | None:
    """The context path of the go.mod go finds from `cwd` (it looks in each folder up
    to the root), as the sources put it there, the latest first; None when none does."""
    context = BuildContext.of(build)
    folder = posixpath.normpath(cwd)
    while True:
        wanted = posixpath.join(folder, "go.mod")
        for source in reversed(sources):
            if not source.folder:
                if source.image == wanted and context.exists(source.context):
                    return source.context
                continue
            inside = posixpath.relpath(wanted, source.image)
            if inside.startswith(".."):
                continue
            relpath = posixpath.normpath(posixpath.join(source.context, inside))
            if context.exists(relpath) and not context.excluded(relpath):
                return relpath
        if folder == "/":
            return None
        folder = posixpath.dirname(folder)


def _go_line_of(build: Build, relpath: str) -> GoVersion | None:
    """The go line of the context's go.mod at `relpath`: a regular file (a link is
    copied as a link, and never read here), its first GOMOD_PEEK bytes."""
    context = build.context
    text = peek_text(context / relpath, GOMOD_PEEK) if context is not None else None
    return go_line(text) if text is not None else None
