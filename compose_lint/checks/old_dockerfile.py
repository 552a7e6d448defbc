"""CL3xx: Dockerfile instructions and stages (part 1).

WORKDIR and COPY/ADD paths, `COPY --from` references, stage names, and the user the
built image runs as. Stage semantics come from `compose_lint.model.image`: a stage built
`FROM <earlier stage>` inherits that stage's WORKDIR and USER, and a compose service
builds one stage (`build.target`, else the last one). Instructions behind ONBUILD are
not looked at: they run in images built from this one.
"""

from __future__ import annotations

import difflib
import posixpath
from collections.abc import Iterator
from typing import NamedTuple

from compose_lint.findings import Location, Severity
from compose_lint.load.dockerfile import Dockerfile, Instruction, Stage
from compose_lint.model import Build, DockerfileSource, Project
from compose_lint.model.context import excluded, find_matches, instruction_text
from compose_lint.model.image import Resolver
from compose_lint.registry import rule

Found = Iterator[tuple[Location, str]]

_COPY_KEYWORDS = frozenset({"COPY", "ADD"})
_WILDCARDS = frozenset("*?[")
# Names that ADD unpacks (a local tar archive, plain or compressed); Docker looks at the
# content, so any compressed file is given the benefit of the doubt.
_ARCHIVE_SUFFIXES = (
    ".tar",
    ".gz",
    ".tgz",
    ".bz2",
    ".tbz",
    ".tbz2",
    ".tb2",
    ".xz",
    ".txz",
    ".zst",
    ".tzst",
    ".lz",
    ".tlz",
    ".lzma",
    ".z",
    ".tz",
    ".tpz",
)
# Words in an image reference that mark an image CL304 does not judge: by naming
# convention its default user is not root (`distroless/static:nonroot`,
# `nginxinc/nginx-unprivileged`), or it is a Windows image, which has no root user
# (ContainerAdministrator or ContainerUser instead).
_NOT_LINUX_ROOT = (
    "nonroot",
    "non-root",
    "unprivileged",
    "rootless",
    "windows/",
    "nanoserver",
    "servercore",
)


# --- shared helpers --------------------------------------------------------------------


def _resolvers(dockerfile: Dockerfile, builds: list[Build]) -> list[Resolver]:
    """One resolver per distinct build (compose build args change FROM lines), or the
    Dockerfile's own ARG defaults when no build uses it."""
    if not builds:
        return [Resolver.of(dockerfile)]
    found: dict[tuple[tuple[str, str], ...], Resolver] = {}
    for build in builds:
        resolver = Resolver.of(dockerfile, build)
        found.setdefault(tuple(sorted(resolver.env.items())), resolver)
    return list(found.values())


def _unquote(word: str) -> str:
    return word.strip("\"'")


def _is_heredoc_word(word: str) -> bool:
    return word.lstrip("0123456789").startswith("<<")


class _CopyArgs(NamedTuple):
    """The operands of a COPY or ADD: sources and destination, quotes removed."""

    sources: tuple[str, ...]  # here-document markers included, as written (`<<EOF`)
    dest: str
    dest_raw: str  # as written, to find it on the line

    @property
    def files(self) -> tuple[str, ...]:
        """The sources that name files (here-documents left out)."""
        return tuple(s for s in self.sources if not _is_heredoc_word(s))


def _copy_args(instruction: Instruction) -> _CopyArgs | None:
    if instruction.json_args is not None:
        words = instruction.json_args
        if len(words) < 2:
            return None
        return _CopyArgs(tuple(words[:-1]), words[-1], '"' + words[-1])
    raw = instruction.args.split()
    if len(raw) < 2:
        return None
    return _CopyArgs(tuple(_unquote(w) for w in raw[:-1]), _unquote(raw[-1]), raw[-1])


