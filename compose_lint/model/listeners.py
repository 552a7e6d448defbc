"""Where the server a container starts listens: its address and port, as far as the
command line, the environment, the server's documented defaults and literal app code
tell (CL508 server-listens-on-loopback, CL509 published-port-not-listened).

What the container starts is `model.debuggers`' reading (ENTRYPOINT joined with CMD
after the service's `entrypoint:`/`command:`, `sh -c` bodies, wrappers), plus the
commands of the script it starts (`model.entrypoint.started_script`). Among those
commands, these servers are recognised (defaults and sources in data/servers.json):

- `flask run` (`--host`/`-h`, `--port`/`-p`, FLASK_RUN_HOST/FLASK_RUN_PORT, and the
  same names in a `.flaskenv`/`.env` that Flask loads from the working directory);
- `python script.py` whose Flask `app.run(...)` or `uvicorn.run(...)` is read with
  `ast` (never executed): literal arguments, `os.environ.get("PORT", 5000)`;
- `uvicorn` (`--host`, `--port`, UVICORN_HOST/UVICORN_PORT), `fastapi dev`/`fastapi
  run` (`--host`, `--port`), `hypercorn` and
  `gunicorn` (`--bind`/`-b`; gunicorn's `PORT` default, `GUNICORN_CMD_ARGS`);
- Django's `manage.py runserver [addr:]port` (also `django-admin`, `runserver_plus`);
- `node server.js` (or `nodemon`) whose one `.listen(...)` call is literal:
  `listen(3000, "localhost")`, `listen(process.env.PORT || 3000)`;
- Vite (`vite`, `vite dev`, `vite preview`) and Angular's `ng serve`, directly or as the
  package.json script `npm run`/`yarn`/`pnpm` runs, unless their config file sets
  a host or port.

A value that cannot be known (a variable without a value here, an `env_file` that
cannot be read, a config file that may set it, `--uds`, a unix socket) is None: the
rules stay silent on it. A service whose commands start several servers, or one
besides a program that listens where these rules do not read (a proxy such as nginx, a
process manager: data/servers.json `other_listeners`), has no single answer and
`listener` gives None.

Public names

- `Listener`: `server` (as messages name it), `host` / `port` (None: unknown),
  `host_how` / `port_how` (where each comes from, for messages), `fix` (how to make
  it listen on every interface).
- `listeners(project, service)`: each server found (worked out once per project).
- `listener(project, service)`: the one server the container runs, or None.
- `published_servers(project)`: (service, listener) for each service that publishes
  ports on its own network and runs one known server.
- `is_loopback(host)`: 127.0.0.0/8, `localhost`, `::1`.
"""

from __future__ import annotations

import ast
import json
import posixpath
import re
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from typing import Any, NamedTuple

from compose_lint import data
from compose_lint.load import interpolation
from compose_lint.model import Project, Service
from compose_lint.model.cache import per_project
from compose_lint.model.commands import basename, shell_commands, unwrap
from compose_lint.model.debuggers import (
    command_words,
    container_file,
    option_value,
    started_commands,
)
from compose_lint.model.entrypoint import skip_init, started_script
from compose_lint.model.image import BuiltImage, image_of
from compose_lint.model.imageref import parse_image
from compose_lint.model.values import parse_env_file

_PACKAGE_RUNNERS = frozenset({"npm", "yarn", "pnpm", "bun"})
_VITE_CONFIGS = tuple(f"vite.config.{ext}" for ext in ("js", "ts", "mjs", "mts", "cjs", "cts"))
_MAX_DEPTH = 3  # package.json scripts calling scripts


