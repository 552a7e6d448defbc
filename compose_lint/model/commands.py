"""The shell in `RUN`, parsed into simple commands with their physical lines.

Not a full POSIX shell: enough structure for linting. Words are split on
blanks with quoting (`'…'`, `"…"`, `\\x`), command substitutions (`$(…)`,
backticks) and `${…}` kept inside their word; commands are separated by
`&&`, `||`, `;`, `&`, `|`, newlines and parentheses; leading `NAME=value`
assignments and redirections (`> file`, `2>&1`, `<<EOF`) are set aside; and
`sh -c "…"` / `bash -c "…"` are parsed again so their commands are seen too.
"""

from __future__ import annotations

import bisect
from functools import lru_cache
from typing import NamedTuple

from compose_lint.load.dockerfile import Instruction

_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "busybox"})
_SEPARATORS = frozenset({"&&", "||", ";", "&", "|", "|&", "\n", "(", ")", ";;"})
_REDIRECTS = frozenset({">", ">>", "<", "<<", "<<-", "<<<", ">&", "<&", "&>", "&>>", ">|", "<>"})


class Command(NamedTuple):
    words: tuple[str, ...]  # without assignments, redirections and quotes
    line: int  # physical line of the command's first word
    column: int
    in_pipeline: bool  # a stage of `a | b`
    assignments: tuple[str, ...] = ()
    redirects: tuple[str, ...] = ()  # e.g. ("> /etc/x", "2>&1")
    positions: tuple[tuple[int, int], ...] = ()  # (line, column) of each word

    @property
    def name(self) -> str:
        """The program, without its directory: `/usr/bin/pip3` → `pip3`."""
        return self.words[0].rsplit("/", 1)[-1] if self.words else ""

    def has(self, *options: str) -> bool:
        return any(o in self.words for o in options)


class _Token(NamedTuple):
    text: str  # unquoted text (for words) or the operator
    raw: str  # as written
    offset: int
    is_op: bool


class Script:
    """Shell text plus a map from character offsets to physical lines/columns."""

    def __init__(self, text: str, starts: list[tuple[int, int, int]]) -> None:
        self.text = text
        self._starts = starts  # (offset, line, column of that offset)
        self._offsets = [s[0] for s in starts]

    @classmethod
    def plain(cls, text: str, line: int, column: int = 1) -> Script:
        starts, offset = [], 0
        for i, chunk in enumerate(text.split("\n")):
            starts.append((offset, line + i, column if i == 0 else 1))
            offset += len(chunk) + 1
        return cls(text, starts)

    def position(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._offsets, offset) - 1
        start, line, column = self._starts[max(i, 0)]
        return line, column + offset - start


def instruction_scripts(instruction: Instruction, escape: str = "\\") -> list[Script]:
    """The shell scripts a RUN (shell form) executes: its command line, and
    the body of a here-document run by the shell (`RUN <<EOF`, `RUN bash <<EOF`)."""
    if instruction.json_args is not None:
        return []
    script = _command_line(instruction, escape)
    tokens = _tokens(script.text)
    # skip the keyword and the flags (--mount=…, --network=…)
    skip = 1
    while skip < len(tokens) and not tokens[skip].is_op and tokens[skip].text.startswith("--"):
        skip += 1
    rest = tokens[skip:]
    only_heredoc = len(rest) == 2 and rest[0].text in ("<<", "<<-")
    scripts: list[Script] = []
    if rest and not only_heredoc:
        start = rest[0].offset
        rebased = [(o - start, ln, c) for o, ln, c in _rebase(script, start)]
        scripts.append(Script(script.text[start:], rebased))
    shell_reads_body = (
        only_heredoc
        or (  # RUN bash <<EOF
            len(rest) >= 3
            and not rest[0].is_op
            and rest[0].text.rsplit("/", 1)[-1] in _SHELLS
            and rest[-2].text in ("<<", "<<-")
        )
        or (  # RUN <<EOF bash
            len(rest) == 3
            and rest[0].text in ("<<", "<<-")
            and rest[2].text.rsplit("/", 1)[-1] in _SHELLS
        )
    )
    if instruction.heredocs and shell_reads_body:
        body = instruction.heredocs[0]
        first = body.body.split("\n", 1)[0]
        if not first.startswith("#!") or any(sh in first for sh in _SHELLS):
            scripts.append(Script.plain(body.body, body.start_line))
    return scripts


def _rebase(script: Script, start: int) -> list[tuple[int, int, int]]:
    """The line starts of `script` from `start` on, as (offset, line, column)."""
    line, column = script.position(start)
    result = [(start, line, column)]
    result.extend(s for s in script._starts if s[0] > start)
    return result


def _command_line(instruction: Instruction, escape: str) -> Script:
    """Join the instruction's continued lines (heredoc bodies excluded), keeping
    where each piece came from."""
    pieces: list[str] = []
    starts: list[tuple[int, int, int]] = []
    offset = 0
    for i, raw in enumerate(instruction.lines):
        line_no = instruction.line + i
        stripped = raw.strip()
        if i > 0 and (not stripped or stripped.startswith("#")):
            continue  # Docker drops comment and blank lines inside a continuation
        body = raw.rstrip("\r\n")
        trimmed = body.rstrip(" \t")
        continues = trimmed.endswith(escape) and not trimmed.endswith(escape * 2)
        if continues:
            body = trimmed[:-1]
        starts.append((offset, line_no, 1))
        pieces.append(body + " ")
        offset += len(body) + 1
        if not continues:
            break
    return Script("".join(pieces), starts)


