"""The CI output formats: SARIF, GitHub annotations, GitLab Code Quality, JUnit.

Golden files: tests/golden/<format>.<ext> hold the exact output for FINDINGS.
After a deliberate change of a format, rewrite them with
    COMPOSE_LINT_UPDATE_GOLDEN=1 python3 -m pytest tests/test_report.py
and read the diff before committing it.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from conftest import ROOT, shared_path

from compose_lint.findings import Finding, Location, Severity
from compose_lint.registry import Rule, all_rules
from compose_lint.report import github, gitlab, junit, sarif

GOLDEN = Path(__file__).parent / "golden"
UPDATE = bool(os.environ.get("COMPOSE_LINT_UPDATE_GOLDEN"))

FINDINGS = [
    Finding(
        "CL001",
        "invalid-yaml",
        Severity.ERROR,
        Location("compose.yaml", 4, 7),
        'mapping values are not allowed here: "ports: 80:80, 443" is 100% ambiguous\n'
        'quote the value: "80:80"',
    ),
    Finding(
        "CL101",
        "obsolete-version",
        Severity.WARNING,
        Location("compose.yaml", 1, 1),
        'the top-level "version" key is obsolete; delete it',
    ),
    Finding(
        "CL901",
        "example-hint",
        Severity.INFO,
        Location("web app/Dockerfile", 12, 1),
        "consider a smaller base image",
    ),
]

# A fixed rule list, so the SARIF golden file does not change whenever a rule is added.
RULES = tuple(
    Rule(code, name, severity, summary, lambda project: ())
    for code, name, severity, summary in [
        ("CL001", "invalid-yaml", Severity.ERROR, "A compose file is not parseable YAML."),
        ("CL101", "obsolete-version", Severity.WARNING, "The `version` key is obsolete."),
        ("CL901", "example-hint", Severity.INFO, "An example hint."),
    ]
)

Render = Callable[[Sequence[Finding], int], str]
FORMATS: dict[str, tuple[Render, str]] = {
    "sarif": (sarif.render, "sarif"),
    "github": (github.render, "txt"),
    "gitlab": (gitlab.render, "json"),
    "junit": (junit.render, "xml"),
}


@pytest.fixture
def fixed_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sarif, "all_rules", lambda: RULES)
    monkeypatch.setattr(sarif, "__version__", "0.0.0-test")


@pytest.mark.parametrize("name", FORMATS)
def test_golden(name: str, fixed_rules: None) -> None:
    render, ext = FORMATS[name]
    output = render(FINDINGS, 3)
    golden = GOLDEN / f"{name}.{ext}"
    if UPDATE:
        golden.write_bytes(output.encode("utf-8"))
    assert golden.exists(), f"{golden} is missing; set COMPOSE_LINT_UPDATE_GOLDEN=1 to write it"
    assert output == golden.read_bytes().decode("utf-8")


@pytest.mark.parametrize("name", FORMATS)
def test_no_findings(name: str) -> None:
    render, _ = FORMATS[name]
    output = render([], 0)
    if name in ("sarif", "gitlab"):
        data = json.loads(output)
        assert (data["runs"][0]["results"] if name == "sarif" else data) == []
    elif name == "junit":
        suite = ET.fromstring(output).find("testsuite")
        assert suite is not None and suite.get("failures") == "0"
        assert len(suite.findall("testcase")) == 1
    else:
        assert output == ""


# -- SARIF ------------------------------------------------------------------


@pytest.mark.parametrize("findings", [FINDINGS, []], ids=["findings", "empty"])
def test_sarif_matches_schema(findings: list[Finding]) -> None:
    from jsonschema import Draft4Validator

    schema = json.loads(shared_path("reference", "sarif-schema-2.1.0.json").read_text())
    assert "draft-04" in schema["$schema"], "the SARIF schema changed draft; change the validator"
    validator = Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(json.loads(sarif.render(findings, 3)))
    ]
    assert errors == []


def test_sarif_rules_and_results() -> None:
    log = json.loads(sarif.render(FINDINGS, 3))
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules[: len(all_rules())]] == [r.code for r in all_rules()]
    obsolete = next(r for r in rules if r["id"] == "CL101")
    assert obsolete["name"] == "ObsoleteVersion"
    assert obsolete["properties"]["kebabName"] == "obsolete-version"
    assert "helpUri" not in obsolete  # no public URL of the pages is known: none is made up
    page = (ROOT / "rules" / "CL101.md").read_text()
    assert obsolete["help"]["markdown"] == page == obsolete["help"]["text"]
    assert obsolete["fullDescription"]["text"].startswith("Reports the top-level `version:` key")
    assert obsolete["properties"]["tags"] == ["compose"]
    assert "security-severity" not in obsolete["properties"]
    assert obsolete["defaultConfiguration"]["level"] == "warning"
    for result in run["results"]:  # every ruleIndex points at its rule
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    levels = [r["level"] for r in run["results"]]
    assert levels == ["error", "warning", "note"]
    location = run["results"][2]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "web%20app/Dockerfile", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 12, "startColumn": 1}


def test_sarif_artifact_location() -> None:
    assert sarif.artifact_location("../x/compose.yaml")["uri"] == "../x/compose.yaml"
    assert sarif.artifact_location("a:b/c#d")["uri"] == "a%3Ab/c%23d"
    assert sarif.artifact_location("/srv/app/compose.yaml") == {
        "uri": "file:///srv/app/compose.yaml"
    }
    assert sarif.artifact_location("D:\\app\\compose.yaml") == {
        "uri": "file:///D:/app/compose.yaml"
    }


def test_pascal_name() -> None:
    assert sarif.pascal_name("port-not-exposed") == "PortNotExposed"
    assert sarif.pascal_name("cl-v2-key") == "ClV2Key"


# -- fingerprints -----------------------------------------------------------


def _moved(finding: Finding, lines: int) -> Finding:
    return finding._replace(location=finding.location._replace(line=finding.line + lines))


def test_fingerprint_survives_lines_added_above() -> None:
    before = sarif.fingerprints(FINDINGS)
    after = sarif.fingerprints([_moved(f, 3) for f in FINDINGS])
    assert before == after
    assert len(set(before)) == len(before)
    sarif_prints = [
        r["partialFingerprints"]["compose-lint/v1"]
        for r in json.loads(sarif.render([_moved(FINDINGS[0], 3)], 1))["runs"][0]["results"]
    ]
    gitlab_prints = [i["fingerprint"] for i in json.loads(gitlab.render([FINDINGS[0]], 1))]
    assert sarif_prints == gitlab_prints == [before[0]]


def test_fingerprint_tells_repeats_apart() -> None:
    first = FINDINGS[1]
    second = _moved(first, 10)
    prints = sarif.fingerprints([first, second])
    assert prints[0] != prints[1]
    # the counter follows position in the file, not the order findings arrive in
    assert sarif.fingerprints([second, first]) == prints[::-1]
    # and the first of them keeps its identity when the second goes away
    assert sarif.fingerprints([first]) == prints[:1]


def test_fingerprint_changes_with_message_code_or_path() -> None:
    base = sarif.fingerprints(FINDINGS[1:2])[0]
    for other in (
        FINDINGS[1]._replace(message="something else"),
        FINDINGS[1]._replace(code="CL102"),
        FINDINGS[1]._replace(location=Location("other/compose.yaml", 1, 1)),
    ):
        assert sarif.fingerprints([other])[0] != base


# -- GitHub -----------------------------------------------------------------

_ANNOTATION = re.compile(r"^::(?P<kind>\w+) (?P<props>[^:]*)::(?P<message>.*)$")


def _parse_annotation(line: str) -> tuple[str, dict[str, str], str]:
    match = _ANNOTATION.match(line)
    assert match, line
    props = dict(p.split("=", 1) for p in match["props"].split(","))
    return match["kind"], props, match["message"]


def test_github_annotation_location() -> None:
    lines = github.render(FINDINGS, 3).splitlines()
    assert len(lines) == len(FINDINGS)
    kind, props, message = _parse_annotation(lines[0])
    assert kind == "error"
    assert props == {
        "file": "compose.yaml",
        "line": "4",
        "col": "7",
        "title": "CL001 invalid-yaml",
    }
    assert "%0A" in message and "100%25" in message and "\n" not in message
    assert [_parse_annotation(line)[0] for line in lines] == ["error", "warning", "notice"]
    assert _parse_annotation(lines[2])[1]["file"] == "web app/Dockerfile"


def test_github_escapes_property_values() -> None:
    odd = FINDINGS[1]._replace(location=Location("a,b:c%d/compose.yaml", 2, 3))
    kind, props, _ = _parse_annotation(github.render([odd], 1).rstrip("\n"))
    assert props["file"] == "a%2Cb%3Ac%25d/compose.yaml"
    assert github.escape_data("50%\r\n: ,") == "50%25%0D%0A: ,"
    assert github.escape_property("50%\r\n: ,") == "50%25%0D%0A%3A %2C"


# -- GitLab -----------------------------------------------------------------


def test_gitlab_required_fields() -> None:
    issues = json.loads(gitlab.render(FINDINGS, 3))
    assert [i["severity"] for i in issues] == ["critical", "major", "info"]
    for issue, finding in zip(issues, FINDINGS, strict=True):
        assert issue["description"] == finding.message
        assert issue["check_name"] == f"compose-lint {finding.code} {finding.name}"
        assert issue["fingerprint"]
        assert issue["location"] == {"path": finding.path, "lines": {"begin": finding.line}}


# -- JUnit ------------------------------------------------------------------


def test_junit_structure() -> None:
    root = ET.fromstring(junit.render(FINDINGS, 3))
    assert root.tag == "testsuites"
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("name"), suite.get("tests"), suite.get("failures")) == (
        "compose-lint",
        "3",
        "3",
    )
    cases = suite.findall("testcase")
    assert [(c.get("classname"), c.get("name"), c.get("file")) for c in cases] == [
        ("compose.yaml", "compose.yaml:4:7 CL001 invalid-yaml", "compose.yaml"),
        ("compose.yaml", "compose.yaml:1:1 CL101 obsolete-version", "compose.yaml"),
        ("web app/Dockerfile", "web app/Dockerfile:12:1 CL901 example-hint", "web app/Dockerfile"),
    ]
    failure = cases[0].find("failure")
    assert failure is not None and failure.get("message") == FINDINGS[0].message


def test_junit_survives_characters_xml_cannot_hold() -> None:
    odd = FINDINGS[1]._replace(message='bell \x07, escape \x1b[0m, <tag> & "quote"')
    failure = ET.fromstring(junit.render([odd], 1)).find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == 'bell \\x07, escape \\x1b[0m, <tag> & "quote"'


def test_junit_failures_are_the_findings_at_or_above_fail_on() -> None:
    failing = {f for f in FINDINGS if f.severity >= Severity.WARNING}
    suite = ET.fromstring(junit.render(FINDINGS, 3, failing=failing)).find("testsuite")
    assert suite is not None and (suite.get("tests"), suite.get("failures")) == ("3", "2")
    info = suite.findall("testcase")[2]
    assert info.find("failure") is None
    assert "consider a smaller base image" in (info.findtext("system-out") or "")


def test_junit_test_names_are_unique() -> None:
    twice = [FINDINGS[1], FINDINGS[1]._replace(message="another message, same place")]
    cases = ET.fromstring(junit.render(twice, 1)).findall("testsuite/testcase")
    names = [c.get("name") for c in cases]
    assert len(set(names)) == 2 and names[1] == names[0] + " #2"


# -- what GitHub code scanning ranks -----------------------------------------


def test_sarif_security_rules_carry_tags_and_security_severity() -> None:
    rules = {
        r["id"]: r for r in json.loads(sarif.render([], 0))["runs"][0]["tool"]["driver"]["rules"]
    }
    secret = rules["CL201"]["properties"]
    assert "security" in secret["tags"] and 7.0 <= float(secret["security-severity"]) < 9.0
    assert "security" in rules["CL304"]["properties"]["tags"]
    same = [r["id"] for r in rules.values() if r["fullDescription"] == r["shortDescription"]]
    assert same == []  # every rule's page gives a real full description
    assert all(len(r["help"]["markdown"].splitlines()) > 10 for r in rules.values())


def test_sarif_paths_are_relative_to_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    sub = tmp_path / "deploy"
    sub.mkdir()
    (sub / "compose.yaml").write_text('version: "3"\nservices: {}\n')
    finding = FINDINGS[1]._replace(location=Location("compose.yaml", 1, 1))
    log = json.loads(sarif.render([finding], 1, cwd=sub, root=tmp_path))
    run = log["runs"][0]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": tmp_path.as_uri() + "/"}}
    result = run["results"][0]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri == {"uri": "deploy/compose.yaml", "uriBaseId": "%SRCROOT%"}
    line_hash = result["partialFingerprints"]["primaryLocationLineHash"]
    assert re.fullmatch(r"[0-9a-f]{16}:1", line_hash)
    # the hash follows the line's content, not its number
    (sub / "compose.yaml").write_text('# a comment\nversion: "3"\nservices: {}\n')
    sarif._source_lines.cache_clear()
    moved = finding._replace(location=Location("compose.yaml", 2, 1))
    again = json.loads(sarif.render([moved], 1, cwd=sub, root=tmp_path))["runs"][0]["results"][0]
    assert again["partialFingerprints"]["primaryLocationLineHash"] == line_hash
    issue = json.loads(gitlab.render([finding], 1, cwd=sub, root=tmp_path))[0]
    assert issue["location"]["path"] == "deploy/compose.yaml"


def test_sarif_with_every_rule_and_real_paths_matches_schema(tmp_path: Path) -> None:
    from jsonschema import Draft4Validator

    schema = json.loads(shared_path("reference", "sarif-schema-2.1.0.json").read_text())
    validator = Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)
    (tmp_path / ".git").mkdir()
    log = json.loads(sarif.render(FINDINGS, 3, cwd=tmp_path, root=tmp_path))
    assert [e.message for e in validator.iter_errors(log)] == []


# GitLab's documented Code Quality fields (docs.gitlab.com, "Code Quality report format")
GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def test_gitlab_issues_have_the_documented_fields_and_types() -> None:
    issues = json.loads(gitlab.render(FINDINGS + [FINDINGS[1]], 3))
    for issue in issues:
        assert isinstance(issue["description"], str) and issue["description"]
        assert isinstance(issue["check_name"], str) and issue["check_name"]
        assert isinstance(issue["fingerprint"], str) and issue["fingerprint"]
        assert issue["severity"] in GITLAB_SEVERITIES
        assert isinstance(issue["location"]["path"], str)
        assert not issue["location"]["path"].startswith(("/", "./"))
        assert isinstance(issue["location"]["lines"]["begin"], int)
    assert len({i["fingerprint"] for i in issues}) == len(issues)
