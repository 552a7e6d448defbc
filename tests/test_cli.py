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


def test_hadolint_ignore_comments_silence_the_rules_that_cover_them(project: Path) -> None:
    (project / "compose.yaml").write_text("services:\n  web:\n    build: .\n")
    (project / "Dockerfile").write_text(
        "FROM debian:12\n"
        "# hadolint ignore=DL3009,DL3015\n"
        "RUN apt-get update \\\n  && apt-get install -y curl\n"
        "RUN apt-get update && apt-get install -y wget\n"
        'CMD ["sleep", "infinity"]\n'
    )
    _, out, _ = invoke(["--format", "json", "--select", "CL307,CL309,CL007"], project)
    # the annotated RUN is silent; the next one is reported; the comment is not
    # "unused" even for a hadolint code compose-lint lacks
    assert sorted((f["code"], f["line"]) for f in json.loads(out)) == [
        ("CL307", 5),
        ("CL309", 5),
    ]


def test_hadolint_global_ignore_covers_the_file(project: Path) -> None:
    (project / "compose.yaml").write_text("services:\n  web:\n    build: .\n")
    (project / "Dockerfile").write_text(
        "# hadolint global ignore=DL3003,DL9999\nFROM debian:12\nRUN cd /tmp && make\n"
        "RUN cd /srv && make\n"
    )
    _, out, _ = invoke(["--format", "json", "--select", "CL305,CL007"], project)
    assert json.loads(out) == []
    # without the comment both cd are reported
    (project / "Dockerfile").write_text(
        "FROM debian:12\nRUN cd /tmp && make\nRUN cd /srv && make\n"
    )
    _, out, _ = invoke(["--format", "json", "--select", "CL305"], project)
    assert [f["line"] for f in json.loads(out)] == [2, 3]


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
        # an ordinary literal: CL215, which is off by default
        _, out, _ = invoke(["--extend-select", "CL215", "--show-source", "--format", fmt], project)
        assert "CL215" in out and secret not in out, fmt


def test_no_color_when_not_a_terminal(project: Path) -> None:
    _, out, _ = invoke([], project)
    assert "\033[" not in out


def test_extra_secret_names_from_the_configuration(project: Path) -> None:
    (project / "compose.yaml").write_text(
        "services:\n  app:\n    image: example.org/app:1\n"
        "    environment:\n      DOOR_PIN: '4711'\n"
    )
    assert invoke(["--extend-select", "CL215"], project)[0] == 0  # not a secret name
    (project / ".compose-project-lint.yaml").write_text(
        "extend-select: [CL215]\nrule-options:\n  literal-secret:\n    extra-names: ['*_pin']\n"
    )
    code, out, _ = invoke(["--format", "json"], project)
    assert code == 1 and json.loads(out)[0]["code"] == "CL215" and "4711" not in out


# -- CLI habits -------------------------------------------------------------------


def test_help_lists_explain_and_the_lint_options() -> None:
    code, out, _ = invoke(["--help"], ROOT)
    assert code == 0
    assert "explain" in out and "--stdin-filename" in out and "--exit-zero" in out