def _command_lines(instruction: Instruction) -> list[str]:
    """The instruction's own physical lines, here-document bodies left out."""
    lines = list(instruction.lines)
    if instruction.heredocs:
        lines = lines[: instruction.heredocs[0].start_line - instruction.line]
    return lines


def _locate(
    instruction: Instruction, text: str, *, last: bool = False, after: str = ""
) -> tuple[int, int]:
    """Line and column of `text` (case-insensitive) in the instruction as written,
    searching after the keyword (and after `after`, when given, on the same line);
    the instruction's start when it cannot be found."""
    lines = _command_lines(instruction)
    order = range(len(lines) - 1, -1, -1) if last else range(len(lines))
    needle = text.lower()
    for index in order:
        line = lines[index].lower()
        start = instruction.column - 1 + len(instruction.keyword) if index == 0 else 0
        if after:
            anchor = line.find(after.lower(), start)
            if anchor < 0:
                continue
            start = anchor + len(after)
        found = line.rfind(needle, start) if last else line.find(needle, start)
        if found >= 0:
            return instruction.line + index, found + 1
    return instruction.line, instruction.column


def _stage_label(stage: Stage) -> str:
    if stage.name:
        return f'stage "{stage.name}"'
    return f"stage on line {stage.from_instruction.line}"


def _stage_id(stage: Stage) -> str:
    number = f'"{stage.name}"' if stage.name else f"number {stage.index}"
    return f"stage {number}, line {stage.from_instruction.line}"


def _is_absolute(path: str) -> bool:
    """An absolute path, a Windows drive path (`C:\\app`, `c:/app`) or one that starts
    with a variable (its value is not known here)."""
    if path.startswith(("/", "$")):
        return True
    return len(path) >= 2 and path[0].isalpha() and path[1] == ":"


class _Workdir(NamedTuple):
    """The working directory at some point of a stage."""

    set: bool  # a WORKDIR was seen in the stage or the stages it is built from
    path: str  # the directory, taking the base image's to be "/" when it matters
    known: bool  # `path` follows from an absolute WORKDIR, not from that guess
    line: int | None  # the WORKDIR that set it


_NO_WORKDIR = _Workdir(False, "/", False, None)


def _after_workdir(current: _Workdir, instruction: Instruction) -> _Workdir:
    value = _unquote(instruction.args.strip())
    if not value:
        return current
    if _is_absolute(value):
        return _Workdir(True, value, True, instruction.line)
    path = posixpath.normpath(posixpath.join(current.path, value))
    return _Workdir(True, path, current.known, instruction.line)


def _walk_workdirs(resolver: Resolver) -> Iterator[tuple[Stage, Instruction, _Workdir]]:
    """Every instruction of every stage with the working directory in effect before
    it; a stage built FROM an earlier stage starts where that one ended."""
    ends: dict[int, _Workdir] = {}
    for stage in resolver.dockerfile.stages:
        parent = resolver.parent(stage)
        current = ends.get(parent.index, _NO_WORKDIR) if parent is not None else _NO_WORKDIR
        for instruction in stage.instructions:
            yield stage, instruction, current
            if instruction.keyword == "WORKDIR":
                current = _after_workdir(current, instruction)
        ends[stage.index] = current


# --- CL303 -----------------------------------------------------------------------------


@rule(
    "CL303",
    "relative-workdir",
    Severity.ERROR,
    "WORKDIR is given a relative path, which depends on the working directory before it.",
)
def relative_workdir(project: Project) -> Found:
    for source, dockerfile, builds in project.parsed_dockerfiles():
        resolver = _resolvers(dockerfile, builds)[0]
        for _, instruction, before in _walk_workdirs(resolver):
            if instruction.keyword != "WORKDIR":
                continue
            raw = instruction.args.strip()
            value = _unquote(raw)
            if not value or _is_absolute(value):
                continue
            line, column = _locate(instruction, raw)
            absolute = posixpath.normpath(posixpath.join(before.path, value))
            if before.known:
                why = (
                    f"it resolves to {absolute} only because of the WORKDIR on line "
                    f"{before.line}, and moves silently if that line changes"
                )
            else:
                why = (
                    "it is resolved against the working directory that the base image "
                    f'and any earlier WORKDIR leave ("/" for most images, giving {absolute})'
                )
            yield (
                source.loc(line, column),
                f'WORKDIR "{value}" is a relative path: {why}; write the absolute path: '
                f'"WORKDIR {absolute}"',
            )


