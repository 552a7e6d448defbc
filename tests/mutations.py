"""Seeded mutations of real compose files, for the Compose conformance suite.

A mutation takes one compose file of the corpus and changes one thing in it: drops
or renames a key, gives a value the wrong type, writes a port, duration, byte size
or restart policy that may or may not be valid, breaks an interpolation, repeats a
key, moves a block to the wrong level, breaks the YAML itself... Many of the
changes are near misses that ARE valid (`"127.0.0.1:8080:80/udp"`, `1m30s`,
`on-failure:3`, `$${ESCAPED}`), so the suite catches false alarms as well as
missed errors. Whether a mutant is valid is not decided here: the oracles decide.

Everything is drawn from `random.Random(seed)`: the same bases and seed give the
same mutants, byte for byte. Structural changes are made on the data (read with
compose-lint's YAML 1.2 loader) and written back as block YAML; changes to the YAML
syntax itself (duplicate keys, tabs, anchors) are made on that text.
"""

from __future__ import annotations

import copy
import random
import re
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from compose_lint.load.yaml import YamlError, load_yaml

Data = dict[str, Any]
YamlPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Mutant:
    base: str  # the corpus file it was made from, relative to the corpus
    operator: str  # the operator that made it, e.g. "typo_key"
    label: str  # what changed, e.g. 'typo_key services.web.depends_on -> "depends-on"'
    text: str  # the compose file


# -- writing YAML back --------------------------------------------------------------


_Base: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's emitter when built


