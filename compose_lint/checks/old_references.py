"""CL103-CL121: what Docker Compose itself refuses beyond the schema.

The schema (CL003) says whether each value has the right shape. Compose then
checks the application as a whole: every name a service uses must be defined,
a service needs something to run, some keys exclude each other, dependencies
must not loop, and a few strings are parsed (durations, byte sizes, port
mappings, restart policies). Each rule here mirrors one of those checks as
Docker Compose 2.40.3 (compose-go 2.9.1) makes them, and stays silent where
Compose would accept the file.

Values are read after interpolation with the project's `.env`; a value that
interpolation leaves unknown is never reported. Rules about the whole
application (undefined names, missing image, cycles, profiles, duplicate
container names) stay silent on a fragment meant to be merged with other files
(`project.partial`).

Duration and byte-size literals that the schema already rejects are CL003's to
report; CL115 and CL116 add what the schema cannot see: values that only go
wrong once interpolated, and the few literals whose shape passes but whose
value Compose's parser refuses.
"""

from __future__ import annotations

import difflib
import functools
import ipaddress
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from fractions import Fraction
from typing import Any, NamedTuple

from compose_lint.findings import Location, Severity
from compose_lint.load import interpolation
from compose_lint.model import ComposeView, Project, Service, YamlPath
from compose_lint.registry import rule

Found = Iterator[tuple[Location, str]]

_DIGITS = frozenset("0123456789")
_TRUE_WORDS = frozenset({"true", "yes", "y", "on"})
_FALSE_WORDS = frozenset({"false", "no", "n", "off"})
_SHARED_NAMESPACES = ("network_mode", "ipc", "pid", "uts")
_SERVICE_PREFIX = "service:"
_CONTAINER_PREFIX = "container:"


# -- small helpers --------------------------------------------------------------------


def _view(project: Project) -> ComposeView | None:
    return (
        project.view if project.view is not None and isinstance(project.view.data, dict) else None
    )


def _section(project: Project, kind: str) -> dict[Any, Any]:
    """A top-level mapping of the merged model (`services`, `networks`...), or {}."""
    view = _view(project)
    value = view.data.get(kind) if view is not None else None
    return value if isinstance(value, dict) else {}


def _resolved(value: Any, env: Mapping[str, str]) -> str | None:
    """A scalar as Compose reads it after interpolation; None if not a string or
    if interpolation leaves it unknown."""
    if isinstance(value, str):
        return interpolation.substitute(value, env)
    return None


def _is_true(value: Any, env: Mapping[str, str]) -> bool:
    if isinstance(value, bool):
        return value
    text = _resolved(value, env)
    return text is not None and text.strip().lower() in _TRUE_WORDS


def _is_false(value: Any, env: Mapping[str, str]) -> bool:
    if isinstance(value, bool):
        return not value
    text = _resolved(value, env)
    return text is not None and text.strip().lower() in _FALSE_WORDS


def _did_you_mean(name: str, candidates: Iterable[Any]) -> str:
    names = [str(c) for c in candidates if str(c) != name]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


def _empty(name: str) -> str:
    """A note for a name that interpolation left empty."""
    return "" if name else " (the name is empty once interpolated: set its variable)"


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{n}"' for n in names)


def _written(raw: Any, value: str) -> str:
    """How to show a value in a message: as written, plus what it becomes."""
    if isinstance(raw, str) and raw != value:
        return f'"{raw}" (which interpolates to "{value}")'
    return f'"{value}"'


# -- references from one service to another ------------------------------------------


class _Ref(NamedTuple):
    """One place where service `source` names service `target`."""

    source: str
    target: str
    path: YamlPath
    at_key: bool  # the name is a mapping key (long depends_on syntax)
    via: str  # depends_on, links, network_mode, ipc, pid, uts, volumes_from, additional_contexts
    required: bool  # depends_on with required: false tolerates a disabled target

    @property
    def dependency(self) -> bool:
        """Compose orders containers by it (all but build contexts)."""
        return self.via != "additional_contexts"

    def verb(self) -> str:
        """What the reference says, without its subject, for messages."""
        if self.via == "depends_on":
            return f'depends_on "{self.target}"'
        if self.via == "links":
            return f'links to "{self.target}"'
        if self.via == "volumes_from":
            return f'takes volumes_from "{self.target}"'
        if self.via == "additional_contexts":
            return f'uses "service:{self.target}" in build.additional_contexts'
        return f'sets {self.via}: "service:{self.target}"'

    def describe(self) -> str:
        return f'service "{self.source}" {self.verb()}'


def _references(service: Service, env: Mapping[str, str]) -> list[_Ref]:
    """Every service name `service` refers to, in the order written."""
    data, here, name = service.data, service.path, service.name
    refs: list[_Ref] = []
    depends = data.get("depends_on")
    if isinstance(depends, list):
        for i, item in enumerate(depends):
            target = _resolved(item, env)
            if target is not None:
                refs.append(_Ref(name, target, here + ("depends_on", i), False, "depends_on", True))
    elif isinstance(depends, dict):
        for key, spec in depends.items():
            optional = isinstance(spec, dict) and _is_false(spec.get("required", True), env)
            refs.append(
                _Ref(name, str(key), here + ("depends_on", key), True, "depends_on", not optional)
            )
    links = data.get("links")
    if isinstance(links, list):
        for i, item in enumerate(links):
            link = _resolved(item, env)
            if link is not None:
                parts = link.split(":")
                target = parts[0] if len(parts) == 2 else link
                refs.append(_Ref(name, target, here + ("links", i), False, "links", True))
    for key in _SHARED_NAMESPACES:
        mode = _resolved(data.get(key), env)
        if mode and mode.startswith(_SERVICE_PREFIX):
            target = mode[len(_SERVICE_PREFIX) :]
            refs.append(_Ref(name, target, here + (key,), False, key, True))
    volumes_from = data.get("volumes_from")
    if isinstance(volumes_from, list):
        for i, item in enumerate(volumes_from):
            spec = _resolved(item, env)
            if spec is not None and not spec.startswith(_CONTAINER_PREFIX):
                target = spec.split(":")[0]
                refs.append(
                    _Ref(name, target, here + ("volumes_from", i), False, "volumes_from", True)
                )
    build = data.get("build")
    contexts = build.get("additional_contexts") if isinstance(build, dict) else None
    entries: list[tuple[Any, Any]] = []
    if isinstance(contexts, dict):
        entries = [(key, value) for key, value in contexts.items()]
    elif isinstance(contexts, list):
        entries = [
            (i, item.partition("=")[2]) for i, item in enumerate(contexts) if isinstance(item, str)
        ]
    for key, value in entries:
        text = _resolved(value, env)
        if text and text.startswith(_SERVICE_PREFIX):
            target = text[len(_SERVICE_PREFIX) :]
            path = here + ("build", "additional_contexts", key)
            refs.append(_Ref(name, target, path, False, "additional_contexts", True))
    return refs


