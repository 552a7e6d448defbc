"""One reading of shell commands: a grammar for what linters need, the wrappers that
run another program, and the package-manager calls.

The shell grammar (POSIX, plus the bash operators Dockerfiles use) is read without
executing anything: lists (`&&`, `||`, `;`, `&`, newlines), pipelines (`|`, `|&`,
`!`), subshells `( … )`, groups `{ …; }`, `if/then/elif/else/fi`,
`for/while/until … do … done`, `case … in a|b) … ;; esac` (a `|` in a pattern is
not a pipe), function definitions, quoting (`'…'`, `"…"`, `\\x`), comments, line
continuations, redirections and here-documents (their bodies are text, not
commands). Command substitutions (`$(…)`, backticks) stay inside their word; the
commands inside them are read too, and kept on the command as `substitutions`.
`sh -c "…"` (also `bash -ec`, behind any wrapper) is read again, so its commands
are seen as well. What a linter cannot know (aliases, `eval`, functions' bodies
as calls) is not guessed. Reading is linear in the text and never raises.

Public names (keep them stable; other rules call them):

- `Script`, `Script.plain(text, line, column)`: shell text with a map back to
  physical lines and columns.
- `Command`: one simple command: `words` (quotes removed), `raws` (as written),
  `line`/`column`, `positions` of each word, `assignments`, `redirects`, its
  pipeline (`pipeline` id, `stage`, `stages`, `in_pipeline`), `substitutions`,
  `background` (run with `&`), and after `unwrap` the `wrappers` it was found
  behind. `name` is the program without its directory.
- `parse(script)`: the simple commands of a script, in order.
- `shell_commands(text, line=1, column=1)`: the same for a plain string (CMD and
  ENTRYPOINT shell form, compose `command:`, healthcheck `test:`).
- `exec_commands(words, line=1, column=1, positions=(), raws=())`: an exec-form
  argv as one command, plus the commands of its `sh -c` body.
- `run_commands(instruction, escape)`: every simple command a RUN executes
  (shell form, exec form, here-document scripts); cached per instruction.
- `instruction_commands(instruction, escape)`: the same for RUN, CMD, ENTRYPOINT
  and ONBUILD RUN.
- `instruction_scripts(instruction, escape)`: the scripts a shell-form RUN runs.
- `pipelines(commands)`: the commands grouped by pipeline, in order.
- `shell_body(words)`: index of the script word of `sh -c SCRIPT`, or None.
- `unwrap(command)`: the command a wrapper runs (`sudo`, `env`, `gosu USER`,
  `su-exec USER`, `stdbuf -o0`, `nice -n N`, `nohup`, `timeout DURATION`, `time`,
  `command`, `exec`, `tini --`, `dumb-init`, `chroot DIR`, ...), positions kept.
- `package_call(command)` -> `PackageCall | None`: an apt-get/apt/aptitude, apk,
  dnf/yum/microdnf, pip (`pip3.12`, `python -m pip`, `uv pip`), uv, poetry, pipenv,
  pdm, npm, yarn, pnpm, bun, go, cargo, bundle, gem or composer call, with its
  action, operands (with positions) and options (value-taking options consume
  their value; pip's unambiguous long-option prefixes are expanded).
- `PackageCall`, `Option`, `Operand`; `SHELLS`; `basename(word)`;
  `is_versioned(name, program)` (`pip3.12` is a "pip").
- `removes_apt_lists(command)`: the command deletes APT's package lists
  (`rm -rf /var/lib/apt/lists/*`, `find … -delete`, `apt-get distclean`).
- `apt_option(word, key)`: the value a word gives an APT option
  (`APT::Install-Recommends=false`); `TRUE_WORDS`, `FALSE_WORDS`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple

from compose_lint.load.dockerfile import Instruction

# Programs that run shell code: `sh -c "…"` is read again (busybox as `busybox sh -c`).
SHELLS: frozenset[str] = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox"})
_REDIRECTS = frozenset({">", ">>", "<", "<<", "<<-", "<<<", ">&", "<&", "&>", "&>>", ">|", "<>"})
_MAX_DEPTH = 6  # nested `sh -c` / `$(…)` levels read again (hostile input stays linear)


def basename(word: str) -> str:
    """The program without its directory: `/usr/bin/pip3` -> `pip3`."""
    return word.rsplit("/", 1)[-1]


class Command(NamedTuple):
    words: tuple[str, ...]  # without assignments, redirections and quotes
    line: int  # physical line of the command's first word
    column: int
    in_pipeline: bool  # a stage of `a | b`
    assignments: tuple[str, ...] = ()
    redirects: tuple[str, ...] = ()  # e.g. ("> /etc/x", "2>&1")
    positions: tuple[tuple[int, int], ...] = ()  # (line, column) of each word
    pipeline: int = 0  # id of its pipeline, unique within one parse
    stage: int = 0  # which stage of the pipeline it is in (0 = the first)
    stages: int = 1  # how many stages the pipeline has
    substitutions: tuple[Command, ...] = ()  # the commands of its `$(…)` and backticks
    wrappers: tuple[str, ...] = ()  # set by `unwrap`: the wrappers it ran behind
    raws: tuple[str, ...] = ()  # each word as written (quotes kept)
    background: bool = False  # its pipeline (or the compound command it is in) ends in `&`
    # what follows its pipeline in the list it belongs to: "&&", "||", ";" (also a
    # newline or `&`), "condition" when it ends the condition of `if`/`elif`/`while`/
    # `until` (`then` or `do` follows), or "" when nothing more runs in that list (the
    # end of the script or of a compound command's body)
    then: str = ""

    @property
    def name(self) -> str:
        """The program, without its directory: `/usr/bin/pip3` → `pip3`."""
        return basename(self.words[0]) if self.words else ""

    def has(self, *options: str) -> bool:
        return any(o in self.words for o in options)


def pipelines(commands: Iterable[Command]) -> list[tuple[Command, ...]]:
    """The commands grouped by pipeline, in the order their first command comes."""
    groups: dict[int, list[Command]] = {}
    for command in commands:
        groups.setdefault(command.pipeline, []).append(command)
    return [tuple(group) for group in groups.values()]


# -- scripts and positions ------------------------------------------------------------


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

    def part(self, start: int, end: int) -> Script:
        """The text from `start` to `end`, positions kept."""
        line, column = self.position(start)
        lo = bisect.bisect_right(self._offsets, start)
        hi = bisect.bisect_left(self._offsets, end)
        starts = [(0, line, column)]
        starts.extend((o - start, ln, c) for o, ln, c in self._starts[lo:hi])
        return Script(self.text[start:end], starts)


# -- the lexer ------------------------------------------------------------------------


class _Token(NamedTuple):
    text: str  # unquoted text (for words) or the operator
    raw: str  # as written
    offset: int
    is_op: bool
    subs: tuple[tuple[int, int], ...] = ()  # (start, end) of `$(…)`/backtick bodies


_OPERATORS = (
    "&&",
    "||",
    ";;&",
    ";;",
    ";&",
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


_OPERATOR_CHARS = frozenset(";&|()<>")
# Characters that end a word or start quoting, escaping or a substitution.
_PLAIN = re.compile(r"[^\s;&|()<>'\"\\$`]+")


def _operator(text: str, i: int) -> str | None:
    if text[i] not in _OPERATOR_CHARS:
        return None
    for op in _OPERATORS:
        if text.startswith(op, i):
            return op
    return None  # pragma: no cover


def _closing(text: str, i: int, subs: list[tuple[int, int]] | None = None) -> int:
    """Index after the construct opening at text[i]: `(`/`{` of `$(`/`${`, a `"` or a
    backtick. Nested quotes and substitutions are followed with a stack, not
    recursion; an unterminated construct runs to the end of the text. The bodies of
    `$(…)` and backticks met at the outermost level go to `subs`."""
    n = len(text)
    first = text[i]
    stack = [{"(": ")", "{": "}", '"': '"', "`": "`"}[first]]
    body_start = i + 1
    arithmetic = first == "(" and text.startswith("(", i + 1)
    j = i + 1
    while j < n:
        c = text[j]
        top = stack[-1]
        if c == "\\":
            j += 2
            continue
        if top == "`":
            if c == "`":
                stack.pop()
        elif c == top:
            stack.pop()
        elif top == '"':
            if c == "$" and j + 1 < n and text[j + 1] in "({":
                stack.append(")" if text[j + 1] == "(" else "}")
                j += 1
                outermost = len(stack) == 2 and text[j] == "("
                if subs is not None and outermost and not text.startswith("(", j + 1):
                    subs.append((j + 1, _closing(text, j) - 1))
            elif c == "`":
                stack.append("`")
                if len(stack) == 2 and subs is not None:
                    end = _closing(text, j)
                    subs.append((j + 1, end - 1))
        else:  # inside $( … ) or ${ … }
            if c == "'" and top == ")":
                end = text.find("'", j + 1)
                j = n if end < 0 else end + 1
                continue
            if c == '"':
                stack.append('"')
            elif c == "`":
                stack.append("`")
            elif c == "$" and j + 1 < n and text[j + 1] in "({":
                stack.append(")" if text[j + 1] == "(" else "}")
                j += 1
            elif c == "(" and top == ")":
                stack.append(")")
            elif c == "{" and top == "}":
                stack.append("}")
        j += 1
        if not stack:
            if subs is not None and first in "(`" and not arithmetic and first != '"':
                subs.append((body_start, j - 1))
            return j
    if subs is not None and first in "(`" and not arithmetic:
        subs.append((body_start, n))
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


def _skip_heredocs(text: str, i: int, pending: list[tuple[str, bool]]) -> int:
    """Past the bodies of the here-documents `pending`, whose lines start at text[i]."""
    n = len(text)
    for delimiter, strip_tabs in pending:
        while i < n:
            end = text.find("\n", i)
            end = n if end < 0 else end
            line = text[i:end]
            i = end + 1
            if (line.lstrip("\t") if strip_tabs else line).rstrip("\r") == delimiter:
                break
    pending.clear()
    return min(i, n)


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pending: list[tuple[str, bool]] = []  # here-documents whose bodies start at the next line
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
            if pending:
                i = _skip_heredocs(text, i, pending)
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
        subs: list[tuple[int, int]] = []
        while i < n:
            plain = _PLAIN.match(text, i)
            if plain is not None:  # a run of ordinary characters
                out.append(plain.group())
                i = plain.end()
                continue
            c = text[i]
            if c in " \t\r\n" or c in _OPERATOR_CHARS:
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
                j = _closing(text, i, subs)
                body_end = j - 1 if j <= n and text[j - 1 : j] == '"' and j - 1 > i else j
                out.append(_unescape_double(text[i + 1 : body_end]))
                i = j
            elif c == "$" and i + 1 < n and text[i + 1] in "({":
                j = _closing(text, i + 1, subs if text[i + 1] == "(" else None)
                out.append(text[i:j])
                i = j
            elif c == "`":
                j = _closing(text, i, subs)
                out.append(text[i:j])
                i = j
            else:  # a `$` that starts no substitution
                out.append(c)
                i += 1
        raw = text[start:i]
        # `2>` / `2>&1`: a file descriptor glued to a redirection is part of it
        if raw.isdigit() and i < n and text[i] in "<>":
            op = _operator(text, i) or text[i]
            tokens.append(_Token(op, raw + op, start, True))
            i += len(op)
            continue
        word = "".join(out)
        if tokens and tokens[-1].is_op and tokens[-1].text in ("<<", "<<-"):
            pending.append((word, tokens[-1].text == "<<-"))
        tokens.append(_Token(word, raw, start, False, tuple(subs)))
    return tokens


# -- the grammar ----------------------------------------------------------------------

_LIST_ENDS = frozenset({"&&", "||", ";", "&", "\n"})
_CASE_ENDS = frozenset({";;", ";&", ";;&"})
_CLOSERS = {"fi": "if", "done": "loop", "esac": "case", "}": "group"}
_MIDDLES = {"then": "if", "elif": "if", "else": "if", "do": "loop"}


_Item = int | list["_Item"]  # a command's index, or a nested list of them


def _flatten(item: _Item) -> list[int]:
    """The command indexes in `item`, without recursion (nesting may be deep)."""
    found: list[int] = []
    stack = [item]
    while stack:
        top = stack.pop()
        if isinstance(top, int):
            found.append(top)
        else:
            stack.extend(top)
    return found


class _Frame:
    """An open compound command (or the script itself) and its current pipeline."""

    __slots__ = ("kind", "state", "members", "loose", "stage", "header")

    def __init__(self, kind: str, state: str = "") -> None:
        self.kind = kind  # "script", "subshell", "group", "if", "loop", "case"
        self.state = state  # case: "subject", "in", "pattern", "body"; loop: "header"
        # (command index, or the loose commands of a compound command; stage) of the
        # pipeline being read
        self.members: list[tuple[_Item, int]] = []
        self.loose: list[_Item] = []  # commands of this frame in no pipeline of their own
        self.stage = 0
        self.header = 0  # words seen in a `for` header


class _Parser:
    """Reads tokens into simple commands, tracking the compound commands around them
    with a stack (no recursion, so deep nesting cannot overflow)."""

    def __init__(self, script: Script, counter: list[int], depth: int) -> None:
        self.script = script
        self.counter = counter  # the last pipeline id, shared with nested readings
        self.depth = depth
        self.commands: list[Command] = []
        self.extra: list[list[Command]] = []  # `sh -c` bodies, after their command
        self.frames = [_Frame("script")]
        self.open: dict[str, int] = {}  # how many frames of each kind are open
        self.current: list[_Token] = []
        self.testing = False  # inside `[[ … ]]`, where && || < > ( ) are words

    def run(self, tokens: Sequence[_Token]) -> list[Command]:
        count = len(tokens)
        i = 0
        while i < count:
            token = tokens[i]
            frame = self.frames[-1]
            if frame.kind == "case" and frame.state != "body":
                i = self._case_header(tokens, i, frame)
            elif frame.kind == "loop" and frame.state == "header":
                if token.raw == "do" and (frame.header < 2 or _after_separator(tokens, i)):
                    frame.state = ""
                elif not token.is_op:
                    frame.header += 1
                i += 1
            elif self.testing:
                self._add(token._replace(is_op=False) if token.is_op else token)
                i += 1
            elif token.is_op:
                i = self._operator(tokens, i, frame)
            elif not self.current and token.raw == token.text:
                i = self._reserved(tokens, i, frame)
            else:
                self._add(token)
                i += 1
        self._flush()
        while len(self.frames) > 1:
            self._pop()
        self._end_pipeline()
        result: list[Command] = []
        for command, inner in zip(self.commands, self.extra, strict=True):
            result.append(command)
            result.extend(inner)
        return result

    def _add(self, token: _Token) -> None:
        """A word of the current simple command."""
        if not self.current and token.raw == "[[":
            self.testing = True
        elif self.testing and token.raw == "]]":
            self.testing = False
        self.current.append(token)

    # -- pipelines and frames

    def _next_id(self) -> int:
        self.counter[0] += 1
        return self.counter[0]

    def _end_pipeline(self, then: str = "") -> None:
        frame = self.frames[-1]
        if then:
            for item, _ in frame.members:
                for index in _flatten(item):
                    self.commands[index] = self.commands[index]._replace(then=then)
        if frame.stage > 0 and frame.members:
            pid, stages = self._next_id(), frame.stage + 1
            for item, stage in frame.members:
                for index in _flatten(item):
                    self.commands[index] = self.commands[index]._replace(
                        pipeline=pid, stage=stage, stages=stages, in_pipeline=True
                    )
        elif len(self.frames) == 1:
            for item, _ in frame.members:
                for index in _flatten(item):
                    command = self.commands[index]
                    self.commands[index] = command._replace(pipeline=self._next_id())
        else:
            frame.loose.extend(item for item, _ in frame.members)
        frame.members = []
        frame.stage = 0

    def _background(self, frame: _Frame) -> None:
        """The pipeline being read ends in `&`: its commands run in the background."""
        for item, _ in frame.members:
            for index in _flatten(item):
                self.commands[index] = self.commands[index]._replace(background=True)

    def _push(self, kind: str, state: str = "") -> None:
        self._flush()
        self.frames.append(_Frame(kind, state))
        self.open[kind] = self.open.get(kind, 0) + 1

    def _pop(self) -> None:
        self._flush()
        self._end_pipeline()
        frame = self.frames.pop()
        self.open[frame.kind] -= 1
        parent = self.frames[-1]
        # a compound command is a stage of the pipeline around it: so are the
        # commands inside it that are in no pipeline of their own
        parent.members.append((frame.loose, parent.stage))  # moved whole, not copied

    def _flush(self) -> None:
        tokens, self.current = self.current, []
        self.testing = False
        if tokens:
            command, inner = _command(tokens, self.script, self.counter, self.depth)
            if command is not None:
                frame = self.frames[-1]
                frame.members.append((len(self.commands), frame.stage))
                self.commands.append(command)
                self.extra.append(inner)

    # -- tokens

    def _operator(self, tokens: Sequence[_Token], i: int, frame: _Frame) -> int:
        op = tokens[i].text
        if op in _REDIRECTS:
            self.current.append(tokens[i])
            if i + 1 < len(tokens) and not tokens[i + 1].is_op:
                self.current.append(tokens[i + 1])
                return i + 2
            return i + 1
        if op in ("|", "|&"):
            self._flush()
            frame.stage += 1
            return _skip_newlines(tokens, i + 1)
        if op in ("&&", "||"):
            self._flush()
            self._end_pipeline(op)
            return _skip_newlines(tokens, i + 1)
        if op in _LIST_ENDS:
            self._flush()
            if op == "&":
                self._background(frame)
            self._end_pipeline(_list_end(tokens, i + 1))
            return i + 1
        if op in _CASE_ENDS:
            self._flush()
            self._end_pipeline()
            if frame.kind == "case":
                frame.state = "pattern"
            return i + 1
        if op == "(":
            follows = tokens[i + 1] if i + 1 < len(tokens) else None
            if len(self.current) == 1 and follows is not None and follows.raw == ")":
                self.current = []  # `name() { …; }`: a function definition
                return i + 2
            self._push("subshell")
            return i + 1
        # ")"
        if self.open.get("subshell"):
            while self.frames[-1].kind != "subshell":
                self._pop()
            self._pop()
        else:
            self._flush()
            self._end_pipeline()
        return i + 1

    def _reserved(self, tokens: Sequence[_Token], i: int, frame: _Frame) -> int:
        """A word at the start of a command: a reserved word is handled here; any
        other word starts the simple command."""
        word = tokens[i].raw
        if word == "!":
            return i + 1
        if word == "function":
            i += 1
            if i < len(tokens) and not tokens[i].is_op:
                i += 1  # the function's name
            if i + 1 < len(tokens) and tokens[i].raw == "(" and tokens[i + 1].raw == ")":
                i += 2
            return i
        opened = _OPENS.get(word)
        if opened is not None:
            self._push(*opened)
            return i + 1
        kind = _CLOSERS.get(word)
        if kind is not None and self.open.get(kind):
            while self.frames[-1].kind != kind:
                self._pop()
            self._pop()
            return i + 1
        if kind is not None and word != "}":
            return i + 1  # a stray `fi`/`done`/`esac`
        if _MIDDLES.get(word) == frame.kind and frame.kind != "script":
            self._flush()
            self._end_pipeline()
            return i + 1
        self._add(tokens[i])
        return i + 1

    def _case_header(self, tokens: Sequence[_Token], i: int, frame: _Frame) -> int:
        """`case WORD in`, then the patterns `a|b)` before each branch."""
        token = tokens[i]
        if frame.state == "subject":
            if not token.is_op:
                frame.state = "in"
        elif frame.state == "in":
            if token.raw == "in":
                frame.state = "pattern"
        elif token.raw == "esac":
            self._pop()
        elif token.is_op and token.text == ")":
            frame.state = "body"
        return i + 1


_OPENS: dict[str, tuple[str, str]] = {
    "if": ("if", ""),
    "while": ("loop", ""),
    "until": ("loop", ""),
    "for": ("loop", "header"),
    "select": ("loop", "header"),
    "case": ("case", "subject"),
    "{": ("group", ""),
}


def _skip_newlines(tokens: Sequence[_Token], i: int) -> int:
    while i < len(tokens) and tokens[i].is_op and tokens[i].text == "\n":
        i += 1
    return i


_BODY_ENDS = frozenset({"fi", "done", "esac", "}", "else", "elif"})


def _list_end(tokens: Sequence[_Token], i: int) -> str:
    """What `Command.then` a list separator before token `i` gives: "" when only
    separators remain before the end of the text or of a compound command's part,
    "condition" before `then`/`do`, else ";"."""
    while i < len(tokens) and tokens[i].is_op and tokens[i].text in (";", "\n", "&"):
        i += 1
    if i >= len(tokens):
        return ""
    token = tokens[i]
    if token.is_op:
        return "" if token.text in (")", ";;", ";&", ";;&") else ";"
    if token.raw in ("then", "do"):
        return "condition"
    return "" if token.raw in _BODY_ENDS else ";"


def _after_separator(tokens: Sequence[_Token], i: int) -> bool:
    return i > 0 and tokens[i - 1].is_op and tokens[i - 1].text in (";", "\n")


def parse(script: Script, _counter: list[int] | None = None, _depth: int = 0) -> list[Command]:
    """The simple commands of `script`, `sh -c` bodies included, in order."""
    counter = [0] if _counter is None else _counter
    return _Parser(script, counter, _depth).run(_tokens(script.text))


def _command(
    tokens: list[_Token], script: Script, counter: list[int], depth: int
) -> tuple[Command | None, list[Command]]:
    """One simple command from its tokens, and the commands of its `sh -c` body."""
    words: list[_Token] = []
    assignments: list[str] = []
    redirects: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.is_op and token.text in _REDIRECTS:
            follows = i + 1 < len(tokens) and not tokens[i + 1].is_op
            target = tokens[i + 1].raw if follows else ""
            redirects.append(f"{token.text} {target}".strip())
            i += 2 if follows else 1
            continue
        if not words and not token.is_op and _is_assignment(token.raw):
            assignments.append(token.text)
        elif not token.is_op:
            words.append(token)
        i += 1
    if not words:
        return None, []
    positions = tuple(script.position(w.offset) for w in words)
    line, column = positions[0]
    substitutions: list[Command] = []
    if depth < _MAX_DEPTH:
        for word in words:
            for start, end in word.subs:
                substitutions.extend(parse(script.part(start, end), counter, depth + 1))
    command = Command(
        tuple(w.text for w in words),
        line,
        column,
        False,
        tuple(assignments),
        tuple(redirects),
        positions,
        substitutions=tuple(substitutions),
        raws=tuple(w.raw for w in words),
    )
    inner: list[Command] = []
    if depth < _MAX_DEPTH:
        program = unwrap(command)
        k = shell_body(program.words)
        if k is not None:
            body = words[len(words) - len(program.words) + k]
            inner_line, inner_column = program.positions[k]
            quoted = body.raw[:1] in ("'", '"')
            inner_script = Script.plain(program.words[k], inner_line, inner_column + quoted)
            inner = parse(inner_script, counter, depth + 1)
    return command, inner


def _is_assignment(raw: str) -> bool:
    name, sep, _ = raw.partition("=")
    return bool(sep) and name.isidentifier()


def shell_body(words: Sequence[str]) -> int | None:
    """Index of SCRIPT in `sh -c SCRIPT` (also `bash -ec`, `bash -o pipefail -c`,
    `busybox sh -c`); None when the words do not run a shell script string."""
    if not words or basename(words[0]) not in SHELLS:
        return None
    i = 1
    if basename(words[0]) == "busybox":
        if len(words) < 2 or words[1] not in SHELLS:
            return None
        i = 2
    script = False
    while i < len(words):
        word = words[i]
        if word in ("-o", "+o", "-O", "+O"):
            i += 2
            continue
        if word == "--":
            i += 1
            break
        if word.startswith("--"):
            i += 1
            continue
        if len(word) > 1 and word[0] in "-+" and word[1:].isalpha():
            script = script or (word[0] == "-" and "c" in word[1:])
            i += 1
            continue
        break
    if script and i < len(words):
        return i
    return None


# -- shell-form and exec-form entry points ---------------------------------------------


def shell_commands(text: str, line: int = 1, column: int = 1) -> tuple[Command, ...]:
    """The simple commands of a shell string (CMD/ENTRYPOINT shell form, compose
    `command:`, healthcheck `test:`)."""
    return tuple(parse(Script.plain(text, line, column)))


def exec_commands(
    words: Sequence[str],
    line: int = 1,
    column: int = 1,
    positions: Sequence[tuple[int, int]] = (),
    raws: Sequence[str] = (),
) -> tuple[Command, ...]:
    """An exec-form argv as one command (at `line`:`column`; `positions` and `raws`
    of its words when known), plus the commands of its `sh -c` body."""
    if not words:
        return ()
    if len(positions) != len(words):
        positions, raws = ((line, column),) * len(words), ()
    command = Command(tuple(words), line, column, False, (), (), tuple(positions), raws=tuple(raws))
    program = unwrap(command)
    k = shell_body(program.words)
    if k is None:
        return (command,)
    return (command, *parse(Script.plain(program.words[k], line), [0], 1))


def _exec_form(instruction: Instruction) -> tuple[Command, ...]:
    words = instruction.json_args or []
    arguments = instruction.arguments
    positions = [(a.line, a.column) for a in arguments]
    raws = [a.raw for a in arguments]
    return exec_commands(words, instruction.line, instruction.column, positions, raws)


def instruction_scripts(instruction: Instruction, escape: str = "\\") -> list[Script]:
    """The shell scripts a RUN (shell form) executes: its command line (from its first
    command on, the keyword and flags left out), and the body of a here-document run
    by the shell (`RUN <<EOF`, `RUN bash <<EOF`)."""
    found: list[Script] = []
    for script, tokens in _scripts(instruction, escape):
        if tokens:
            start = tokens[0].offset
            rebased = [(o - start, ln, c) for o, ln, c in _rebase(script, start)]
            script = Script(script.text[start:], rebased)
        found.append(script)
    return found


def _scripts(instruction: Instruction, escape: str) -> list[tuple[Script, list[_Token] | None]]:
    """The scripts of a shell-form RUN, each with the tokens to read when already lexed
    (for the command line: those after the keyword and the flags)."""
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
    scripts: list[tuple[Script, list[_Token] | None]] = []
    if rest and not only_heredoc:
        scripts.append((script, rest))  # the command line, read from its first command
    shell_reads_body = (
        only_heredoc
        or (  # RUN bash <<EOF
            len(rest) >= 3
            and not rest[0].is_op
            and basename(rest[0].text) in SHELLS
            and rest[-2].text in ("<<", "<<-")
        )
        or (  # RUN <<EOF bash
            len(rest) == 3 and rest[0].text in ("<<", "<<-") and basename(rest[2].text) in SHELLS
        )
    )
    if instruction.heredocs and shell_reads_body:
        body = instruction.heredocs[0]
        first = body.body.split("\n", 1)[0]
        if not first.startswith("#!") or any(sh in first for sh in SHELLS):
            scripts.append((Script.plain(body.body, body.start_line), None))
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


@lru_cache(maxsize=8192)
def run_commands(instruction: Instruction, escape: str = "\\") -> tuple[Command, ...]:
    """Every simple command a RUN instruction executes through the shell
    (parsed once per instruction, however many rules ask)."""
    if instruction.keyword != "RUN":
        return ()
    if instruction.json_args is not None:
        return _exec_form(instruction)
    counter = [0]
    found: list[Command] = []
    for script, tokens in _scripts(instruction, escape):
        if tokens is None:
            tokens = _tokens(script.text)
        found.extend(_Parser(script, counter, 0).run(tokens))
    return tuple(found)


def instruction_commands(instruction: Instruction, escape: str = "\\") -> tuple[Command, ...]:
    """The commands a RUN, CMD, ENTRYPOINT (shell or exec form) or ONBUILD RUN runs."""
    keyword = instruction.keyword
    if keyword == "RUN":
        return run_commands(instruction, escape)
    if keyword == "ONBUILD":
        inner = instruction.inner  # the RUN it registers, with its own positions
        return run_commands(inner, escape) if inner is not None else ()
    if keyword not in ("CMD", "ENTRYPOINT"):
        return ()
    if instruction.json_args is not None:
        return _exec_form(instruction)
    return shell_commands(instruction.args, instruction.line)


# -- wrappers -------------------------------------------------------------------------


class _Wrapper(NamedTuple):
    values: frozenset[str] = frozenset()  # options whose value is the next word
    operands: int = 0  # words before the program: gosu USER, timeout DURATION, chroot DIR
    assignments: bool = False  # NAME=value words set the program's environment
    lookups: frozenset[str] = frozenset()  # options after which nothing is run


_WRAPPERS: dict[str, _Wrapper] = {
    "sudo": _Wrapper(
        frozenset(
            {"-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U", "-T"}
            | {"--user", "--group", "--host", "--prompt", "--chdir", "--role", "--type"}
            | {"--close-from", "--command-timeout", "--other-user"}
        ),
        assignments=True,
        lookups=frozenset({"-l", "--list", "-v", "--validate", "-k", "-K", "-e", "--edit", "-V"}),
    ),
    "doas": _Wrapper(frozenset({"-u", "-C"})),
    "env": _Wrapper(
        frozenset({"-u", "--unset", "-C", "--chdir", "-S", "--split-string"}), assignments=True
    ),
    "gosu": _Wrapper(operands=1),
    "su-exec": _Wrapper(operands=1),
    "chroot": _Wrapper(operands=1),
    "stdbuf": _Wrapper(frozenset({"-i", "-o", "-e"})),
    "nice": _Wrapper(frozenset({"-n", "--adjustment"})),
    "ionice": _Wrapper(frozenset({"-c", "-n", "-p", "-P", "-u", "--class", "--classdata"})),
    "nohup": _Wrapper(),
    "setsid": _Wrapper(),
    "timeout": _Wrapper(frozenset({"-s", "--signal", "-k", "--kill-after"}), operands=1),
    "time": _Wrapper(frozenset({"-f", "--format", "-o", "--output"})),
    "command": _Wrapper(lookups=frozenset({"-v", "-V"})),
    "exec": _Wrapper(frozenset({"-a"})),
    "tini": _Wrapper(frozenset({"-p", "-e"})),
    "dumb-init": _Wrapper(frozenset({"-r", "--rewrite"})),
}


def unwrap(command: Command) -> Command:
    """The command that `command` runs once its wrappers (`sudo -u x`, `env A=1`,
    `gosu app`, `stdbuf -o0`, `timeout 10`, `tini --` …, any number of them) are
    taken off: the program and its arguments with their positions, the wrappers'
    `NAME=value` words added to `assignments`, the wrappers in `wrappers`. A
    command without a wrapper comes back as it is; a wrapper with nothing to run
    (`sudo -l`, `command -v x` only look) too. When only options follow a wrapper
    the result has no words."""
    words = command.words
    k = 0
    wrappers: list[str] = []
    assignments: list[str] = list(command.assignments)
    while k < len(words) and basename(words[k]) in _WRAPPERS:
        name = basename(words[k])
        spec = _WRAPPERS[name]
        j = k + 1
        operands = spec.operands
        while j < len(words):
            word = words[j]
            if word == "--":
                j += 1
                break
            if word.startswith("-") and len(word) > 1:
                if word in spec.lookups:
                    return command if not wrappers else _slice(command, k, wrappers, assignments)
                j += 2 if word in spec.values else 1
            elif spec.assignments and _is_assignment(word):
                assignments.append(word)
                j += 1
            elif operands:
                operands -= 1
                j += 1
            else:
                break
        wrappers.append(name)
        k = j
    if not wrappers:
        return command
    return _slice(command, k, wrappers, assignments)


def _slice(command: Command, k: int, wrappers: list[str], assignments: list[str]) -> Command:
    words = command.words[k:]
    positions = command.positions[k:] if command.positions else ()
    line, column = positions[0] if positions else (command.line, command.column)
    return command._replace(
        words=words,
        line=line,
        column=column,
        positions=positions,
        raws=command.raws[k:],
        assignments=tuple(assignments),
        wrappers=command.wrappers + tuple(wrappers),
    )


# -- package-manager calls --------------------------------------------------------------


class Option(NamedTuple):
    """One option of a package-manager call."""

    name: str  # as understood: "--no-cache-dir" for pip's "--no-cache", "-y"
    value: str | None  # its value: after "=", the next word, or glued ("-rreq.txt")
    written: str  # the word as written
    at: int  # index in the call's command.words


class Operand(NamedTuple):
    """A word of a package-manager call that is neither an option nor an option value."""

    text: str
    at: int  # index in the call's command.words
    line: int
    column: int


# actions written under another name, by manager (npm's documented aliases, and the
# short forms of pnpm and bun): `npm clean-install` is `npm ci`, `npm i` is `npm install`
_NPM_INSTALL = ("add", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal")
_ACTION_ALIASES: dict[str, dict[str, str]] = {
    "npm": {
        **dict.fromkeys(_NPM_INSTALL + ("isntall",), "install"),
        **dict.fromkeys(("clean-install", "ic", "install-clean", "isntall-clean"), "ci"),
        **dict.fromkeys(("uninstall", "unlink", "remove", "rm", "r", "un"), "uninstall"),
    },
    "pnpm": {"i": "install"},
    "bun": {"i": "install"},
}


class PackageCall(NamedTuple):
    """A package-manager command: `apt-get install -y curl`, `pip install -r r.txt`."""

    command: Command  # the unwrapped command
    manager: str  # apt-get, apt, aptitude, apk, dnf, yum, microdnf, pip, uv, poetry, ...
    program: str  # as invoked, for messages: "pip3", "python3 -m pip", "uv pip"
    action: str  # install, add, ci, fetch, update, remove ... ("" when none)
    operands: tuple[Operand, ...]  # after the action: packages, files, paths
    options: tuple[Option, ...]  # every option after the program
    start: int  # index in command.words of the first word after the program
    written: str = ""  # the action as written, when it is an alias (`clean-install`)

    @property
    def text(self) -> str:
        """`apt-get install`, `pip3 install`: how to name the command in a message."""
        return f"{self.program} {self.written or self.action}".strip()

    @property
    def words(self) -> tuple[str, ...]:
        """The program's words (wrappers left out)."""
        return self.command.words

    @property
    def package_names(self) -> tuple[str, ...]:
        """The operands as package names, a version or release written on them taken
        off: `curl=7.88*` (apt), `bash~=5.2`, `bash>5` (apk), `flask==3.0`,
        `uvicorn[standard]>=0.30` (pip), `left-pad@1.3` (npm), `libc6:amd64`."""
        return tuple(package_name(o.text, self.manager) for o in self.operands)

    def has(self, *names: str) -> bool:
        """Is one of these options given (by its understood name)?"""
        return any(o.name in names for o in self.options)

    def values(self, *names: str) -> list[str]:
        """The values given to these options, in order."""
        return [o.value for o in self.options if o.name in names and o.value is not None]


