"""CL516 server-not-pid1: the container's long-running server is started by a shell
that stays PID 1, so it never receives the stop signal.

Two ways a shell stays in front of the server:

- a script from the build context that the image starts (its ENTRYPOINT, or the CMD
  it runs as a program: `model.entrypoint`) runs the server as its last command without
  `exec`: no shell replaces itself with the last command of a script file;
- an exec-form `["sh", "-c", "…; server"]` (Dockerfile CMD/ENTRYPOINT, or compose
  `command:`/`entrypoint:`) on an image whose /bin/sh is dash (Debian, Ubuntu and the
  official images on them, `model.servers.dash_sh`): dash runs the last command as its
  child, where bash and BusyBox sh replace themselves with it.

The server is recognised by `model.servers.long_running` (gunicorn, `celery worker`,
`node server.js`…). Silent when an init is PID 1 (tini, dumb-init, compose `init:
true`), when the script traps signals or waits on purpose (`trap`, `wait`, a command
sent to the background), when the last command is not a server it knows, when the
start is a shell-form CMD/ENTRYPOINT (CL315 reports that), and, without an ENTRYPOINT
in the Dockerfile, when the base image is not an official one whose ENTRYPOINT is
known to hand CMD on.
"""

from __future__ import annotations

from typing import NamedTuple

from compose_lint.findings import Location, Severity
from compose_lint.load.dockerfile import Instruction
from compose_lint.model import Build, Project
from compose_lint.model.commands import (
    Command,
    basename,
    exec_commands,
    shell_body,
    shell_commands,
    unwrap,
)
from compose_lint.model.entrypoint import (
    EntrypointScript,
    argv,
    command_script,
    entrypoint_script,
    skip_init,
    start_of,
)
from compose_lint.model.image import BuiltImage, Override, image_of
from compose_lint.model.imageref import parse_image
from compose_lint.model.servers import dash_sh, long_running
from compose_lint.model.values import is_true
from compose_lint.registry import Found, rule

_ARGUMENTS = frozenset({"$@", "${@}"})
# what a script may run after its real last step without changing who serves
_CLOSING = frozenset({"exit", "return", "echo", "printf", ":", "true", "false"})
# the shell keeps waiting for its children on purpose, or handles signals itself
_ON_PURPOSE = frozenset({"trap", "wait"})
# official images whose ENTRYPOINT starts an init in front of CMD
_INIT_ENTRYPOINT = frozenset({"elasticsearch", "kibana", "logstash", "mongo-express"})


class _Late(NamedTuple):
    """A server started by a shell that stays PID 1."""

    command: Command  # the command that starts it (in the script or the sh -c string)
    server: str  # the server, for messages
    through_cmd: bool  # the script's last command is "$@": CMD is the server


def _compose_init(build: Build) -> bool:
    service = build.service
    return is_true(service.data.get("init"), service.file.interpolation_env)


def _last(commands: tuple[Command, ...]) -> Command | None:
    """The last command that is not a closing message or exit code."""
    for command in reversed(commands):
        if command.words and command.words[0] not in _CLOSING:
            return command
    return None


def _late_in(commands: tuple[Command, ...], cmd_server: str | None) -> _Late | None:
    """The server the last command of `commands` starts without exec, if any."""
    if any(c.words and c.words[0] in _ON_PURPOSE for c in commands):
        return None
    last = _last(commands)
    if last is None or last.background or last.words[0] == "exec":
        return None
    server = long_running(last)
    if server is not None:
        return _Late(last, server, False)
    program = unwrap(last).words
    if program and program[0] in _ARGUMENTS and cmd_server is not None:
        return _Late(last, cmd_server, True)
    return None


def _shell_string(words: list[str]) -> tuple[str, tuple[Command, ...]] | None:
    """(the shell, the commands of its script) for `["sh", "-c", SCRIPT]`."""
    index = shell_body(words)
    if index is None:
        return None
    commands = exec_commands(words)[1:]
    return basename(words[0]), commands


def _server_of(words: list[str] | None) -> str | None:
    """The server an argv starts itself (CMD handed on by `exec "$@"`)."""
    if not words:
        return None
    return long_running(exec_commands(words)[0])


def _where(build: Build, image: BuiltImage, which: str) -> tuple[Location, str] | None:
    """Where the service's ENTRYPOINT or CMD is written (compose first), and how to
    name it in a message; None for a shell-form instruction (CL315's)."""
    key = "entrypoint" if which == "ENTRYPOINT" else "command"
    value: Instruction | Override | None = (
        image.entrypoint if which == "ENTRYPOINT" else image.command
    )
    if isinstance(value, Instruction):
        if value.json_args is None:
            return None
        source = build.dockerfile
        if source is None:
            return None
        return source.loc(value.line, value.column), which
    if value is None:
        return None
    service = build.service
    return service.file.loc(service.path + (key,)), f"the service's {key}:"


