"""What a built image starts: its ENTRYPOINT program, the init it runs behind, and the
entrypoint script the Dockerfile copies from the build context, read once.

An image often starts a script (`ENTRYPOINT ["/entrypoint.sh"]`) that prepares the
container and then hands over to the real program. Two things such a script does
decide what rules may claim about the running container:

- it re-executes itself or the program as an unprivileged user
  (`exec gosu app "$@"`, `exec su-exec app ...`, `exec setpriv --reuid=app ...`,
  `exec chroot --userspec=app / ...`, `exec s6-setuidgid app ...`,
  `exec runuser -u app -- ...`): the process that serves does not run as root;
- it ends with `exec "$@"`: CMD, whatever its form, is run as the program.

Public names

- `Start`: the entrypoint's argv after any init (`tini --`, `dumb-init`), the init,
  and the user a wrapper at the entrypoint itself switches to (`gosu app /run.sh`).
- `start_of(image)`: the `Start` of a `BuiltImage` (compose `entrypoint:` first);
  None without an ENTRYPOINT.
- `EntrypointScript`: `path` (in the image), `relpath` (in the build context),
  `commands` (`model.commands.Command`s), `drop` (the command that re-executes
  unprivileged, or None), `passes_arguments` (the `exec "$@"` command, or None),
  `hands_to` (the programs it hands over to: each `exec PROGRAM`, and its last
  command before any closing `echo`/`exit`), `shebang` (the interpreter of its `#!`
  line), `crlf` (saved with CR LF line ends).
- `entrypoint_script(image)`: the script the ENTRYPOINT runs, when a COPY or ADD of
  the built chain puts it there from the local build context and it can be read;
  None otherwise (a script from the base image, another stage or a URL is unknown).
- `started_script(image)`: the script the container starts: the entrypoint script,
  or without an ENTRYPOINT the script CMD runs (`CMD ["./start.sh"]`).
- `command_script(image)`: the script CMD runs as a program (no ENTRYPOINT, or behind
  an entrypoint script's `exec "$@"`), when the build context holds it.
- `started_scripts(project)`: each (build, image, script) of the project whose image
  starts a script from its build context, once per context and script.
- `started_directly(image)`: the started script is executed itself (its `#!` line
  counts), not run by a shell named in front of it.
- `started_programs(image)`: the programs the container ends up running, as far as
  is known: the ENTRYPOINT's program, what its script hands over to, and CMD when it
  is run (no ENTRYPOINT, or a script that ends with `exec "$@"`).
- `root_by_design(program)`: a program that starts as root on purpose and runs its
  work as the users its own configuration names (a web server's master, a process
  supervisor, cron; data/programs.json).
- `skip_init(words)`: an argv without the init in front (`tini -g --`), and that init.
- `INITS`: the init programs recognised.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import NamedTuple

from compose_lint import data
from compose_lint.load.dockerfile import Instruction
from compose_lint.load.files import ReadError, read_text
from compose_lint.model import Build, Project
from compose_lint.model.commands import Command, basename, shell_commands
from compose_lint.model.image import BuiltImage, copy_destination, image_of

# Programs that run as PID 1 to reap children and pass signals on.
INITS: frozenset[str] = frozenset({"tini", "tini-static", "dumb-init", "catatonit", "docker-init"})
_INIT_VALUES = frozenset({"-p", "-e", "-r", "--rewrite"})  # options that take a value
# Where a bare program name is looked up when the image sets no PATH.
_DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
_MAX_SCRIPT = 256 * 1024  # larger files are not entrypoint scripts worth reading
_ARGUMENTS = frozenset({"$@", "${@}"})
_ROOT = frozenset({"root", "0", "root:root", "0:0", "root:0", "0:root"})
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh"})
# what a script may run after its real last step: messages, exit codes, waiting
_CLOSING = frozenset({"exit", "return", "echo", "printf", ":", "true", "false", "wait", "sleep"})


class Start(NamedTuple):
    """What the ENTRYPOINT starts."""

    words: tuple[str, ...]  # the program and its arguments, after any init
    init: str | None  # the init it runs behind, if any
    user: str | None  # the user a wrapper switches to first (`gosu app /x`)


class EntrypointScript(NamedTuple):
    """An entrypoint script copied from the build context."""

    path: str  # where it is in the image
    relpath: str  # where it is in the build context
    commands: tuple[Command, ...]
    drop: Command | None  # the command that re-executes as an unprivileged user
    passes_arguments: Command | None  # `exec "$@"`
    hands_to: tuple[str, ...] = ()  # base names of the programs it execs or runs last
    shebang: str | None = None  # the interpreter its `#!` line names (through env)
    crlf: bool = False  # its lines end in CR LF (saved on Windows)


def argv(value: Instruction | str | list[str] | None) -> list[str] | None:
    """The words of an ENTRYPOINT/CMD (or a compose `entrypoint:`/`command:`) when it
    is one program: the exec form as is, a shell form with a single command."""
    if value is None:
        return None
    if isinstance(value, list):
        return [str(word) for word in value]
    if isinstance(value, str):
        commands = shell_commands(value)
        return list(commands[0].words) if len(commands) == 1 else None
    if value.json_args is not None:
        return list(value.json_args)
    commands = shell_commands(value.args)
    return list(commands[0].words) if len(commands) == 1 else None


def _drop_user(words: Sequence[str]) -> tuple[str | None, int]:
    """When `words` start with a command that runs the rest as another user: that user
    and the index of the program it runs; (None, 0) otherwise."""
    if not words:
        return None, 0
    name = basename(words[0])
    if name in ("gosu", "su-exec", "s6-setuidgid", "setuidgid") and len(words) > 2:
        return words[1], 2
    if name == "chpst":
        for i, word in enumerate(words[1:-1], start=1):
            if word == "-u":
                return words[i + 1], i + 2
        return None, 0
    if name in ("setpriv", "chroot", "runuser"):
        user: str | None = None
        i = 1
        while i < len(words):
            word = words[i]
            option, _, value = word.partition("=")
            takes = option in ("--reuid", "--userspec", "-u", "--user")
            if takes and not value and i + 1 < len(words):
                value, i = words[i + 1], i + 1
            if takes:
                user = value
            elif word == "--":
                i += 1
                break
            elif not word.startswith("-"):
                break
            i += 1
        if name == "chroot" and user is not None:
            i += 1  # chroot NEWROOT COMMAND
        return (user, i) if user is not None and i < len(words) else (None, 0)
    return None, 0


def _unprivileged(user: str | None) -> bool:
    """A user that is not root as written. A variable (`gosu "$PUID" ...`) counts: the
    script steps down to whoever the operator names, root only when asked to."""
    return user is not None and bool(user.strip()) and user.strip().lower() not in _ROOT


def skip_init(words: list[str]) -> tuple[list[str], str | None]:
    """`words` without the init programs in front (and their options), and the first
    init's name (None without one)."""
    init: str | None = None
    while words and basename(words[0]) in INITS:
        init = init or basename(words[0])
        i = 1
        while i < len(words) and words[i].startswith("-"):
            if words[i] == "--":
                i += 1
                break
            i += 2 if words[i] in _INIT_VALUES else 1
        words = words[i:]
    return words, init


