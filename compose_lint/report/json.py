"""A JSON array of finding objects."""

from __future__ import annotations

import json
from collections.abc import Sequence

from compose_lint.findings import Finding


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
        }
        for f in findings
    ]
    return json.dumps(items, indent=2) + "\n"