# --- CL304 -----------------------------------------------------------------------------


def _is_root(user_args: str) -> bool:
    words = user_args.split()
    if not words:
        return False
    user = _unquote(words[0]).partition(":")[0]
    return user in ("root", "0")


def _last_user(resolver: Resolver, stage: Stage) -> tuple[Stage, Instruction] | None:
    """The USER in effect at the end of `stage`, following its FROM-stage chain, and
    the stage of the chain it is written in."""
    for link in resolver.chain(stage):
        for instruction in reversed(link.instructions):
            if instruction.keyword == "USER":
                return link, instruction
    return None


def _sets_user(build: Build) -> bool:
    value = build.service.data.get("user")
    return value is not None and str(value).strip() != ""


def _services(names: list[str]) -> str:
    quoted = [f'"{n}"' for n in names]
    if len(quoted) == 1:
        return f"service {quoted[0]}"
    return "services " + ", ".join(quoted[:-1]) + " and " + quoted[-1]


@rule(
    "CL304",
    "runs-as-root",
    Severity.WARNING,
    "The image a service builds runs as root, and the service does not set `user:`.",
)
def runs_as_root(project: Project) -> Found:
    for source, dockerfile, builds in project.parsed_dockerfiles():
        if not dockerfile.stages:
            continue
        if not builds:
            yield from _lone_runs_as_root(source, dockerfile)
            continue
        # location -> (what is wrong, how to fix it, the services)
        found: dict[tuple[int, int], tuple[str, str, list[str]]] = {}
        for build in builds:
            if _sets_user(build):
                continue
            resolver = Resolver.of(dockerfile, build)
            stage = resolver.built(build.target)
            if stage is None:
                continue  # an unknown build.target is reported by CL506
            last = _last_user(resolver, stage)
            if last is not None:
                link, user = last
                if not _is_root(user.args):
                    continue
                where = (user.line, user.column)
                inherited = f", inherited from {_stage_label(link)}" if link is not stage else ""
                what = (
                    f'"USER {user.args.strip()}" on line {user.line} is the last USER of '
                    f"the built {_stage_label(stage)}{inherited}"
                )
                fix = (
                    "switch back to an unprivileged user after the steps that need root "
                    '(e.g. "USER app")'
                )
            else:
                root = resolver.root_image(stage)
                if root is None or any(m in root.lower() for m in _NOT_LINUX_ROOT):
                    continue  # unknown, says it is not root, or has no root user (Windows)
                where = (stage.from_instruction.line, stage.from_instruction.column)
                if len(resolver.chain(stage)) > 1:
                    what = (
                        f"neither the built {_stage_label(stage)} nor the stages it is "
                        f"built from (down to FROM {root}) set a USER"
                    )
                else:
                    what = f"the built {_stage_label(stage)} (FROM {root}) never sets a USER"
                if root == "scratch":
                    fix = (
                        'add "USER 65534:65534" at the end of the stage (scratch has no '
                        "user database, so use a numeric ID)"
                    )
                else:
                    fix = (
                        "create an unprivileged user and switch to it at the end of the "
                        'stage (e.g. "RUN useradd --create-home app", or "adduser -D app" '
                        'on Alpine, then "USER app")'
                    )
            found.setdefault(where, (what, fix, []))[2].append(build.service.name)
        for (line, column), (what, fix, names) in sorted(found.items()):
            verb = "runs" if len(names) == 1 else "run"
            yield (
                source.loc(line, column),
                f'{_services(names)} {verb} as root: {what}, and compose sets no "user:"; '
                f'{fix}, or set "user:" on the service',
            )


