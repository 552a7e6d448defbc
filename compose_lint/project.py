"""Build the model: load a compose file, follow each `build:` to its Dockerfile,
context and `.dockerignore`. Every file is read and parsed exactly once."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from compose_lint.load import interpolation
from compose_lint.load.files import ReadError, display_path, normalize, read_text
from compose_lint.load.yaml import YamlError, load_yaml
from compose_lint.model import (
    Build,
    ComposeFile,
    DockerfileSource,
    EnvVar,
    IgnoreSource,
    LoadError,
    Port,
    Project,
    Service,
    YamlPath,
)
from compose_lint.suppress import scan

_VARIABLE = re.compile(r"\$\{[^{}]*\}")
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|github\.com/)|\.git(?:#.*)?$", re.I)


class Loader:
    """Loads files once per run, shared by every project that uses them."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self._dockerfiles: dict[Path, DockerfileSource] = {}
        self._ignores: dict[Path, IgnoreSource] = {}
        self._env_files: dict[Path, dict[str, str]] = {}

    def display(self, path: Path) -> str:
        return display_path(path, self.cwd)

    # -- projects ---------------------------------------------------------

    def compose_project(self, path: Path) -> Project:
        path = normalize(path)
        project = Project(directory=path.parent, env=self.env_file(path.parent / ".env"))
        compose = self.compose_file(path, project.env)
        project.compose_files.append(compose)
        services = compose.data.get("services") if isinstance(compose.data, dict) else None
        if isinstance(services, dict):
            for name, data in services.items():
                if isinstance(data, dict):
                    project.services.append(self.service(project, compose, str(name), data))
        for build in project.builds():
            if build.dockerfile is not None and build.dockerfile not in project.dockerfiles:
                project.dockerfiles.append(build.dockerfile)
            if build.ignore is not None and build.ignore not in project.ignores:
                project.ignores.append(build.ignore)
        return project

    def dockerfile_project(self, path: Path) -> Project:
        """A Dockerfile that no compose project builds, linted on its own."""
        path = normalize(path)
        return Project(directory=path.parent, dockerfiles=[self.dockerfile(path)])

    # -- files ------------------------------------------------------------

    def compose_file(self, path: Path, env: dict[str, str]) -> ComposeFile:
        compose = ComposeFile(path=path, display=self.display(path), interpolation_env=env)
        try:
            text = read_text(path)
        except ReadError as exc:
            compose.error = LoadError(1, 1, exc.message)
            return compose
        compose.directives = scan(text)
        try:
            docs = load_yaml(text)
        except YamlError as exc:
            compose.error = LoadError(exc.line, exc.column, exc.message)
        else:
            compose.doc = docs[0] if docs else None
        return compose

    def dockerfile(self, path: Path) -> DockerfileSource:
        cached = self._dockerfiles.get(path)
        if cached is not None:
            return cached
        from compose_lint.load.dockerfile import parse_dockerfile

        source = DockerfileSource(path=path, display=self.display(path))
        try:
            text = read_text(path)
        except ReadError as exc:
            source.error = LoadError(1, 1, exc.message)
        else:
            source.parsed = parse_dockerfile(text)
            spans = [(i.line, i.end_line) for i in source.parsed.instructions]
            source.directives = scan(text, spans)
        self._dockerfiles[path] = source
        return source

    def ignore_file(self, path: Path) -> IgnoreSource:
        cached = self._ignores.get(path)
        if cached is not None:
            return cached
        from compose_lint.load.dockerignore import parse_dockerignore

        source = IgnoreSource(path=path, display=self.display(path))
        try:
            text = read_text(path)
        except ReadError as exc:
            source.error = LoadError(1, 1, exc.message)
        else:
            source.parsed = parse_dockerignore(text)
            source.directives = scan(text)
        self._ignores[path] = source
        return source

    def env_file(self, path: Path) -> dict[str, str]:
        cached = self._env_files.get(path)
        if cached is None:
            try:
                cached = parse_env_file(read_text(path)) if path.is_file() else {}
            except (ReadError, OSError):
                cached = {}
            self._env_files[path] = cached
        return cached

    # -- services ---------------------------------------------------------

    def service(
        self, project: Project, compose: ComposeFile, name: str, data: dict[str, Any]
    ) -> Service:
        service = Service(name=name, file=compose, data=data)
        path = service.path
        image = data.get("image")
        if isinstance(image, str):
            service.image = image
        service.ports = parse_ports(data.get("ports"), path + ("ports",))
        service.environment = parse_env(data.get("environment"), path + ("environment",))
        if "build" in data:
            service.build = self.build(project, compose, service, data["build"])
        return service

    def build(self, project: Project, compose: ComposeFile, service: Service, raw: Any) -> Build:
        path = service.path + ("build",)
        spec: dict[str, Any] = {"context": raw} if isinstance(raw, str) else raw
        if not isinstance(spec, dict):
            return Build(service=service, path=path, context=None)
        context_text = spec.get("context", ".")
        context_text = context_text if isinstance(context_text, str) else "."
        build = Build(service=service, path=path, context=None)
        target = spec.get("target")
        build.target = target.lower() if isinstance(target, str) else None
        build.args = parse_env(spec.get("args"), path + ("args",))
        resolved = interpolation.substitute(context_text, project.env)
        if resolved is None:
            return build
        if _REMOTE.search(resolved):
            build.remote = resolved
            return build
        build.context = normalize(compose.path.parent / resolved)
        inline = spec.get("dockerfile_inline")
        if isinstance(inline, str):
            from compose_lint.load.dockerfile import parse_dockerfile

            build.inline = parse_dockerfile(inline)
        else:
            name = spec.get("dockerfile", "Dockerfile")
            name = interpolation.substitute(name, project.env) if isinstance(name, str) else None
            if name:
                build.dockerfile_path = normalize(build.context / name)
                if build.dockerfile_path.is_file():
                    build.dockerfile = self.dockerfile(build.dockerfile_path)
                    build.dockerfile.builds.append(build)
        from compose_lint.load.dockerignore import ignore_file_for

        if build.context.is_dir():
            ignore = ignore_file_for(build.context, build.dockerfile_path)
            if ignore is not None:
                build.ignore = self.ignore_file(normalize(ignore))
        return build


