"""Each rule has a page under rules/; its examples behave as the page says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, lint

from compose_lint.registry import Rule, all_rules

SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Options")
# ```lang filename, and optionally "crlf": the file is written with CR LF line ends
_BLOCK = re.compile(r"^```(\w+) +(\S+)( +crlf)?\n(.*?)^```$", re.M | re.S)


def sections(text: str) -> dict[str, str]:
    parts = re.split(r"^## +(.+)$", text, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def write_example(section: str, where: Path) -> bool:
    """Write the section's ```lang filename blocks as files; False if none."""
    blocks = _BLOCK.findall(section)
    for _, filename, crlf, body in blocks:
        path = where / filename
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body.replace("\n", "\r\n" if crlf else "\n").encode())
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


_CONCERNS = {"0": "syntax", "1": "compose", "2": "security", "3": "dockerfile", "4": "context"}


@pytest.mark.parametrize("r", all_rules(), ids=lambda r: r.code)
def test_rule_file_page_and_index_agree(r: Rule) -> None:
    """A code tells you the file: CL501 lives in checks/consistency/CL501_port_not_exposed.py,
    its page rules/CL501.md says its severity and default, and the index says the same."""
    from compose_lint.registry import find_info

    module = r.check.__module__
    concern = _CONCERNS.get(r.code[2], "consistency")
    expected = f"compose_lint.checks.{concern}.{r.code}_{r.name.replace('-', '_')}"
    assert module == expected, f"{r.code} is declared in {module}, expected {expected}"
    page = (ROOT / "rules" / f"{r.code}.md").read_text()
    default = "on" if r.default_enabled else "off"
    assert f"**Severity:** {r.severity} · **Default:** {default}\n" in page, (
        f"rules/{r.code}.md must say **Severity:** {r.severity} · **Default:** {default}"
    )
    info = find_info(r.code)
    assert info is not None
    assert (info.name, info.severity, info.default_enabled) == (
        r.name,
        r.severity,
        r.default_enabled,
    )


def test_every_check_module_declares_exactly_one_rule() -> None:
    import importlib

    from compose_lint.registry import CHECKS, check_modules

    for name in check_modules():
        module = importlib.import_module(f"{CHECKS}.{name}")
        declared = [
            v
            for v in vars(module).values()
            if isinstance(v, Rule) and v.check.__module__ == module.__name__
        ]
        assert len(declared) == 1, (
            f"checks/{name.replace('.', '/')}.py declares {len(declared)} rules"
        )
