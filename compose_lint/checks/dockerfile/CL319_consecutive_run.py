"""CL319 consecutive-run: two RUNs in a row, each running a single command, with
the same flags, could be one layer."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.load.dockerfile import Instruction
from compose_lint.model import Project
from compose_lint.model.commands import Command, run_commands
from compose_lint.registry import Found, rule


def _count(command: Command) -> int:
    """The command and those of its command substitutions (`$(...)`, backticks)."""
    return 1 + sum(_count(inner) for inner in command.substitutions)


def _command_count(instruction: Instruction, escape: str) -> int:
    """How many commands a RUN runs; command substitutions count as commands too."""
    return sum(_count(command) for command in run_commands(instruction, escape))


def _flag_key(instruction: Instruction) -> tuple[str, ...]:
    """The RUN flags, independent of their order (and of the order of mount options)."""
    key: list[str] = []
    for flag in instruction.flags:
        name, sep, value = flag.partition("=")
        if name == "--mount" and sep:
            value = ",".join(sorted(value.split(",")))
        key.append(f"{name}={value}" if sep else name)
    return tuple(sorted(key))


def _one_line(instruction: Instruction) -> str | None:
    if instruction.end_line != instruction.line or instruction.json_args is not None:
        return None
    return instruction.args.strip() or None


def _message(first: Instruction, second: Instruction) -> str:
    joined = ""
    a, b = _one_line(first), _one_line(second)
    if a is not None and b is not None and len(a) + len(b) <= 70:
        flags = " ".join(second.flags)
        joined = f' ("RUN {flags + " " if flags else ""}{a} && {b}")'
    return (
        f"this RUN directly follows the RUN on line {first.line} and each adds its own "
        f"image layer; join them into one RUN with &&{joined}"
    )


@rule(
    "CL319",
    "consecutive-run",
    Severity.INFO,
    "Two RUN instructions in a row that each run a single command could be one layer.",
    default_enabled=False,
)
def consecutive_run(project: Project) -> Found:
    for source, dockerfile, _ in project.parsed_dockerfiles():
        for stage in dockerfile.stages:
            previous: tuple[Instruction, int] | None = None
            for instruction in stage.instructions:
                if instruction.keyword != "RUN":
                    previous = None
                    continue
                count = _command_count(instruction, dockerfile.escape)
                if (
                    previous is not None
                    and count <= 1
                    and previous[1] <= 1
                    and _flag_key(previous[0]) == _flag_key(instruction)
                ):
                    yield (
                        source.loc(instruction.line, instruction.column),
                        _message(previous[0], instruction),
                    )
                previous = (instruction, count)
