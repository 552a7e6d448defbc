"""CL3xx: Dockerfile instructions and stages (part 2).

How the image starts and stops (CMD, ENTRYPOINT, HEALTHCHECK), what it declares
(EXPOSE, MAINTAINER), and how its layers are laid out (consecutive RUNs, the
dependency install that `COPY . .` throws out of the build cache).

Stage semantics come from `compose_lint.model.image`: a compose service builds one stage
(`build.target`, else the last one), which inherits ENTRYPOINT and HEALTHCHECK from
the stages it is built `FROM`. Instructions behind ONBUILD are not looked at: they run
in images built from this one.
"""

from __future__ import annotations

import difflib
import json
import posixpath
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from compose_lint.findings import Location, Severity
from compose_lint.load.dockerfile import Dockerfile, Instruction, Stage
from compose_lint.model import Build, DockerfileSource, Project
from compose_lint.model.commands import Command, Script, parse, run_commands
from compose_lint.model.context import instruction_text, is_whole_context_copy
from compose_lint.model.image import Resolver
from compose_lint.registry import rule

Found = Iterator[tuple[Location, str]]


# --- shared helpers --------------------------------------------------------------------


def _at(source: DockerfileSource, instruction: Instruction) -> Location:
    return source.loc(instruction.line, instruction.column)


def _stage_label(stage: Stage) -> str:
    if stage.name:
        return f'stage "{stage.name}"'
    return f'the stage "FROM {stage.base}"'


def _services(names: Sequence[str]) -> str:
    quoted = [f'"{n}"' for n in names]
    if len(quoted) == 1:
        return f"service {quoted[0]}"
    return "services " + ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def _dockerfile_quote(text: str) -> str:
    """`text` as a double-quoted Dockerfile word (text with backslashes is taken as
    already escaped)."""
    if "\\" in text:
        return f'"{text}"'
    return '"' + text.replace('"', '\\"').replace("$", "\\$") + '"'


def _command_lines(instruction: Instruction) -> tuple[str, ...]:
    """The instruction's own physical lines, here-document bodies left out."""
    if instruction.heredocs:
        return instruction.lines[: instruction.heredocs[0].start_line - instruction.line]
    return instruction.lines


class _WordFinder:
    """Finds the physical position of successive argument words of an instruction."""

    def __init__(self, instruction: Instruction) -> None:
        self._instruction = instruction
        self._lines = _command_lines(instruction)
        self._row = 0
        first = self._lines[0] if self._lines else ""
        self._offset = instruction.column - 1 + len(instruction.keyword)
        self._offset = min(self._offset, len(first))

    def find(self, word: str) -> tuple[int, int]:
        """(line, column) of the next occurrence of `word`; the keyword when not found."""
        for row in range(self._row, len(self._lines)):
            start = self._offset if row == self._row else 0
            index = self._lines[row].find(word, start)
            if index >= 0:
                self._row, self._offset = row, index + len(word)
                return self._instruction.line + row, index + 1
        return self._instruction.line, self._instruction.column


# --- CL315 -----------------------------------------------------------------------------

_SHELL_SPECIALS = frozenset("$`*?[~")


def _parse_shell(text: str, line: int) -> list[Command]:
    return parse(Script.plain(text, line))


def _execs(commands: list[Command]) -> bool:
    """Whether the shell replaces itself with the program (`exec server --flag`)."""
    return any(c.words[0] == "exec" and len(c.words) > 1 and not c.in_pipeline for c in commands)


def _as_exec_form(commands: list[Command]) -> str | None:
    """The JSON array that runs the same single plain command without a shell."""
    if len(commands) != 1:
        return None
    command = commands[0]
    if command.assignments or command.redirects or command.in_pipeline:
        return None
    if any(_SHELL_SPECIALS & set(word) for word in command.words):
        return None
    return json.dumps(list(command.words), ensure_ascii=False)


