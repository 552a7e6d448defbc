"""CL130 scaled-fixed-host-port, CL131 scaled-container-name, CL132 host-port-conflict."""

from __future__ import annotations

import pytest
from conftest import catches, catches_not

from compose_lint.model.values import host_binds, host_range


def scaled(ports: str, count: str = "scale: 3") -> str:
    return f"services:\n  web:\n    image: nginx:1.27\n    {count}\n    ports:\n{ports}"


# -- helpers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5000", (5000, 5000)),
        ("5000-5002", (5000, 5002)),
        (" 80 ", (80, 80)),
        ("0", None),
        ("5002-5000", None),
        ("70000", None),
        ("$VAR", None),
        ("80-", None),
    ],
)
def test_range(text: str, expected: tuple[int, int] | None) -> None:
    assert host_range(text) == expected


@pytest.mark.parametrize(
    ("host_ip", "expected"),
    [
        (None, {(4, None), (6, None)}),
        ("", {(4, None), (6, None)}),
        ("0.0.0.0", {(4, None)}),
        ("::", {(6, None)}),
        ("[::]", {(6, None)}),
        ("127.0.0.1", {(4, "127.0.0.1")}),
        ("::ffff:127.0.0.1", {(4, "127.0.0.1")}),
        ("0:0:0:0:0:0:0:1", {(6, "::1")}),
        ("localhost", None),
        ("$VAR", None),
    ],
)
def test_binds(host_ip: str | None, expected: set[tuple[int, str | None]] | None) -> None:
    found = host_binds(host_ip)
    assert (set(found) if found is not None else None) == expected


# -- CL130 ------------------------------------------------------------------------


def test_fixed_port_with_replicas() -> None:
    text = scaled('      - "5000:5000"\n', "deploy:\n      replicas: 3")
    (found,) = catches("CL130", compose=text, at="compose.yaml:7:9")
    assert 'service "web" runs 3 replicas (deploy.replicas: 3)' in found
    assert "fixed host port 5000" in found
    assert '("5000")' in found and '("5000-5002:5000")' in found and "reverse proxy" in found


@pytest.mark.parametrize(
    "entry",
    [
        '"5000"',
        '"5000-5002:5000"',
        '"5000-5009:5000"',
        '"0:5000"',
        '"127.0.0.1::5000"',
        '"${PORT:?set PORT}:5000"',
        '"$PORT:5000"',
        "5000",
        "{target: 5000}",
    ],
)
def test_silent_without_a_fixed_host_port(entry: str) -> None:
    catches_not("CL130", compose=scaled(f"      - {entry}\n"))


@pytest.mark.parametrize(
    ("entry", "needle"),
    [
        ('"5000-5001:5000"', "host range 5000-5001 holds only 2 ports, so 1 of them"),
        ('"7000-7002:7000-7002"', "fixed host ports 7000-7002"),
        ("{target: 80, published: 8080}", "fixed host port 8080"),
        ('{target: 80, published: "8080"}', "fixed host port 8080"),
        ('"[::1]:53:53/udp"', "fixed host port 53/udp"),
        ('"${WEB_PORT:-8000}:80"', 'fixed host port 8000 (from "${WEB_PORT:-8000}:80"'),
    ],
)
def test_reported_entries(entry: str, needle: str) -> None:
    (found,) = catches("CL130", compose=scaled(f"      - {entry}\n"))
    assert needle in found


def test_pool_fix_names_the_wider_range() -> None:
    (found,) = catches("CL130", compose=scaled('      - "5000-5001:5000"\n', "scale: 4"))
    assert "widen the range to 5000-5003 (4 ports)" in found


@pytest.mark.parametrize(
    "count",
    [
        "scale: 1",
        "scale: 0",
        "deploy:\n      replicas: 1",
        "scale: ${N:?set N}",
        "scale: ${N}",
        "scale: true",
        "scale: many",
        "deploy: {}",
        "deploy: 3",
    ],
)
def test_silent_for_one_container_or_unknown_count(count: str) -> None:
    catches_not("CL130", compose=scaled('      - "5000:5000"\n', count))


