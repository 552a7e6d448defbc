"""Merge compose documents by Compose's rules, remembering where each value came from.

The merged tree is plain data; beside it, `origins` maps a path of the merged
tree to `(file, path in that file)`. Only the roots of subtrees taken whole
from one file are recorded; a lookup takes the longest recorded prefix and
appends the rest of the path, so a finding in merged data still points at
the file and line that hold the value.

The rules (Compose Specification, "Merge and override"; `extends`):
- mappings merge key by key; scalars are replaced;
- sequences append, except `command`, `entrypoint` and `healthcheck.test`,
  which are replaced, and `ports`, `volumes`, `secrets`, `configs`, which are
  unique by their key (an override entry with the same key replaces the old);
- mapping-like keys (`environment`, `labels`, `build.args`, ...) may be written
  as lists (`KEY=value`) and merge by key;
- `!reset` removes a value, `!override` replaces it without merging.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

F = TypeVar("F")  # whatever identifies a file (a ComposeFile)
YamlPath = tuple[str | int, ...]

_REPLACED = frozenset({"command", "entrypoint"})
_UNIQUE = frozenset({"ports", "volumes", "secrets", "configs", "devices"})
_MAPPING_LIKE = frozenset(
    {
        "environment",
        "labels",
        "annotations",
        "args",
        "extra_hosts",
        "sysctls",
        "storage_opt",
        "ulimits",
        "options",
    }
)


@dataclass
class Merged(Generic[F]):
    data: Any
    origins: dict[YamlPath, tuple[F, YamlPath]] = field(default_factory=dict)

    @classmethod
    def of(cls, file: F, data: Any, at: YamlPath = (), source: YamlPath = ()) -> Merged[F]:
        """`data` (the value at `source` in `file`) placed at path `at`."""
        return cls(copy.deepcopy(data), {at: (file, source)})

    def locate(self, path: YamlPath) -> tuple[F, YamlPath] | None:
        """The file and path in it that hold the merged value at `path`."""
        for k in range(len(path), -1, -1):
            found = self.origins.get(path[:k])
            if found is not None:
                return found[0], found[1] + path[k:]
        return None

    def _place(self, path: YamlPath, origin: tuple[F, YamlPath]) -> None:
        """Record that the subtree at `path` now comes wholly from `origin`."""
        depth = len(path)
        for stale in [p for p in self.origins if len(p) > depth and p[:depth] == path]:
            del self.origins[stale]
        self.origins[path] = origin


Origin = Callable[[YamlPath], "tuple[Any, YamlPath] | None"]
Tag = Callable[[YamlPath], "str | None"]


class FileTags:
    """The tag lookup of a value taken from a file at path `at`; `resets` lists the
    paths (relative to `at`) whose value the file sets to `!reset`. The loader
    leaves those values out of the data, as Compose does, so they are found here."""

    def __init__(self, tags: dict[YamlPath, str], at: YamlPath = ()) -> None:
        self.tags, self.at = tags, at
        depth = len(at)
        self.resets = [
            path[depth:]
            for path, tag in tags.items()
            if tag == "!reset" and len(path) > depth and path[:depth] == at
        ]

    def __call__(self, sub: YamlPath) -> str | None:
        return self.tags.get(self.at + sub)


def from_file(file: F, tags: dict[YamlPath, str], at: YamlPath = ()) -> tuple[Origin, Tag]:
    """Origin and tag lookups for a value taken from `file` at path `at`."""
    return (lambda sub: (file, at + sub)), FileTags(tags, at)


def merge_into(
    merged: Merged[F], path: YamlPath, value: Any, origin_of: Origin, tag_of: Tag
) -> None:
    """Merge `value` over what `merged` holds at `path`. `origin_of(sub)` says
    where the part of `value` at relative path `sub` was written; `tag_of(sub)`
    gives its custom YAML tag (`!reset`, `!override`). The values a file resets
    (`FileTags.resets`) are removed first, as Compose removes them from what
    earlier files set before merging the file in."""
    for sub in getattr(tag_of, "resets", ()):
        parent, key = _parent(merged.data, path + sub)
        if isinstance(parent, dict):
            parent.pop(key, None)
    _merge(merged, path, value, origin_of, tag_of, ())


def _merge(
    merged: Merged[F], path: YamlPath, value: Any, origin_of: Origin, tag_of: Tag, sub: YamlPath
) -> None:
    parent, key = _parent(merged.data, path)
    tag = tag_of(sub)

    def place(at: YamlPath, rel: YamlPath) -> None:
        origin = origin_of(rel)
        if origin is not None:
            merged._place(at, origin)

    if tag == "!reset":
        if isinstance(parent, dict):
            parent.pop(key, None)
        return
    in_parent = parent.get(key) if isinstance(parent, dict) else None
    current = merged.data if not path else in_parent
    if tag == "!override" or current is None:
        _set(merged, parent, key, copy.deepcopy(value))
        place(path, sub)
        return
    name = path[-1] if path else None
    if isinstance(current, dict) and isinstance(value, dict):
        for k, v in value.items():
            _merge(merged, path + (k,), v, origin_of, tag_of, sub + (k,))
        return
    if name in _MAPPING_LIKE and _mapping_like(current) and _mapping_like(value):
        as_map = _to_mapping(merged, path, current)
        _set(merged, parent, key, as_map)
        for k, (v, at) in _entries(value).items():
            as_map[k] = copy.deepcopy(v)
            place(path + (k,), sub + (at,))  # type: ignore[operator]
        return
    replaced = name in _REPLACED or path[-2:] == ("healthcheck", "test")
    if isinstance(current, list) and isinstance(value, list) and not replaced:
        unique = name in _UNIQUE and len(path) == 3 and path[0] == "services"
        for i, item in enumerate(value):
            index = len(current)
            if unique:
                item_key = unique_key(str(name), item)
                match = next(
                    (j for j, old in enumerate(current) if unique_key(str(name), old) == item_key),
                    None,
                )
                if item_key is not None and match is not None:
                    index = match
            if index == len(current):
                current.append(copy.deepcopy(item))
            else:
                current[index] = copy.deepcopy(item)
            place(path + (index,), sub + (i,))
        return
    _set(merged, parent, key, copy.deepcopy(value))
    place(path, sub)


def _parent(data: Any, path: YamlPath) -> tuple[Any, Any]:
    node = data
    for part in path[:-1]:
        node = node.get(part) if isinstance(node, dict) else None
    return node, (path[-1] if path else None)


def _set(merged: Merged[Any], parent: Any, key: Any, value: Any) -> None:
    if key is None:
        merged.data = value
    elif isinstance(parent, dict):
        parent[key] = value


def _mapping_like(value: Any) -> bool:
    return isinstance(value, dict) or (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
    )


def _entries(value: Any) -> dict[str, tuple[Any, Hashable]]:
    """`{KEY: (value, key or list index)}` from a mapping or a `KEY=value` list."""
    if isinstance(value, dict):
        return {str(k): (v, k) for k, v in value.items()}
    result: dict[str, tuple[Any, Hashable]] = {}
    for i, item in enumerate(value):
        k, sep, v = str(item).partition("=")
        result[k.strip()] = (v if sep else None, i)
    return result


def _to_mapping(merged: Merged[Any], path: YamlPath, current: Any) -> dict[str, Any]:
    if isinstance(current, dict):
        return current
    as_map: dict[str, Any] = {}
    for k, (v, at) in _entries(current).items():
        origin = merged.locate(path + (at,))  # type: ignore[operator]
        as_map[k] = v
        if origin is not None:
            merged._place(path + (k,), origin)
    return as_map


def unique_key(attribute: str, item: Any) -> Hashable | None:
    """The key that makes a `ports`/`volumes`/`secrets`/`configs` entry unique."""
    if attribute == "ports":
        if isinstance(item, dict):
            return (
                item.get("host_ip"),
                str(item.get("target")),
                str(item.get("published")),
                item.get("protocol", "tcp"),
            )
        return str(item)
    if attribute in ("volumes", "devices"):
        if isinstance(item, dict):
            return item.get("target")
        parts = str(item).split(":")
        return parts[1] if len(parts) > 1 else parts[0]
    if isinstance(item, dict):  # secrets, configs
        return item.get("target") or item.get("source")
    return str(item)


def relocate(source: Merged[F], at: YamlPath, target: Merged[F], to: YamlPath) -> None:
    """Copy the origins of `source`'s subtree at `at` to `target`'s subtree at `to`."""
    origin = source.locate(at)
    if origin is not None:
        target._place(to, origin)
    depth = len(at)
    for path, found in list(source.origins.items()):
        if len(path) > depth and path[:depth] == at:
            target.origins[to + path[depth:]] = found
