"""Which variables an instruction reads while the image is built, and where.

Docker substitutes `$NAME` and `${NAME…}` itself in ADD, COPY, ENV, EXPOSE, LABEL,
STOPSIGNAL, USER, VOLUME, WORKDIR and in ARG defaults, from the ARG and ENV values in
scope (a `\\$` is a literal dollar, single quotes keep the text as it is). RUN leaves
its text to the shell, which expands it with the same ARG and ENV values in its
environment. CMD, ENTRYPOINT and HEALTHCHECK are expanded only when the container
runs, from its environment (no build argument is there), and ONBUILD's instruction in
another build: none of them reads a build-time variable.

Public names

- `VarUse`: one reference: `name`, `line`, `column`, `text` (`$NAME`, `${NAME:-x}`).
- `build_uses(instruction)`: the references an instruction expands while building,
  in order (RUN through the one reading of shell commands, `model.commands`: a word
  in single quotes, a here-document the shell only writes to a file, and the argv of
  an exec-form RUN expand nothing).
- `shell_sets(instruction)`: (the names a RUN's shell code sets itself, whether it
  may set any name: `. file`, `source`, `eval`, `set -a`).
- `base_image_env(reference)`: the ENV names an external image sets, as far as
  data/image_env.json knows (`BaseEnv.sets(name)`).
- `PROXY_ARGS`: the predefined proxy arguments every RUN sees without an ARG.
- `PLATFORM_ARGS`: the platform arguments BuildKit sets in the global scope.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache
from typing import NamedTuple

from compose_lint import data
from compose_lint.load.dockerfile import Instruction
from compose_lint.model.commands import Command, run_commands
from compose_lint.model.image import table_keys

# https://docs.docker.com/reference/dockerfile/#predefined-args
PROXY_ARGS: frozenset[str] = frozenset(
    name
    for base in ("HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY")
    for name in (base, base.lower())
)
# https://docs.docker.com/reference/dockerfile/#automatic-platform-args-in-the-global-scope
PLATFORM_ARGS: frozenset[str] = frozenset(
    f"{side}{part}"
    for side in ("TARGET", "BUILD")
    for part in ("PLATFORM", "OS", "ARCH", "VARIANT")
)
# instructions whose arguments the builder substitutes itself
_EXPANDED = frozenset(
    {"ADD", "COPY", "ENV", "EXPOSE", "LABEL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR", "ARG"}
)
# flags of those instructions whose value the builder substitutes from the stage's scope
_EXPANDED_FLAGS = ("--chown", "--chmod")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SETTERS = frozenset({"export", "local", "declare", "typeset", "readonly", "read", "getopts"})
_OPAQUE = frozenset({".", "source", "eval"})
_ASSIGNED = re.compile(r"(?:^|(?<=[\s;&|(]))([A-Za-z_][A-Za-z0-9_]*)\+?=")
_LOOP = re.compile(r"\b(?:for|select)\s+([A-Za-z_][A-Za-z0-9_]*)\s")


class VarUse(NamedTuple):
    name: str
    line: int
    column: int
    text: str  # as written: `$NAME`, `${NAME}`, `${NAME:-default}`


def _references(text: str, escape: str, shell: bool) -> Iterator[tuple[int, str, str]]:
    """(offset, name, as written) of each `$NAME` / `${NAME…}` that `text` expands:
    outside single quotes, not escaped; in shell text `$(…)` and backticks are left to
    the commands read inside them."""
    i, n = 0, len(text)
    quote = ""
    while i < n:
        char = text[i]
        if quote == "'":
            if char == "'":
                quote = ""
            i += 1
            continue
        if char == escape:
            i += 2
            continue
        if char == '"':
            quote = "" if quote else '"'
        elif char == "'" and not quote:
            quote = "'"
        elif shell and char == "`":
            end = text.find("`", i + 1)
            i = n if end < 0 else end + 1
            continue
        elif char == "$" and i + 1 < n:
            follows = text[i + 1]
            if follows == "$":  # the shell's process ID, not a name
                i += 2
                continue
            if shell and follows == "(":
                i = _skip_parens(text, i + 1)
                continue
            if follows == "{":
                match = _NAME.match(text, i + 2)
                if match is not None:
                    close = text.find("}", match.end())
                    end = n if close < 0 else close + 1
                    yield i, match.group(), text[i:end]
                    i = match.end()
                    continue
            else:
                match = _NAME.match(text, i + 1)
                if match is not None:
                    yield i, match.group(), text[i : match.end()]
                    i = match.end()
                    continue
        i += 1


def _skip_parens(text: str, i: int) -> int:
    """The offset after the `)` that closes the `(` at `i` (quotes respected)."""
    depth, n, quote = 0, len(text), ""
    while i < n:
        char = text[i]
        if quote:
            if char == quote:
                quote = ""
            elif char == "\\" and quote == '"':
                i += 1
        elif char in "'\"":
            quote = char
        elif char == "\\":
            i += 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return n


def build_uses(instruction: Instruction) -> tuple[VarUse, ...]:
    """The variable references `instruction` expands while the image is built, in the
    order they are written (see the module's docstring for which ones count)."""
    keyword = instruction.keyword
    if keyword == "RUN":
        return tuple(_run_uses(instruction))
    if keyword in _EXPANDED:
        return tuple(_builder_uses(instruction))
    return ()


def _builder_uses(instruction: Instruction) -> Iterator[VarUse]:
    """References in the arguments (and `--chown`/`--chmod`) the builder substitutes;
    here-document bodies are left out."""
    escape = instruction.escape
    flags = True  # leading --flags: only --chown and --chmod are read
    for index, line in enumerate(instruction.command_lines):
        stripped = line.strip()
        if index and (not stripped or stripped.startswith("#")):
            continue
        begin = instruction.column - 1 + len(instruction.keyword) if index == 0 else 0
        if flags:
            for match in re.finditer(r"\S+", line[begin:]):
                word = match.group()
                if not word.startswith("--"):
                    flags = False
                    begin += match.start()
                    break
                if word.startswith(_EXPANDED_FLAGS):
                    for offset, name, text in _references(word, escape, shell=False):
                        column = begin + match.start() + offset + 1
                        yield VarUse(name, instruction.line + index, column, text)
            if flags:
                continue  # a line of flags only
        for offset, name, text in _references(line[begin:], escape, shell=False):
            yield VarUse(name, instruction.line + index, begin + offset + 1, text)


def _run_uses(instruction: Instruction) -> Iterator[VarUse]:
    commands = run_commands(instruction, instruction.escape)
    if instruction.json_args is not None:
        commands = commands[1:]  # the argv itself is not expanded; its `sh -c` body is
    yield from _command_uses(instruction, commands)


def _command_uses(instruction: Instruction, commands: Sequence[Command]) -> Iterator[VarUse]:
    for command in commands:
        raws = command.raws if len(command.raws) == len(command.words) else command.words
        for raw, (line, column) in zip(raws, command.positions, strict=False):
            for offset, name, text in _references(raw, "\\", shell=True):
                yield VarUse(name, *_where(instruction, line, column + offset, text))
        for item in (*command.assignments, *command.redirects):
            for _, name, text in _references(item, "\\", shell=True):
                yield VarUse(name, *_where(instruction, command.line, command.column, text))
        yield from _command_uses(instruction, command.substitutions)


def _where(instruction: Instruction, line: int, column: int, text: str) -> tuple[int, int, str]:
    """(line, column, text) of a reference: the position computed from its word when
    the text is there as written, else the first place the instruction writes it."""
    index = line - instruction.line
    lines = instruction.lines
    if 0 <= index < len(lines) and lines[index][column - 1 :].startswith(text):
        return line, column, text
    for offset, physical in enumerate(instruction.lines):
        found = physical.find(text)
        if found >= 0:
            return instruction.line + offset, found + 1, text
    return instruction.line, instruction.column, text


def shell_sets(instruction: Instruction) -> tuple[frozenset[str], bool]:
    """The names a RUN's shell code assigns itself (`NAME=…`, `export NAME`, `read
    NAME`, `for NAME in`, `local`/`declare`/`readonly`), and whether it may set names
    nobody can see (`. file`, `source`, `eval`, `set -a`). Here-document bodies the
    shell runs count too."""
    names: set[str] = set()
    opaque = False
    for command in run_commands(instruction, instruction.escape):
        opaque = opaque or _sets(command, names)
    # a bare `NAME=value` is no simple command, and a loop variable sits in a compound
    # command's header: both are read from the text (a word that only looks like an
    # assignment counts too, which keeps the rule silent)
    for line in instruction.lines:
        names.update(_ASSIGNED.findall(line))
        names.update(_LOOP.findall(line))
    return frozenset(names), opaque


def _sets(command: Command, names: set[str]) -> bool:
    opaque = False
    for assignment in command.assignments:
        names.add(assignment.partition("=")[0])
    words = command.words
    if words and words[0] in _SETTERS:
        for word in words[1:]:
            name = word.partition("=")[0]
            if _NAME.fullmatch(name):
                names.add(name)
    if words and (words[0] in _OPAQUE or (words[0] == "set" and "-a" in words[1:])):
        opaque = True
    for inner in command.substitutions:
        opaque = _sets(inner, names) or opaque
    return opaque


class BaseEnv(NamedTuple):
    """The ENV names an external image sets (see `base_image_env`)."""

    names: frozenset[str]
    known: bool  # the table records the image: `names` is all it sets
    tools: frozenset[str]  # for an unknown image: the words of its name (`node`, `php`)

    def sets(self, name: str) -> bool:
        """Whether the image may set `name`: a recorded name; for an image the table
        does not know, also any name recorded for another image, or one that starts
        with a word of the image's name (`NODE_VERSION` on `cimg/node`)."""
        if name in self.names:
            return True
        if self.known:
            return False
        return name.partition("_")[0].lower() in self.tools or name in _all_env()


@cache
def _env_table() -> dict[str, frozenset[str]]:
    table = data.load("image_env.json")["images"]
    return {str(k): frozenset(v.get("env", ())) for k, v in table.items()}


@cache
def _all_env() -> frozenset[str]:
    return frozenset(name for names in _env_table().values() for name in names)


def base_image_env(reference: str | None) -> BaseEnv:
    """The ENV names the image `reference` names sets (data/image_env.json); for an
    unknown image (None, or not in the table) nothing is known for sure."""
    found = table_keys(reference) if reference else None
    if found is None:
        return BaseEnv(frozenset(), False, frozenset())
    keys, tag = found
    table = _env_table()
    for key in keys:
        if key in table:
            return BaseEnv(table[key], True, frozenset())
    words = re.split(r"[^a-z]+", f"{keys[0]} {tag}".lower())
    return BaseEnv(frozenset(), False, frozenset(w for w in words if w))


__all__ = [
    "BaseEnv",
    "base_image_env",
    "PLATFORM_ARGS",
    "PROXY_ARGS",
    "VarUse",
    "build_uses",
    "shell_sets",
]
