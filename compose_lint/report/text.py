"""`path:line:col: CODE [severity] message (name)`, then a summary line.

A finding whose rule offers a fix that `--fix` applies is marked `[*]` after its
severity, and the summary says how many `--fix` would fix (and how many more with
`--unsafe-fixes`); after `--fix`, how many it fixed.

With `show_source`, each finding is followed by its source line and a caret
under the column. The lines come from the engine with every known secret
already masked; a long line is cut to a window around the column.

Control characters, and characters that could reorder or hide text on a
terminal (bidirectional overrides, line separators), are written as visible
escapes (`\\x1b`, `\\u202e`) in paths, messages and source lines, so no input
can move the cursor, retitle the terminal or forge a line of the report."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence

from compose_lint.findings import Finding, Severity

_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff\ufeff]"
)
SOURCE_WIDTH = 160  # characters of a source line shown around the column


def escape(text: str) -> str:
    """`text` with every character unsafe on a terminal written as an escape."""
    return _UNSAFE.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def render(
    findings: Sequence[Finding],
    files: int,
    *,
    show_source: bool = False,
    color: bool = False,
    summary: bool = True,
    lines: Mapping[str, Mapping[int, str]] | None = None,
    unsafe_fixes: bool = False,
    fixed: Sequence[Finding] | None = None,
    show_fixes: bool = False,
) -> str:
    """`unsafe_fixes`: count the unsafe fixes as --fix would with --unsafe-fixes;
    `fixed`: the findings --fix fixed (None: it did not run); `show_fixes`: list the
    fixes applied (after --fix) or available."""
    out: list[str] = []
    for f in findings:
        code, severity = f.code, f"[{f.severity}]"
        if color:
            code = f"\033[1m{code}\033[0m"
            severity = f"\033[{_COLORS[f.severity]}m{severity}\033[0m"
        mark = " [*]" if applies(f, unsafe_fixes) else ""
        out.append(
            f"{escape(f.path)}:{f.line}:{f.column}: {code} {severity}{mark} "
            f"{escape(f.message)} ({escape(f.name)})"
        )
        if show_source and lines:
            text = lines.get(f.path, {}).get(f.line)
            if text is not None:
                out.extend(source_excerpt(text, f.line, f.column))
    if show_fixes:
        out.extend(fix_lines(findings, unsafe_fixes) if fixed is None else fixed_lines(fixed))
    if summary:
        out.append(summary_line(findings, files))
        if fixed is not None:
            out.append(fixed_line(len(fixed)))
        fixable = fixable_line(findings, unsafe_fixes)
        if fixable:
            out.append(fixable)
    return "".join(line + "\n" for line in out)


def applies(f: Finding, unsafe_fixes: bool) -> bool:
    """Would `--fix` (with `--unsafe-fixes`: `unsafe_fixes`) fix this finding?"""
    return f.fix is not None and (f.fix.safe or unsafe_fixes)


def fix_lines(findings: Sequence[Finding], unsafe_fixes: bool) -> list[str]:
    """One line per available fix: where, the rule, what it does."""
    out: list[str] = []
    for f in findings:
        if f.fix is None:
            continue
        kind = "" if f.fix.safe or unsafe_fixes else " (unsafe: with --unsafe-fixes)"
        where = f"{escape(f.path)}:{f.line}:{f.column}"
        out.append(f"fix available: {where}: {f.code} {escape(f.fix.title)}{kind}")
    return out


def fixed_lines(fixed: Sequence[Finding]) -> list[str]:
    """One line per fix --fix applied (the position is where the finding was)."""
    return [
        f"fixed: {escape(f.path)}:{f.line}:{f.column}: {f.code} {escape(f.fix.title)}"
        for f in fixed
        if f.fix is not None
    ]


def fixed_line(count: int) -> str:
    return f"Fixed {count} problem{'s' if count != 1 else ''}."


def fixable_line(findings: Sequence[Finding], unsafe_fixes: bool) -> str:
    """`[*] 2 fixable with --fix (1 more with --fix --unsafe-fixes).`, or ""."""
    safe = sum(1 for f in findings if f.fix is not None and f.fix.safe)
    unsafe = sum(1 for f in findings if f.fix is not None and not f.fix.safe)
    if unsafe_fixes:
        total = safe + unsafe
        return f"[*] {total} fixable with --fix --unsafe-fixes." if total else ""
    if safe and unsafe:
        return f"[*] {safe} fixable with --fix ({unsafe} more with --fix --unsafe-fixes)."
    if safe:
        return f"[*] {safe} fixable with --fix."
    if unsafe:
        return f"{unsafe} fixable with --fix --unsafe-fixes."
    return ""


def source_excerpt(text: str, line: int, column: int) -> list[str]:
    """The line (escaped, cut to SOURCE_WIDTH around the column) and its caret."""
    column = max(column, 1)
    text = text.expandtabs(1)
    start = max(0, min(column - 1 - SOURCE_WIDTH // 2, len(text) - SOURCE_WIDTH))
    shown = text[start : start + SOURCE_WIDTH]
    head = "..." if start > 0 else ""
    tail = "..." if start + SOURCE_WIDTH < len(text) else ""
    before = escape(head + shown[: max(column - 1 - start, 0)])
    gutter = f"{line:>5} | "
    caret = " " * (len(gutter) - 2) + "| " + " " * len(before) + "^"
    return [gutter + before + escape(shown[max(column - 1 - start, 0) :]) + tail, caret]


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
