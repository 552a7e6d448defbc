"""model.values: the one grammar of Compose values, and the rules that read it.

The verdicts of the port, duration and size parsers against Docker Compose itself
are in test_references.py; here are the properties every reader relies on: ASCII
digits only, bounded numbers, ranges kept as intervals."""

from __future__ import annotations

import pytest
from conftest import catches, catches_not, rule_findings
from hypothesis import given
from hypothesis import strategies as st

from compose_lint.model.values import (
    PortSpan,
    bounded_int,
    capability,
    count,
    device_source,
    duration_problem,
    every_interface,
    expose_problem,
    go_atoi,
    loopback_only,
    parse_env_file,
    parse_mount,
    parse_port,
    parse_port_span,
    port_problem,
    port_range,
    restart_problem,
    security_option,
    size_problem,
    split_port,
    uncovered,
    volume_problem,
    volume_sections,
    volume_source,
)

HUGE = "9" * 5000


# -- numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("80", 80),
        ("0080", 80),
        ("65535", 65535),
        ("65536", None),
        ("\u00b2", None),  # "²".isdigit() is True, int("²") fails
        ("\u0663", None),  # ARABIC-INDIC DIGIT THREE: int() takes it, Go does not
        ("", None),
        ("-1", None),
        (HUGE, None),
        ("0" * 5000 + "80", 80),
    ],
)
def test_bounded_int(text: str, expected: int | None) -> None:
    assert bounded_int(text, 65535) == expected


@given(st.text(max_size=30))
def test_the_grammar_never_raises(text: str) -> None:
    for parse in (
        port_range,
        go_atoi,
        duration_problem,
        size_problem,
        restart_problem,
        parse_port_span,
        port_problem,
        volume_problem,
        parse_env_file,
    ):
        parse(text)  # type: ignore[operator]
    count(text, {})
    expose_problem(text, {})
    parse_port(text, ("ports", 0))


def test_go_atoi_bounds() -> None:
    assert go_atoi("-9223372036854775808") == -(2**63)
    assert go_atoi("9223372036854775808") is None
    assert go_atoi("+5") == 5 and go_atoi(HUGE) is None


# -- ports --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "target", "target_end"),
    [
        ("8000-8010:8000-8010", 8000, 8010),
        ("[::1]:8080:80/udp", 80, 80),
        ("${HOST_PORT:-8000}:8000", 8000, 8000),
        ({"target": "80"}, 80, 80),
        (5000, 5000, 5000),
    ],
)
def test_parse_port(raw: object, target: int, target_end: int) -> None:
    port = parse_port(raw, ("ports", 0))
    assert port is not None and (port.target, port.target_end) == (target, target_end)


@pytest.mark.parametrize(
    "raw",
    ["80:\u00b2", "\u00b2", "1-99999999999", "5002-5000", HUGE, {"target": "\u00b2"}, 70000],
)
def test_parse_port_refuses_what_compose_refuses(raw: object) -> None:
    assert parse_port(raw, ("ports", 0)) is None


def test_port_spans_are_intervals() -> None:
    spans = [PortSpan(8000, 8002, "tcp"), PortSpan(8005, 8005, "tcp"), PortSpan(8003, 8003, "udp")]
    assert uncovered(spans, 8000, 8006, "tcp") == [(8003, 8004), (8006, 8006)]
    assert uncovered([PortSpan(0, 65535, "tcp")], 1, 65535, "tcp") == []
    assert parse_port_span("8000-8010/TCP") == PortSpan(8000, 8010, "tcp")
    assert parse_port_span("80/http") is None and parse_port_span("70000") is None


# -- the loader and the rules on hostile numbers --------------------------------------

WEB = "services:\n  web:\n    build: .\n    ports: [{port}]\n"


def test_unicode_digits_do_not_crash_the_loader() -> None:
    compose = (
        'services:\n  web:\n    image: nginx\n    scale: "\u00b2"\n'
        '    ports: ["80:\u00b2", "\u00b2"]\n'
    )
    for code in ("CL117", "CL130", "CL132", "CL133"):
        rule_findings(code, compose=compose)


def test_a_huge_port_range_neither_hangs_cl501_nor_passes_cl117() -> None:
    compose = WEB.format(port='"1-99999999999"')
    catches_not("CL501", compose=compose, dockerfile="FROM python:3.12\nEXPOSE 80\n")
    catches("CL117", compose=compose, at="compose.yaml:4:13")


def test_cl501_reads_ranges_as_intervals() -> None:
    compose = WEB.format(port='"1-65535"')
    [message] = catches("CL501", compose=compose, dockerfile="FROM python:3.12\nEXPOSE 2-65535\n")
    assert "port 1 is published" in message and '"EXPOSE 1"' in message


