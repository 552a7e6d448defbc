"""JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure...).

    <testsuites name="compose-lint" tests="2" failures="2" errors="0">
      <testsuite name="compose-lint" tests="2" failures="2" errors="0" skipped="0">
        <testcase classname="compose.yaml" name="CL101 1:1">
          <failure message="..." type="warning">...</failure>

One failing testcase per finding (classname = file, name = `CODE line:col`);
with no finding, one passing testcase so the report is never empty. Every
finding is a failure whatever its severity (the `type` attribute says which):
`--fail-on` decides the exit code, not this report. Characters XML 1.0 cannot
hold (control characters, lone surrogates) are written as `\\xNN`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from compose_lint.findings import Finding

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def render(findings: Sequence[Finding], files: int) -> str:
    count = str(max(len(findings), 1))
    failures = str(len(findings))
    totals = {"tests": count, "failures": failures, "errors": "0"}
    root = ET.Element("testsuites", {"name": "compose-lint", **totals})
    suite = ET.SubElement(root, "testsuite", {"name": "compose-lint", **totals, "skipped": "0"})
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", {"name": "files_checked", "value": str(files)})
    for f in findings:
        case = ET.SubElement(
            suite, "testcase", {"classname": _xml(f.path), "name": f"{f.code} {f.line}:{f.column}"}
        )
        failure = ET.SubElement(
            case, "failure", {"message": _xml(f.message), "type": str(f.severity)}
        )
        failure.text = _xml(
            f"{f.path}:{f.line}:{f.column}: {f.code} [{f.severity}] {f.message} ({f.name})"
        )
    if not findings:
        ET.SubElement(suite, "testcase", {"classname": "compose-lint", "name": "no problems"})
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _xml(text: str) -> str:
    """Text XML 1.0 can carry: anything it cannot becomes a visible escape."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
