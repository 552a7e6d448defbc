"""Read a Dockerfile into instructions, stages and parser directives, with positions.

The line structure follows BuildKit's parser (the one `docker build` uses):

- Parser directives (`# syntax=`, `# escape=`, `# check=`) count only in the unbroken
  run of `# key=value` lines at the very top; a blank line, an ordinary comment, an
  unknown directive or an instruction ends that run.
- A line continues onto the next when it ends with the escape character (`\\`, or the
  backtick after `# escape=``), trailing spaces and tabs allowed, unless that
  character is itself preceded by the escape character (`echo \\\\` ends the line).
- Inside a continued instruction, comment lines and blank lines are skipped; at the
  end of the file an open continuation simply ends the instruction.
- `RUN`, `COPY` and `ADD` (also behind `ONBUILD`) take here-documents: a word of the
  form `<<WORD`, `<<-WORD`, `<<"WORD"`, `<<'WORD'` (optionally after a file
  descriptor, `3<<WORD`) starts a body on the line after the instruction's last
  continued line; each body ends at a line equal to WORD (`<<-` allows leading tabs).
  Bodies follow one another in marker order. A quoted `"<<WORD"` or a `cat<<WORD`
  glued to another word is not a here-document marker.

Each `Instruction` also carries its arguments typed, with positions, computed on first
use: `arguments` (`Word`s: value, as written, line, column; shell-form words split at
blanks the way BuildKit splits COPY/ADD/EXPOSE/FROM/VOLUME), `copy` (`CopyArgs`:
sources, dest, `--from`, `--chmod`, `--chown`, `--link`, `--exclude`), `env_pairs`
(the one ENV reader, also `env_pairs(text)`), `label_pairs`, `arg_pairs`
(`arg_pairs(text)`), `user`, `inner` (ONBUILD's instruction), `mounts()`,
`stage_refs()`, `command_lines` and `find(text)` (where a text is written).

The scan is this module's own. It started as a wrapper around `dockerfile-parse`,
which knows neither here-documents nor several of the rules above; once the wrapper
had to find every instruction's lines itself to place the here-document bodies, the
library added nothing but 8 patches to undo. The tests prove the scan against
BuildKit's own parser on every corpus Dockerfile and on tricky snippets.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import NamedTuple

KNOWN_INSTRUCTIONS: frozenset[str] = frozenset(
    {
        "ADD",
        "ARG",
        "CMD",
        "COPY",
        "ENTRYPOINT",
        "ENV",
        "EXPOSE",
        "FROM",
        "HEALTHCHECK",
        "LABEL",
        "MAINTAINER",
        "ONBUILD",
        "RUN",
        "SHELL",
        "STOPSIGNAL",
        "USER",
        "VOLUME",
        "WORKDIR",
    }
)

_HEREDOC_INSTRUCTIONS = frozenset({"RUN", "COPY", "ADD"})
_KNOWN_DIRECTIVES = frozenset({"syntax", "escape", "check"})
# Instructions whose arguments Docker reads as a JSON array when they look like one.
_EXEC_FORM_EXAMPLES = MappingProxyType(
    {
        "RUN": '["sh", "-c", "make install"]',
        "CMD": '["python", "app.py"]',
        "ENTRYPOINT": '["python", "app.py"]',
        "SHELL": '["/bin/sh", "-c"]',
        "COPY": '["src/", "/app/"]',
        "ADD": '["src/", "/app/"]',
        "VOLUME": '["/data"]',
    }
)


class Heredoc(NamedTuple):
    """One here-document: its terminator word and its body as written."""

    name: str
    body: str  # body lines joined with "\n", ending with "\n" when non-empty (tabs kept for <<-)
    start_line: int  # 1-based line of the first body line
    end_line: int  # 1-based line of the terminator


class Word(NamedTuple):
    """One argument word of an instruction and where it is written."""

    text: str  # its value: a pair of quotes around it removed, the exec-form string
    raw: str  # as written (the quotes of an exec-form string included)
    line: int  # 1-based line of its first character
    column: int  # 1-based column of its first character (an opening quote)


def _is_heredoc_word(word: str) -> bool:
    """`<<EOF`, `<<-EOF`, `3<<EOF`: a here-document source, not a path."""
    return word.lstrip("0123456789").startswith("<<")


class CopyArgs(NamedTuple):
    """The operands and options of a COPY or ADD."""

    sources: tuple[Word, ...]  # here-document markers (`<<EOF`) included
    dest: Word
    from_stage: str | None  # `--from=` (quotes removed): a stage, an image or a context
    chmod: str | None
    chown: str | None
    link: bool
    excludes: tuple[str, ...]  # `--exclude=` patterns

    @property
    def files(self) -> tuple[Word, ...]:
        """The sources that name files (here-documents left out)."""
        return tuple(s for s in self.sources if not _is_heredoc_word(s.text))


_BLANK_DELIMITED = re.compile(r"[^ \t]+")
_JSON_STRING = re.compile(r"\"((?:[^\"\\]|\\.)*)\"")


def unquote_pair(text: str) -> str:
    """`"x"` or `'x'` -> `x`; anything else as it is."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def arg_pairs(text: str) -> tuple[tuple[str, str | None], ...]:
    """The (name, default or None) pairs of ARG arguments (see `Instruction.arg_pairs`)."""
    result: list[tuple[str, str | None]] = []
    for word in text.split():
        name, sep, default = word.partition("=")
        result.append((name, unquote_pair(default) if sep else None))
    return tuple(result)


