"""What the compose rules need to know about a project's services, computed once.

`facts(project, service)` gives a `ServiceFacts`, built the first time a rule asks
and kept with the project, so the references, replica count, published host ports,
durations and byte sizes of a service are read once however many rules look at
them. Values are read after interpolation with the project's `.env` (through
`compose_lint.model.values`); a value interpolation leaves unknown is left out.

Public names:
  view, section            the merged compose model and its top-level mappings
  Names, closest           the defined name closest to a misspelt one (capped effort)
  once                     one finding per written place (values inherited by `extends`)
  Ref                      one place where a service names another service
  Count                    how many containers a service runs, and where that is said
  HostPorts                the host side of one published port
  Written                  a value at a path: as written and once interpolated
  ServiceFacts, facts      the facts above (and `expose:`, networks, volumes, mounts,
                           secrets, the entries of list keys, host namespaces shared)
                           for one service, cached per project
  exclusive                two services that no profile enables together
  Undefined, undefined     names of networks, volumes, secrets, configs used but not defined
  located_problems         the loader's `extends` / `include` problems, located, with a fix
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import cached_property
from typing import Any, NamedTuple, TypeVar

from compose_lint.findings import Location
from compose_lint.load import interpolation
from compose_lint.model import ComposeView, Port, Project, Service, YamlPath, values
from compose_lint.model.cache import per_project

_SHARED_NAMESPACES = ("network_mode", "ipc", "pid", "uts")
_SERVICE_PREFIX = "service:"
_CONTAINER_PREFIX = "container:"
# network modes in which Docker does not publish the service's own ports
_NO_PORTS_MODES = ("host", "none")
_SHARED_NAMESPACE = ("service:", "container:")
_RESOURCE_KINDS = frozenset({"services", "networks", "volumes", "secrets", "configs"})


# -- the merged model -----------------------------------------------------------------


def view(project: Project) -> ComposeView | None:
    """The merged compose model, when it is a mapping."""
    return (
        project.view if project.view is not None and isinstance(project.view.data, dict) else None
    )


def section(project: Project, kind: str) -> dict[Any, Any]:
    """A top-level mapping of the merged model (`services`, `networks`...), or {}."""
    merged = view(project)
    value = merged.data.get(kind) if merged is not None else None
    return value if isinstance(value, dict) else {}


def dig(data: Any, keys: tuple[str | int, ...]) -> Any:
    """The value at `keys` below `data`, or None."""
    for key in keys:
        if isinstance(data, dict):
            data = data.get(key)
        elif isinstance(data, list) and isinstance(key, int) and key < len(data):
            data = data[key]
        else:
            return None
    return data


class Names:
    """Defined names, and the one most like a misspelt name (difflib, cutoff 0.6).

    Comparing every misspelt name with every defined one is quadratic: a hostile
    file with thousands of each would take minutes. The comparisons one set of names
    may spend are capped (far above any real project), after which no name is
    suggested."""

    BUDGET = 200_000  # name comparisons

    def __init__(self, candidates: Iterable[Any]) -> None:
        self.names = [str(c) for c in candidates]
        self._spent = 0
        self._found: dict[str, str | None] = {}

    def closest(self, name: str) -> str | None:
        if name in self._found:
            return self._found[name]
        others = [n for n in self.names if n != name]
        self._spent += len(others)
        near = None
        if self._spent <= self.BUDGET:
            import difflib  # only when a name is misspelt

            close = difflib.get_close_matches(name, others, n=1, cutoff=0.6)
            near = close[0] if close else None
        self._found[name] = near
        return near


def closest(name: str, candidates: Iterable[Any]) -> str | None:
    """The candidate most like `name` (a likely misspelling), if one is close."""
    return Names(candidates).closest(name)


# a rule's (where, message) or (where, message, fix)
_Reported = TypeVar("_Reported", bound=tuple[Any, ...])


def once(found: Iterable[_Reported]) -> Iterator[_Reported]:
    """One finding per location: a value that several services inherit (through
    `extends`) is written, and fixed, in one place."""
    seen: set[Location] = set()
    for item in found:
        if item[0] not in seen:
            seen.add(item[0])
            yield item


def exclusive(a: Service, b: Service) -> bool:
    """True when no profile a user runs enables both: each has profiles and they share
    none, or one runs only behind a placeholder profile (`profiles: [none]` on a template
    that others extend, which Compose appends to theirs: `model.purpose`)."""
    from compose_lint.model.purpose import is_placeholder_profile

    real_a = {p for p in a.profiles if not is_placeholder_profile(p)}
    real_b = {p for p in b.profiles if not is_placeholder_profile(p)}
    if (a.profiles and not real_a) or (b.profiles and not real_b):
        return True  # never started by a run a user makes
    return bool(real_a) and bool(real_b) and not real_a & real_b


# -- references from one service to another ------------------------------------------


class Ref(NamedTuple):
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


def _references(service: Service, env: Mapping[str, str]) -> list[Ref]:
    data, here, name = service.data, service.path, service.name
    refs: list[Ref] = []
    depends = data.get("depends_on")
    if isinstance(depends, list):
        for i, item in enumerate(depends):
            target = values.resolved(item, env)
            if target is not None:
                refs.append(Ref(name, target, here + ("depends_on", i), False, "depends_on", True))
    elif isinstance(depends, dict):
        for key, spec in depends.items():
            optional = isinstance(spec, dict) and values.is_false(spec.get("required", True), env)
            refs.append(
                Ref(name, str(key), here + ("depends_on", key), True, "depends_on", not optional)
            )
    links = data.get("links")
    if isinstance(links, list):
        for i, item in enumerate(links):
            link = values.resolved(item, env)
            if link is not None:
                parts = link.split(":")
                target = parts[0] if len(parts) == 2 else link
                refs.append(Ref(name, target, here + ("links", i), False, "links", True))
    for key in _SHARED_NAMESPACES:
        mode = values.resolved(data.get(key), env)
        if mode and mode.startswith(_SERVICE_PREFIX):
            target = mode[len(_SERVICE_PREFIX) :]
            refs.append(Ref(name, target, here + (key,), False, key, True))
    volumes_from = data.get("volumes_from")
    if isinstance(volumes_from, list):
        for i, item in enumerate(volumes_from):
            spec = values.resolved(item, env)
            if spec is not None and not spec.startswith(_CONTAINER_PREFIX):
                target = spec.split(":")[0]
                refs.append(
                    Ref(name, target, here + ("volumes_from", i), False, "volumes_from", True)
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
        text = values.resolved(value, env)
        if text and text.startswith(_SERVICE_PREFIX):
            target = text[len(_SERVICE_PREFIX) :]
            path = here + ("build", "additional_contexts", key)
            refs.append(Ref(name, target, path, False, "additional_contexts", True))
    return refs


# -- how many containers, which host ports ----------------------------------------------


class Count(NamedTuple):
    """How many containers a service runs, and where the file says so."""

    value: int
    written: str  # 'scale: 3' or 'deploy.replicas: 3'


class HostPorts(NamedTuple):
    """The host side of one `ports:` entry, interpolated."""

    first: int
    last: int
    pool: bool  # a host range serving one container port: one free port per container
    binds: values.Binds  # (IP version, address or None for "any")
    protocol: str
    written: str | None  # the text as written, when it uses variables

    @property
    def size(self) -> int:
        return self.last - self.first + 1

    def text(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"

    def origin(self) -> str:
        """For messages: where the ports come from, when variables chose them."""
        if self.written is None:
            return ""
        return f' (from "{self.written}" with no variable set in the shell)'


def _interpolated(service: Service, port: Port, env: Mapping[str, str]) -> tuple[Port, str] | None:
    """`port` read again with its variables replaced (from .env and defaults),
    and the text as written; None when a variable has no known value."""
    raw_ports = service.data.get("ports")
    index = port.path[-1]
    if not isinstance(raw_ports, list) or not isinstance(index, int) or index >= len(raw_ports):
        return None
    raw = raw_ports[index]
    if isinstance(raw, str):
        text = interpolation.substitute(raw, env)
        reread = values.parse_port(text, port.path) if text is not None else None
        return (reread, raw) if reread is not None else None
    if isinstance(raw, dict):
        entry: dict[str, Any] = dict(raw)
        for key in ("published", "host_ip"):
            value = entry.get(key)
            if isinstance(value, str):
                substituted = interpolation.substitute(value, env)
                if substituted is None:
                    return None
                entry[key] = substituted
        reread = values.parse_port(entry, port.path)
        written = raw.get("published") if "$" in str(raw.get("published")) else raw.get("host_ip")
        return (reread, str(written)) if reread is not None else None
    return None


def _host_ports(service: Service, port: Port, env: Mapping[str, str]) -> HostPorts | None:
    written: str | None = None
    if any("$" in (part or "") for part in (port.published, port.host_ip)):
        reread = _interpolated(service, port, env)
        if reread is None:
            return None
        port, written = reread
    if port.published is None:
        return None
    host = values.host_range(port.published)
    binds = values.host_binds(port.host_ip)
    if host is None or binds is None:
        return None
    first, last = host
    pool = last > first and port.target_end == port.target
    return HostPorts(first, last, pool, binds, port.protocol.lower(), written)


# -- values at known keys ---------------------------------------------------------------


class Written(NamedTuple):
    """A string value at `path`: as written, and after interpolation."""

    path: YamlPath
    raw: Any
    value: str

    @property
    def key(self) -> str:
        """The dotted key below the service (`healthcheck.interval`)."""
        return ".".join(str(p) for p in self.path[2:])

    @property
    def shown(self) -> str:
        return values.shown(self.raw, self.value)


_DURATION_KEYS: tuple[tuple[str | int, ...], ...] = (
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
_SIZE_KEYS: tuple[tuple[str | int, ...], ...] = (
    ("mem_limit",),
    ("mem_reservation",),
    ("memswap_limit",),
    ("mem_swappiness",),
    ("shm_size",),
    ("build", "shm_size"),
    ("deploy", "resources", "limits", "memory"),
    ("deploy", "resources", "reservations", "memory"),
)


def schema_accepts(value: Any, key: str) -> bool:
    """Whether the schema (CL003) lets a literal `value` of service key `key` pass:
    what it rejects is CL003's to report."""
    from compose_lint.schema import is_valid

    return is_valid({"services": {"probe": {"image": "probe", key: value}}})


