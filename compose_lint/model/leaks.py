"""What should not go into an image, found in a build context copied whole.

The knowledge is data (`data/leaks.json`: names, exceptions, kinds, reasons, with its
source); this module finds those entries in the bounded listing of `model.context`,
leaving out what the Dockerfile names on purpose, what `COPY --exclude` or the ignore
file leaves out and what a `!` line brings back on purpose, and `.git` in a build that
runs git (`build_programs`: its RUNs, and the `$(shell ...)` of a Makefile its `make`
reads). CL401 and CL402 decide
with it. Which of those hold credentials (`holds_secret`: by name, or by a look at
the file's first bytes), and which COPY/ADD instructions put such files into an image,
named or with the whole context (`secret_copies`), is CL211's.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import re
import stat
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import NamedTuple

from compose_lint import data
from compose_lint.load import interpolation
from compose_lint.load.dockerfile import Instruction, Stage, Word
from compose_lint.load.dockerignore import parse_dockerignore
from compose_lint.load.files import peek_text
from compose_lint.model import Build, Project
from compose_lint.model.commands import package_call, run_commands, unwrap
from compose_lint.model.context import (
    HEAVY_DIRS,
    BuildContext,
    ContextEntry,
    built_stages,
    clean_source,
    copies_whole_context,
    copy_excludes,
    explicit_sources,
    from_context,
    has_wildcards,
    is_whole_context_copy,
    local_builds,
)
from compose_lint.model.image import BuiltImage, Resolver, Step, copy_destination


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
    secret: str | None = None  # how to tell it holds a credential (see data/leaks.json)
    only_secret: bool = False  # a leak only when it holds one
    needed_by: str | None = None  # not a leak in a build that runs this program

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
            secret=item.get("secret"),
            only_secret=bool(item.get("only_secret", False)),
            needed_by=item.get("needed_by"),
        )
        for item in table["leaks"]
    )


@cache
def _not_entered() -> frozenset[str]:
    """Directories the leak walk lists but does not look inside."""
    names = {n for k in leak_kinds() if not k.descend for n in k.names}
    return HEAVY_DIRS | names


def find_leaks(
    build: Build, honor_ignore: bool, copy: Instruction | None = None, named: bool = True
) -> list[Leak]:
    """Entries of the build context that should not go into an image: those the
    Dockerfile does not copy by name (with `named`; without it, those too), that the
    `copy` does not leave out with `--exclude`, and, with `honor_ignore`, that the
    ignore file does not exclude or deliberately re-include with a `!` line of their own."""
    context = BuildContext.of(build)
    parsed = build.parsed
    wanted = explicit_sources(parsed) if parsed is not None and named else set()
    excludes = copy_excludes(copy) if copy is not None else []
    left_out = parse_dockerignore("\n".join(excludes)) if excludes else None
    kinds = leak_kinds()
    leaks: list[Leak] = []
    programs: frozenset[str] | None = None
    for entry in context.entries(skip=_not_entered(), honor_ignore=honor_ignore):
        kind = next((k for k in kinds if k.matches(entry)), None)
        if kind is None or (kind.only_secret and not holds_secret(kind, entry.path)):
            continue
        if kind.needed_by is not None:
            if programs is None:
                programs = build_programs(build, copy)
            if kind.needed_by in programs:
                continue  # RUN make, whose Makefile stamps the version with git rev-parse
        if any(entry.relpath == n or entry.relpath.startswith(n + "/") for n in wanted):
            continue  # the Dockerfile wants it: `COPY certs/ /etc/certs`
        if left_out is not None and left_out.is_excluded(entry.relpath):
            continue  # COPY --exclude=.env . .
        if honor_ignore and context.reincluded(entry.relpath):
            continue  # `!.env`: brought back on purpose
        leaks.append(Leak(entry, kind))
    return leaks


_MAKE_SHELL = re.compile(r"\$[({]shell[ \t]+([\w.+-]+)")
MAKEFILES = ("GNUmakefile", "makefile", "Makefile")


# the actions with which system package managers install a package
_INSTALLS = frozenset({"install", "add"})


def build_programs(build: Build, copy: Instruction | None = None) -> frozenset[str]:
    """The programs the RUN instructions of `build`'s stages run: each command behind
    its wrappers and those in its `$(...)`, for `make` (`make -C dir`) the ones the
    `$(shell ...)` of the context's Makefile there runs when make reads it, and the
    packages a system package manager installs in the stage of `copy` or the stages it
    is built FROM (`apk add git` before `COPY . .`: there for the build, setuptools_scm
    reading the version from git; not git installed in a later runtime stage)."""
    parsed = build.parsed
    if parsed is None:
        return frozenset()
    copied = next((s for s in parsed.stages if copy in s.instructions), None)
    chain = (
        {s.index for s in Resolver.of(parsed, build).chain(copied)} if copied is not None else set()
    )
    found: set[str] = set()
    commands = [
        (unwrap(command), stage.index)
        for stage in built_stages(parsed, build.target, build)
        for instruction in stage.instructions
        if instruction.keyword == "RUN"
        for command in run_commands(instruction, parsed.escape)
    ]
    while commands:
        command, index = commands.pop()
        found.add(command.name)
        commands.extend((unwrap(c), index) for c in command.substitutions)
        call = package_call(command)
        if call is not None and call.action in _INSTALLS and (copy is None or index in chain):
            found.update(call.package_names)  # installed for the build to run
        if command.name in ("make", "gmake") and build.context is not None:
            found.update(_makefile_programs(build.context, command.words))
    return frozenset(found)


def _makefile_programs(context: Path, words: tuple[str, ...]) -> set[str]:
    """What the `$(shell ...)` of the Makefile `make` reads (in the context's top folder,
    or the one `-C dir` names) runs."""
    folder = context
    for option, value in zip(words, words[1:], strict=False):
        if option in ("-C", "--directory"):
            folder = context / value.strip("/")
    for name in MAKEFILES:
        text = _peek(folder / name)
        if text is not None:
            return set(_MAKE_SHELL.findall(text))
    return set()


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


# -- files that hold credentials, and the copies that put them into an image ----------

PEEK_BYTES = 64 * 1024  # what `holds_secret` reads of a file, at most
_PRIVATE_KEY = re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----")
# npm's `_authToken=`, `_auth=`, `_password=` (optionally scoped to a registry), with a
# value that is not a `${VAR}` npm reads from the environment
_REGISTRY_TOKEN = re.compile(
    r"(?m)^[ \t]*(?:\S*:)?_(?:authToken|auth|password)[ \t]*=[ \t]*[\"']?(?!\$\{)[^\s\"']"
)


def _peek(path: Path) -> str | None:
    """The first PEEK_BYTES of a regular file (links not followed), or None."""
    return peek_text(path, PEEK_BYTES)


def holds_secret(kind: LeakKind, path: Path) -> bool:
    """Whether the file or directory at `path`, of `kind`, holds a credential: by its
    name alone, or by what its first PEEK_BYTES say (see data/leaks.json)."""
    if kind.secret is None:
        return False
    if kind.secret == "name":
        return True
    text = _peek(path)
    if text is None:
        return False
    if kind.secret == "private-key":
        return _PRIVATE_KEY.search(text) is not None
    if kind.secret == "registry-token":
        return _REGISTRY_TOKEN.search(text) is not None
    if kind.secret == "env":
        from compose_lint.model.purpose import Use, file_use
        from compose_lint.model.secrets import Kind, env_file_secrets

        # a file for tests (.env.testing, .env.ci) holds test values, committed on
        # purpose; only a credential a provider issues is worth guarding there
        least = Kind.ISSUED if file_use(path.name) is Use.TEST else Kind.LITERAL
        return any(found.verdict.kind >= least for found in env_file_secrets(text))
    return False


def secret_kind(context: BuildContext, relpath: str) -> LeakKind | None:
    """The kind of credential the context path `relpath` is (or lies inside: the
    `credentials` of `.aws/credentials`), when it holds one; None otherwise."""
    if context.root is None:
        return None
    parts = relpath.split("/")
    for depth in range(len(parts), 0, -1):
        sub = "/".join(parts[:depth])
        path = context.root / sub
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            return None
        entry = ContextEntry(sub, context.root, stat.S_ISDIR(mode), stat.S_ISLNK(mode), depth)
        for kind in leak_kinds():
            if kind.secret is not None and kind.matches(entry):
                if depth < len(parts) and kind.kind != "dir":
                    continue
                return kind if holds_secret(kind, path) else None
    return None


class SecretCopy(NamedTuple):
    """A COPY/ADD that puts files holding credentials into an image."""

    build: Build
    instruction: Instruction
    word: Word | None  # the source that names them; None when it copies the whole context
    files: tuple[str, ...]  # context paths
    kinds: tuple[LeakKind, ...]  # one per file
    shipped: bool  # in the built image (its stage chain, or copied into it from a stage)
    via: Instruction | None = None  # the `COPY --from` that copies it on from a build stage


def secret_copies(project: Project) -> Iterator[SecretCopy]:
    """The COPY/ADD instructions of every local build, in the stages the build runs,
    that put credential files of its context into a stage: named one by one (`COPY
    .env .`) or with the whole context (`COPY . .`) when the ignore file lets them in.
    Each instruction is reported once per context, for the first build that runs it."""
    seen: set[tuple[int, int, Path | None]] = set()
    for local in local_builds(project):
        build, image, context = local.build, local.image, local.context
        resolver = image.resolver
        chain = {stage.index for stage in image.chain}
        for stage in resolver.needed_stages(local.stage):
            for step in resolver.own_steps(stage):
                instruction = step.instruction
                copy = instruction.copy
                if copy is None or not from_context(instruction):
                    continue
                key = (id(instruction), instruction.line, build.context)
                if key in seen:
                    continue
                for word, files in _secret_sources(build, context, step, instruction):
                    seen.add(key)
                    paths = tuple(f for f, _ in files)
                    via = (
                        None
                        if stage.index in chain
                        else _copied_on(image, stage, step, copy.dest.text, paths, word is None)
                    )
                    kinds = tuple(k for _, k in files)
                    shipped = stage.index in chain or via is not None
                    yield SecretCopy(build, instruction, word, paths, kinds, shipped, via)


def _secret_sources(
    build: Build, context: BuildContext, step: Step, instruction: Instruction
) -> Iterator[tuple[Word | None, list[tuple[str, LeakKind]]]]:
    copy = instruction.copy
    if copy is None:
        return
    if is_whole_context_copy(instruction):
        leaks = find_leaks(build, honor_ignore=True, copy=instruction)
        found = [
            (leak.entry.relpath, leak.kind)
            for leak in leaks
            if leak.kind.secret is not None and holds_secret(leak.kind, leak.entry.path)
        ]
        if found:
            yield None, found
    for word in copy.files:
        text = interpolation.substitute(word.text, step.env)
        cleaned = clean_source(text) if text is not None and "://" not in text else None
        if cleaned is None or cleaned in (".", "*"):
            continue
        if has_wildcards(cleaned):
            glob = context.glob(cleaned, limit=MAX_NAMED * 4)
            paths = [] if glob.truncated else list(glob.matches)
        else:
            paths = [cleaned] if context.exists(cleaned) else []
        found = []
        for path in paths:
            if context.excluded(path):
                continue  # the ignore file keeps it out (the COPY fails: CL502)
            kind = secret_kind(context, path)
            if kind is not None:
                found.append((path, kind))
            elif context.root is not None and os.path.isdir(context.root / path):
                found.extend(_secrets_below(build, context, path, instruction))
        if found:
            yield word, found


def _secrets_below(
    build: Build, context: BuildContext, folder: str, copy: Instruction
) -> list[tuple[str, LeakKind]]:
    """The credential files inside a folder of the context that a COPY names (`COPY
    config/ /etc/app/`), within the bounded walk of the context, the ignore file applied."""
    prefix = folder.rstrip("/") + "/"
    return [
        (leak.entry.relpath, leak.kind)
        for leak in find_leaks(build, honor_ignore=True, copy=copy, named=False)
        if leak.entry.relpath.startswith(prefix)
        and leak.kind.secret is not None
        and holds_secret(leak.kind, leak.entry.path)
    ]


def _copied_on(
    image: BuiltImage,
    stage: Stage,
    step: Step,
    dest: str,
    paths: tuple[str, ...],
    whole: bool,
) -> Instruction | None:
    """The `COPY --from` of the built image's chain that copies on what `step` put into
    the build stage `stage` from `paths` (the path itself or a folder above it), if any."""
    target = copy_destination(step, dest)
    if target is None:
        return None
    into_dir = whole or dest.endswith("/") or len(paths) > 1
    placed = [
        posixpath.normpath(posixpath.join(target, p if whole else posixpath.basename(p)))
        if into_dir
        else posixpath.normpath(target)
        for p in paths
    ]
    resolver = image.resolver
    for later in image.steps:
        copy = later.instruction.copy
        if copy is None or copy.from_stage is None:
            continue
        source_stage = resolver.stage(copy.from_stage.strip("\"'"), later.stage.index)
        if source_stage is None or source_stage.index != stage.index:
            continue
        for word in copy.files:
            text = interpolation.substitute(word.text, later.env)
            if text is None or has_wildcards(text):
                continue
            source = posixpath.normpath("/" + text.lstrip("/"))
            if any(p == source or p.startswith(source.rstrip("/") + "/") for p in placed):
                return later.instruction
    return None


__all__ = [
    "MAX_NAMED",
    "PEEK_BYTES",
    "Leak",
    "LeakKind",
    "SecretCopy",
    "find_leaks",
    "holds_secret",
    "leak_kinds",
    "leak_names",
    "leak_patterns",
    "secret_copies",
    "secret_kind",
    "whole_context_builds",
]
