"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run whose driver lists every rule of compose-lint (so a viewer can show a
rule's help even for rules that found nothing), then one result per finding.

Choices, and why:
- `name` of a rule is the kebab name turned into one Pascal-case word
  (`obsolete-version` -> `ObsoleteVersion`): the SARIF validator GitHub points
  to (rule SARIF2012) asks for that form, and code scanning shows it in its
  rule filter. The kebab name, which is what `--select`/`--ignore` take, is kept
  in `properties.kebabName`.
- `fullDescription` is the first paragraph of the rule page's "What it does";
  `help.text` and `help.markdown` are the whole page (the same one
  `compose-lint explain` prints), so code scanning shows it beside each alert.
  There is no `helpUri`: no public URL of the pages is known.
- `properties.tags` name the rule's concern (`compose`, `dockerfile`...); the
  rules in data/security.json also carry `security` and a `security-severity`
  score, which code scanning turns into a critical/high/medium/low alert.
- Paths are relative to the repository root (the nearest directory above the
  working directory holding `.git`), whatever folder compose-lint runs in,
  against `%SRCROOT%`, which `originalUriBaseIds` maps to that root's file URI.
- Columns count Unicode code points (what our loaders count), so the run says
  `columnKind: unicodeCodePoints` rather than SARIF's default UTF-16 units.
- A finding with a fix carries it in `fixes` (SARIF's fix object): one artifactChange
  per file, each edit a replacement whose `deletedRegion` is the range replaced
  (startColumn == endColumn on one line: an insertion point; endColumn 1 of the next
  line: the line ending included) and whose `insertedContent` is the new text; a new
  file is an insertion at 1:1 of that file. `properties.safe` says whether `--fix`
  applies it without `--unsafe-fixes`.
- `partialFingerprints["compose-lint/v1"]` hashes code, path, message and an
  occurrence counter, never the line: a finding keeps its identity when lines
  are added above it. `primaryLocationLineHash`, the fingerprint GitHub itself
  reads, is a hash of the finding's source line (whitespace removed) and the
  number of equal lines before it in the file, `HASH:N`, so an alert follows
  its line when lines move (computed here, so upload-sarif need not find the
  file).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Sequence
from functools import cache
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, cast
from urllib.parse import quote

from compose_lint import __version__
from compose_lint.findings import Finding, Fix, Severity
from compose_lint.registry import all_rules

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "compose-lint/v1"
LINE_HASH_KEY = "primaryLocationLineHash"
SRCROOT = "%SRCROOT%"

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
CONCERNS = {
    "0": "syntax",
    "1": "compose",
    "2": "security",
    "3": "dockerfile",
    "4": "build-context",
    "5": "consistency",
}


def render(
    findings: Sequence[Finding], files: int, *, cwd: Path | None = None, root: Path | None = None
) -> str:
    """`cwd` is where the findings' relative paths start; `root`, the repository
    root the URIs are made relative to (both default to taking paths as given)."""
    rules = list(all_rules())
    index = {r.code: i for i, r in enumerate(rules)}
    descriptors = [_descriptor(r.code, r.name, r.severity, r.summary) for r in rules]
    for f in findings:  # a finding of a rule the registry does not know still gets one
        if f.code not in index:
            index[f.code] = len(descriptors)
            descriptors.append(_descriptor(f.code, f.name, f.severity, f.name))
    prints = fingerprints(findings)
    hashes = line_hashes(findings, cwd)
    results = [
        _result(f, index[f.code], fp, lh, repository_path(f.path, cwd, root))
        for f, fp, lh in zip(findings, prints, hashes, strict=True)
    ]
    for f, result in zip(findings, results, strict=True):
        if f.fix is not None:
            result["fixes"] = [_fix(f.fix, cwd, root)]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "compose-lint",
                "version": __version__,
                "rules": descriptors,
            }
        },
    }
    if root is not None:
        run["originalUriBaseIds"] = {SRCROOT: {"uri": root.as_uri().rstrip("/") + "/"}}
    run["columnKind"] = "unicodeCodePoints"
    run["results"] = results
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2) + "\n"


def repository_root(cwd: Path) -> Path:
    """The nearest directory at or above `cwd` holding `.git`, else `cwd`."""
    for candidate in (cwd, *cwd.parents):
        if (candidate / ".git").exists():
            return candidate
    return cwd


def repository_path(path: str, cwd: Path | None, root: Path | None) -> str:
    """A finding's path (relative to `cwd`) relative to `root` instead; unchanged
    when either is unknown or the file lies outside the root."""
    if cwd is None or root is None or os.path.isabs(path):
        return path
    absolute = os.path.normpath(os.path.join(cwd, path))
    rel = os.path.relpath(absolute, root)
    if rel == ".." or rel.startswith(".." + os.sep):
        return absolute
    return rel.replace(os.sep, "/")


