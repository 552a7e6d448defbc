"""GitHub Actions workflow commands: one annotation per finding.

    ::error file=compose.yaml,line=3,col=5,title=CL001 invalid-yaml::message

error -> `::error`, warning -> `::warning`, info -> `::notice`. The runner
turns these lines into annotations on the run and on the pull request's diff;
`file` must be relative to the repository root, so run compose-lint from
there. GitHub shows at most 10 annotations of each kind per step (50 per job);
use the `sarif` format with code scanning to see every finding.

Escaping follows GitHub's toolkit: in the message, `%`, CR and LF become
`%25`, `%0D` and `%0A`; property values also turn `:` and `,` into `%3A`
and `%2C`, since those end a property.
"""

from __future__ import annotations

from collections.abc import Sequence

from compose_lint.findings import Finding, Severity

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render(findings: Sequence[Finding], files: int) -> str:
    return "".join(annotation(f) + "\n" for f in findings)


def annotation(f: Finding) -> str:
    properties = ",".join(
        f"{key}={escape_property(value)}"
        for key, value in (
            ("file", f.path),
            ("line", str(f.line)),
            ("col", str(f.column)),
            ("title", f"{f.code} {f.name}"),
        )
    )
    return f"::{COMMANDS[f.severity]} {properties}::{escape_data(f.message)}"


def escape_data(text: str) -> str:
    """Escape a command's message (`%` first, so no escape is escaped twice)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value: the message escapes plus `:` and `,`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