@pytest.mark.parametrize("count", ['scale: "2"', "scale: ${N:-2}", "deploy: {replicas: 2}"])
def test_count_forms(count: str) -> None:
    assert len(catches("CL130", compose=scaled('      - "5000:5000"\n', count))) == 1


def test_count_from_dotenv() -> None:
    text = scaled('      - "5000:5000"\n', "scale: ${N:-3}")
    catches_not("CL130", compose=text, files={".env": "N=1\n"})
    text = scaled('      - "${PORT}:5000"\n', "scale: 2")
    (found,) = catches("CL130", compose=text, files={".env": "N=1\nPORT=6000\n"})
    assert "fixed host port 6000" in found


@pytest.mark.parametrize("mode", ["host", "none", "service:db", "container:abc"])
def test_silent_when_ports_are_not_published(mode: str) -> None:
    text = scaled(f'      - "5000:5000"\n    network_mode: "{mode}"\n')
    catches_not("CL130", compose=text)


def test_override_file_scales_the_base_port() -> None:
    base = 'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "80:80"\n'
    override = "services:\n  web:\n    deploy:\n      replicas: 2\n"
    catches("CL130", compose=base, files={"compose.override.yaml": override}, at="compose.yaml:5:9")


def test_odd_values_do_not_crash() -> None:
    text = (
        "services:\n  a:\n    scale: [1]\n    ports: 5000\n"
        "  b:\n    scale: 2\n    ports: [[1], null, {published: 1}, true, 1.5]\n"
        "  c: null\n  d:\n    scale: 2\n    ports: {x: 1}\n"
    )
    catches_not("CL130", compose=text)


# -- CL131 ------------------------------------------------------------------------


def test_container_name_with_replicas() -> None:
    text = "services:\n  web:\n    image: nginx:1.27\n    container_name: web\n    scale: 2\n"
    (found,) = catches("CL131", compose=text, at="compose.yaml:4:21")
    assert 'runs 2 replicas (scale: 2) but sets container_name "web"' in found
    assert "remove container_name" in found


@pytest.mark.parametrize(
    "extra",
    ["scale: 1", "scale: 0", "deploy: {replicas: 1}", "scale: ${N}", "labels: {a: b}"],
)
def test_container_name_silent(extra: str) -> None:
    text = f"services:\n  web:\n    image: nginx:1.27\n    container_name: web\n    {extra}\n"
    catches_not("CL131", compose=text)


@pytest.mark.parametrize("name", ["''", "null", "[a]", "1"])
def test_container_name_odd_values(name: str) -> None:
    text = f"services:\n  web:\n    image: nginx:1.27\n    container_name: {name}\n    scale: 2\n"
    catches_not("CL131", compose=text)


# -- CL132 ------------------------------------------------------------------------


