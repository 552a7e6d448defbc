"""CL315 shell-form-cmd: CMD or ENTRYPOINT in shell form, so the shell is PID 1 and
does not pass stop signals on.

The SHELL in effect comes from the image model (`Step.shell`); on a Windows base
image (`is_windows_image`) the default shell is cmd, which has no POSIX signals.
"""

from __future__ import annotations

import json

from compose_lint.findings import Severity
from compose_lint.load.dockerfile import Instruction, Stage
from compose_lint.model import Project
from compose_lint.model.commands import Command, shell_commands
from compose_lint.model.image import Resolver, is_windows_image, non_posix_shell, resolvers
from compose_lint.registry import Found, rule

_SHELL_SPECIALS = frozenset("$`*?[~")


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _execs(commands: tuple[Command, ...]) -> bool:
    """Whether the shell replaces itself with the program (`exec server --flag`)."""
    return any(c.words[0] == "exec" and len(c.words) > 1 and not c.in_pipeline for c in commands)


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


def _message(
    resolver: Resolver,
    stage: Stage,
    instruction: Instruction,
    commands: tuple[Command, ...],
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
    shown = _short(instruction.args.strip())
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
                runner = " ".join(shell) if shell else "/bin/sh -c"
                message = _message(resolver, stage, instruction, commands, runner)
                yield source.loc(instruction.line, instruction.column), message
