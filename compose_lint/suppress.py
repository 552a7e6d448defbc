"""Inline suppression comments, in YAML, Dockerfiles and .dockerignore files.

    # compose-lint: disable=CL101,obsolete-version   this line and the next
    # compose-lint: disable-file=CL201                the whole file, these rules
    # compose-lint: disable-file                      the whole file, every rule
    # compose-lint: disable=CL201 -- dev only         a reason after the rules

A directive on a line of its own covers the line below it; in a Dockerfile it
covers the whole instruction below it (every line of a multi-line RUN).

Parsing is strict: the marker is case-insensitive, but anything after it that is
not exactly one of the forms above (`disable CL101` without `=`, an unknown
directive such as `ignore=` or `disable-next-line=`, a stray word after the
rules) is a malformed directive. It suppresses nothing and carries a `problem`,
which rule CL008 reports at the directive's line: a typo must never widen a
suppression to every rule.

A Dockerfile's hadolint comments count too (`scan_hadolint`):

    # hadolint ignore=DL3009,DL3015           the instruction below
    # hadolint global ignore=DL3003           the whole file

silence the compose-lint rules that cover those hadolint rules (data/hadolint.json),
so a Dockerfile already annotated for hadolint needs no second comment. They are
`foreign`: never reported as unused or malformed, since hadolint may need them."""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

KINDS = ("disable", "disable-file")

# the marker: "# compose-lint:" in any case (or "# compose-lint disable", colon forgotten)
_MARKER = re.compile(r"#\s*compose-lint\s*(?::|(?=\s+disable))\s*(?P<body>.*)$", re.I)
_KIND = re.compile(r"[A-Za-z][\w-]*")
_RULES = re.compile(r"=\s*(?P<rules>[\w-]+(?:\s*,\s*[\w-]+)*)\s*")
_REASON = re.compile(r"--\s*(?P<reason>.*?)\s*$")


class Directive(NamedTuple):
    line: int
    column: int
    rules: tuple[str, ...]  # empty: every rule
    file_wide: bool
    first: int  # first line covered
    last: int  # last line covered
    reason: str = ""  # the text after "--", if any
    problem: str | None = None  # malformed: why; such a directive suppresses nothing
    foreign: bool = False  # another tool's comment (hadolint): never judged as unused

    def covers(self, line: int) -> bool:
        if self.problem is not None:
            return False
        return self.file_wide or self.first <= line <= self.last

    @property
    def text(self) -> str:
        kind = "disable-file" if self.file_wide else "disable"
        return f"{kind}={','.join(self.rules)}" if self.rules else kind


class _Parsed(NamedTuple):
    kind: str
    rules: tuple[str, ...]
    reason: str
    problem: str | None


def parse(body: str) -> _Parsed:
    """The text after `# compose-lint:`: a directive, or why it is not one."""
    body = body.strip()
    usage = 'write "disable=RULES" or "disable-file[=RULES]", optionally followed by "-- reason"'
    kind_match = _KIND.match(body)
    if kind_match is None:
        return _Parsed("", (), "", f"the suppression comment names no directive; {usage}")
    word = kind_match.group()
    kind = word.lower()
    if kind not in KINDS:
        import difflib  # only when a name is misspelt

        close = difflib.get_close_matches(kind, KINDS, n=1, cutoff=0.8)
        hint = f'; did you mean "{close[0]}"?' if close else f"; {usage}"
        return _Parsed("", (), "", f'unknown suppression directive "{word}"{hint}')
    rest = body[kind_match.end() :]
    rules: tuple[str, ...] = ()
    stripped = rest.lstrip()
    if stripped.startswith("="):
        rules_match = _RULES.match(stripped)
        if rules_match is None:
            return _Parsed(kind, (), "", f'"{kind}=" names no rule; {usage}')
        rules = tuple(r.strip() for r in rules_match["rules"].split(","))
        rest = stripped[rules_match.end() :]
    reason = ""
    rest = rest.strip()
    if rest:
        reason_match = _REASON.match(rest)
        if reason_match is None:
            if not rules and re.match(r"[\w-]+(\s*,\s*[\w-]+)*$", rest):
                fix = f"{kind}={','.join(r.strip() for r in rest.split(','))}"
                return _Parsed(kind, (), "", f'"{kind} {rest}" lacks the "="; write "{fix}"')
            return _Parsed(kind, (), "", f'unexpected "{rest}" in the suppression comment; {usage}')
        reason = reason_match["reason"]
    return _Parsed(kind, rules, reason, None)


def scan(text: str, spans: list[tuple[int, int]] | None = None) -> list[Directive]:
    """Every directive in `text`, malformed ones included. `spans` are (first,
    last) lines of the file's instructions (Dockerfiles), so a directive above
    an instruction covers all of it."""
    if "compose-lint" not in text.lower():
        return []
    directives: list[Directive] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if "compose-lint" not in line.lower():
            continue
        match = _MARKER.search(line)
        if match is None:
            continue
        parsed = parse(match["body"])
        own_line = not line[: match.start()].strip()
        last = number + 1 if own_line else number
        if own_line and spans:
            following = next((s for s in spans if s[0] > number), None)
            if following is not None:
                last = following[1]
        directives.append(
            Directive(
                number,
                match.start() + 1,
                parsed.rules,
                parsed.kind == "disable-file",
                number,
                last,
                parsed.reason,
                parsed.problem,
            )
        )
    return directives


_HADOLINT = re.compile(
    r"^\s*#\s*hadolint\s+(?P<global>global\s+)?ignore\s*=\s*(?P<codes>[A-Za-z0-9]+(?:\s*,\s*[A-Za-z0-9]+)*)",
    re.I,
)


@cache
def _hadolint_rules() -> dict[str, tuple[str, ...]]:
    from compose_lint import data

    table = data.load("hadolint.json")["rules"]
    return {code.upper(): tuple(rules) for code, rules in table.items()}


def scan_hadolint(text: str, spans: list[tuple[int, int]]) -> list[Directive]:
    """The `# hadolint ignore=` / `# hadolint global ignore=` comments of a Dockerfile
    as directives for the compose-lint rules that cover those hadolint codes (codes
    that none covers are hadolint's alone and dropped). `spans` are the (first, last)
    lines of the file's instructions: a comment covers the instruction below it."""
    if "hadolint" not in text.lower():
        return []
    table = _hadolint_rules()
    directives: list[Directive] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _HADOLINT.match(line)
        if match is None:
            continue
        codes = [c.strip().upper() for c in match["codes"].split(",")]
        rules = tuple(dict.fromkeys(r for c in codes for r in table.get(c, ())))
        if not rules:
            continue
        following = next((s for s in spans if s[0] > number), None)
        last = following[1] if following is not None else number + 1
        column = line.index("#") + 1
        file_wide = match["global"] is not None
        directives.append(Directive(number, column, rules, file_wide, number, last, foreign=True))
    return directives