class Listener(NamedTuple):
    server: str  # "flask run", "gunicorn", "app.run() in app.py"...
    host: str | None  # the address it binds; None: unknown
    port: int | None  # the port it binds; None: unknown
    host_how: str  # where the host comes from ("by default", '"--host 127.0.0.1"')
    port_how: str
    fix: str  # what makes it listen on every interface


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, `localhost` or `::1` (brackets allowed)."""
    value = host.strip().strip("[]").lower()
    return value in ("localhost", "::1") or value.startswith("127.")


@cache
def _defaults() -> Mapping[str, Mapping[str, Any]]:
    servers = data.load("servers.json")["servers"]
    return servers if isinstance(servers, dict) else {}


@cache
def _other_listeners() -> frozenset[str]:
    table = data.load("servers.json")["other_listeners"]["programs"]
    return frozenset(str(p) for p in table)


# -- the container's environment --------------------------------------------------------


class _Env:
    """The container's environment as far as it is known: the image's ENV, the
    service's `environment:` and readable `env_file:`s. `open` when an env file
    cannot be read, or the image is built on (or is) one that is not a Docker Hub
    official image, whose own ENV is not known: then any name may be set."""

    def __init__(self, values: dict[str, str], unknown: set[str], open_: bool) -> None:
        self.values = values
        self.unknown = unknown
        self.open = open_

    def known(self, name: str) -> bool:
        return not self.open and name not in self.unknown

    def get(self, name: str) -> str | None:
        return self.values.get(name)

    def lookup(self, name: str) -> tuple[bool, str | None]:
        """(known, value): (True, None) when it is known not to be set."""
        return (self.known(name), self.values.get(name) if self.known(name) else None)


def _environment(project: Project, service: Service, image: BuiltImage | None) -> _Env:
    values: dict[str, str] = {}
    unknown: set[str] = set()
    if image is not None:
        for step in image.steps:
            if step.instruction.keyword != "ENV":
                continue
            for name, raw in step.instruction.env_pairs:
                value = interpolation.substitute(raw, step.env)
                if value is None:
                    unknown.add(name)
                    values.pop(name, None)
                else:
                    unknown.discard(name)
                    values[name] = value
    # an image other than a Docker Hub official one may set any variable in its ENV
    base = image.root if image is not None else service.image
    if base is not None and image is None:
        base = interpolation.substitute(base, service.file.interpolation_env)
    reference = parse_image(base) if base else None
    open_ = reference is None or not reference.official
    raw_files = service.data.get("env_file")
    if raw_files is not None and not _read_env_files(project, service, raw_files, values, unknown):
        open_ = True
    env = service.file.interpolation_env
    for item in service.environment:
        value = interpolation.substitute(item.value, env) if item.value is not None else None
        if value is None:
            unknown.add(item.name)
            values.pop(item.name, None)
        else:
            unknown.discard(item.name)
            values[item.name] = value
    return _Env(values, unknown, open_)


def _read_env_files(
    project: Project, service: Service, raw: object, values: dict[str, str], unknown: set[str]
) -> bool:
    """Merge the service's env files into `values`; False when one cannot be read."""
    from compose_lint.load.files import ReadError, read_text

    items = raw if isinstance(raw, list) else [raw]
    base = service.file.file_of(service.path + ("env_file",)).base_dir
    for item in items:
        written = item.get("path") if isinstance(item, dict) else item
        if not isinstance(written, str):
            return False
        text = interpolation.substitute(written, project.env)
        if not text:
            return False
        try:
            content = read_text(base / text)
        except (ReadError, OSError, ValueError):
            if isinstance(item, dict) and item.get("required") is False:
                continue
            return False
        for name, value in parse_env_file(content).items():
            values[name] = value
            unknown.discard(name)
    return True


# -- what the container starts ----------------------------------------------------------