class _Dumper(_Base):  # type: ignore[misc,valid-type]
    """Block-style YAML that reads back identically under YAML 1.1 and 1.2 rules:
    a string that either version would take for a number, boolean or null is quoted."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
):
    _Dumper.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


def dump(data: Any) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=10_000,
    )


def load(text: str) -> Data | None:
    """The single document of a compose file as plain data, or None."""
    try:
        docs = load_yaml(text)
    except YamlError:
        return None
    if len(docs) != 1 or not isinstance(docs[0].data, dict):
        return None
    return docs[0].data


# -- what the operators draw from ---------------------------------------------------

SERVICE_KEYS = (
    "image", "build", "command", "entrypoint", "environment", "env_file", "ports",
    "expose", "volumes", "volumes_from", "networks", "network_mode", "depends_on",
    "links", "restart", "healthcheck", "deploy", "labels", "logging", "container_name",
    "hostname", "user", "working_dir", "stop_grace_period", "stop_signal", "ulimits",
    "cap_add", "cap_drop", "privileged", "read_only", "tty", "stdin_open", "init",
    "extra_hosts", "dns", "secrets", "configs", "profiles", "mem_limit", "shm_size",
    "cpus", "pull_policy", "tmpfs", "devices", "sysctls", "security_opt", "extends",
)  # fmt: skip

KNOWN_TYPOS = {
    "depends_on": ("depends-on", "depend_on", "dependson"),
    "environment": ("enviroment", "environments", "env"),
    "volumes": ("volume", "Volumes"),
    "ports": ("port", "Ports"),
    "network_mode": ("network-mode", "networkmode"),
    "healthcheck": ("health_check", "healthCheck"),
    "restart": ("restart_policy", "restarts"),
    "container_name": ("container-name", "containername"),
    "env_file": ("env-file", "envfile"),
    "services": ("service", "Services"),
    "networks": ("network",),
}

# Values for one field: near misses that Compose accepts and values it rejects,
# mixed on purpose (the oracles decide which is which).
PORTS = (
    80, "80", "8080:80", "127.0.0.1:8080:80", "[::1]:8080:80", "8080-8081:80-81",
    "80/udp", "8080:80/tcp", "53:53/udp", "${HOST_PORT}:80", "${HOST_PORT:-8080}:80",
    "0.0.0.0:${HOST_PORT:-80}:80", "9000-9002:9000-9002", "127.0.0.1::80", "8080:80/sctp",
    {"target": 80, "published": "8080"},
    {"target": 80, "published": 8080, "protocol": "udp", "host_ip": "127.0.0.1", "mode": "host"},
    {"target": 80, "published": "8080-8081"}, {"target": "80", "published": "8080"},
    {"name": "web", "target": 80, "app_protocol": "http"},
    "80:80:80:80", 70000, "70000:80", "8080:70000", "8000-8002:80-81", "80/xyz", "abc",
    "-1", "80:", ":80", "1.2.3.4:80:80:80", "8080:80/TCP", {"published": 8080},
    {"target": "eighty"}, {"target": 80, "protocol": "http"}, -5, 8.5, True, "80-79",
    "65536", "0", "8080:80/udp/tcp", {"target": 80, "published": "x"}, "[::1:80:80",
)  # fmt: skip
DURATIONS = (
    "30s", "1m30s", "1.5h", "500ms", "10us", "0", 0, "2h45m", "1d", "10", 10, "10 s",
    "-5s", "5x", "1h-30m", "", "+3s", "1m30", ".5s", "1e3s", "30S", "${INTERVAL:-30s}",
    "1µs", 1.5, "1w",
)  # fmt: skip
BYTE_SIZES = (
    "512m", "1g", "1gb", "512MB", 1073741824, "1.5g", "64k", "100", "1 g", "abc", "-1",
    "512mib", "10t", "0", "2G", "1kb", "64b", "1.5", "12e3", "5p", "${MEM:-1g}", -512,
    1.5, "512 mb", "1_000",
)  # fmt: skip
RESTARTS = (
    "no", "always", "on-failure", "on-failure:3", "unless-stopped", "sometimes",
    "on-failure:x", "on-failure:-1", "Always", "never", 3, True, False, "unless_stopped",
    "on-failure:", "${RESTART:-always}", "always:3", "", None,
)  # fmt: skip
RESTART_CONDITIONS = ("none", "on-failure", "any", "always", "unless-stopped", "", 1)
CPUS = (0.5, "0.5", "1", 2, "x", -1, "50%", "1.5.2", 0, "${CPUS:-1}", True, "1e1")
REPLICAS = (2, "2", -1, "two", 1.5, 0, "${REPLICAS:-2}", True, "1.0")
BOOLEANS = (True, False, "true", "false", "yes", "no", "on", "TRUE", "y", 1, 0, "maybe", None)
ENVIRONMENTS = (
    ["A=1", "B"], ["A=1", "A=2"], ["=x"], [{"A": 1}], {"A": 1, "B": None, "C": True},
    {"A": [1, 2]}, {"A": {"x": 1}}, "A=1", ["A=1", 5], {"A B": "x"}, {"": "x"}, [],
    {}, ["A=${B:-x}"], {"A": "${B:?B must be set}"}, {"A": 1.5},
)  # fmt: skip
HEALTHCHECK_TESTS = (
    ["CMD", "curl", "-f", "http://localhost"], "curl -f http://localhost",
    ["CMD-SHELL", "curl -f http://localhost || exit 1"], ["NONE"], ["curl", "-f", "x"],
    [], "", ["CMD"], 5, {"cmd": "x"}, ["CMD", 5],
)  # fmt: skip
PULL_POLICIES = (
    "always", "never", "missing", "build", "if_not_present", "daily", "weekly",
    "every_12h", "every_1d", "refresh", "sometimes", "every_x", "Always",
)  # fmt: skip
IMAGES = (
    "nginx", "nginx:1.27", "nginx@sha256:" + "a" * 64, "NGINX", "", "nginx:", "nginx:latest",
    "registry.example.com:5000/team/app:v1", "${IMAGE:-nginx}", 5, "a b",
)  # fmt: skip
COMMANDS = ("run", ["a", "b"], 5, {"a": 1}, None, [], "", ["a", 5], True)
EXTRA_HOSTS = (
    ["db:10.0.0.2"], ["db=10.0.0.2"], {"db": "10.0.0.2"}, ["db"], "db:10.0.0.2",
    {"db": ["10.0.0.2", "::1"]}, ["host.docker.internal:host-gateway"], [5],
)  # fmt: skip
ULIMITS = (
    {"nofile": {"soft": 1024, "hard": 2048}}, {"nofile": 65535}, {"nofile": "x"},
    {"nproc": "65535"}, {"nofile": {"soft": 1024}}, {"NOFILE": 5}, [1], {"nofile": -1},
)  # fmt: skip
USERS = (1000, "1000", "1000:1000", "app", "app:app", True, ["root"], "${UID}:${GID}")
LOGGING = (
    {"driver": "json-file", "options": {"max-size": "10m", "max-file": "3"}},
    {"driver": "json-file", "options": {"max-file": 3}}, {"options": {"x": [1]}},
    {"driver": 5}, {"drivers": "syslog"}, "json-file",
)  # fmt: skip
VOLUME_MODES = (
    "./data:/data", "/srv/data:/data:ro", "./data:/data:rw,z", "./data:/data:bogus",
    "/data", "./data:data", "::", "C:\\data:/data", "./data:/data:ro:extra", "",
    {"type": "bind", "source": "./data", "target": "/data"},
    {"type": "tmpfs", "target": "/tmp", "tmpfs": {"size": "64m"}},
    {"type": "weird", "target": "/x"}, {"type": "bind", "source": "./data"},
    {"type": "volume", "target": "/x", "volume": {"nocopy": True}}, {"target": "/x"},
    {"type": "bind", "source": "./data", "target": "/data", "bind": {"propagation": "x"}},
    "/srv/a:/a:ro:x", "/srv/a:", "/srv/a::/a", "./a:/a:ro - ./b:/b", ":/data", "data:/data",
)  # fmt: skip
NAMES = ("myapp", "My App", "my_app-2", "", "-app", "app.prod", "${PROJECT:-app}", 5)
VERSIONS = ("3.8", "3", 3, 3.8, "2.4", "4.0", "abc", "", None)
INTERPOLATIONS = (
    "${", "${VAR", "${VAR:x}", "${1VAR}", "${}", "$${ESCAPED}", "${VAR:-${OTHER}}",
    "${VAR:?VAR must be set}", "$VAR", "${VAR-}", "${VAR:+alt}", "${VAR/x/y}", "${VAR,,}",
    "${VAR:-${OTHER}", "${ VAR }", "$$", "$", "${VAR:-}", "${VAR-default}", "${VAR?}",
    "${VAR:0:2}", "${#VAR}", "${VAR:=x}", "$1", "${VAR}}", "${VAR:-a}b}", "$VAR_1.x",
    "${A${B}}", "${VAR:-$$}", "${VAR:-$OTHER}",
)  # fmt: skip
TYPOS_IN_VALUES = ("", " ", "\t", "null", "~")


# -- the operators ------------------------------------------------------------------


@dataclass
class _Ctx:
    rng: random.Random
    data: Data  # a private deep copy: operators may change it
    text: str  # the base written back by dump()

    def services(self) -> dict[str, Any]:
        services = self.data.get("services")
        return services if isinstance(services, dict) else {}

    def service(self) -> tuple[str, dict[str, Any]] | None:
        candidates = [(n, s) for n, s in self.services().items() if isinstance(s, dict)]
        return self.rng.choice(candidates) if candidates else None


Operator = Callable[[_Ctx], "tuple[str, Any] | None"]  # label, new data or text


def _dotted(path: YamlPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _nodes(data: Any, path: YamlPath = ()) -> Iterator[tuple[YamlPath, Any]]:
    yield path, data
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _nodes(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _nodes(v, path + (i,))


def _set(data: Any, path: YamlPath, value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _get(data: Any, path: YamlPath) -> Any:
    for part in path:
        data = data[part]
    return data


def _pick_path(ctx: _Ctx, want: Callable[[YamlPath, Any], bool]) -> YamlPath | None:
    paths = [p for p, v in _nodes(ctx.data) if p and want(p, v)]
    return ctx.rng.choice(paths) if paths else None


def _typo(rng: random.Random, key: str) -> str:
    if key in KNOWN_TYPOS and rng.random() < 0.5:
        return rng.choice(KNOWN_TYPOS[key])
    kind = rng.randrange(6)
    if len(key) < 2:
        return key + "x"
    i = rng.randrange(len(key) - 1)
    if kind == 0:
        return key[:i] + key[i + 1] + key[i] + key[i + 2 :]  # swap two letters
    if kind == 1:
        return key[:i] + key[i + 1 :]  # drop one
    if kind == 2:
        return key[:i] + key[i] + key[i:]  # double one
    if kind == 3 and ("_" in key or "-" in key):
        return key.replace("_", "-") if "_" in key else key.replace("-", "_")
    if kind == 4:
        return key.upper() if key.islower() else key.lower()
    return key[:-1] if key.endswith("s") else key + "s"


def drop_key(ctx: _Ctx) -> tuple[str, Any] | None:
    path = _pick_path(ctx, lambda p, v: isinstance(p[-1], str))
    if path is None:
        return None
    parent = _get(ctx.data, path[:-1])
    del parent[path[-1]]
    return f"drop {_dotted(path)}", ctx.data


def typo_key(ctx: _Ctx) -> tuple[str, Any] | None:
    # mostly service keys, sometimes any key at all
    picked = ctx.service()
    if picked is not None and picked[1] and ctx.rng.random() < 0.7:
        name, service = picked
        key = ctx.rng.choice(list(service))
        path: YamlPath = ("services", name, key)
    else:
        found = _pick_path(ctx, lambda p, v: isinstance(p[-1], str))
        if found is None:
            return None
        path = found
    key = str(path[-1])
    new = _typo(ctx.rng, key)
    parent = _get(ctx.data, path[:-1])
    if new == key or new in parent:
        return None
    # keep the key's place in the mapping
    items = [(new if k == key else k, v) for k, v in parent.items()]
    parent.clear()
    parent.update(items)
    return f'typo_key {_dotted(path)} -> "{new}"', ctx.data


def _retyped(rng: random.Random, value: Any) -> Any:
    if isinstance(value, bool):
        return rng.choice(["yes", "true", 1, [value], {"value": value}])
    if isinstance(value, (int, float)):
        return rng.choice([str(value), [value], {"value": value}, f"{value}x", bool(value)])
    if isinstance(value, str):
        choices: list[Any] = [[value], {"value": value}, 5, True, None, ""]
        if value.isdigit():
            choices.append(int(value))
        return rng.choice(choices)
    if isinstance(value, list):
        strings = [str(v) for v in value if not isinstance(v, (dict, list))]
        return rng.choice([" ".join(strings), {"items": value}, 1, None, value[:1] or "x"])
    if isinstance(value, dict):
        pairs = [f"{k}={v}" for k, v in value.items() if not isinstance(v, (dict, list))]
        return rng.choice([pairs, list(value), "value", 1, None, [value]])
    return rng.choice(["value", 1, [], {}])


def retype(ctx: _Ctx) -> tuple[str, Any] | None:
    path = _pick_path(ctx, lambda p, v: len(p) >= 2)
    if path is None:
        return None
    old = _get(ctx.data, path)
    new = _retyped(ctx.rng, old)
    _set(ctx.data, path, new)
    return f"retype {_dotted(path)}: {type(old).__name__} -> {_short(new)}", ctx.data


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# (field path inside a service, values); a path ending in "[]" means "an item of the list"
_SERVICE_FIELDS: tuple[tuple[YamlPath, tuple[Any, ...]], ...] = (
    (("ports", "[]"), PORTS),
    (("restart",), RESTARTS),
    (("healthcheck", "interval"), DURATIONS),
    (("healthcheck", "timeout"), DURATIONS),
    (("healthcheck", "start_period"), DURATIONS),
    (("healthcheck", "retries"), (3, "3", -1, "x", 1.5, "${RETRIES:-3}")),
    (("healthcheck", "test"), HEALTHCHECK_TESTS),
    (("healthcheck", "disable"), BOOLEANS),
    (("stop_grace_period",), DURATIONS),
    (("deploy", "restart_policy", "delay"), DURATIONS),
    (("deploy", "restart_policy", "condition"), RESTART_CONDITIONS),
    (("deploy", "update_config", "delay"), DURATIONS),
    (("deploy", "replicas"), REPLICAS),
    (("deploy", "resources", "limits", "memory"), BYTE_SIZES),
    (("deploy", "resources", "limits", "cpus"), CPUS),
    (("mem_limit",), BYTE_SIZES),
    (("mem_reservation",), BYTE_SIZES),
    (("memswap_limit",), BYTE_SIZES),
    (("shm_size",), BYTE_SIZES),
    (("build", "shm_size"), BYTE_SIZES),
    (("cpus",), CPUS),
    (("scale",), REPLICAS),
    (("privileged",), BOOLEANS),
    (("read_only",), BOOLEANS),
    (("init",), BOOLEANS),
    (("tty",), BOOLEANS),
    (("environment",), ENVIRONMENTS),
    (("pull_policy",), PULL_POLICIES),
    (("image",), IMAGES),
    (("command",), COMMANDS),
    (("entrypoint",), COMMANDS),
    (("extra_hosts",), EXTRA_HOSTS),
    (("ulimits",), ULIMITS),
    (("user",), USERS),
    (("logging",), LOGGING),
    (("volumes", "[]"), VOLUME_MODES),
    (("expose", "[]"), (80, "80", "8000-8010", "80/udp", "x", -1, 70000, "80:80")),
    (("tmpfs",), ("/run", ["/run", "/tmp:size=64m"], 5, {"/run": ""})),
    (("sysctls",), ({"net.core.somaxconn": 1024}, ["net.core.somaxconn=1024"], "x", [5])),
    (("cap_add",), (["NET_ADMIN"], ["NET_ADMIN", "NET_ADMIN"], "NET_ADMIN", [5])),
    (("labels",), ({"a": "1", "b": 2, "c": True, "d": None}, ["a=1", "b"], "a=1", {"a": [1]})),
    (("stop_signal",), ("SIGTERM", "TERM", 15, "", None)),
    (("working_dir",), ("/app", "app", 5, "")),
    (("profiles",), (["debug"], "debug", [], ["de bug"], [5])),
    (("platform",), ("linux/amd64", "linux/arm64/v8", 5, "")),
    (("oom_score_adj",), (-500, 1000, 1001, -1001, "500", "x")),
    (("mem_swappiness",), (0, 60, 100, 101, -1, "60", "x")),
    (("pids_limit",), (100, -1, "100", "x", 1.5)),
    (("cpu_shares",), (512, "512", "x", 1.5)),
    (("security_opt",), (["no-new-privileges:true"], "no-new-privileges:true", [5])),
    (("dns",), ("8.8.8.8", ["8.8.8.8", "1.1.1.1"], 5, ["x"])),
    (("domainname",), ("example.com", 5)),
    (("hostname",), ("web", 5, "", "${HOSTNAME:-web}")),
    (("network_mode",), ("host", "bridge", "none", "service:ghost", "container:abc", "x", 5)),
    (("ipc",), ("host", "shareable", "service:ghost", 5)),
    (("pid",), ("host", "service:ghost", None, 5)),
    (("volumes_from",), (["ghost"], ["ghost:ro"], ["container:abc"], "ghost")),
    (("links",), (["ghost"], ["ghost:alias"], "ghost", [5])),
    (("external_links",), (["redis:cache"], "redis")),
    (("depends_on",), (["ghost"], {"ghost": {"condition": "service_started"}}, "ghost", [5])),
    (("networks",), (["ghost"], {"ghost": None}, {"ghost": {"aliases": ["a"]}}, "ghost")),
    (("secrets",), (["ghost"], [{"source": "ghost", "target": "x"}], "ghost", [5])),
    (("configs",), (["ghost"], [{"source": "ghost"}], "ghost")),
    (("extends",), ("ghost", {"service": "ghost"}, {"file": "missing.yaml", "service": "x"})),
    (("env_file",), (".env", ["missing.env"], [{"path": "missing.env", "required": False}], 5)),
    (("devices",), (["/dev/ttyUSB0:/dev/ttyUSB0"], ["/dev/null"], "x", [5])),
    (("gpus",), ("all", [{"driver": "nvidia", "count": 1}], "some", 2)),
    (("annotations",), ({"a": "b"}, ["a=b"], "a")),
    (("group_add",), (["audio"], [1000], "audio")),
    (("develop",), ({"watch": [{"path": "./src", "action": "sync", "target": "/app"}]},
                    {"watch": [{"path": "./src", "action": "copy"}]}, {"watch": "x"})),
    (("container_name",), ("web-1", "", 5, "a b", "${NAME:-web}")),
    (("build",), (".", ".", {"context": "."}, {"dockerfile": "Dockerfile"}, 5, [],
                  {"context": ".", "dockerfile": "Dockerfile", "dockerfile_inline": "FROM x"},
                  {"context": ".", "args": ["A=1", "B"]}, {"context": ".", "args": {"A": 1}},
                  {"context": ".", "target": "prod"}, {"context": "https://github.com/x/y.git"},
                  {"context": ".", "secrets": ["ghost"]}, {"context": ".", "ssh": ["default"]},
                  {"context": ".", "cache_from": "x"})),
)  # fmt: skip


def known_value(ctx: _Ctx) -> tuple[str, Any] | None:
    picked = ctx.service()
    if picked is None:
        return None
    name, service = picked
    field, values = ctx.rng.choice(_SERVICE_FIELDS)
    value = copy.deepcopy(ctx.rng.choice(values))
    path: YamlPath = ("services", name)
    here: Any = service
    for i, part in enumerate(field):
        following = field[i + 1] if i + 1 < len(field) else None
        if following == "[]":  # an item of the list `part`: replace one or append
            items = here.get(part)
            if not isinstance(items, list):
                items = here[part] = []
            if items and ctx.rng.random() < 0.6:
                index = ctx.rng.randrange(len(items))
                items[index] = value
            else:
                index = len(items)
                items.append(value)
            path += (part, index)
            break
        path += (part,)
        if following is None:
            here[part] = value
            break
        if not isinstance(here.get(part), dict):
            here[part] = {}
        here = here[part]
    return f"set {_dotted(path)} = {_short(value)}", ctx.data


def reference(ctx: _Ctx) -> tuple[str, Any] | None:
    """Make references between services and resources right or wrong."""
    services = ctx.services()
    names = [n for n, s in services.items() if isinstance(s, dict)]
    if not names:
        return None
    rng = ctx.rng
    a = rng.choice(names)
    sa = services[a]
    kind = rng.randrange(11)
    if kind == 10:  # scale beside deploy.replicas, equal or not
        sa["scale"] = rng.choice([1, 2])
        sa.setdefault("deploy", {})
        if isinstance(sa["deploy"], dict):
            sa["deploy"]["replicas"] = rng.choice([1, 2, 3])
            return f"{a}: scale {sa['scale']}, deploy.replicas {sa['deploy']['replicas']}", ctx.data
        return None
    if kind == 0 and len(names) >= 2:  # a depends_on cycle
        b = rng.choice([n for n in names if n != a])
        sa["depends_on"] = [b]
        services[b]["depends_on"] = [a]
        return f"depends_on cycle {a} <-> {b}", ctx.data
    if kind == 1:  # depends on itself
        sa["depends_on"] = [a]
        return f"{a} depends_on itself", ctx.data
    if kind == 2 and len(names) >= 2:  # two services, one container_name
        b = rng.choice([n for n in names if n != a])
        sa["container_name"] = services[b]["container_name"] = "shared-name"
        return f"container_name shared by {a} and {b}", ctx.data
    if kind == 3:  # network_mode with networks
        sa["network_mode"] = rng.choice(["host", "bridge", "none"])
        sa["networks"] = ["default"] if rng.random() < 0.5 else {"default": None}
        return f"{a}: network_mode together with networks", ctx.data
    if kind == 4:  # a declared resource, used or not
        top = rng.choice(["networks", "volumes", "secrets", "configs"])
        declared = ctx.data.setdefault(top, {})
        if not isinstance(declared, dict):
            return None
        spec = {
            "networks": {"driver": "bridge"},
            "volumes": {},
            "secrets": {"file": "./secret.txt"},
            "configs": {"file": "./config.txt"},
        }[top]
        declared["declared"] = spec
        use = {
            "networks": ["declared"],
            "volumes": ["declared:/declared"],
            "secrets": ["declared"],
            "configs": ["declared"],
        }[top]
        existing = sa.get(top)
        if isinstance(existing, list):
            existing.extend(use)
        elif isinstance(existing, dict) and top == "networks":
            existing["declared"] = None
        else:
            sa[top] = use
        return f"{a}: uses a declared {top[:-1]}", ctx.data
    if kind == 5:  # external resource with attributes
        top = rng.choice(["networks", "volumes", "secrets", "configs"])
        declared = ctx.data.setdefault(top, {})
        if not isinstance(declared, dict):
            return None
        extra = rng.choice(
            [{"name": "other"}, {"driver": "bridge"}, {"labels": {"a": "b"}}, {"file": "./x"}, {}]
        )
        declared["outside"] = {"external": rng.choice([True, False, "true", {"name": "x"}])}
        declared["outside"].update(extra)
        return f"{top}.outside: external with {sorted(extra)}", ctx.data
    if kind == 6:  # a long-form depends_on with a condition
        cond = rng.choice(
            ["service_started", "service_healthy", "service_completed_successfully", "ready"]
        )
        target = rng.choice(names)
        sa["depends_on"] = {target: {"condition": cond, "required": rng.choice([True, False])}}
        return f"{a}.depends_on {target} condition {cond}", ctx.data
    if kind == 7:  # profiles
        sa["profiles"] = [rng.choice(["debug", "tools"])]
        if len(names) >= 2 and rng.random() < 0.6:
            b = rng.choice([n for n in names if n != a])
            services[b]["depends_on"] = [a]
            if rng.random() < 0.4:
                services[b]["profiles"] = [rng.choice(["debug", "tools"])]
                return (
                    f"{a} has profiles {sa['profiles']}, {b} has {services[b]['profiles']} "
                    "and depends on it",
                    ctx.data,
                )
            return f"{a} has profiles and {b} depends on it", ctx.data
        return f"{a} has profiles", ctx.data
    if kind == 8:  # drop a top-level resource kind
        top = rng.choice(["networks", "volumes", "secrets", "configs"])
        if top not in ctx.data:
            return None
        del ctx.data[top]
        return f"drop top-level {top}", ctx.data
    # extends another service of the file
    target = rng.choice(names)
    sa["extends"] = {"service": target} if rng.random() < 0.5 else target
    return f"{a} extends {target}", ctx.data


def misplace(ctx: _Ctx) -> tuple[str, Any] | None:
    rng = ctx.rng
    picked = ctx.service()
    kind = rng.randrange(6)
    if picked is None:
        return None
    name, service = picked
    if kind == 0 and service:  # a service key moved to the top level
        key = rng.choice(list(service))
        if key in ctx.data:
            return None
        ctx.data[key] = service.pop(key)
        return f"move services.{name}.{key} to the top level", ctx.data
    if kind == 1:  # the service as a list
        ctx.data["services"][name] = [service]
        return f"services.{name} wrapped in a list", ctx.data
    if kind == 2:  # services as a list
        ctx.data["services"] = [{n: s} for n, s in ctx.services().items()]
        return "services written as a list", ctx.data
    if kind == 3:  # a mapping of the service turned into a list of its keys
        maps = [k for k, v in service.items() if isinstance(v, dict) and v]
        if not maps:
            return None
        key = rng.choice(maps)
        service[key] = [{k: v} for k, v in service[key].items()]
        return f"services.{name}.{key}: mapping written as a list of mappings", ctx.data
    if kind == 4:  # a top-level block moved into a service
        tops = [k for k in ("networks", "volumes", "secrets", "configs") if k in ctx.data]
        if not tops:
            return None
        key = rng.choice(tops)
        service[key] = ctx.data.pop(key)
        return f"top-level {key} moved into services.{name}", ctx.data
    # the service's body nested one level too deep
    ctx.data["services"][name] = {name: service}
    return f"services.{name} nested under itself", ctx.data


def interpolation(ctx: _Ctx) -> tuple[str, Any] | None:
    path = _pick_path(ctx, lambda p, v: isinstance(v, str) and len(p) >= 2)
    if path is None:
        return None
    old = _get(ctx.data, path)
    piece = ctx.rng.choice(INTERPOLATIONS)
    how = ctx.rng.randrange(3)
    new = piece if how == 0 else (old + piece if how == 1 else piece + old)
    _set(ctx.data, path, new)
    return f"interpolation {_dotted(path)} = {_short(new)}", ctx.data


def top_level(ctx: _Ctx) -> tuple[str, Any] | None:
    rng = ctx.rng
    kind = rng.randrange(6)
    if kind == 0:
        value = rng.choice(NAMES)
        ctx.data = {"name": value, **ctx.data}
        return f"name = {_short(value)}", ctx.data
    if kind == 1:
        value = rng.choice(VERSIONS)
        ctx.data = {"version": value, **ctx.data}
        return f"version = {_short(value)}", ctx.data
    if kind == 2:
        key = rng.choice(["x-common", "x-", "X-upper", "xcommon", "x_common", "servicess"])
        ctx.data[key] = {"restart": "always"}
        return f"top-level key {key}", ctx.data
    if kind == 3:
        ctx.data["include"] = rng.choice(
            [["missing.yaml"], [{"path": "missing.yaml"}], "missing.yaml", [5], []]
        )
        return f"include {_short(ctx.data['include'])}", ctx.data
    if kind == 4:  # a service name Compose may not accept
        services = ctx.services()
        if not services:
            return None
        old = rng.choice(list(services))
        new = rng.choice(["Web", "web app", "web.1", "-web", "_web", "wéb", "1web", "w"])
        if new in services:
            return None
        items = [(new if k == old else k, v) for k, v in services.items()]
        services.clear()
        services.update(items)
        return f'service "{old}" renamed "{new}"', ctx.data
    value = rng.choice([None, {}, [], "web", 5])
    ctx.data["services"] = value
    return f"services = {_short(value)}", ctx.data


# -- text operators -----------------------------------------------------------------

_SCALAR_ENTRY = re.compile(r"^(?P<indent> *)(?P<key>[A-Za-z_][\w.-]*): (?P<value>\S.*)$")
_BLOCK_KEY = re.compile(r"^(?P<indent> *)(?P<key>[A-Za-z_][\w.-]*):$")


def duplicate_key(ctx: _Ctx) -> tuple[str, Any] | None:
    lines = ctx.text.splitlines()
    candidates = [i for i, line in enumerate(lines) if _SCALAR_ENTRY.match(line)]
    if not candidates:
        return None
    i = ctx.rng.choice(candidates)
    match = _SCALAR_ENTRY.match(lines[i])
    assert match is not None
    copy_line = lines[i]
    if ctx.rng.random() < 0.5:
        copy_line = f"{match['indent']}{match['key']}: {match['value']}-again"
    # right after it, or after the rest of its mapping's lines at deeper indentation
    j = i + 1
    if ctx.rng.random() < 0.5:
        while j < len(lines) and (
            len(lines[j]) - len(lines[j].lstrip(" ")) > len(match["indent"])
            or lines[j].lstrip().startswith("- ")
        ):
            j += 1
    lines.insert(j, copy_line)
    return f"duplicate key {match['key']} (line {i + 1})", "\n".join(lines) + "\n"


def yaml_syntax(ctx: _Ctx) -> tuple[str, Any] | None:
    rng = ctx.rng
    lines = ctx.text.splitlines()
    kind = rng.randrange(11)
    body = [i for i, line in enumerate(lines) if line.startswith("  ")]
    if not body:
        return None
    i = rng.choice(body)
    if kind == 0:  # a tab in the indentation
        lines[i] = "\t" + lines[i].lstrip(" ")
        label = f"tab indentation on line {i + 1}"
    elif kind == 1:  # an unclosed quote
        lines[i] = lines[i] + ' "unclosed'
        label = f"unclosed quote on line {i + 1}"
    elif kind == 2:  # an unclosed flow sequence
        match = _SCALAR_ENTRY.match(lines[i])
        if match is None:
            return None
        lines[i] = f"{match['indent']}{match['key']}: [{match['value']}"
        label = f"unclosed [ on line {i + 1}"
    elif kind == 3:  # indentation off by one
        lines[i] = " " + lines[i]
        label = f"indentation +1 on line {i + 1}"
    elif kind == 4:  # an alias to no anchor
        match = _SCALAR_ENTRY.match(lines[i])
        if match is None:
            return None
        lines[i] = f"{match['indent']}{match['key']}: *nowhere"
        label = f"undefined alias on line {i + 1}"
    elif kind == 5:  # a second colon in a plain scalar key
        match = _SCALAR_ENTRY.match(lines[i])
        if match is None:
            return None
        lines[i] = f"{match['indent']}{match['key']}: {match['value']}: more"
        label = f"mapping value inside a value on line {i + 1}"
    elif kind == 6:  # anchors and a merge key (valid YAML that Compose supports)
        services = ctx.services()
        if not services:
            return None
        name = rng.choice(list(services))
        extra = rng.choice(
            ["restart: unless-stopped", "init: true", "tty: true", "labels: {merged: 'yes'}"]
        )
        text = f"x-defaults: &defaults\n  {extra}\n" + ctx.text
        text = re.sub(
            rf"^  {re.escape(name)}:\n",
            f"  {name}:\n    <<: *defaults\n",
            text,
            count=1,
            flags=re.M,
        )
        if "<<: *defaults" not in text:
            return None
        return f"merge key <<: *defaults ({extra}) into {name}", text
    elif kind == 7:  # a second document
        doc = rng.choice(
            ["services: {}\n", "x-other: 1\n", "services:\n  extra:\n    image: alpine\n"]
        )
        return "second YAML document", ctx.text + "---\n" + doc
    elif kind == 8:  # a comment, blank lines and a document start: still valid
        return "comments and --- header", "---\n# edited\n\n" + ctx.text.replace("\n", "\n\n", 1)
    elif kind == 10:  # a key that YAML reads as a number, boolean or null
        match = _SCALAR_ENTRY.match(lines[i]) or _BLOCK_KEY.match(lines[i])
        if match is None:
            return None
        key = rng.choice(["1", "true", "null", "1.5", "0x1F"])
        lines[i] = f"{match['indent']}{key}:{lines[i][match.end('key') + 1 :]}"
        label = f"key {match['key']} -> {key} (not a string) on line {i + 1}"
    else:  # a stray list item inside a mapping
        indent = len(lines[i]) - len(lines[i].lstrip(" "))
        lines.insert(i + 1, " " * indent + "- stray")
        label = f"stray list item after line {i + 1}"
    return label, "\n".join(lines) + "\n"


def roundtrip(ctx: _Ctx) -> tuple[str, Any] | None:
    return "unchanged (re-written)", ctx.data


OPERATORS: tuple[tuple[str, Operator, int], ...] = (
    ("known_value", known_value, 30),
    ("typo_key", typo_key, 10),
    ("retype", retype, 12),
    ("drop_key", drop_key, 6),
    ("reference", reference, 12),
    ("misplace", misplace, 5),
    ("interpolation", interpolation, 10),
    ("top_level", top_level, 5),
    ("duplicate_key", duplicate_key, 5),
    ("yaml_syntax", yaml_syntax, 6),
    ("roundtrip", roundtrip, 1),
)


def mutate(
    base: str, data: Data, count: int, seed: int, seen: set[str] | None = None
) -> list[Mutant]:
    """`count` mutants of one base (fewer only if no operator applies), none of
    whose text is in `seen` (which is updated)."""
    rng = random.Random(seed ^ zlib.crc32(base.encode()))
    text = dump(data)
    names = [name for name, _, _ in OPERATORS]
    weights = [weight for _, _, weight in OPERATORS]
    by_name = {name: op for name, op, _ in OPERATORS}
    found: list[Mutant] = []
    seen = set() if seen is None else seen
    attempts = 0
    while len(found) < count and attempts < count * 20:
        attempts += 1
        name = rng.choices(names, weights)[0]
        ctx = _Ctx(rng, copy.deepcopy(data), text)
        result = by_name[name](ctx)
        if result is None:
            continue
        label, new = result
        new_text = new if isinstance(new, str) else dump(new)
        if new_text in seen:
            continue
        seen.add(new_text)
        found.append(Mutant(base, name, label, new_text))
    return found


def mutants(bases: Sequence[tuple[str, Data]], total: int, seed: int) -> list[Mutant]:
    """About `total` mutants spread evenly over `bases` ((name, data) pairs)."""
    if not bases:
        return []
    per_base, extra = divmod(total, len(bases))
    result: list[Mutant] = []
    seen: set[str] = set()
    for i, (name, data) in enumerate(bases):
        result.extend(mutate(name, data, per_base + (1 if i < extra else 0), seed, seen))
    return result


# -- hand-written probes ------------------------------------------------------------

# Small files aimed at the corners where a linter and Compose are most likely to part
# ways; each is judged by the oracles like a mutant. "=== label" starts a probe.
_PROBES = r"""
=== depends_on an undefined service, required: false
services:
  web: {image: nginx, depends_on: {ghost: {condition: service_started, required: false}}}
