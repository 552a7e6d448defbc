"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run whose driver lists every rule of compose-lint (so a viewer can show a
rule's help even for rules that found nothing), then one result per finding.

Choices, and why:
- `name` of a rule is the kebab name turned into one Pascal-case word
  (`obsolete-version` -> `ObsoleteVersion`): the SARIF validator GitHub points
  to (rule SARIF2012) asks for that form, and code scanning shows it in its
  rule filter. The kebab name, which is what `--select`/`--ignore` take, is kept
  in the rule's help text and in `properties.kebabName`.
- Columns count Unicode code points (what our loaders count), so the run says
  `columnKind: unicodeCodePoints` rather than SARIF's default UTF-16 units.
- `partialFingerprints["compose-lint/v1"]` hashes code, path, message and an
  occurrence counter, never the line: a finding keeps its identity when lines
  are added above it. (GitHub itself only reads `primaryLocationLineHash`,
  which `upload-sarif` computes from the source; other consumers use ours.)
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from compose_lint import __version__
from compose_lint.findings import Finding, Severity
from compose_lint.registry import all_rules

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/compose-lint/compose-lint"
HELP_URI = "https://github.com/compose-lint/compose-lint/blob/main/rules/{code}.md"
FINGERPRINT_KEY = "compose-lint/v1"

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render(findings: Sequence[Finding], files: int) -> str:
    rules = list(all_rules())
    index = {r.code: i for i, r in enumerate(rules)}
    descriptors = [_descriptor(r.code, r.name, r.severity, r.summary) for r in rules]
    for f in findings:  # a finding of a rule the registry does not know still gets one
        if f.code not in index:
            index[f.code] = len(descriptors)
            descriptors.append(_descriptor(f.code, f.name, f.severity, f.name))
    prints = fingerprints(findings)
    results = [_result(f, index[f.code], fp) for f, fp in zip(findings, prints, strict=True)]
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "compose-lint",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": descriptors,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"


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


def pascal_name(kebab: str) -> str:
    """`port-not-exposed` -> `PortNotExposed`."""
    words = re.split(r"[^0-9A-Za-z]+", kebab)
    return "".join(w[:1].upper() + w[1:] for w in words if w)


def artifact_location(path: str) -> dict[str, str]:
    """The SARIF artifactLocation of a path as shown to the user: a relative
    URI against %SRCROOT%, or a file: URI when the path is absolute."""
    if PureWindowsPath(path).is_absolute() and not path.startswith("/"):
        return {"uri": PureWindowsPath(path).as_uri()}
    if os.sep != "/":
        path = path.replace(os.sep, "/")
    if path.startswith("/"):
        return {"uri": PurePosixPath(path).as_uri()}
    while path.startswith("./"):
        path = path[2:]
    return {"uri": quote(path, safe="/", errors="surrogateescape"), "uriBaseId": "%SRCROOT%"}


def _descriptor(code: str, name: str, severity: Severity, summary: str) -> dict[str, Any]:
    help_uri = HELP_URI.format(code=code)
    return {
        "id": code,
        "name": pascal_name(name) or code,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": summary},
        "helpUri": help_uri,
        "help": {
            "text": (
                f"{code} {name}: {summary}\n"
                f"Select or ignore it as {code} or {name}. Details: {help_uri}"
            ),
            "markdown": (
                f"**{code} `{name}`**: {summary}\n\n"
                f"Select or ignore it as `{code}` or `{name}`. "
                f"See [the rule's page]({help_uri})."
            ),
        },
        "defaultConfiguration": {"level": LEVELS[severity]},
        "properties": {"kebabName": name},
    }


def _result(f: Finding, rule_index: int, fingerprint: str) -> dict[str, Any]:
    return {
        "ruleId": f.code,
        "ruleIndex": rule_index,
        "level": LEVELS[f.severity],
        "message": {"text": f.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_location(f.path),
                    "region": {"startLine": max(f.line, 1), "startColumn": max(f.column, 1)},
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
