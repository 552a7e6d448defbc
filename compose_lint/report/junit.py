"""JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure...).

    <testsuites name="compose-lint" tests="2" failures="1" errors="0">
      <testsuite name="compose-lint" tests="2" failures="1" errors="0" skipped="0">
        <testcase classname="compose.yaml" name="compose.yaml:1:1 CL101 obsolete-version"
                  file="compose.yaml" line="1">
          <failure message="..." type="warning">...</failure>
        </testcase>
        <testcase classname="compose.yaml" name="compose.yaml:4:5 CL326 missing-healthcheck" ...>
          <system-out>... (info, below --fail-on)</system-out>

One testcase per finding (classname = file; name = `path:line:col CODE name`,
with ` #2`, ` #3` added when findings share it, so every name is unique:
GitLab keeps only the first of equal names). A finding is a `<failure>` only
when it is at or above `--fail-on`, exactly when it makes the exit code 1; one
below it is a passing testcase whose `<system-out>` holds the message, so
Jenkins does not mark a green run unstable. With no finding, one passing
testcase so the report is never empty. Characters XML 1.0 cannot hold (control
characters, lone surrogates) are written as `\\xNN`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Collection, Sequence

from compose_lint.findings import Finding

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def render(
    findings: Sequence[Finding], files: int, *, failing: Collection[Finding] | None = None
) -> str:
    """`failing`: the findings at or above the fail-on threshold (None: all of them)."""
    failed = [f for f in findings if failing is None or f in failing]
    count = str(max(len(findings), 1))
    totals = {"tests": count, "failures": str(len(failed)), "errors": "0"}
    root = ET.Element("testsuites", {"name": "compose-lint", **totals})
    suite = ET.SubElement(root, "testsuite", {"name": "compose-lint", **totals, "skipped": "0"})
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", {"name": "files_checked", "value": str(files)})
    names: Counter[str] = Counter()
    for f in findings:
        name = f"{f.path}:{f.line}:{f.column} {f.code} {f.name}"
        names[name] += 1
        if names[name] > 1:
            name = f"{name} #{names[name]}"
        case = ET.SubElement(
            suite,
            "testcase",
            {
                "classname": _xml(f.path),
                "name": _xml(name),
                "file": _xml(f.path),
                "line": str(f.line),
            },
        )
        text = _xml(f"{f.path}:{f.line}:{f.column}: {f.code} [{f.severity}] {f.message} ({f.name})")
        if failing is None or f in failing:
            failure = ET.SubElement(
                case, "failure", {"message": _xml(f.message), "type": str(f.severity)}
            )
            failure.text = text
        else:
            ET.SubElement(case, "system-out").text = f"{text} [{f.severity}, below --fail-on]"
    if not findings:
        ET.SubElement(suite, "testcase", {"classname": "compose-lint", "name": "no problems"})
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _xml(text: str) -> str:
    """Text XML 1.0 can carry: anything it cannot becomes a visible escape."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