def start_of(image: BuiltImage) -> Start | None:
    """What the image's ENTRYPOINT (the service's `entrypoint:` first) starts; None
    when there is none or it cannot be read as one program."""
    words = argv(image.entrypoint)
    if not words:
        return None
    words, init = skip_init(words)
    user, at = _drop_user(words)
    if user is not None:
        words, more = skip_init(words[at:])
        init = init or more
    return Start(tuple(words), init, user)


def _source_for(image: BuiltImage, path: str) -> str | None:
    """The build-context path that the last COPY/ADD putting a file at `path` (in the
    image) copies from; None when no such copy from the local context is known."""
    root = image.build.context if image.build is not None else None
    for step in reversed(image.steps):
        copy = step.instruction.copy
        if copy is None or copy.from_stage is not None:
            continue
        dest = copy_destination(step, copy.dest.text)
        if dest is None:
            continue
        files = [w.text for w in copy.files]
        if not files:
            continue
        as_dir = dest.endswith("/") or len(files) > 1
        target = posixpath.normpath(dest)
        for source in files:
            if "$" in source or "://" in source or any(c in source for c in "*?["):
                continue
            cleaned = posixpath.normpath(source.lstrip("/") or ".")
            if cleaned.startswith(".."):
                continue
            if not as_dir and target == path:
                return cleaned
            # a file copied into a directory, or a directory's content copied there
            if path.startswith(target.rstrip("/") + "/"):
                rest = path[len(target.rstrip("/")) + 1 :]
                if rest == posixpath.basename(cleaned):
                    return cleaned
                inside = posixpath.normpath(posixpath.join(cleaned, rest))
                if root is None or (root / inside).is_file():
                    return inside
                # (`ADD ./dump /` does not hold /init.sh: an earlier copy may)
    return None


