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

The scan is this module's own. It started as a wrapper around `dockerfile-parse`,
which knows neither here-documents nor several of the rules above; once the wrapper
had to find every instruction's lines itself to place the here-document bodies, the
library added nothing but 8 patches to undo. The tests prove the scan against
BuildKit's own parser on every corpus Dockerfile and on tricky snippets.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
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


class Stage(NamedTuple):
    index: int
    name: str | None  # the AS name, lower-cased (Docker compares stage names case-insensitively)
    base: str
    from_instruction: Instruction
    instructions: tuple[Instruction, ...]


@dataclass
class Dockerfile:
    instructions: list[Instruction]
    stages: list[Stage]
    global_args: list[Instruction]
    directives: dict[str, str]
    escape: str
    comments: list[tuple[int, str]]
    problems: list[tuple[int, int, str]]


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


def _words(text: str, escape: str) -> list[tuple[str, str, int]]:
    """Shell-like words: (raw text, text after quote and escape removal, end offset)."""
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
            elif char in " \t":
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