def _written_values(
    service: Service, keys: Iterable[tuple[str | int, ...]], probe: str, env: Mapping[str, str]
) -> list[Written]:
    """Each string at `keys` that CL003 does not already report, interpolated."""
    found: list[Written] = []
    for keys_path in keys:
        raw = dig(service.data, keys_path)
        if not isinstance(raw, str):
            continue
        if interpolation.has_interpolation(raw):
            value = interpolation.substitute(raw, env)
            if value is None:
                continue
        elif not schema_accepts(raw, probe):
            continue
        else:
            value = raw.replace("$$", "$")
        found.append(Written(service.path + keys_path, raw, value))
    return found


# -- the facts of one service -----------------------------------------------------------


class ServiceFacts:
    """What the compose rules read of one service, each computed on first use."""

    def __init__(self, service: Service, env: Mapping[str, str]) -> None:
        self.service = service
        self.env = env

    @cached_property
    def references(self) -> list[Ref]:
        """Every service name this service refers to, in the order written."""
        return _references(self.service, self.env)

    @cached_property
    def replicas(self) -> Count | None:
        """The container count from `scale` / `deploy.replicas` (the larger); None
        when neither is set or a set one cannot be known (an unset variable)."""
        data = self.service.data
        found: list[Count] = []
        if "scale" in data and data["scale"] is not None:
            value = values.count(data["scale"], self.env)
            if value is None:
                return None
            found.append(Count(value, f"scale: {value}"))
        deploy = data.get("deploy")
        if isinstance(deploy, dict) and deploy.get("replicas") is not None:
            value = values.count(deploy["replicas"], self.env)
            if value is None:
                return None
            found.append(Count(value, f"deploy.replicas: {value}"))
        return max(found, key=lambda c: c.value) if found else None

    @cached_property
    def publishes(self) -> bool:
        """False when Docker ignores or refuses the service's `ports:` (host network,
        no network, or another container's network namespace)."""
        mode = self.service.data.get("network_mode")
        if not isinstance(mode, str):
            return True
        mode = mode.strip().lower()
        return mode not in _NO_PORTS_MODES and not mode.startswith(_SHARED_NAMESPACE)

    @cached_property
    def proxied(self) -> str | None:
        """The reverse proxy whose labels route requests to the service ("traefik"
        for `traefik.http.routers.<name>.rule`, unless `traefik.enable` is false):
        reached from outside although it publishes no port."""
        labels = {e.name: e.value for e in values.parse_env(self.service.data.get("labels"), ())}
        if values.is_false(labels.get("traefik.enable"), self.env):
            return None
        routers = ("traefik.http.routers.", "traefik.tcp.routers.")
        return "traefik" if any(n.startswith(routers) for n in labels) else None

    @cached_property
    def reachable_ports(self) -> list[Port]:
        """The `ports:` entries others than the host itself can reach: all of them but
        those bound to a loopback address (`127.0.0.1:5432:5432`, `[::1]:...`, also when
        `.env` or a default gives the address); none when Docker publishes no port."""
        if not self.publishes:
            return []
        found = []
        for port in self.service.ports:
            address = port.host_ip
            if address is not None and "$" in address:
                reread = _interpolated(self.service, port, self.env)
                address = reread[0].host_ip if reread is not None else None
            if values.loopback_only(address) is not True:
                found.append(port)
        return found

    @cached_property
    def host_ports(self) -> list[tuple[Port, HostPorts]]:
        """Each published port with the fixed host ports it pins or draws from
        (entries publishing no fixed host port, `"5000"` or `"0:5000"`, or whose
        host side cannot be known, are left out)."""
        found = ((port, _host_ports(self.service, port, self.env)) for port in self.service.ports)
        return [(port, host) for port, host in found if host is not None]

    @cached_property
    def mounts(self) -> list[values.Mount]:
        """Each `volumes:` entry, short or long syntax, interpolated (`values.Mount`);
        entries a variable leaves unknown are left out."""
        raw = self.service.data.get("volumes")
        return values.parse_mounts(raw, self.service.path + ("volumes",), self.env)

    def shares_host(self, key: str) -> bool:
        """Whether `key` (`network_mode`, `pid`, `ipc`, `uts`, `userns_mode`) is `host`
        once interpolated: the service shares that namespace with the host."""
        mode = values.resolved(self.service.data.get(key), self.env)
        return mode is not None and mode.strip().lower() == "host"

    def entries(self, key: str) -> list[Written]:
        """The string entries of a list key (`cap_add`, `cap_drop`, `security_opt`,
        `devices`), each interpolated; entries a variable leaves unknown are left out."""
        raw = self.service.data.get(key)
        if not isinstance(raw, list):
            return []
        found: list[Written] = []
        for i, item in enumerate(raw):
            value = values.resolved(item, self.env)
            if value is not None:
                found.append(Written(self.service.path + (key, i), item, value))
        return found

    @cached_property
    def durations(self) -> list[Written]:
        """Healthcheck intervals, stop_grace_period, deploy delays..."""
        return _written_values(self.service, _DURATION_KEYS, "stop_grace_period", self.env)

    @cached_property
    def sizes(self) -> list[Written]:
        """mem_limit, shm_size, tmpfs sizes, blkio rates..."""
        keys: list[tuple[str | int, ...]] = list(_SIZE_KEYS)
        data = self.service.data
        volumes = data.get("volumes")
        if isinstance(volumes, list):
            keys.extend(
                ("volumes", i, "tmpfs", "size")
                for i, v in enumerate(volumes)
                if isinstance(v, dict)
            )
        blkio = data.get("blkio_config")
        if isinstance(blkio, dict):
            for key in ("device_read_bps", "device_write_bps"):
                rates = blkio.get(key)
                if isinstance(rates, list):
                    keys.extend(("blkio_config", key, i, "rate") for i in range(len(rates)))
        return _written_values(self.service, keys, "shm_size", self.env)

    @cached_property
    def expose(self) -> list[values.PortSpan] | None:
        """The service's own `expose:` entries; None when one cannot be read."""
        raw = self.service.data.get("expose")
        if not isinstance(raw, list):
            return []
        spans: list[values.PortSpan] = []
        for item in raw:
            if isinstance(item, bool) or not isinstance(item, (int, str)):
                return None
            span = values.parse_port_span(str(item))
            if span is None:
                return None
            spans.append(span)
        return spans

    def networks(self) -> Iterator[tuple[str, YamlPath, bool]]:
        """(name, path, written as a key) of each network the service joins."""
        networks = self.service.data.get("networks")
        here = self.service.path + ("networks",)
        if isinstance(networks, list):
            for i, item in enumerate(networks):
                name = values.resolved(item, self.env)
                if name is not None:
                    yield name, here + (i,), False
        elif isinstance(networks, dict):
            for key in networks:
                if isinstance(key, str) and "$" not in key:
                    yield key, here + (key,), True

    def named_volumes(self) -> Iterator[tuple[str, YamlPath]]:
        """(name, path) of each named volume the service mounts (short or long syntax)."""
        volumes = self.service.data.get("volumes")
        if not isinstance(volumes, list):
            return
        for i, item in enumerate(volumes):
            path: YamlPath = self.service.path + ("volumes", i)
            if isinstance(item, str):
                spec = values.resolved(item, self.env)
                source = values.volume_source(spec) if spec else None
                if not source or values.is_bind_source(source):
                    continue  # anonymous, a bind mount, or malformed (":/data")
            elif isinstance(item, dict):
                kind = values.resolved(item.get("type"), self.env)
                source = values.resolved(item.get("source"), self.env)
                if kind != "volume" or not source:
                    continue
                path = path + ("source",)
            else:
                continue
            yield source, path

    def bind_mounts(self) -> Iterator[tuple[str, str]]:
        """(host source as written, container target) of each bind mount of the service
        (short or long syntax), variables substituted; a relative source is relative
        to the folder of the compose file that writes it."""
        volumes = self.service.data.get("volumes")
        if not isinstance(volumes, list):
            return
        for item in volumes:
            if isinstance(item, str):
                spec = values.resolved(item, self.env)
                sections = values.volume_sections(spec) if spec else []
                if len(sections) >= 2 and values.is_bind_source(sections[0]):
                    yield sections[0], sections[1]
            elif isinstance(item, dict) and values.resolved(item.get("type"), self.env) == "bind":
                source = values.resolved(item.get("source"), self.env)
                target = values.resolved(item.get("target"), self.env)
                if source and target:
                    yield source, target

    def uses(self, kind: str) -> Iterator[tuple[str, YamlPath, str]]:
        """(name, path, "" or "build ") of each `secrets` or `configs` entry the
        service (or, for secrets, its build) uses, short or long syntax."""
        places: list[tuple[Any, YamlPath, str]] = [
            (self.service.data.get(kind), self.service.path + (kind,), "")
        ]
        build = self.service.data.get("build")
        if kind == "secrets" and isinstance(build, dict):
            places.append((build.get(kind), self.service.path + ("build", kind), "build "))
        for items, here, label in places:
            if not isinstance(items, list):
                continue
            for i, item in enumerate(items):
                if isinstance(item, dict):
                    name = values.resolved(item.get("source"), self.env)
                    path = here + (i, "source")
                else:
                    name = values.resolved(item, self.env)
                    path = here + (i,)
                if name is not None:
                    yield name, path, label


