"""Rules: metadata plus one check function over the project model."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

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
    """Every rule of every check module, ordered by code (imports them all)."""
    found: dict[str, Rule] = {}
    for module_name in CHECK_MODULES:
        module = importlib.import_module(f"compose_lint.checks.{module_name}")
        for value in vars(module).values():
            if isinstance(value, Rule):
                found[value.code] = value
    return tuple(sorted(found.values(), key=lambda r: r.code))


# -- the index: what every rule is, without importing the code that checks it ---------
#
# Importing every check module costs more than linting a small project, so the rules'
# metadata is kept in checks/index.json and a module is imported only when one of its
# rules runs. `python -m compose_lint.registry` rewrites the index; a test keeps it
# equal to what the modules declare.

INDEX = Path(__file__).resolve().parent / "checks" / "index.json"


@dataclass(frozen=True)
class RuleInfo:
    code: str
    name: str
    severity: Severity
    summary: str
    default_enabled: bool
    module: str
    options: Mapping[str, str] = field(default_factory=dict)
    sensitive: bool = False


@cache
def known_rules() -> tuple[RuleInfo, ...]:
    """Every rule's metadata, ordered by code (no check module is imported)."""
    entries = json.loads(INDEX.read_text(encoding="utf-8"))
    return tuple(
        RuleInfo(
            code=e["code"],
            name=e["name"],
            severity=Severity.parse(e["severity"]),
            summary=e["summary"],
            default_enabled=e["default_enabled"],
            module=e["module"],
            options=e.get("options", {}),
            sensitive=e.get("sensitive", False),
        )
        for e in entries
    )


def index_entries() -> list[dict[str, object]]:
    """The index as the check modules declare it (imports them all)."""
    entries = []
    for r in all_rules():
        module = r.check.__module__.rsplit(".", 1)[-1]
        entry: dict[str, object] = {
            "code": r.code,
            "name": r.name,
            "severity": str(r.severity),
            "summary": r.summary,
            "default_enabled": r.default_enabled,
            "module": module,
        }
        if r.options:
            entry["options"] = dict(r.options)
        if r.sensitive:
            entry["sensitive"] = True
        entries.append(entry)
    return entries


def load(info: RuleInfo) -> Rule:
    """The rule itself (imports its module)."""
    module = importlib.import_module(f"compose_lint.checks.{info.module}")
    for value in vars(module).values():
        if isinstance(value, Rule) and value.code == info.code:
            return value
    raise LookupError(f"{info.code} is in the rule index but not in checks/{info.module}.py")


def find_info(ident: str) -> RuleInfo | None:
    """A rule's metadata by code (any case) or by name."""
    key = ident.strip()
    for r in known_rules():
        if r.code.lower() == key.lower() or r.name == key.lower():
            return r
    return None


def find_rule(ident: str) -> Rule | None:
    """A rule by code (any case) or by name."""
    info = find_info(ident)
    return load(info) if info is not None else None


def matches(r: Rule | RuleInfo, selector: str) -> bool:
    """`CL5`, `CL501`, `port-not-exposed` or `ALL` select a rule."""
    key = selector.strip()
    if key.upper() == "ALL":
        return True
    return r.name == key.lower() or r.code.startswith(key.upper())


def select_rules(
    select: Iterable[str] = (), ignore: Iterable[str] = (), extend_select: Iterable[str] = ()
) -> list[Rule]:
    """Rules enabled by default (or those `select`ed), plus `extend_select`, minus
    those `ignore`d. Raises ValueError naming a selector that matches no rule.
    Only the modules of the chosen rules are imported."""
    select, ignore, extend = list(select), list(ignore), list(extend_select)
    rules = known_rules()
    for selector in select + ignore + extend:
        if not any(matches(r, selector) for r in rules):
            raise ValueError(f'unknown rule "{selector}"; see compose-lint --list-rules')
    chosen = [
        r
        for r in rules
        if (any(matches(r, s) for s in select) if select else r.default_enabled)
        or any(matches(r, s) for s in extend)
    ]
    return [load(r) for r in chosen if not any(matches(r, s) for s in ignore)]


if __name__ == "__main__":
    # run as a script this file is __main__; the check modules use the package's copy
    from compose_lint import registry

    registry.INDEX.write_text(json.dumps(registry.index_entries(), indent=2) + "\n")
    print(f"wrote {registry.INDEX}")
