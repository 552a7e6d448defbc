"""Formatters: findings in, bytes out. They know nothing about Compose."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence

from compose_lint.findings import Finding

Formatter = Callable[[Sequence[Finding], int], str]

FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit")


def formatter(name: str) -> Formatter:
    """The `render(findings, files_checked)` function of a format in FORMATS."""
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}")
    return importlib.import_module(f"compose_lint.report.{name}").render