def _once(found: Iterable[tuple[Location, str]]) -> Found:
    """One finding per location: a value that several services inherit (through
    `extends`) is written, and fixed, in one place."""
    seen: set[Location] = set()
    for loc, message in found:
        if loc not in seen:
            seen.add(loc)
            yield loc, message


def _deduplicated(check: Callable[[Project], Found]) -> Callable[[Project], Found]:
    """Make a check report each location once (see `_once`)."""

    @functools.wraps(check)
    def wrapper(project: Project) -> Found:
        return _once(check(project))

    return wrapper


def _ref_loc(service: Service, ref: _Ref) -> Location:
    return service.file.key_loc(ref.path) if ref.at_key else service.file.loc(ref.path)


def _all_refs(project: Project) -> list[tuple[Service, _Ref]]:
    return [(s, ref) for s in project.services for ref in _references(s, project.env)]


@rule(
    "CL103",
    "undefined-service",
    Severity.ERROR,
    "A service refers to a service (depends_on, links, service:...) that is not defined.",
)
@_deduplicated
def undefined_service(project: Project) -> Found:
    if project.partial:
        return
    defined = _section(project, "services")
    for service, ref in _all_refs(project):
        if ref.target in defined:
            continue
        hint = _did_you_mean(ref.target, defined)
        extra = ""
        if ref.via == "volumes_from":
            extra = f' (to mount from a container outside Compose, write "container:{ref.target}")'
        yield (
            _ref_loc(service, ref),
            f'{ref.describe()}, but this application defines no service "{ref.target}"'
            f"{_empty(ref.target)}, so "
            f"Compose refuses the project: correct the name{hint} or define the "
            f"service{extra}",
        )


# -- networks, volumes, secrets, configs ----------------------------------------------


def _network_names(
    service: Service, env: Mapping[str, str]
) -> Iterator[tuple[str, YamlPath, bool]]:
    networks = service.data.get("networks")
    here = service.path + ("networks",)
    if isinstance(networks, list):
        for i, item in enumerate(networks):
            name = _resolved(item, env)
            if name is not None:
                yield name, here + (i,), False
    elif isinstance(networks, dict):
        for key in networks:
            if isinstance(key, str) and "$" not in key:
                yield key, here + (key,), True


@rule(
    "CL104",
    "undefined-network",
    Severity.ERROR,
    "A service joins a network that the top-level `networks` does not define.",
)
@_deduplicated
def undefined_network(project: Project) -> Found:
    if project.partial:
        return
    defined = _section(project, "networks")
    for service in project.services:
        for name, path, at_key in _network_names(service, project.env):
            if name == "default" or name in defined:
                continue  # Compose always provides `default`
            hint = _did_you_mean(name, [*defined, "default"])
            loc = service.file.key_loc(path) if at_key else service.file.loc(path)
            yield (
                loc,
                f'service "{service.name}" joins network "{name}"{_empty(name)}, which the '
                "top-level networks: does not define, so Compose refuses the project: "
                f"correct the name{hint} or add "
                f'"{name}:" under networks: (with "external: true" if something outside this '
                "project creates it)",
            )


def _volume_source(spec: str) -> str | None:
    """The source of a short `volumes:` entry (SOURCE:TARGET[:MODE]), split the
    way Compose splits it (a Windows drive letter keeps its colon); None for an
    anonymous volume."""
    if len(spec) <= 2:
        return None
    sections: list[str] = []
    buffer = ""
    for char in spec:
        if char == ":" and not (len(buffer) == 1 and buffer.isalpha()):
            sections.append(buffer)
            buffer = ""
        else:
            buffer += char
    sections.append(buffer)
    return sections[0] if len(sections) >= 2 else None


def _is_path(source: str) -> bool:
    """A bind-mount source (a host path), as opposed to a volume name."""
    if source.startswith((".", "/", "~", "\\\\")):
        return True
    return len(source) >= 2 and source[0].isalpha() and source[1] == ":"


@rule(
    "CL105",
    "undefined-volume",
    Severity.ERROR,
    "A service mounts a named volume that the top-level `volumes` does not declare.",
)
@_deduplicated
def undefined_volume(project: Project) -> Found:
    if project.partial:
        return
    defined = _section(project, "volumes")
    for service in project.services:
        volumes = service.data.get("volumes")
        if not isinstance(volumes, list):
            continue
        for i, item in enumerate(volumes):
            path: YamlPath = service.path + ("volumes", i)
            if isinstance(item, str):
                spec = _resolved(item, project.env)
                source = _volume_source(spec) if spec else None
                if not source or _is_path(source):
                    continue  # anonymous, a bind mount, or malformed (":/data")
            elif isinstance(item, dict):
                kind = _resolved(item.get("type"), project.env)
                source = _resolved(item.get("source"), project.env)
                if kind != "volume" or not source:
                    continue
                path = path + ("source",)
            else:
                continue
            if source in defined:
                continue
            hint = _did_you_mean(source, defined)
            yield (
                service.file.loc(path),
                f'service "{service.name}" mounts volume "{source}", which the top-level volumes: '
                f"does not declare, so Compose refuses the project: correct the name{hint}, add "
                f'"{source}:" under volumes:, or write a path ("./{source}") for a bind mount',
            )