class _Reader:
    """Reads one service's started commands into listeners."""

    def __init__(self, project: Project, service: Service, image: BuiltImage | None) -> None:
        self.project = project
        self.service = service
        self.image = image
        self.env = _environment(project, service, image)

    def file(self, path: str) -> str | None:
        return container_file(self.project, self.service, self.image, path)

    @property
    def cwd(self) -> str | None:
        image = self.image
        cwd = image.end.cwd if image is not None else self.service.data.get("working_dir")
        return cwd if isinstance(cwd, str) and cwd.startswith("/") else None

    def commands(self) -> list[tuple[str, ...]]:
        image = self.image
        script = started_script(image) if image is not None else None
        if script is None:
            return started_commands(self.service, image)
        found: list[tuple[str, ...]] = []
        for command in script.commands:
            words = skip_init(list(unwrap(command).words))[0]
            while words and words[0] == "exec":
                words = words[1:]
            if words:
                found.append(tuple(words))
        if image is not None and image.entrypoint is not None and script.passes_arguments:
            found.extend(command_words(image.command))  # `exec "$@"`: CMD runs next
        return found

    def listeners(self) -> list[Listener]:
        found: list[Listener] = []
        for words in self.commands():
            found.extend(self.server(list(words), 0))
            program = basename(words[0]) if words else ""
            if program in _other_listeners():  # a proxy in front, a process manager
                found.append(Listener(program, None, None, "", "", ""))
        return list(dict.fromkeys(found))

    def server(self, words: list[str], depth: int) -> Iterator[Listener]:
        if not words or "$" in words[0] or any(w.startswith("$") for w in words[1:]):
            return  # a variable word may stand for any options (`"$@"`, `$GUNICORN_OPTS`)
        program = basename(words[0])
        rest = words[1:]
        if program.startswith("python"):
            rest = _without_python_options(rest)
        if program.startswith("python") and rest[:1] == ["-m"] and len(rest) > 1:
            program, rest = rest[1], rest[2:]
        elif program in ("npx", "pnpx", "bunx") and rest:
            program, rest = basename(rest[0]), rest[1:]
        if program == "flask":
            yield from _maybe(self.flask_run(rest))
        elif program == "uvicorn":
            yield from _maybe(self.uvicorn(rest))
        elif program == "fastapi" and rest[:1] in (["dev"], ["run"]):
            defaults = _defaults()[f"fastapi {rest[0]}"]
            host = self.setting(rest[1:], ("--host",), None, defaults, "host")
            port = self.setting(rest[1:], ("--port",), None, defaults, "port")
            yield from _maybe(_listener(f"fastapi {rest[0]}", host, port, defaults))
        elif program == "hypercorn":
            yield from _maybe(_hypercorn(rest))
        elif program == "gunicorn":
            yield from _maybe(self.gunicorn(rest))
        elif program in ("django-admin", "django", "manage.py") or (
            program.startswith("python") and rest and basename(rest[0]) == "manage.py"
        ):
            yield from _maybe(_runserver(rest))
        elif program.startswith("python") and rest and rest[0].endswith(".py"):
            yield from self.python_script(rest[0])
        elif program == "vite":
            yield from _maybe(self.vite(rest))
        elif program == "ng":
            yield from _maybe(self.ng_serve(rest))
        elif program in ("node", "nodemon"):
            yield from self.node_script(rest)
        elif program in _PACKAGE_RUNNERS and depth < _MAX_DEPTH:
            yield from self.package_script(program, rest, depth)

    # -- Flask --------------------------------------------------------------------------

    def dotenv(self, name: str) -> tuple[bool, str | None]:
        """What the `.flaskenv`/`.env` Flask loads (the first found from the working
        directory up) sets for `name` (python-dotenv does not override the
        environment)."""
        cwd = self.cwd
        folders = [cwd] if cwd is not None else []
        while folders and folders[-1] != "/":
            folders.append(posixpath.dirname(folders[-1]))
        names = [posixpath.join(d, f) for d in folders for f in (".flaskenv", ".env")]
        for file in names or [".flaskenv", ".env"]:
            text = self.file(file)
            if text is None:
                continue
            value = parse_env_file(text).get(name)
            if value is not None:
                return (False, None) if "$" in value else (True, value)
        return True, None

    def flask_run(self, args: list[str]) -> Listener | None:
        index = 0
        while index < len(args) and args[index].startswith("-"):
            word = args[index]
            if word in ("-e", "--env-file") or word.startswith("--env-file="):
                return None  # another file of variables: not read here
            index += 2 if word in ("-A", "--app") else 1
        if index >= len(args) or args[index] != "run":
            return None
        run = args[index + 1 :]
        defaults = _defaults()["flask run"]
        host = self.setting(run, ("--host", "-h"), "FLASK_RUN_HOST", defaults, "host", True)
        port = self.setting(run, ("--port", "-p"), "FLASK_RUN_PORT", defaults, "port", True)
        return _listener("flask run", host, port, defaults)

    def setting(
        self,
        args: Sequence[str],
        names: Sequence[str],
        env_name: str | None,
        defaults: Mapping[str, Any],
        key: str,
        dotenv: bool = False,
    ) -> tuple[str | None, str]:
        """(value, where it comes from) of one option: the command line, the server's
        variable, the dotenv files, the default; value None when unknown."""
        value = _option(args, names)
        if value is not None:
            return (None if "$" in value else value), f'"{names[0]} {value}"'
        if env_name is not None:
            known, found = self.env.lookup(env_name)
            if not known:
                return None, env_name
            if found is not None:
                return found, f"{env_name}={found}"
            if dotenv:
                known, found = self.dotenv(env_name)
                if not known:
                    return None, env_name
                if found is not None:
                    return found, f"{env_name}={found} in .flaskenv/.env"
        default = defaults.get(key)
        return (None if default is None else str(default)), "by default"

    # -- ASGI / WSGI servers ------------------------------------------------------------

    def uvicorn(self, args: list[str]) -> Listener | None:
        if any(w in ("--uds", "--fd") or w.startswith(("--uds=", "--fd=")) for w in args):
            return None
        defaults = _defaults()["uvicorn"]
        host = self.setting(args, ("--host",), "UVICORN_HOST", defaults, "host")
        port = self.setting(args, ("--port",), "UVICORN_PORT", defaults, "port")
        return _listener("uvicorn", host, port, defaults)

    def gunicorn(self, args: list[str]) -> Listener | None:
        known, extra = self.env.lookup("GUNICORN_CMD_ARGS")
        if not known:
            return None
        if extra:
            args = [*args, *extra.split()]
        if _option(args, ("--config", "-c")) is not None:
            return None  # a config file may bind anything
        cwd = self.cwd
        if cwd is not None and self.file(posixpath.join(cwd, "gunicorn.conf.py")) is not None:
            return None  # read by default from the working directory
        defaults = _defaults()["gunicorn"]
        binds = _all_options(args, ("--bind", "-b"))
        if binds:
            return _bind_listener("gunicorn", binds, defaults)
        known, port = self.env.lookup("PORT")
        if not known:
            return None
        if port is not None:  # documented: the default becomes 0.0.0.0:$PORT
            return _bind_listener("gunicorn", [f"0.0.0.0:{port}"], defaults, f"PORT={port}")
        return _listener("gunicorn", ("127.0.0.1", "by default"), ("8000", "by default"), defaults)

    # -- a Python script ----------------------------------------------------------------

    def python_script(self, script: str) -> Iterator[Listener]:
        if "$" in script:
            return
        text = self.file(script)
        if text is None:
            return
        found = _script_servers(text, basename(script), self.env)
        if len(found) == 1:
            yield found[0]

    # -- JavaScript -----------------------------------------------------------------------

    def node_script(self, args: list[str]) -> Iterator[Listener]:
        """`node server.js` whose one `.listen(port[, "host"])` call is literal."""
        if any(w.startswith("--env-file") for w in args):
            return  # variables from a file not read here
        index = 0
        while index < len(args) and args[index].startswith("-"):
            index += 2 if args[index] in _NODE_VALUES else 1
        if index >= len(args) or "$" in args[index]:
            return
        script = args[index]
        text = self.file(script)
        if text is None or text.count(".listen(") != 1:
            return
        match = _LISTEN.search(text)
        if match is None:
            return
        where = f"{basename(script)}'s listen()"
        host: tuple[str | None, str]
        quoted = _QUOTED.match(match["rest"]) if match["next"] == "," else None
        if quoted is not None:
            host = (quoted["host"], f'listen(..., "{quoted["host"]}")')
        elif match["next"] == ")" or _CALLBACK.match(match["rest"]):
            host = ("::", "by default")  # Node listens on every address without a host
        else:
            host = (None, "listen(..., host)")  # a variable
        port = _js_port(match["port"], self.env)
        defaults = {"fix": f'listen(port, "0.0.0.0") in {basename(script)}'}
        yield from _maybe(_listener(where, host, (port, f"listen({match['port']})"), defaults))

    # -- JavaScript dev servers ---------------------------------------------------------

    def vite(self, args: list[str]) -> Listener | None:
        positional = [w for w in args if not w.startswith("-")]
        if positional and positional[0] not in ("dev", "serve", "preview"):
            return None  # `vite build`, `vite optimize`
        if _option(args, ("--config", "-c")) is not None:
            return None
        configs = [self.file(name) for name in _VITE_CONFIGS]
        config = "\n".join(c for c in configs if c is not None)
        defaults = _defaults()["vite"]
        at = args.index("--host") if "--host" in args else -1
        if at >= 0 and (at + 1 == len(args) or args[at + 1].startswith("-")):
            host: tuple[str | None, str] = ("0.0.0.0", '"--host"')  # no value: every address
        else:
            host = _configured(args, "--host", config, r"\bhost\b", "the Vite config", defaults)
        port = _configured(args, "--port", config, r"\bport\b", "the Vite config", defaults)
        return _listener("the Vite dev server", host, port, defaults)

    def ng_serve(self, args: list[str]) -> Listener | None:
        if not args or args[0] not in ("serve", "s", "dev"):
            return None
        config = self.file("angular.json")
        if config is None:
            return None  # the workspace file decides, and it is not known here
        defaults = _defaults()["ng serve"]
        host = _configured(args[1:], "--host", config, r'"host"', "angular.json", defaults)
        port = _configured(args[1:], "--port", config, r'"port"', "angular.json", defaults)
        return _listener("ng serve", host, port, defaults)

    def package_script(self, runner: str, args: list[str], depth: int) -> Iterator[Listener]:
        """`npm run dev [-- args]`, `npm start`, `yarn dev`, `pnpm run dev`: the
        package.json script it runs, read as shell commands."""
        if not args:
            return
        if args[0] in ("run", "run-script"):
            if len(args) < 2:
                return
            name, extra = args[1], args[2:]
        elif args[0] in ("start", "dev", "serve") or runner != "npm":
            name, extra = args[0], args[1:]
        else:
            return
        if runner == "npm":
            extra = extra[extra.index("--") + 1 :] if "--" in extra else []
        elif extra[:1] == ["--"]:
            extra = extra[1:]
        text = self.file("package.json")
        if text is None:
            return
        try:
            scripts = json.loads(text).get("scripts")
        except (ValueError, AttributeError, RecursionError):
            return
        body = scripts.get(name) if isinstance(scripts, dict) else None
        if not isinstance(body, str) or len(body) > 4096:
            return
        commands = shell_commands(body)
        for index, command in enumerate(commands):
            words = list(unwrap(command).words)
            if index == len(commands) - 1:
                words += extra
            yield from self.server(words, depth + 1)