_NON_POSIX_SHELLS = frozenset(
    {"cmd", "cmd.exe", "powershell", "powershell.exe", "pwsh", "pwsh.exe"}
)
_WINDOWS_IMAGE_MARKERS = ("windows/servercore", "windows/nanoserver", "/windows:", "nanoserver")


def _shell_of(resolver: Resolver, stage: Stage, instruction: Instruction) -> list[str] | None:
    """The SHELL a shell-form instruction runs under: the last SHELL before it in the
    stage or the stages it is built from; ["cmd"] for a Windows base image without one;
    None for the default /bin/sh -c."""
    shell: list[str] | None = None
    earlier = [i for step in reversed(resolver.chain(stage)) for i in step.instructions]
    for item in earlier:
        if item is instruction:
            break
        if item.keyword == "SHELL" and item.json_args:
            shell = list(item.json_args)
    if shell is None:
        root = (resolver.root_image(stage) or "").lower()
        if any(marker in root for marker in _WINDOWS_IMAGE_MARKERS):
            return ["cmd"]
    return shell


def _as_words(runner: str) -> str:
    return ", ".join(f'"{word}"' for word in runner.split())


def _effective_entrypoint(resolver: Resolver, stage: Stage) -> Instruction | None:
    """The ENTRYPOINT the image of `stage` ends up with (its own, else an inherited one)."""
    for step in resolver.chain(stage):
        entrypoints = [i for i in step.instructions if i.keyword == "ENTRYPOINT"]
        if entrypoints:
            return entrypoints[-1]
    return None


@rule(
    "CL315",
    "shell-form-cmd",
    Severity.WARNING,
    "CMD or ENTRYPOINT in shell form: the shell is PID 1 and does not pass on stop signals.",
)
def shell_form_cmd(project: Project) -> Found:
    for source, dockerfile, builds in project.parsed_dockerfiles():
        resolver = Resolver.of(dockerfile, builds[0] if builds else None)
        for stage in dockerfile.stages:
            for instruction in stage.instructions:
                if instruction.keyword not in ("CMD", "ENTRYPOINT"):
                    continue
                if instruction.json_args is not None or instruction.json_error is not None:
                    continue  # exec form, or broken JSON (reported with the parse problems)
                text = instruction.args.strip()
                if not text:
                    continue
                shell = _shell_of(resolver, stage, instruction)
                if shell and shell[0].rsplit("\\", 1)[-1].lower() in _NON_POSIX_SHELLS:
                    continue  # Windows: no POSIX signals to forward
                commands = _parse_shell(text, instruction.line)
                if _execs(commands):
                    continue
                runner = " ".join(shell) if shell else "/bin/sh -c"
                message = _shell_form_message(resolver, stage, instruction, text, commands, runner)
                yield _at(source, instruction), message


def _shell_form_message(
    resolver: Resolver,
    stage: Stage,
    instruction: Instruction,
    text: str,
    commands: list[Command],
    runner: str,
) -> str:
    keyword = instruction.keyword
    exec_form = _as_exec_form(commands)
    if exec_form is not None:
        fix = f"write {keyword} {exec_form}"
    else:
        fix = (
            f'write it as a JSON array ({keyword} ["program", "arg"]) or, if it needs the '
            'shell, start the command that runs last with "exec" so it replaces the shell'
        )
    shown = _short(text)
    if keyword == "CMD":
        entrypoint = _effective_entrypoint(resolver, stage)
        if entrypoint is not None and entrypoint.json_args:
            return (
                f'CMD in shell form becomes the arguments {_as_words(runner)}, "{shown}" of the '
                f"exec-form ENTRYPOINT on line {entrypoint.line}, which is almost never "
                f"what it expects; {fix}"
            )
    ignored = (
        " (and ignores CMD and the arguments of docker run)" if keyword == "ENTRYPOINT" else ""
    )
    return (
        f'{keyword} in shell form runs "{shown}" under {runner}{ignored}: the shell is '
        "PID 1 and does not pass SIGTERM on, so docker compose stop waits out the stop "
        f"timeout (10 s by default) and then kills the program; {fix}"
    )