def _lone_runs_as_root(source: DockerfileSource, dockerfile: Dockerfile) -> Found:
    """A Dockerfile no compose service builds: only an explicit root USER at the end
    of the last stage is known to be wrong (the base image may set another user)."""
    resolver = Resolver.of(dockerfile)
    stage = dockerfile.stages[-1]
    last = _last_user(resolver, stage)
    if last is None or not _is_root(last[1].args):
        return
    user = last[1]
    yield (
        source.loc(user.line, user.column),
        f'"USER {user.args.strip()}" is the last USER of the final {_stage_label(stage)}, '
        "so containers of this image run as root; switch back to an unprivileged user at "
        'the end (e.g. "USER app" after creating it with useradd or adduser)',
    )


# --- CL310 -----------------------------------------------------------------------------


def _is_remote(source: str) -> bool:
    """A URL or a Git repository (`git@host:repo.git`), which ADD fetches."""
    if "://" in source or source.startswith("git@"):
        return True
    user, at, rest = source.partition("@")
    return bool(at) and ":" in rest and "/" not in user


def _is_archive(source: str) -> bool:
    return source.lower().endswith(_ARCHIVE_SUFFIXES)


@rule(
    "CL310",
    "add-instead-of-copy",
    Severity.ERROR,
    "ADD is used to copy local files or directories; COPY does only that.",
)
def add_instead_of_copy(project: Project) -> Found:
    for source, dockerfile, _ in project.parsed_dockerfiles():
        for stage in dockerfile.stages:
            for instruction in stage.instructions:
                if instruction.keyword != "ADD" or instruction.flag("from") is not None:
                    continue
                parts = _copy_args(instruction)
                if parts is None:
                    continue
                local = [
                    s
                    for s in parts.files
                    if "$" not in s and not _is_remote(s) and not _is_archive(s)
                ]
                if not local:
                    continue
                names = ", ".join(f'"{s}"' for s in local)
                zips = [s for s in local if s.lower().endswith(".zip")]
                note = (
                    " (ADD does not unpack .zip files: they are copied as they are)" if zips else ""
                )
                remote = len(local) < len(parts.files)
                fix = (
                    "move them into a COPY of their own"
                    if remote
                    else f'write "{_as_copy(instruction)}"'
                )
                yield (
                    source.loc(instruction.line, instruction.column),
                    f"ADD copies the local {_plural(len(local), 'path')} {names}{note}; use "
                    f"COPY for local files: ADD also fetches URLs and unpacks archives, "
                    f"which hides what the line does; {fix}",
                )


def _plural(count: int, word: str) -> str:
    return word if count == 1 else word + "s"


def _as_copy(instruction: Instruction) -> str:
    """The ADD line rewritten with COPY, trimmed for a message."""
    text = instruction_text(instruction)
    return "COPY" + text[3:] if text[:3].upper() == "ADD" else text


# --- CL311 -----------------------------------------------------------------------------


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
    Severity.ERROR,
    "COPY or ADD with several sources has a destination that does not end with `/`.",
)
def copy_dest_not_dir(project: Project) -> Found:
    for source, dockerfile, builds in project.parsed_dockerfiles():
        for stage in dockerfile.stages:
            for instruction in stage.instructions:
                if instruction.keyword not in _COPY_KEYWORDS:
                    continue
                parts = _copy_args(instruction)
                if parts is None:
                    continue
                dest = parts.dest
                if dest.endswith(("/", "\\")) or _ends_with_variable(dest):
                    continue
                if len(parts.sources) > 1:
                    what = f"{len(parts.sources)} sources"
                elif (
                    instruction.flag("from") is None
                    and parts.files
                    and _WILDCARDS & set(parts.files[0])
                    and "$" not in parts.files[0]
                    and not _is_remote(parts.files[0])
                ):
                    matches = _context_matches(builds, parts.files[0])
                    if not matches:
                        continue
                    shown = ", ".join(matches[:3]) + (", ..." if len(matches) > 3 else "")
                    what = f'"{parts.files[0]}", which matches {shown} in the build context,'
                else:
                    continue
                line, column = _locate(instruction, parts.dest_raw, last=True)
                yield (
                    source.loc(line, column),
                    f'{instruction.keyword} copies {what} into "{dest}", which does not end '
                    f'with "/"; with more than one source the destination must be a directory '
                    f'written with a trailing slash, or the build fails; write "{dest}/"',
                )


