"""CL102 version-feature-mismatch: keys that the legacy file format named by
`version:` does not have.

Docker Compose v2 ignores `version:` (CL101 says so). docker-compose 1.x before
1.27 did not: it validated a `version: "3.3"` file against the 3.3 format and
rejected any key that format lacks. The table of which format has which key is
data, in `compose_lint/data/compose_versions.json`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple

from compose_lint import data
from compose_lint.findings import Location, Severity
from compose_lint.model import ComposeFile, Project, YamlPath
from compose_lint.registry import Found, rule

_VERSION = re.compile(r"^([23])(?:\.(\d{1,2}))?$")
_ANY_KEY = "*"
_ANY_ITEM = "[]"
_EXTENSION = "x-*"
_REMOVED = "removed"
_FIX_VERSIONLESS = "or delete the version line if only Docker Compose v2 runs it"


class Feature(NamedTuple):
    """One row of the table: where the key sits and which formats have it."""

    pattern: tuple[str, ...]
    name: str  # a key (quoted in messages) or a phrase; "{key}" is the key as written
    v2: tuple[int, int] | None  # first 2.x version with it, None: never in 2.x
    v3: tuple[int, int] | None  # first 3.x version with it, None: never in 3.x
    removed_in_v3: bool  # a 2.x key that 3.x dropped on purpose
    hint: str | None
    mapping_only: bool  # only the long (mapping) syntax counts


class Table(NamedTuple):
    versions: frozenset[tuple[int, int]]
    features: tuple[Feature, ...]


def _minor(text: str | None) -> tuple[int, int] | None:
    if text is None or text == _REMOVED:
        return None
    major, _, minor = text.partition(".")
    return int(major), int(minor or 0)


@cache
def version_table() -> Table:
    """The packaged table of legacy file formats (read once per process)."""
    raw = data.load("compose_versions.json")
    versions = frozenset(v for v in (_minor(t) for t in raw["versions"]) if v is not None)
    features = tuple(
        Feature(
            pattern=tuple(entry["path"].split(".")),
            name=entry["feature"],
            v2=_minor(entry["v2"]),
            v3=_minor(entry["v3"]),
            removed_in_v3=entry["v3"] == _REMOVED,
            hint=entry.get("hint"),
            mapping_only=entry.get("when") == "mapping",
        )
        for entry in raw["features"]
    )
    return Table(versions, features)


def declared_version(value: Any) -> tuple[int, int] | None:
    """The legacy format a `version:` value names: "3" and 3 are 3.0, 3.8 is 3.8.

    None for anything that is not a 2.x or 3.x version number (a boolean, "3.x",
    "latest", "1")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        value = str(value)
    if not isinstance(value, str):
        return None
    match = _VERSION.match(value.strip())
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2) or 0)


def _text(version: tuple[int, int]) -> str:
    return f"{version[0]}.{version[1]}"


def _problem(feature: Feature, key: str, declared: tuple[int, int], written: str) -> str | None:
    """The message for `feature` in a file of format `declared`, or None if it fits."""
    name = feature.name.replace("{key}", key)
    if " " not in name:
        name = f'"{name}"'  # a bare key; phrases carry their own quotes
    same_line, other_line = feature.v2, feature.v3
    if declared[0] == 3:
        same_line, other_line = other_line, same_line
    if same_line is not None:
        if declared >= same_line:
            return None
        wanted = _text(same_line)
        what = f"{name} needs file format {wanted}"
        fix = f'set version: "{wanted}", {_FIX_VERSIONLESS}'
    else:
        if other_line is None:
            what = f"{name} is in no versioned file format (Compose Specification only)"
        else:
            dropped = "3.x dropped it, " if feature.removed_in_v3 else ""
            what = (
                f"{name} is not in the {declared[0]}.x file format "
                f"({dropped}{other_line[0]}.x has it from {_text(other_line)})"
            )
        fix = f"{feature.hint}, {_FIX_VERSIONLESS}" if feature.hint else _FIX_VERSIONLESS[3:]
    return (
        f'{what} but the file says version "{written}", so docker-compose 1.x (before 1.27) '
        f"rejects the file; {fix}"
    )


@dataclass
class _Trie:
    """The misfit features' patterns merged by shared prefixes, so one walk of a file
    finds them all (`services.*.deploy`, `services.*.init`, ... share `services.*`)."""

    children: dict[str, _Trie] = field(default_factory=dict)
    features: list[Feature] = field(default_factory=list)


@cache
def _misfits(declared: tuple[int, int]) -> _Trie:
    """The features a file of format `declared` may not use (worked out once per format)."""

    def first(feature: Feature) -> tuple[int, int] | None:
        return feature.v2 if declared[0] == 2 else feature.v3

    root = _Trie()
    for feature in version_table().features:
        since = first(feature)
        if since is not None and declared >= since:
            continue
        node = root
        for segment in feature.pattern:
            node = node.children.setdefault(segment, _Trie())
        node.features.append(feature)
    return root


def _uses(data: Any, trie: _Trie) -> Iterator[tuple[YamlPath, Any, Feature]]:
    """(path, value, feature) for every misfit feature `data` uses, in one walk."""
    stack: list[tuple[Any, _Trie, YamlPath]] = [(data, trie, ())]
    while stack:
        value, node, here = stack.pop()
        for feature in node.features:
            yield here, value, feature
        for segment, child in node.children.items():
            if segment == _ANY_ITEM:
                if isinstance(value, list):
                    stack.extend((item, child, here + (i,)) for i, item in enumerate(value))
            elif not isinstance(value, dict):
                continue
            elif segment == _ANY_KEY:
                stack.extend((v, child, here + (k,)) for k, v in value.items())
            elif segment == _EXTENSION:
                stack.extend(
                    (v, child, here + (k,))
                    for k, v in value.items()
                    if isinstance(k, str) and k.startswith("x-")
                )
            elif segment in value:
                stack.append((value[segment], child, here + (segment,)))


def _check_file(compose: ComposeFile, table: Table) -> Found:
    data = compose.data
    if not isinstance(data, dict) or "version" not in data:
        return
    declared = declared_version(data["version"])
    if declared is None or declared not in table.versions:
        return  # not a legacy format this table describes (3.9+, "1", "latest"...)
    written = str(data["version"]).strip()
    hits: list[tuple[YamlPath, str]] = []
    for path, value, feature in _uses(data, _misfits(declared)):
        if feature.mapping_only and not isinstance(value, dict):
            continue
        message = _problem(feature, str(path[-1]), declared, written)
        if message is not None:
            hits.append((path, message))
    reported: set[YamlPath] = set()
    seen: set[tuple[Location, str]] = set()
    for path, message in sorted(hits, key=lambda hit: len(hit[0])):
        if any(path[:n] in reported for n in range(1, len(path))):
            continue  # the enclosing key is reported already: one fix covers both
        reported.add(path)
        finding = (compose.key_loc(path), message)
        if finding not in seen:  # one anchor merged into several services is one use
            seen.add(finding)
            yield finding


@rule(
    "CL102",
    "version-feature-mismatch",
    Severity.WARNING,
    "A key that the file's declared legacy `version` (2.x/3.x) does not support.",
)
def version_feature_mismatch(project: Project) -> Found:
    table = version_table()
    for compose in project.compose_files:
        yield from _check_file(compose, table)
