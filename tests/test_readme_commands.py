"""The README's install lines and CI recipes, run as written.

A throwaway release of this checkout (its files as they are now, committed and
tagged v0.2.0 in a temporary git repository beside a user's project) stands in
for the published repository: the recipes take its location from the user
(`../compose-project-lint` for pre-commit, `COMPOSE_LINT_GIT` in CI), since no
public URL of it is known. Every shell command that can run offline runs in a
fresh virtualenv; `docker` needs a daemon and network, and the second first-
screen command (`pip install -e '.[test]' && pytest`) is the one running this.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SHARED

README = (ROOT / "README.md").read_text()
RELEASE = "v0.2.0"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def blocks(lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```$", README, re.M | re.S)


def section(title: str) -> str:
    return README.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def shell_lines(block: str) -> list[str]:
    """Commands of a ```sh block: comments dropped, one command per line."""
    lines = []
    for raw in block.splitlines():
        line = raw.split("  #", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if line:
            lines.append(line)
    return lines


def git(where: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=where, check=True, capture_output=True)


class Sandbox:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.release = root / "compose-project-lint"
        self.app = root / "app"
        self.venv = root / "venv"
        self.env = {
            **os.environ,
            "PATH": f"{self.venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
            "VIRTUAL_ENV": str(self.venv),
            "COMPOSE_LINT_GIT": self.release.as_uri(),
            "PRE_COMMIT_HOME": str(root / "pre-commit-home"),
            "PRE_COMMIT_COLOR": "never",
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        }
        self.env.pop("PYTHONPATH", None)

    def sh(self, command: str, cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            ["bash", "-c", f"set -euo pipefail\n{command}"],
            cwd=cwd,
            env={**self.env, **extra},
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        return done


def _release(where: Path) -> None:
    """This checkout's files (tracked and new, not ignored), committed and tagged."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            target = where / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    git(where, "init", "-q")
    git(where, "add", "-A")
    git(where, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "release")
    git(where, "tag", RELEASE)


WORKFLOW = "name: ci\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps: []\n"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    box = Sandbox(tmp_path_factory.mktemp("readme"))
    _release(box.release)
    # the user's project: the sample app, its config, a workflow named like compose
    shutil.copytree(ROOT / "sample_project", box.app)
    (box.app / ".github" / "workflows").mkdir(parents=True)
    (box.app / ".github" / "workflows" / "compose.yml").write_text(WORKFLOW)
    (box.app / ".compose-project-lint.yaml").write_text("extend-exclude: [vendor/]\n")
    git(box.app, "init", "-q")
    git(box.app, "add", "-A")
    git(box.app, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "app")
    subprocess.run([sys.executable, "-m", "venv", str(box.venv)], check=True)
    yield box


def test_first_screen_install_and_lint(sandbox: Sandbox) -> None:
    first = shell_lines(blocks("sh")[0])
    assert first[0] == "pip install . && compose-lint sample_project"
    done = sandbox.sh(first[0], sandbox.release)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No problems found" in done.stdout


def test_install_lines(sandbox: Sandbox) -> None:
    install = blocks("sh")[1]
    assert install in section("Install")
    commands = [c for c in shell_lines(install) if not c.startswith("docker ")]
    assert len(commands) == 4
    for command in commands:
        if command.startswith("pip "):
            sandbox.sh("pip uninstall -q -y compose-project-lint || true", sandbox.release)
        done = sandbox.sh(command, sandbox.release)
        assert done.returncode == 0, f"{command}\n{done.stdout}{done.stderr}"
        if command.startswith("pip "):  # every install carries the full rule pages
            page = sandbox.sh("compose-lint explain CL501", sandbox.root)
            assert page.stdout == (ROOT / "rules" / "CL501.md").read_text(), command
    assert "0.2.0" in done.stdout


def test_the_pre_commit_snippet_as_written(sandbox: Sandbox) -> None:
    snippet = next(b for b in blocks("yaml") if "repos:" in b)
    assert yaml.safe_load(snippet)["repos"][0]["rev"] == RELEASE
    (sandbox.app / ".pre-commit-config.yaml").write_text(snippet)
    git(sandbox.app, "add", ".pre-commit-config.yaml")
    pre_commit = shutil.which("pre-commit")
    if pre_commit is None:
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")
    done = sandbox.sh(f"{pre_commit} run --all-files --verbose", sandbox.app)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "compose-project-lint" in done.stdout and "Passed" in done.stdout


def test_the_github_actions_recipe(sandbox: Sandbox) -> None:
    recipe = yaml.safe_load(next(b for b in blocks("yaml") if "upload-sarif" in b))
    assert recipe["permissions"]["security-events"] == "write"
    (job,) = recipe["jobs"].values()
    uses = [s["uses"] for s in job["steps"] if "uses" in s]
    assert "github/codeql-action/upload-sarif@v4" in uses
    for step in job["steps"]:
        if "run" in step:
            done = sandbox.sh(step["run"], sandbox.app)
            assert done.returncode == 0, f"{step['run']}\n{done.stdout}{done.stderr}"
    _check_sarif(sandbox.app / "compose-lint.sarif")


def test_the_gitlab_recipe(sandbox: Sandbox) -> None:
    recipe = yaml.safe_load(next(b for b in blocks("yaml") if "codequality" in b))
    (job,) = recipe.values()
    for command in job["script"]:
        done = sandbox.sh(command, sandbox.app)
        assert done.returncode == 0, f"{command}\n{done.stdout}{done.stderr}"
    report = json.loads((sandbox.app / job["artifacts"]["reports"]["codequality"]).read_text())
    assert report == []


def test_the_composite_action(sandbox: Sandbox) -> None:
    """Each `run` step of action.yml, with the inputs' defaults, as the runner runs it."""
    action = yaml.safe_load((sandbox.release / "action.yml").read_text())
    defaults = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    steps = action["runs"]["steps"]
    assert action["runs"]["using"] == "composite"
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif@v4") for s in steps)
    (sandbox.app / "broken").mkdir()
    (sandbox.app / "broken" / "compose.yaml").write_text('version: "3"\nservices: {}\n')
    for step in steps:
        if "run" not in step:
            continue
        env = {
            key: re.sub(r"\$\{\{ *inputs\.([\w-]+) *\}\}", lambda m: defaults[m[1]], value)
            for key, value in step.get("env", {}).items()
        }
        done = sandbox.sh(step["run"], sandbox.app, GITHUB_ACTION_PATH=str(sandbox.release), **env)
        if "--format github" in step["run"]:
            # the annotations step fails the job on a finding, and says where
            assert done.returncode == 1, done.stdout + done.stderr
            assert "::warning file=broken/compose.yaml,line=1" in done.stdout
        else:
            assert done.returncode == 0, f"{step['run']}\n{done.stdout}{done.stderr}"
    _check_sarif(sandbox.app / defaults["sarif-file"], expect="broken/compose.yaml")
    shutil.rmtree(sandbox.app / "broken")


def _check_sarif(path: Path, expect: str | None = None) -> None:
    log = json.loads(path.read_text())
    results = log["runs"][0]["results"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris == ({expect} if expect else set())
    schema = SHARED / "reference" / "sarif-schema-2.1.0.json"
    if schema.is_file():
        from jsonschema import Draft4Validator

        validator = Draft4Validator(json.loads(schema.read_text()))
        assert [e.message for e in validator.iter_errors(log)] == []