class _Manager(NamedTuple):
    name: str
    values: frozenset[str]  # options whose value is the next word
    longs: tuple[str, ...] = ()  # every long option, for unambiguous prefixes (pip)
    glued: frozenset[str] = frozenset()  # short options whose value may be glued: -rfile


_APT_VALUES = frozenset(
    {"-o", "--option", "-c", "--config-file", "-t", "--target-release", "--default-release"}
    | {"-a", "--host-architecture"}
)
_APK_VALUES = frozenset(
    {"-t", "--virtual", "-X", "--repository", "-p", "--root", "--arch", "--cache-dir"}
    | {"--repositories-file", "--keys-dir"}
)
_DNF_VALUES = frozenset(
    {"-c", "--config", "--releasever", "--installroot", "-x", "--exclude", "--enablerepo"}
    | {"--disablerepo", "--repo", "--repoid", "--setopt", "-d", "--debuglevel", "-e"}
    | {"--errorlevel", "--forcearch"}
)
_PIP_VALUE_LONGS = (
    "--requirement",
    "--constraint",
    "--editable",
    "--target",
    "--build",
    "--index-url",
    "--extra-index-url",
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
    "--dest",
    "--wheel-dir",
    "--group",
    "--log-file",
    "--local-log",
)
_PIP_FLAG_LONGS = (
    "--no-cache-dir",
    "--no-deps",
    "--upgrade",
    "--force-reinstall",
    "--ignore-installed",
    "--ignore-requires-python",
    "--no-build-isolation",
    "--use-pep517",
    "--no-use-pep517",
    "--check-build-dependencies",
    "--break-system-packages",
    "--user",
    "--pre",
    "--require-hashes",
    "--no-clean",
    "--no-compile",
    "--compile",
    "--no-warn-script-location",
    "--no-warn-conflicts",
    "--prefer-binary",
    "--no-index",
    "--dry-run",
    "--quiet",
    "--verbose",
    "--version",
    "--help",
    "--isolated",
    "--no-input",
    "--disable-pip-version-check",
    "--no-color",
    "--no-python-version-warning",
    "--require-virtualenv",
    "--all",
    "--yes",
)
_PIP_VALUES = frozenset(
    {"-r", "-c", "-e", "-t", "-b", "-i", "-f", "-C", "-d", "-w"} | set(_PIP_VALUE_LONGS)
)
_NODE_VALUES = frozenset(
    {"--registry", "--loglevel", "--prefix", "--cache", "--tag", "-w", "--workspace"}
    | {"--cwd", "--dir", "-C", "--filter", "-F", "--network-timeout", "--modules-folder"}
    | {"--cache-folder", "--mutex", "--global-folder", "--link-folder", "--store-dir"}
    | {"--reporter", "--network-concurrency", "--child-concurrency", "--virtual-store-dir"}
    | {"--omit", "--include", "--install-strategy", "--userconfig", "--globalconfig"}
    | {"--lockfile-dir", "--use-yarnrc"}
)
_POETRY_VALUES = frozenset(
    {"--only", "--with", "--without", "-E", "--extras", "-C", "--directory", "-P", "--project"}
)
_UV_VALUES = frozenset(
    {"-r", "--requirement", "-c", "--constraint", "-p", "--python", "--index-url", "-i"}
    | {"--extra-index-url", "--index", "--default-index", "-f", "--find-links", "--group"}
    | {"--extra", "--package", "--directory", "--project", "--target", "--prefix", "-o"}
    | {"--output-file", "--cache-dir", "--only-group", "--no-group", "--python-platform"}
)
_GO_VALUES = frozenset(
    {"-C", "-o", "-ldflags", "-gcflags", "-asmflags", "-tags", "-mod", "-modfile", "-p"}
    | {"-pkgdir", "-toolexec", "-overlay", "-buildmode", "-compiler", "-exec", "-pgo"}
)
_CARGO_VALUES = frozenset(
    {"--root", "--version", "--vers", "--git", "--branch", "--tag", "--rev", "--path", "-j"}
    | {"--jobs", "--target", "-F", "--features", "--profile", "--bin", "--example"}
    | {"--manifest-path", "--index", "--registry", "--target-dir", "--config", "-Z"}
)
_BUNDLE_VALUES = frozenset(
    {"-j", "--jobs", "--retry", "--path", "--without", "--with", "--gemfile", "--binstubs"}
    | {"--shebang", "--standalone", "--trust-policy"}
)
_GEM_VALUES = frozenset(
    {"-v", "--version", "-i", "--install-dir", "-n", "--bindir", "-s", "--source", "--platform"}
    | {"-P", "--trust-policy", "-g", "--file"}
)
_COMPOSER_VALUES = frozenset({"-d", "--working-dir", "--prefer-install"})
_PIP = _Manager(
    "pip", _PIP_VALUES, _PIP_VALUE_LONGS + _PIP_FLAG_LONGS, frozenset({"-r", "-c", "-e"})
)
_MANAGERS: dict[str, _Manager] = {
    "apt-get": _Manager("apt-get", _APT_VALUES),
    "apt": _Manager("apt", _APT_VALUES),
    "aptitude": _Manager("aptitude", _APT_VALUES),
    "apk": _Manager("apk", _APK_VALUES),
    "dnf": _Manager("dnf", _DNF_VALUES),
    "dnf5": _Manager("dnf", _DNF_VALUES),
    "yum": _Manager("yum", _DNF_VALUES),
    "microdnf": _Manager("microdnf", _DNF_VALUES),
    "uv": _Manager("uv", _UV_VALUES),
    "poetry": _Manager("poetry", _POETRY_VALUES),
    "pipenv": _Manager("pipenv", frozenset({"--python"})),
    "pdm": _Manager("pdm", frozenset({"-p", "--project", "-G", "--group"})),
    "npm": _Manager("npm", _NODE_VALUES),
    "yarn": _Manager("yarn", _NODE_VALUES),
    "pnpm": _Manager("pnpm", _NODE_VALUES),
    "bun": _Manager("bun", _NODE_VALUES),
    "go": _Manager("go", _GO_VALUES),
    "cargo": _Manager("cargo", _CARGO_VALUES),
    "bundle": _Manager("bundle", _BUNDLE_VALUES),
    "bundler": _Manager("bundle", _BUNDLE_VALUES),
    "gem": _Manager("gem", _GEM_VALUES),
    "composer": _Manager("composer", _COMPOSER_VALUES),
}


