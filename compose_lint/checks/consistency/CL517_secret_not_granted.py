"""CL517 secret-not-granted: a service reads a secret it is not granted: a path below
/run/secrets in its environment or command that none of its `secrets:` puts there, or a
`RUN --mount=type=secret` of the Dockerfile it builds that its `build.secrets:` does not
pass."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import Any

from compose_lint.findings import Location, Severity
from compose_lint.load.dockerfile import Instruction
from compose_lint.model import DockerfileSource, Project, Service, YamlPath
from compose_lint.model.commands import Command, run_commands
from compose_lint.model.grants import (
    SECRETS_DIR,
    Grant,
    SecretMount,
    covers,
    grants,
    secret_mounts,
    secret_paths,
)
from compose_lint.model.image import Resolver
from compose_lint.model.services import Names, facts, once, section
from compose_lint.model.values import resolved
from compose_lint.registry import Found, rule

_COMMAND_KEYS: tuple[tuple[str, ...], ...] = (
    ("command",),
    ("entrypoint",),
    ("healthcheck", "test"),
)
_TESTS = frozenset({"test", "[", "[["})


@rule(
    "CL517",
    "secret-not-granted",
    Severity.ERROR,
    "A service reads a secret its `secrets:` (or its build's `build.secrets:`) does not grant.",
)
def secret_not_granted(project: Project) -> Found:
    if project.partial:
        return  # a fragment: the file that grants the secret may be merged with it
    yield from once(_runtime(project))
    yield from _builds(project)


# -- the running container -----------------------------------------------------------


def _read_values(service: Service, env: dict[str, str]) -> Iterator[tuple[YamlPath, str, str]]:
    """(path, value, what) of each environment value and command word, interpolated."""
    for var in service.environment:
        value = resolved(var.value, env)
        if value:
            yield var.path, value, var.name
    for keys in _COMMAND_KEYS:
        raw: Any = service.data
        for key in keys:
            raw = raw.get(key) if isinstance(raw, dict) else None
        here = service.path + keys
        items = list(enumerate(raw)) if isinstance(raw, list) else [(None, raw)]
        for index, item in items:
            value = resolved(item, env)
            if value:
                yield (here if index is None else here + (index,)), value, ".".join(keys)


def _mount_points(service: Service, project: Project) -> list[str] | None:
    """Where the service's volumes and tmpfs mount; None when one cannot be read."""
    data = service.data
    if data.get("volumes_from"):
        return None
    known = facts(project, service)
    raw = data.get("volumes")
    if isinstance(raw, list) and len(known.mounts) != len(raw):
        return None
    points = [m.target for m in known.mounts]
    tmpfs = data.get("tmpfs")
    for item in tmpfs if isinstance(tmpfs, list) else [tmpfs] if tmpfs else []:
        text = resolved(item, project.env)
        if text is None:
            return None
        points.append(text.split(":")[0])
    return points


def _image_places(service: Service) -> list[str]:
    """Paths below /run/secrets the built image itself fills (a COPY there, a RUN
    that names the file): a dev image may ship its own stand-ins."""
    parsed = service.build.parsed if service.build is not None else None
    if parsed is None:
        return []
    places: list[str] = []
    for stage in parsed.stages:
        for instruction in stage.instructions:
            copy = instruction.copy
            if copy is not None and copy.dest.text.startswith("/run"):
                places.append(copy.dest.text)
            elif instruction.keyword == "RUN":
                mounted = {m.target for m in secret_mounts(instruction)}  # gone after the RUN
                places.extend(p for p in secret_paths(instruction.args) if p not in mounted)
    return places


def _granted_to(project: Project, name: str) -> list[str]:
    return [
        s.name
        for s in project.services
        if any(g.name == name for g in grants(s, "secrets", project.env).entries)
    ]


def _runtime(project: Project) -> Found:
    defined = section(project, "secrets")
    for service in project.services:
        secrets = grants(service, "secrets", project.env)
        configs = grants(service, "configs", project.env)
        mounts = _mount_points(service, project)
        if not secrets.complete or not configs.complete or mounts is None:
            continue
        given = [g for g in (*secrets.entries, *configs.entries) if g.file is not None]
        files = [g.file for g in given if g.file is not None] + _image_places(service)
        for path, value, what in _read_values(service, project.env):
            for read in secret_paths(value):
                if covers(files, read) or covers(mounts, read):
                    continue
                message = _runtime_message(project, service, read, what, given, defined)
                yield service.file.loc(path), message, Severity.WARNING