def two(first: str, second: str, extra_a: str = "", extra_b: str = "") -> str:
    return (
        f"services:\n  a:\n    image: nginx:1.27\n{extra_a}    ports:\n      - {first}\n"
        f"  b:\n    image: nginx:1.27\n{extra_b}    ports:\n      - {second}\n"
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ('"8080:80"', '"8080:5000"'),
        ('"8080:80"', '"127.0.0.1:8080:80"'),
        ('"127.0.0.1:8080:80"', '"8080:80"'),
        ('"8080:80"', '"[::]:8080:80"'),
        ('"8080:80"', '"[::1]:8080:80"'),
        ('"0.0.0.0:8080:80"', '"192.168.1.10:8080:80"'),
        ('"127.0.0.1:8080:80"', '"127.0.0.1:8080:81"'),
        ('"::ffff:127.0.0.1:8080:80"', '"127.0.0.1:8080:81"'),
        ('"53:53/udp"', '"53:5353/UDP"'),
        ('"7000-7010:7000-7010"', '"7005:80"'),
        ('"7005:80"', '"7000-7010:7000-7010"'),
        ('"10000-10009:80"', '"10005:80"'),
        ('"10005:80"', '"10000-10009:80"'),
        ("{target: 80, published: 8080}", '"8080:80"'),
        ('"${A:-8080}:80"', '"${B:-8080}:80"'),
        ('{target: 80, published: "${A:-8080}", host_ip: "${IP:-0.0.0.0}"}', '"8080:80"'),
    ],
)
def test_conflicts(first: str, second: str) -> None:
    catches("CL132", compose=two(first, second), at=["compose.yaml:9:9"])


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ('"53:53/tcp"', '"53:53/udp"'),
        ('"0.0.0.0:8080:80"', '"[::]:8080:80"'),
        ('"127.0.0.1:8080:80"', '"127.0.0.2:8080:80"'),
        ('"127.0.0.1:8080:80"', '"[::1]:8080:80"'),
        ('"10000-10009:80"', '"10005-10014:80"'),
        ('"7000-7010:7000-7010"', '"7011:80"'),
        ('"8080"', '"8080"'),
        ('"0:80"', '"0:80"'),
        ('"${A:?set A}:80"', '"8080:80"'),
        ('"${A}:80"', '"${A}:80"'),
        ('"localhost:8080:80"', '"8080:80"'),
    ],
)
def test_no_conflict(first: str, second: str) -> None:
    catches_not("CL132", compose=two(first, second))


def test_message_names_the_first() -> None:
    (found,) = catches("CL132", compose=two('"8080:80"', '"127.0.0.1:8080:80"'))
    assert 'host port 127.0.0.1:8080 is already published as 8080 by service "a"' in found
    assert "(compose.yaml:5)" in found and "port is already allocated" in found


def test_pool_message() -> None:
    (found,) = catches("CL132", compose=two('"10000-10009:80"', '"10005:80"'))
    assert 'overlaps the host range 10000-10009 published by service "a"' in found
    assert "start order" in found


def test_dotenv_moves_a_default_away() -> None:
    text = two('"8080:80"', '"${B_PORT:-8080}:80"')
    catches_not("CL132", compose=text, files={".env": "B_PORT=8081\n"})


@pytest.mark.parametrize(
    ("extra_a", "extra_b", "conflict"),
    [
        ("    profiles: [dev]\n", "    profiles: [prod]\n", False),
        ("    profiles: [dev]\n", "    profiles: [prod, dev]\n", True),
        ("", "    profiles: [prod]\n", True),
        ("    profiles: [dev]\n", "", True),
        ("    scale: 0\n", "", False),
        ("", "    deploy: {replicas: 0}\n", False),
        ("    scale: ${N}\n", "", True),
        ('    network_mode: "host"\n', "", False),
        ("", '    network_mode: "service:a"\n', False),
        ('    network_mode: "bridge"\n', "", True),
    ],
)
def test_when_services_run_together(extra_a: str, extra_b: str, conflict: bool) -> None:
    text = two('"8080:80"', '"8080:80"', extra_a, extra_b)
    if conflict:
        assert len(catches("CL132", compose=text)) == 1
    else:
        catches_not("CL132", compose=text)


def test_within_one_service() -> None:
    text = (
        "services:\n  a:\n    image: nginx:1.27\n    ports:\n"
        '      - "3000:3000"\n'  # 5
        '      - "3000:3000"\n'  # 6: the same mapping again
        '      - "3000-3005:3001"\n'  # 7: its own range after its exact port
        '      - "3000:3002"\n'  # 8: a second container port on host port 3000
        '      - "3000:3002/udp"\n'  # 9
    )
    (found,) = catches("CL132", compose=text, at="compose.yaml:8:9")
    assert "another entry of this service (compose.yaml:5)" in found