def _file_refs(
    items: Any, here: YamlPath, env: Mapping[str, str]
) -> Iterator[tuple[str, YamlPath]]:
    """Names used by a `secrets:` or `configs:` list (short or long syntax)."""
    if not isinstance(items, list):
        return
    for i, item in enumerate(items):
        if isinstance(item, dict):
            name = _resolved(item.get("source"), env)
            path = here + (i, "source")
        else:
            name = _resolved(item, env)
            path = here + (i,)
        if name is not None:
            yield name, path


def _undefined_files(project: Project, kind: str) -> Found:
    """CL106/CL107: `secrets` or `configs` names that the top level does not define."""
    if project.partial:
        return
    defined = _section(project, kind)
    singular = kind[:-1]
    sources = (
        "file:, environment: or external: true"
        if kind == "secrets"
        else "file:, content:, environment: or external: true"
    )
    for service in project.services:
        places: list[tuple[Any, YamlPath, str]] = [
            (service.data.get(kind), service.path + (kind,), "")
        ]
        build = service.data.get("build")
        if kind == "secrets" and isinstance(build, dict):
            places.append((build.get(kind), service.path + ("build", kind), "build "))
        for items, here, label in places:
            for name, path in _file_refs(items, here, project.env):
                if name in defined:
                    continue
                hint = _did_you_mean(name, defined)
                yield (
                    service.file.loc(path),
                    f'service "{service.name}" uses {label}{singular} "{name}"{_empty(name)}, '
                    "which the "
                    f"top-level {kind}: does not define, so Compose refuses the project: correct "
                    f'the name{hint} or add "{name}:" under {kind}: (with {sources})',
                )


@rule(
    "CL106",
    "undefined-secret",
    Severity.ERROR,
    "A service (or its build) uses a secret that the top-level `secrets` does not define.",
)
@_deduplicated
def undefined_secret(project: Project) -> Found:
    yield from _undefined_files(project, "secrets")


@rule(
    "CL107",
    "undefined-config",
    Severity.ERROR,
    "A service uses a config that the top-level `configs` does not define.",
)
@_deduplicated
def undefined_config(project: Project) -> Found:
    yield from _undefined_files(project, "configs")


# -- what a service must (not) say ----------------------------------------------------


@rule(
    "CL108",
    "no-image-or-build",
    Severity.ERROR,
    "A service has neither `image` nor `build`, so there is nothing to run.",
)
def no_image_or_build(project: Project) -> Found:
    if project.partial:
        return
    broken = {
        p.path[1]
        for p in project.problems
        if p.kind == "extends" and len(p.path) > 1 and p.path[0] == "services"
    }
    for service in project.services:
        data = service.data
        if service.name in broken or "provider" in data:
            continue  # CL121 reports the extends; a provider service runs no container
        image = data.get("image")
        named = _resolved(image, project.env) if isinstance(image, str) else ""
        if named is None or named or data.get("build") is not None:
            continue  # an image (or one interpolation leaves unknown), or a build
        base = data.get("extends")
        base_name = base.get("service") if isinstance(base, dict) else base
        if isinstance(base_name, str):
            where = service.file.key_loc(service.path + ("extends",))
            what = f'service "{service.name}" extends "{base_name}", and neither of them has'
        else:
            where = service.file.key_loc(service.path)
            what = f'service "{service.name}" has neither'
        yield (
            where,
            f"{what} image: nor build:, so Compose has nothing to run and refuses the project: "
            "add image: NAME:TAG, or build: with the directory holding its Dockerfile",
        )


@rule(
    "CL109",
    "dockerfile-and-inline",
    Severity.ERROR,
    "A build sets both `dockerfile` and `dockerfile_inline`.",
)
@_deduplicated
def dockerfile_and_inline(project: Project) -> Found:
    for service in project.services:
        build = service.data.get("build")
        if not isinstance(build, dict):
            continue
        dockerfile = _resolved(build.get("dockerfile"), project.env)
        inline = _resolved(build.get("dockerfile_inline"), project.env)
        if not dockerfile or not inline:
            continue
        yield (
            service.file.key_loc(service.path + ("build", "dockerfile_inline")),
            f'the build of service "{service.name}" sets both dockerfile: "{dockerfile}" and '
            "dockerfile_inline:, which exclude each other, so Compose refuses the project: keep "
            "the one you mean and delete the other",
        )


@rule(
    "CL110",
    "network-mode-with-networks",
    Severity.ERROR,
    "A service sets both `network_mode` and `networks`.",
)
@_deduplicated
def network_mode_with_networks(project: Project) -> Found:
    for service in project.services:
        mode = _resolved(service.data.get("network_mode"), project.env)
        networks = service.data.get("networks")
        if not mode or not isinstance(networks, (list, dict)) or not networks:
            continue
        yield (
            service.file.key_loc(service.path + ("networks",)),
            f'service "{service.name}" sets both network_mode: "{mode}" and networks:, which '
            "exclude each other, so Compose refuses the project: with network_mode the container "
            "joins no Compose network, so delete networks: (or delete network_mode to use them)",
        )


# The only keys Compose allows beside `external: true` on a top-level volume.
_EXTERNAL_KEYS = frozenset({"name", "external"})
_RESOURCE_SECTIONS = ("networks", "volumes", "secrets", "configs")


def _is_external(value: Any, env: Mapping[str, str]) -> bool:
    """`external: true`, or the legacy mapping form (`external: {name: x}`)."""
    return isinstance(value, dict) or _is_true(value, env)