_VERSION_MARKS = re.compile(r"[=<>~!:\[; ]")


def package_name(word: str, manager: str) -> str:
    """The package a word names for `manager`: `package_name("bash~=5.2", "apk")` is
    "bash" (see PackageCall.package_names)."""
    if manager in ("npm", "yarn", "pnpm", "bun"):
        scope = "@" if word.startswith("@") else ""
        return scope + word[len(scope) :].partition("@")[0]
    name = _VERSION_MARKS.split(word, 1)[0]
    return name.partition("/")[0] if manager in ("apt-get", "apt", "aptitude") else name


def is_versioned(name: str, program: str) -> bool:
    """`pip`, `pip3`, `pip3.12` for program "pip"; `python3.12` for "python"."""
    return name.startswith(program) and all(c.isdigit() or c == "." for c in name[len(program) :])


def package_call(command: Command) -> PackageCall | None:
    """The package-manager call `command` makes (behind any wrapper), or None.

    `python -m pip` and `uv pip` are read as pip (manager "pip", program telling how
    it was invoked); `uv` alone (`uv sync`, `uv add`) is "uv". The action is the
    first operand (`install`, `add`, `ci`, `fetch`, `mod` for `go mod download`...);
    the operands after it are the packages or files."""
    inner = unwrap(command)
    words = inner.words
    if not words:
        return None
    name = basename(words[0])
    start = 1
    if is_versioned(name, "pip"):
        manager, program = _PIP, name
    elif is_versioned(name, "python"):
        at = _module(words)
        if at is None:
            return None
        manager, program, start = _PIP, f"{name} -m {words[at]}", at + 1
    elif name == "uv" and len(words) > 1 and words[1] == "pip":
        manager, program, start = _PIP, "uv pip", 2
    elif name in _MANAGERS:
        manager, program = _MANAGERS[name], name
    else:
        return None
    options, operand_indexes = _read_options(words, start, manager)
    operands = tuple(Operand(words[i], i, *_text_position(inner, i)) for i in operand_indexes)
    written = operands[0].text if operands else ""
    action = _ACTION_ALIASES.get(manager.name, {}).get(written, written)
    alias = written if action != written else ""
    return PackageCall(inner, manager.name, program, action, operands[1:], options, start, alias)


