"""CL007 unused-suppression: a suppression comment that suppresses nothing."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.registry import Found, rule


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