# --- CL312 / CL313 ---------------------------------------------------------------------


class _FromRef(NamedTuple):
    stage: Stage  # the stage the COPY is in
    instruction: Instruction
    ref: str  # the --from value, quotes removed
    target: Stage | None  # the stage it names, if any (any position)
    by_index: bool


def _copy_from_refs(dockerfile: Dockerfile) -> Iterator[_FromRef]:
    """Each `COPY --from=<stage or image>`, with the stage it names."""
    stages = dockerfile.stages
    for stage in stages:
        for instruction in stage.instructions:
            if instruction.keyword != "COPY":
                continue
            value = instruction.flag("from")
            if not value:
                continue
            ref = _unquote(value)
            if not ref:
                continue
            if "$" in ref:
                yield _FromRef(stage, instruction, ref, None, False)
                continue
            if ref.isdigit():
                index = int(ref)
                target = stages[index] if index < len(stages) else None
                yield _FromRef(stage, instruction, ref, target, True)
                continue
            key = ref.lower()
            named = [s for s in stages if s.name == key]
            earlier = [s for s in named if s.index < stage.index]
            target = earlier[0] if earlier else (named[0] if named else None)
            yield _FromRef(stage, instruction, ref, target, False)


def _is_image_reference(ref: str) -> bool:
    """A tag, digest, namespace or registry makes `ref` an image, never a stage name
    (stage names cannot contain `:`, `@` or `/`)."""
    return any(c in ref for c in ":@/")


def _from_location(source: DockerfileSource, instruction: Instruction) -> Location:
    line, column = _locate(instruction, "--from")
    return source.loc(line, column)


@rule(
    "CL312",
    "copy-from-unknown-stage",
    Severity.WARNING,
    "`COPY --from` names no earlier stage of the Dockerfile.",
)
def copy_from_unknown_stage(project: Project) -> Found:
    for source, dockerfile, _ in project.parsed_dockerfiles():
        stages = dockerfile.stages
        for ref in _copy_from_refs(dockerfile):
            target, here = ref.target, ref.stage
            if target is not None and target.index <= here.index:
                continue  # an earlier stage, or this one (CL313)
            if "$" in ref.ref:
                yield (
                    _from_location(source, ref.instruction),
                    f"COPY --from={ref.ref} uses a variable, which BuildKit does not expand "
                    'in --from (the build fails with "variable expansion is not supported '
                    'for --from"); declare the ARG before the first FROM, add a stage '
                    '"FROM <the image with the variable> AS <name>", and copy --from=<name>',
                )
            elif target is not None:
                yield (
                    _from_location(source, ref.instruction),
                    f"COPY --from={ref.ref} names the {_stage_label(target)}, defined further "
                    f"down (line {target.from_instruction.line}); BuildKit accepts that, "
                    "but the classic builder and other tools look for an image of that "
                    "name instead; move that stage above this one",
                )
            elif ref.by_index:
                yield (
                    _from_location(source, ref.instruction),
                    f"COPY --from={ref.ref} names stage number {ref.ref}, but this Dockerfile "
                    f"has {len(stages)} {_plural(len(stages), 'stage')} (numbered from 0); "
                    "name the stage with FROM ... AS <name> and copy --from=<name>",
                )
            elif not _is_image_reference(ref.ref):
                names = [s.name for s in stages[: here.index] if s.name]
                close = difflib.get_close_matches(ref.ref.lower(), names, n=1)
                if close:
                    hint = f"did you mean --from={close[0]}? "
                elif names:
                    hint = "the earlier stages are named " + ", ".join(names) + "; "
                else:
                    hint = ""
                yield (
                    _from_location(source, ref.instruction),
                    f"COPY --from={ref.ref} names no earlier stage, so Docker pulls the image "
                    f'"{ref.ref}:latest" instead; {hint}if you do mean that image, write it '
                    f"with a tag ({ref.ref}:<version>)",
                )