=== links to an undefined service
services:
  web: {image: nginx, links: ['ghost:alias']}
=== network_mode service:undefined
services:
  web: {image: nginx, network_mode: 'service:ghost'}
=== volumes_from container:
services:
  web: {image: nginx, volumes_from: ['container:abc']}
=== volumes_from undefined:ro
services:
  web: {image: nginx, volumes_from: ['ghost:ro']}
=== ipc service:undefined
services:
  web: {image: nginx, ipc: 'service:ghost'}
=== two services, one container_name
services:
  web: {image: nginx, container_name: abc}
  db: {image: nginx, container_name: abc}
=== depends on a service in another profile
services:
  web: {image: nginx, profiles: [a], depends_on: [db]}
  db: {image: nginx, profiles: [b]}
=== depends on a service that has a profile
services:
  web: {image: nginx, depends_on: [db]}
  db: {image: nginx, profiles: [b]}
=== external legacy name and name
services:
  web: {image: nginx}
volumes:
  data: {external: {name: real}, name: other}
=== external legacy name with driver
services:
  web: {image: nginx}
volumes:
  data: {external: {name: real}, driver: local}
=== external volume with driver
services:
  web: {image: nginx}
volumes:
  n: {external: true, driver: local}
=== external network with driver
services:
  web: {image: nginx}