def _external_problems(project: Project, view: ComposeView, kind: str) -> Found:
    singular = kind[:-1]
    for name, spec in _section(project, kind).items():
        if not isinstance(spec, dict) or not _is_external(spec.get("external"), project.env):
            continue
        external = spec.get("external")
        if isinstance(external, dict) and "name" in external and "name" in spec:
            legacy = _resolved(external["name"], project.env)
            current = _resolved(spec["name"], project.env)
            if legacy is not None and current is not None and legacy != current:
                yield (
                    view.key_loc((kind, name, "external", "name")),
                    f'{singular} "{name}" sets name: "{current}" and the deprecated '
                    f'external.name: "{legacy}", which disagree, so Compose refuses the project: '
                    f'keep only name: "{current}" and write external: true',
                )
        if kind != "volumes":
            continue  # Compose 2.40 ignores other attributes of external networks, secrets...
        for key in spec:
            if key in _EXTERNAL_KEYS or (isinstance(key, str) and key.startswith("x-")):
                continue
            yield (
                view.key_loc((kind, name, key)),
                f'volume "{name}" is external, so Compose only looks it up by name and refuses '
                f'"{key}" beside it: delete {key}: (set it where the volume is created, e.g. '
                "docker volume create) or drop external: to let Compose create the volume",
            )


@rule(
    "CL111",
    "external-with-attributes",
    Severity.ERROR,
    "An external volume sets attributes Compose refuses, or a name contradicting external.name.",
)
def external_with_attributes(project: Project) -> Found:
    view = _view(project)
    if view is None:
        return
    for kind in _RESOURCE_SECTIONS:
        yield from _external_problems(project, view, kind)


# -- dependency graph -----------------------------------------------------------------