def _runtime_message(
    project: Project,
    service: Service,
    read: str,
    what: str,
    given: list[Grant],
    defined: dict[Any, Any],
) -> str:
    name = read[len(SECRETS_DIR) + 1 :].split("/")[0]
    head = (
        f'service "{service.name}" reads {read} (in {what}), but none of its secrets: puts a '
        "file there, so the container finds nothing at that path"
    )
    renamed = [g for g in given if g.name == name and g.key == "secrets"]
    if renamed:
        return (
            f'{head}: its secret "{name}" is mounted at {renamed[0].file} (target: '
            f"{renamed[0].target}); read that path or drop the target"
        )
    near = Names([posixpath.basename(g.file or "") for g in given]).closest(name)
    if near is not None:
        return f"{head}: did you mean {SECRETS_DIR}/{near}, the secret it is granted?"
    fix = f'add "{name}" to the secrets: of service "{service.name}"'
    if name not in defined:
        return f"{head}; {fix} and define it under the top-level secrets: (file: or environment:)"
    others = [s for s in _granted_to(project, name) if s != service.name]
    listed = " and ".join(f'"{s}"' for s in others)
    also = f" (only {listed} {'gets' if len(others) == 1 else 'get'} it now)" if others else ""
    return f"{head}; {fix}{also}"


# -- the build -----------------------------------------------------------------------


def _guarded(commands: tuple[Command, ...], target: str, variable: str) -> bool:
    """Whether the RUN tests that the secret is there (`[ -f /run/secrets/x ]`): a
    secret it means to do without."""
    wanted = {target} if target else set()
    if variable:
        wanted |= {f"${variable}", f"${{{variable}}}"}
    for command in commands:
        if command.name in _TESTS and any(w in wanted for w in command.words):
            return True
    return False


def _builds(project: Project) -> Found:
    # (instruction, mount) -> the services whose build runs it without passing it
    lacking: dict[tuple[int, int], list[Service]] = {}
    places: dict[tuple[int, int], tuple[DockerfileSource, Instruction, SecretMount]] = {}
    for source, parsed, builds in project.parsed_dockerfiles():
        for build in builds:
            passed = grants(build.service, "build.secrets", project.env)
            resolver = Resolver.of(parsed, build)
            built = resolver.built(build.target)
            if not passed.complete or built is None:
                continue
            ids = {i for g in passed.entries for i in g.ids}
            # the stages this build runs: the target's FROM chain and what it copies from
            for stage in resolver.needed_stages(built):
                for instruction in stage.instructions:
                    if instruction.keyword != "RUN":
                        continue
                    for index, mount in enumerate(secret_mounts(instruction)):
                        if mount.id in ids or not _needed(instruction, mount, parsed.escape):
                            continue
                        key = (id(instruction), index)
                        places[key] = (source, instruction, mount)
                        lacking.setdefault(key, []).append(build.service)
    for key, services in lacking.items():
        source, instruction, mount = places[key]
        where = source.loc(*instruction.find(mount.written))
        yield _build_finding(where, mount.id, mount.required, services)


def _needed(instruction: Instruction, mount: SecretMount, escape: str) -> bool:
    """Whether the RUN needs the secret: it is required, or optional by default and
    the RUN does not test that it is there. `required=false` says it does without."""
    if mount.required is not None:
        return mount.required
    return not _guarded(run_commands(instruction, escape), mount.target, mount.env)


def _build_finding(
    where: Location, ident: str, required: bool | None, lacking: list[Service]
) -> tuple[Location, str, Severity]:
    names = list(dict.fromkeys(s.name for s in lacking))
    who = " and ".join(f'"{n}"' for n in names)
    service, builds = ("services", "build") if len(names) > 1 else ("service", "builds")
    if required:
        effect = f'so docker compose build fails ("secret {ident}: not found")'
        severity = Severity.ERROR
    else:
        effect = "so the step runs without it (the mount is optional unless it says required)"
        severity = Severity.WARNING
    return (
        where,
        f'RUN mounts the build secret "{ident}", but {service} {who} {builds} this Dockerfile '
        f'without it in build.secrets:, {effect}; add "{ident}" to build.secrets: (defined '
        "under the top-level secrets: with file: or environment:)",
        severity,
    )
