"""Hiding secrets wherever a report prints text from the linted files.

A rule that reports a secret marks its findings `sensitive`. From those findings
this module learns the secret values (the value after the finding's key on its
line) and then masks, for every finding of the run whatever rule made it:

- per line: a line that holds a secret is shown cut at the secret's start, so a
  second finding on the same line (a duplicate key, a build-arg finding, another
  secret further along) cannot print it;
- per value: every occurrence of a known secret value, in any source line shown
  and in any message, is replaced by `********`, unless it is part of a longer name
  (the secret `rabbit` leaves `shlink_rabbitmq` whole), or the caller calls the value
  public: a well-known default such as `postgres` is cut from its own line but left in
  `postgres:14` elsewhere, where masking it would hide nothing and garble the message.

Knows nothing about Compose: it reads lines and columns."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence

from compose_lint.findings import Finding

MASK = "********"
MIN_SECRET = 3  # shorter values would mask ordinary words; rules do not report them
# after the first "=" or ":" that follows the finding's column, the value starts
_VALUE_START = re.compile(r"[^=:]*[=:][ \t]*")
# with neither (a Dockerfile's legacy `ENV NAME value`), after the name and its blanks
_LEGACY_START = re.compile(r"\S+[ \t]+")
_QUOTED = re.compile(r"\"((?:[^\"\\]|\\.)*)\"|'([^']*)'")
_BARE_END = re.compile(r"\s+#|[\s,}\]]")
# a rule that masks a value in its message says how long it was
_MASKED_LENGTH = re.compile(r"<masked, (\d+) characters?>")
_TOKEN = "[^\\s\"',}\\]\\\\]"
LOOKAHEAD_LINES = 200  # a secret inside a block scalar (dockerfile_inline) lies below its key


def value_start(line: str, column: int) -> int:
    """Where the secret value of a finding at `column` starts on `line`."""
    start = min(max(column - 1, 0), len(line))
    match = _VALUE_START.match(line, start) or _LEGACY_START.match(line, start)
    return match.end() if match is not None else start


def secret_values(line: str, column: int) -> set[str]:
    """The value a sensitive finding points at, as the file may spell it elsewhere:
    quoted or bare, up to a flow-collection delimiter or to the end of the line."""
    start = value_start(line, column)
    rest = line[start:]
    found = {rest.strip()}
    quoted = _QUOTED.match(rest)
    if quoted is not None:
        found.add(quoted.group(1) if quoted.group(1) is not None else quoted.group(2))
    else:
        end = _BARE_END.search(rest)
        found.add(rest[: end.start()] if end is not None else rest)
    return {v for v in found if len(v) >= MIN_SECRET}


def secrets_of_length(lines: Sequence[str], index: int, column: int, length: int) -> set[str]:
    """Values of exactly `length` characters assigned (`=` or `:`) on line `index`
    from `column` on, or else on the lines below it: where a finding whose message
    masks a value of that length found it (in an inline Dockerfile, for instance)."""
    if length < MIN_SECRET or length > 4096:
        return set()
    pattern = re.compile(rf"[=:][ \t]*[\"']?({_TOKEN}{{{length}}})(?!{_TOKEN})")
    found = {m.group(1) for m in pattern.finditer(lines[index], max(column - 1, 0))}
    for below in lines[index + 1 : index + 1 + LOOKAHEAD_LINES]:
        if found:
            break
        found = {m.group(1) for m in pattern.finditer(below)}
    return found


class Masker:
    """What is known to be secret in one run's files."""

    def __init__(
        self,
        findings: Iterable[Finding],
        lines: Mapping[str, Sequence[str]],
        public: Callable[[str], bool] = lambda value: False,
    ) -> None:
        self.lines = lines
        self.cuts: dict[tuple[str, int], int] = {}  # (path, line) -> where secrets start
        values: set[str] = set()
        for f in findings:
            if not f.sensitive:
                continue
            text = _line(lines, f.path, f.line)
            if text is None:
                continue
            start = value_start(text, f.column)
            key = (f.path, f.line)
            self.cuts[key] = min(self.cuts.get(key, start), start)
            values |= secret_values(text, f.column)
            for length in _MASKED_LENGTH.findall(f.message):
                values |= secrets_of_length(lines[f.path], f.line - 1, f.column, int(length))
        # longest first, so a secret that contains another is masked whole
        self.values = sorted((v for v in values if not public(v)), key=len, reverse=True)
        self._pattern = (
            re.compile("|".join(_alone(v) for v in self.values)) if self.values else None
        )

    def text(self, text: str) -> str:
        """`text` with every known secret value replaced."""
        if self._pattern is None:
            return text
        return self._pattern.sub(MASK, text)

    def line(self, path: str, number: int) -> str | None:
        """Line `number` of `path` as a report may show it, or None when unknown."""
        text = _line(self.lines, path, number)
        if text is None:
            return None
        cut = self.cuts.get((path, number))
        if cut is not None:
            text = text[:cut] + MASK
        return self.text(text)

    def finding(self, f: Finding) -> Finding:
        message = self.text(f.message)
        return f if message == f.message else f._replace(message=message)


def _alone(value: str) -> str:
    """A pattern for `value` standing alone: not inside a longer name
    (`shlink_rabbitmq` holds the secret `rabbit`, and cutting it would garble the name
    and tell the reader what the secret is)."""
    before = r"(?<![A-Za-z0-9_])" if re.match(r"\w", value[0]) else ""
    after = r"(?![A-Za-z0-9_])" if re.match(r"\w", value[-1]) else ""
    return before + re.escape(value) + after


def _line(lines: Mapping[str, Sequence[str]], path: str, number: int) -> str | None:
    text = lines.get(path)
    if text is None or not 0 < number <= len(text):
        return None
    return text[number - 1]
