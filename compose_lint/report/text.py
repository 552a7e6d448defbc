"""`path:line:col: CODE [severity] message (name)`, then a summary line.

With `show_source`, each finding is followed by its source line and a caret
under the column; the line of a finding that points at a secret is masked."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from compose_lint.findings import Finding, Severity

_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}
# after the first "=" or ":" that follows the finding's column, everything is the value
_VALUE = re.compile(r"(?P<head>[^=:]*[=:]\s*)(?P<value>.+)")


def render(
    findings: Sequence[Finding],
    files: int,
    *,
    show_source: bool = False,
    color: bool = False,
    summary: bool = True,
) -> str:
    lines: list[str] = []
    for f in findings:
        code, severity = f.code, f"[{f.severity}]"
        if color:
            code = f"\033[1m{code}\033[0m"
            severity = f"\033[{_COLORS[f.severity]}m{severity}\033[0m"
        lines.append(f"{f.path}:{f.line}:{f.column}: {code} {severity} {f.message} ({f.name})")
        if show_source:
            lines.extend(_source(f))
    if summary:
        lines.append(summary_line(findings, files))
    return "".join(line + "\n" for line in lines)


def _source(f: Finding) -> list[str]:
    text = _line(f.path, f.line)
    if text is None:
        return []
    if f.sensitive:
        text = mask_value(text, f.column)
    gutter = f"{f.line:>5} | "
    caret = " " * (len(gutter) - 2) + "| " + " " * (max(f.column, 1) - 1) + "^"
    return [gutter + text.expandtabs(1), caret]


def mask_value(line: str, column: int) -> str:
    """The line with the value after the finding's key hidden."""
    start = max(column - 1, 0)
    match = _VALUE.match(line, start)
    if match is None:
        return line[:start] + "********"
    return line[: match.start("value")] + "********"


@lru_cache(maxsize=64)
def _lines(path: str) -> tuple[str, ...]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return tuple(handle.read(16 * 1024 * 1024).splitlines())
    except OSError:
        return ()


def _line(path: str, number: int) -> str | None:
    lines = _lines(path)
    return lines[number - 1] if 0 < number <= len(lines) else None


def summary_line(findings: Sequence[Finding], files: int) -> str:
    checked = f"{files} file{'s' if files != 1 else ''} checked"
    if not findings:
        return f"No problems found ({checked})."
    counts = Counter(f.severity for f in findings)
    parts = [
        f"{counts[s]} {str(s)}{'s' if counts[s] != 1 and s is not Severity.INFO else ''}"
        for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
        if counts[s]
    ]
    total = len(findings)
    return f"Found {total} problem{'s' if total != 1 else ''} ({', '.join(parts)}; {checked})."