def env_pairs(text: str, escape: str = "\\") -> tuple[tuple[str, str], ...]:
    """The (name, value) pairs of ENV arguments (see `Instruction.env_pairs`)."""
    words = _words(text, escape)
    if not words:
        return ()
    if "=" not in words[0][0]:
        name, rest = _split_keyword(text.strip())
        return ((words[0][1], _unquote_text(rest, escape)),) if rest else ()
    pairs: list[tuple[str, str]] = []
    for raw, value, _ in words:
        if "=" not in raw:
            continue
        name, _, rest = value.partition("=")
        if name:
            pairs.append((name, rest))
    return tuple(pairs)


def _unquote_text(text: str, escape: str) -> str:
    """Quote and escape removal over a whole text, blanks kept (legacy `ENV A x  y`)."""
    words = _words(text, escape, split=False)
    return words[0][1] if words else ""


@dataclass(frozen=True)
class Instruction:
    """One instruction with its continuation lines and here-document bodies."""

    keyword: str  # upper-cased first word, e.g. "RUN" (also for unknown words)
    line: int  # 1-based first line
    end_line: int  # 1-based last line, here-document terminators included
    column: int  # 1-based column of the keyword
    flags: tuple[str, ...]  # leading --name[=value] words, unquoted, e.g. "--from=build"
    args: str  # the rest; continued lines joined by one space; no comments, no heredoc bodies
    json_args: list[str] | None = field(hash=False)  # the exec form, when args is a JSON array
    json_error: str | None  # why args that look meant as an exec form are not valid JSON
    heredocs: tuple[Heredoc, ...]
    lines: tuple[str, ...]  # physical lines line..end_line, without line endings
    escape: str = "\\"  # the file's escape character

    def flag(self, name: str) -> str | None:
        """Value of the first `--name=value` flag, "" for a bare `--name`, None if absent.

        Repeatable flags such as `--mount` are all in `flags`.
        """
        prefix = f"--{name}"
        for item in self.flags:
            if item == prefix:
                return ""
            if item.startswith(prefix) and item[len(prefix)] == "=":
                return item[len(prefix) + 1 :]
        return None

    def mounts(self) -> list[dict[str, str]]:
        """Each `--mount=type=cache,target=/x` flag as a dict (type defaults to bind;
        keys lower-cased, quotes around values removed)."""
        result: list[dict[str, str]] = []
        for flag in self.flags:
            if not flag.startswith("--mount="):
                continue
            options: dict[str, str] = {}
            for item in flag[len("--mount=") :].split(","):
                key, _, value = item.partition("=")
                options[key.strip().lower()] = value.strip().strip("\"'")
            options["type"] = options.get("type", "bind").lower()
            result.append(options)
        return result

    def stage_refs(self) -> list[str]:
        """Stages (or images) this instruction reads from: `COPY --from=`, `ADD --from=`
        and `RUN --mount=...,from=`."""
        if self.keyword in ("COPY", "ADD"):
            ref = self.flag("from")
            return [ref] if ref else []
        if self.keyword == "RUN":
            return [m["from"] for m in self.mounts() if m.get("from")]
        return []

    # -- typed arguments, with positions ------------------------------------------------

    @property
    def command_lines(self) -> tuple[str, ...]:
        """The instruction's own physical lines, here-document bodies left out."""
        if self.heredocs:
            return self.lines[: self.heredocs[0].start_line - self.line]
        return self.lines

    def find(self, text: str, *, last: bool = False, after: str = "") -> tuple[int, int]:
        """Line and column of `text` (case-insensitive) as written, searching after the
        keyword (and after `after`, when given, on the same line); the last occurrence
        with `last`; the instruction's own position when it cannot be found."""
        lines = self.command_lines
        order = range(len(lines) - 1, -1, -1) if last else range(len(lines))
        needle = text.lower()
        for index in order:
            line = lines[index].lower()
            start = self.column - 1 + len(self.keyword) if index == 0 else 0
            if after:
                anchor = line.find(after.lower(), start)
                if anchor < 0:
                    continue
                start = anchor + len(after)
            found = line.rfind(needle, start) if last else line.find(needle, start)
            if found >= 0:
                return self.line + index, found + 1
        return self.line, self.column

    @cached_property
    def arguments(self) -> tuple[Word, ...]:
        """The words after the keyword and the flags, each where it is written: the
        strings of the exec form, or the shell-form words. Shell-form words are split
        at every blank, quotes or not, as BuildKit splits COPY, ADD, EXPOSE, FROM and
        VOLUME arguments (a path with a blank needs the exec form); each word's `text`
        has its quotes and escapes removed. Here-document bodies are left out."""
        lines = self.command_lines
        if self.json_args is not None:
            found: list[Word] = []
            for offset, text in enumerate(lines):
                for match in _JSON_STRING.finditer(text):
                    found.append(
                        Word(match.group(1), match.group(0), self.line + offset, match.start() + 1)
                    )
            values = self.json_args
            if len(found) >= len(values):
                found = found[len(found) - len(values) :]
                return tuple(
                    Word(v, w.raw, w.line, w.column) for v, w in zip(values, found, strict=True)
                )
            return tuple(Word(v, json.dumps(v), self.line, self.column) for v in values)
        tokens: list[Word] = []
        for offset, text in enumerate(lines):
            stripped = text.strip()
            if offset and (not stripped or stripped.startswith("#")):
                continue
            if _continues(text, self.escape):
                text = text.rstrip(" \t")[: -len(self.escape)]
            for match in _BLANK_DELIMITED.finditer(text):
                raw = match.group(0)
                tokens.append(
                    Word(
                        _unquote_text(raw, self.escape), raw, self.line + offset, match.start() + 1
                    )
                )
        skip = 1 + (1 if self.keyword == "ONBUILD" else 0)
        tokens = tokens[skip:]
        while tokens and tokens[0].raw.startswith("--"):
            if tokens.pop(0).raw == "--":
                break
        return tuple(tokens)

    @cached_property
    def copy(self) -> CopyArgs | None:
        """COPY and ADD: sources, destination and options; None for other instructions
        or when there is no destination."""
        if self.keyword not in ("COPY", "ADD"):
            return None
        words = self.arguments
        if len(words) < 2:
            return None
        return CopyArgs(
            sources=words[:-1],
            dest=words[-1],
            from_stage=unquote_pair(self.flag("from") or "") or None,
            chmod=self.flag("chmod"),
            chown=self.flag("chown"),
            link=self.flag("link") is not None and self.flag("link") != "false",
            excludes=tuple(f.partition("=")[2] for f in self.flags if f.startswith("--exclude=")),
        )

    @cached_property
    def env_pairs(self) -> tuple[tuple[str, str], ...]:
        """ENV: (name, value) pairs, the way BuildKit reads them: `ENV A=1 B="x y"`, or
        the legacy `ENV A some value` (one variable, the rest of the line). Quotes and
        escapes are removed from the values; variables are left as written."""
        if self.keyword != "ENV":
            return ()
        return env_pairs(self.args, self.escape)

    @cached_property
    def label_pairs(self) -> tuple[tuple[str, str], ...]:
        """LABEL: (key, value) pairs, read like ENV's (`LABEL a=1 "b c"=2`, or the
        legacy `LABEL key some value`)."""
        if self.keyword != "LABEL":
            return ()
        return env_pairs(self.args, self.escape)

    @cached_property
    def arg_pairs(self) -> tuple[tuple[str, str | None], ...]:
        """ARG: `ARG A=1 B` -> (("A", "1"), ("B", None)); a pair of quotes around a
        default is removed."""
        if self.keyword != "ARG":
            return ()
        return arg_pairs(self.args)

    @property
    def user(self) -> tuple[str, str | None] | None:
        """USER: (user, group or None), quotes removed; None when empty or no USER."""
        if self.keyword != "USER":
            return None
        words = self.args.split()
        if not words:
            return None
        user, sep, group = words[0].strip("\"'").partition(":")
        return user, (group if sep else None)

    @cached_property
    def inner(self) -> Instruction | None:
        """ONBUILD: the instruction it registers, with its own positions (the ONBUILD
        keyword blanked out of `lines`); None for other instructions."""
        if self.keyword != "ONBUILD":
            return None
        word, rest = _split_keyword(self.args)
        if not word:
            return None
        start = self.column - 1
        first = self.lines[0]
        if first[start : start + len("ONBUILD")].upper() != "ONBUILD":
            return None
        blanked = first[:start] + " " * len("ONBUILD") + first[start + len("ONBUILD") :]
        lines = (blanked, *self.lines[1:])
        keyword = word.upper()
        flags_end, flags = _flags(rest, self.escape)
        args = rest[flags_end:].lstrip(" \t")
        json_args, json_error = _exec_form(keyword, args)
        return Instruction(
            keyword=keyword,
            line=self.line,
            end_line=self.end_line,
            column=len(blanked) - len(blanked.lstrip()) + 1,
            flags=flags,
            args=args,
            json_args=json_args,
            json_error=json_error,
            heredocs=self.heredocs,
            lines=lines,
            escape=self.escape,
        )