networks:
  n: {external: true, driver: bridge}
=== external volume with labels
services:
  web: {image: nginx}
volumes:
  n: {external: true, labels: {a: b}}
=== secret external: false alone
services:
  web: {image: nginx}
secrets:
  s: {external: false}
=== config external: false alone
services:
  web: {image: nginx}
configs:
  s: {external: false}
=== config content
services:
  web: {image: nginx}
configs:
  s: {content: hello}
=== secret from the environment
services:
  web: {image: nginx}
secrets:
  s: {environment: HOME}
=== secret file missing
services:
  web: {image: nginx, secrets: [s]}
secrets:
  s: {file: ./nope.txt}
=== healthcheck test without CMD
services:
  web: {image: nginx, healthcheck: {test: [curl, x]}}
=== port sctp
services:
  web: {image: nginx, ports: ['8080:80/sctp']}
=== port with empty host port
services:
  web: {image: nginx, ports: ['127.0.0.1::80']}
=== port IPv6 host
services:
  web: {image: nginx, ports: ['[::1]:8080:80']}
=== port ranges of different sizes
services:
  web: {image: nginx, ports: ['8080-8082:80-81']}
=== port host range, one container port
services:
  web: {image: nginx, ports: ['8080-8081:80']}
=== port literal container side beside a variable
services:
  web: {image: nginx, ports: ['${P}:80$$']}