def facts(project: Project, service: Service) -> ServiceFacts:
    """The facts of `service`, computed once per project."""
    cache = _service_facts(project)
    found = cache.get(id(service))
    if found is None or found.service is not service:
        found = cache[id(service)] = ServiceFacts(service, project.env)
    return found


@per_project
def _service_facts(project: Project) -> dict[int, ServiceFacts]:
    """The facts of each service of `project` asked for so far, by id (a Service is
    not hashable)."""
    return {}


class Undefined(NamedTuple):
    """A name a service uses that the top-level section of its kind does not define."""

    service: Service
    name: str
    loc: Location
    label: str  # "" or "build " (a build secret)
    near: str | None  # the closest defined name, when one is close

    @property
    def hint(self) -> str:
        return f' (did you mean "{self.near}"?)' if self.near else ""

    @property
    def empty(self) -> str:
        """A note for a name that interpolation left empty."""
        return "" if self.name else " (the name is empty once interpolated: set its variable)"


def undefined(project: Project, kind: str) -> Iterator[Undefined]:
    """Each network, volume, secret or config (`kind`, plural) a service uses that the
    top-level `kind:` does not define, once per written place (`default` is always a
    network). Nothing on a fragment meant to be merged with other files."""
    if project.partial:
        return
    defined = section(project, kind)
    names = Names([*defined, "default"] if kind == "networks" else defined)
    seen: set[Location] = set()
    for service in project.services:
        known = facts(project, service)
        used: Iterable[tuple[str, Location, str]]
        if kind == "networks":
            used = (
                (name, service.file.key_loc(path) if at_key else service.file.loc(path), "")
                for name, path, at_key in known.networks()
                if name != "default"
            )
        elif kind == "volumes":
            used = ((name, service.file.loc(path), "") for name, path in known.named_volumes())
        else:
            used = ((name, service.file.loc(path), label) for name, path, label in known.uses(kind))
        for name, loc, label in used:
            if name in defined or loc in seen:
                continue
            seen.add(loc)
            yield Undefined(service, name, loc, label, names.closest(name))


