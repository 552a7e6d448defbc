"""Formatters: findings in, bytes out. They know nothing about Compose."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from compose_lint.findings import Finding

Formatter = Callable[[Sequence[Finding], int], str]


def formatter(name: str) -> Formatter:
    if name == "json":
        from compose_lint.report.json import render
    else:
        from compose_lint.report.text import render
    return render


FORMATS = ("text", "json")