class Stage(NamedTuple):
    index: int  # type: ignore[assignment]  # shadows tuple.index, kept for callers
    name: str | None  # the AS name, lower-cased (Docker compares stage names case-insensitively)
    base: str
    from_instruction: Instruction
    instructions: tuple[Instruction, ...]

    @property
    def label(self) -> str:
        """`stage "build"`, or `stage on line 7` for an unnamed one (for messages)."""
        if self.name:
            return f'stage "{self.name}"'
        return f"stage on line {self.from_instruction.line}"


@dataclass
class Dockerfile:
    instructions: list[Instruction]
    stages: list[Stage]
    global_args: list[Instruction]
    directives: dict[str, str]
    escape: str
    comments: list[tuple[int, str]]
    problems: list[tuple[int, int, str]]
    # what the model derives from this file (model.image), computed once per key
    cache: dict[object, object] = field(default_factory=dict, repr=False, compare=False)


class _Span(NamedTuple):
    """An instruction found by the pre-scan; line numbers are 0-based."""

    start: int
    end: int  # last line of the instruction itself (its continuations)
    last: int  # last line including here-document bodies and terminators
    heredocs: tuple[Heredoc, ...]


def parse_dockerfile(text: str) -> Dockerfile:
    """Parse Dockerfile text. Never raises: what Docker would reject becomes a problem."""
    text = text.removeprefix("\ufeff")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    lines = [line.removesuffix("\r") for line in lines]
    problems: list[tuple[int, int, str]] = []
    comments: list[tuple[int, str]] = []

    directives, first_line = _read_directives(lines, problems)
    escape = directives.get("escape", "\\")
    if escape not in ("\\", "`"):
        problems.append(
            (
                1,
                1,
                f'invalid escape directive "{escape}"; write "# escape=\\" or "# escape=`"',
            )
        )
        escape = "\\"

    spans = _scan(lines, first_line, escape, comments, problems)
    instructions = [_build_instruction(lines, span, escape) for span in spans]
    comments.sort()

    dockerfile = Dockerfile(
        instructions=instructions,
        stages=[],
        global_args=[],
        directives=directives,
        escape=escape,
        comments=comments,
        problems=problems,
    )
    _assemble(dockerfile)
    dockerfile.problems.sort()
    return dockerfile


