"""Formatters: findings in, bytes out. They know nothing about Compose."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import cast

# render(findings, files_checked, **format_options) -> the report; each format takes the
# keyword options it understands (text: show_source, color, summary; sarif: cwd, root...)
Formatter = Callable[..., str]

FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit")


def formatter(name: str) -> Formatter:
    """The `render(findings, files_checked)` function of a format in FORMATS."""
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}")
    return cast(Formatter, importlib.import_module(f"compose_lint.report.{name}").render)