def _official_hands_on(root: str | None) -> bool:
    """The base image is an official one whose own ENTRYPOINT, if any, runs CMD as the
    program (`exec "$@"`), with no init in front."""
    ref = parse_image(root) if root else None
    return ref is not None and ref.official and ref.short_name not in _INIT_ENTRYPOINT


def _shown(command: Command) -> str:
    """The command as written (shortened), for messages."""
    words = command.raws if len(command.raws) == len(command.words) else command.words
    shown = " ".join(words)
    return shown if len(shown) <= 60 else shown[:57].rstrip() + "..."


def _script_message(script: EntrypointScript, late: _Late, how: str) -> str:
    command = late.command
    shown = _shown(command)
    if late.through_cmd:
        what = f'runs CMD ({late.server}) as "{shown}" without exec'
        fix = f'write exec "$@" on line {command.line}'
    else:
        what = f'starts {late.server} without exec ("{shown}")'
        fix = f'put "exec" in front of it on line {command.line}'
    return (
        f"{how} runs {script.path} ({script.relpath} in the build context), whose last "
        f"command, on line {command.line}, {what}: the script's shell stays PID 1 and does "
        f"not forward SIGTERM, so docker compose stop waits out the stop timeout (10 s by "
        f"default) and then kills {late.server}; {fix}"
    )


def _string_message(shell: str, late: _Late, how: str, root: str) -> str:
    shown = _shown(late.command)
    return (
        f'{how} runs {late.server} as the last command of "{shell} -c" on {root}, whose '
        f"/bin/sh (dash) keeps itself as PID 1 and does not forward SIGTERM, so docker "
        f"compose stop waits out the stop timeout (10 s by default) and then kills "
        f'{late.server}; put "exec" in front of it ("exec {shown}")'
    )


def _string_finding(build: Build, image: BuiltImage, which: str, words: list[str] | None) -> Found:
    found = _shell_string(words) if words else None
    if found is None or not dash_sh(image.root) or found[0] != "sh":
        return  # bash and BusyBox sh run the last command in place of themselves
    late = _late_in(found[1], None)
    where = _where(build, image, which)
    if late is not None and where is not None and image.root is not None:
        yield where[0], _string_message(found[0], late, where[1], image.root)


def _argv(value: Instruction | Override | None) -> list[str] | None:
    """The words of an ENTRYPOINT/CMD as `model.entrypoint.argv` reads them; a compose
    string that runs `sh -c "…"` is that one program too (Compose splits the string
    into words, it runs no shell of its own)."""
    if isinstance(value, str):
        commands = shell_commands(value)
        if commands and shell_body(commands[0].words) is not None:
            return list(commands[0].words)
    return argv(value)


def _findings(build: Build, image: BuiltImage) -> Found:
    cmd_words = _argv(image.command)
    if image.entrypoint is not None:
        start = start_of(image)
        if start is None and isinstance(image.entrypoint, str):
            yield from _string_finding(build, image, "ENTRYPOINT", _argv(image.entrypoint))
            return
        if start is None or start.init is not None or not start.words:
            return
        script = entrypoint_script(image)
        if script is None:
            yield from _string_finding(build, image, "ENTRYPOINT", list(start.words))
            return
        if script.passes_arguments is None:
            late = _late_in(script.commands, _server_of(cmd_words))
            where = _where(build, image, "ENTRYPOINT")
            if late is not None and where is not None:
                yield where[0], _script_message(script, late, where[1])
            return
    elif not _official_hands_on(image.root):
        return  # the base image's ENTRYPOINT is not known
    # CMD is run as the program
    if not cmd_words:
        return
    words, init = skip_init(cmd_words)
    if init is not None or not words:
        return
    script = command_script(image)
    if script is None:
        yield from _string_finding(build, image, "CMD", words)
        return
    late = _late_in(script.commands, None)
    where = _where(build, image, "CMD")
    if late is not None and where is not None:
        yield where[0], _script_message(script, late, where[1])


@rule(
    "CL516",
    "server-not-pid1",
    Severity.WARNING,
    "The image's script (or sh -c string) starts its server without exec: the shell "
    "stays PID 1 and the server never gets SIGTERM.",
)
def server_not_pid1(project: Project) -> Found:
    for build in project.builds():
        image = image_of(build)
        if image is None or image.stage is None or _compose_init(build):
            continue
        yield from _findings(build, image)
