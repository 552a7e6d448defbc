"""What happens to findings after the rules: configured severity, per-file
ignores, inline suppression, and the report of suppressions that suppress nothing.
Knows nothing about Compose."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import NamedTuple

from compose_lint.findings import Finding, Location, Severity
from compose_lint.registry import Rule, RuleInfo, matches
from compose_lint.suppress import Directive


class Suppressed(NamedTuple):
    """A finding an inline comment silenced, and the reason the comment gives."""

    finding: Finding
    reason: str


class Unused(NamedTuple):
    """A suppression comment, or one rule it names, that silenced nothing."""

    location: Location  # the comment
    comment: str  # its directive as written, e.g. "disable=CL101"
    selector: str | None  # the rule named, or None for a comment naming no rule
    unknown: bool  # the selector names no rule at all


class Filtered(NamedTuple):
    findings: list[Finding]  # what is reported
    suppressed: list[Suppressed]  # what inline comments silenced
    unused: list[Unused]  # comments that silenced nothing (for the rules that read them)


def apply(
    findings: Iterable[Finding],
    *,
    severity: Mapping[str, Severity],
    ignored: Mapping[str, Sequence[str]],
    directives: Mapping[str, Sequence[Directive]],
    enabled: Sequence[Rule],
) -> Filtered:
    """Filter one project's findings. `ignored` and `directives` are keyed by
    the path shown in findings. The suppression comments that silenced nothing come
    back as data, judged against the `enabled` rules."""
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
    return Filtered(kept, suppressed, list(_unused(directives, used, enabled)))


def _ranked(finding: Finding, severity: Mapping[str, Severity]) -> Finding:
    if finding.code in severity:
        return finding._replace(severity=severity[finding.code])
    return finding


def _hits(finding: Finding, selector: str) -> bool:
    """Whether `selector` names the finding's rule, as --select would (`registry.matches`:
    code, prefix, name, group or ALL)."""
    info = _by_code().get(finding.code)
    if info is not None:
        return matches(info, selector)
    key = selector.strip()
    return (
        finding.name == key.lower() or finding.code.startswith(key.upper()) or key.upper() == "ALL"
    )


@cache
def _by_code() -> dict[str, Rule | RuleInfo]:
    return {r.code: r for r in _all()}


def _unused(
    directives: Mapping[str, Sequence[Directive]],
    used: set[tuple[str, int, str]],
    enabled: Sequence[Rule],
) -> Iterable[Unused]:
    for path, found in directives.items():
        for d in found:
            if d.problem is not None or d.foreign:
                continue  # malformed: CL008 reports it; another tool's: not ours to judge
            where = Location(path, d.line, d.column)
            if not d.rules:
                if (path, d.line, "") not in used:
                    yield Unused(where, d.text, None, unknown=False)
                continue
            for selector in d.rules:
                if (path, d.line, selector) in used:
                    continue
                if not any(matches(r, selector) for r in _all()):
                    yield Unused(where, d.text, selector, unknown=True)
                elif any(matches(r, selector) for r in enabled):
                    yield Unused(where, d.text, selector, unknown=False)
                # else: that rule did not run, so there is nothing to judge


def _all() -> Sequence[Rule | RuleInfo]:
    from compose_lint.registry import known_rules

    return known_rules()
