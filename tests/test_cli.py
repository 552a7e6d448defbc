"""The command line as users meet it: exit codes, formats, config, suppression."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, ROOT

from compose_lint.cli import main

BAD = 'version: "3.9"\nservices:\n  web:\n    image: example.org/web:1.0\n'


def invoke(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """Run the CLI in `cwd`; (exit code, stdout, stderr)."""
    old = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, args, catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()  # the repository root: config discovery stops here
    (tmp_path / "compose.yaml").write_text(BAD)
    return tmp_path


def test_clean_project_exits_0_with_only_the_summary() -> None:
    code, out, _ = invoke(["sample_project"], ROOT)
    assert code == 0
    assert out.splitlines() == [out.splitlines()[-1]]
    assert out.startswith("No problems found")


def test_tutorial_exits_1(tmp_path: Path) -> None:
    code, out, _ = invoke([str(FIXTURES / "tutorial")], ROOT)
    assert code == 1
    assert "CL101 [warning]" in out


def test_finding_line_format(project: Path) -> None:
    code, out, _ = invoke([], project)
    assert code == 1
    assert out.splitlines()[0].startswith("compose.yaml:1:1: CL101 [warning] ")
    assert out.splitlines()[0].endswith("(obsolete-version)")


def test_json_output(project: Path) -> None:
    code, out, _ = invoke(["--format", "json"], project)
    items = json.loads(out)
    assert code == 1
    assert {k for k in items[0]} >= {
        "code",
        "name",
        "severity",
        "path",
        "line",
        "column",
        "message",
    }
    assert (items[0]["code"], items[0]["path"], items[0]["line"]) == ("CL101", "compose.yaml", 1)


@pytest.mark.parametrize("fmt", ["sarif", "github", "gitlab", "junit"])
def test_every_format_runs(project: Path, fmt: str) -> None:
    code, out, _ = invoke(["--format", fmt], project)
    assert code == 1 and "CL101" in out


def test_output_file(project: Path) -> None:
    code, out, _ = invoke(["--format", "json", "--output", "report.json"], project)
    assert code == 1 and out == ""
    assert json.loads((project / "report.json").read_text())[0]["code"] == "CL101"


@pytest.mark.parametrize(
    "args",
    [["--format", "xml"], ["--select", "CL999"], ["--ignore", "no-such-rule"], ["missing.yaml"]],
)
def test_usage_errors_exit_2(project: Path, args: list[str]) -> None:
    code, _, err = invoke(args, project)
    assert code == 2
    assert err.startswith("compose-lint: error:")


def test_fail_on_and_ignore(project: Path) -> None:
    assert invoke(["--fail-on", "error"], project)[0] == 0
    assert invoke(["--ignore", "obsolete-version"], project)[0] == 0
    assert invoke(["--select", "CL1"], project)[0] == 1


def test_list_rules_json() -> None:
    code, out, _ = invoke(["--list-rules", "--format", "json"], ROOT)
    rules = {r["code"]: r for r in json.loads(out)}
    assert code == 0
    assert rules["CL101"]["name"] == "obsolete-version"


def test_explain_by_code_and_name() -> None:
    by_code = invoke(["explain", "CL101"], ROOT)
    by_name = invoke(["explain", "obsolete-version"], ROOT)
    assert by_code[0] == 0 and by_code[1] == by_name[1]
    assert by_code[1].startswith("# CL101 obsolete-version")
    assert invoke(["explain", "CL999"], ROOT)[0] == 2


def test_statistics(project: Path) -> None:
    _, out, _ = invoke(["--statistics"], project)
    assert "    1  CL101  obsolete-version" in out


# -- configuration ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "exit_code"),
    [
        ("ignore: [CL101]\n", 0),
        ("fail-on: error\n", 0),
        ("severity:\n  obsolete-version: info\n", 0),
        ("select: [CL0]\n", 0),
        ("per-file-ignores:\n  'compose.yaml': [CL101]\n", 0),
        ("severity:\n  CL101: error\nfail-on: error\n", 1),
    ],
)
def test_config_file(project: Path, text: str, exit_code: int) -> None:
    (project / ".compose-project-lint.yaml").write_text(text)
    assert invoke([], project)[0] == exit_code


def test_config_found_above_the_project_and_in_pyproject(project: Path) -> None:
    sub = project / "app"
    sub.mkdir()
    (project / "compose.yaml").rename(sub / "compose.yaml")
    (project / "pyproject.toml").write_text('[tool.compose-project-lint]\nignore = ["CL101"]\n')
    assert invoke(["app"], project)[0] == 0
    assert invoke(["app", "--isolated"], project)[0] == 1


def test_config_flag(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    other = tmp_path_factory.mktemp("cfg") / "lint.yaml"
    other.write_text("ignore: [CL101]\n")
    assert invoke(["--config", str(other)], project)[0] == 0


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("ignor: [CL101]\n", 'unknown key "ignor"; did you mean "ignore"?'),
        ("ignore: [CL999]\n", 'unknown rule "CL999"'),
        ("select: 5\n", '"select" must be a list'),
        ("severity:\n  CL101: fatal\n", 'unknown severity "fatal"'),
        ("fail-on: sometimes\n", '"fail-on" must be one of'),
        ("rule-options:\n  CL101:\n    x: 1\n", 'unknown option "rule-options.CL101.x"'),
        ("- a\n- b\n", "must be a mapping"),
        ("a: [\n", "did not find expected"),
        ("\x00\x01", "binary"),
    ],
)
def test_config_errors_are_one_line_exit_2(project: Path, text: str, says: str) -> None:
    (project / ".compose-project-lint.yaml").write_text(text)
    code, _, err = invoke([], project)
    assert code == 2
    assert ".compose-project-lint.yaml" in err and says in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_bad_toml_is_an_error(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.compose-project-lint]\nselect = [\n")
    code, _, err = invoke([], project)
    assert code == 2 and "invalid TOML" in err


# -- inline suppression ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        'version: "3.9"  # compose-lint: disable=CL101\nservices: {}\n',
        '# compose-lint: disable=obsolete-version\nversion: "3.9"\nservices: {}\n',
        '# compose-lint: disable-file=CL101\nservices: {}\nversion: "3.9"\n',
        '# compose-lint: disable-file\nservices: {}\nversion: "3.9"\n',
    ],
)
def test_suppressed(project: Path, text: str) -> None:
    (project / "compose.yaml").write_text(text)
    code, out, _ = invoke([], project)
    assert (code, out.startswith("No problems found")) == (0, True)


def test_suppression_two_lines_above_does_not_count(project: Path) -> None:
    text = '# compose-lint: disable=CL101\n\nversion: "3.9"\nservices: {}\n'
    (project / "compose.yaml").write_text(text)
    _, out, _ = invoke(["--format", "json"], project)
    assert [(f["code"], f["line"]) for f in json.loads(out)] == [("CL007", 1), ("CL101", 3)]


def test_unused_suppression_of_a_rule_that_ran(project: Path) -> None:
    text = "services:  # compose-lint: disable=CL101\n  web:\n    image: example.org/web:1.0\n"
    (project / "compose.yaml").write_text(text)
    _, out, _ = invoke(["--format", "json"], project)
    found = json.loads(out)
    assert [(f["code"], f["line"], f["column"]) for f in found] == [("CL007", 1, 12)]
    assert "CL101 reports nothing here" in found[0]["message"]


def test_dockerfile_suppression_covers_the_whole_instruction(project: Path) -> None:
    (project / "compose.yaml").write_text("services:\n  web:\n    build: .\n")
    (project / "Dockerfile").write_text(
        "FROM debian:12\n# compose-lint: disable=CL004\nRUNN apt-get update \\\n  && true\n"
    )
    _, out, _ = invoke(["--format", "json", "--select", "CL004,CL007"], project)
    assert json.loads(out) == []


# -- source lines ---------------------------------------------------------------


def test_show_source_puts_a_caret_under_the_column(project: Path) -> None:
    _, out, _ = invoke(["--show-source"], project)
    assert out.splitlines()[1:3] == ['    1 | version: "3.9"', "      | ^"]


def test_show_source_masks_secrets(project: Path) -> None:
    secret = "hunter2-" + "correct-horse"
    (project / "compose.yaml").write_text(
        f"services:\n  db:\n    image: example.org/db:1\n    environment:\n"
        f"      POSTGRES_PASSWORD: {secret}\n"
    )
    for fmt in ("text", "json", "sarif", "github", "gitlab", "junit"):
        _, out, _ = invoke(["--show-source", "--format", fmt], project)
        assert "CL201" in out and secret not in out, fmt


def test_no_color_when_not_a_terminal(project: Path) -> None:
    _, out, _ = invoke([], project)
    assert "\033[" not in out


def test_extra_secret_names_from_the_configuration(project: Path) -> None:
    (project / "compose.yaml").write_text(
        "services:\n  app:\n    image: example.org/app:1\n"
        "    environment:\n      DOOR_PIN: '4711'\n"
    )
    assert invoke([], project)[0] == 0
    (project / ".compose-project-lint.yaml").write_text(
        "rule-options:\n  hardcoded-secret:\n    extra-names: ['*_pin']\n"
    )
    code, out, _ = invoke(["--format", "json"], project)
    assert code == 1 and json.loads(out)[0]["code"] == "CL201" and "4711" not in out