_PYTHON_VALUES = frozenset({"-X", "-W", "-c"})
_PYTHON_FLAGS = frozenset({"-u", "-B", "-O", "-OO", "-E", "-s", "-S", "-I", "-P", "-b", "-q"})
_NODE_VALUES = frozenset({"-r", "--require", "--import", "--loader"})
# the one `.listen(` of a Node script: its port, then what follows it
_LISTEN = re.compile(r"\.listen\(\s*(?P<port>[^,()]+?)\s*(?P<next>[,)])(?P<rest>[^\n]{0,80})")
_QUOTED = re.compile(r"""^\s*(?P<q>['"`])(?P<host>[^'"`$]*)(?P=q)\s*[,)]""")
_CALLBACK = re.compile(r"^\s*(?:\(|function\b|async\b|[A-Za-z_$][\w$]*\s*=>)")
_JS_ENV = re.compile(r"^process\.env\.(?P<name>[A-Za-z_]\w*)\s*(?:\|\||\?\?)\s*(?P<port>\d+)$")


def _without_python_options(args: list[str]) -> list[str]:
    """`python -u -X dev app.py` -> `app.py`: the interpreter's own options left out
    (`-m` and what follows kept)."""
    index = 0
    while index < len(args) and args[index] != "-m":
        if args[index] in _PYTHON_FLAGS:
            index += 1
        elif args[index] in _PYTHON_VALUES:
            return []  # -c runs code; -X/-W values are not worth guessing past
        else:
            break
    return args[index:]


