"""One grammar for the values Compose and Docker parse out of strings.

Every rule that reads a port, a duration, a byte size, a restart policy, a
volume spec or a `.env` file reads it here, so two rules can never disagree
about what a value means. The loader (`compose_lint.project`) uses the same
functions to build `Service.ports`, `Service.environment` and `Build.args`.

Numbers are read the way Go reads them (Compose is written in Go): ASCII digits
only (`"²".isdigit()` is true in Python, but no Go parser takes it) and of
bounded length, so a hostile 5,000-digit value is refused rather than turned
into a huge int. Port ranges are kept as (first, last) pairs and compared as
intervals, never expanded port by port.

Public names:
  scalars       scalar_text, resolved, is_true, is_false, shown (for messages), digits,
                bounded_int, go_atoi, count (scale, replicas)
  environment   parse_env (environment:, build.args:), parse_env_file (.env, interpolated),
                env_file_entries (its lines with positions, as written)
  ports         MAX_PORT, PROTOCOLS, port_number, port_range, PortSpec, split_port,
                parse_port(s) (what Service.ports holds), port_problem (CL117), valid_ip,
                container_side, host_range, Binds, host_binds (what a binding covers)
  EXPOSE        PortSpan, parse_port_span (EXPOSE words, expose:, the image table),
                expose_problem (CL324), image_ports (data/image_ports.json), uncovered
  durations     duration_problem
  byte sizes    go_float, size_problem
  restart       engine_policy, restart_problem, RESTART_FIX
  volumes       volume_sections, volume_source, is_bind_source, volume_problem,
                Mount, parse_mount(s) (short and long syntax), host_path
  exposure      every_interface (a binding on all host interfaces), loopback_only (a
                binding only the host reaches), device_source (a `devices:` entry's
                host side), capability (cap_add / cap_drop names), security_option
                (security_opt entries)
"""

from __future__ import annotations

import ipaddress
import posixpath
import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from compose_lint import data
from compose_lint.load import interpolation

if TYPE_CHECKING:
    from compose_lint.model import EnvVar, Port, YamlPath

_DIGITS = frozenset("0123456789")
_TRUE_WORDS = frozenset({"true", "yes", "y", "on"})
_FALSE_WORDS = frozenset({"false", "no", "n", "off"})
_VARIABLE = re.compile(r"\$\{[^{}]*\}")
# Longer than any number Go's 64-bit parsers take (int64 has 19 digits); longer
# digit strings are refused without being converted.
_MAX_DIGITS = 20

# -- scalars ------------------------------------------------------------------------


