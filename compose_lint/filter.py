"""What happens to findings after the rules: configured severity, per-file
ignores, inline suppression, and the report of suppressions that suppress nothing.
Knows nothing about Compose."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from compose_lint.findings import Finding, Location, Severity
from compose_lint.registry import Rule, RuleInfo, find_rule, matches
from compose_lint.suppress import Directive

UNUSED_CODE = "CL007"  # unused-suppression: reported here, where suppressions are applied


class Suppressed(NamedTuple):
    """A finding an inline comment silenced, and the reason the comment gives."""

    finding: Finding
    reason: str


class Filtered(NamedTuple):
    findings: list[Finding]  # what is reported
    suppressed: list[Suppressed]  # what inline comments silenced


def apply(
    findings: Iterable[Finding],
    *,
    severity: Mapping[str, Severity],
    ignored: Mapping[str, Sequence[str]],
    directives: Mapping[str, Sequence[Directive]],
    enabled: Sequence[Rule],
) -> Filtered:
    """Filter one project's findings. `ignored` and `directives` are keyed by
    the path shown in findings. `per-file-ignores` and the configured severity
    apply to CL007 findings as to any other."""
    used: set[tuple[str, int, str]] = set()  # (path, directive line, rule selector or "")
    kept: list[Finding] = []
    suppressed: list[Suppressed] = []
    for finding in findings:
        if any(_hits(finding, s) for s in ignored.get(finding.path, ())):
            continue
        by: Directive | None = None
        for d in directives.get(finding.path, ()):
            if not d.covers(finding.line):
                continue
            if not d.rules:
                used.add((finding.path, d.line, ""))
                by = by or d
            for selector in d.rules:
                if _hits(finding, selector):
                    used.add((finding.path, d.line, selector))
                    by = by or d
        if by is not None:
            suppressed.append(Suppressed(finding, by.reason))
            continue
        kept.append(_ranked(finding, severity))
    if any(r.code == UNUSED_CODE for r in enabled):
        kept.extend(
            _ranked(f, severity)
            for f in _unused(directives, used, enabled)
            if not any(_hits(f, s) for s in ignored.get(f.path, ()))
        )
    return Filtered(kept, suppressed)


def _ranked(finding: Finding, severity: Mapping[str, Severity]) -> Finding:
    if finding.code in severity:
        return finding._replace(severity=severity[finding.code])
    return finding


def _hits(finding: Finding, selector: str) -> bool:
    key = selector.strip()
    return (
        finding.name == key.lower() or finding.code.startswith(key.upper()) or key.upper() == "ALL"
    )


def _unused(
    directives: Mapping[str, Sequence[Directive]],
    used: set[tuple[str, int, str]],
    enabled: Sequence[Rule],
) -> Iterable[Finding]:
    unused_rule = find_rule(UNUSED_CODE)
    assert unused_rule is not None
    for path, found in directives.items():
        for d in found:
            if d.problem is not None:
                continue  # malformed: CL008 reports it
            where = Location(path, d.line, d.column)
            comment = f'"# compose-lint: {d.text}"'
            if not d.rules:
                if (path, d.line, "") not in used:
                    message = f"{comment} suppresses nothing here; remove it"
                    yield _finding(unused_rule, where, message)
                continue
            for selector in d.rules:
                if (path, d.line, selector) in used:
                    continue
                if not any(matches(r, selector) for r in _all()):
                    message = (
                        f'{comment} names an unknown rule "{selector}"; '
                        "see compose-lint --list-rules"
                    )
                elif any(matches(r, selector) for r in enabled):
                    message = f"{comment}: {selector} reports nothing here; drop it"
                else:
                    continue  # that rule did not run: nothing to judge
                yield _finding(unused_rule, where, message)


def _all() -> Sequence[Rule | RuleInfo]:
    from compose_lint.registry import known_rules

    return known_rules()


def _finding(r: Rule, where: Location, message: str) -> Finding:
    return Finding(r.code, r.name, r.severity, where, message)