@rule(
    "CL313",
    "copy-from-self",
    Severity.ERROR,
    "`COPY --from` names the stage it is in.",
)
def copy_from_self(project: Project) -> Found:
    for source, dockerfile, _ in project.parsed_dockerfiles():
        for ref in _copy_from_refs(dockerfile):
            if ref.target is None or ref.target.index != ref.stage.index:
                continue
            yield (
                _from_location(source, ref.instruction),
                f"COPY --from={ref.ref} names the stage it is in ({_stage_id(ref.stage)}); a "
                "stage cannot copy from itself (the build fails with a circular dependency); copy "
                "from an earlier stage, or drop --from to copy from the build context",
            )


# --- CL314 -----------------------------------------------------------------------------


@rule(
    "CL314",
    "duplicate-stage-name",
    Severity.ERROR,
    "Two stages have the same name (`FROM ... AS name`).",
)
def duplicate_stage_name(project: Project) -> Found:
    for source, dockerfile, _ in project.parsed_dockerfiles():
        first: dict[str, Stage] = {}
        for stage in dockerfile.stages:
            if stage.name is None:
                continue
            earlier = first.setdefault(stage.name, stage)
            if earlier is stage:
                continue
            line, column = _locate(stage.from_instruction, stage.name, last=True, after=" as ")
            yield (
                source.loc(line, column),
                f'stage name "{stage.name}" is already used by the stage on line '
                f"{earlier.from_instruction.line} (names are compared ignoring case); Docker "
                "refuses to build this file; rename one of the stages and the --from and "
                "FROM references to it",
            )


# --- CL318 -----------------------------------------------------------------------------


def _from_root(dest: str) -> str:
    """Where a relative destination lands when the working directory is "/"."""
    joined = posixpath.normpath(posixpath.join("/", dest))
    return joined + "/" if dest.endswith("/") and joined != "/" else joined


@rule(
    "CL318",
    "copy-relative-no-workdir",
    Severity.WARNING,
    "COPY or ADD to a relative destination before any WORKDIR is set.",
)
def copy_relative_no_workdir(project: Project) -> Found:
    for source, dockerfile, builds in project.parsed_dockerfiles():
        seen: set[tuple[int, int]] = set()
        for resolver in _resolvers(dockerfile, builds):
            for stage, instruction, before in _walk_workdirs(resolver):
                if instruction.keyword not in _COPY_KEYWORDS or before.set:
                    continue
                parts = _copy_args(instruction)
                if parts is None or not parts.dest or _is_absolute(parts.dest):
                    continue
                line, column = _locate(instruction, parts.dest_raw, last=True)
                if (line, column) in seen:
                    continue
                seen.add((line, column))
                chain = resolver.chain(stage)
                where = (
                    "this stage or the stages it is built from" if len(chain) > 1 else "this stage"
                )
                yield (
                    source.loc(line, column),
                    f'{instruction.keyword} copies to the relative path "{parts.dest}", but no '
                    f"WORKDIR is set in {where}, so where the files land depends on the "
                    f'base image\'s working directory ("{_from_root(parts.dest)}" with most '
                    'images); add "WORKDIR /app" before this line, or write an absolute '
                    "destination",
                )
