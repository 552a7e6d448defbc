"""CL3xx: the shell commands that RUN instructions execute.

Each RUN is split into simple commands by `compose_lint.model.commands` (once per
instruction, however many rules look at it); rules match command names and
words, never the raw text, and report at the physical line and column of the
offending command. What only the project knows is used where it changes the
answer: which stages end up in the image a service builds (`build.target`,
`FROM <stage>` chains), the `ENV`/`ARG` values and `SHELL` a stage inherits,
and the `build.args` compose passes.

`ONBUILD RUN` triggers are checked like a RUN at that place (they run in
every image built `FROM` this one), except by CL305 and CL323, which are about
the WORKDIR and SHELL of the image being written.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import NamedTuple

from compose_lint.findings import Location, Severity
from compose_lint.load.dockerfile import Dockerfile, Instruction, Stage
from compose_lint.model import Build, DockerfileSource, Project
from compose_lint.model.commands import Command, run_commands
from compose_lint.model.image import Resolver, declared_args, literal_build_args
from compose_lint.model.imageref import parse_image
from compose_lint.registry import rule

Found = Iterator[tuple[Location, str]]

_TRUTHY = frozenset({"1", "true", "on", "yes"})
_FALSY = frozenset({"0", "false", "off", "no"})
_POSIX_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox"})
_NON_POSIX_SHELLS = frozenset(
    {"cmd", "cmd.exe", "pwsh", "pwsh.exe", "powershell", "powershell.exe"}
)
# Commands that run the command after them: `sudo apt-get ...`, `env A=1 pip ...`.
# Each maps to its options that take a separate value.
_WRAPPERS: dict[str, frozenset[str]] = {
    "sudo": frozenset({"-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U", "--user", "--group"}),
    "env": frozenset({"-u", "--unset", "-C", "--chdir", "-S", "--split-string"}),
    "nice": frozenset({"-n", "--adjustment"}),
    "nohup": frozenset(),
    "time": frozenset({"-f", "--format", "-o", "--output"}),
    "command": frozenset(),
    "exec": frozenset({"-a"}),
    "stdbuf": frozenset({"-i", "-o", "-e"}),
}
# Commands that only produce text for a pipe and cannot fail in a way that matters.
# `yes` even ends with SIGPIPE by design: under pipefail `yes | cmd` would fail.
_HARMLESS_PRODUCERS = frozenset({"echo", "printf", "yes"})

_APT_GET_VALUE_OPTIONS = frozenset(
    {
        "-o",
        "--option",
        "-c",
        "--config-file",
        "-t",
        "--target-release",
        "--default-release",
        "-a",
        "--host-architecture",
    }
)
# apt-get actions that ask "Do you want to continue? [Y/n]" before changing the system.
_APT_GET_PROMPTING = frozenset(
    {
        "install",
        "reinstall",
        "upgrade",
        "dist-upgrade",
        "full-upgrade",
        "remove",
        "purge",
        "autoremove",
        "build-dep",
    }
)
_PIP_VALUE_OPTIONS = frozenset(
    {
        "-r",
        "--requirement",
        "-c",
        "--constraint",
        "-e",
        "--editable",
        "-t",
        "--target",
        "-b",
        "--build",
        "-i",
        "--index-url",
        "--extra-index-url",
        "-f",
        "--find-links",
        "--platform",
        "--python-version",
        "--implementation",
        "--abi",
        "--root",
        "--prefix",
        "--src",
        "--upgrade-strategy",
        "--no-binary",
        "--only-binary",
        "--progress-bar",
        "--root-user-action",
        "--report",
        "-C",
        "--config-settings",
        "--global-option",
        "--log",
        "--proxy",
        "--retries",
        "--timeout",
        "--exists-action",
        "--trusted-host",
        "--cert",
        "--client-cert",
        "--cache-dir",
        "--python",
        "--keyring-provider",
        "--use-feature",
        "--use-deprecated",
    }
)
_PIP_VERSION_OPERATORS = ("==", ">=", "<=", "~=", "!=", "<", ">")
_PIP_VCS_PREFIXES = ("git+", "hg+", "svn+", "bzr+", "git://")
_PIP_ARCHIVE_SUFFIXES = (".whl", ".tar.gz", ".tgz", ".tar.bz2", ".zip")
_NPM_VALUE_OPTIONS = frozenset(
    {"--registry", "--loglevel", "--prefix", "--cache", "--tag", "-w", "--workspace"}
)
_APK_VALUE_OPTIONS = frozenset(
    {"-t", "--virtual", "-X", "--repository", "-p", "--root", "--arch", "--cache-dir"}
)


# -- the RUN instructions of a project ----------------------------------------------


class _Run(NamedTuple):
    """One RUN (or ONBUILD RUN) with its commands and where it sits."""

    source: DockerfileSource
    dockerfile: Dockerfile
    stage: Stage
    position: int  # index in stage.instructions
    instruction: Instruction  # for ONBUILD RUN: the RUN it registers
    commands: tuple[Command, ...]
    onbuild: bool
    # the builds that produce an image containing this stage's layers; for a
    # stage no build ships (or an ONBUILD trigger): every build of the file
    contexts: tuple[_Context, ...]
    shipped: bool

    def at(self, command: Command) -> Location:
        return self.source.loc(command.line, command.column)


def _onbuild_run(instruction: Instruction) -> Instruction | None:
    """The RUN an `ONBUILD RUN ...` registers, with its own positions, or None."""
    args = instruction.args
    if args[:3].upper() != "RUN" or (len(args) > 3 and not args[3].isspace()):
        return None
    start = instruction.column - 1
    first = instruction.lines[0]
    if first[start : start + 7].upper() != "ONBUILD":
        return None
    lines = (first[:start] + " " * 7 + first[start + 7 :], *instruction.lines[1:])
    column = len(lines[0]) - len(lines[0].lstrip()) + 1
    rest = args[3:].lstrip()
    flags: list[str] = []
    while rest.startswith("--"):
        flag, _, rest = rest.partition(" ")
        flags.append(flag)
        rest = rest.lstrip()
    json_args: list[str] | None = None
    if rest.startswith("["):
        try:
            value = json.loads(rest)
        except ValueError:
            value = None
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            json_args = value
    return replace(
        instruction,
        keyword="RUN",
        column=column,
        flags=tuple(flags),
        args=rest,
        json_args=json_args,
        json_error=None,
        lines=lines,
    )


def _runs(project: Project) -> Iterator[_Run]:
    for source in project.dockerfiles:
        parsed = source.parsed
        if parsed is None:
            continue
        every, shipping = _shipping(source, parsed)
        for stage in parsed.stages:
            for position, instruction in enumerate(stage.instructions):
                onbuild = instruction.keyword == "ONBUILD"
                run = _onbuild_run(instruction) if onbuild else instruction
                if run is None or run.keyword != "RUN":
                    continue
                commands = run_commands(run, parsed.escape)
                ships = shipping.get(stage.index, ())
                # an ONBUILD trigger runs in every image built FROM this one
                contexts = every if onbuild or not ships else ships
                shipped = onbuild or bool(ships)
                yield _Run(
                    source, parsed, stage, position, run, commands, onbuild, contexts, shipped
                )


class _Context(NamedTuple):
    """One way a Dockerfile is built: by a compose build, or alone (build None)."""

    resolver: Resolver
    build: Build | None


def _shipping(
    source: DockerfileSource, dockerfile: Dockerfile
) -> tuple[tuple[_Context, ...], dict[int, tuple[_Context, ...]]]:
    """Every way the file is built, and for each stage index the builds whose image
    carries that stage's layers: the `FROM` chain of each compose build's target,
    and of the last stage (what a plain `docker build` produces) for the stages no
    compose build ships."""
    every = tuple(_Context(Resolver.of(dockerfile, b), b) for b in source.builds)
    shipping: dict[int, list[_Context]] = {}
    for context, build in zip(every, source.builds, strict=True):
        stage = context.resolver.built(build.target)
        if stage is not None:
            for ancestor in context.resolver.chain(stage):
                shipping.setdefault(ancestor.index, []).append(context)
    alone = _Context(Resolver.of(dockerfile), None)
    if dockerfile.stages:
        for ancestor in alone.resolver.chain(dockerfile.stages[-1]):
            shipping.setdefault(ancestor.index, [alone])
    return every or (alone,), {index: tuple(c) for index, c in shipping.items()}


def _before(run: _Run, chain: Sequence[Stage]) -> Iterator[Instruction]:
    """The instructions that take effect before `run`: those of the parent
    stages (oldest first), then the earlier ones of its own stage."""
    for stage in reversed(chain):
        if stage.index == run.stage.index:
            yield from stage.instructions[: run.position]
        else:
            yield from stage.instructions


# -- reading commands -----------------------------------------------------------


def _basename(word: str) -> str:
    return word.rsplit("/", 1)[-1]


def _program(command: Command) -> int:
    """Index in `command.words` of the program a wrapper such as `sudo` or `env`
    runs (0 when there is no wrapper)."""
    words = command.words
    k = 0
    while k < len(words) and _basename(words[k]) in _WRAPPERS:
        value_options = _WRAPPERS[_basename(words[k])]
        is_env = _basename(words[k]) == "env"
        k += 1
        while k < len(words):
            word = words[k]
            if word == "--":
                k += 1
                break
            if word.startswith("-") and len(word) > 1:
                k += 2 if word in value_options else 1
            elif is_env and "=" in word and word.partition("=")[0].isidentifier():
                k += 1
            else:
                break
    return k


def _operands(words: Sequence[str], start: int, value_options: frozenset[str]) -> list[int]:
    """Indexes of the words from `start` on that are neither options nor option values."""
    found: list[int] = []
    i = start
    while i < len(words):
        word = words[i]
        if not word.strip():  # an escaped newline the shell would have removed
            i += 1
            continue
        if word == "--":
            found.extend(k for k in range(i + 1, len(words)) if words[k].strip())
            break
        if word.startswith("-") and word != "-":
            i += 2 if "=" not in word and word in value_options else 1
            continue
        found.append(i)
        i += 1
    return found


class _Call(NamedTuple):
    """A package-manager command: program at `offset`, its action and operands."""

    command: Command
    offset: int  # index of the program in command.words
    action: str  # "install", "update", ... ("" when none)
    operands: tuple[int, ...]  # indexes (into command.words) after the action

    @property
    def words(self) -> tuple[str, ...]:
        return self.command.words[self.offset :]

    @property
    def text(self) -> str:
        """`apt-get install`, `pip3 install`: how to name the command in a message."""
        program = _basename(self.command.words[self.offset])
        return f"{program} {self.action}".strip()


def _call(
    command: Command, programs: frozenset[str], value_options: frozenset[str]
) -> _Call | None:
    k = _program(command)
    words = command.words
    if k >= len(words) or _basename(words[k]) not in programs:
        return None
    operands = _operands(words, k + 1, value_options)
    if not operands:
        return _Call(command, k, "", ())
    return _Call(command, k, words[operands[0]], tuple(operands[1:]))


def _apt_get(command: Command) -> _Call | None:
    return _call(command, frozenset({"apt-get"}), _APT_GET_VALUE_OPTIONS)


def _pip_install(command: Command) -> _Call | None:
    """`pip install`, `pip3.12 install`, `python3 -m pip install` (not pipx, pipenv, uv)."""
    k = _program(command)
    words = command.words
    if k >= len(words):
        return None
    name = _basename(words[k])
    if _is_versioned(name, "pip"):
        start = k + 1
    elif _is_versioned(name, "python"):
        rest = words[k + 1 :]
        if "-m" not in rest:
            return None
        at = k + 1 + rest.index("-m")
        if at + 1 >= len(words) or words[at + 1] not in ("pip", "pip3"):
            return None
        start = at + 2
    else:
        return None
    operands = _operands(words, start, _PIP_VALUE_OPTIONS)
    if not operands or words[operands[0]] != "install":
        return None
    return _Call(command, k, "install", tuple(operands[1:]))


def _is_versioned(name: str, program: str) -> bool:
    """`pip`, `pip3`, `pip3.12` for program "pip"."""
    return name.startswith(program) and all(c.isdigit() or c == "." for c in name[len(program) :])


def _apt_option(word: str, key: str) -> str | None:
    """The value `word` gives the APT option `key` (lower case), as in
    `APT::Install-Recommends=false` or `APT::Install-Recommends "0";`."""
    lower = word.lower()
    at = lower.find(key)
    if at < 0:
        return None
    rest = lower[at + len(key) :].lstrip(" \t=\"'")
    value = ""
    for ch in rest:
        if not ch.isalnum():
            break
        value += ch
    return value


def _apt_configured(run: _Run, key: str, values: frozenset[str]) -> bool:
    """Did an earlier RUN of the stage chain write the APT option `key` with one of
    `values` into the apt configuration (`echo '...' > /etc/apt/apt.conf.d/x`, or
    `... | tee /etc/apt/apt.conf.d/x`)? An `apt-get -o` option lasts one command
    and does not count."""
    escape = run.dockerfile.escape
    for context in run.contexts:
        found = False
        for instruction in _before(run, context.resolver.chain(run.stage)):
            if instruction.keyword == "RUN":
                commands = run_commands(instruction, escape)
                found = found or any(
                    _writes_apt_config(commands, i, key, values) for i in range(len(commands))
                )
        if not found:
            return False
    return True


def _writes_apt_config(
    commands: Sequence[Command], index: int, key: str, values: frozenset[str]
) -> bool:
    command = commands[index]
    if not command.words or command.name not in ("echo", "printf"):
        return False
    if not any(_apt_option(w, key) in values for w in command.words[1:]):
        return False
    if any("/etc/apt/" in r for r in command.redirects):
        return True
    following = commands[index + 1] if index + 1 < len(commands) else None
    return (
        following is not None
        and command.in_pipeline
        and following.in_pipeline
        and bool(following.words)
        and following.name == "tee"
        and any(w.startswith("/etc/apt/") for w in following.words[1:])
    )


def _sets_pipefail(words: Sequence[str]) -> bool:
    """`-o pipefail`, `-eo pipefail`, `-euxo pipefail` among the words."""
    for i in range(1, len(words)):
        previous = words[i - 1]
        if (
            words[i] == "pipefail"
            and previous.startswith("-")
            and not previous.startswith("--")
            and "o" in previous
        ):
            return True
    return False


def _mounts(instruction: Instruction) -> list[tuple[str, str]]:
    """(type, target) of each `--mount=` flag."""
    found: list[tuple[str, str]] = []
    for fields in instruction.mounts():
        target = fields.get("target") or fields.get("dst") or fields.get("destination") or ""
        found.append((fields["type"], target.rstrip("/") or "/"))
    return found


def _env_pairs(args: str) -> list[tuple[str, str]]:
    """`ENV A=1 B="x y"` or the legacy `ENV A 1` as (name, value) pairs."""
    try:
        words = shlex.split(args)
    except ValueError:
        return []
    if not words:
        return []
    if "=" not in words[0]:
        return [(words[0], " ".join(words[1:]))]
    return [(w.partition("=")[0], w.partition("=")[2]) for w in words if "=" in w]


def _variable(run: _Run, context: _Context, name: str) -> str | None:
    """The value `name` has in the environment of `run`: ENV of the stage chain,
    else an ARG of its own stage (compose `build.args`, the ARG default, or the
    global ARG it re-declares)."""
    env: dict[str, str] = {}
    for instruction in _before(run, context.resolver.chain(run.stage)):
        if instruction.keyword == "ENV":
            env.update(_env_pairs(instruction.args))
    if name in env:
        return env[name]
    given = literal_build_args(context.build)
    value: str | None = None
    for instruction in run.stage.instructions[: run.position]:
        if instruction.keyword == "ARG":
            for arg, default in declared_args(instruction.args):
                if arg == name:
                    value = given.get(arg, default)
                    if value is None:
                        value = context.resolver.env.get(arg)
    return value


def _word_positions(run: _Run, command: Command) -> list[tuple[int, int]]:
    """The (line, column) of each word of `command`, found in order in the
    instruction's physical lines from the command's own position; a word that
    cannot be found (quoted, escaped) gets the position after the previous one."""
    lines = run.instruction.lines
    first = run.instruction.line
    line, column = command.line, command.column - 1
    positions: list[tuple[int, int]] = []
    for word in command.words:
        found = _find_word(lines, first, line, column, word)
        if found is None:
            positions.append((line, column + 1))
            continue
        line, at = found
        positions.append((line, at + 1))
        column = at + len(word)
    return positions


def _find_word(
    lines: Sequence[str], first: int, line: int, column: int, word: str
) -> tuple[int, int] | None:
    for number in range(line, first + len(lines)):
        if number < first:
            continue
        text = lines[number - first]
        start = column if number == line else 0
        while word:
            at = text.find(word, start)
            if at < 0:
                break
            end = at + len(word)
            before = text[at - 1] if at > 0 else " "
            after = text[end] if end < len(text) else " "
            if before in " \t'\"(;&|[," and after in " \t'\"\\;&|),]":
                return number, at
            start = at + 1
    return None


# -- the rules --------------------------------------------------------------------


@rule(
    "CL305",
    "cd-in-run",
    Severity.WARNING,
    "A RUN changes directory with `cd`; set the directory with WORKDIR instead.",
)
def cd_in_run(project: Project) -> Found:
    for run in _runs(project):
        if run.onbuild:
            continue  # ONBUILD WORKDIR would move the downstream image; cd is the tidy way
        cds = [c for c in run.commands if c.words and c.name == "cd"]
        if not cds:
            continue
        first = cds[0]
        target = first.words[1] if len(first.words) > 1 else ""
        if target.startswith("/") and "$" not in target:
            workdir = f'"WORKDIR {target}"'
        else:
            workdir = "a WORKDIR with an absolute path"
        others = [c for c in run.commands if c.words and c.name != "cd"]
        shown = " ".join(first.words)
        if not others:
            yield (
                run.at(first),
                f'"{shown}" is the only command of this RUN, and the directory change ends '
                f"with the RUN; use {workdir} instead",
            )
        else:
            yield (
                run.at(first),
                f'"{shown}" inside a RUN hides which directory the following commands run '
                f"in; put {workdir} before this RUN instead (or give the commands absolute "
                "paths)",
            )


@rule(
    "CL306",
    "sudo-in-run",
    Severity.ERROR,
    "A RUN uses `sudo`; RUN already runs as the stage's USER.",
)
def sudo_in_run(project: Project) -> Found:
    for run in _runs(project):
        for command in run.commands:
            if not command.words or command.name != "sudo":
                continue
            rest = command.words[_program(command) :]
            shown = " ".join(("sudo", *rest[:3]))
            user = _user_at(run)
            if user is None or user in ("root", "0", "root:root", "0:0"):
                fix = (
                    "no USER is set before it, so it runs as the base image's user (root "
                    'for nearly every image): drop "sudo"'
                )
            else:
                fix = (
                    f'this RUN runs as USER {user}: put "USER root" before it, drop "sudo", '
                    f'and switch back with "USER {user}" after it'
                )
            yield (
                run.at(command),
                f'"{shown}": sudo is made for interactive logins (it may be missing, ask for '
                f"a password or reset the environment) and hides which user a step runs as; "
                f"{fix}",
            )


def _user_at(run: _Run) -> str | None:
    """The USER in effect for `run` (its stage or a parent stage), None if never set."""
    user: str | None = None
    for context in run.contexts[:1]:
        for instruction in _before(run, context.resolver.chain(run.stage)):
            if instruction.keyword == "USER" and instruction.args.strip():
                user = instruction.args.strip()
    return user


@rule(
    "CL307",
    "apt-lists-kept",
    Severity.INFO,
    "A RUN runs `apt-get update` but leaves /var/lib/apt/lists in the image.",
)
def apt_lists_kept(project: Project) -> Found:
    for run in _runs(project):
        if not run.shipped:
            continue  # a build stage whose layers the image never carries
        update = next((c for c in run.commands if _updates_apt_lists(c)), None)
        if update is None or _removes_apt_lists(run):
            continue
        program = _basename(update.words[_program(update)])
        in_script = bool(run.instruction.heredocs) and update.line > run.instruction.line
        cleanup = (
            'add a last line "rm -rf /var/lib/apt/lists/*" to the script'
            if in_script
            else 'end the same RUN with "&& rm -rf /var/lib/apt/lists/*"'
        )
        yield (
            run.at(update),
            f'"{program} update" downloads the package lists to /var/lib/apt/lists and this '
            f"RUN leaves them in the image layer (tens of MB nobody uses at run time); "
            f'{cleanup}, or mount a cache: "RUN --mount=type=cache,target=/var/lib/apt/lists'
            ' ..."',
        )


def _updates_apt_lists(command: Command) -> bool:
    call = _call(command, frozenset({"apt-get", "apt", "aptitude"}), _APT_GET_VALUE_OPTIONS)
    return call is not None and call.action == "update"


def _removes_apt_lists(run: _Run) -> bool:
    lists = "/var/lib/apt/lists"
    for kind, target in _mounts(run.instruction):
        if kind in ("cache", "tmpfs") and target != "/" and (lists + "/").startswith(target + "/"):
            return True
    for command in run.commands:
        if not command.words or command.name not in ("rm", "find"):
            continue
        if command.name == "find" and not command.has("-delete", "rm"):
            continue
        for word in command.words[1:]:
            path = word.rstrip("*").rstrip("/")
            if path in (lists, "/var/lib/apt") or word.startswith(lists + "/"):
                return True
    return False


@rule(
    "CL308",
    "apt-get-no-yes",
    Severity.WARNING,
    "`apt-get install` (or upgrade, remove...) without `-y` aborts at its prompt.",
)
def apt_get_no_yes(project: Project) -> Found:
    for run in _runs(project):
        for index, command in enumerate(run.commands):
            call = _apt_get(command)
            if call is None or call.action not in _APT_GET_PROMPTING:
                continue
            if _assumes_yes(call.words) or _fed_by_yes(run.commands, index):
                continue
            if _apt_configured(run, "apt::get::assume-yes", _TRUTHY):
                continue
            yield (
                run.at(command),
                f'"{call.text}" without -y asks "Do you want to continue? [Y/n]", which a '
                f'build cannot answer, so apt-get aborts; add -y: "apt-get {call.action} -y ..."',
            )


def _assumes_yes(words: Sequence[str]) -> bool:
    quiet = 0
    for word in words[1:]:
        if word in ("--yes", "--assume-yes", "--force-yes"):
            return True
        if _apt_option(word, "apt::get::assume-yes") in _TRUTHY:
            return True
        if word.startswith(("--quiet=", "-q=")):
            level = word.partition("=")[2]
            if level.isdigit() and int(level) >= 2:
                return True
            continue
        if word == "--quiet":
            quiet += 1
        elif word.startswith("-") and not word.startswith("--"):
            for letter in word[1:]:
                if letter == "y":
                    return True
                if letter == "q":
                    quiet += 1
                elif letter in "oct":
                    break  # the rest of the word is that option's value
    return quiet >= 2


def _fed_by_yes(commands: Sequence[Command], index: int) -> bool:
    """`yes | apt-get install ...` answers the prompt."""
    command = commands[index]
    if not command.in_pipeline or index == 0:
        return False
    previous = commands[index - 1]
    return previous.in_pipeline and bool(previous.words) and previous.name == "yes"


@rule(
    "CL309",
    "apt-install-recommends",
    Severity.INFO,
    "`apt-get install` without `--no-install-recommends` also installs recommended packages.",
)
def apt_install_recommends(project: Project) -> Found:
    for run in _runs(project):
        for command in run.commands:
            call = _apt_get(command)
            if call is None or call.action != "install":
                continue
            words = call.words
            if "--no-install-recommends" in words or any(
                _apt_option(w, "apt::install-recommends") in _FALSY for w in words
            ):
                continue
            if _apt_configured(run, "apt::install-recommends", _FALSY):
                continue
            yield (
                run.at(command),
                '"apt-get install" also installs every package these packages merely '
                "recommend, making the image larger and its contents less predictable; add "
                '--no-install-recommends: "apt-get install -y --no-install-recommends ..."',
            )


_APT_TO_APT_GET = {
    "install": "apt-get install",
    "remove": "apt-get remove",
    "purge": "apt-get purge",
    "autoremove": "apt-get autoremove",
    "update": "apt-get update",
    "upgrade": "apt-get upgrade",
    "full-upgrade": "apt-get dist-upgrade",
    "reinstall": "apt-get reinstall",
    "clean": "apt-get clean",
    "autoclean": "apt-get autoclean",
    "satisfy": "apt-get satisfy",
    "build-dep": "apt-get build-dep",
    "source": "apt-get source",
    "search": "apt-cache search",
    "show": "apt-cache show",
    "policy": "apt-cache policy",
    "depends": "apt-cache depends",
    "rdepends": "apt-cache rdepends",
    "showsrc": "apt-cache showsrc",
    "list": "dpkg-query --list (or apt-cache policy)",
}


@rule(
    "CL316",
    "apt-not-apt-get",
    Severity.WARNING,
    "A RUN uses `apt`, the interactive front end; scripts should use apt-get / apt-cache.",
)
def apt_not_apt_get(project: Project) -> Found:
    for run in _runs(project):
        for command in run.commands:
            call = _call(command, frozenset({"apt"}), _APT_GET_VALUE_OPTIONS)
            if call is None:
                continue
            instead = _APT_TO_APT_GET.get(call.action, "apt-get or apt-cache")
            shown = f"apt {call.action}".strip()
            yield (
                run.at(command),
                f'"{shown}" uses apt, the front end meant for people at a terminal: its '
                "output and behaviour may change between releases and it warns it has no "
                f'stable command-line interface; use "{instead}" instead',
            )


@rule(
    "CL317",
    "pip-cache-kept",
    Severity.WARNING,
    "`pip install` without `--no-cache-dir` keeps pip's download cache in the image.",
)
def pip_cache_kept(project: Project) -> Found:
    for run in _runs(project):
        if not run.shipped:
            continue  # a build stage: its cache never reaches the image
        if _run_disables_pip_cache(run):
            continue
        contexts = run.contexts
        for command in run.commands:
            call = _pip_install(command)
            if call is None or _command_disables_pip_cache(call, run):
                continue
            if all(
                (_variable(run, c, "PIP_NO_CACHE_DIR") or "").lower() in _TRUTHY for c in contexts
            ):
                continue
            if any(_pip_cache_mounted(run, c, call) for c in contexts):
                continue
            yield (
                run.at(command),
                f'"{call.text}" keeps its download and wheel cache (~/.cache/pip) in the '
                f'image layer; add --no-cache-dir ("{call.text} --no-cache-dir ..."), set '
                '"ENV PIP_NO_CACHE_DIR=1" in this stage, or mount the cache: '
                '"RUN --mount=type=cache,target=/root/.cache/pip ..."',
            )


def _run_disables_pip_cache(run: _Run) -> bool:
    """`export PIP_NO_CACHE_DIR=1`, or the cache removed later in the same RUN."""
    for command in run.commands:
        if not command.words:
            continue
        name = command.name
        if name in ("export", "declare", "typeset"):
            for word in command.words[1:]:
                variable, _, value = word.partition("=")
                if variable == "PIP_NO_CACHE_DIR" and value.lower() in _TRUTHY:
                    return True
        elif name == "rm":
            for word in command.words[1:]:
                path = word.rstrip("*").rstrip("/")
                if path.endswith((".cache/pip", "/.cache")):
                    return True
        else:
            pip = _program(command)
            words = command.words[pip:]
            if (
                len(words) >= 3
                and _is_versioned(_basename(words[0]), "pip")
                and words[1] == "cache"
                and words[2] == "purge"
            ):
                return True
    return False


def _command_disables_pip_cache(call: _Call, run: _Run) -> bool:
    words = call.words
    if any(w == "--no-cache-dir" or w.startswith("--no-cache-dir=") for w in words):
        return True
    for assignment in call.command.assignments:
        variable, _, value = assignment.partition("=")
        if variable == "PIP_NO_CACHE_DIR" and value.lower() in _TRUTHY:
            return True
    return False


def _pip_cache_mounted(run: _Run, context: _Context, call: _Call) -> bool:
    words = call.words
    cache_dirs = {words[i + 1].rstrip("/") for i, w in enumerate(words[:-1]) if w == "--cache-dir"}
    cache_dirs |= {w.partition("=")[2].rstrip("/") for w in words if w.startswith("--cache-dir=")}
    configured = _variable(run, context, "PIP_CACHE_DIR")
    if configured:
        cache_dirs.add(configured.rstrip("/"))
    for kind, target in _mounts(run.instruction):
        if kind not in ("cache", "tmpfs"):
            continue
        if target.endswith((".cache/pip", "/.cache")) or target in cache_dirs:
            return True
    return False


@rule(
    "CL323",
    "pipe-without-pipefail",
    Severity.WARNING,
    "A RUN pipes commands but its shell does not set `-o pipefail`: failures are hidden.",
)
def pipe_without_pipefail(project: Project) -> Found:
    for run in _runs(project):
        if run.onbuild:
            continue  # the trigger runs under the SHELL of whichever image builds on this one
        pipe = _risky_pipeline(run.commands)
        if pipe is None:
            continue
        producer, consumer = pipe
        problem = f'"{producer.name} ... | {consumer.name} ...": if {producer.name} fails, '
        problem += f"the RUN still succeeds as long as {consumer.name} does"
        if run.instruction.json_args is not None:
            if _sets_pipefail(run.instruction.json_args):
                continue
            shell = run.instruction.json_args[0] if run.instruction.json_args else "sh"
            yield (
                run.at(producer),
                f"{problem}; this exec-form RUN runs {shell} without pipefail: write "
                f'["/bin/bash", "-o", "pipefail", "-c", "..."]',
            )
            continue
        if _run_sets_pipefail(run.commands, producer):
            continue
        fixes = []
        for context in run.contexts:
            fix = _pipefail_fix(run, context)
            if fix is not None and fix not in fixes:
                fixes.append(fix)
        if fixes:
            yield run.at(producer), f"{problem}; {fixes[0]}"


def _risky_pipeline(commands: Sequence[Command]) -> tuple[Command, Command] | None:
    """The (first, last) command of the first pipeline whose failure would be hidden:
    one where a stage before the last is more than echo/printf/yes."""
    i = 0
    while i < len(commands):
        if not commands[i].in_pipeline:
            i += 1
            continue
        j = i
        while j + 1 < len(commands) and commands[j + 1].in_pipeline:
            j += 1
        group = commands[i : j + 1]
        if len(group) >= 2 and any(c.name not in _HARMLESS_PRODUCERS for c in group[:-1]):
            return group[0], group[-1]
        i = j + 1
    return None


def _run_sets_pipefail(commands: Sequence[Command], producer: Command) -> bool:
    """`set -o pipefail` before the pipe, or a `bash -o pipefail -c` in the RUN."""
    for command in commands:
        if command is producer:
            break
        if command.words and command.name == "set" and _sets_pipefail(command.words):
            return True
    return any(c.words and c.name in _POSIX_SHELLS and _sets_pipefail(c.words) for c in commands)


def _pipefail_fix(run: _Run, context: _Context) -> str | None:
    """How to fix the stage's shell for this build, or None when it is fine."""
    shell = _shell_at(run, context)
    alpine = _is_alpine(context.resolver, run.stage)
    wanted = (
        '["/bin/ash", "-o", "pipefail", "-c"]'
        if alpine
        else ('["/bin/bash", "-o", "pipefail", "-c"]')
    )
    if shell is None:
        where = "Alpine's /bin/sh (busybox ash)" if alpine else "the default shell /bin/sh"
        return f"{where} runs it without pipefail; add SHELL {wanted} before this RUN"
    if not shell:
        return None
    program = _basename(shell[0]).lower()
    if program in _NON_POSIX_SHELLS:
        return None
    if _sets_pipefail(shell):
        return None  # any shell given -o pipefail: it works, or the build fails loudly
    written = json.dumps(shell)
    if program in ("bash", "zsh", "ash", "ksh", "mksh"):
        wanted = json.dumps([shell[0], "-o", "pipefail", *shell[1:]])
    return f"SHELL {written} does not set pipefail; use SHELL {wanted}"