=== restart on-failure:-1
services:
  web: {image: nginx, restart: 'on-failure:-1'}
=== restart sometimes
services:
  web: {image: nginx, restart: sometimes}
=== deploy restart condition always
services:
  web: {image: nginx, deploy: {restart_policy: {condition: always}}}
=== stop_grace_period in days
services:
  web: {image: nginx, stop_grace_period: 1d}
=== mem_limit float
services:
  web: {image: nginx, mem_limit: 1.5}
=== shm_size with underscores
services:
  web: {image: nginx, shm_size: '1_000'}
=== scale 0 with container_name
services:
  web: {image: nginx, scale: 0, container_name: abc}
=== scale 2 with container_name
services:
  web: {image: nginx, scale: 2, container_name: abc}
=== scale and deploy.replicas differ
services:
  web: {image: nginx, scale: 2, deploy: {replicas: 3}}
=== scale and deploy.replicas agree
services:
  web: {image: nginx, scale: 2, deploy: {replicas: 2}}
=== global mode with replicas
services:
  web: {image: nginx, deploy: {mode: global, replicas: 2}}
=== merge key overridden
x-a: &a {image: nginx, restart: always}
services:
  web:
    <<: *a
    restart: 'no'
=== merge key list
x-a: &a {image: nginx}
x-b: &b {image: redis}
services:
  web:
    <<: [*a, *b]