def _read_directives(
    lines: list[str], problems: list[tuple[int, int, str]]
) -> tuple[dict[str, str], int]:
    """Read the parser directives at the top; return them and the first line after them."""
    directives: dict[str, str] = {}
    index = 0
    while index < len(lines):
        found = _directive(lines[index])
        if found is None or found[0] not in _KNOWN_DIRECTIVES:
            break  # an unknown directive is an ordinary comment and ends the directives
        key, value = found
        if key in directives:
            problems.append(
                (
                    index + 1,
                    1,
                    f'parser directive "{key}" is set twice; keep only one "# {key}=" line',
                )
            )
        else:
            directives[key] = value
        index += 1
    return directives, index


def _directive(line: str) -> tuple[str, str] | None:
    stripped = line.strip()
    if not stripped.startswith("#"):
        return None
    key, sep, value = stripped[1:].partition("=")
    key = key.strip(" \t")
    value = value.strip(" \t")
    if not sep or not value or not key.isascii() or not key.isalnum() or not key[0].isalpha():
        return None
    return key.lower(), value


def _continues(line: str, escape: str) -> bool:
    """Does this line end with an (unescaped) escape character, continuing the instruction?"""
    stripped = line.rstrip(" \t")
    return stripped.endswith(escape) and not stripped.endswith(escape + escape)


