"""Which files make up which projects."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from compose_lint.exclude import is_tool_fragments, is_vendored, is_virtualenv
from compose_lint.load.files import is_dir, normalize

if TYPE_CHECKING:
    from compose_lint.exclude import Exclusion
    from compose_lint.model import Project
    from compose_lint.project import Loader

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
    SKIP_DIRS and `.github`; it never enters a virtualenv, a package manager's copy
    of third-party code (`exclude.is_vendored`) or a tool's compose fragments
    (`exclude.is_tool_fragments`), but a folder named on the command line is searched
    whatever it is."""
    targets = Targets()
    seen: set[Path] = set()

    for raw in paths:
        path = Path(raw)
        if is_dir(path):
            if exclusion is not None and exclusion.named(normalize(path)):
                continue
            for found in _walk(path, exclusion):  # normal already: a normal root's entries
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
            if not is_virtualenv(os.path.join(dirpath, d))
            and not is_vendored(dirpath, d)
            and not is_tool_fragments(dirpath, d)
            and (
                d not in SKIP_DIRS and d != ".github"
                if exclusion is None
                else not exclusion.entry(here, d, True)
            )
        )
        found.extend(
            here / f
            for f in sorted(filenames)
            if is_compose_name(f) and (exclusion is None or not exclusion.entry(here, f, False))
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


# -- which files make which application ---------------------------------------------------


def collect_projects(
    paths: Sequence[str],
    loader: Loader,
    load: Callable[[tuple[Path, ...], bool], Project],
    files: Sequence[str] = (),
    exclusion: Exclusion | None = None,
    stdin: Path | None = None,
) -> tuple[list[Project], list[str]]:
    """The projects to lint, and the paths that do not exist. `load(files, partial)`
    builds one application's model (the engine guards it).

    With `files` (-f), those files are one application. Otherwise each compose file
    found makes an application with its automatic override file; a primary-named file
    whose services without `image` and `build` are all defined by a compose file above
    it is a fragment of that application (a CI case layered on it with -f), not an
    application of its own; so is one that depends on services only the other compose
    files beside it define (a base that a task runner layers with `-f x.postgres.yml`).
    A Dockerfile or .dockerignore named on the command line is linted with the
    application above it that builds it (or, when none does, on its own)."""
    from compose_lint.load.files import stat_kind
    from compose_lint.model import Project

    projects: dict[tuple[Path, ...], Project] = {}
    missing = [f for f in files if stat_kind(loader.cwd / f) in ("missing", "a directory")]
    if files:
        if not missing:
            key = tuple(normalize(loader.cwd / f) for f in files)
            projects[key] = load(key, False)
        if not paths:
            return _one_run(projects), missing
    if stdin is not None:  # the buffer alone, with its project on disk
        targets = Targets()
        targets.add_named(stdin)
    else:
        targets = discover(list(paths), exclusion)
    missing += targets.missing

    def project_of(path: Path) -> Project:
        key, partial = application(path)
        if key not in projects:
            project = load(key, partial)
            if not partial and (
                _layered_on_another(project, key[0], load)
                or _completed_by_siblings(project, key, load)
            ):
                project.partial = True
            projects[key] = project
        return projects[key]

    for path in targets.compose_files:
        project_of(path)
    for path in targets.dockerfiles + targets.ignore_files:
        owners = [
            project
            for project in map(project_of, compose_files_above(path))
            if any(
                (b.dockerfile is not None and b.dockerfile.path == path)
                or (b.ignore is not None and b.ignore.path == path)
                for b in project.builds()
            )
        ]
        if not owners:
            if path in targets.dockerfiles:
                projects[(path,)] = loader.dockerfile_project(path)
            else:
                ignore = loader.ignore_file(path)
                projects[(path,)] = Project(directory=path.parent, ignores=[ignore])
    return _one_run(projects), missing


def _one_run(projects: dict[tuple[Path, ...], Project]) -> list[Project]:
    """The projects of this run, each knowing the others (`Project.run`: the images
    another compose file of the repository builds, model.own_images)."""
    from compose_lint.model import Run

    run = Run(list(projects.values()))
    for project in run.projects:
        project.run = run
    return run.projects


def _layered_on_another(
    project: Project, primary: Path, load: Callable[[tuple[Path, ...], bool], Project]
) -> bool:
    """True when the services of `project` that have neither `image` nor `build` are all
    defined by a compose file in a directory above: the file adds to that application
    (and may bring services of its own, with their images)."""
    names = {s.name for s in project.services if s.image is None and s.build is None}
    if not names:
        return False
    for above in compose_files_above(primary.parent):
        if above.parent == primary.parent:
            continue
        key, partial = application(above)
        if partial:
            continue
        defined = {s.name for s in load(key, False).services}
        if names <= defined:
            return True
    return False


def _completed_by_siblings(
    project: Project,
    key: tuple[Path, ...],
    load: Callable[[tuple[Path, ...], bool], Project],
) -> bool:
    """True when `project` depends on services it does not define and the other compose
    files in its folder define every one of them: it is the base of a stack layered
    with -f, never run alone."""
    from compose_lint.model.services import facts

    named = {
        ref.target
        for service in project.services
        for ref in facts(project, service).references
        if ref.via == "depends_on"
    }
    undefined = named - {s.name for s in project.services}
    if not undefined:
        return False
    folder = key[0].parent
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return False
    defined: set[str] = set()
    for name in names:
        sibling = folder / name
        if sibling in key or not is_compose_name(name) or not sibling.is_file():
            continue
        defined.update(s.name for s in load((sibling,), True).services)
        if undefined <= defined:
            return True
    return False
