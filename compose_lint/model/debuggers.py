"""Debug servers that run code for whoever reaches them, as a container starts them.

A container's start command (its ENTRYPOINT and CMD, after the service's `entrypoint:`
and `command:`, the words behind `sh -c` and behind wrappers such as `env` or `gosu`)
and its environment (Dockerfile ENV, the service's `environment:`) say whether it runs:

- the Werkzeug debugger: `flask run` in debug mode (`--debug`, `FLASK_DEBUG=1`, the old
  `FLASK_ENV=development`), or a Python script whose `app.run(...)` asks for
  `debug=True` (read with `ast` from the build context or a bind mount, never run);
- the Node.js inspector: `node --inspect=0.0.0.0[:port]` (also `--inspect-brk`,
  `nodemon`, `NODE_OPTIONS`);
- debugpy: `python -m debugpy --listen 0.0.0.0:5678`.

Only servers bound to every interface of the container are returned: a debugger on its
default 127.0.0.1 cannot be reached through a published port. Django's `runserver`
shows tracebacks but runs no code, so it is not one of them.

The same reading serves other questions about the started process
(`model.listeners`): `started_commands(service, image)`, `command_words(value)`,
`container_file(project, service, image, path)` and `option_value(args, names)`.
"""

from __future__ import annotations

import ast
import os
import posixpath
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from compose_lint.load.dockerfile import Instruction
from compose_lint.model import Project, Service
from compose_lint.model.commands import Command, basename, shell_commands, unwrap
from compose_lint.model.entrypoint import argv, context_file, skip_init
from compose_lint.model.image import BuiltImage, image_of

ANY_ADDRESS = frozenset({"0.0.0.0", "::", "[::]", "*"})
_FALSE = frozenset({"", "0", "false", "no"})
_NOT_FLASK_RUN = frozenset({"uvicorn", "hypercorn", "asyncio", "web", "aiohttp", "trio"})
_MAX_SCRIPT = 256 * 1024


class DebugServer(NamedTuple):
    kind: str  # "Werkzeug debugger", "Node.js inspector", "debugpy debugger"
    port: int  # the container port it listens on
    how: str  # what starts it, for messages


def debug_servers(project: Project, service: Service) -> list[DebugServer]:
    """The remote-code debug servers `service`'s container starts on all its interfaces."""
    image = image_of(service.build) if service.build is not None else None
    env = dict(image.end.env) if image is not None else {}
    env.update({e.name: e.value for e in service.environment if e.value is not None})
    found: list[DebugServer] = []
    for words in _started(service, image):
        found.extend(_servers(project, service, image, words, env))
    node_options = env.get("NODE_OPTIONS", "")
    if node_options and any(basename(w) in ("node", "nodemon") for w in _programs(service, image)):
        found.extend(_inspector(node_options.split(), "NODE_OPTIONS"))
    return list(dict.fromkeys(found))


# -- what the container starts --------------------------------------------------------


def _words_of(value: object) -> list[tuple[str, ...]]:
    """Each simple command of an ENTRYPOINT/CMD or compose value, `sh -c` opened (a
    value of another type, which Compose refuses, has none)."""
    if isinstance(value, str):
        commands: Sequence[Command] = shell_commands(value)
    elif isinstance(value, list):
        words = argv(value) or []
        commands = [Command(tuple(words), 1, 1, False)]
    elif not isinstance(value, Instruction):
        return []
    elif value.json_args is not None:
        commands = [Command(tuple(value.json_args), 1, 1, False)]
    else:
        commands = shell_commands(value.args)
    found: list[tuple[str, ...]] = []
    for command in commands:
        words = list(unwrap(command).words)
        words = skip_init(words)[0]
        while words and words[0] == "exec":
            words = words[1:]
        if (
            len(words) >= 3
            and basename(words[0]) in ("sh", "bash", "ash", "dash")
            and "-c" in words
        ):
            inner = words[words.index("-c") + 1 :]
            if inner:
                found.extend(_words_of(inner[0]))
            continue
        if words:
            found.append(tuple(words))
    return found