# programs a RUN makes one file from another with (`cp /init.sh /start.sh`); dos2unix
# also turns CR LF into LF
_COPIERS = frozenset({"cp", "mv", "install", "dos2unix"})


def _origin(image: BuiltImage, path: str, depth: int = 0) -> tuple[str, bool] | None:
    """The build-context path the file at `path` comes from, and whether its line endings
    were converted on the way: put there by a COPY/ADD, or made by a RUN from such a
    file (`RUN dos2unix -n /init.sh /initx.sh`, `cp`, `mv`, `install`)."""
    relpath = _source_for(image, path)
    if relpath is not None:
        return relpath, False
    if depth > 2:
        return None
    for step in reversed(image.steps):
        if step.instruction.keyword != "RUN":
            continue
        for command in shell_commands(step.instruction.args):
            words = command.words
            if not words or basename(words[0]) not in _COPIERS:
                continue
            operands = [w for w in words[1:] if not w.startswith("-")]
            if len(operands) != 2 or "$" in "".join(operands):
                continue
            source, target = (
                posixpath.normpath(posixpath.join(step.cwd, o)) if step.cwd.startswith("/") else o
                for o in operands
            )
            if target != path or not source.startswith("/"):
                continue
            found = _origin(image, source, depth + 1)
            if found is not None:
                return found[0], found[1] or basename(words[0]) == "dos2unix"
    return None


def _candidates(image: BuiltImage, program: str) -> list[str]:
    if program.startswith("/"):
        return [posixpath.normpath(program)]
    if "/" in program:
        cwd = image.end.cwd
        return [posixpath.normpath(posixpath.join(cwd, program))] if cwd.startswith("/") else []
    path = image.end.env.get("PATH", _DEFAULT_PATH)
    return [posixpath.join(d, program) for d in path.split(":") if d.startswith("/")]


def _read(root: Path, relpath: str) -> str | None:
    file = root / relpath
    try:
        real_root = os.path.realpath(root)
        real = os.path.realpath(file)
        if os.path.commonpath([real_root, real]) != real_root or not os.path.isfile(real):
            return None
        if os.path.getsize(real) > _MAX_SCRIPT:
            return None
        return read_text(Path(real))
    except (OSError, ValueError, ReadError):
        return None


def context_file(image: BuiltImage, path: str) -> str | None:
    """The text of the file at `path` in the image (absolute, or relative to the final
    working directory), when a COPY/ADD took it from the local build context; None
    otherwise (or when larger than a script worth reading)."""
    build = image.build
    root = build.context if build is not None else None
    if root is None or not root.is_dir():
        return None
    if not path.startswith("/"):
        cwd = image.end.cwd
        if not cwd.startswith("/"):
            return None
        path = posixpath.join(cwd, path)
    relpath = _source_for(image, posixpath.normpath(path))
    return _read(root, relpath) if relpath is not None else None


def _is_arguments(words: Sequence[str]) -> bool:
    return bool(words) and words[0] in _ARGUMENTS


def _interpreter(words: list[str]) -> str | None:
    """The interpreter a `#!` line names: `/bin/bash`, or through `/usr/bin/env
    [-S] bash` the program env runs."""
    if words and basename(words[0]) == "env":
        rest = [w for w in words[1:] if not w.startswith("-")]
        return rest[0] if rest else words[0]
    return words[0] if words else None


_BRANCH = re.compile(r"(?:elif|else|fi)(?:\s|;|$)")


def _branch_ends(text: str, commands: Sequence[Command]) -> list[tuple[str, ...]]:
    """When the script ends with an `if` block (`if [ "$1" = serve ]; then … elif …
    fi`), the last command of each branch: whichever branch runs, it is the script's
    last step."""
    lines = text.splitlines()
    end = len(lines) - 1
    while end >= 0 and (not lines[end].strip() or lines[end].lstrip().startswith("#")):
        end -= 1
    if end < 0 or lines[end].strip() != "fi":
        return []
    indent = len(lines[end]) - len(lines[end].lstrip())
    bounds = [end]
    start = -1
    for index in range(end - 1, -1, -1):
        line = lines[index]
        if len(line) - len(line.lstrip()) != indent:
            continue
        stripped = line.strip()
        if stripped.startswith("if ") or stripped.startswith("if\t"):
            start = index
            break
        if _BRANCH.match(stripped):
            bounds.append(index)
    if start < 0:
        return []
    found: list[tuple[str, ...]] = []
    for bound in bounds:
        inside = [
            c
            for c in commands
            if start + 1 < c.line <= bound and c.words and c.words[0] not in _CLOSING
        ]
        if inside:
            found.append(inside[-1].words)
    return found