def _components(order: list[str], edges: dict[str, list[tuple[str, _Ref]]]) -> list[list[str]]:
    """Strongly connected components (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in order:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, pos = work.pop()
            if pos == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            successors = edges.get(node, [])
            recurse = False
            while pos < len(successors):
                nxt = successors[pos][0]
                pos += 1
                if nxt not in index:
                    work.append((node, pos))
                    work.append((nxt, 0))
                    recurse = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if recurse:
                continue
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                found.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def _cycle(
    start: str, members: set[str], edges: dict[str, list[tuple[str, _Ref]]]
) -> tuple[list[str], _Ref] | None:
    """The shortest cycle through `start` inside one component, and the edge closing it."""
    parent: dict[str, tuple[str, _Ref] | None] = {start: None}
    queue = [start]
    for node in queue:
        for target, ref in edges.get(node, []):
            if target == start:
                chain = [node]
                while parent[chain[-1]] is not None:
                    chain.append(parent[chain[-1]][0])  # type: ignore[index]
                return list(reversed(chain)) + [start], ref
            if target in members and target not in parent:
                parent[target] = (node, ref)
                queue.append(target)
    return None


@rule(
    "CL112",
    "depends-on-cycle",
    Severity.ERROR,
    "Services depend on each other in a cycle (depends_on, links, volumes_from, service:...).",
)
def depends_on_cycle(project: Project) -> Found:
    if project.partial:
        return
    by_name = {s.name: s for s in project.services}
    order = [s.name for s in project.services]
    edges: dict[str, list[tuple[str, _Ref]]] = {}
    for service, ref in _all_refs(project):
        if ref.dependency and ref.target in by_name:
            edges.setdefault(service.name, []).append((ref.target, ref))
    position = {name: i for i, name in enumerate(order)}
    components = _components(order, edges)
    for component in sorted(components, key=lambda c: min(position[n] for n in c)):
        start = min(component, key=position.__getitem__)
        found = _cycle(start, set(component), edges)
        if found is None:
            continue
        chain, closing = found
        text = " -> ".join(chain)
        if len(chain) == 2:
            problem = f'service "{start}" depends on itself ({closing.via})'
        else:
            problem = f"dependency cycle {text}"
        yield (
            _ref_loc(by_name[closing.source], closing),
            f"{problem}: Compose cannot tell which service to start first and refuses the "
            f'project; break the cycle, e.g. remove "{closing.target}" from {closing.via} of '
            f'service "{closing.source}"',
        )


# -- container names, profiles --------------------------------------------------------


def _exclusive(a: Service, b: Service) -> bool:
    """True when no profile enables both: each has profiles and they share none."""
    return bool(a.profiles) and bool(b.profiles) and not set(a.profiles) & set(b.profiles)


@rule(
    "CL113",
    "duplicate-container-name",
    Severity.ERROR,
    "Two services set the same `container_name`.",
)
def duplicate_container_name(project: Project) -> Found:
    if project.partial:
        return
    seen: dict[str, list[Service]] = {}
    for service in project.services:
        name = _resolved(service.data.get("container_name"), project.env)
        if not name:
            continue
        owners = seen.setdefault(name, [])
        clash = next((s for s in owners if not _exclusive(s, service)), None)
        owners.append(service)
        if clash is None:
            continue
        where = service.file.loc(service.path + ("container_name",))
        if where == clash.file.loc(clash.path + ("container_name",)) and "extends" in service.data:
            where = service.file.key_loc(service.path + ("extends",))  # inherited
        yield (
            where,
            f'service "{service.name}" sets container_name "{name}", which service '
            f'"{clash.name}" already uses; container names are unique per Docker host, so '
            "Compose refuses the project: rename one of them or delete container_name to let "
            "Compose name the container",
        )


@rule(
    "CL118",
    "profile-dependency",
    Severity.ERROR,
    "A service depends on a service that its profiles do not enable.",
)
def profile_dependency(project: Project) -> Found:
    if project.partial:
        return
    by_name = {s.name: s for s in project.services}
    for service, ref in _all_refs(project):
        target = by_name.get(ref.target)
        if target is None or not target.profiles or not ref.required:
            continue
        only = f"which only runs with profile {_quoted(target.profiles)}"
        if not service.profiles:
            problem = (
                f'service "{service.name}" has no profiles, so it always runs, but it '
                f"{ref.verb()}, {only}: with no profile active Compose refuses the project"
            )
            fix = (
                f'delete the profiles of "{target.name}" or give "{service.name}" that profile too'
            )
        elif _exclusive(service, target):
            problem = (
                f'{ref.describe()}, {only}, while "{service.name}" runs with profile '
                f"{_quoted(service.profiles)}: activating one profile without the other makes "
                "Compose refuse the project"
            )
            fix = f'give "{target.name}" one of the profiles of "{service.name}"'
        else:
            continue
        if ref.via == "depends_on":
            fix = (
                f'mark the dependency required: false if "{service.name}" can run without it, {fix}'
            )
        yield _ref_loc(service, ref), f"{problem}; {fix}"


# -- values Compose parses ------------------------------------------------------------


def _engine_policy(name: str) -> str | None:
    """The engine's restart policy for a Compose name (Compose maps the deploy
    spellings none/any); None when the engine knows no such policy."""
    mapped = {"none": "no", "any": "always"}.get(name, name)
    return mapped if mapped in ("no", "always", "on-failure", "unless-stopped") else None


def _go_atoi(text: str) -> int | None:
    body = text[1:] if text[:1] in ("+", "-") else text
    if not body or not set(body) <= _DIGITS:
        return None
    return int(text)


_RESTART_FIX = 'use one of "no", "always", "on-failure", "on-failure:N" or "unless-stopped"'


def _restart_problem(value: str) -> str | None:
    """Why the engine refuses a `restart:` value; None if it takes it."""
    parts = value.split(":")
    name = parts[0]
    count = (_go_atoi(parts[1]) or 0) if len(parts) > 1 else 0
    policy = _engine_policy(name)
    if policy is None:
        return f'the Docker engine knows no restart policy "{name}"; {_RESTART_FIX}'
    if count and policy != "on-failure":
        return (
            f'a retry count only goes with "on-failure", so "{policy}" with {count} is refused; '
            f'write "on-failure:{count}" or drop ":{parts[1]}"'
        )
    if count < 0:
        return (
            'the retry count cannot be negative; write "on-failure" or "on-failure:N" with N >= 0'
        )
    return None


@rule(
    "CL114",
    "invalid-restart-policy",
    Severity.ERROR,
    "`restart` or `deploy.restart_policy.condition` is not a policy Docker knows.",
)
@_deduplicated
def invalid_restart_policy(project: Project) -> Found:
    up_only = (
        "docker compose config accepts it, but docker compose up fails to create the container"
    )
    for service in project.services:
        data = service.data
        deploy = data.get("deploy")
        policy = deploy.get("restart_policy") if isinstance(deploy, dict) else None
        if isinstance(policy, dict):
            # Compose lets deploy.restart_policy replace `restart` entirely.
            here = service.path + ("deploy", "restart_policy")
            condition = _resolved(policy.get("condition"), project.env)
            attempts = policy.get("max_attempts")
            count = (
                attempts if isinstance(attempts, int) and not isinstance(attempts, bool) else None
            )
            if isinstance(attempts, str):
                count = _go_atoi(_resolved(attempts, project.env) or "")
            if condition:
                mapped = _engine_policy(condition)
                if mapped is None:
                    yield (
                        service.file.loc(here + ("condition",)),
                        f'service "{service.name}": restart_policy condition "{condition}" is '
                        f'not one Compose knows ({up_only}); use "none", "on-failure" or "any"',
                    )
                elif count and mapped != "on-failure":
                    yield (
                        service.file.loc(here + ("max_attempts",)),
                        f'service "{service.name}": max_attempts only works with condition '
                        f'"on-failure", and with "{condition}" the engine refuses it ({up_only}); '
                        "set condition: on-failure or delete max_attempts",
                    )
            continue
        raw = data.get("restart")
        value = _resolved(raw, project.env)
        if not value:
            continue
        problem = _restart_problem(value)
        if problem is not None:
            yield (
                service.file.loc(service.path + ("restart",)),
                f'service "{service.name}": restart {_written(raw, value)} is invalid: {problem} '
                f"({up_only})",
            )


# Go's time.ParseDuration units, plus the d and w that Compose's parser adds.
_NS_PER_UNIT = {
    "ns": 1,
    "us": 10**3,
    "µs": 10**3,  # U+00B5 micro sign
    "μs": 10**3,  # U+03BC Greek mu
    "ms": 10**6,
    "s": 10**9,
    "m": 60 * 10**9,
    "h": 3600 * 10**9,
    "d": 86400 * 10**9,
    "w": 7 * 86400 * 10**9,
}


def _digits_at(text: str, start: int) -> int:
    end = start
    while end < len(text) and text[end] in _DIGITS:
        end += 1
    return end


def duration_problem(text: str) -> str | None:
    """Why Compose refuses `text` as a duration (Go's time.ParseDuration grammar
    with d and w added); None when it accepts it."""
    rest = text
    negative = rest[:1] == "-"
    if rest[:1] in ("+", "-"):
        rest = rest[1:]
    if rest == "0":
        return None
    if not rest:
        return "it is empty"
    total = Fraction(0)
    while rest:
        end = _digits_at(rest, 0)
        whole, fraction = rest[:end], ""
        if end < len(rest) and rest[end] == ".":
            stop = _digits_at(rest, end + 1)
            fraction, end = rest[end + 1 : stop], stop
        if not whole and not fraction:
            return f'"{rest}" does not start with a number'
        rest = rest[end:]
        stop = 0
        while stop < len(rest) and rest[stop] != "." and rest[stop] not in _DIGITS:
            stop += 1
        unit, rest = rest[:stop], rest[stop:]
        if not unit:
            return "a number has no unit"
        if unit not in _NS_PER_UNIT:
            return f'"{unit}" is not a unit'
        amount = int(whole or "0") + (
            Fraction(int(fraction), 10 ** len(fraction)) if fraction else 0
        )
        total += amount * _NS_PER_UNIT[unit]
    if total > (2**63 if negative else 2**63 - 1):
        return "it is longer than the about 292 years a duration can hold"
    return None


_DURATION_KEYS: tuple[tuple[str, ...], ...] = (
    ("healthcheck", "interval"),
    ("healthcheck", "timeout"),
    ("healthcheck", "start_period"),
    ("healthcheck", "start_interval"),
    ("stop_grace_period",),
    ("deploy", "update_config", "delay"),
    ("deploy", "update_config", "monitor"),
    ("deploy", "rollback_config", "delay"),
    ("deploy", "rollback_config", "monitor"),
    ("deploy", "restart_policy", "delay"),
    ("deploy", "restart_policy", "window"),
)


def _dig(data: Any, keys: tuple[str | int, ...]) -> Any:
    for key in keys:
        if isinstance(data, dict):
            data = data.get(key)
        elif isinstance(data, list) and isinstance(key, int) and key < len(data):
            data = data[key]
        else:
            return None
    return data


def _schema_accepts(value: Any, key: str) -> bool:
    """Whether the schema (CL003) lets a literal `value` of service key `key` pass:
    what it rejects is CL003's to report."""
    from compose_lint.schema import is_valid

    return is_valid({"services": {"probe": {"image": "probe", key: value}}})