def _started(service: Service, image: BuiltImage | None) -> list[tuple[str, ...]]:
    if image is not None:
        entrypoint, command = image.entrypoint, image.command
    else:
        entrypoint, command = service.data.get("entrypoint"), service.data.get("command")
    commands = _words_of(entrypoint)
    arguments = _words_of(command)
    if not commands:
        return arguments
    if len(commands) == 1 and arguments and len(arguments) == 1:
        return [commands[0] + arguments[0], *arguments]  # ENTRYPOINT + CMD, or a script's "$@"
    return commands + arguments


def _programs(service: Service, image: BuiltImage | None) -> Iterator[str]:
    for words in _started(service, image):
        yield words[0]


# -- the debuggers --------------------------------------------------------------------


def _servers(
    project: Project,
    service: Service,
    image: BuiltImage | None,
    words: tuple[str, ...],
    env: Mapping[str, str],
) -> Iterator[DebugServer]:
    program = basename(words[0])
    rest = list(words[1:])
    if program.startswith("python") and rest[:1] == ["-m"] and len(rest) > 1:
        program, rest = rest[1], rest[2:]
    if program in ("node", "nodemon"):
        yield from _inspector(rest, program)
    elif program == "debugpy":
        yield from _debugpy(rest)
    elif program == "flask":
        yield from _flask_run(rest, env)
    elif program.startswith("python") and rest and rest[0].endswith(".py"):
        text = _script_text(project, service, image, rest[0])
        if text is not None:
            yield from _app_run(text, rest[0], env)


def _option(args: Sequence[str], names: Sequence[str]) -> str | None:
    """The value of `--name value`, `--name=value` or `-n value` in `args`."""
    for index, word in enumerate(args):
        for name in names:
            if word == name and index + 1 < len(args):
                return args[index + 1]
            if name.startswith("--") and word.startswith(name + "="):
                return word[len(name) + 1 :]
    return None


def _split_address(text: str, default_port: int) -> tuple[str, int | None]:
    host, sep, port = text.rpartition(":")
    if not sep:
        return ("127.0.0.1", int(text)) if text.isdigit() else (text, default_port)
    return host, int(port) if port.isdigit() else None


def _inspector(args: Sequence[str], how: str) -> Iterator[DebugServer]:
    for word in args:
        for flag in ("--inspect-brk", "--inspect-wait", "--inspect"):
            if word.startswith(flag + "="):
                host, port = _split_address(word[len(flag) + 1 :], 9229)
                if host in ANY_ADDRESS and port is not None:
                    yield DebugServer("Node.js inspector", port, f"{how} {word}")
                break


def _debugpy(args: Sequence[str]) -> Iterator[DebugServer]:
    listen = _option(args, ("--listen",))
    if listen is not None:
        host, port = _split_address(listen, 5678)
        if host in ANY_ADDRESS and port is not None:
            yield DebugServer("debugpy debugger", port, f"debugpy --listen {listen}")


def _truthy(value: str | None) -> bool:
    return value is not None and value.strip().lower() not in _FALSE


def _flask_run(args: Sequence[str], env: Mapping[str, str]) -> Iterator[DebugServer]:
    if "run" not in args:
        return
    if "--no-debug" in args or "--no-debugger" in args:
        return
    if "--debug" in args or "--debugger" in args:
        how = "flask run --debug"
    elif _truthy(env.get("FLASK_DEBUG")):
        how = f"flask run with FLASK_DEBUG={env['FLASK_DEBUG']}"
    elif env.get("FLASK_ENV", "").strip().lower() == "development":
        how = "flask run with FLASK_ENV=development"
    else:
        return
    host = _option(args, ("--host", "-h")) or env.get("FLASK_RUN_HOST") or "127.0.0.1"
    port = _option(args, ("--port", "-p")) or env.get("FLASK_RUN_PORT") or "5000"
    if host in ANY_ADDRESS and port.isdigit():
        yield DebugServer("Werkzeug debugger", int(port), how)