def scalar_text(value: Any) -> str | None:
    """A YAML scalar as the text Compose sees (booleans as true/false); None otherwise."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def resolved(value: Any, env: Mapping[str, str]) -> str | None:
    """A string as Compose reads it after interpolation with `env`; None if it is
    not a string or interpolation leaves it unknown."""
    if isinstance(value, str):
        return interpolation.substitute(value, env)
    return None


def is_true(value: Any, env: Mapping[str, str]) -> bool:
    """A boolean written as YAML true or as a true word (`yes`, `on`...), interpolated."""
    if isinstance(value, bool):
        return value
    text = resolved(value, env)
    return text is not None and text.strip().lower() in _TRUE_WORDS


def is_false(value: Any, env: Mapping[str, str]) -> bool:
    if isinstance(value, bool):
        return not value
    text = resolved(value, env)
    return text is not None and text.strip().lower() in _FALSE_WORDS


def shown(raw: Any, value: str) -> str:
    """How a message shows a value: as written, plus what it interpolates to."""
    if isinstance(raw, str) and raw != value:
        return f'"{raw}" (which interpolates to "{value}")'
    return f'"{value}"'


def digits(text: str) -> bool:
    """True for a non-empty run of ASCII digits (what Go's number parsers take)."""
    return bool(text) and set(text) <= _DIGITS


def bounded_int(text: str, limit: int) -> int | None:
    """The ASCII-digit number `text` when it is at most `limit`; None otherwise
    (including for a digit string too long to convert safely)."""
    if not digits(text):
        return None
    stripped = text.lstrip("0") or "0"
    if len(stripped) > _MAX_DIGITS:
        return None
    value = int(stripped)
    return value if value <= limit else None


_INT64 = 2**63 - 1


def go_atoi(text: str) -> int | None:
    """Go's strconv.Atoi (64-bit): an optional sign and ASCII digits, in range."""
    negative = text[:1] == "-"
    body = text[1:] if text[:1] in ("+", "-") else text
    value = bounded_int(body, _INT64 + 1 if negative else _INT64)
    if value is None:
        return None
    return -value if negative else value


def count(value: Any, env: Mapping[str, str]) -> int | None:
    """A count (`scale`, `deploy.replicas`) as Compose casts it: an int, or a
    string of digits after interpolation; None when unknown or not a count."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = interpolation.substitute(value, env)
        if text is not None:
            return bounded_int(text.strip(), _INT64)
    return None


# -- environment ----------------------------------------------------------------------


def parse_env(raw: Any, path: YamlPath) -> list[EnvVar]:
    """`environment:` / `build.args:` in list (`NAME=value`) or mapping form."""
    from compose_lint.model import EnvVar

    result: list[EnvVar] = []
    if isinstance(raw, dict):
        for name, value in raw.items():
            result.append(EnvVar(str(name), scalar_text(value), path + (name,), False))
    elif isinstance(raw, list):
        for i, item in enumerate(raw):
            if not isinstance(item, str) or not item:
                continue
            name, sep, value = item.partition("=")
            result.append(EnvVar(name.strip(), value if sep else None, path + (i,), True))
    return result


def parse_env_file(text: str) -> dict[str, str]:
    """A `.env` file as Compose reads it: `NAME=value` lines, `#` comments, an
    optional `export`. A single-quoted value is literal; a double-quoted one takes
    the escapes \\n \\r \\t \\\\ \\" and, like an unquoted one, is interpolated with
    the variables set above it (left as written when it names one the file does not
    set: only the shell knows it). An unquoted value ends at " #"; a quoted one at
    its closing quote."""
    env: dict[str, str] = {}
    for entry in env_file_entries(text):
        value = entry.value
        if entry.interpolated and "$" in value:
            expanded = interpolation.substitute(value, env)
            value = value if expanded is None else expanded
        env[entry.name] = value
    return env


class EnvFileEntry(NamedTuple):
    """One `NAME=value` line of a `.env` file, as written (not interpolated)."""

    name: str
    value: str  # its quotes and escapes removed
    interpolated: bool  # Compose substitutes `${...}` in it (unquoted or double-quoted)
    line: int  # 1-based
    column: int  # 1-based column of the name


def env_file_entries(text: str) -> list[EnvFileEntry]:
    """The `NAME=value` lines of a `.env` file in order (see `parse_env_file`)."""
    found: list[EnvFileEntry] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        if line.startswith("export "):
            line = line[7:].lstrip()
        name, _, value = line.partition("=")
        value, interpolate = _env_value(value.strip())
        column = raw.find(line) + 1
        found.append(EnvFileEntry(name.strip(), value, interpolate, number, column))
    return found


_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\", '"': '"'}


def _env_value(value: str) -> tuple[str, bool]:
    """One `.env` value without its quotes, and whether Compose interpolates it."""
    quote = value[:1]
    if quote not in ("'", '"') or len(value) < 2:
        return _unquoted(value), True
    out: list[str] = []
    i = 1
    while i < len(value):
        char = value[i]
        if char == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            if nxt == quote:
                out.append(nxt)
                i += 2
                continue
            if quote == '"' and nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                i += 2
                continue
        if char == quote:
            return "".join(out), quote == '"'
        out.append(char)
        i += 1
    return _unquoted(value), True  # no closing quote: read as unquoted


def _unquoted(value: str) -> str:
    return value.split(" #", 1)[0].rstrip() if " #" in value else value


# -- ports ------------------------------------------------------------------------------

MAX_PORT = 65535
PROTOCOLS = ("tcp", "udp", "sctp")


def port_number(text: str) -> int | None:
    """Go's strconv.ParseUint(text, 10, 16): ASCII digits, 0-65535."""
    return bounded_int(text, MAX_PORT)


def port_range(text: str) -> tuple[int, int] | None:
    """`80` or `8000-8010` as Docker reads it (nat.ParsePortRange): ports 0-65535,
    the end not below the start; None otherwise."""
    if "-" not in text:
        port = port_number(text)
        return None if port is None else (port, port)
    parts = text.split("-")
    start, end = port_number(parts[0]), port_number(parts[1])
    if start is None or end is None or end < start:
        return None
    return start, end


class PortSpec(NamedTuple):
    """The parts of a short `ports:` entry, as written."""

    host_ip: str  # "" when absent; an IPv6 address keeps its brackets
    host_port: str  # "" when absent
    container: str
    protocol: str  # "" when absent


def split_port(spec: str) -> PortSpec:
    """`[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]` cut the way Compose cuts it:
    the last colon ends the host port, the one before it the host address (which
    may hold colons itself: `::1:80:80`, `[::1]:80:80`)."""
    parts = spec.split(":")
    host_ip, host_port = "", ""
    if len(parts) == 2:
        host_port = parts[0]
    elif len(parts) >= 3:
        host_ip, host_port = ":".join(parts[:-2]), parts[-2]
    container, _, protocol = parts[-1].partition("/")
    return PortSpec(host_ip, host_port, container, protocol)


def parse_port(raw: Any, path: YamlPath) -> Port | None:
    """One `ports:` entry, short or long syntax; None when its container side
    cannot be known statically (interpolated) or is no port (malformed: CL117)."""
    from compose_lint.model import Port

    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return Port(raw, raw, None, None, "tcp", path) if 0 <= raw <= MAX_PORT else None
    if isinstance(raw, dict):
        target = raw.get("target")
        if isinstance(target, str):
            target = port_number(target)
        if not isinstance(target, int) or isinstance(target, bool):
            return None
        if not 0 <= target <= MAX_PORT:
            return None
        published = scalar_text(raw.get("published"))
        written_protocol, written_ip = raw.get("protocol"), raw.get("host_ip")
        protocol = written_protocol if isinstance(written_protocol, str) else "tcp"
        address = written_ip if isinstance(written_ip, str) else None
        return Port(target, target, published or None, address, protocol.lower(), path)
    if not isinstance(raw, str):
        return None
    # "${HOST_PORT:-8000}:8000": the container side is still known
    spec = split_port(_VARIABLE.sub("$VAR", raw))
    if "$" in spec.protocol:
        return None
    target = port_range(spec.container)
    if target is None:
        return None
    host_ip = spec.host_ip
    if host_ip.startswith("[") and host_ip.endswith("]"):
        host_ip = host_ip[1:-1]
    return Port(
        target[0],
        target[1],
        spec.host_port or None,
        host_ip or None,
        (spec.protocol or "tcp").lower(),
        path,
    )


def parse_ports(raw: Any, path: YamlPath) -> list[Port]:
    if not isinstance(raw, list):
        return []
    ports = (parse_port(item, path + (i,)) for i, item in enumerate(raw))
    return [p for p in ports if p is not None]


def valid_ip(text: str) -> bool:
    """Go's net.ParseIP: an IPv4 or IPv6 address, without a zone."""
    if "%" in text:
        return False
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def host_range(text: str) -> tuple[int, int] | None:
    """The fixed host ports of a published side (`8080`, `8000-8002`); None for
    0 (an ephemeral port), a reversed range or anything that is no port."""
    found = port_range(text.strip())
    return found if found is not None and found[0] > 0 else None


Binds = frozenset[tuple[int, str | None]]


def host_binds(host_ip: str | None) -> Binds | None:
    """The addresses a binding covers, as (IP version, address or None for any);
    None when `host_ip` is not an IP address. No address binds both 0.0.0.0 and ::."""
    if host_ip is None or not host_ip.strip():
        return frozenset({(4, None), (6, None)})
    try:
        address = ipaddress.ip_address(host_ip.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_unspecified:
        return frozenset({(address.version, None)})
    return frozenset({(address.version, str(address))})


def container_side(spec: str) -> str | None:
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


_PORT_FORM = "[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]"


def port_problem(spec: str) -> str | None:
    """Why Compose refuses a short `ports:` entry (interpolated); None when it accepts it."""
    host_ip, host_port, container, protocol = split_port(spec)
    if not container:
        return f"it names no container port (the form is {_PORT_FORM})"
    protocol = (protocol or "tcp").lower()
    if protocol not in PROTOCOLS:
        return f'"{protocol}" is not a protocol: use tcp, udp or sctp'
    if host_ip.startswith("["):
        if not host_ip.endswith("]") or host_ip.count("]") != 1:
            return f'"{host_ip}" is not a bracketed IPv6 address (the form is {_PORT_FORM})'
        host_ip = host_ip[1:-1]
    if host_ip and not valid_ip(host_ip):
        return f'"{host_ip}" is not an IP address (the form is {_PORT_FORM})'
    target = port_range(container)
    if target is None:
        return f'"{container}" is not a port or range of ports 0-65535'
    if host_port:
        published = port_range(host_port)
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


# -- EXPOSE words, `expose:` entries, the image table -------------------------------------


class PortSpan(NamedTuple):
    """Container ports an image or service exposes: first-last (inclusive) of one protocol."""

    first: int
    last: int
    protocol: str


def parse_port_span(text: str) -> PortSpan | None:
    """`80`, `80/udp`, `8000-8010/tcp` (an EXPOSE word, an `expose:` entry, a row
    of the image table); None when Docker would refuse it."""
    spec, _, protocol = text.strip().partition("/")
    protocol = (protocol or "tcp").lower()
    if protocol not in PROTOCOLS:
        return None
    found = port_range(spec)
    return PortSpan(found[0], found[1], protocol) if found is not None else None


def uncovered(
    spans: Iterable[PortSpan], first: int, last: int, protocol: str
) -> list[tuple[int, int]]:
    """The parts of ports first-last/protocol that no span covers, as ranges."""
    left = [(first, last)]
    for span in spans:
        if span.protocol != protocol:
            continue
        rest: list[tuple[int, int]] = []
        for a, b in left:
            if span.last < a or span.first > b:
                rest.append((a, b))
                continue
            if a < span.first:
                rest.append((a, span.first - 1))
            if span.last < b:
                rest.append((span.last + 1, b))
        left = rest
    return sorted(left)


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def expose_problem(word: str, variables: Mapping[str, int]) -> str | None:
    """What is wrong with one EXPOSE argument, or None when Docker accepts it.
    `variables`: the ARG and ENV names declared so far -> their line."""
    if "$" in word:
        return None  # a variable: its value is only known at build time
    spec = _unquote(word)
    port, slash, protocol = spec.partition("/")
    if slash and protocol and protocol.lower() not in PROTOCOLS:
        if "/" in protocol:
            return f'"{spec}" has more than one "/"; write "port/protocol", e.g. "80/tcp"'
        import difflib  # only when a name is misspelt

        close = difflib.get_close_matches(protocol.lower(), PROTOCOLS, n=1, cutoff=0.5)
        hint = f'; did you mean "{port}/{close[0]}"?' if close else ""
        return (
            f'"{spec}" has the unknown protocol "{protocol}": EXPOSE accepts tcp (the '
            f"default), udp and sctp{hint}"
        )
    if ":" in port:
        container = port.rsplit(":", 1)[-1]
        return (
            f'"{spec}" maps a host port, which EXPOSE cannot do (Docker ignores the host '
            f'part); write "EXPOSE {container}{slash}{protocol}" and publish the port from '
            f'the compose file instead (ports: ["{port}"])'
        )
    start, dash, end = port.partition("-")
    numbers = [start, end] if dash else [start]
    if not all(digits(n) for n in numbers):
        if port in variables:
            return (
                f'"{spec}" is not a port number but the name of the variable declared on '
                f'line {variables[port]}; write "${port}{slash}{protocol}" to use its value'
            )
        if port.isidentifier():
            return (
                f'"{spec}" is not a port number; to use a build argument or variable, write '
                f'"${port}"'
            )
        return (
            f'"{spec}" is not a port: EXPOSE takes a port number (8080), a range '
            "(8000-8010), either followed by /tcp, /udp or /sctp, or a $VARIABLE"
        )
    values = [n.lstrip("0") or "0" for n in numbers]
    too_big = [v for v in values if port_number(v) is None]
    if too_big:
        where = "" if spec == too_big[0] else f' in "{spec}"'
        return (
            f"port {too_big[0]}{where} is out of range: ports go from 0 to {MAX_PORT}; "
            "fix the number"
        )
    if dash and int(values[1]) < int(values[0]):
        return f'the range "{port}" ends below its start; write it low to high ("{end}-{start}")'
    return None


@cache
def _image_ports_table() -> dict[str, Any]:
    images = data.load("image_ports.json")["images"]
    return images if isinstance(images, dict) else {}


def image_ports(reference: str | None) -> list[PortSpan] | None:
    """What an official base image EXPOSEs, per the shipped table
    (data/image_ports.json); None when the table does not know the image."""
    from compose_lint.model.imageref import parse_image

    if reference is None:
        return None
    if reference.strip().lower() == "scratch":
        name, tag = "scratch", "latest"
    else:
        image = parse_image(reference)
        if image is None or not image.official:
            return None
        name, tag = image.short_name, image.tag or "latest"
    entry = _image_ports_table().get(name)
    if not isinstance(entry, dict):
        return None
    ports = entry.get("ports", [])
    for variant in entry.get("variants", []):
        if variant.get("tag_contains", "\x00") in tag.lower():
            ports = variant.get("ports", [])
            break
    spans = (parse_port_span(str(text)) for text in ports)
    return [s for s in spans if s is not None]


# -- durations --------------------------------------------------------------------------

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
# No duration reaches 2**63 ns with more whole digits than this; more fraction
# digits than this cannot change whether it does.
_DURATION_DIGITS = 40


def _digits_at(text: str, start: int) -> int:
    end = start
    while end < len(text) and text[end] in _DIGITS:
        end += 1
    return end


def duration_problem(text: str) -> str | None:
    """Why Compose refuses `text` as a duration (Go's time.ParseDuration grammar
    with d and w added); None when it accepts it."""
    too_long = "it is longer than the about 292 years a duration can hold"
    rest = text
    negative = rest[:1] == "-"
    if rest[:1] in ("+", "-"):
        rest = rest[1:]
    if rest == "0":
        return None
    if not rest:
        return "it is empty"
    from fractions import Fraction  # only for durations

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
        whole = whole.lstrip("0")
        if len(whole) > _DURATION_DIGITS:
            return too_long
        fraction = fraction[:_DURATION_DIGITS]
        amount = int(whole or "0") + (
            Fraction(int(fraction), 10 ** len(fraction)) if fraction else 0
        )
        total += amount * _NS_PER_UNIT[unit]
    if total > (2**63 if negative else 2**63 - 1):
        return too_long
    return None


# -- byte sizes -------------------------------------------------------------------------

_DECIMAL = re.compile(r"(?:[0-9_]+\.?[0-9_]*|\.[0-9_]+)(?:[eE][+-]?[0-9_]+)?")
_HEXADECIMAL = re.compile(r"0[xX](?:[0-9a-fA-F_]+\.?[0-9a-fA-F_]*|\.[0-9a-fA-F_]+)[pP][+-]?[0-9_]+")
_SIZE_UNITS = frozenset("kmgtp")


def go_float(text: str) -> float | None:
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
    size = go_float(number)
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


# -- restart policies -------------------------------------------------------------------

RESTART_FIX = 'use one of "no", "always", "on-failure", "on-failure:N" or "unless-stopped"'


def engine_policy(name: str) -> str | None:
    """The engine's restart policy for a Compose name (Compose maps the deploy
    spellings none/any); None when the engine knows no such policy."""
    mapped = {"none": "no", "any": "always"}.get(name, name)
    return mapped if mapped in ("no", "always", "on-failure", "unless-stopped") else None


def restart_problem(value: str) -> str | None:
    """Why the engine refuses a `restart:` value; None if it takes it."""
    parts = value.split(":")
    name = parts[0]
    retries = (go_atoi(parts[1]) or 0) if len(parts) > 1 else 0
    policy = engine_policy(name)
    if policy is None:
        return f'the Docker engine knows no restart policy "{name}"; {RESTART_FIX}'
    if retries and policy != "on-failure":
        return (
            f'a retry count only goes with "on-failure", so "{policy}" with {retries} is '
            f'refused; write "on-failure:{retries}" or drop ":{parts[1]}"'
        )
    if retries < 0:
        return (
            'the retry count cannot be negative; write "on-failure" or "on-failure:N" with N >= 0'
        )
    return None


# -- volumes ----------------------------------------------------------------------------


def volume_sections(spec: str) -> list[str]:
    """A short `volumes:` entry (SOURCE:TARGET[:OPTIONS]) split at its colons the
    way Compose splits it: left to right, a single letter before a colon being a
    Windows drive (`C:`) that keeps its colon."""
    sections: list[str] = []
    buffer = ""
    for char in spec:
        if char == ":" and not (len(buffer) == 1 and buffer.isalpha()):
            sections.append(buffer)
            buffer = ""
        else:
            buffer += char
    sections.append(buffer)
    return sections


def volume_source(spec: str) -> str | None:
    """The source of a short `volumes:` entry; None for an anonymous volume."""
    if len(spec) <= 2:
        return None
    sections = volume_sections(spec)
    return sections[0] if len(sections) >= 2 else None


def is_bind_source(source: str) -> bool:
    """A bind-mount source (a host path), as opposed to a volume name."""
    if source.startswith((".", "/", "~", "\\\\")):
        return True
    return len(source) >= 2 and source[0].isalpha() and source[1] == ":"


def volume_problem(spec: str) -> str | None:
    """Why Compose cannot parse a short `volumes` entry, or None (options it does
    not know are ignored)."""
    if not spec:
        return 'the entry is empty; write "SOURCE:TARGET" or a container path'
    if len(spec) <= 2:
        return None
    sections = volume_sections(spec)
    for i, section in enumerate(sections):
        if not section:
            return f'"{spec}" has an empty section between colons'
        if i == 2 and len(sections) > 3:
            return f'"{spec}" has too many colons: write SOURCE:TARGET:OPTIONS'
    return None


class Mount(NamedTuple):
    """One `volumes:` entry of a service, short or long syntax, once interpolated."""

    kind: str  # "bind", "volume" (named or anonymous), "tmpfs", "npipe", "image"...
    source: str | None  # the host path or volume name as written; None: anonymous
    target: str
    read_only: bool
    path: YamlPath  # where the entry is written (the list item)

    @property
    def host_path(self) -> str | None:
        """The absolute host path a bind mount names, normalised (`//var/run/x` and
        `/var/run/../run/x` are `/var/run/x`; `~/.ssh` stays `~/.ssh`, a home
        directory); None for a relative path, a Windows path or no bind mount."""
        if self.kind != "bind" or not self.source:
            return None
        return host_path(self.source)


# short-syntax options that make a mount read-only or writable (compose-go reads the
# comma-separated third section; SELinux z/Z, propagation and nocopy leave it as is)
_READ_ONLY_OPTIONS = frozenset({"ro", "readonly"})


def host_path(source: str) -> str | None:
    """An absolute POSIX host path, normalised, or `~/...` for one in a home
    directory; None for a relative or Windows path."""
    text = source.strip().replace("\\", "/") if not source.startswith("\\\\") else ""
    if text.startswith("~"):  # ~/.ssh, or ~user/.ssh: a home directory either way
        _, _, rest = text.partition("/")
        normal = posixpath.normpath("/" + rest) if rest else "/"
        return "~" + ("" if normal == "/" else normal)
    if not text.startswith("/"):
        return None
    return "/" + posixpath.normpath(text).lstrip("/")


def parse_mount(raw: Any, path: YamlPath, env: Mapping[str, str]) -> Mount | None:
    """One `volumes:` entry of a service, short (`SOURCE:TARGET[:OPTIONS]`) or long
    (`type:`, `source:`, `target:`, `read_only:`) syntax, read after interpolation
    with `env`; None when a variable leaves it unknown or it is malformed."""
    if isinstance(raw, str):
        spec = resolved(raw, env)
        if spec is None or volume_problem(spec) is not None:
            return None
        sections = volume_sections(spec)
        if len(sections) == 1:
            return Mount("volume", None, sections[0], False, path)
        source, target = sections[0], sections[1]
        options = sections[2].split(",") if len(sections) > 2 else []
        read_only = any(o.strip().lower() in _READ_ONLY_OPTIONS for o in options)
        kind = "bind" if is_bind_source(source) else "volume"
        return Mount(kind, source, target, read_only, path)
    if isinstance(raw, dict):
        long_kind = resolved(raw.get("type", "volume"), env)
        long_target = resolved(raw.get("target"), env)
        written = raw.get("source")
        long_source = resolved(written, env) if written is not None else None
        if long_kind is None or long_target is None or (written is not None and not long_source):
            return None
        return Mount(
            long_kind.strip().lower(),
            long_source or None,
            long_target,
            is_true(raw.get("read_only", False), env),
            path,
        )
    return None


def parse_mounts(raw: Any, path: YamlPath, env: Mapping[str, str]) -> list[Mount]:
    """Every `volumes:` entry of a service that can be read (`parse_mount`)."""
    if not isinstance(raw, list):
        return []
    mounts = (parse_mount(item, path + (i,), env) for i, item in enumerate(raw))
    return [m for m in mounts if m is not None]


# -- ports published on every interface --------------------------------------------------


def every_interface(host_ip: str | None) -> bool | None:
    """Whether a port binding listens on every interface of the host: True with no
    host address or 0.0.0.0 / ::; False for one address (127.0.0.1, ::1, a LAN
    address, `localhost`); None when a variable chooses it."""
    if host_ip is None or not host_ip.strip():
        return True
    if "$" in host_ip:
        return None
    binds = host_binds(host_ip)
    if binds is None:
        return False
    return any(address is None for _, address in binds)


def loopback_only(host_ip: str | None) -> bool | None:
    """Whether a port binding listens only on the host's loopback interface
    (127.0.0.0/8, ::1), so that only the host itself reaches it: False with no host
    address, 0.0.0.0 / :: or any other address; None when a variable chooses it."""
    if host_ip is None or not host_ip.strip():
        return False
    if "$" in host_ip:
        return None
    binds = host_binds(host_ip)
    if binds is None:
        return False
    return all(
        address is not None and ipaddress.ip_address(address).is_loopback for _, address in binds
    )


# -- capabilities and security options ----------------------------------------------------


def capability(text: str) -> str:
    """A Linux capability as Docker reads `cap_add` / `cap_drop`: any case, with or
    without the `CAP_` prefix (`cap_sys_admin`, `SYS_ADMIN` are `SYS_ADMIN`)."""
    name = text.strip().upper()
    return name.removeprefix("CAP_")


def security_option(text: str) -> tuple[str, str]:
    """A `security_opt` entry as (key, value), lower-case: `seccomp:unconfined` and
    `seccomp=unconfined` are ("seccomp", "unconfined"); a bare `no-new-privileges`
    is ("no-new-privileges", "")."""
    text = text.strip()
    cuts = [i for i in (text.find(":"), text.find("=")) if i >= 0]
    if not cuts:
        return text.lower(), ""
    cut = min(cuts)
    return text[:cut].strip().lower(), text[cut + 1 :].strip().lower()


def device_source(spec: str) -> str:
    """The host side of a `devices:` entry (`HOST[:CONTAINER[:PERMISSIONS]]`)."""
    return spec.strip().partition(":")[0]
