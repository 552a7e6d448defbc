"""No input makes compose-lint print a traceback: every one below ends as a
finding (exit 1) or a clean run, quickly."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "compose_lint", "--isolated", "--no-show-source", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("compose.yaml", b"", "CL003"),
        ("compose.yaml", b"\x00\x01\x02\xff\xfe binary", "CL001"),
        ("compose.yaml", "services:\n  w\u00e9b: {image: a}\n".encode("latin-1"), "CL001"),
        ("compose.yaml", b"services: [unclosed\n", "CL001"),
        pytest.param("compose.yaml", BOMB.encode(), "CL001", id="alias-bomb"),
        pytest.param(
            "compose.yaml", b"a: " + b"[" * 50_000 + b"]" * 50_000, "CL001", id="deep-nesting"
        ),
        ("compose.yaml", b"&a [*a]\n", "CL001"),
        ("compose.yaml", b"- just\n- a list\n", "CL003"),
        ("compose.yaml", b"services:\n  web: !!binary aGVsbG8=\n", "CL003"),
        ("Dockerfile", b"", "CL004"),
        ("Dockerfile", b"\x00\x01binary\xff", "CL004"),
        ("Dockerfile", "FROM python:3.13\nRUN echo caf\u00e9\n".encode("latin-1"), "CL004"),
        ("Dockerfile", b"FROM a\nRUN <<EOF\nnever closed\n", "CL004"),
        pytest.param("Dockerfile", b"FROM a\nRUN " + b"x" * 2_000_000 + b"\n", None, id="2MB-line"),
        (".dockerignore", b"\x00\xff", None),
    ],
)
def test_hostile_file(tmp_path: Path, name: str, content: bytes, code: str | None) -> None:
    (tmp_path / name).write_bytes(content)
    start = time.monotonic()
    result = cli(name, cwd=tmp_path)
    assert "Traceback" not in result.stderr, result.stderr
    assert time.monotonic() - start < 30
    assert result.returncode in (0, 1), result.stderr
    if code is not None:
        assert f" {code} " in result.stdout


def test_alias_bomb_is_rejected_in_well_under_a_second() -> None:
    from compose_lint.load.yaml import YamlError, load_yaml

    start = time.perf_counter()
    with pytest.raises(YamlError):
        load_yaml(BOMB)
    assert time.perf_counter() - start < 0.5


def test_ten_megabyte_compose_file(tmp_path: Path) -> None:
    lines = ["services:"]
    service = "  s{0}:\n    image: example.org/s{0}:1.0\n    environment: [A=1]"
    lines += [service.format(i) for i in range(90_000)]
    (tmp_path / "compose.yaml").write_text("\n".join(lines) + "\n")
    assert (tmp_path / "compose.yaml").stat().st_size > 5_000_000
    result = cli("compose.yaml", "--select", "CL0", cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr


def test_file_over_the_size_cap_is_a_finding(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_bytes(b"# " + b"x" * (17 * 1024 * 1024) + b"\n")
    result = cli("compose.yaml", cwd=tmp_path)
    assert result.returncode == 1 and " CL001 " in result.stdout
    assert "larger than" in result.stdout


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks on this platform")
def test_symlink_loops(tmp_path: Path) -> None:
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "up").symlink_to(tmp_path)
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    build: loop\n    image: example.org/web:1\n"
    )
    (tmp_path / "compose.override.yaml").symlink_to(tmp_path / "compose.override.yaml")
    result = cli(".", cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 1)
    direct = cli("loop", cwd=tmp_path)
    assert "Traceback" not in direct.stderr and direct.returncode in (1, 2)


def test_a_lone_cr_in_a_dockerfile_does_not_shift_the_lines_shown(tmp_path: Path) -> None:
    """BuildKit ends Dockerfile lines at LF only, so a lone CR stays inside its line. The
    source lines shown (and masked) must be numbered the same way, or the line shown
    under one finding is another one, with a secret the masker never saw on it."""
    secret = "Zq8vT3kR9mW2xP7nL4"
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    build: .\n")
    (tmp_path / "Dockerfile").write_bytes(
        b"FROM python:3.13-slim\nLABEL a=_a\rb\nENV DB_PASS=" + secret.encode() + b"\nNOPE x\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "compose_lint", "--isolated", "--show-source", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert secret not in result.stdout
    shown = result.stdout.split("Dockerfile:4:1: CL004", 1)[1].splitlines()[1]
    assert shown.strip().startswith("4 | NOPE x"), result.stdout
