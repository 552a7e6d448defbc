"""The legacy Compose file formats (2.x, 3.x) and the keys each of them has.

docker-compose 1.x before 1.27 validated a `version: "3.3"` file against the 3.3
format and rejected any key that format lacks. Which format has which key is data,
in `compose_lint/data/compose_versions.json` (read once per process).

Public names: `Feature`, `Table`, `version_table()`, `declared_version(value)`,
`misfits(data, declared)` (the features a document uses that its format lacks).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple

from compose_lint import data
from compose_lint.model import YamlPath

_VERSION = re.compile(r"^([23])(?:\.(\d{1,2}))?$")
_ANY_KEY = "*"
_ANY_ITEM = "[]"
_EXTENSION = "x-*"
_REMOVED = "removed"


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


def _walk(data: Any, trie: _Trie) -> Iterator[tuple[YamlPath, Any, Feature]]:
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


def misfits(document: Any, declared: tuple[int, int]) -> Iterator[tuple[YamlPath, Any, Feature]]:
    """(path, value, feature) for every feature `document` uses that a file of
    format `declared` may lack (its own version may still be recent enough: the
    feature says since when), in one walk of the document."""
    return _walk(document, _misfits(declared))