def _script_text(
    project: Project, service: Service, image: BuiltImage | None, script: str
) -> str | None:
    """The script from a bind mount of the service (the mount wins, as in the
    container), else from the build context; None when neither holds it."""
    from compose_lint.model.services import facts

    cwd = image.end.cwd if image is not None else service.data.get("working_dir")
    path = script if script.startswith("/") else None
    if path is None and isinstance(cwd, str) and cwd.startswith("/"):
        path = posixpath.normpath(posixpath.join(cwd, script))
    if path is not None:
        base = service.file.path.parent
        for source, target in facts(project, service).bind_mounts():
            target = posixpath.normpath(target)
            if path == target or path.startswith(target.rstrip("/") + "/"):
                host = Path(os.path.expanduser(source))
                host = host if host.is_absolute() else base / host
                inside = path[len(target) :].lstrip("/")
                return _read(host / inside if inside else host)
    return context_file(image, script) if image is not None else None


def _read(path: Path) -> str | None:
    try:
        if not path.is_file() or path.stat().st_size > _MAX_SCRIPT:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _constant(node: ast.AST | None) -> object:
    return node.value if isinstance(node, ast.Constant) else None


def _app_run(text: str, script: str, env: Mapping[str, str]) -> Iterator[DebugServer]:
    """`app.run(host="0.0.0.0", debug=True)` in a script that `python script.py` runs."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "run"
        ):
            continue
        receiver = node.func.value
        if isinstance(receiver, ast.Name) and receiver.id in _NOT_FLASK_RUN:
            continue
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        positional = list(node.args)
        host = _constant(keywords.get("host", positional[0] if positional else None))
        port = _constant(keywords.get("port", positional[1] if len(positional) > 1 else None))
        debug = _constant(keywords.get("debug", positional[2] if len(positional) > 2 else None))
        if _constant(keywords.get("use_debugger")) is False:
            continue
        if debug is True:
            how = f"app.run(debug=True) in {script}"
        elif "debug" not in keywords and _truthy(env.get("FLASK_DEBUG")):
            how = f"app.run() in {script} with FLASK_DEBUG={env['FLASK_DEBUG']}"
        else:
            continue
        if host in ANY_ADDRESS:
            number = port if isinstance(port, int) else 5000 if port is None else None
            if isinstance(number, int):
                yield DebugServer("Werkzeug debugger", number, how)


# -- for other readers of what a container starts (model.listeners) -------------------


def started_commands(service: Service, image: BuiltImage | None) -> list[tuple[str, ...]]:
    """The words of each command `service`'s container starts (as `debug_servers`
    reads them): ENTRYPOINT joined with CMD, each `sh -c` body's commands."""
    return _started(service, image)


def command_words(value: object) -> list[tuple[str, ...]]:
    """Each simple command of an ENTRYPOINT/CMD instruction or compose value, after
    wrappers, inits and `exec`, `sh -c` opened."""
    return _words_of(value)


def container_file(
    project: Project, service: Service, image: BuiltImage | None, path: str
) -> str | None:
    """The text of the file at `path` in `service`'s container (relative to its
    working directory): from a bind mount, else from the build context; None when
    neither holds it (or it is larger than a script worth reading)."""
    return _script_text(project, service, image, path)


def option_value(args: Sequence[str], names: Sequence[str]) -> str | None:
    """The value of `--name value`, `--name=value` or `-n value` in `args`."""
    return _option(args, names)


__all__ = [
    "ANY_ADDRESS",
    "DebugServer",
    "command_words",
    "container_file",
    "debug_servers",
    "option_value",
    "started_commands",
]
