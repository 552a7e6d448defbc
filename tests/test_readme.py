"""The README's examples are the ones the tests exercise."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from conftest import ROOT

from compose_lint.config import parse_config
from compose_lint.report import FORMATS

README = (ROOT / "README.md").read_text()


def yaml_blocks() -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```$", README, re.M | re.S)


def test_config_example_is_a_valid_configuration() -> None:
    block = next(b for b in yaml_blocks() if "per-file-ignores" in b)
    config = parse_config(yaml.safe_load(block), Path(".compose-lint.yaml"))
    assert config.severity and config.fail_on == "warning"


def test_pre_commit_snippet_names_a_hook_this_repository_offers() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    snippet = yaml.safe_load(next(b for b in yaml_blocks() if "repos:" in b))
    ids = {h["id"] for h in hooks}
    assert {h["id"] for r in snippet["repos"] for h in r["hooks"]} <= ids


def test_every_format_the_readme_names_exists() -> None:
    named = set(re.findall(r"--format ([a-z]+)", README))
    assert named <= set(FORMATS)
    assert {"github", "sarif", "gitlab", "junit"} <= named


def test_first_commands_are_the_ones_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert "pip install . && compose-lint sample_project" in README
    assert "pip install . && compose-lint sample_project" in ci
    assert "pip install -e '.[test]'" in README and "pip install -e '.[test]'" in ci


def test_the_linters_own_image_lints_clean() -> None:
    """The Dockerfile the README builds the linter's image from passes every rule."""
    from conftest import lint

    assert "docker build -t compose-project-lint ." in README
    assert lint(ROOT / "Dockerfile", "ALL", cwd=ROOT) == []


def test_config_names_and_hook_ids_are_this_tools_own() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks] == ["compose-project-lint", "compose-project-lint-fix"]
    assert ".compose-project-lint.yaml" in README
    assert "pip install compose-lint\n" not in README and "uvx compose-lint" not in README.replace(
        "`uvx compose-lint`", ""
    )
    assert "rev: v0.1.0" not in README and "github.com/compose-lint" not in README


def test_tutorial_output_shown_is_what_the_tool_prints() -> None:
    """The README's `compose-lint fixtures/tutorial` session, line by line ("..." elides)."""
    import os
    import subprocess
    import sys

    block = re.search(
        r"^```console\n\$ compose-lint fixtures/tutorial\n(.*?)^```$", README, re.M | re.S
    )
    assert block is not None
    env = {**os.environ, "COMPOSE_LINT_EOL_DATE": "2026-11-27", "NO_COLOR": "1"}
    printed = subprocess.run(
        [sys.executable, "-m", "compose_lint", "--isolated", "fixtures/tutorial"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    ).stdout.splitlines()
    shown = block.group(1).splitlines()
    assert len(printed) == len(shown), printed
    for want, got in zip(shown, printed, strict=True):
        pattern = ".*".join(re.escape(part) for part in want.split(" ... "))
        assert re.fullmatch(pattern, got), f"README shows\n  {want}\nthe tool prints\n  {got}"
