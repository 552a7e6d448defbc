"""GitLab Code Quality report: a JSON array of issues, one per finding.

Every issue has the fields GitLab requires: `description` (the message),
`check_name` (`compose-lint CL101 obsolete-version`: the tool, code and name,
so it reads clearly beside other tools' issues in the widget), `fingerprint`,
`severity`, `location.path` (relative to the repository root) and
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
from pathlib import Path
from typing import Any

from compose_lint.findings import Finding, Severity
from compose_lint.report.sarif import fingerprints, repository_path

SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "info"}


def render(
    findings: Sequence[Finding], files: int, *, cwd: Path | None = None, root: Path | None = None
) -> str:
    """Paths relative to `root` (the repository) when `cwd` and `root` are given."""
    issues = [
        _issue(f, fp, repository_path(f.path, cwd, root))
        for f, fp in zip(findings, fingerprints(findings), strict=True)
    ]
    return json.dumps(issues, indent=2) + "\n"


def _issue(f: Finding, fingerprint: str, path: str) -> dict[str, Any]:
    path = path.replace(os.sep, "/") if os.sep != "/" else path
    while path.startswith("./"):  # GitLab wants the plain repository path
        path = path[2:]
    return {
        "description": f.message,
        "check_name": f"compose-lint {f.code} {f.name}",
        "fingerprint": fingerprint,
        "severity": SEVERITIES[f.severity],
        "location": {"path": path, "lines": {"begin": max(f.line, 1)}},
    }