def parse(script: Script) -> list[Command]:
    """The simple commands of `script`, `sh -c` bodies included, in order."""
    tokens = _tokens(script.text)
    commands: list[Command] = []
    group: list[_Token] = []
    pipe_before = False
    for token in [*tokens, _Token("\n", "\n", len(script.text), True)]:
        if token.is_op and token.text in _SEPARATORS:
            is_pipe = token.text in ("|", "|&")
            if group:
                commands.extend(_command(group, script, pipe_before or is_pipe))
            group = []
            pipe_before = is_pipe
        else:
            group.append(token)
    return commands


def _command(tokens: list[_Token], script: Script, in_pipeline: bool) -> list[Command]:
    words: list[_Token] = []
    assignments: list[str] = []
    redirects: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.is_op and token.text in _REDIRECTS:
            target = tokens[i + 1].raw if i + 1 < len(tokens) else ""
            redirects.append(f"{token.text} {target}".strip())
            i += 2
            continue
        if not words and not token.is_op and _is_assignment(token.raw):
            assignments.append(token.text)
        elif not token.is_op:
            words.append(token)
        i += 1
    if not words:
        return []
    positions = tuple(script.position(w.offset) for w in words)
    line, column = positions[0]
    result = [
        Command(
            tuple(w.text for w in words),
            line,
            column,
            in_pipeline,
            tuple(assignments),
            tuple(redirects),
            positions,
        )
    ]
    texts = [w.text for w in words]
    if texts[0].rsplit("/", 1)[-1] in _SHELLS and "-c" in texts[1:]:
        k = texts.index("-c", 1)
        if k + 1 < len(texts):
            body = words[k + 1]
            inner_line, inner_column = positions[k + 1]
            quoted = body.raw[:1] in ("'", '"')
            inner = Script.plain(texts[k + 1], inner_line, inner_column + quoted)
            result.extend(parse(inner))
    return result


def _is_assignment(raw: str) -> bool:
    name, sep, _ = raw.partition("=")
    return bool(sep) and name.isidentifier()


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c in " \t\r":
            i += 1
            continue
        if c == "\\" and text.startswith("\n", i + 1):  # a line continuation
            i += 2
            continue
        if c == "\n":
            tokens.append(_Token("\n", "\n", i, True))
            i += 1
            continue
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        op = _operator(text, i)
        if op:
            tokens.append(_Token(op, op, i, True))
            i += len(op)
            continue
        start, out = i, []
        while i < n:
            c = text[i]
            if c in " \t\r\n" or _operator(text, i):
                break
            if c == "\\" and i + 1 < n:
                if text[i + 1] != "\n":  # backslash-newline joins lines
                    out.append(text[i + 1])
                i += 2
            elif c == "'":
                end = text.find("'", i + 1)
                end = n if end < 0 else end
                out.append(text[i + 1 : end])
                i = end + 1
            elif c == '"':
                j = i + 1
                while j < n and text[j] != '"':
                    j += 2 if text[j] == "\\" else 1
                out.append(_unescape_double(text[i + 1 : min(j, n)]))
                i = j + 1
            elif c == "$" and i + 1 < n and text[i + 1] in "({":
                j = _balanced(text, i + 1)
                out.append(text[i:j])
                i = j
            elif c == "`":
                end = text.find("`", i + 1)
                end = n if end < 0 else end
                out.append(text[i : end + 1])
                i = end + 1
            else:
                out.append(c)
                i += 1
        raw = text[start:i]
        # `2>` / `2>&1`: a file descriptor glued to a redirection is part of it
        if raw.isdigit() and i < n and text[i] in "<>":
            op = _operator(text, i) or text[i]
            tokens.append(_Token(op, raw + op, start, True))
            i += len(op)
            continue
        tokens.append(_Token("".join(out), raw, start, False))
    return tokens


_OPERATORS = (
    "&&",
    "||",
    ";;",
    "|&",
    "&>>",
    "&>",
    ">>",
    "<<<",
    "<<-",
    "<<",
    ">&",
    "<&",
    ">|",
    "<>",
    ";",
    "&",
    "|",
    "(",
    ")",
    ">",
    "<",
)


def _operator(text: str, i: int) -> str | None:
    c = text[i]
    if c not in ";&|()<>":
        return None
    for op in _OPERATORS:
        if text.startswith(op, i):
            return op
    return None  # pragma: no cover


def _balanced(text: str, i: int) -> int:
    """Index after the bracket group opening at text[i] ('(' or '{')."""
    opening = text[i]
    closing = ")" if opening == "(" else "}"
    depth, j, n = 0, i, len(text)
    while j < n:
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c == "'" and opening == "(":
            end = text.find("'", j + 1)
            j = n if end < 0 else end + 1
            continue
        if c == opening:
            depth += 1
        elif c == closing:
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return n


def _unescape_double(text: str) -> str:
    out, i, n = [], 0, len(text)
    while i < n:
        if text[i] == "\\" and i + 1 < n and text[i + 1] in '$`"\\\n':
            out.append(text[i + 1])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


@lru_cache(maxsize=4096)
def run_commands(instruction: Instruction, escape: str = "\\") -> tuple[Command, ...]:
    """Every simple command a RUN instruction executes through the shell
    (parsed once per instruction, however many rules ask)."""
    return tuple(_run_commands(instruction, escape))


def _run_commands(instruction: Instruction, escape: str) -> list[Command]:
    if instruction.keyword != "RUN":
        return []
    if instruction.json_args is not None:
        words = tuple(instruction.json_args)
        if not words:
            return []
        exec_form = Command(words, instruction.line, instruction.column, False)
        if words[0].rsplit("/", 1)[-1] in _SHELLS and "-c" in words[1:-1]:
            inner = Script.plain(words[words.index("-c", 1) + 1], instruction.line)
            return [exec_form, *parse(inner)]
        return [exec_form]
    return [c for script in instruction_scripts(instruction, escape) for c in parse(script)]
