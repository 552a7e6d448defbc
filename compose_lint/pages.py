"""The rule pages (rules/*.md): what `explain` prints and SARIF's help carries.

A wheel ships them as compose_lint/rulepages/*.md; an editable install or a run
from a checkout reads them from the checkout's rules/ folder beside the package."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def rule_page(code: str) -> str | None:
    """The full page of rule `code`, or None when this install has none."""
    name = f"{code}.md"
    for folder in (_PACKAGE / "rulepages", _PACKAGE.parent / "rules"):
        try:
            return (folder / name).read_text(encoding="utf-8")
        except OSError:
            continue
    try:  # an install that is not a plain directory (a zip)
        from importlib.resources import files

        return files("compose_lint.rulepages").joinpath(name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, OSError, TypeError):
        return None


def section(page: str, title: str) -> str:
    """The text of one `## title` section of a page, without its heading."""
    parts = re.split(r"^## +(.+?)\s*$", page, flags=re.M)
    for i in range(1, len(parts) - 1, 2):
        if parts[i].strip() == title:
            return parts[i + 1].strip()
    return ""


def first_paragraph(text: str) -> str:
    """The first paragraph of a section, its lines joined."""
    paragraph = text.strip().split("\n\n", 1)[0]
    return " ".join(line.strip() for line in paragraph.splitlines())
