"""The project as rules see it: compose files joined to Dockerfiles and contexts.

Everything here is built once by `compose_lint.project`; rules only read it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from compose_lint.findings import Location
from compose_lint.load.files import git_root
from compose_lint.load.merge import Merged
from compose_lint.load.yaml import Mark, YamlDocument

if TYPE_CHECKING:
    from compose_lint.load.dockerfile import Dockerfile
    from compose_lint.load.dockerignore import DockerIgnore
    from compose_lint.suppress import Directive

YamlPath = tuple[str | int, ...]


class LoadError(NamedTuple):
    """A file that could not be read or parsed at all."""

    line: int
    column: int
    message: str


@dataclass
class ComposeFile:
    path: Path
    display: str
    doc: YamlDocument | None = None
    error: LoadError | None = None
    interpolation_env: dict[str, str] = field(default_factory=dict)
    directives: list[Directive] = field(default_factory=list)
    base_dir: Path = Path(".")  # relative paths in it resolve against this directory
    # the path below the folder named on the command line (`display` otherwise): its
    # folders say what the file is for (model.purpose); the folders above do not
    inner: str = ""
    text: str = ""  # the whole file as read (every document of it): what fixes edit
    # the file whose `include:` reads this one (None for a file named or found): what
    # that file is for, the pieces it includes are for (model.purpose)
    included_by: ComposeFile | None = field(default=None, compare=False, repr=False)

    @property
    def data(self) -> Any:
        return self.doc.data if self.doc is not None else None

    def interpolated(self) -> list[tuple[YamlPath, str]]:
        """Every string value holding a `$`, with its path (noted by the loader)."""
        return self.doc.dollars if self.doc is not None else []

    def file_of(self, path: YamlPath) -> ComposeFile:
        """The file that holds the value at `path`: this one (as `ComposeView.file_of`
        answers for a merged model)."""
        return self

    def loc(self, path: YamlPath) -> Location:
        """Where the value at `path` starts (or its nearest located ancestor)."""
        mark = self._mark(path)
        return Location(self.display, mark.line, mark.column)

    def key_loc(self, path: YamlPath) -> Location:
        """Where the key of `path` is written (the item itself for list items)."""
        mark = self._mark(path)
        return Location(self.display, mark.key_line, mark.key_column)

    def _mark(self, path: YamlPath) -> Mark:
        if self.doc is None:
            return Mark(1, 1, 1, 1)
        return self.doc.mark(path)


@dataclass
class ComposeView:
    """The project's compose model after merging its files (overrides, `extends`,
    `include`). Reads like a ComposeFile; every position leads back to the file
    and line that hold the value."""

    main: ComposeFile
    merged: Merged[ComposeFile]

    @property
    def data(self) -> Any:
        return self.merged.data

    @property
    def path(self) -> Path:
        return self.main.path

    @property
    def display(self) -> str:
        return self.main.display

    @property
    def interpolation_env(self) -> dict[str, str]:
        return self.main.interpolation_env

    def file_of(self, path: YamlPath) -> ComposeFile:
        """The file that holds the value at `path`."""
        origin = self.merged.locate(path)
        return origin[0] if origin is not None else self.main

    def loc(self, path: YamlPath) -> Location:
        origin = self.merged.locate(path)
        return origin[0].loc(origin[1]) if origin is not None else self.main.loc(path)

    def key_loc(self, path: YamlPath) -> Location:
        origin = self.merged.locate(path)
        return origin[0].key_loc(origin[1]) if origin is not None else self.main.key_loc(path)


@dataclass
class DockerfileSource:
    """A Dockerfile on disk, loaded once however many services build it."""

    path: Path
    display: str
    parsed: Dockerfile | None = None
    error: LoadError | None = None
    builds: list[Build] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)
    # the path below the folder named on the command line (`display` otherwise): its
    # folders say what the file is for (model.purpose); the folders above do not
    inner: str = ""

    def loc(self, line: int, column: int = 1) -> Location:
        return Location(self.display, line, column)


@dataclass
class IgnoreSource:
    path: Path
    display: str
    parsed: DockerIgnore | None = None
    error: LoadError | None = None
    directives: list[Directive] = field(default_factory=list)
    # the path below the folder named on the command line (`display` otherwise): its
    # folders say what the file is for (model.purpose); the folders above do not
    inner: str = ""


@dataclass
class Build:
    service: Service
    path: YamlPath  # ("services", name, "build")
    context: Path | None  # None when remote or unresolvable
    remote: str | None = None
    dockerfile_path: Path | None = None
    dockerfile: DockerfileSource | None = None
    inline: Dockerfile | None = None  # parsed `dockerfile_inline`
    target: str | None = None
    args: list[EnvVar] = field(default_factory=list)
    ignore: IgnoreSource | None = None

    @property
    def parsed(self) -> Dockerfile | None:
        """The Dockerfile this build uses, from a file or `dockerfile_inline`."""
        if self.inline is not None:
            return self.inline
        return self.dockerfile.parsed if self.dockerfile is not None else None


class EnvVar(NamedTuple):
    """One entry of `environment:` or `build.args:`, in either syntax."""

    name: str
    value: str | None  # None: no value given (taken from the shell)
    path: YamlPath  # where the entry is written: the mapping key or the list item
    in_list: bool  # written as "NAME=value" list item


class Port(NamedTuple):
    """One `ports:` entry, short or long syntax, normalised."""

    target: int
    target_end: int  # == target unless a range
    published: str | None  # "8080", "8080-8081", "$VAR" (interpolated) or None (ephemeral)
    host_ip: str | None
    protocol: str  # "tcp" or "udp"...
    path: YamlPath

    def targets(self) -> range:
        return range(self.target, self.target_end + 1)


@dataclass
class Service:
    name: str
    file: ComposeView | ComposeFile  # locate any of the service's paths through it
    data: dict[str, Any]
    build: Build | None = None
    image: str | None = None
    ports: list[Port] = field(default_factory=list)
    environment: list[EnvVar] = field(default_factory=list)
    profiles: tuple[str, ...] = ()  # empty: always enabled

    @property
    def path(self) -> YamlPath:
        return ("services", self.name)


class ModelProblem(NamedTuple):
    """Something Compose itself rejects while assembling the model (an `extends`
    or `include` that cannot be resolved, a conflict between included files)."""

    kind: str  # "extends", "include"
    path: YamlPath  # where, in `view`
    message: str
    where: Location | None = None  # set when it lies in an included project's files


@dataclass(eq=False)
class Run:
    """The projects linted together: what a fact about a whole repository reads (the
    images its other compose files build, model.own_images), worked out once per run
    in `cache`."""

    projects: list[Project]
    cache: dict[Hashable, Any] = field(default_factory=dict, repr=False)


@dataclass
class Project:
    """One compose application (its files merged) or a lone Dockerfile, and
    everything it builds."""

    directory: Path
    compose_files: list[ComposeFile] = field(default_factory=list)  # every file read
    view: ComposeView | None = None  # the merged model; None without compose files
    partial: bool = False  # a fragment (docker-compose.prod.yml alone): not a whole app
    problems: list[ModelProblem] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    dockerfiles: list[DockerfileSource] = field(default_factory=list)
    ignores: list[IgnoreSource] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)  # the project's .env file
    # facts derived from the project, each worked out once (model.cache.per_project)
    cache: dict[Hashable, Any] = field(default_factory=dict, repr=False, compare=False)
    # the run this project is linted in, shared by all its projects (set by discovery)
    run: Run | None = field(default=None, repr=False, compare=False)

    def tree(self) -> Path:
        """The repository the project is in (the nearest folder above it holding `.git`),
        or else its own directory; the answers of a run are shared by its projects."""
        known: dict[Path, Path | None] = (
            self.run.cache.setdefault("git roots", {}) if self.run is not None else {}
        )
        return git_root(self.directory, known) or self.directory

    def paths_known(self) -> bool:
        """Whether the relative paths the project's files write resolve as loaded. A
        whole application's do. A fragment's resolve against the folder of the application
        it joins: known when a primary compose file sits beside it (`compose.prod.yaml`
        next to `compose.yaml` joins that one), unknown otherwise (`ci/x/compose.yaml`
        layered on the file above, a kompose input under `kubernetes/`)."""
        if not self.partial:
            return True
        from compose_lint.discover import PRIMARY_NAMES

        folders = {f.path.parent for f in self.compose_files}
        return any(
            (folder / name).is_file() and folder / name not in {f.path for f in self.compose_files}
            for folder in folders
            for name in PRIMARY_NAMES
        )

    def sources(self) -> list[ComposeFile | DockerfileSource | IgnoreSource]:
        """Every file of the project."""
        return [*self.compose_files, *self.dockerfiles, *self.ignores]

    def builds(self) -> list[Build]:
        return [s.build for s in self.services if s.build is not None]

    def parsed_dockerfiles(self) -> Iterator[tuple[DockerfileSource, Dockerfile, list[Build]]]:
        """Each parsed Dockerfile with this project's builds that use it (a Dockerfile
        shared between projects keeps all of them in `source.builds`)."""
        for source in self.dockerfiles:
            if source.parsed is not None:
                builds = [b for b in self.builds() if b.dockerfile is source and b.inline is None]
                yield source, source.parsed, builds