def _shell_at(run: _Run, context: _Context) -> list[str] | None:
    """The SHELL in effect for `run` (from its stage or a parent stage), None for the default."""
    shell: list[str] | None = None
    for instruction in _before(run, context.resolver.chain(run.stage)):
        if instruction.keyword == "SHELL" and instruction.json_args is not None:
            shell = instruction.json_args
    return shell


def _is_alpine(resolver: Resolver, stage: Stage) -> bool:
    root = resolver.root_image(stage)
    image = parse_image(root) if root else None
    if image is None:
        return False
    name = image.repository.rsplit("/", 1)[-1]
    return name in ("alpine", "busybox") or "alpine" in (image.tag or "")


@rule(
    "CL327",
    "unpinned-packages",
    Severity.INFO,
    "A package is installed without a version (apt-get, apk, pip, npm).",
    default_enabled=False,
)
def unpinned_packages(project: Project) -> Found:
    for run in _runs(project):
        for command in run.commands:
            found = _unpinned(command)
            if not found:
                continue
            call, manager, indexes = found
            positions = _word_positions(run, command)
            for index in indexes:
                package = command.words[index]
                line, column = positions[index]
                yield (
                    run.source.loc(line, column),
                    _unpinned_message(manager, call, package),
                )


def _unpinned(command: Command) -> tuple[_Call, str, list[int]] | None:
    """The package words `command` installs without a version, by manager."""
    call = _apt_get(command)
    if call is not None and call.action == "install":
        return call, "apt", [i for i in call.operands if not _apt_pinned(command.words[i])]
    call = _call(command, frozenset({"apk"}), _APK_VALUE_OPTIONS)
    if call is not None and call.action == "add":
        return call, "apk", [i for i in call.operands if not _apk_pinned(command.words[i])]
    call = _pip_install(command)
    if call is not None:
        if any(w in ("-c", "--constraint") or w.startswith("--constraint=") for w in call.words):
            return None  # versions come from the constraints file
        return call, "pip", [i for i in call.operands if not _pip_pinned(command.words[i])]
    call = _call(command, frozenset({"npm"}), _NPM_VALUE_OPTIONS)
    if call is not None and call.action in ("install", "i", "add"):
        return call, "npm", [i for i in call.operands if not _npm_pinned(command.words[i])]
    return None