# `gosu="gosu $USER:$GROUP"` (later `exec $gosu server`): a variable that holds a
# command, as ClickHouse's and other entrypoints write the user switch
_ASSIGNMENT = re.compile(
    r"""^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)=["']?([^"'\n]*)""", re.MULTILINE
)


def _switches_in_variables(text: str) -> dict[str, list[str]]:
    """The variables of a script assigned a command that runs the rest as another user
    (as `_drop_user` reads it), with that command's words."""
    found = {}
    for match in _ASSIGNMENT.finditer(text):
        words = match[2].split()
        if _drop_user([*words, "program"])[0] is not None:
            found[match[1]] = words
    return found


def _script(path: str, relpath: str, text: str) -> EntrypointScript:
    commands = shell_commands(text)
    drop: Command | None = None
    passes: Command | None = None
    hands_to: list[str] = []
    switches = _switches_in_variables(text)
    for command in commands:
        words = command.words
        if len(words) < 2 or words[0] != "exec":
            continue
        rest = list(words[1:])
        while rest and rest[0].startswith("-"):
            rest = rest[2:] if rest[0] == "-a" else rest[1:]
        held = rest[0].strip("${}") if rest and rest[0].startswith("$") else None
        if held in switches and rest[0] in (f"${held}", f"${{{held}}}"):
            rest = [*switches[held], *rest[1:]]
        user, at = _drop_user(rest)
        if drop is None and _unprivileged(user) and at < len(rest):
            drop = command
        if passes is None and _is_arguments(rest):
            passes = command
        program = _handed_to(rest[at:])
        if program and not _is_arguments(program):
            hands_to.append(basename(program[0]))
    last = next(
        (c.words for c in reversed(commands) if c.words[:1] and c.words[0] not in _CLOSING), ()
    )
    for step in [last, *_branch_ends(text, commands)]:
        program = _handed_to(list(step))
        if program and program[0] != "exec":
            hands_to.append(basename(program[0]))  # a last real step, run in front
    programs = tuple(dict.fromkeys(p for p in hands_to if p))
    first = text.split("\n", 1)[0]
    shebang = _interpreter(first[2:].split()) if first.startswith("#!") else None
    crlf = "\r\n" in text
    return EntrypointScript(path, relpath, commands, drop, passes, programs, shebang, crlf)


def _script_at(image: BuiltImage, words: Sequence[str]) -> EntrypointScript | None:
    """The script `words` run, when the build context holds it (see
    `entrypoint_script`)."""
    build = image.build
    root = build.context if build is not None else None
    if not words or root is None or not root.is_dir():
        return None
    program = words[0]
    if basename(program) in _SHELLS and len(words) > 1:
        program = words[1]  # ENTRYPOINT ["bash", "/entrypoint.sh"]
    for path in _candidates(image, program):
        origin = _origin(image, path)
        if origin is None:
            continue
        relpath, converted = origin
        text = _read(root, relpath)
        if text is not None and converted:
            text = text.replace("\r\n", "\n")
        return _script(path, relpath, text) if text is not None else None
    return None


def _kept(
    image: BuiltImage, key: str, compute: Callable[[], EntrypointScript | None]
) -> EntrypointScript | None:
    """A script read for `image`, read once and kept on the image."""
    kept = vars(image)
    if key not in kept:
        kept[key] = compute()
    return kept[key]  # type: ignore[no-any-return]


def entrypoint_script(image: BuiltImage) -> EntrypointScript | None:
    """The entrypoint script of `image`, read from the build context (cached on the
    image); None when the ENTRYPOINT runs no script the context holds."""

    def read() -> EntrypointScript | None:
        start = start_of(image)
        return _script_at(image, start.words) if start is not None else None

    return _kept(image, "_entrypoint_script", read)