def _text_position(command: Command, i: int) -> tuple[int, int]:
    """Where the text of word `i` starts: after its opening quote, if any."""
    if not command.positions:
        return command.line, command.column
    line, column = command.positions[i]
    quoted = i < len(command.raws) and command.raws[i][:1] in ("'", '"')
    return line, column + quoted


def _module(words: Sequence[str]) -> int | None:
    """Index of `pip` in `python -m pip` (also `-mpip`, `-I -m pip3`)."""
    for i in range(1, len(words)):
        word = words[i]
        if word == "-m":
            if i + 1 < len(words) and words[i + 1] in ("pip", "pip3"):
                return i + 1
            return None
        if not word.startswith("-"):
            return None
    return None


def _read_options(
    words: Sequence[str], start: int, manager: _Manager
) -> tuple[tuple[Option, ...], list[int]]:
    options: list[Option] = []
    operands: list[int] = []
    i = start
    n = len(words)
    while i < n:
        word = words[i]
        if not word.strip():  # an escaped newline the shell would have removed
            i += 1
            continue
        if word == "--":
            operands.extend(k for k in range(i + 1, n) if words[k].strip())
            break
        if not word.startswith("-") or word == "-":
            operands.append(i)
            i += 1
            continue
        if word.startswith("--"):
            key, sep, value = word.partition("=")
            key = _expand(key, manager)
            if sep:
                options.append(Option(key, value, word, i))
                i += 1
            elif key in manager.values and i + 1 < n:
                options.append(Option(key, words[i + 1], word, i))
                i += 2
            else:
                options.append(Option(key, None, word, i))
                i += 1
            continue
        short = word[:2]
        if word in manager.values:
            options.append(Option(word, words[i + 1] if i + 1 < n else None, word, i))
            i += 2
        elif short in manager.glued and len(word) > 2:
            options.append(Option(short, word[2:].lstrip("="), word, i))
            i += 1
        elif "=" in word:
            key, _, value = word.partition("=")
            options.append(Option(key, value, word, i))
            i += 1
        else:
            options.append(Option(word, None, word, i))
            i += 1
    return tuple(options), operands


