"""Which files make up which projects."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from compose_lint.load.files import is_dir, normalize

if TYPE_CHECKING:
    from compose_lint.exclude import Exclusion

SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "site-packages",
    }
)

_COMPOSE = re.compile(r"compose[^/]*\.ya?ml$", re.I)
_DOCKERFILE = re.compile(
    r"^(?:dockerfile|containerfile)(?:\..+)?$|\.(?:dockerfile|containerfile)$", re.I
)


def is_compose_name(name: str) -> bool:
    """compose.yaml, docker-compose.prod.yml, compose.override.yaml, ...
    (not this tool's own .compose-project-lint.yaml, nor the older .compose-lint.yaml)."""
    lowered = name.lower()
    return bool(_COMPOSE.search(name)) and not lowered.startswith(
        (".compose-lint.", ".compose-project-lint.")
    )


def is_dockerfile_name(name: str) -> bool:
    return bool(_DOCKERFILE.search(name)) and not name.lower().endswith(".dockerignore")


def is_ignore_name(name: str) -> bool:
    return name.lower().endswith(".dockerignore")


@dataclass
class Targets:
    compose_files: list[Path] = field(default_factory=list)
    dockerfiles: list[Path] = field(default_factory=list)
    ignore_files: list[Path] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def add_named(self, path: Path) -> None:
        """A file named on the command line, sorted by its name (anything that is
        not a Dockerfile or an ignore file is read as compose)."""
        name = path.name
        if is_dockerfile_name(name):
            self.dockerfiles.append(path)
        elif is_ignore_name(name):
            self.ignore_files.append(path)
        else:
            self.compose_files.append(path)


def discover(paths: list[str], exclusion: Exclusion | None = None) -> Targets:
    """Sort the command line's paths into compose files, Dockerfiles and ignore files.

    A directory is searched for compose files; a file is taken whatever its
    name (a Dockerfile or .dockerignore by name, anything else as compose),
    unless an exclude pattern matches it. Without `exclusion`, the walk skips
    SKIP_DIRS, `.github` and virtualenvs."""
    targets = Targets()
    seen: set[Path] = set()

    for raw in paths:
        path = Path(raw)
        if is_dir(path):
            if exclusion is not None and exclusion.named(normalize(path)):
                continue
            for found in _walk(path, exclusion):
                found = normalize(found)
                if found not in seen:
                    seen.add(found)
                    targets.compose_files.append(found)
        elif os.path.lexists(path):  # a file, a link (even a broken one), a FIFO...
            path = normalize(path)
            if path in seen or (exclusion is not None and exclusion.named(path)):
                continue
            seen.add(path)
            targets.add_named(path)
        else:
            targets.missing.append(raw)
    return targets


def _walk(root: Path, exclusion: Exclusion | None) -> list[Path]:
    found: list[Path] = []
    top = normalize(root)
    for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not os.path.isfile(os.path.join(dirpath, d, "pyvenv.cfg"))
            and (
                d not in SKIP_DIRS and d != ".github"
                if exclusion is None
                else not exclusion.walked(here / d, True)
            )
        )
        found.extend(
            here / f
            for f in sorted(filenames)
            if is_compose_name(f) and (exclusion is None or not exclusion.walked(here / f, False))
        )
    return found


def compose_files_above(path: Path) -> list[Path]:
    """Compose files in the directories above `path`, nearest first, up to the
    repository root (a directory holding `.git`) or the filesystem root."""
    found: list[Path] = []
    directory = normalize(path).parent
    while True:
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            names = []
        found.extend(
            directory / n for n in names if is_compose_name(n) and (directory / n).is_file()
        )
        if ".git" in names or directory.parent == directory:
            return found
        directory = directory.parent


PRIMARY_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
_OVERRIDE = re.compile(r"^(docker-)?compose\.override\.ya?ml$")


def application(path: Path) -> tuple[tuple[Path, ...], bool]:
    """The files of the application `path` belongs to, as Compose would read
    them without -f: a primary file plus its automatic override. The flag is
    True for a fragment (`docker-compose.prod.yml` alone), which is meant to be
    combined with other files and is not judged as a whole application."""
    path = normalize(path)
    name = path.name
    if name in PRIMARY_NAMES:
        return (path, *_overrides(path)), False
    match = _OVERRIDE.match(name)
    if match:
        stem = "docker-compose" if match.group(1) else "compose"
        for ext in ("yaml", "yml"):
            base = path.parent / f"{stem}.{ext}"
            if base.is_file():
                return (base, path), False
    return (path,), True


def _overrides(primary: Path) -> list[Path]:
    stem = "docker-compose" if primary.name.startswith("docker-") else "compose"
    for ext in ("yaml", "yml"):
        candidate = primary.parent / f"{stem}.override.{ext}"
        if candidate.is_file():
            return [candidate]
    return []