def started_script(image: BuiltImage) -> EntrypointScript | None:
    """The script the container starts: the entrypoint script, or without an
    ENTRYPOINT the script CMD runs; None when neither is a script the context holds
    (read once per image)."""
    if image.entrypoint is not None:
        return entrypoint_script(image)

    def read() -> EntrypointScript | None:
        words = argv(image.command)
        return _script_at(image, skip_init(words)[0]) if words else None

    return _kept(image, "_command_script", read)


def command_script(image: BuiltImage) -> EntrypointScript | None:
    """The script CMD runs when it is run as a program (no ENTRYPOINT, or behind an
    entrypoint script that ends with `exec "$@"`) and the build context holds it
    (`CMD ["/start.sh"]`, `CMD ["sh", "start.sh"]`); None otherwise (read once per
    image)."""
    if image.entrypoint is None:
        return started_script(image)
    script = entrypoint_script(image)
    if script is None or script.passes_arguments is None:
        return None

    def read() -> EntrypointScript | None:
        words = argv(image.command)
        return _script_at(image, skip_init(words)[0]) if words else None

    return _kept(image, "_command_script", read)


def started_scripts(project: Project) -> Iterator[tuple[Build, BuiltImage, EntrypointScript]]:
    """Every build of `project` whose image starts a script from its build context,
    with that image and script; a script several services start from the same context
    comes once."""
    seen: set[tuple[Path, str]] = set()
    for build in project.builds():
        image = image_of(build)
        if image is None or image.stage is None or build.context is None:
            continue
        script = started_script(image)
        if script is None or (build.context, script.relpath) in seen:
            continue
        seen.add((build.context, script.relpath))
        yield build, image, script


def started_directly(image: BuiltImage) -> bool:
    """Whether the started script is executed itself (`ENTRYPOINT ["/start.sh"]`,
    `CMD ["./run.sh"]`), so the kernel reads its `#!` line, rather than run by a shell
    named in front of it (`["sh", "/start.sh"]`)."""
    if image.entrypoint is not None:
        start = start_of(image)
        words = list(start.words) if start is not None else []
    else:
        command = argv(image.command)
        words = skip_init(command)[0] if command else []
    return bool(words) and basename(words[0]) not in _SHELLS


@cache
def _runs_its_arguments() -> frozenset[str]:
    return frozenset(str(n) for n in data.load("programs.json")["runs_its_arguments"])


def _handed_to(words: list[str]) -> list[str]:
    """The program and arguments `words` end up running: without the inits in front,
    and through an image's entrypoint that only runs its arguments
    (`docker-php-entrypoint apache2-foreground`)."""
    program = skip_init(words)[0]
    while len(program) > 1 and basename(program[0]) in _runs_its_arguments():
        program = skip_init(program[1:])[0]
    return program


@cache
def _root_by_design() -> tuple[frozenset[str], tuple[str, ...]]:
    names = [str(n) for n in data.load("programs.json")["root_by_design"]]
    exact = frozenset(n for n in names if not n.endswith("*"))
    return exact, tuple(n[:-1] for n in names if n.endswith("*"))


def root_by_design(program: str) -> bool:
    """Whether `program` (a base name) starts as root on purpose and runs its work as
    the users its own configuration names (data/programs.json)."""
    exact, prefixes = _root_by_design()
    return program in exact or program.startswith(prefixes)


def started_programs(image: BuiltImage) -> tuple[str, ...]:
    """The base names of the programs the container ends up running, as far as the
    image and its scripts tell: the ENTRYPOINT's program (after any init and user
    switch), what the started script hands over to, and CMD's program when CMD is
    run as a program (no ENTRYPOINT, or a script ending with `exec "$@"`)."""
    programs: list[str] = []
    start = start_of(image)
    if start is not None and start.words:
        programs.append(basename(start.words[0]))
    script = started_script(image)
    if script is not None:
        programs.extend(script.hands_to)
    if image.entrypoint is None or (script is not None and script.passes_arguments):
        words = argv(image.command)
        command = skip_init(words)[0] if words else []
        if command:
            programs.append(basename(command[0]))
    return tuple(dict.fromkeys(programs))


__all__ = [
    "INITS",
    "EntrypointScript",
    "Start",
    "argv",
    "command_script",
    "context_file",
    "entrypoint_script",
    "root_by_design",
    "skip_init",
    "start_of",
    "started_directly",
    "started_scripts",
    "started_programs",
    "started_script",
]