# --- CL324 -----------------------------------------------------------------------------

_PROTOCOLS = ("tcp", "udp", "sctp")
_MAX_PORT = 65535


def _port_problem(word: str, variables: dict[str, int]) -> str | None:
    """What is wrong with one EXPOSE argument, or None when Docker accepts it."""
    if "$" in word:
        return None  # a variable: its value is only known at build time
    spec = _unquote(word)
    port, slash, protocol = spec.partition("/")
    if slash and protocol and protocol.lower() not in _PROTOCOLS:
        if "/" in protocol:
            return f'"{spec}" has more than one "/"; write "port/protocol", e.g. "80/tcp"'
        close = difflib.get_close_matches(protocol.lower(), _PROTOCOLS, n=1, cutoff=0.5)
        hint = f'; did you mean "{port}/{close[0]}"?' if close else ""
        return (
            f'"{spec}" has the unknown protocol "{protocol}": EXPOSE accepts tcp (the '
            f"default), udp and sctp{hint}"
        )
    if ":" in port:
        container = port.rsplit(":", 1)[-1]
        return (
            f'"{spec}" maps a host port, which EXPOSE cannot do (Docker ignores the host '
            f'part); write "EXPOSE {container}{slash}{protocol}" and publish the port from '
            f'the compose file instead (ports: ["{port}"])'
        )
    start, dash, end = port.partition("-")
    numbers = [start, end] if dash else [start]
    if not all(n.isascii() and n.isdigit() for n in numbers):
        if port in variables:
            return (
                f'"{spec}" is not a port number but the name of the variable declared on '
                f'line {variables[port]}; write "${port}{slash}{protocol}" to use its value'
            )
        if port.isidentifier():
            return (
                f'"{spec}" is not a port number; to use a build argument or variable, write '
                f'"${port}"'
            )
        return (
            f'"{spec}" is not a port: EXPOSE takes a port number (8080), a range '
            "(8000-8010), either followed by /tcp, /udp or /sctp, or a $VARIABLE"
        )
    values = [int(n) for n in numbers]
    too_big = [v for v in values if v > _MAX_PORT]
    if too_big:
        where = "" if spec == str(too_big[0]) else f' in "{spec}"'
        return (
            f"port {too_big[0]}{where} is out of range: ports go from 0 to {_MAX_PORT}; "
            "fix the number"
        )
    if dash and values[1] < values[0]:
        return f'the range "{port}" ends below its start; write it low to high ("{end}-{start}")'
    return None


@rule(
    "CL324",
    "invalid-expose-port",
    Severity.ERROR,
    "EXPOSE names a port outside 0-65535, an unknown protocol or something that is no port.",
)
def invalid_expose_port(project: Project) -> Found:
    for source, dockerfile, _ in project.parsed_dockerfiles():
        for stage in dockerfile.stages:
            variables: dict[str, int] = {}  # ARG and ENV names the stage declares -> line
            for instruction in stage.instructions:
                if instruction.keyword in ("ARG", "ENV"):
                    for word in instruction.args.split():
                        name = word.partition("=")[0]
                        if name.isidentifier():
                            variables.setdefault(name, instruction.line)
                if instruction.keyword != "EXPOSE":
                    continue
                finder = _WordFinder(instruction)
                for word in instruction.args.split():
                    line, column = finder.find(word)
                    problem = _port_problem(word, variables)
                    if problem is not None:
                        yield source.loc(line, column), problem


# --- CL328 -----------------------------------------------------------------------------


class _Install(NamedTuple):
    """A dependency install that reads a manifest, and how to do it before `COPY . .`."""

    tool: str  # what installs: "pip", "npm", ... (same tool = same dependencies)
    manifests: tuple[str, ...]  # the files it reads, as written (pip -r) or by convention
    optional: tuple[str, ...]  # lock files to copy too when the context has them
    first_run: str  # the RUN to put before `COPY . .`

    @property
    def keys(self) -> frozenset[tuple[str, str]]:
        """What it installs: each requirements file for pip, the project's for the others."""
        if self.tool == "pip":
            return frozenset(("pip", name) for name in self.manifests)
        return frozenset({(self.tool, "")})


