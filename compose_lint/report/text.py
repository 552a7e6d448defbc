"""`path:line:col: CODE [severity] message (name)`, then a summary line."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from compose_lint.findings import Finding, Severity


def render(findings: Sequence[Finding], files: int) -> str:
    lines = [
        f"{f.path}:{f.line}:{f.column}: {f.code} [{f.severity}] {f.message} ({f.name})"
        for f in findings
    ]
    lines.append(summary(findings, files))
    return "\n".join(lines) + "\n"


def summary(findings: Sequence[Finding], files: int) -> str:
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
