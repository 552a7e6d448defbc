"""CL324: what EXPOSE declares (the other rules of this module moved to
checks/dockerfile/, one file each)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from compose_lint.findings import Location, Severity
from compose_lint.load.dockerfile import Instruction
from compose_lint.model import Project
from compose_lint.registry import rule

Found = Iterator[tuple[Location, str]]


# --- shared helpers --------------------------------------------------------------------


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


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
