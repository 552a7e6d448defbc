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
    of third-party code (`exclude.is_vendored`) or a tool's compose fragments or
    templates (`exclude.is_tool_fragments`), but a folder named on the command line is searched
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


def compose_files_above(
    path: Path, known: dict[Path, tuple[list[Path], bool]] | None = None
) -> list[Path]:
    """Compose files in the directories above `path`, nearest first, up to the
    repository root (a directory holding `.git`) or the filesystem root. `known` keeps
    each directory's answer (its compose files, whether it holds `.git`) for a run."""
    found: list[Path] = []
    directory = normalize(path).parent
    known = {} if known is None else known
    while True:
        if directory not in known:
            try:
                names = sorted(os.listdir(directory))
            except OSError:
                names = []
            files = [
                directory / n for n in names if is_compose_name(n) and (directory / n).is_file()
            ]
            known[directory] = (files, ".git" in names)
        files, root = known[directory]
        found.extend(files)
        if root or directory.parent == directory:
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
    found makes an application with its automatic override file, unless what it leaves
    to other files is all defined by other compose files of its repository: then it is
    one piece of a stack combined with -f (`_Elsewhere.completes`), not an application.
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

    elsewhere = _Elsewhere(load, projects)

    def project_of(path: Path) -> Project:
        key, partial = application(path)
        if key not in projects:
            project = load(key, partial)
            if not partial and elsewhere.completes(project, key):
                project.partial = True
            elif partial and elsewhere.stands_alone(project, key):
                project.partial = False
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
    # a file that an include of another application reads with that application's
    # project directory (`project_directory: .`) is a piece of it: alone, its relative
    # paths would resolve from the wrong folder (its findings come with the includer)
    foreign = loader.included_elsewhere
    if foreign:
        read = {
            c.path for key, p in projects.items() if key[0] not in foreign for c in p.compose_files
        }
        for key in [k for k in projects if k[0] in foreign and k[0] in read]:
            if files and key == next(iter(projects)):
                continue  # the files named with -f are the application asked for
            loader.forget(projects.pop(key))
    return _one_run(projects), missing


def _one_run(projects: dict[tuple[Path, ...], Project]) -> list[Project]:
    """The projects of this run, each knowing the others (`Project.run`: the images
    another compose file of the repository builds, model.own_images)."""
    from compose_lint.model import Run

    run = Run(list(projects.values()))
    for project in run.projects:
        project.run = run
    return run.projects


class _Elsewhere:
    """What other compose files define, each read once for the run."""

    def __init__(
        self,
        load: Callable[[tuple[Path, ...], bool], Project],
        loaded: dict[tuple[Path, ...], Project],
    ) -> None:
        self.load = load
        self.loaded = loaded  # the run's projects: a file linted alone is not read again
        self.read: dict[Path, tuple[set[tuple[str, str]], bool]] = {}
        self.walks: dict[Path, list[Path]] = {}
        self.folders: dict[Path, tuple[list[Path], bool]] = {}  # compose_files_above's

    def _of(self, path: Path) -> tuple[set[tuple[str, str]], bool]:
        """What the file defines, and whether it is a piece of a stack itself (not a
        primary file, or one that leaves something to other files)."""
        from compose_lint.model.services import offered, wanted

        if path not in self.read:
            # as a whole: what does it leave to others? (`partial` changes neither answer)
            project = self.loaded.get((path,)) or self.load((path,), False)
            piece = application(path)[1] or bool(wanted(project))
            self.read[path] = (offered(project), piece)
        return self.read[path]

    def completes(self, project: Project, key: tuple[Path, ...]) -> bool:
        """True when what `project` leaves to other files (services without image or
        build, depends_on targets and networks it does not define: `services.wanted`)
        is all defined by the compose files above it or beside it, or by the pieces of
        a stack under the nearest folder above that holds a compose file: it is one
        piece of a stack combined with -f (a CI case layered on the file above, a base
        completed by `-f x.postgres.yml`, a test suite made of files from several
        folders), not an application of its own. Complete applications elsewhere in
        the repository (other examples) do not count."""
        from compose_lint.model.services import wanted

        missing = wanted(project)
        return bool(missing) and missing <= self._defined_nearby(key, missing)

    def stands_alone(self, project: Project, key: tuple[Path, ...]) -> bool:
        """True for a file named like a fragment (`docker-compose-ssl.yml`) whose
        services all name an image or a build and none of whose references another file
        nearby defines (`completes`' candidates): no combination of those files
        completes it, so it is an application of its own, which Compose refuses as
        every combination would (a depends_on naming a container instead of a service)."""
        from compose_lint.model.services import wanted

        missing = wanted(project)
        if not missing or any(s.image is None and s.build is None for s in project.services):
            return False
        return not missing & self._defined_nearby(key, missing)

    def _defined_nearby(
        self, key: tuple[Path, ...], missing: set[tuple[str, str]]
    ) -> set[tuple[str, str]]:
        """What the compose files above or beside `key`, and the pieces of a stack
        under the nearest folder above that holds one, define (gathered until all of
        `missing` is found)."""
        above = [p for p in compose_files_above(key[0], self.folders) if p not in key]
        candidates = [(p, True) for p in above]
        higher = [p.parent for p in above if p.parent != key[0].parent]
        if higher:
            root = higher[0]
            if root not in self.walks:
                self.walks[root] = _walk(root, None)
            candidates += [(p, False) for p in self.walks[root] if p not in key]
        defined: set[tuple[str, str]] = set()
        for path, near in candidates:
            offers, piece = self._of(path)
            if near or piece:
                defined |= offers
                if missing <= defined:
                    break
        return defined
