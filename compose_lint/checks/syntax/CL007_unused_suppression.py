"""CL007 unused-suppression: a suppression comment that suppresses nothing.

Only the filter stage knows which findings each comment silenced, so this rule
reads what it hands over (`filter.Unused`) instead of the project model.
"""

from __future__ import annotations

from collections.abc import Sequence

from compose_lint.filter import Unused
from compose_lint.findings import Severity
from compose_lint.registry import Found, rule


@rule(
    "CL007",
    "unused-suppression",
    Severity.INFO,
    "A `# compose-lint: disable` comment suppresses nothing.",
    reads="suppressions",
)
def unused_suppression(unused: Sequence[Unused]) -> Found:
    for u in unused:
        comment = f'"# compose-lint: {u.comment}"'
        if u.selector is None:
            message = f"{comment} suppresses nothing here; remove it"
        elif u.unknown:
            message = (
                f'{comment} names an unknown rule "{u.selector}"; see compose-lint --list-rules'
            )
        else:
            message = f"{comment}: {u.selector} reports nothing here; drop it"
        yield u.location, message