def test_huge_numbers_are_findings_not_crashes() -> None:
    service = "services:\n  web:\n    image: nginx\n"
    [message] = catches(
        "CL115", compose=service + f'    stop_grace_period: "${{X:-{HUGE}s}}"\n', at="4:24"
    )
    assert "longer than" in message
    catches_not("CL114", compose=service + f'    restart: "on-failure:{HUGE}"\n')
    catches_not("CL133", compose=service + f'    scale: "{HUGE}"\n    deploy: {{replicas: 2}}\n')


# -- volumes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "sections"),
    [
        ("C:\\data:/data:ro", ["C:\\data", "/data", "ro"]),
        ("./x:/y", ["./x", "/y"]),
        ("data:/var/lib/data", ["data", "/var/lib/data"]),
    ],
)
def test_volume_sections(spec: str, sections: list[str]) -> None:
    assert volume_sections(spec) == sections


def test_volume_readers_agree() -> None:
    assert volume_source("C:\\data:/data") == "C:\\data"
    assert volume_problem("src:/dst:ro:x") is not None and volume_problem("src::/dst") is not None
    assert volume_sections("a:b:c") == ["a:b", "c"]  # a single letter is a drive
    assert volume_problem("C:\\data:/data:ro") is None


def test_a_default_holding_colons_is_one_source() -> None:
    """`${SRC:-./a}` interpolates before the split: CL105 sees a bind mount, not a volume."""
    compose = 'services:\n  web:\n    image: nginx\n    volumes: ["${SRC:-./a}:/data"]\n'
    catches_not("CL105", compose=compose)
    catches_not("CL122", compose=compose)


@pytest.mark.parametrize("word", ["5000/foo", "70000", "4999-70000"])
def test_cl501_and_cl324_read_expose_alike(word: str) -> None:
    """An EXPOSE word Docker refuses exposes nothing: CL324 reports it, and CL501 no
    longer counts it as exposing port 5000/foo or 70000 (it stays silent, not guessing)."""
    compose = 'services:\n  web:\n    build: .\n    ports:\n      - "5000:5000"\n'
    project = {"compose": compose, "dockerfile": f"FROM python:3.12\nEXPOSE {word}\n"}
    catches("CL324", **project)
    catches_not("CL501", **project)


# -- .env files -----------------------------------------------------------------------


def test_env_file_reads_like_compose() -> None:
    text = (
        "A=1\nB=${A}/x\n"
        'C="${B} y" # a comment after the closing quote\n'
        "D='${A}'\n"  # single quotes: literal
        'E="a\\tb"\nF=val # comment\nG=val# no comment\n'
        "H=${HOME}/z\n"  # only the shell knows HOME: left as written
        'export I="q\\"x"\n'
    )
    assert parse_env_file(text) == {
        "A": "1",
        "B": "1/x",
        "C": "1/x y",
        "D": "${A}",
        "E": "a\tb",
        "F": "val",
        "G": "val# no comment",
        "H": "${HOME}/z",
        "I": 'q"x',
    }


@pytest.mark.parametrize("dotenv", ["A=8080\nPORT=${A}\n", 'PORT="8080" # web\n'])
def test_dotenv_values_are_read_before_they_interpolate(dotenv: str) -> None:
    """Before, CL117 saw the host port "${A}" or "\\"8080\\"" and called it invalid."""
    compose = 'services:\n  web:\n    image: nginx\n    ports: ["${PORT}:80"]\n'
    catches_not("CL117", compose=compose, files={".env": dotenv})
    catches("CL117", compose=compose, files={".env": "A=80000\nPORT=${A}\n"}, at="4:13")


@pytest.mark.parametrize(
    ("spec", "host_ip", "published"),
    [
        ("::1:80:80", "::1", "80"),
        ("[::1]:8080:80/udp", "::1", "8080"),
        ("127.0.0.1::80", "127.0.0.1", None),
        ("8000-8001:80-81", None, "8000-8001"),
    ],
)
def test_the_model_and_cl117_cut_a_port_alike(
    spec: str, host_ip: str | None, published: str | None
) -> None:
    """Service.ports and CL117 read one split of the short syntax (split_port)."""
    parts = split_port(spec)
    port = parse_port(spec, ("ports", 0))
    assert port is not None and port_problem(spec) is None
    assert (port.target, port.target_end) == port_range(parts.container)
    assert (port.host_ip, port.published) == (host_ip, published)


# -- mounts, bindings, capabilities, security options --------------------------------