def _scan(
    lines: list[str],
    first_line: int,
    escape: str,
    comments: list[tuple[int, str]],
    problems: list[tuple[int, int, str]],
) -> list[_Span]:
    """Find each instruction's lines and here-document bodies, the way BuildKit does."""
    spans: list[_Span] = []
    count = len(lines)
    index = first_line
    while index < count:
        stripped = lines[index].strip()
        if not stripped:
            index += 1
            continue
        if stripped[0] == "#":
            comments.append((index + 1, stripped[1:].strip()))
            index += 1
            continue

        start = end = index
        while _continues(lines[end], escape):
            following = end + 1
            while following < count:
                inner = lines[following].strip()
                if inner and inner[0] != "#":
                    break
                if inner:  # comment lines inside a continuation are skipped, blanks too
                    comments.append((following + 1, inner[1:].strip()))
                following += 1
            if following == count:  # a continuation left open at the end of the file
                end = count - 1
                break
            end = following

        heredocs: tuple[Heredoc, ...] = ()
        last = end
        if "<<" in lines[start] or any("<<" in lines[k] for k in range(start + 1, end + 1)):
            markers = _heredoc_markers(_logical_text(lines, start, end, escape), escape)
            if markers:
                heredocs, last = _read_bodies(lines, start, end, markers, problems)
        spans.append(_Span(start, end, last, heredocs))
        index = last + 1
    return spans


def _heredoc_markers(logical: str, escape: str) -> list[tuple[str, bool]]:
    """(terminator, strip-leading-tabs) for each here-document marker of RUN/COPY/ADD."""
    keyword, rest = _split_keyword(logical)
    keyword = keyword.upper()
    if keyword == "ONBUILD":
        keyword, rest = _split_keyword(rest)
        keyword = keyword.upper()
    if keyword not in _HEREDOC_INSTRUCTIONS:
        return []
    flags_end, _ = _flags(rest, escape)
    args = rest[flags_end:].lstrip(" \t")
    if args.startswith("[") and _exec_form(keyword, args)[0] is not None:
        return []  # exec form: "<<EOF" is a plain string there
    markers: list[tuple[str, bool]] = []
    for raw, value, _ in _words(args, escape):
        digits = 0
        while digits < len(raw) and raw[digits].isdigit():
            digits += 1
        if not raw.startswith("<<", digits):
            continue
        prefix = digits + 2
        chomp = raw.startswith("-", prefix)
        if chomp:
            prefix += 1
        name = value[prefix:]
        if name:
            markers.append((name, chomp))
    return markers


