"""Edits a rule may offer as its finding's fix, computed from the positions the loaders
keep and checked against the text as written: when the text at a position is not what
the edit expects (a word split by a line continuation, a key in a flow mapping, an
exec-form array), no edit is offered rather than a guess.

Positions and the end of a range follow `compose_lint.findings.Edit`: 1-based lines,
columns in code points, the end not included."""

from __future__ import annotations

import re

from compose_lint.findings import Edit
from compose_lint.load.dockerfile import Instruction
from compose_lint.model import ComposeFile, DockerfileSource
from compose_lint.model.commands import Command, PackageCall

_LINES = re.compile(r"\r\n|\n")
# a top-level `version:` line: the key (quoted or not) and a one-line scalar
_VERSION_LINE = re.compile(
    r"""(?:version|"version"|'version')[ \t]*:[ \t]+"""
    r"""(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|[0-9A-Za-z][0-9A-Za-z._-]*)"""
    r"""[ \t]*(?:[ \t]#.*)?"""
)


def _lines(text: str) -> list[str]:
    return _LINES.split(text)


# -- compose files ----------------------------------------------------------------------


def delete_top_level_key(compose: ComposeFile, key: str) -> Edit | None:
    """Delete the line of a top-level `key: scalar` (its line ending too), when the
    entry is that one line: the key at the start of the line, a one-line scalar
    without anchor or tag, nothing of it on the lines below."""
    doc = compose.doc
    if doc is None or not compose.text or (key,) not in doc.marks:
        return None
    mark = doc.marks[(key,)]
    if mark.key_column != 1 or mark.line != mark.key_line:
        return None
    lines = _lines(compose.text)
    index = mark.key_line - 1
    if index >= len(lines) or key != "version":
        return None
    if _VERSION_LINE.fullmatch(lines[index].rstrip(" \t")) is None:
        return None
    for below in lines[index + 1 :]:  # up to the next line that starts in column 1
        if below[:1] not in (" ", "\t"):
            break
        if below.strip() and not below.lstrip().startswith("#"):
            return None  # the value goes on: a continued plain scalar
    return Edit(compose.display, mark.key_line, 1, mark.key_line + 1, 1, "")


# -- Dockerfiles --------------------------------------------------------------------------


def _physical(instruction: Instruction, line: int) -> str | None:
    offset = line - instruction.line
    if 0 <= offset < len(instruction.lines):
        return instruction.lines[offset]
    return None


def insert_after_word(
    source: DockerfileSource, instruction: Instruction, command: Command, index: int, text: str
) -> Edit | None:
    """Insert ` text` right after word `index` of a shell-form command, when the word
    is written at its position as the command reads it and a blank or the end of the
    line (or of a quoted `sh -c` string) follows it."""
    if instruction.json_args is not None or not command.positions or not command.raws:
        return None
    if not 0 <= index < min(len(command.positions), len(command.raws)):
        return None
    line, column = command.positions[index]
    raw = command.raws[index]
    physical = _physical(instruction, line)
    if physical is None or not raw or physical[column - 1 : column - 1 + len(raw)] != raw:
        return None
    after = physical[column - 1 + len(raw) : column + len(raw)]
    if after not in ("", " ", "\t", '"', "'", ";", ")"):
        return None
    end = column + len(raw)
    return Edit(source.display, line, end, line, end, f" {text}")


def add_option(
    source: DockerfileSource, instruction: Instruction, call: PackageCall, option: str
) -> Edit | None:
    """Add `option` right after the action of a package-manager call
    (`apt-get install` -> `apt-get install -y`)."""
    words = call.command.words
    for index in range(call.start, len(words)):
        if words[index] == call.action:
            return insert_after_word(source, instruction, call.command, index, option)
    return None


def replace_instruction(
    source: DockerfileSource, instruction: Instruction, text: str
) -> Edit | None:
    """Replace a one-line instruction (keyword to the end of its line) with `text`."""
    if instruction.end_line != instruction.line or len(instruction.lines) != 1:
        return None
    physical = instruction.lines[0]
    start = instruction.column
    if physical[start - 1 : start - 1 + len(instruction.keyword)].upper() != instruction.keyword:
        return None
    end = len(physical.rstrip(" \t")) + 1
    return Edit(source.display, instruction.line, start, instruction.line, end, text)


def delete_instruction(source: DockerfileSource, instruction: Instruction) -> Edit | None:
    """Delete the lines of a one-line instruction that is alone on its line."""
    if instruction.end_line != instruction.line or len(instruction.lines) != 1:
        return None
    if instruction.lines[0][: instruction.column - 1].strip():
        return None
    return Edit(source.display, instruction.line, 1, instruction.line + 1, 1, "")


def insert_line_before(
    source: DockerfileSource, instruction: Instruction, text: str
) -> Edit | None:
    """A new line `text` above `instruction`, indented as it is."""
    physical = instruction.lines[0] if instruction.lines else ""
    indent = physical[: instruction.column - 1]
    if indent.strip():
        return None
    return Edit(source.display, instruction.line, 1, instruction.line, 1, f"{indent}{text}\n")


def insert_line_after(
    source: DockerfileSource, instruction: Instruction, text: str, escape: str = "\\"
) -> Edit | None:
    """A new line `text` below the last line of `instruction` (which must not end in
    an open continuation: the new line would join it)."""
    if (
        not instruction.lines
        or len(instruction.lines) != instruction.end_line - instruction.line + 1
    ):
        return None
    last = instruction.lines[-1]
    if last.rstrip(" \t").endswith(escape):
        return None
    column = len(last) + 1
    line = instruction.end_line
    return Edit(source.display, line, column, line, column, f"\n{text}")


# -- new files ----------------------------------------------------------------------------


def new_file(path: str, lines: list[str]) -> Edit:
    """Create `path` (as shown) holding these lines; refused where a file exists."""
    return Edit(path, 1, 1, 1, 1, "".join(f"{line}\n" for line in lines), create=True)
