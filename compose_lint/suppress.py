"""Inline suppression comments, in YAML, Dockerfiles and .dockerignore files.

    # compose-lint: disable=CL101,obsolete-version   this line and the next
    # compose-lint: disable-file=CL201                the whole file, these rules
    # compose-lint: disable-file                      the whole file, every rule

A directive on a line of its own covers the line below it; in a Dockerfile it
covers the whole instruction below it (every line of a multi-line RUN)."""

from __future__ import annotations

import re
from typing import NamedTuple

_DIRECTIVE = re.compile(
    r"#\s*compose-lint:\s*(?P<kind>disable-file|disable)\b\s*(?:=\s*(?P<rules>[\w\s,-]*))?",
    re.I,
)


class Directive(NamedTuple):
    line: int
    column: int
    rules: tuple[str, ...]  # empty: every rule
    file_wide: bool
    first: int  # first line covered
    last: int  # last line covered

    def covers(self, line: int) -> bool:
        return self.file_wide or self.first <= line <= self.last

    @property
    def text(self) -> str:
        kind = "disable-file" if self.file_wide else "disable"
        return f"{kind}={','.join(self.rules)}" if self.rules else kind


def scan(text: str, spans: list[tuple[int, int]] | None = None) -> list[Directive]:
    """Every directive in `text`. `spans` are (first, last) lines of the file's
    instructions (Dockerfiles), so a directive above an instruction covers all of it."""
    if "compose-lint" not in text:
        return []
    directives: list[Directive] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if "compose-lint" not in line:
            continue
        match = _DIRECTIVE.search(line)
        if match is None:
            continue
        rules = tuple(r.strip() for r in (match["rules"] or "").split(",") if r.strip())
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
                rules,
                match["kind"].lower() == "disable-file",
                number,
                last,
            )
        )
    return directives