def _apt_pinned(word: str) -> bool:
    # pkg=1.2-3, pkg/bookworm-backports (a release), ./local.deb
    return "$" in word or "=" in word or "/" in word or word.endswith(".deb")


def _apk_pinned(word: str) -> bool:
    return "$" in word or any(c in word for c in "=~<>") or word.endswith(".apk")


def _pip_pinned(word: str) -> bool:
    if "$" in word or any(op in word for op in _PIP_VERSION_OPERATORS):
        return True
    if word.startswith(_PIP_VCS_PREFIXES):
        return "@" in word.split("://", 1)[-1]  # git+https://host/repo@v1.2
    # a URL, a local path (".", "./pkg", "/wheels/x.whl") or an archive
    return "/" in word or word.startswith(".") or word.endswith(_PIP_ARCHIVE_SUFFIXES)


def _npm_pinned(word: str) -> bool:
    if "$" in word:
        return True
    if word.startswith(("git:", "git+", "github:")):
        return "#" in word
    if word.startswith(("/", "./", "../", "~/", "file:", "http:", "https:")):
        return True
    if word.endswith((".tgz", ".tar.gz", ".tar")):
        return True
    name = word[1:] if word.startswith("@") else word  # @scope/name@1.2
    _, at, version = name.partition("@")
    return bool(at) and version not in ("", "latest", "next")


def _unpinned_message(manager: str, call: _Call, package: str) -> str:
    name = package.split("[", 1)[0] if manager == "pip" else package
    if manager == "apt":
        pin = f"{package}=<version>"
        hint = f' (find it with "apt-cache policy {package}")'
    elif manager == "apk":
        pin = f"{package}=<version>"
        hint = f' (or "{package}~<major.minor>" to accept patch releases)'
    elif manager == "pip":
        pin = f"{package}==<version>"
        hint = " (or list it with its version in a requirements file)"
    else:
        name = package
        pin = f"{package}@<version>"
        hint = " (or add it to package.json and use npm ci)"
    return (
        f'"{name}" is installed by "{call.text}" without a version, so each build may get '
        f'a different one; pin it: "{pin}"{hint}'
    )