def _expand(key: str, manager: _Manager) -> str:
    """pip's unambiguous prefixes: `--no-cache` is `--no-cache-dir`."""
    if not manager.longs or key in manager.longs:
        return key
    matches = {o for o in manager.longs if o.startswith(key)}
    return matches.pop() if len(matches) == 1 else key


# -- APT's package lists ---------------------------------------------------------------

APT_LISTS = "/var/lib/apt/lists"
# removing any of these removes the lists with it (`rm -rf /var/lib` does)
_HOLDS_APT_LISTS = frozenset({"/var", "/var/lib", "/var/lib/apt", APT_LISTS})
# `apt-get distclean` (APT 2.7.8+, Debian 13, Ubuntu 24.04): `clean`, and every file under
# the lists but the small signed Release files; `dist-clean` is its alias
_DISTCLEAN = frozenset({"distclean", "dist-clean"})


def removes_apt_lists(command: Command) -> bool:
    """Whether `command` (behind any wrapper) deletes APT's package lists:
    `rm -rf /var/lib/apt/lists/*` (or a folder that holds them), `find … -delete`,
    `apt-get distclean`. `apt-get clean` empties the .deb archives only."""
    command = unwrap(command)
    call = package_call(command)
    if call is not None and call.manager in ("apt-get", "apt") and call.action in _DISTCLEAN:
        return True
    if command.name not in ("rm", "find"):
        return False
    if command.name == "find" and not command.has("-delete", "rm"):
        return False
    return any(
        word.rstrip("*").rstrip("/") in _HOLDS_APT_LISTS or word.startswith(APT_LISTS + "/")
        for word in command.words[1:]
    )


# -- configuration words ---------------------------------------------------------------

TRUE_WORDS: frozenset[str] = frozenset({"1", "true", "on", "yes"})
FALSE_WORDS: frozenset[str] = frozenset({"0", "false", "off", "no"})


def apt_option(word: str, key: str) -> str | None:
    """The value `word` gives the APT option `key` (lower case), as in
    `APT::Install-Recommends=false` or `APT::Install-Recommends "0";`; None when
    the word does not set it."""
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
