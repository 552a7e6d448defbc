"""A JSON array of finding objects; `fix` is the fix the rule offers (or null): its
title, whether `--fix` applies it without `--unsafe-fixes`, and its edits (`path`,
`start`/`end` line and column, the end not included, `content` to put there; `create`
for a new file)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from compose_lint.findings import Finding, Fix


def render(findings: Sequence[Finding], files: int) -> str:
    items = [
        {
            "code": f.code,
            "name": f.name,
            "severity": str(f.severity),
            "path": f.path,
            "line": f.line,
            "column": f.column,
            "message": f.message,
            "fix": fix_object(f.fix),
        }
        for f in findings
    ]
    return json.dumps(items, indent=2) + "\n"


def fix_object(fix: Fix | None) -> dict[str, Any] | None:
    if fix is None:
        return None
    return {
        "title": fix.title,
        "safe": fix.safe,
        "edits": [
            {
                "path": e.path,
                "start": {"line": e.line, "column": e.column},
                "end": {"line": e.end_line, "column": e.end_column},
                "content": e.text,
                **({"create": True} if e.create else {}),
            }
            for e in fix.edits
        ],
    }
