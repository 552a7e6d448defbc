"""CL315 shell-form-cmd: CMD or ENTRYPOINT in shell form, so the shell is PID 1 and
does not pass stop signals on.

The SHELL in effect comes from the image model (`Step.shell`); on a Windows base
image (`is_windows_image`) the default shell is cmd, which has no POSIX signals.

A shell-form CMD is not reported when an init is PID 1 and hands it on as the program:
an exec-form ENTRYPOINT that starts with `tini` or `dumb-init` and runs CMD itself or
through an entrypoint script from the build context that ends in `exec "$@"`
(`model.entrypoint`), or compose `init: true` on every service that builds it. Behind
such a script without an init, the message says that the script's `exec "$@"` makes
the shell PID 1. Nor when the CMD runs a shell script from the build context that never
execs another program (a loop): its own shell is PID 1 in either form.
"""

from __future__ import annotations

import json
import re
from typing import NamedTuple

from compose_lint.findings import Severity
from compose_lint.load.dockerfile import Instruction, Stage
from compose_lint.model import Build, Project
from compose_lint.model.commands import SHELLS, Command, basename, shell_commands
from compose_lint.model.entrypoint import (
    EntrypointScript,
    entrypoint_script,
    skip_init,
    start_of,
    started_script,
)
from compose_lint.model.image import (
    BuiltImage,
    Resolver,
    image_facts,
    image_of,
    is_windows_image,
    non_posix_shell,
    resolvers,
)
from compose_lint.registry import Found, rule

_SHELL_SPECIALS = frozenset("$`*?[~")


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _execs(commands: tuple[Command, ...]) -> bool:
    """Whether the shell replaces itself with the program (`exec server --flag`)."""
    return any(c.words[0] == "exec" and len(c.words) > 1 and not c.in_pipeline for c in commands)


# quoted text and ${...} / $(...) expansions, which hold no compound command of the script
_NOT_STRUCTURE = re.compile(r"'[^']*'|\"(?:\\.|[^\"\\])*\"|\$\{[^}]*\}|\$\([^)]*\)")
_COMPOUND = re.compile(
    r"[()]|(?:^|[\s;&|])(?:if|while|until|for|case|do|done|fi|esac|\{|\})(?=[\s;&|]|$)"
)


def _last_replaces_shell(
    resolver: Resolver, stage: Stage, text: str, commands: tuple[Command, ...]
) -> bool:
    """Whether the default /bin/sh of the image is busybox ash, which replaces itself
    with the last command of a `sh -c` string (outside compound commands, pipelines and
    the background, and without a trap): that program is then PID 1."""
    facts = image_facts(resolver.root_image(stage))
    if facts is None or facts.sh != "busybox" or not commands:
        return False
    if _COMPOUND.search(_NOT_STRUCTURE.sub(" ", text)):
        return False
    last = commands[-1]
    return not (last.in_pipeline or last.background or any(c.name == "trap" for c in commands))


def _as_exec_form(commands: tuple[Command, ...]) -> str | None:
    """The JSON array that runs the same single plain command without a shell."""
    if len(commands) != 1:
        return None
    command = commands[0]
    if command.assignments or command.redirects or command.in_pipeline:
        return None
    if any(_SHELL_SPECIALS & set(word) for word in command.words):
        return None
    return json.dumps(list(command.words), ensure_ascii=False)


def _shell_of(resolver: Resolver, stage: Stage, instruction: Instruction) -> list[str] | None:
    """The SHELL a shell-form instruction runs under; ["cmd"] for a Windows base image
    without one; None for the default /bin/sh -c."""
    step = next(s for s in resolver.own_steps(stage) if s.instruction is instruction)
    if step.shell is not None:
        return list(step.shell)
    return ["cmd"] if is_windows_image(resolver.root_image(stage)) else None


_TRUE = ("true", "yes", "on", "1")


def _images_running(stage: Stage, builds: list[Build]) -> list[BuiltImage]:
    """The images of `builds` whose built stage is `stage` or built FROM it."""
    found = []
    for build in builds:
        image = image_of(build)
        if image is not None and stage in image.chain:
            found.append(image)
    return found


def _script_stays_pid1(image: BuiltImage) -> bool:
    """Whether the image, without an ENTRYPOINT, runs a shell script from the context
    that never execs another program (a `while true` loop): that shell is the process
    stop signals reach in either form, so the exec form changes nothing (a `trap` in
    the script would; CL516 speaks of a server such a script starts)."""
    if image.entrypoint is not None:
        return False
    script = started_script(image)
    if script is None or script.shebang is None or basename(script.shebang) not in SHELLS:
        return False
    return not any(c.words[:1] == ("exec",) for c in script.commands)


def _compose_init(image: BuiltImage) -> bool:
    build = image.build
    value = build.service.data.get("init") if build is not None else None
    return value is True or (isinstance(value, str) and value.strip().lower() in _TRUE)


