"""Build the model: load a compose file, follow each `build:` to its Dockerfile,
context and `.dockerignore`. Every file is read and parsed exactly once."""

from __future__ import annotations

import copy
import dataclasses
import posixpath
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from compose_lint.findings import Location
from compose_lint.load import interpolation
from compose_lint.load.files import (
    Boundary,
    ReadError,
    Realpaths,
    display_path,
    git_root,
    is_dir,
    normalize,
    read_text,
    stat_kind,
)
from compose_lint.load.merge import Merged, from_file, merge_into, relocate
from compose_lint.load.yaml import YamlError, load_yaml
from compose_lint.model import (
    Build,
    ComposeFile,
    ComposeView,
    DockerfileSource,
    IgnoreSource,
    LoadError,
    ModelProblem,
    Project,
    Service,
    YamlPath,
)
from compose_lint.model.values import parse_env, parse_env_file, parse_ports
from compose_lint.suppress import scan, scan_hadolint

_Source = TypeVar("_Source", DockerfileSource, IgnoreSource)
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|github\.com/)|\.git(?:#.*)?$", re.I)


class Loader:
    """Loads files once per run, shared by every project that uses them."""

    def __init__(
        self,
        cwd: Path,
        buffers: dict[Path, str] | None = None,
        roots: Sequence[Path] = (),
        named: Sequence[Path] = (),
        folders: Sequence[Path] = (),
    ) -> None:
        """`buffers`: text that stands in for a file on disk (an editor's unsaved
        buffer, from stdin); `roots`: directories every project may read besides its
        own tree (--root); `named`: files the user named on the command line, always
        readable; `folders`: directories the user named on the command line."""
        self.cwd = cwd
        self.buffers: dict[Path, str] = dict(buffers or {})
        self.roots = tuple(normalize(cwd / r) for r in roots)
        self.named = tuple(normalize(cwd / n) for n in named)
        # deepest first, so a file takes the nearest named folder above it
        self.folders = tuple(
            sorted({normalize(cwd / f) for f in folders}, key=lambda f: -len(f.parts))
        )
        self._boundary: Boundary | None = None  # of the project being loaded
        self._boundaries: dict[Path, Boundary] = {}
        self._git_roots: dict[Path, Path | None] = {}
        self.real = Realpaths()  # symlinks resolved, each directory once per run
        self.texts: dict[str, str] = {}  # every file read, by the path findings show
        self.yaml: set[str] = set()  # which of them are YAML (a lone CR ends a line there)
        self._dockerfiles: dict[Path, DockerfileSource] = {}
        self._ignores: dict[Path, IgnoreSource] = {}
        self._env_files: dict[Path, dict[str, str]] = {}
        self._compose: dict[Path, list[list[ComposeFile]]] = {}
        self._stack: list[Path] = []  # files being included/extended, to stop cycles
        # compose files an include reads with another project directory than their own
        # folder: their relative paths mean something only from there, so they are not
        # an application of their own (discovery leaves them to the including file)
        self.included_elsewhere: set[Path] = set()

    def display(self, path: Path) -> str:
        return display_path(path, self.cwd)

    def inner(self, path: Path) -> str:
        """`path` below the nearest folder named on the command line that holds it,
        else as shown: `compose-lint fixtures/tutorial` lints an application, whatever
        folder it sits in."""
        for folder in self.folders:
            if folder in path.parents:
                return path.relative_to(folder).as_posix()
        return self.display(path)

    def read(self, path: Path) -> str:
        """A file's text: its buffer when one stands in for it, else the disk's."""
        buffer = self.buffers.get(path)
        return buffer if buffer is not None else read_text(path)

    # -- projects ---------------------------------------------------------

    def compose_project(
        self,
        paths: Path | Sequence[Path],
        partial: bool = False,
        directory: Path | None = None,
        env_files: Sequence[Path] | None = None,
    ) -> Project:
        """The application made of `paths` (later files override earlier ones),
        with its `include`s and `extends` resolved. `directory` is its project directory,
        which relative paths resolve against (the first file's folder unless an `include`
        gives `project_directory`); `env_files` replace its `.env` (an include's
        `env_file`)."""
        paths = [normalize(p) for p in ([paths] if isinstance(paths, Path) else paths)]
        directory = paths[0].parent if directory is None else directory
        outer = self._boundary
        if outer is None:  # a top-level project: its tree, as included files see it too
            self._boundary = self.boundary_of(directory)
        try:
            return self._compose_project(paths, directory, partial, env_files)
        finally:
            self._boundary = outer

    def boundary_of(self, directory: Path) -> Boundary:
        """The tree a project in `directory` may read: its repository, else the directory
        (worked out once per directory and run)."""
        found = self._boundaries.get(directory)
        if found is None:
            tree = git_root(directory, self._git_roots) or directory
            found = Boundary((tree, *self.roots), self.named, self.real)
            self._boundaries[directory] = found
        return found

    def _outside(self, path: Path, what: str) -> str | None:
        """The message for a reference to `path` that leaves the project's tree
        (None when it stays inside): it names the path, and the file is not read."""
        boundary = self._boundary
        if boundary is None or boundary.contains(path):
            return None
        target = self.real(path)
        shown = self.display(path)
        if target != path:
            shown += f" (a link to {target})"
        return (
            f"{what} {shown} is outside the project tree ({boundary.describe()}), so "
            "compose-lint does not read it; keep the file inside the project, or widen "
            "the boundary with --root DIR"
        )

    def _compose_project(
        self,
        paths: list[Path],
        directory: Path,
        partial: bool,
        env_files: Sequence[Path] | None = None,
    ) -> Project:
        project = Project(directory=directory)
        for env_path in [directory / ".env"] if env_files is None else env_files:
            outside = self._outside(env_path, "the .env file")
            if outside is None:
                found = self.env_file(env_path)
                project.env = found if env_files is None else {**project.env, **found}
            else:
                where = Location(self.display(env_path), 1, 1)
                project.problems.append(ModelProblem("boundary", (), outside, where))
        project.partial = partial
        merged: Merged[ComposeFile] | None = None
        for path in paths:
            project.compose_files.extend(self.compose_documents(path, project.env))
        documents = [c for c in project.compose_files if isinstance(c.data, dict) and c.doc]
        for compose in project.compose_files:
            compose.base_dir = directory
        if len(documents) == 1 and not _needs_resolving(documents[0].data):
            # one document, nothing to merge: share its data instead of copying it
            merged = Merged(documents[0].data, {(): (documents[0], ())})
        for compose in documents if merged is None else ():
            assert compose.doc is not None
            if merged is None:
                merged = Merged.of(compose, compose.data)
            else:
                merge_into(merged, (), compose.data, *from_file(compose, compose.doc.tags))
        main = project.compose_files[0]
        project.view = ComposeView(main, merged or Merged.of(main, None))
        if merged is not None and isinstance(merged.data, dict):
            saved, self._stack = self._stack, self._stack + paths
            try:
                self._include(project, merged)
                self._extends(project, merged)
            finally:
                self._stack = saved
            services = merged.data.get("services")
            if isinstance(services, dict):
                for name, data in services.items():
                    if isinstance(data, dict):
                        project.services.append(self.service(project, str(name), data))
        for build in project.builds():
            if build.dockerfile is not None and build.dockerfile not in project.dockerfiles:
                project.dockerfiles.append(build.dockerfile)
            if build.ignore is not None and build.ignore not in project.ignores:
                project.ignores.append(build.ignore)
        return project

    def _include(self, project: Project, merged: Merged[ComposeFile]) -> None:
        """Add the resources of included projects (each read from its own directory)."""
        includes = merged.data.get("include")
        if not isinstance(includes, list):
            return
        for i, item in enumerate(includes):
            at: YamlPath = ("include", i)
            entries = (
                item
                if isinstance(item, str)
                else item.get("path")
                if isinstance(item, dict)
                else None
            )
            if isinstance(item, dict):
                at = at + ("path",)
            listed = entries if isinstance(entries, list) else [entries]
            owner = merged.locate(at)
            base = owner[0].base_dir if owner is not None else project.directory
            files: list[Path] = []
            for j, entry in enumerate(listed):
                where = at + (j,) if isinstance(entries, list) else at
                written = (
                    interpolation.substitute(entry, project.env) if isinstance(entry, str) else None
                )
                if written is None:
                    continue
                path = normalize(base / written)
                outside = self._outside(path, f'the included file "{entry}":')
                kind = stat_kind(path)
                if path in self._stack:
                    problem = f'"{entry}" includes itself (an include cycle)'
                    project.problems.append(ModelProblem("include", where, problem))
                elif outside is not None:
                    project.problems.append(ModelProblem("boundary", where, outside))
                elif kind == "missing":
                    problem = f'included file "{entry}" does not exist'
                    project.problems.append(ModelProblem("include", where, problem))
                elif kind is not None:
                    problem = f'included file "{entry}" is {kind}, not a regular file; not read'
                    project.problems.append(ModelProblem("include", where, problem))
                else:
                    files.append(path)
            if not files:
                continue
            directory, env_files = self._include_options(item, base, project.env)
            if directory is not None and directory != files[0].parent:
                self.included_elsewhere.update(files)
            sub = self.compose_project(files, directory=directory, env_files=env_files)
            self.forget(sub)  # its services join this project: they build here, once
            for piece in sub.compose_files:
                if piece.included_by is None and piece.path not in self._stack:
                    piece.included_by = project.compose_files[0]
            project.compose_files.extend(
                f for f in sub.compose_files if f not in project.compose_files
            )
            for included in sub.problems:
                if included.where is None and sub.view is not None:
                    included = included._replace(where=sub.view.loc(included.path))
                project.problems.append(included)
            if sub.view is None or not isinstance(sub.view.data, dict):
                continue
            for kind in ("services", "networks", "volumes", "secrets", "configs"):
                imported = sub.view.data.get(kind)
                if not isinstance(imported, dict):
                    continue
                own = merged.data.setdefault(kind, {})
                if not isinstance(own, dict):
                    continue
                for name, value in imported.items():
                    if name in own and own[name] == value:
                        continue  # Compose accepts the same definition twice
                    if name in own:
                        problem = (
                            f'{kind[:-1]} "{name}" is defined both here and in the included '
                            f"{sub.compose_files[0].display}; Compose refuses the conflict"
                        )
                        project.problems.append(ModelProblem("include", (kind, name), problem))
                        continue
                    own[name] = _interpolated(value, sub.env, project.env)
                    relocate(sub.view.merged, (kind, name), merged, (kind, name))

    @staticmethod
    def forget(project: Project) -> None:
        """Take the builds of a project that is not linted as itself (an included file,
        a piece of another application) off the Dockerfiles they would build."""
        for build in project.builds():
            if build.dockerfile is not None:
                builds = build.dockerfile.builds
                builds[:] = [b for b in builds if b is not build]

    def _include_options(
        self, item: object, base: Path, env: dict[str, str]
    ) -> tuple[Path | None, list[Path] | None]:
        """An include's `project_directory` (None: the included file's folder) and
        `env_file` list (None: the `.env` of the project directory), relative to the
        including file's folder; one that leaves the project's tree is not followed."""
        if not isinstance(item, dict):
            return None, None
        directory: Path | None = None
        written = item.get("project_directory")
        if isinstance(written, str):
            text = interpolation.substitute(written, env)
            if text:
                candidate = normalize(base / text)
                if self._outside(candidate, "") is None:
                    directory = candidate
        env_files: list[Path] | None = None
        listed = item.get("env_file")
        listed = [listed] if isinstance(listed, str) else listed
        if isinstance(listed, list):
            env_files = []
            for entry in listed:
                text = interpolation.substitute(entry, env) if isinstance(entry, str) else None
                if text:
                    env_files.append(normalize(base / text))
        return directory, env_files

    def _extends(self, project: Project, merged: Merged[ComposeFile]) -> None:
        """Resolve `extends` (same file or `file:`), innermost first."""
        services = merged.data.get("services")
        if not isinstance(services, dict):
            return
        done: set[str] = set()

        def resolve(name: str, chain: list[str]) -> None:
            service = services.get(name)
            if name in done or not isinstance(service, dict):
                return
            done.add(name)
            spec = service.get("extends")
            at: YamlPath = ("services", name, "extends")
            target: object
            file_ref: object
            if isinstance(spec, str):
                target, file_ref, target_at = spec, None, at
            elif isinstance(spec, dict):
                target, file_ref, target_at = (
                    spec.get("service"),
                    spec.get("file"),
                    at + ("service",),
                )
            else:
                return
            if not isinstance(target, str):
                return
            if isinstance(file_ref, str):
                owner = merged.locate(at)
                base = owner[0].base_dir if owner is not None else project.directory
                written = interpolation.substitute(file_ref, project.env) or file_ref
                path = normalize(base / written)
                outside = self._outside(path, f'the extends file "{file_ref}":')
                kind = stat_kind(path)
                if outside is not None:
                    project.problems.append(ModelProblem("boundary", at + ("file",), outside))
                    return
                if kind is not None:
                    problem = (
                        f'extends file "{file_ref}" does not exist'
                        if kind == "missing"
                        else f'extends file "{file_ref}" is {kind}, not a regular file; not read'
                    )
                    project.problems.append(ModelProblem("extends", at + ("file",), problem))
                    return
                if path in self._stack:
                    return
                sub = self.compose_project([path])
                project.compose_files.extend(
                    f for f in sub.compose_files if f not in project.compose_files
                )
                other = (
                    sub.view.data.get("services")
                    if sub.view and isinstance(sub.view.data, dict)
                    else None
                )
                if not isinstance(other, dict) or not isinstance(other.get(target), dict):
                    problem = f'extends names service "{target}", which {file_ref} does not define'
                    project.problems.append(ModelProblem("extends", target_at, problem))
                    return
                assert sub.view is not None  # `other` came from it
                source, source_value = sub.view.merged, other[target]
            else:
                if not isinstance(services.get(target), dict):
                    problem = f'extends names service "{target}", which is not defined'
                    project.problems.append(ModelProblem("extends", target_at, problem))
                    return
                if target == name or target in chain:
                    cycle = " -> ".join([*chain, name, target])
                    problem = f"extends forms a cycle ({cycle}); Compose cannot resolve it"
                    project.problems.append(ModelProblem("extends", target_at, problem))
                    return
                resolve(target, [*chain, name])
                source, source_value = merged, services[target]
            work: Merged[ComposeFile] = Merged({"services": {name: copy.deepcopy(source_value)}})
            work.data["services"][name].pop("extends", None)
            relocate(source, ("services", target), work, ("services", name))
            # the service's own key stays where it is written; its inherited
            # attributes keep pointing at the base service
            for key in work.data["services"][name]:
                inherited = source.locate(("services", target, key))
                if inherited is not None:
                    work.origins.setdefault(("services", name, key), inherited)
            own = merged.locate(("services", name))
            if own is not None:
                work.origins[("services", name)] = own
            merge_into(
                work,
                ("services", name),
                service,
                lambda sub: merged.locate(("services", name) + sub),
                lambda sub: None,
            )
            services[name] = work.data["services"][name]
            relocate(work, ("services", name), merged, ("services", name))

        for service_name in list(services):
            resolve(str(service_name), [])

    def dockerfile_project(self, path: Path) -> Project:
        """A Dockerfile that no compose project builds, linted on its own."""
        path = normalize(path)
        return Project(directory=path.parent, dockerfiles=[self.dockerfile(path)])

    # -- files ------------------------------------------------------------

    def compose_documents(self, path: Path, env: dict[str, str]) -> list[ComposeFile]:
        """The documents of one compose file (usually one), read and parsed once. A file
        that two projects read with different variables (included with an `env_file`,
        and on its own) is interpolated with each one's."""
        variants = self._compose.setdefault(path, [])
        for cached in variants:
            if cached[0].interpolation_env == env:
                return cached
        if variants:
            copies = [dataclasses.replace(c, interpolation_env=env) for c in variants[0]]
            variants.append(copies)
            return copies
        compose = ComposeFile(
            path=path,
            display=self.display(path),
            interpolation_env=env,
            base_dir=path.parent,
            inner=self.inner(path),
        )
        documents = [compose]
        variants.append(documents)
        outside = self._outside(path, "the compose file")
        if outside is not None:
            compose.error = LoadError(1, 1, outside)
            return documents
        try:
            text = self.read(path)
        except ReadError as exc:
            compose.error = LoadError(exc.line, 1, exc.message)
            return documents
        self.texts[compose.display] = text
        self.yaml.add(compose.display)
        compose.text = text
        compose.directives = scan(text)
        try:
            docs = load_yaml(text)
        except YamlError as exc:
            compose.error = LoadError(exc.line, exc.column, exc.message)
            return documents
        if docs:
            compose.doc = docs[0]
        for doc in docs[1:]:  # further documents merge like override files
            documents.append(
                ComposeFile(
                    path=path,
                    display=compose.display,
                    doc=doc,
                    interpolation_env=env,
                    base_dir=path.parent,
                    inner=compose.inner,
                    text=text,
                )
            )
        return documents

    def dockerfile(self, path: Path) -> DockerfileSource:
        from compose_lint.load.dockerfile import parse_dockerfile

        def fill(source: DockerfileSource, text: str) -> None:
            source.parsed = parse_dockerfile(text)
            spans = [(i.line, i.end_line) for i in source.parsed.instructions]
            source.directives = scan(text, spans) + scan_hadolint(text, spans)

        return self._read_once(self._dockerfiles, DockerfileSource, path, fill)

    def ignore_file(self, path: Path) -> IgnoreSource:
        from compose_lint.load.dockerignore import parse_dockerignore

        def fill(source: IgnoreSource, text: str) -> None:
            source.parsed = parse_dockerignore(text)
            source.directives = scan(text)

        return self._read_once(self._ignores, IgnoreSource, path, fill)

    def _read_once(
        self,
        cache: dict[Path, _Source],
        kind: type[_Source],
        path: Path,
        fill: Callable[[_Source, str], None],
    ) -> _Source:
        """The source at `path`, read and parsed the first time it is asked for."""
        cached = cache.get(path)
        if cached is None:
            cached = kind(path=path, display=self.display(path), inner=self.inner(path))
            try:
                text = self.read(path)
            except ReadError as exc:
                cached.error = LoadError(exc.line, 1, exc.message)
            else:
                self.texts[cached.display] = text
                fill(cached, text)
            cache[path] = cached
        return cached

    def env_file(self, path: Path) -> dict[str, str]:
        cached = self._env_files.get(path)
        if cached is None:
            try:
                cached = parse_env_file(read_text(path)) if stat_kind(path) is None else {}
            except (ReadError, OSError, ValueError):
                cached = {}
            self._env_files[path] = cached
        return cached

    # -- services ---------------------------------------------------------

    def service(self, project: Project, name: str, data: dict[str, Any]) -> Service:
        assert project.view is not None
        service = Service(name=name, file=project.view, data=data)
        profiles = data.get("profiles")
        if isinstance(profiles, list):
            service.profiles = tuple(str(p) for p in profiles)
        path = service.path
        image = data.get("image")
        if isinstance(image, str):
            service.image = image
        service.ports = parse_ports(data.get("ports"), path + ("ports",))
        service.environment = parse_env(data.get("environment"), path + ("environment",))
        if "build" in data:
            service.build = self.build(project, service, data["build"])
        return service

    def build(self, project: Project, service: Service, raw: Any) -> Build:
        path = service.path + ("build",)
        holder = service.file.file_of(path) if isinstance(service.file, ComposeView) else None
        base_dir = holder.base_dir if holder is not None else project.directory
        spec: dict[str, Any] = {"context": raw} if isinstance(raw, str) else raw
        if not isinstance(spec, dict):
            return Build(service=service, path=path, context=None)
        context_text = spec.get("context", ".")
        context_text = context_text if isinstance(context_text, str) else "."
        build = Build(service=service, path=path, context=None)
        target = spec.get("target")
        if isinstance(target, str):
            resolved_target = interpolation.substitute(target, project.env)
            build.target = (resolved_target or target).lower()
        build.args = parse_env(spec.get("args"), path + ("args",))
        resolved = interpolation.substitute(context_text, project.env)
        if resolved is None:
            return build
        if _REMOTE.search(resolved):
            build.remote = resolved
            return build
        context = normalize(base_dir / resolved)
        build.context = context
        inline = spec.get("dockerfile_inline")
        if isinstance(inline, str):
            from compose_lint.load.dockerfile import parse_dockerfile

            build.inline = parse_dockerfile(inline)
        else:
            name = spec.get("dockerfile", "Dockerfile")
            name = interpolation.substitute(name, project.env) if isinstance(name, str) else None
            # BuildKit reads a lowercase "dockerfile" where "Dockerfile" is absent
            # (moby/moby#10858), whether the name is the default or written
            if name and posixpath.basename(name) == "Dockerfile":
                lower = posixpath.join(posixpath.dirname(name), "dockerfile")
                if (
                    stat_kind(build.context / name) == "missing"
                    and (build.context / lower).is_file()
                ):
                    name = lower
            if name:
                build.dockerfile_path = normalize(build.context / name)
                outside = self._outside(
                    build.dockerfile_path, f'the Dockerfile "{name}" of service "{service.name}":'
                )
                if outside is not None:
                    project.problems.append(
                        ModelProblem("boundary", path + ("dockerfile",), outside)
                    )
                elif stat_kind(build.dockerfile_path) not in ("missing", "a directory"):
                    build.dockerfile = self.dockerfile(build.dockerfile_path)
                    build.dockerfile.builds.append(build)
        from compose_lint.load.dockerignore import ignore_file_for

        if is_dir(build.context):
            ignore = ignore_file_for(build.context, build.dockerfile_path)
            if ignore is not None:
                outside = self._outside(ignore, "the ignore file")
                if outside is not None:
                    project.problems.append(ModelProblem("boundary", path, outside))
                else:
                    build.ignore = self.ignore_file(normalize(ignore))
        return build


def _interpolated(value: Any, own: dict[str, str], includer: dict[str, str]) -> Any:
    """A copy of an included definition, its values interpolated the way Compose does
    it, with the included file's variables (its `env_file`), before it joins the
    including project. The result is written back with `$` doubled, so that reading it
    later with the including project's variables gives the same text. A value whose
    variables the included file does not know stays as written."""
    if own is includer or own == includer:
        return copy.deepcopy(value)
    if isinstance(value, str):
        text = interpolation.substitute(value, own) if "$" in value else None
        return value if text is None else text.replace("$", "$$")
    if isinstance(value, dict):
        return {k: _interpolated(v, own, includer) for k, v in value.items()}
    if isinstance(value, list):
        return [_interpolated(v, own, includer) for v in value]
    return copy.deepcopy(value)


def _needs_resolving(data: dict[str, Any]) -> bool:
    """Whether `include` or `extends` will change this document's data."""
    if "include" in data:
        return True
    services = data.get("services")
    return isinstance(services, dict) and any(
        isinstance(s, dict) and "extends" in s for s in services.values()
    )