def test_one_finding_per_entry_naming_the_earliest() -> None:
    text = (
        "services:\n"
        '  a:\n    image: nginx:1.27\n    ports: ["80:80"]\n'
        '  b:\n    image: nginx:1.27\n    ports: ["80:80"]\n'
        '  c:\n    image: nginx:1.27\n    ports: ["80:80"]\n'
    )
    found = catches("CL132", compose=text, at=["compose.yaml:7:13", "compose.yaml:10:13"])
    assert all('service "a" (compose.yaml:4)' in f for f in found)


def test_conflict_across_files() -> None:
    base = 'services:\n  proxy:\n    image: caddy:2.8\n    ports:\n      - "80:80"\n'
    override = 'services:\n  docs:\n    image: nginx:1.27\n    ports:\n      - "80:8000"\n'
    (found,) = catches(
        "CL132",
        compose=base,
        files={"compose.override.yaml": override},
        at="compose.override.yaml:5:9",
    )
    assert 'service "proxy" (compose.yaml:5)' in found


def test_override_replacing_a_port_removes_the_conflict() -> None:
    base = two('"8080:80"', '"8080:80"')
    override = 'services:\n  b:\n    ports: !override\n      - "8081:80"\n'
    catches_not("CL132", compose=base, files={"compose.override.yaml": override})


def test_silent_on_a_fragment() -> None:
    catches_not("CL132", files={"docker-compose.prod.yml": two('"8080:80"', '"8080:80"')})


def test_thousands_of_entries() -> None:
    """Publications are indexed by host port: each later entry is compared with the
    earlier ones sharing a port, not with all of them."""
    text = "services:\n" + "".join(
        f'  s{i}:\n    image: nginx:1.27\n    ports: ["80:80", "8000-8100:80"]\n'
        for i in range(1500)
    )
    found = catches("CL132", compose=text)
    # all 1,499 are found; the report keeps the first 1,000 of a file and says how many more
    assert len(found) == 1000 and all('service "s0" (compose.yaml:4)' in f for f in found)


def test_a_menu_of_alternatives() -> None:
    # laradock-style: web servers, databases and dashboards that users start a few at
    # a time claim the same host ports; a clash between services that start together
    # (one depends on the other, or a third on both) is still a real one
    def service(name: str, port: int, depends: str = "") -> str:
        needs = f"    depends_on: [{depends}]\n" if depends else ""
        return f'  {name}:\n    image: x/{name}:1\n{needs}    ports: ["{port}:{port}"]\n'

    alternatives = [
        ("apache2", 80),
        ("caddy", 80),
        ("mysql", 3306),
        ("mariadb", 3306),
        ("percona", 3306),
        ("grafana", 3000),
        ("aerospike", 3000),
        ("mailhog", 8025),
        ("mailpit", 8025),
    ]
    menu = "services:\n" + "".join(service(n, p) for n, p in alternatives)
    catches_not("CL132", compose=menu)
    app = service("app", 8080, "api, worker") + service("api", 9000) + service("worker", 9000)
    catches("CL132", compose=menu + app, at="compose.yaml:38:13")
    catches("CL132", compose=menu + service("nginx", 80, "caddy"), at="compose.yaml:32:13")
    # a few services clashing are not yet a menu: each clash is reported
    few = "services:\n" + "".join(service(n, p) for n, p in alternatives[:7])
    assert len(catches("CL132", compose=few)) == 4


def test_a_file_that_says_not_to_start_it_whole() -> None:
    # weaviate's contributor file: its header says not to use it directly with
    # `docker compose up`; its scripts start keycloak or prometheus, not both
    header = (
        "# This file is intended only for development by contributors.\n"
        "# It should not be used directly with `docker compose up`; use the scripts\n"
        "# under tools/dev instead.\n"
    )
    text = two('"9090:8080"', '"9090:9090"')
    catches_not("CL132", compose=header + text)
    assert len(catches("CL132", compose=text)) == 1
    # services that start together still clash
    linked = two('"9090:8080"', '"9090:9090"', extra_b="    depends_on: [a]\n")
    catches("CL132", compose=header + linked, at="compose.yaml:13:9")
