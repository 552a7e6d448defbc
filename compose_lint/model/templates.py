"""Override templates: the example files a project ships for users to copy into the
override file Compose merges on its own (`compose.override.yaml.example`,
`docker-compose.override.yml.dist`, ...).

A project that ships one leaves part of its configuration to the file its users create
from it: secrets, configs, networks and volumes the main file uses can be defined there
on purpose. Only the top-level names a template defines are read."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

from compose_lint.model import Project

# compose.override.yaml.example, docker-compose.override.yml.dist,
# compose.override.example.yaml, docker-compose.override.sample.yml ...
_TEMPLATE = re.compile(
    r"^(?:docker-)?compose[^/]*\.override"
    r"(?:\.ya?ml\.(?:example|sample|dist|template|tmpl|tpl|in)"
    r"|\.(?:example|sample|dist|template|tmpl|tpl)\.ya?ml)$",
    re.I,
)
_KINDS = ("secrets", "configs", "networks", "volumes")
_MAX_BYTES = 1 << 20


def is_override_template(name: str) -> bool:
    """`name` is the name of an override template (`compose.override.yaml.example`)."""
    return bool(_TEMPLATE.match(name))


def _defined(path: Path) -> dict[str, frozenset[str]]:
    """Top-level names per kind that the template at `path` defines; empty when it
    cannot be read or parsed (a template is only a hint, never reported)."""
    try:
        stat = path.stat()
    except OSError:
        return {}
    if stat.st_size > _MAX_BYTES:
        return {}
    return _parse(path, stat.st_mtime_ns, stat.st_size)


@cache
def _parse(path: Path, _mtime: int, _size: int) -> dict[str, frozenset[str]]:
    """`_defined` for one version of the file (read once per run)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        kind: frozenset(str(k) for k in data[kind])
        for kind in _KINDS
        if isinstance(data.get(kind), dict)
    }


def templates_of(project: Project) -> list[Path]:
    """The override templates beside the project's compose files."""
    folders = sorted({c.path.parent for c in project.compose_files})
    found: list[Path] = []
    for folder in folders:
        try:
            names = sorted(p.name for p in folder.iterdir() if p.is_file())
        except OSError:
            continue
        found += [folder / n for n in names if is_override_template(n)]
    return found


def template_defining(project: Project, kind: str, name: str) -> Path | None:
    """The override template beside the project's compose files that defines `name`
    under the top-level `kind` (plural: "secrets"), if one does."""
    for path in templates_of(project):
        if name in _defined(path).get(kind, frozenset()):
            return path
    return None
