"""GitLab Code Quality report: a JSON array of issues, one per finding.

Every issue has the fields GitLab requires: `description` (the message),
`check_name` (the rule code), `fingerprint`, `severity`, `location.path` and
`location.lines.begin`. Severities map as error -> `critical` (Compose or the
build will fail), warning -> `major`, info -> `info`; `minor` and `blocker` go
unused. The fingerprint is the one the SARIF report uses: a hash of code, path,
message and an occurrence counter, without the line, so an issue keeps its
identity across merge requests when lines move, and two equal findings in one
file still get distinct fingerprints (GitLab drops repeats).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

from compose_lint.findings import Finding, Severity
from compose_lint.report.sarif import fingerprints

SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "info"}


def render(findings: Sequence[Finding], files: int) -> str:
    issues = [_issue(f, fp) for f, fp in zip(findings, fingerprints(findings), strict=True)]
    return json.dumps(issues, indent=2) + "\n"


def _issue(f: Finding, fingerprint: str) -> dict[str, Any]:
    path = f.path.replace(os.sep, "/") if os.sep != "/" else f.path
    while path.startswith("./"):  # GitLab wants the plain repository path
        path = path[2:]
    return {
        "description": f.message,
        "check_name": f.code,
        "fingerprint": fingerprint,
        "severity": SEVERITIES[f.severity],
        "location": {"path": path, "lines": {"begin": max(f.line, 1)}},
    }
