"""Rules: metadata plus one check function over the project model."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from compose_lint.findings import Fix, Location, Severity
from compose_lint.model import Project

# what a rule reports: (where, message), or (where, message, fix) when it can offer an
# edit that makes the finding go away (a Fix, or None when it has no sure one)
# (where, message), with a fix, or with a lower severity than the rule's for this one
Reported = tuple[Location, str] | tuple[Location, str, Fix | Severity | None]
# check(project) or, for a rule that declares options, check(project, options) with its
# own options already validated (name -> value; absent ones are absent)
Check = Callable[..., Iterable[Reported]]
# what a check function returns
Found = Iterator[Reported]


@dataclass(frozen=True)
class Rule:
    code: str  # CL501
    name: str  # port-not-exposed
    severity: Severity
    summary: str  # one line, for --list-rules
    check: Check
    default_enabled: bool = True
    # the options this rule takes as its second argument: name -> "date" | "list[str]" ...
    options: Mapping[str, str] = field(default_factory=dict)
    # its findings point at secrets: never echo their source line unmasked
    sensitive: bool = False
    # what check() reads: "project" (the model), or "suppressions" (the suppression
    # comments that silenced nothing, which only the filter stage knows)
    reads: str = "project"
    # a name that selects this rule with others of a kind (`hardening`), wherever a
    # code or name is taken: --select, --extend-select, --ignore, per-file-ignores
    group: str | None = None

    def __call__(
        self, project: Project, options: Mapping[str, Any] | None = None
    ) -> Iterable[Reported]:
        """The rule's findings on `project`, given its options (only those it declares)."""
        if not self.options:
            return self.check(project)
        return self.check(project, {k: v for k, v in (options or {}).items() if k in self.options})


def rule(
    code: str,
    name: str,
    severity: Severity,
    summary: str,
    *,
    default_enabled: bool = True,
    options: Mapping[str, str] | None = None,
    sensitive: bool = False,
    reads: str = "project",
    group: str | None = None,
) -> Callable[[Check], Rule]:
    """Declare a rule: `@rule("CL101", "obsolete-version", Severity.WARNING, "...")`."""

    def wrap(check: Check) -> Rule:
        return Rule(
            code,
            name,
            severity,
            summary,
            check,
            default_enabled,
            dict(options or {}),
            sensitive,
            reads,
            group,
        )

    return wrap


CHECKS = "compose_lint.checks"


def check_modules() -> list[str]:
    """Every module under compose_lint/checks/, as a name relative to it
    (`consistency.CL501_port_not_exposed`): the package is walked, so a new
    rule file is found without being listed anywhere."""
    import pkgutil  # only when every module is imported: the index spares a run it

    from compose_lint import checks

    return sorted(
        info.name.removeprefix(CHECKS + ".")
        for info in pkgutil.walk_packages(checks.__path__, CHECKS + ".")
        if not info.ispkg
    )


@cache
def all_rules() -> tuple[Rule, ...]:
    """Every rule of every check module, ordered by code (imports them all).
    Raises LookupError when two modules declare the same code."""
    found: dict[str, Rule] = {}
    for module_name in check_modules():
        module = importlib.import_module(f"{CHECKS}.{module_name}")
        for value in vars(module).values():
            if isinstance(value, Rule) and value.check.__module__ == module.__name__:
                other = found.get(value.code)
                if other is not None and other is not value:
                    raise LookupError(
                        f"{value.code} is declared twice: in {other.check.__module__} "
                        f"and in {module.__name__}"
                    )
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
    group: str | None = None


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
            group=e.get("group"),
        )
        for e in entries
    )


def index_entries() -> list[dict[str, object]]:
    """The index as the check modules declare it (imports them all)."""
    entries = []
    for r in all_rules():
        module = r.check.__module__.removeprefix(CHECKS + ".")
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
        if r.group is not None:
            entry["group"] = r.group
        entries.append(entry)
    return entries


def load(info: RuleInfo) -> Rule:
    """The rule itself (imports its module)."""
    module = importlib.import_module(f"{CHECKS}.{info.module}")
    for value in vars(module).values():
        if isinstance(value, Rule) and value.code == info.code:
            return value
    where = info.module.replace(".", "/")
    raise LookupError(f"{info.code} is in the rule index but not in checks/{where}.py")


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
    """`CL5`, `CL501`, `port-not-exposed`, the rule's group (`hardening`) or `ALL`
    select a rule."""
    key = selector.strip()
    if key.upper() == "ALL":
        return True
    lowered = key.lower()
    return r.name == lowered or r.group == lowered or r.code.startswith(key.upper())


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
