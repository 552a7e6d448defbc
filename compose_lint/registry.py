"""Rules: metadata plus one check function over the project model."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

from compose_lint.findings import Location, Severity
from compose_lint.model import Project

Check = Callable[[Project], Iterable[tuple[Location, str]]]

CHECK_MODULES = (
    "syntax",
    "compose",
    "versions",
    "references",
    "scaling",
    "secrets",
    "images",
    "dockerfile",
    "instructions",
    "run",
    "context",
    "consistency",
    "build",
)


@dataclass(frozen=True)
class Rule:
    code: str  # CL501
    name: str  # port-not-exposed
    severity: Severity
    summary: str  # one line, for --list-rules
    check: Check
    default_enabled: bool = True
    # options this rule reads with project.setting(code, name): name -> "date" | "str" | ...
    options: Mapping[str, str] = field(default_factory=dict)
    # its findings point at secrets: never echo their source line unmasked
    sensitive: bool = False

    def __call__(self, project: Project) -> Iterable[tuple[Location, str]]:
        return self.check(project)


def rule(
    code: str,
    name: str,
    severity: Severity,
    summary: str,
    *,
    default_enabled: bool = True,
    options: Mapping[str, str] | None = None,
    sensitive: bool = False,
) -> Callable[[Check], Rule]:
    """Declare a rule: `@rule("CL101", "obsolete-version", Severity.WARNING, "...")`."""

    def wrap(check: Check) -> Rule:
        return Rule(
            code, name, severity, summary, check, default_enabled, dict(options or {}), sensitive
        )

    return wrap


@cache
def all_rules() -> tuple[Rule, ...]:
    """Every rule of every check module, ordered by code."""
    found: dict[str, Rule] = {}
    for module_name in CHECK_MODULES:
        module = importlib.import_module(f"compose_lint.checks.{module_name}")
        for value in vars(module).values():
            if isinstance(value, Rule):
                found[value.code] = value
    return tuple(sorted(found.values(), key=lambda r: r.code))


def find_rule(ident: str) -> Rule | None:
    """A rule by code (any case) or by name."""
    key = ident.strip()
    for r in all_rules():
        if r.code.lower() == key.lower() or r.name == key.lower():
            return r
    return None


def matches(r: Rule, selector: str) -> bool:
    """`CL5`, `CL501`, `port-not-exposed` or `ALL` select a rule."""
    key = selector.strip()
    if key.upper() == "ALL":
        return True
    return r.name == key.lower() or r.code.startswith(key.upper())


def select_rules(
    select: Iterable[str] = (), ignore: Iterable[str] = (), extend_select: Iterable[str] = ()
) -> list[Rule]:
    """Rules enabled by default (or those `select`ed), plus `extend_select`, minus
    those `ignore`d. Raises ValueError naming a selector that matches no rule."""
    select, ignore, extend = list(select), list(ignore), list(extend_select)
    for selector in select + ignore + extend:
        if not any(matches(r, selector) for r in all_rules()):
            raise ValueError(f'unknown rule "{selector}"; see compose-lint --list-rules')
    chosen = [
        r
        for r in all_rules()
        if (any(matches(r, s) for s in select) if select else r.default_enabled)
        or any(matches(r, s) for s in extend)
    ]
    return [r for r in chosen if not any(matches(r, s) for s in ignore)]