class _Handover(NamedTuple):
    """How an exec-form ENTRYPOINT runs a shell-form CMD."""

    init: bool  # an init is PID 1 (tini, dumb-init, compose `init: true`)
    script: EntrypointScript | None  # the entrypoint script that ends in exec "$@"
    direct: bool  # the init runs CMD itself (`ENTRYPOINT ["tini", "--"]`)


def _handover(
    resolver: Resolver, stage: Stage, images: list[BuiltImage], siblings: list[BuiltImage]
) -> _Handover | None:
    """What every image built from `stage` does with its CMD when it has an exec-form
    ENTRYPOINT from the Dockerfile; None when some image passes CMD as plain arguments
    to a program (or nothing is known). A stage no service builds reads the entrypoint
    script through an image of `siblings` (the Dockerfile's other builds) that inherits
    the same ENTRYPOINT; that service's own `init:` does not count for it."""
    entrypoint = resolver.end(stage).entrypoint
    if entrypoint is None or not entrypoint.json_args:
        return None
    candidates: list[BuiltImage | None] = [i for i in images if i.entrypoint is entrypoint]
    borrowed = False
    if not candidates:
        sibling = next((i for i in siblings if i.entrypoint is entrypoint), None)
        borrowed = sibling is not None
        candidates = [sibling]  # None: no build to read a script from, the ENTRYPOINT alone
    found: list[_Handover] = []
    for image in candidates:
        if image is None:
            words, init = skip_init(list(entrypoint.json_args))
            if init is None or words:
                return None
            found.append(_Handover(True, None, True))
            continue
        start = start_of(image)
        if start is None:
            return None
        has_init = start.init is not None or (not borrowed and _compose_init(image))
        if start.init is not None and not start.words:
            found.append(_Handover(True, None, True))
            continue
        script = entrypoint_script(image)
        if script is None or script.passes_arguments is None:
            return None
        found.append(_Handover(has_init, script, False))
    if not found:
        return None
    return _Handover(all(h.init for h in found), found[0].script, all(h.direct for h in found))


def _message(
    resolver: Resolver,
    stage: Stage,
    instruction: Instruction,
    commands: tuple[Command, ...],
    runner: str,
    handover: _Handover | None = None,
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
    shown = _short(instruction.args.strip())
    if keyword == "CMD" and handover is not None and handover.script is not None:
        script = handover.script
        passes = script.passes_arguments
        line = f" on line {passes.line}" if passes is not None else ""
        return (
            f'CMD in shell form is run by the entrypoint script {script.path} (its exec "$@"'
            f'{line}) as {runner} "{shown}": the shell becomes PID 1 and does not '
            "pass SIGTERM on, so docker compose stop waits out the stop timeout (10 s by "
            f"default) and then kills the program; {fix}, or start the ENTRYPOINT with an "
            'init (["tini", "--", ...]) or set "init: true" on the service'
        )
    if keyword == "CMD":
        entrypoint = resolver.end(stage).entrypoint
        if entrypoint is not None and entrypoint.json_args:
            words = ", ".join(f'"{word}"' for word in runner.split())
            return (
                f'CMD in shell form becomes the arguments {words}, "{shown}" of the '
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


@rule(
    "CL315",
    "shell-form-cmd",
    Severity.WARNING,
    "CMD or ENTRYPOINT in shell form: the shell is PID 1 and does not pass on stop signals.",
)
def shell_form_cmd(project: Project) -> Found:
    for source, dockerfile, builds in project.parsed_dockerfiles():
        resolver = resolvers(dockerfile, builds)[0]
        siblings = [i for b in builds if (i := image_of(b)) is not None]
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
                if non_posix_shell(shell):
                    continue  # Windows: no POSIX signals to forward
                commands = shell_commands(text, instruction.line)
                if _execs(commands):
                    continue
                if shell is None and _last_replaces_shell(resolver, stage, text, commands):
                    continue  # busybox sh execs the last command: the program is PID 1
                runner = " ".join(shell) if shell else "/bin/sh -c"
                handover = None
                if instruction.keyword == "CMD":
                    images = _images_running(stage, builds)
                    if (
                        images
                        and all(_compose_init(i) for i in images)
                        and not any(i.entrypoint is not None for i in images)
                    ):
                        continue  # docker-init is PID 1 and passes signals on
                    if images and all(_script_stays_pid1(i) for i in images):
                        continue  # the exec form would leave the script's own shell PID 1
                    handover = _handover(resolver, stage, images, siblings)
                    if handover is not None and handover.init:
                        continue  # an init is PID 1 and hands CMD on as the program
                message = _message(resolver, stage, instruction, commands, runner, handover)
                yield source.loc(instruction.line, instruction.column), message