def test_explain_prints_the_whole_page_through_the_installed_command() -> None:
    """The console script of this environment (an editable install in development,
    `pip install -e '.[test]'`) prints the page exactly as rules/ holds it."""
    import subprocess
    import sys

    script = Path(sys.executable).parent / "compose-lint"
    if not script.exists():
        pytest.skip("no compose-lint console script in this environment")
    done = subprocess.run(
        [str(script), "explain", "CL501"], capture_output=True, text=True, check=False, cwd="/"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == (ROOT / "rules" / "CL501.md").read_text()


def test_version_short_and_long() -> None:
    from compose_lint import __version__

    for flag in ("-V", "--version"):
        code, out, _ = invoke([flag], ROOT)
        assert code == 0 and __version__ in out


def test_exit_zero_keeps_the_findings(project: Path) -> None:
    code, out, _ = invoke(["--exit-zero"], project)
    assert code == 0 and "CL101" in out


def test_missing_path_prints_nothing_on_stdout(project: Path) -> None:
    code, out, err = invoke(["compose.yaml", "missing.yaml"], project)
    assert (code, out) == (2, "")
    assert "missing.yaml: no such file or directory" in err


def test_quiet_prints_only_the_findings(project: Path) -> None:
    code, out, _ = invoke(["-q"], project)
    assert code == 1 and len(out.splitlines()) == 1 and "CL101" in out
    (project / "compose.yaml").write_text("services:\n  web:\n    image: example.org/w:1\n")
    assert invoke(["--quiet"], project)[1] == ""


def test_output_format_is_an_alias_of_format(project: Path) -> None:
    assert (
        invoke(["--output-format", "json"], project)[1] == invoke(["--format", "json"], project)[1]
    )


@pytest.mark.parametrize(
    ("args", "env", "colored"),
    [
        (["--color", "always"], {}, True),
        (["--color", "never"], {"FORCE_COLOR": "1"}, False),
        ([], {"FORCE_COLOR": "1"}, True),
        ([], {}, False),
    ],
)
def test_color(
    project: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    env: dict[str, str],
    colored: bool,
) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    out = invoke(args, project)[1]
    assert ("\033[" in out) is colored


def test_statistics_prints_counts_only(project: Path) -> None:
    code, out, _ = invoke(["--statistics"], project)
    assert code == 1
    assert out == "    1  CL101  obsolete-version\n"
    items = json.loads(invoke(["--statistics", "--format", "json"], project)[1])
    assert items == [{"code": "CL101", "name": "obsolete-version", "count": 1, "suppressed": False}]


def test_junit_failures_follow_fail_on(project: Path) -> None:
    import xml.etree.ElementTree as ET

    out = invoke(["--format", "junit", "--fail-on", "error"], project)[1]
    suite = ET.fromstring(out).find("testsuite")
    assert suite is not None and suite.get("failures") == "0" and suite.get("tests") == "1"


# -- standard input ---------------------------------------------------------------

BUILDS = "services:\n  web:\n    build: .\n    ports: ['5000:5000']\n"


def stdin_invoke(args: list[str], cwd: Path, text: str) -> tuple[int, str, str]:
    old = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, args, input=text, catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


def test_stdin_as_a_named_compose_file_with_the_project_on_disk(project: Path) -> None:
    (project / "Dockerfile").write_text("FROM python:3.13-slim\nUSER nobody\n")
    (project / "compose.yaml").write_text("services: {}\n")  # the saved version: clean
    code, out, _ = stdin_invoke(
        ["--stdin-filename", "compose.yaml", "--select", "CL501", "--format", "json"],
        project,
        BUILDS,
    )
    found = json.loads(out)
    assert code == 1 and [(f["code"], f["path"]) for f in found] == [("CL501", "compose.yaml")]


def test_stdin_dockerfile_is_checked_against_the_compose_file_on_disk(project: Path) -> None:
    (project / "compose.yaml").write_text(BUILDS)
    (project / "Dockerfile").write_text("FROM python:3.13-slim\nEXPOSE 5000\n")
    args = ["--stdin-filename", "Dockerfile", "--select", "CL501", "--format", "json", "-"]
    assert json.loads(stdin_invoke(args, project, "FROM python:3.13-slim\nEXPOSE 5000\n")[1]) == []
    found = json.loads(stdin_invoke(args, project, "FROM python:3.13-slim\n")[1])
    assert [f["code"] for f in found] == ["CL501"]


def test_dash_reads_a_compose_file_from_stdin(project: Path) -> None:
    code, out, _ = stdin_invoke(["-", "--format", "json"], project, BAD)
    found = json.loads(out)
    assert code == 1 and [(f["code"], f["path"]) for f in found] == [("CL101", "-")]


# -- strict suppressions ----------------------------------------------------------


@pytest.mark.parametrize(
    "comment",
    [
        "# compose-lint: disable CL101",
        "# compose-lint: disable-next-line=CL101",
        "# compose-lint: disable-fiel=CL101",
        "# compose-lint: ignore=CL101",
        "# compose-lint: disable=CL101 dev only",
        "# compose-lint: disable=",
        "# compose-lint:",
    ],
)
def test_a_malformed_suppression_suppresses_nothing_and_is_reported(
    project: Path, comment: str
) -> None:
    (project / "compose.yaml").write_text(f'version: "3.9"  {comment}\nservices: {{}}\n')
    found = json.loads(invoke(["--format", "json"], project)[1])
    assert sorted((f["code"], f["line"]) for f in found) == [("CL008", 1), ("CL101", 1)]


def test_suppression_with_a_reason_in_any_case(project: Path) -> None:
    text = 'version: "3.9"  # COMPOSE-LINT: Disable=cl101 -- read by docker-compose 1.x\n'
    (project / "compose.yaml").write_text(text + "services: {}\n")
    code, out, _ = invoke(["--statistics"], project)
    assert code == 0
    assert out == "    1  CL101  obsolete-version  suppressed: read by docker-compose 1.x\n"
    items = json.loads(invoke(["--statistics", "--format", "json"], project)[1])
    assert items == [
        {
            "code": "CL101",
            "name": "obsolete-version",
            "count": 1,
            "suppressed": True,
            "reason": "read by docker-compose 1.x",
        }
    ]


def test_per_file_ignores_all_covers_unused_suppressions(project: Path) -> None:
    (project / "compose.yaml").write_text("services: {}  # compose-lint: disable=CL101\n")
    assert [f["code"] for f in json.loads(invoke(["--format", "json"], project)[1])] == ["CL007"]
    (project / ".compose-project-lint.yaml").write_text(
        "per-file-ignores:\n  'compose.yaml': [ALL]\n"
    )
    assert json.loads(invoke(["--format", "json"], project)[1]) == []


def test_inline_suppressions_can_be_forbidden(project: Path) -> None:
    (project / "compose.yaml").write_text(
        'version: "3.9"  # compose-lint: disable=CL101\nservices: {}\n'
    )
    assert invoke([], project)[0] == 0
    (project / ".compose-project-lint.yaml").write_text("inline-suppressions: false\n")
    found = json.loads(invoke(["--format", "json"], project)[1])
    assert [f["code"] for f in found] == ["CL101"]


# -- exclusion ----------------------------------------------------------------------


@pytest.fixture
def tree(project: Path) -> Path:
    for folder in ("vendor/lib", "testdata", ".github/workflows", "app", "build"):
        (project / folder).mkdir(parents=True)
        (project / folder / "compose.yaml").write_text(BAD)
    (project / ".github/workflows/compose-check.yml").write_text("on: push\njobs: {}\n")
    (project / ".gitignore").write_text("build/\n")
    return project


def linted(args: list[str], cwd: Path) -> set[str]:
    code, out, err = invoke(["--format", "json", *args], cwd)
    assert code in (0, 1), err
    return {f["path"] for f in json.loads(out)}


def test_default_exclusion_skips_github_and_gitignored_paths(tree: Path) -> None:
    assert linted([], tree) == {
        "compose.yaml",
        "app/compose.yaml",
        "testdata/compose.yaml",
        "vendor/lib/compose.yaml",
    }
    assert "build/compose.yaml" in linted(["--no-respect-gitignore"], tree)


def test_exclude_from_the_config_and_the_command_line(tree: Path) -> None:
    (tree / ".compose-project-lint.yaml").write_text("extend-exclude: ['vendor/', 'testdata']\n")
    assert linted([], tree) == {"compose.yaml", "app/compose.yaml"}
    assert linted(["--extend-exclude", "app"], tree) == {"compose.yaml"}
    # --exclude replaces the list: .github is searched again, the config's extend-exclude stays
    found = linted(["--exclude", "build"], tree)
    assert ".github/workflows/compose.yaml" in found and "vendor/lib/compose.yaml" not in found
    (tree / ".compose-project-lint.yaml").write_text("respect-gitignore: false\n")
    assert "build/compose.yaml" in linted([], tree)


def test_exclude_applies_to_files_named_on_the_command_line(tree: Path) -> None:
    (tree / ".compose-project-lint.yaml").write_text("extend-exclude: ['vendor/']\n")
    assert linted(["vendor/lib/compose.yaml", "app/compose.yaml"], tree) == {"app/compose.yaml"}


# -- the configuration file's name --------------------------------------------------


def test_another_tools_config_file_is_ignored_with_a_note(project: Path) -> None:
    # the PyPI project "compose-lint" (a security linter) reads this name
    (project / ".compose-lint.yml").write_text("rules:\n  CL-0001:\n    enabled: false\n")
    code, out, err = invoke([], project)
    assert code == 1 and "CL101" in out
    assert err.count("another tool's configuration") == 1 and ".compose-lint.yml" in err


def test_the_old_config_name_is_read_when_it_holds_this_tools_keys(project: Path) -> None:
    (project / ".compose-lint.yaml").write_text("ignore: [CL101]\n")
    code, _, err = invoke([], project)
    assert code == 0 and err == ""
    (project / "pyproject.toml").write_text('[tool.compose-lint]\nignore = ["CL101"]\n')
    (project / ".compose-lint.yaml").unlink()
    assert invoke([], project)[0] == 0