def _read_bodies(
    lines: list[str],
    start: int,
    end: int,
    markers: list[tuple[str, bool]],
    problems: list[tuple[int, int, str]],
) -> tuple[tuple[Heredoc, ...], int]:
    """Read the bodies after line `end` (0-based); return them and the last line used."""
    count = len(lines)
    heredocs: list[Heredoc] = []
    last = end
    for name, chomp in markers:
        first = last + 1
        index = first
        while index < count:
            line = lines[index]
            if (line.lstrip("\t") if chomp else line) == name:
                break
            index += 1
        body = "".join(line + "\n" for line in lines[first:index])
        if index == count:
            column = len(lines[start]) - len(lines[start].lstrip()) + 1
            glued = next((op for op in (">", "|", ";", "&", ")") if op in name), None)
            if glued is not None:
                word = name[: name.index(glued)]
                fix = f'Docker reads the whole word as the terminator; write "<<{word} {glued}..."'
            else:
                tabs = " (leading tabs allowed)" if chomp else ""
                fix = f"end the body with a line containing only {name}{tabs}"
            message = (
                f'unterminated heredoc "{name}": no line after line {end + 1} is exactly'
                f' "{name}"; {fix}'
            )
            problems.append((start + 1, column, message))
            heredocs.append(Heredoc(name, body, min(first, count - 1) + 1, count))
            return tuple(heredocs), count - 1
        heredocs.append(Heredoc(name, body, first + 1, index + 1))
        last = index
    return tuple(heredocs), last


def _logical_text(lines: list[str], start: int, end: int, escape: str) -> str:
    """The instruction's text: continued lines joined by one space, comments and blanks left out."""
    parts: list[str] = []
    for index in range(start, end + 1):
        line = lines[index]
        part = line.strip()
        if not part or (index != start and part[0] == "#"):
            continue
        if _continues(line, escape):
            part = part.rstrip(" \t")[:-1].rstrip()
            if not part:
                continue
        parts.append(part)
    return " ".join(parts)


def _split_keyword(text: str) -> tuple[str, str]:
    """Split at the first space or tab (BuildKit does not split at other whitespace)."""
    for index, char in enumerate(text):
        if char in " \t":
            return text[:index], text[index:].lstrip(" \t")
    return text, ""


def _words(text: str, escape: str, split: bool = True) -> list[tuple[str, str, int]]:
    """Shell-like words: (raw text, text after quote and escape removal, end offset);
    one word for the whole text unless `split`."""
    words: list[tuple[str, str, int]] = []
    index = 0
    size = len(text)
    while index < size:
        while index < size and text[index] in " \t":
            index += 1
        if index == size:
            break
        start = index
        value: list[str] = []
        quote = ""
        while index < size:
            char = text[index]
            if quote == "'":
                if char == "'":
                    quote = ""
                else:
                    value.append(char)
            elif quote == '"':
                if char == '"':
                    quote = ""
                elif char == escape and index + 1 < size and text[index + 1] in ('"', "$", escape):
                    index += 1
                    value.append(text[index])
                else:
                    value.append(char)
            elif char in " \t" and split:
                break
            elif char in "'\"":
                quote = char
            elif char == escape and index + 1 < size:
                index += 1
                value.append(text[index])
            else:
                value.append(char)
            index += 1
        words.append((text[start:index], "".join(value), index))
    return words


def _flags(rest: str, escape: str) -> tuple[int, tuple[str, ...]]:
    """Leading `--name[=value]` words: (offset where the arguments start, flags unquoted)."""
    if not rest.startswith("--"):
        return 0, ()
    flags: list[str] = []
    offset = 0
    for raw, value, end in _words(rest, escape):
        if not raw.startswith("--"):
            break
        offset = end
        if raw == "--":
            break  # "--" ends the flags and is dropped
        flags.append(value)
    return offset, tuple(flags)


