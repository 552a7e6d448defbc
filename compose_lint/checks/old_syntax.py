"""CL007 (the other CL0xx rules are in checks/syntax/, one file each)."""

from __future__ import annotations

from collections.abc import Iterator

from compose_lint.findings import Location, Severity
from compose_lint.model import Project
from compose_lint.registry import rule

Found = Iterator[tuple[Location, str]]


@rule(
    "CL007",
    "unused-suppression",
    Severity.INFO,
    "A `# compose-lint: disable` comment suppresses nothing.",
)
def unused_suppression(project: Project) -> Found:
    """Reported by the filter stage (compose_lint.filter), which alone knows
    which findings each suppression comment silenced; this rule only declares it."""
    return iter(())