@pytest.mark.parametrize(
    ("raw", "kind", "source", "target", "read_only", "host"),
    [
        (
            "/var/run/docker.sock:/var/run/docker.sock",
            "bind",
            "/var/run/docker.sock",
            "/var/run/docker.sock",
            False,
            "/var/run/docker.sock",
        ),
        (
            "//var/run/docker.sock:/sock:ro",
            "bind",
            "//var/run/docker.sock",
            "/sock",
            True,
            "/var/run/docker.sock",
        ),
        ("/etc/../etc/:/host/etc:ro,z", "bind", "/etc/../etc/", "/host/etc", True, "/etc"),
        ("/var/run:/var/run:rw", "bind", "/var/run", "/var/run", False, "/var/run"),
        ("~/.ssh:/root/.ssh:ro", "bind", "~/.ssh", "/root/.ssh", True, "~/.ssh"),
        ("~bob/.ssh/:/keys", "bind", "~bob/.ssh/", "/keys", False, "~/.ssh"),
        ("./config:/config", "bind", "./config", "/config", False, None),
        ("C:\\data:/data", "bind", "C:\\data", "/data", False, None),
        (
            "pgdata:/var/lib/postgresql/data",
            "volume",
            "pgdata",
            "/var/lib/postgresql/data",
            False,
            None,
        ),
        ("/data", "volume", None, "/data", False, None),
        (
            {"type": "bind", "source": "/", "target": "/host", "read_only": True},
            "bind",
            "/",
            "/host",
            True,
            "/",
        ),
        (
            {"type": "volume", "source": "data", "target": "/data"},
            "volume",
            "data",
            "/data",
            False,
            None,
        ),
        ({"type": "tmpfs", "target": "/tmp"}, "tmpfs", None, "/tmp", False, None),
    ],
)
def test_parse_mount(
    raw: object, kind: str, source: str | None, target: str, read_only: bool, host: str | None
) -> None:
    mount = parse_mount(raw, ("volumes", 0), {})
    assert mount is not None
    assert (mount.kind, mount.source, mount.target, mount.read_only) == (
        kind,
        source,
        target,
        read_only,
    )
    assert mount.host_path == host


def test_parse_mount_reads_interpolated_entries_and_leaves_unknown_ones_out() -> None:
    mount = parse_mount("${SOCK:-/var/run/docker.sock}:/sock", ("volumes", 0), {})
    assert mount is not None and mount.host_path == "/var/run/docker.sock"
    assert parse_mount("${UNSET}:/sock", ("volumes", 0), {}) is None
    assert parse_mount("/a::/b", ("volumes", 0), {}) is None  # malformed: CL122's
    assert parse_mount({"type": "bind", "source": "${UNSET}", "target": "/x"}, (), {}) is None


@pytest.mark.parametrize(
    ("host_ip", "expected"),
    [
        (None, True),
        ("", True),
        ("0.0.0.0", True),
        ("::", True),
        ("[::]", True),
        ("127.0.0.1", False),
        ("::1", False),
        ("192.168.1.10", False),
        ("localhost", False),
        ("$VAR", None),
        ("${BIND_ADDRESS:-127.0.0.1}", None),
    ],
)
def test_every_interface(host_ip: str | None, expected: bool | None) -> None:
    assert every_interface(host_ip) is expected


@pytest.mark.parametrize(
    ("host_ip", "expected"),
    [
        (None, False),
        ("", False),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("[::1]", True),
        ("::ffff:127.0.0.1", True),
        ("localhost", False),  # not an address: Compose refuses it
        ("${BIND_ADDRESS:-127.0.0.1}", None),
    ],
)
def test_loopback_only(host_ip: str | None, expected: bool | None) -> None:
    assert loopback_only(host_ip) is expected


def test_capability_security_option_and_device_names() -> None:
    assert capability("cap_sys_admin") == capability(" SYS_ADMIN ") == "SYS_ADMIN"
    assert security_option("seccomp:unconfined") == ("seccomp", "unconfined")
    assert security_option("Seccomp=Unconfined") == ("seccomp", "unconfined")
    assert security_option("no-new-privileges") == ("no-new-privileges", "")
    assert security_option("label=type:svirt_t") == ("label", "type:svirt_t")
    assert device_source("/dev/sda:/dev/xvda:rwm") == "/dev/sda"
    assert device_source("/dev/mem") == "/dev/mem"


@given(st.text(max_size=30))
def test_the_mount_grammar_never_raises(text: str) -> None:
    mount = parse_mount(text, ("volumes", 0), {})
    if mount is not None:
        assert mount.host_path is None or mount.host_path.startswith(("/", "~"))
    every_interface(text)
    security_option(text)