# -- value parsing, shared by every rule ------------------------------------


def _scalar_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def parse_env(raw: Any, path: YamlPath) -> list[EnvVar]:
    """`environment:` / `build.args:` in list (`NAME=value`) or mapping form."""
    result: list[EnvVar] = []
    if isinstance(raw, dict):
        for name, value in raw.items():
            result.append(EnvVar(str(name), _scalar_text(value), path + (name,), False))
    elif isinstance(raw, list):
        for i, item in enumerate(raw):
            if not isinstance(item, str) or not item:
                continue
            name, sep, value = item.partition("=")
            result.append(EnvVar(name.strip(), value if sep else None, path + (i,), True))
    return result


def _port_range(text: str) -> tuple[int, int] | None:
    start, _, end = text.partition("-")
    if not start.isdigit() or (end and not end.isdigit()):
        return None
    return int(start), int(end or start)


def parse_port(raw: Any, path: YamlPath) -> Port | None:
    """One `ports:` entry; None when it cannot be known statically (interpolated, malformed)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return Port(raw, raw, None, None, "tcp", path)
    if isinstance(raw, dict):
        target = raw.get("target")
        if isinstance(target, str) and target.isdigit():
            target = int(target)
        if not isinstance(target, int) or isinstance(target, bool):
            return None
        published = _scalar_text(raw.get("published"))
        protocol = raw.get("protocol") if isinstance(raw.get("protocol"), str) else "tcp"
        host_ip = raw.get("host_ip") if isinstance(raw.get("host_ip"), str) else None
        return Port(target, target, published or None, host_ip, protocol.lower(), path)
    if not isinstance(raw, str):
        return None
    # "${HOST_PORT:-8000}:8000": the container side is still known
    spec, _, protocol = _VARIABLE.sub("$VAR", raw).partition("/")
    if "$" in protocol:
        return None
    host_ip: str | None = None
    if spec.startswith("["):
        host_ip, _, spec = spec[1:].partition("]")
        spec = spec.lstrip(":")
        parts = spec.split(":")
    else:
        parts = spec.rsplit(":", 2)
        if len(parts) == 3:
            host_ip = parts.pop(0)
    target_range = _port_range(parts[-1])
    if target_range is None:
        return None
    published = parts[0] if len(parts) == 2 and parts[0] else None
    return Port(
        target_range[0], target_range[1], published, host_ip or None, protocol or "tcp", path
    )


def parse_ports(raw: Any, path: YamlPath) -> list[Port]:
    if not isinstance(raw, list):
        return []
    ports = (parse_port(item, path + (i,)) for i, item in enumerate(raw))
    return [p for p in ports if p is not None]


def parse_env_file(text: str) -> dict[str, str]:
    """A `.env` file: `NAME=value` lines, `#` comments, optional quotes and `export`."""
    env: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        if line.startswith("export "):
            line = line[7:].lstrip()
        name, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        env[name.strip()] = value
    return env