def fingerprints(findings: Sequence[Finding]) -> list[str]:
    """A stable identity per finding: a hash of its code, path and message plus
    how many equal (code, path, message) findings come before it in the file.
    Line and column stay out, so an edit above a finding does not change it."""
    order = sorted(range(len(findings)), key=lambda i: findings[i].sort_key())
    seen: Counter[tuple[str, str, str]] = Counter()
    prints = [""] * len(findings)
    for i in order:
        f = findings[i]
        key = (f.code, f.path, f.message)
        text = "\0".join((FINGERPRINT_KEY, *key, str(seen[key])))
        seen[key] += 1
        prints[i] = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return prints


def line_hashes(findings: Sequence[Finding], cwd: Path | None = None) -> list[str]:
    """`primaryLocationLineHash` of each finding: HASH:N, HASH from the source line
    without whitespace, N counting the equal lines up to it in the file (from 1).
    A file that cannot be read hashes the finding's code and message instead."""
    out: list[str] = []
    for f in findings:
        lines = _source_lines(os.path.join(cwd, f.path) if cwd is not None else f.path)
        if 0 < f.line <= len(lines):
            key = _squash(lines[f.line - 1])
            count = sum(1 for line in lines[: f.line] if _squash(line) == key)
        else:
            key, count = f"{f.code}\0{f.message}", 1
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        out.append(f"{digest}:{count}")
    return out


def _squash(line: str) -> str:
    return "".join(line.split())


@cache
def _source_lines(path: str) -> tuple[str, ...]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return tuple(handle.read(16 * 1024 * 1024).splitlines())
    except OSError:
        return ()


def pascal_name(kebab: str) -> str:
    """`port-not-exposed` -> `PortNotExposed`."""
    words = re.split(r"[^0-9A-Za-z]+", kebab)
    return "".join(w[:1].upper() + w[1:] for w in words if w)


def artifact_location(path: str) -> dict[str, str]:
    """The SARIF artifactLocation of a path: a relative URI against %SRCROOT%,
    or a file: URI when the path is absolute."""
    if PureWindowsPath(path).is_absolute() and not path.startswith("/"):
        return {"uri": PureWindowsPath(path).as_uri()}
    if os.sep != "/":
        path = path.replace(os.sep, "/")
    if path.startswith("/"):
        return {"uri": PurePosixPath(path).as_uri()}
    while path.startswith("./"):
        path = path[2:]
    return {"uri": quote(path, safe="/", errors="surrogateescape"), "uriBaseId": SRCROOT}


@cache
def _security() -> dict[str, dict[str, str]]:
    from compose_lint.data import load

    return cast(dict[str, dict[str, str]], load("security.json")["rules"])


def _descriptor(code: str, name: str, severity: Severity, summary: str) -> dict[str, Any]:
    from compose_lint.pages import first_paragraph, rule_page, section

    page = rule_page(code)
    full = first_paragraph(section(page, "What it does")) if page else ""
    help_text = page or (
        f"{code} {name}: {summary}\nSelect or ignore it as {code} or {name}; "
        f"`compose-lint explain {code}` prints its page."
    )
    tags = [CONCERNS.get(code[2:3], "other")]
    properties: dict[str, Any] = {"kebabName": name}
    security = _security().get(code)
    if security is not None:
        tags = sorted({*tags, "security"})
        properties["security-severity"] = security["security-severity"]
    properties["tags"] = tags
    return {
        "id": code,
        "name": pascal_name(name) or code,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": full or summary},
        "help": {"text": help_text, "markdown": help_text},
        "defaultConfiguration": {"level": LEVELS[severity]},
        "properties": properties,
    }


def _fix(fix: Fix, cwd: Path | None, root: Path | None) -> dict[str, Any]:
    changes = []
    for path in fix.paths:
        replacements = [
            {
                "deletedRegion": {
                    "startLine": e.line,
                    "startColumn": e.column,
                    "endLine": e.end_line,
                    "endColumn": e.end_column,
                },
                "insertedContent": {"text": e.text},
            }
            for e in fix.edits
            if e.path == path
        ]
        changes.append(
            {
                "artifactLocation": artifact_location(repository_path(path, cwd, root)),
                "replacements": replacements,
            }
        )
    return {
        "description": {"text": fix.title},
        "artifactChanges": changes,
        "properties": {"safe": fix.safe},
    }


def _result(
    f: Finding, rule_index: int, fingerprint: str, line_hash: str, path: str
) -> dict[str, Any]:
    return {
        "ruleId": f.code,
        "ruleIndex": rule_index,
        "level": LEVELS[f.severity],
        "message": {"text": f.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_location(path),
                    "region": {"startLine": max(f.line, 1), "startColumn": max(f.column, 1)},
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint, LINE_HASH_KEY: line_hash},
    }