def _js_port(text: str, env: _Env) -> str | None:
    """A literal port, or `process.env.PORT || 3000` with the environment applied."""
    text = text.strip()
    if text.isdigit():
        return text
    match = _JS_ENV.match(text)
    if match is None:
        return None
    known, value = env.lookup(match["name"])
    if not known:
        return None
    return value if value is not None else match["port"]


def _configured(
    args: Sequence[str],
    option: str,
    config: str | None,
    pattern: str,
    where: str,
    defaults: Mapping[str, Any],
) -> tuple[str | None, str]:
    """A dev server's `--host`/`--port`: the command line, else unknown when its
    config file may set it, else the default."""
    value = option_value(args, (option,))
    if value is not None:
        return (None if "$" in value else value), f'"{option} {value}"'
    if config is not None and re.search(pattern, config):
        return None, where
    default = defaults.get(option.lstrip("-"))
    return (None if default is None else str(default)), "by default"


def _maybe(found: Listener | None) -> Iterator[Listener]:
    if found is not None:
        yield found


def _listener(
    server: str,
    host: tuple[str | None, str],
    port: tuple[str | None, str],
    defaults: Mapping[str, Any],
) -> Listener | None:
    number = _port_number(port[0])
    fix = str(defaults.get("fix", "")).replace("{port}", str(number or defaults.get("port")))
    return Listener(server, host[0], number, host[1], port[1], fix)