def _parsed_values(
    service: Service, keys: Iterable[tuple[str | int, ...]], probe: str, env: Mapping[str, str]
) -> Iterator[tuple[YamlPath, Any, str]]:
    """(path, value as written, value after interpolation) of each string at
    `keys` that CL003 does not already report."""
    for keys_path in keys:
        raw = _dig(service.data, keys_path)
        if not isinstance(raw, str):
            continue
        if interpolation.has_interpolation(raw):
            value = interpolation.substitute(raw, env)
            if value is None:
                continue
        elif not _schema_accepts(raw, probe):
            continue
        else:
            value = raw.replace("$$", "$")
        yield service.path + keys_path, raw, value


@rule(
    "CL115",
    "invalid-duration",
    Severity.ERROR,
    "A duration (healthcheck interval, stop_grace_period...) that Compose cannot parse.",
)
@_deduplicated
def invalid_duration(project: Project) -> Found:
    for service in project.services:
        for path, raw, value in _parsed_values(
            service, _DURATION_KEYS, "stop_grace_period", project.env
        ):
            problem = duration_problem(value)
            if problem is None:
                continue
            key = ".".join(str(p) for p in path[2:])
            yield (
                service.file.loc(path),
                f'service "{service.name}": {key} {_written(raw, value)} is not a duration '
                f"Compose accepts ({problem}), so it refuses the project; write a number with a "
                "unit, like 30s, 1m30s or 2h (units: ns, us, ms, s, m, h, d, w)",
            )


_DECIMAL = re.compile(r"(?:[0-9_]+\.?[0-9_]*|\.[0-9_]+)(?:[eE][+-]?[0-9_]+)?")
_HEXADECIMAL = re.compile(r"0[xX](?:[0-9a-fA-F_]+\.?[0-9a-fA-F_]*|\.[0-9a-fA-F_]+)[pP][+-]?[0-9_]+")


def _go_float(text: str) -> float | None:
    """Go's strconv.ParseFloat for the decimal and hexadecimal forms; None when
    it fails (including a value out of range). Infinity and NaN are left out:
    go-units only hands it text ending in a digit or a dot."""
    body = text[1:] if text[:1] in ("+", "-") else text
    if not _underscores_ok(body):
        return None
    clean = body.replace("_", "")
    try:
        if _HEXADECIMAL.fullmatch(body):
            number = float.fromhex(clean)
        elif _DECIMAL.fullmatch(body) and any(c in _DIGITS for c in clean.partition("e")[0]):
            number = float(clean)
        else:
            return None
    except (ValueError, OverflowError):
        return None
    if number in (float("inf"), float("-inf")):
        return None
    return -number if text.startswith("-") else number


def _underscores_ok(text: str) -> bool:
    """Go's rule: an underscore only between digits (or after a base prefix)."""
    if "_" not in text:
        return True
    saw = "^"
    start = 0
    hexadecimal = False
    if len(text) >= 2 and text[0] == "0" and text[1] in "xXbBoO":
        start, saw, hexadecimal = 2, "0", text[1] in "xX"
    for char in text[start:]:
        if char in _DIGITS or (hexadecimal and char.lower() in "abcdef"):
            saw = "0"
        elif char == "_":
            if saw != "0":
                return False
            saw = "_"
        else:
            if saw == "_":
                return False
            saw = "!"
    return saw != "_"


_SIZE_UNITS = frozenset("kmgtp")


def size_problem(text: str) -> str | None:
    """Why Compose refuses `text` as a byte size (go-units RAMInBytes); None
    when it accepts it."""
    sep = max(text.rfind(c) for c in "0123456789. ")
    if sep < 0:
        return "it has no number"
    if text[sep] == " ":
        number, suffix = text[:sep], text[sep + 1 :]
    else:
        number, suffix = text[: sep + 1], text[sep + 1 :]
    size = _go_float(number)
    if size is None:
        return f'"{number}" is not a number'
    if size < 0:
        return "it is negative"
    if not suffix:
        return None
    lowered = suffix.lower()
    bad = f'"{suffix}" is not a unit'
    if len(lowered) > 3:
        return bad
    if lowered[0] == "b":
        return bad if len(lowered) > 1 else None
    if lowered[0] not in _SIZE_UNITS:
        return bad
    if (len(lowered) == 2 and lowered[1] != "b") or (len(lowered) == 3 and lowered[1:] != "ib"):
        return bad
    return None


