"""What happens to findings after the rules: configured severity, per-file
ignores, inline suppression, and the report of suppressions that suppress nothing.
Knows nothing about Compose."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from compose_lint.findings import Finding, Location, Severity
from compose_lint.registry import Rule, RuleInfo, find_rule, matches
from compose_lint.suppress import Directive

UNUSED_CODE = "CL007"  # unused-suppression: reported here, where suppressions are applied


def apply(
    findings: Iterable[Finding],
    *,
    severity: Mapping[str, Severity],
    ignored: Mapping[str, Sequence[str]],
    directives: Mapping[str, Sequence[Directive]],
    enabled: Sequence[Rule],
) -> list[Finding]:
    """Filter one project's findings. `ignored` and `directives` are keyed by
    the path shown in findings."""
    used: set[tuple[str, int, str]] = set()  # (path, directive line, rule selector or "")
    kept: list[Finding] = []
    for finding in findings:
        if any(_hits(finding, s) for s in ignored.get(finding.path, ())):
            continue
        hit = False
        for d in directives.get(finding.path, ()):
            if not d.covers(finding.line):
                continue
            if not d.rules:
                used.add((finding.path, d.line, ""))
                hit = True
            for selector in d.rules:
                if _hits(finding, selector):
                    used.add((finding.path, d.line, selector))
                    hit = True
        if hit:
            continue
        if finding.code in severity:
            finding = finding._replace(severity=severity[finding.code])
        kept.append(finding)
    if any(r.code == UNUSED_CODE for r in enabled):
        kept.extend(_unused(directives, used, enabled))
    return kept


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