def wanted(project: Project) -> set[tuple[str, str]]:
    """What `project` uses but leaves to other files: ("service", name) for a service
    with neither image nor build and for a depends_on target it does not define,
    ("network", name) for a network a service joins that its networks: does not define."""
    services = {s.name for s in project.services}
    networks = section(project, "networks")
    found: set[tuple[str, str]] = set()
    for service in project.services:
        known = facts(project, service)
        if service.image is None and service.build is None:
            found.add(("service", service.name))
        found.update(
            ("service", ref.target)
            for ref in known.references
            if ref.via == "depends_on" and ref.target not in services
        )
        found.update(
            ("network", name)
            for name, _, _ in known.networks()
            if name != "default" and name not in networks
        )
    return found


def offered(project: Project) -> set[tuple[str, str]]:
    """The services and networks `project` defines, in the shape of `wanted`."""
    return {("service", s.name) for s in project.services} | {
        ("network", name) for name in section(project, "networks")
    }


def all_references(project: Project) -> list[tuple[Service, Ref]]:
    """Every reference of every service to a service, in the order written."""
    return [(s, ref) for s in project.services for ref in facts(project, s).references]


def ref_loc(service: Service, ref: Ref) -> Location:
    """Where a reference is written (its key in the long depends_on syntax)."""
    return service.file.key_loc(ref.path) if ref.at_key else service.file.loc(ref.path)


# -- problems the loader met ------------------------------------------------------------


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


def located_problems(project: Project, kind: str) -> Iterator[tuple[Location, str]]:
    """The loader's problems of `kind` ("extends", "include"), each where it is
    written, worded with how to fix it."""
    merged = view(project)
    if merged is None:
        return
    services = section(project, "services")
    names = Names(services)
    for problem in project.problems:
        if problem.kind != kind:
            continue
        path = problem.path
        at_key = len(path) == 2 and path[0] in _RESOURCE_KINDS
        loc = merged.key_loc(path) if at_key else merged.loc(path)
        if problem.where is not None:
            loc = problem.where
        fix = _problem_fix(kind, problem.message)
        named = dig(merged.data, path)
        spec = dig(merged.data, path[:3])
        same_file = not (isinstance(spec, dict) and "file" in spec)
        if kind == "extends" and isinstance(named, str) and same_file and named not in services:
            near = names.closest(named)
            hint = f' (did you mean "{near}"?)' if near else ""
            fix = fix.replace("the service name", f"the service name{hint}")
        yield loc, f"{problem.message.rstrip('.')}; {fix}"