_SIZE_KEYS: tuple[tuple[str, ...], ...] = (
    ("mem_limit",),
    ("mem_reservation",),
    ("memswap_limit",),
    ("mem_swappiness",),
    ("shm_size",),
    ("build", "shm_size"),
    ("deploy", "resources", "limits", "memory"),
    ("deploy", "resources", "reservations", "memory"),
)


def _size_keys(service: Service) -> list[tuple[str | int, ...]]:
    keys: list[tuple[str | int, ...]] = list(_SIZE_KEYS)
    volumes = service.data.get("volumes")
    if isinstance(volumes, list):
        keys.extend(
            ("volumes", i, "tmpfs", "size") for i, v in enumerate(volumes) if isinstance(v, dict)
        )
    blkio = service.data.get("blkio_config")
    if isinstance(blkio, dict):
        for key in ("device_read_bps", "device_write_bps"):
            rates = blkio.get(key)
            if isinstance(rates, list):
                keys.extend(("blkio_config", key, i, "rate") for i in range(len(rates)))
    return keys


@rule(
    "CL116",
    "invalid-byte-size",
    Severity.ERROR,
    "A byte size (mem_limit, shm_size, memory...) that Compose cannot parse.",
)
@_deduplicated
def invalid_byte_size(project: Project) -> Found:
    for service in project.services:
        for path, raw, value in _parsed_values(
            service, _size_keys(service), "shm_size", project.env
        ):
            problem = size_problem(value)
            if problem is None:
                continue
            key = ".".join(str(p) for p in path[2:])
            yield (
                service.file.loc(path),
                f'service "{service.name}": {key} {_written(raw, value)} is not a byte size '
                f"Compose accepts ({problem}), so it refuses the project; write a number of "
                "bytes with an optional unit b, k, m, g, t or p (kb/kib, mb/mib... also work), "
                "e.g. 512m or 2g",
            )


def _port_number(text: str) -> int | None:
    """Go's strconv.ParseUint(text, 10, 16)."""
    if not text or not set(text) <= _DIGITS:
        return None
    value = int(text)
    return value if value <= 65535 else None


def _port_range(text: str) -> tuple[int, int] | None:
    if "-" not in text:
        port = _port_number(text)
        return None if port is None else (port, port)
    parts = text.split("-")
    start, end = _port_number(parts[0]), _port_number(parts[1])
    if start is None or end is None or end < start:
        return None
    return start, end


def _valid_ip(text: str) -> bool:
    if "%" in text:
        return False  # Go's net.ParseIP takes no zone
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


_PORT_FORM = "[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]"


def port_problem(spec: str) -> str | None:
    """Why Compose refuses a short `ports:` entry; None when it accepts it."""
    parts = spec.split(":")
    host_ip, host_port = "", ""
    if len(parts) == 2:
        host_port = parts[0]
    elif len(parts) >= 3:
        host_ip, host_port = ":".join(parts[:-2]), parts[-2]
    container, _, protocol = parts[-1].partition("/")
    if not container:
        return f"it names no container port (the form is {_PORT_FORM})"
    protocol = (protocol or "tcp").lower()
    if protocol not in ("tcp", "udp", "sctp"):
        return f'"{protocol}" is not a protocol: use tcp, udp or sctp'
    if host_ip.startswith("["):
        if not host_ip.endswith("]") or host_ip.count("]") != 1:
            return f'"{host_ip}" is not a bracketed IPv6 address (the form is {_PORT_FORM})'
        host_ip = host_ip[1:-1]
    if host_ip and not _valid_ip(host_ip):
        return f'"{host_ip}" is not an IP address (the form is {_PORT_FORM})'
    target = _port_range(container)
    if target is None:
        return f'"{container}" is not a port or range of ports 0-65535'
    if host_port:
        published = _port_range(host_port)
        if published is None:
            return f'"{host_port}" is not a port or range of ports 0-65535'
        if target[0] != target[1] and target[1] - target[0] != published[1] - published[0]:
            return (
                f'the container range "{container}" and the host range "{host_port}" differ '
                "in size: give both the same number of ports"
            )
    if target[0] == 0:
        return "the container port is 0: name the port the container listens on"
    return None


@rule(
    "CL117",
    "invalid-port-spec",
    Severity.ERROR,
    "A `ports` entry that Compose cannot parse (bad range, port > 65535, bad IP or protocol).",
)
@_deduplicated
def invalid_port_spec(project: Project) -> Found:
    for service in project.services:
        ports = service.data.get("ports")
        if not isinstance(ports, list):
            continue
        for i, item in enumerate(ports):
            path = service.path + ("ports", i)
            if isinstance(item, dict):
                raw = item.get("host_ip")
                host_ip = _resolved(raw, project.env)
                if host_ip and not _valid_ip(host_ip):
                    yield (
                        service.file.loc(path + ("host_ip",)),
                        f'service "{service.name}": host_ip {_written(raw, host_ip)} is not an IP '
                        "address, so Compose refuses the project; write an address such as "
                        "127.0.0.1 or ::1 (not a host name)",
                    )
                continue
            if isinstance(item, bool) or not isinstance(item, (int, str)):
                continue
            if isinstance(item, int):
                value = str(item)
            elif interpolation.has_interpolation(item):
                resolved = interpolation.substitute(item, project.env)
                if resolved is None:
                    # the host side is unknown, but a literal container side is still
                    # parsed: "${HOST}:80$$" fails on "80$"
                    container = _container_side(item)
                    if container is None or interpolation.has_interpolation(container):
                        continue
                    resolved = container.replace("$$", "$")
                value = resolved
            elif not _schema_accepts([item], "ports"):
                continue  # CL003 reports it
            else:
                value = item.replace("$$", "$")
            problem = port_problem(value)
            if problem is None:
                continue
            yield (
                service.file.loc(path),
                f'service "{service.name}": port {_written(item, value)} is invalid, so Compose '
                f"refuses the project: {problem}",
            )