def _port_number(text: str | None) -> int | None:
    if text is None or not text.isascii() or not text.isdigit() or len(text) > 5:
        return None
    value = int(text)
    return value if 0 < value < 65536 else None


def _all_options(args: Sequence[str], names: Sequence[str]) -> list[str]:
    """Every value of a repeatable option: `--name value`, `--name=value`, `-n value`
    and `-nvalue`."""
    found: list[str] = []
    for index, word in enumerate(args):
        for name in names:
            if word == name and index + 1 < len(args):
                found.append(args[index + 1])
            elif name.startswith("--") and word.startswith(name + "="):
                found.append(word[len(name) + 1 :])
            elif len(name) == 2 and word.startswith(name) and len(word) > 2:
                found.append(word[2:])  # -b0.0.0.0:8000
    return found


def _option(args: Sequence[str], names: Sequence[str]) -> str | None:
    """The first value of an option (`option_value`, and the `-nvalue` form)."""
    value = option_value(args, names)
    if value is not None:
        return value
    found = _all_options(args, names)
    return found[0] if found else None


def _split_bind(text: str) -> tuple[str, str] | None:
    """`host:port`, `[::]:port`, `:port` (every address) as (host, port); None for a
    unix socket, a file descriptor or anything else."""
    if "$" in text or text.startswith(("unix:", "fd://")):
        return None
    text = text.removeprefix("tcp://")
    if text.startswith("["):
        host, sep, port = text[1:].partition("]:")
        return (f"[{host}]", port) if sep else None
    host, sep, port = text.rpartition(":")
    if not sep:
        return None
    return (host or "0.0.0.0"), port


def _bind_listener(
    server: str, binds: Sequence[str], defaults: Mapping[str, Any], how: str = ""
) -> Listener | None:
    if len(binds) != 1:
        return None  # several addresses: more than one answer
    split = _split_bind(binds[0])
    if split is None:
        return None
    where = how or f'"--bind {binds[0]}"'
    return _listener(server, (split[0], where), (split[1], where), defaults)