=== duplicate service
services:
  web: {image: nginx}
  web: {image: redis}
=== nested interpolation defaults
services:
  web: {image: nginx, command: 'echo ${A:-${B:-${C}}}'}
=== unclosed brace after a default
services:
  web: {image: nginx, command: 'echo ${A:-a}b}'}
=== assign-default interpolation
services:
  web: {image: nginx, command: 'echo ${A:=x}'}
=== interpolated service name
services:
  '${SVC}': {image: nginx}
=== broken interpolation in an extension
x-custom: ${bad
services:
  web: {image: nginx}
=== two documents
services:
  web: {image: nginx}
---
services:
  db: {image: redis}
=== YAML 1.1 directive
%YAML 1.1
---
services:
  web: {image: nginx, tty: yes}
=== base-60 looking port
services:
  web: {image: nginx, ports: [22:22]}
=== hex port
services:
  web: {image: nginx, ports: [0x50]}
=== !reset tag
services:
  web:
    image: nginx
    ports: !reset []
=== complex key
services:
  ? web
  : image: nginx
=== flow sequence as a key
services:
  [a, b]: {image: nginx}
=== integer service name
services:
  1: {image: nginx}
=== integer environment key
services:
  web: {image: nginx, environment: {1: x}}
=== boolean label key
services:
  web: {image: nginx, labels: {true: x}}
=== null service name
services:
  null: {image: nginx}
=== integer top-level key
1: x
services:
  web: {image: nginx}
=== empty volume
services:
  web: {image: nginx, volumes: ['']}
=== volume with an empty mode
services:
  web: {image: nginx, volumes: ['/srv/a:']}
=== volume with an empty middle
services:
  web: {image: nginx, volumes: ['/srv/a::/a']}
=== volume with too many colons
services:
  web: {image: nginx, volumes: ['/a:/b:ro:x']}
=== volume with a drive letter
services:
  web: {image: nginx, volumes: ['C:\\data:/data']}
=== volume with an empty source
services:
  web: {image: nginx, volumes: [':/x']}
=== empty network name
services:
  web: {image: nginx, networks: ['']}
=== empty depends_on name
services:
  web: {image: nginx, depends_on: ['']}
=== project name with capitals
name: My_App
services:
  web: {image: nginx}
=== project name with a space
name: my app
services:
  web: {image: nginx}
=== empty services
services: {}
=== only an extension
x-a: 1
=== a list
[]
=== duplicate items
services:
  web: {image: nginx, cap_add: [NET_ADMIN, NET_ADMIN]}
=== pid null
services:
  web: {image: nginx, pid: null}
=== merge key twice
x-a: &a {image: nginx}
x-b: &b {restart: always}
services:
  web:
    <<: *a
    <<: *b
=== reset restart null
services:
  web:
    image: nginx
    restart: !reset null
=== reset image
services:
  web:
    image: !reset nginx
=== reset sequence item
services:
  web:
    image: nginx
    ports: ["80:80", !reset "81:81"]
=== override in a single file
services:
  web:
    image: nginx
    environment: !override {A: b}
=== unterminated quote
services:
  web:
    image: "nginx
    ports: [80]
=== duplicate key in an anchor
x-a: &a
  image: nginx
  image: redis
services:
  web: {<<: *a}
  db: {<<: *a}
=== command with an unbalanced quote
services:
  web: {image: nginx, command: 'echo "unbalanced'}
=== entrypoint with a bare parenthesis
services:
  web: {image: nginx, entrypoint: sh -c (true)}
=== command with a quoted subshell
services:
  web: {image: nginx, command: 'sh -c "echo $$(date)"'}
=== reversed port range
services:
  web: {image: nginx, ports: ["8010-8000:80"]}
"""


def probes() -> list[tuple[str, str]]:
    """The hand-written probes as (label, compose file text)."""
    found: list[tuple[str, str]] = []
    for chunk in _PROBES.split("\n=== ")[1:]:
        label, _, text = chunk.partition("\n")
        found.append((label, text.rstrip("\n") + "\n"))
    return found