def _exec_form(keyword: str, args: str) -> tuple[list[str] | None, str | None]:
    """(parsed JSON array, error message) for an exec-form candidate."""
    example = _EXEC_FORM_EXAMPLES.get(keyword)
    if example is None or not args.startswith("["):
        return None, None
    hint = f"use double quotes, e.g. {keyword} {example}"
    try:
        value = json.loads(args)
    except (
        ValueError,
        RecursionError,
    ) as exc:  # RecursionError: "[[[[..." nested too deep
        if not _meant_as_json(args):
            return (
                None,
                None,
            )  # e.g. RUN [ -f /etc/passwd ] && ...: a shell test, not JSON
        detail, near = "arrays nested too deeply", ""
        if isinstance(exc, json.JSONDecodeError):
            detail = exc.msg
            near = f' at "{args[exc.pos : exc.pos + 20]}"' if exc.pos < len(args) else " at the end"
        return None, (
            f"malformed JSON in {keyword} exec form: {detail.lower()}{near}; Docker would run"
            f" it as a shell command instead; {hint}"
        )
    if not isinstance(value, list):
        return None, None
    for position, item in enumerate(value, 1):
        if not isinstance(item, str):
            return None, (
                f"malformed JSON in {keyword} exec form: element {position} ({json.dumps(item)})"
                f" is not a string; {hint}"
            )
    return value, None


def _meant_as_json(args: str) -> bool:
    text = args.rstrip()
    if len(text) > 1 and text[1] in "\"'":
        return True  # ["python", app.py]  or  ['python', 'app.py']
    return text.endswith("]") and "," in text  # [python, app.py]


def _build_instruction(lines: list[str], span: _Span, escape: str) -> Instruction:
    first = lines[span.start]
    column = len(first) - len(first.lstrip()) + 1
    word, rest = _split_keyword(_logical_text(lines, span.start, span.end, escape))
    keyword = word.upper()
    flags_end, flags = _flags(rest, escape)
    args = rest[flags_end:].lstrip(" \t")
    json_args, json_error = _exec_form(keyword, args)
    return Instruction(
        keyword=keyword,
        line=span.start + 1,
        end_line=span.last + 1,
        column=column,
        flags=flags,
        args=args,
        json_args=json_args,
        json_error=json_error,
        heredocs=span.heredocs,
        lines=tuple(lines[span.start : span.last + 1]),
        escape=escape,
    )


def _assemble(dockerfile: Dockerfile) -> None:
    """Split into stages and report instruction-level problems."""
    problems = dockerfile.problems
    escape = dockerfile.escape
    if not dockerfile.instructions:
        problems.append((1, 1, "the Dockerfile is empty; add a FROM instruction"))
        return

    stage_parts: list[tuple[Instruction, list[Instruction]]] = []
    before_from_reported = False
    for instruction in dockerfile.instructions:
        keyword = instruction.keyword
        if keyword not in KNOWN_INSTRUCTIONS:
            problems.append(
                (
                    instruction.line,
                    instruction.column,
                    _unknown_message(keyword, escape),
                )
            )
        if instruction.json_error is not None:
            column = instruction.lines[0].find("[", instruction.column) + 1
            problems.append(
                (instruction.line, column or instruction.column, instruction.json_error)
            )
        if keyword == "FROM":
            stage_parts.append((instruction, []))
        elif stage_parts:
            stage_parts[-1][1].append(instruction)
        elif keyword == "ARG":
            dockerfile.global_args.append(instruction)
        elif keyword in KNOWN_INSTRUCTIONS and not before_from_reported:
            before_from_reported = True
            message = (
                f'"{keyword}" before the first FROM; a Dockerfile must start with FROM'
                " (only ARG may precede it)"
            )
            problems.append((instruction.line, instruction.column, message))

    if not stage_parts and not before_from_reported:
        first = dockerfile.instructions[0]
        problems.append(
            (
                first.line,
                first.column,
                'no FROM instruction; add "FROM <image>" to start a stage',
            )
        )
    for index, (from_instruction, body) in enumerate(stage_parts):
        words = from_instruction.args.split()
        name = words[2].lower() if len(words) >= 3 and words[1].lower() == "as" else None
        dockerfile.stages.append(
            Stage(
                index=index,
                name=name,
                base=words[0] if words else "",
                from_instruction=from_instruction,
                instructions=tuple(body),
            )
        )


def _unknown_message(keyword: str, escape: str) -> str:
    from difflib import get_close_matches

    close = get_close_matches(keyword, sorted(KNOWN_INSTRUCTIONS), n=1, cutoff=0.6)
    if close:
        return f'unknown instruction "{keyword}"; did you mean "{close[0]}"?'
    return (
        f'unknown instruction "{keyword}"; if this line continues the instruction above,'
        f' end the previous line with "{escape}"'
    )