_WRAPPERS = frozenset({"sudo", "env", "nice", "nohup", "time", "command", "exec", "stdbuf"})
_WRAPPER_VALUE_OPTIONS = frozenset({"-u", "-g", "--user", "--group", "-C", "--chdir", "-n"})
_PIP_SUBCOMMANDS = frozenset({"install", "wheel", "download"})


def _unwrap(words: Sequence[str]) -> list[str]:
    """The command behind `sudo`, `env A=1`, `python -m pip`, `uv pip`."""
    rest = list(words)
    while rest and rest[0].rsplit("/", 1)[-1] in _WRAPPERS:
        rest = rest[1:]
        while rest and (rest[0].startswith("-") or "=" in rest[0]):
            takes_value = rest[0] in _WRAPPER_VALUE_OPTIONS
            rest = rest[2:] if takes_value else rest[1:]
    if not rest:
        return rest
    name = rest[0].rsplit("/", 1)[-1]
    if name.startswith("python") and rest[1:3] == ["-m", "pip"]:
        return ["pip", *rest[3:]]
    if name == "uv" and rest[1:2] == ["pip"]:
        return ["pip", *rest[2:]]
    return [name, *rest[1:]]


def _is_pip(name: str) -> bool:
    return name == "pip" or (name.startswith("pip") and name[3:].replace(".", "").isdigit())


def _positionals(words: Sequence[str]) -> list[str]:
    return [w for w in words if not w.startswith("-")]


def _requirement_files(words: Sequence[str]) -> list[str]:
    files: list[str] = []
    for index, word in enumerate(words):
        if word in ("-r", "--requirement") and index + 1 < len(words):
            files.append(words[index + 1])
        elif word.startswith("--requirement="):
            files.append(word.partition("=")[2])
        elif word.startswith("-r") and len(word) > 2 and not word.startswith("--"):
            files.append(word[2:])
    return [f for f in files if f]


def _dependency_install(command: Command) -> _Install | None:
    words = _unwrap(command.words)
    if not words:
        return None
    name, args = words[0], words[1:]
    verb = next(iter(_positionals(args)), "")
    shown = " ".join(command.words)
    if _is_pip(name) and verb in _PIP_SUBCOMMANDS:
        files = _requirement_files(args)
        if files:
            return _Install("pip", tuple(files), (), shown)
        return None
    if name == "npm" and (
        verb == "ci" or (verb in ("install", "i") and len(_positionals(args)) == 1)
    ):
        return _Install(
            "npm", ("package.json",), ("package-lock.json", "npm-shrinkwrap.json"), shown
        )
    if name == "yarn" and (not _positionals(args) or _positionals(args) == ["install"]):
        return _Install("yarn", ("package.json",), ("yarn.lock", ".yarnrc.yml"), shown)
    if name == "pnpm" and verb in ("install", "i") and len(_positionals(args)) == 1:
        return _Install("pnpm", ("package.json",), ("pnpm-lock.yaml",), shown)
    if name == "poetry" and verb == "install":
        first = shown if "--no-root" in args else shown + " --no-root"
        return _Install("poetry", ("pyproject.toml",), ("poetry.lock",), first)
    if name == "uv" and verb == "sync":
        first = shown if "--no-install-project" in args else shown + " --no-install-project"
        return _Install("uv", ("pyproject.toml",), ("uv.lock",), first)
    if name == "pipenv" and (
        verb == "sync" or (verb == "install" and len(_positionals(args)) == 1)
    ):
        return _Install("pipenv", ("Pipfile",), ("Pipfile.lock",), shown)
    if name == "bundle" and verb in ("install", ""):
        return _Install("bundle", ("Gemfile",), ("Gemfile.lock",), shown)
    if name == "go" and _positionals(args)[:2] == ["mod", "download"]:
        return _Install("go", ("go.mod",), ("go.sum",), shown)
    if name == "composer" and verb == "install":
        return _Install("composer", ("composer.json",), ("composer.lock",), shown)
    return None