def _hypercorn(args: list[str]) -> Listener | None:
    if _option(args, ("--config", "-c")) is not None:
        return None
    if any(w.startswith(("--insecure-bind", "--quic-bind")) for w in args):
        return None
    defaults = _defaults()["hypercorn"]
    binds = _all_options(args, ("--bind", "-b"))
    if binds:
        return _bind_listener("hypercorn", binds, defaults)
    return _listener("hypercorn", ("127.0.0.1", "by default"), ("8000", "by default"), defaults)


# Django's addrport: [ipv4 | [ipv6] | name :] port
_ADDRPORT = re.compile(
    r"^(?:(?P<addr>\d{1,3}(?:\.\d{1,3}){3}|\[[a-fA-F0-9:]+\]|[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*):)?"
    r"(?P<port>\d+)$"
)
_RUNSERVER_VALUES = frozenset({"--settings", "--pythonpath", "-v", "--verbosity"})


def _runserver(args: list[str]) -> Listener | None:
    if not any(w in ("runserver", "runserver_plus") for w in args[:2]):
        return None
    command = next(w for w in args[:2] if w in ("runserver", "runserver_plus"))
    rest = args[args.index(command) + 1 :]
    ipv6 = False
    addrport: str | None = None
    index = 0
    while index < len(rest):
        word = rest[index]
        if word in _RUNSERVER_VALUES:
            index += 2
            continue
        if word in ("-6", "--ipv6"):
            ipv6 = True
        elif not word.startswith("-") and addrport is None:
            addrport = word
        index += 1
    defaults = _defaults()["runserver"]
    server = f"manage.py {command}"
    default_host = "::1" if ipv6 else str(defaults["host"])
    if addrport is None:
        return _listener(
            server, (default_host, "by default"), (str(defaults["port"]), "by default"), defaults
        )
    match = _ADDRPORT.match(addrport)
    if match is None:
        return None  # a variable or something Django refuses
    addr = match["addr"]
    how = f'"{command} {addrport}"'
    host = default_host if addr is None else "0.0.0.0" if addr == "0" else addr
    return _listener(server, (host, how if addr else "by default"), (match["port"], how), defaults)


# -- app code read with ast ---------------------------------------------------------------

_UNKNOWN = object()
_CONFIGURED = ("SERVER_NAME", "from_prefixed_env", "from_envvar", "from_pyfile", "from_file")


