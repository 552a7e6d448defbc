"""Every rule fires on its `fail` fixtures exactly where expected.txt says,
and stays silent on its `pass` fixtures. Adding a fixture folder adds a test."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, lint

from compose_lint.registry import all_rules, find_rule


def _cases() -> list[Path]:
    return sorted(
        case
        for folder in FIXTURES.glob("CL*-*")
        for case in folder.iterdir()
        if case.is_dir() and case.name.startswith(("fail", "pass"))
    )


def expected(case: Path) -> list[str]:
    lines = (case / "expected.txt").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("case", _cases(), ids=lambda c: f"{c.parent.name}/{c.name}")
def test_fixture(case: Path) -> None:
    code, _, name = case.parent.name.partition("-")
    r = find_rule(code)
    assert r is not None and r.name == name, f"{case.parent.name} names no rule"
    found = lint(case, code)
    if case.name.startswith("fail"):
        want = expected(case)
        assert want, f"{case}/expected.txt lists no finding"
        assert found == want
    else:
        assert found == []


@pytest.mark.parametrize("r", all_rules(), ids=lambda r: r.code)
def test_every_rule_has_fixtures(r) -> None:
    folder = FIXTURES / f"{r.code}-{r.name}"
    kinds = {c.name.rstrip("0123456789-") for c in folder.iterdir()} if folder.is_dir() else set()
    assert {"fail", "pass"} <= kinds, f"{folder} needs fail/ and pass/ projects"


def test_tutorial_project_findings() -> None:
    """The tutorial's files as published: its own list of common mistakes."""
    tutorial = FIXTURES / "tutorial"
    assert lint(tutorial) == expected(tutorial)


def test_sample_project_is_clean() -> None:
    """The tutorial project written the way the tutorial advises lints clean,
    even with the rules that are off by default."""
    assert lint(FIXTURES.parent / "sample_project", "ALL") == []