def _installs(instruction: Instruction, escape: str) -> list[tuple[Command, _Install]]:
    found: list[tuple[Command, _Install]] = []
    for command in run_commands(instruction, escape):
        install = _dependency_install(command)
        if install is not None:
            found.append((command, install))
    return found


def _stages_in_scope(dockerfile: Dockerfile, builds: list[Build]) -> list[Stage]:
    """The stages a build can reach: up to the last `build.target` (all without builds)."""
    stages = dockerfile.stages
    if not builds:
        return list(stages)
    last = -1
    for build in builds:
        if not build.target:
            return list(stages)
        resolver = Resolver.of(dockerfile, build)
        stage = resolver.built(build.target)
        if stage is not None:
            last = max(last, stage.index)
    return list(stages[: last + 1])


def _context_dir(source: DockerfileSource, builds: list[Build]) -> Path | None:
    for build in builds:
        if build.context is not None:
            return build.context
    return None if builds else source.path.parent


@rule(
    "CL328",
    "dependency-cache-busted",
    Severity.WARNING,
    "`COPY . .` comes before the dependency install, so every code change reinstalls them.",
)
def dependency_cache_busted(project: Project) -> Found:
    for source, dockerfile, builds in project.parsed_dockerfiles():
        escape = dockerfile.escape
        resolver = Resolver.of(dockerfile, builds[0] if builds else None)
        context = _context_dir(source, builds)
        reported: set[int] = set()
        for stage in _stages_in_scope(dockerfile, builds):
            steps = [i for s in reversed(resolver.chain(stage)) for i in s.instructions]
            whole: Instruction | None = None
            before: set[tuple[str, str]] = set()  # installed before the whole-context copy
            for instruction in steps:
                if whole is None and is_whole_context_copy(instruction):
                    whole = instruction
                    continue
                if instruction.keyword != "RUN":
                    continue
                for command, install in _installs(instruction, escape):
                    if whole is None:
                        before |= install.keys
                    elif not install.keys <= before and whole.line not in reported:
                        reported.add(whole.line)
                        message = _busted_message(whole, command, install, context)
                        yield _at(source, whole), message


def _copy_line(whole: Instruction, install: _Install, context: Path | None) -> str:
    files = list(install.manifests)
    for name in install.optional:
        if context is None or (context / name).exists():
            files.append(name)
            if context is None:
                break  # without a context, suggest only the usual lock file
    flags = [f for f in whole.flags if not f.startswith("--exclude")]
    words = whole.json_args if whole.json_args is not None else whole.args.split()
    dest = _unquote(words[-1]) if words else "."
    sources: list[str] = []
    for name in files:
        cleaned = name
        if cleaned.startswith("/"):
            relative = posixpath.relpath(cleaned, dest) if dest.startswith("/") else None
            cleaned = (
                relative
                if relative and not relative.startswith("..")
                else posixpath.basename(cleaned)
            )
        sources.append(posixpath.normpath(cleaned))
    if len(sources) == 1 and "/" in sources[0]:
        target = posixpath.join(dest, posixpath.dirname(sources[0])) + "/"
    else:
        target = dest if dest.endswith("/") or len(sources) == 1 else dest + "/"
    return " ".join(["COPY", *flags, *sources, target])


def _busted_message(
    whole: Instruction,
    command: Command,
    install: _Install,
    context: Path | None,
) -> str:
    copied = _short(instruction_text(whole), 40)
    shown = _short(" ".join(command.words), 60)
    first_run = _short(install.first_run, 70)
    return (
        f'"{copied}" copies the whole build context before "{shown}" on line {command.line} '
        "installs the dependencies, so any change to any file invalidates the cache and "
        "every build reinstalls them all; copy the dependency manifest on its own and "
        f'install first: "{_copy_line(whole, install, context)}" and "RUN {first_run}" '
        f'above "{copied}"'
    )