def _script_servers(text: str, script: str, env: _Env) -> list[Listener]:
    """The `app.run(...)` (Flask) and `uvicorn.run(...)` calls of a script."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    flask_apps: set[str] = set()
    imports_uvicorn = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            func = node.value.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == "Flask":
                flask_apps.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.Import):
            imports_uvicorn = imports_uvicorn or any(a.name == "uvicorn" for a in node.names)
    reads_dotenv = "load_dotenv" in text or "dotenv_values" in text
    found: list[Listener] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        receiver = node.func.value
        if node.func.attr != "run" or not isinstance(receiver, ast.Name):
            continue
        if receiver.id in flask_apps:
            if any(word in text for word in _CONFIGURED):
                return []  # SERVER_NAME may choose the address
            kind, server = "app.run", f"app.run() in {script}"
        elif receiver.id == "uvicorn" and imports_uvicorn:
            kind, server = "uvicorn.run", f"uvicorn.run() in {script}"
        else:
            continue
        defaults = _defaults()[kind]
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        if None in (k.arg for k in node.keywords) or any(
            isinstance(a, ast.Starred) for a in node.args
        ):
            return []  # **options / *args
        if "uds" in keywords or "fd" in keywords:
            return []
        if kind == "app.run":
            host_node = keywords.get("host", node.args[0] if node.args else None)
            port_node = keywords.get("port", node.args[1] if len(node.args) > 1 else None)
        else:
            host_node, port_node = keywords.get("host"), keywords.get("port")
            if any(not env.known(str(defaults[k])) for k in ("host_env", "port_env")):
                return []
        host = _argument(host_node, env, reads_dotenv, defaults["host"], "host")
        port = _argument(port_node, env, reads_dotenv, defaults["port"], "port")
        found.append(_listener(server, host, port, defaults))  # type: ignore[arg-type]
    return list(dict.fromkeys(found))


def _argument(
    node: ast.expr | None, env: _Env, reads_dotenv: bool, default: object, key: str
) -> tuple[str | None, str]:
    if node is None or (isinstance(node, ast.Constant) and node.value is None):
        return str(default), "by default"
    value = _evaluate(node, env, reads_dotenv)
    if value is _UNKNOWN or value is None or isinstance(value, bool):
        return None, f"{key}=..."
    text = str(value)
    if not text and key == "host":
        return str(default), "by default"  # Flask: a falsy host is the default
    return text, f"{key}={value!r}"


def _evaluate(node: ast.expr, env: _Env, reads_dotenv: bool) -> object:
    """A literal, `int(...)`/`str(...)` of one, or `os.environ.get("N", default)` /
    `os.getenv(...)` / `os.environ["N"]` when the container's environment is known."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, (str, int)) else _UNKNOWN
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("int", "str")
        and len(node.args) == 1
        and not node.keywords
    ):
        inner = _evaluate(node.args[0], env, reads_dotenv)
        if inner is _UNKNOWN:
            return _UNKNOWN
        try:
            return int(str(inner)) if node.func.id == "int" else str(inner)
        except ValueError:
            return _UNKNOWN
    variable = _environ_read(node)
    if variable is None or reads_dotenv:
        return _UNKNOWN
    name, default = variable
    known, value = env.lookup(name)
    if not known:
        return _UNKNOWN
    if value is not None:
        return value
    if default is None:
        return _UNKNOWN
    return _evaluate(default, env, reads_dotenv)


def _environ_read(node: ast.expr) -> tuple[str, ast.expr | None] | None:
    """("NAME", default) of `os.environ.get("NAME", d)`, `os.getenv("NAME", d)`,
    `environ.get(...)`, `getenv(...)` or `os.environ["NAME"]`."""
    if isinstance(node, ast.Subscript) and _is_environ(node.value):
        key = node.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return key.value, None
        return None
    if not isinstance(node, ast.Call) or node.keywords or not node.args:
        return None
    func = node.func
    getenv = (isinstance(func, ast.Attribute) and func.attr == "getenv") or (
        isinstance(func, ast.Name) and func.id == "getenv"
    )
    get = isinstance(func, ast.Attribute) and func.attr == "get" and _is_environ(func.value)
    if not (getenv or get) or len(node.args) > 2:
        return None
    key = node.args[0]
    if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
        return None
    return key.value, node.args[1] if len(node.args) > 1 else None


def _is_environ(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ"
    )


# -- the fact -----------------------------------------------------------------------------


@per_project
def _by_service(project: Project, name: str) -> tuple[Listener, ...]:
    service = next((s for s in project.services if s.name == name), None)
    if service is None:
        return ()
    image = image_of(service.build) if service.build is not None else None
    if service.build is not None and (image is None or image.stage is None):
        return ()
    return tuple(_Reader(project, service, image).listeners())


def listeners(project: Project, service: Service) -> tuple[Listener, ...]:
    """Each server `service`'s container starts, as far as it can be read."""
    return _by_service(project, service.name)


def listener(project: Project, service: Service) -> Listener | None:
    """The one server `service`'s container runs; None when there is none that is
    known, or several."""
    found = listeners(project, service)
    return found[0] if len(found) == 1 else None


def published_servers(project: Project) -> Iterator[tuple[Service, Listener]]:
    """Each service that publishes `ports:` (on a network of its own: not the host's
    or another container's) with the one server its container runs."""
    from compose_lint.model.services import facts

    for service in project.services:
        if not service.ports or not facts(project, service).publishes:
            continue
        server = listener(project, service)
        if server is not None:
            yield service, server


__all__ = ["Listener", "is_loopback", "listener", "listeners", "published_servers"]
