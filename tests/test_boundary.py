"""Hostile projects, each from the minimal input that once broke a promise of the
README: files outside the project are never read or printed, special files never
block, secrets are masked wherever a line is shown, output is safe on a terminal
and in every format, and no value loses the run."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

CANARY = "CANARYoutsideTREE"
SECRET = "Zq8vT3kR9mW2xP7nL4"
FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit")
posix_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs and links")


def cli(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "compose_lint", "--isolated", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="surrogateescape",
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def every_format(*args: str, cwd: Path) -> dict[str, subprocess.CompletedProcess[str]]:
    runs = {f: cli("--format", f, *args, cwd=cwd) for f in FORMATS}
    runs["text"] = cli("--show-source", "--statistics", *args, cwd=cwd)
    for fmt, result in runs.items():
        assert "Traceback" not in result.stderr, (fmt, result.stderr)
        assert result.returncode in (0, 1), (fmt, result.stdout, result.stderr)
    return runs


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A project in its own repository, beside a file outside it holding a canary."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.yaml").write_text(
        f"services:\n  {CANARY}:\n    image: {CANARY}\n{CANARY}: {CANARY}\n"
    )
    (tmp_path / "outside" / "Dockerfile").write_text(f"{CANARY} root:x:0:0\nFROM {CANARY}\n")
    project = tmp_path / "project"
    project.mkdir()
    (project / ".git").mkdir()
    return project


# -- the boundary of what is read ---------------------------------------------------


@pytest.mark.parametrize(
    "compose",
    [
        "include: [../outside/secret.yaml]\nservices: {}\n",
        "services:\n  web:\n    extends: {file: ../outside/secret.yaml, service: x}\n",
        "services:\n  web:\n    image: a:1\n"
        "    build: {context: ., dockerfile: ../outside/Dockerfile}\n",
        "services:\n  web:\n    image: a:1\n    build: {context: ../outside}\n",
        "include: [/proc/self/environ]\nservices: {}\n",
    ],
    ids=["include", "extends-file", "build-dockerfile", "build-context", "proc"],
)
def test_a_reference_out_of_the_tree_is_named_and_never_read(tree: Path, compose: str) -> None:
    (tree / "compose.yaml").write_text(compose)
    for fmt, result in every_format(".", cwd=tree).items():
        assert CANARY not in result.stdout + result.stderr, fmt
    text = cli("--no-show-source", ".", cwd=tree).stdout
    if "proc" in compose:
        assert " CL009 " in text and "/proc/self/environ" in text
    elif "context: ../outside" not in compose:
        assert " CL009 " in text and "outside the project tree" in text
        assert "outside/" in text  # the path is named


@posix_only
@pytest.mark.parametrize(
    ("name", "target"),
    [
        (".env", "/proc/self/environ"),
        (".env", "../outside/secret.yaml"),
        ("Dockerfile", "../outside/Dockerfile"),
        ("Dockerfile", "/etc/passwd"),
        ("compose.override.yaml", "../outside/secret.yaml"),
    ],
)
def test_a_link_out_of_the_tree_is_not_followed(tree: Path, name: str, target: str) -> None:
    (tree / "compose.yaml").write_text("services:\n  web:\n    image: a:1\n    build: .\n")
    (tree / name).symlink_to(target if target.startswith("/") else tree / target)
    for fmt, result in every_format(".", cwd=tree).items():
        assert CANARY not in result.stdout, fmt
        assert "root:x:0:0" not in result.stdout, fmt
    assert "outside the project tree" in cli("--no-show-source", ".", cwd=tree).stdout


def test_root_widens_the_boundary(tree: Path) -> None:
    (tree / "compose.yaml").write_text(
        "services:\n  web:\n    image: a:1\n"
        "    build: {context: ., dockerfile: ../outside/Dockerfile}\n"
    )
    narrow = cli("--no-show-source", ".", cwd=tree).stdout
    wide = cli("--no-show-source", "--root", "..", ".", cwd=tree).stdout
    assert " CL009 " in narrow and " CL009 " not in wide
    assert " CL004 " in wide  # the Dockerfile was read: its first line is no instruction


def test_a_file_named_on_the_command_line_is_read_wherever_it_is(tree: Path) -> None:
    result = cli("--no-show-source", str(tree.parent / "outside" / "secret.yaml"), cwd=tree)
    assert result.returncode == 1 and " CL009 " not in result.stdout


@posix_only
@pytest.mark.parametrize("name", ["compose.yaml", "compose.override.yaml", "Dockerfile", ".env"])
def test_a_fifo_never_blocks(tree: Path, name: str) -> None:
    if name != "compose.yaml":
        (tree / "compose.yaml").write_text("services:\n  web:\n    image: a:1\n    build: .\n")
    os.mkfifo(tree / name)
    start = time.monotonic()
    result = cli("--no-show-source", ".", cwd=tree, timeout=30)
    assert time.monotonic() - start < 30
    assert "Traceback" not in result.stderr and result.returncode in (0, 1)
    if name in ("compose.yaml", "Dockerfile"):
        assert "named pipe" in result.stdout


@posix_only
def test_a_link_to_stdin_never_blocks(tree: Path) -> None:
    (tree / "docker-compose.yml").symlink_to("/dev/stdin")
    read_end, write_end = os.pipe()  # kept open, never written: reading it blocks forever
    try:
        result = subprocess.run(
            [sys.executable, "-m", "compose_lint", "--isolated", "."],
            cwd=tree,
            stdin=read_end,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    finally:
        os.close(read_end)
        os.close(write_end)
    assert "Traceback" not in result.stderr and result.returncode in (0, 1)
    assert "docker-compose.yml" in result.stdout


@posix_only
def test_output_to_a_fifo_without_reader_does_not_block(tree: Path) -> None:
    (tree / "compose.yaml").write_text("services:\n  web:\n    image: a:1\n")
    os.mkfifo(tree / "report")
    result = cli("-o", "report", ".", cwd=tree, timeout=30)
    assert result.returncode == 2 and "cannot write the report" in result.stderr


# -- masking per line and per value ------------------------------------------------


@pytest.mark.parametrize(
    "compose",
    [
        # another rule's finding on the secret's line (a build arg, undeclared in the Dockerfile)
        "services:\n  web:\n    image: a:1\n    build: {context: ., args: {DB_PASSWORD: %s}}\n",
        # a duplicate key on the same line
        "services:\n  web: {image: a:1, environment: {API_TOKEN: %s}, image: b:1}\n",
        # a second secret later on the line
        "services:\n  web: {image: a, environment:"
        " {API_TOKEN: x9Pq2Lm7Wv4Rt8Zk, DB_PASSWORD: %s}}\n",
        # a minified one-line JSON compose file
        '{"services":{"web":{"image":"a","ports":["5000:5000"],"build":".",'
        '"environment":{"POSTGRES_PASSWORD":"%s"}}}}\n',
    ],
    ids=["build-arg", "duplicate-key", "second-secret", "one-line-json"],
)
def test_a_secret_is_masked_whatever_finding_shows_its_line(tree: Path, compose: str) -> None:
    (tree / "compose.yaml").write_text(compose % SECRET)
    (tree / "Dockerfile").write_text('FROM python:3.13\nCMD ["python"]\n')
    runs = every_format(".", cwd=tree)
    assert " CL201 " in runs["text"].stdout
    for fmt, result in runs.items():
        assert SECRET not in result.stdout + result.stderr, fmt


def test_a_secret_in_an_inline_dockerfile_is_masked(tree: Path) -> None:
    inline = f"FROM python:3.13\\nENV API_TOKEN={SECRET}\\nCMD [x]\\n"
    (tree / "compose.yaml").write_text(
        f'{{"services":{{"web":{{"image":"a","build":{{"context":".",'
        f'"dockerfile_inline":"{inline}"}},"ports":["1:1"]}}}}}}\n'
    )
    for fmt, result in every_format(".", cwd=tree).items():
        assert SECRET not in result.stdout, fmt


# -- safe output ---------------------------------------------------------------------


def test_control_characters_are_escaped_in_text_output(tree: Path) -> None:
    (tree / "compose.yaml").write_text(
        '{"services": {"\\u001b]0;pwned\\u0007": {"image": "a"},'
        ' "x\\ny: CL999 [error] forged": {"image": "b"}, "\\u202eevil": {}}}\n'
    )
    result = cli("--show-source", ".", cwd=tree)
    assert result.returncode == 1
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]", result.stdout)
    assert "\\x1b]0;pwned\\x07" in result.stdout and "\\u202e" in result.stdout
    assert not any(line.startswith("y: CL999") for line in result.stdout.splitlines())


@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "output"])
def test_a_lone_surrogate_is_encoded_in_every_format(tree: Path, to_file: bool) -> None:
    (tree / "compose.yaml").write_text("services:\n  web:\n    image: a:1\n    build: .\n")
    (tree / "Dockerfile").write_text('FROM python:3.13\nRUN ["sudo", "\\ud800"]\n')
    for fmt in FORMATS:
        args = ["--format", fmt, "-o", "report"] if to_file else ["--format", fmt]
        result = cli(*args, ".", cwd=tree)
        assert "Traceback" not in result.stderr and result.returncode == 1, (fmt, result.stderr)
        if to_file:
            (tree / "report").read_bytes().decode("utf-8")  # valid UTF-8 whatever it held
        if fmt in ("json", "sarif", "gitlab"):
            json.loads((tree / "report").read_text() if to_file else result.stdout)


@pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="file names must be bytes")
@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "output"])
def test_a_file_name_that_is_not_utf8(tmp_path: Path, to_file: bool) -> None:
    folder = os.fsencode(tmp_path) + b"/caf\xe9"
    os.mkdir(folder)
    with open(folder + b"/compose.yaml", "wb") as handle:
        handle.write(b"version: '3'\nservices:\n  web:\n    image: a\n")
    for fmt in FORMATS:
        args = ["--format", fmt, "-o", "report"] if to_file else ["--format", fmt]
        result = cli(*args, ".", cwd=tmp_path)
        assert "Traceback" not in result.stderr and result.returncode == 1, (fmt, result.stderr)


# -- budgets --------------------------------------------------------------------------


def test_show_source_on_a_minified_file_prints_a_window(tree: Path) -> None:
    services = {f"s{i}": {"image": f"registry.acme.io/s{i}"} for i in range(2500)}
    (tree / "compose.yaml").write_text(json.dumps({"services": services}, separators=(",", ":")))
    assert (tree / "compose.yaml").stat().st_size > 70_000
    result = cli("--show-source", ".", cwd=tree)
    assert result.returncode == 1
    assert len(result.stdout) < 3_000_000  # not the whole line per finding (230 MB once)
    assert max(len(line) for line in result.stdout.splitlines()) < 1000


def test_findings_per_file_are_capped(tree: Path) -> None:
    lines = ["services:"] + [f"  s{i}: {{image: a{i}}}" for i in range(1500)]
    (tree / "compose.yaml").write_text("\n".join(lines) + "\n")
    result = cli("--no-show-source", "--select", "CL302", ".", cwd=tree)
    assert result.stdout.count(" CL302 ") == 1000
    assert "500 more findings in this file are not shown" in result.stdout


def test_aliases_just_under_the_old_cap_are_refused_at_once(tree: Path) -> None:
    levels = "".join(
        f"{n}: &{n} [{', '.join(['*' + p] * 6)}]\n" for p, n in zip("abcdef", "bcdefg", strict=True)
    )
    (tree / "compose.yaml").write_text("a: &a [x, x, x, x, x, x]\n" + levels)
    result = cli("--no-show-source", ".", cwd=tree)
    assert result.returncode == 1 and " CL001 " in result.stdout
    assert "aliases add more than 100,000 values" in result.stdout


@posix_only
def test_a_fifo_named_pyproject_does_not_block(tree: Path) -> None:
    (tree / "compose.yaml").write_text("services:\n  web:\n    image: a:1\n")
    os.mkfifo(tree / "pyproject.toml")
    result = subprocess.run(
        [sys.executable, "-m", "compose_lint", "."],  # not --isolated: configs are looked for
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerignore_cannot_backtrack_exponentially() -> None:
    from compose_lint.load.dockerignore import parse_dockerignore

    ignore = parse_dockerignore("*a*a*a*a*a*a*a*b\n")
    start = time.monotonic()
    assert not ignore.is_excluded("a" * 5000)
    assert ignore.is_excluded("a" * 5000 + "b")
    assert time.monotonic() - start < 5  # minutes (or more) with a backtracking regex


def test_schema_patterns_are_linear_on_long_strings(tree: Path) -> None:
    digits = "1" * 20_000
    (tree / "compose.yaml").write_text(
        f'services:\n  web:\n    image: a:1\n    mem_limit: "{digits}x"\n'
        f'    stop_grace_period: "{digits}!"\n    cpus: "{digits}!"\n'
    )
    start = time.monotonic()
    result = cli("--no-show-source", "--select", "CL003", ".", cwd=tree)
    assert time.monotonic() - start < 20 and result.returncode == 1


# -- no value aborts the run ------------------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        '{"context": "' + "a" * 300 + '"}',
        '{"context": ".", "dockerfile": "' + "d" * 300 + '"}',
        '{"context": "a\\u0000b"}',
        '{"context": "."}',  # with a COPY source name over 255 bytes
    ],
    ids=["long-context", "long-dockerfile", "nul-context", "long-copy-source"],
)
def test_an_unusable_path_is_a_finding_and_other_projects_still_run(
    tmp_path: Path, build: str
) -> None:
    bad, good = tmp_path / "bad", tmp_path / "good"
    bad.mkdir()
    good.mkdir()
    (bad / "compose.yaml").write_text(
        f'{{"services": {{"web": {{"image": "a:1", "build": {build}}}}}}}\n'
    )
    (bad / "Dockerfile").write_text(f"FROM python:3.13\nCOPY {'c' * 300} /app/\n")
    (good / "compose.yaml").write_text("version: '3'\nservices:\n  web:\n    image: a:1\n")
    result = cli("--no-show-source", ".", cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1, result.stdout + result.stderr
    assert "good/compose.yaml:1:1: CL101" in result.stdout


def test_an_error_while_building_a_model_is_a_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from compose_lint import project as project_module
    from compose_lint.engine import Options, run

    for name in ("bad", "good"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "compose.yaml").write_text(
            "version: '3'\nservices: {web: {image: a:1}}\n"
        )
    real_service = project_module.Loader.service

    def service(self: project_module.Loader, project, name, data):  # type: ignore[no-untyped-def]
        if "bad" in str(project.directory):
            raise OSError(36, "File name too long")
        return real_service(self, project, name, data)

    monkeypatch.setattr(project_module.Loader, "service", service)
    result = run([str(tmp_path)], Options(isolated=True), tmp_path)
    codes = {(Path(f.path).parent.name, f.code) for f in result.findings}
    assert ("bad", "CL009") in codes and ("good", "CL101") in codes
    assert not result.crashes


# -- nothing run, fetched or written ----------------------------------------------------


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_a_run_executes_nothing_connects_nowhere_and_writes_only_its_report(
    tmp_path: Path,
) -> None:
    root = Path(__file__).resolve().parent.parent
    trace, report = tmp_path / "trace", tmp_path / "report.txt"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        ["strace", "-f", "-qq", "-o", str(trace), "-e", "trace=network,execve,openat,open,creat"]
        + [sys.executable, "-m", "compose_lint", "--isolated", "-o", str(report)]
        + ["fixtures/tutorial", "sample_project"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode not in (0, 1) or not trace.exists():
        pytest.skip(f"strace cannot trace here: {done.stderr.strip()[:200]}")
    calls = trace.read_text().splitlines()
    assert sum("execve(" in c for c in calls) == 1, calls[:5]  # the interpreter itself
    assert not [c for c in calls if re.search(r"\b(socket|connect|sendto|bind)\(", c)]
    writes = [c for c in calls if re.search(r"O_WRONLY|O_RDWR|O_CREAT", c) and "= -1" not in c]
    assert writes and all(str(report) in c for c in writes), writes


def test_findings_past_the_cap_are_counted_in_a_note(tmp_path: Path) -> None:
    """A file with more findings than the report keeps says how many it left out."""
    from compose_lint.engine import Options, run

    text = "services:\n" + "".join(
        f"  s{i}:\n    image: x\n    depends_on: [missing{i}]\n" for i in range(1200)
    )
    (tmp_path / "compose.yaml").write_text(text)
    result = run([str(tmp_path)], Options(select=("CL103",), isolated=True), tmp_path)
    assert sum(f.code == "CL103" for f in result.findings) == 1000
    notes = [f for f in result.findings if f.code == "CL009"]
    assert len(notes) == 1 and notes[0].message.startswith("200 more findings")