def _container_side(spec: str) -> str | None:
    """The part of a short port spec after its last colon outside `${...}`."""
    depth, cut = 0, -1
    for i, char in enumerate(spec):
        if char == "{" and spec[i - 1 : i] == "$":
            depth += 1
        elif char == "}" and depth:
            depth -= 1
        elif char == ":" and not depth:
            cut = i
    return spec[cut + 1 :] if cut >= 0 else None


# -- volume short syntax ----------------------------------------------------------------


def volume_problem(spec: str) -> str | None:
    """Why Compose cannot parse a short `volumes` entry (SOURCE:TARGET[:OPTIONS]), or None.

    Compose reads it left to right, splitting at colons, except that a single
    letter followed by a colon is a Windows drive (`C:`); options it does not
    know are ignored."""
    if not spec:
        return 'the entry is empty; write "SOURCE:TARGET" or a container path'
    if len(spec) <= 2:
        return None
    fields: list[str] = []
    buffer = ""
    for char in spec + "\0":
        if char == ":" and len(buffer) == 1 and buffer.isalpha():
            buffer += char  # a Windows drive letter
        elif char in (":", "\0"):
            if not buffer:
                return f'"{spec}" has an empty section between colons'
            if char == ":" and len(fields) == 2:
                return f'"{spec}" has too many colons: write SOURCE:TARGET:OPTIONS'
            fields.append(buffer)
            buffer = ""
        else:
            buffer += char
    return None


@rule(
    "CL122",
    "invalid-volume-spec",
    Severity.ERROR,
    "A short `volumes` entry that Compose cannot parse (empty, empty section, too many colons).",
)
@_deduplicated
def invalid_volume_spec(project: Project) -> Found:
    for service in project.services:
        volumes = service.data.get("volumes")
        if not isinstance(volumes, list):
            continue
        for i, item in enumerate(volumes):
            if not isinstance(item, str):
                continue
            value = _resolved(item, project.env)
            shown = f'"{item}"' if value is None else _written(item, value)
            # A variable only the shell can set stands for a non-empty text: it can
            # add colons but never remove one, so the literal colons alone can
            # already make too many sections or an empty one.
            if value is None:
                value = interpolation.substitute(item, project.env, unknown="xx")
            if value is None:
                continue  # malformed: CL005 reports it
            problem = volume_problem(value)
            if problem is not None:
                yield (
                    service.file.loc(service.path + ("volumes", i)),
                    f'service "{service.name}": volume {shown} is invalid, so '
                    f"Compose refuses the project: {problem}",
                )


# -- interpolation --------------------------------------------------------------------


def _unmet(text: str, env: Mapping[str, str]) -> Iterator[interpolation.Reference]:
    """`${VAR:?...}`/`${VAR?...}` references that `env` leaves unsatisfied. Compose
    evaluates every nested expression, even a default it does not use, so a
    reference counts wherever it is nested."""
    try:
        found = interpolation.references(text)
    except interpolation.InterpolationError:
        return  # CL005 reports it
    for ref in found:
        value = env.get(ref.name)
        if (ref.op == ":?" and not value) or (ref.op == "?" and value is None):
            yield ref


@rule(
    "CL119",
    "required-variable-unset",
    Severity.INFO,
    "A `${VAR:?error}` variable that the project's .env does not set.",
)
def required_variable_unset(project: Project) -> Found:
    for compose in project.compose_files:
        env = compose.interpolation_env
        for path, text in compose.interpolated():
            if "${" not in text:
                continue
            for ref in _unmet(text, env):
                empty = ref.op == ":?" and ref.name in env
                state = "sets it to an empty value" if empty else "does not set it"
                need = "set to a non-empty value" if ref.op == ":?" else "set"
                yield (
                    compose.loc(path),
                    f'"${{{ref.name}{ref.op}...}}" requires variable {ref.name}, and the '
                    f"project's .env {state}: Compose refuses to load the project unless "
                    f"{ref.name} is {need} in the shell; add {ref.name}=... to .env, or make "
                    "sure every environment that runs this project exports it",
                )


# -- include / extends ----------------------------------------------------------------

_RESOURCE_KINDS = frozenset({"services", "networks", "volumes", "secrets", "configs"})


def _problem_fix(kind: str, message: str) -> str:
    """How to fix a problem the loader recorded, judged from its message."""
    if "does not exist" in message:
        return "correct the path (relative to the file that names it) or create the file"
    if "cycle" in message:
        return f"remove the {kind} that leads back"
    if "defined both" in message:
        return "rename one of them or delete one of the two definitions"
    if "not define" in message:
        return "correct the service name or define that service"
    return f"fix the {kind} so that Compose can load it"


def _model_problems(project: Project, kind: str) -> Found:
    view = _view(project)
    if view is None:
        return
    services = _section(project, "services")
    for problem in project.problems:
        if problem.kind != kind:
            continue
        path = problem.path
        at_key = len(path) == 2 and path[0] in _RESOURCE_KINDS
        loc = view.key_loc(path) if at_key else view.loc(path)
        if problem.where is not None:
            loc = problem.where
        fix = _problem_fix(kind, problem.message)
        named = _dig(view.data, path)
        spec = _dig(view.data, path[:3])
        same_file = not (isinstance(spec, dict) and "file" in spec)
        if kind == "extends" and isinstance(named, str) and same_file and named not in services:
            fix = fix.replace(
                "the service name", f"the service name{_did_you_mean(named, services)}"
            )
        yield loc, f"{problem.message.rstrip('.')}; {fix}"


@rule(
    "CL120",
    "invalid-include",
    Severity.ERROR,
    "An `include` that Compose cannot load (missing file, cycle, conflicting resources).",
)
def invalid_include(project: Project) -> Found:
    yield from _model_problems(project, "include")


@rule(
    "CL121",
    "invalid-extends",
    Severity.ERROR,
    "An `extends` that Compose cannot resolve (unknown service, missing file, cycle).",
)
def invalid_extends(project: Project) -> Found:
    yield from _model_problems(project, "extends")
