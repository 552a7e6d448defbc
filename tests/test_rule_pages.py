"""Each rule has a page under rules/; its examples behave as the page says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, lint

from compose_lint.registry import Rule, all_rules

SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Options")
_BLOCK = re.compile(r"^```(\w+) +(\S+)\n(.*?)^```$", re.M | re.S)


def sections(text: str) -> dict[str, str]:
    parts = re.split(r"^## +(.+)$", text, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def write_example(section: str, where: Path) -> bool:
    """Write the section's ```lang filename blocks as files; False if none."""
    blocks = _BLOCK.findall(section)
    for _, filename, body in blocks:
        path = where / filename
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)
    return bool(blocks)


@pytest.mark.parametrize("r", all_rules(), ids=lambda r: r.code)
def test_rule_page(r: Rule, tmp_path: Path) -> None:
    page = ROOT / "rules" / f"{r.code}.md"
    assert page.is_file(), f"missing rule page {page}"
    text = page.read_text()
    assert text.startswith(f"# {r.code} {r.name}\n")
    found = sections(text)
    for title in SECTIONS:
        assert title in found, f"{page.name} lacks a '## {title}' section"
    bad, good = tmp_path / "example", tmp_path / "fixed"
    assert write_example(found["Example"], bad), f"{page.name}: Example has no file blocks"
    assert write_example(found["Use instead"], good), f"{page.name}: Use instead has no file blocks"
    assert any(r.code in f for f in lint(bad, r.code)), f"{page.name}: the example does not fire"
    assert lint(good, r.code) == [], f"{page.name}: the fixed example still fires"


def test_rule_index_matches_the_check_modules() -> None:
    """checks/index.json lets a run import only the modules it needs; it must say
    exactly what the modules declare (rewrite it: python -m compose_lint.registry)."""
    import json

    from compose_lint.registry import INDEX, index_entries

    assert json.loads(INDEX.read_text()) == index_entries()
