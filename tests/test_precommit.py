"""The pre-commit hook, run by the real pre-commit against this checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

PRE_COMMIT = shutil.which("pre-commit")
pytestmark = pytest.mark.skipif(
    PRE_COMMIT is None, reason="pre-commit is not installed (pip install -e '.[test]')"
)


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def make_repo(where: Path, project: Path) -> Path:
    repo = where / project.name
    shutil.copytree(project, repo, ignore=shutil.ignore_patterns("expected.txt"))
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "init")
    return repo


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def try_repo(repo: Path, home: Path, *files: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    args = [PRE_COMMIT, "try-repo", str(ROOT), "compose-lint", "--verbose"]
    args += ["--files", *files] if files else ["--all-files"]
    return subprocess.run(
        args, cwd=repo, env=env, capture_output=True, text=True, timeout=900, check=False
    )


def test_hook_fails_on_the_tutorial_project(tmp_path: Path, pre_commit_home: Path) -> None:
    repo = make_repo(tmp_path, FIXTURES / "tutorial")
    result = try_repo(repo, pre_commit_home)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "docker-compose.yml:1:1: CL101" in result.stdout
    assert "docker-compose.yml:6:9: CL501" in result.stdout


def test_hook_passes_on_the_sample_project(tmp_path: Path, pre_commit_home: Path) -> None:
    repo = make_repo(tmp_path, ROOT / "sample_project")
    result = try_repo(repo, pre_commit_home)
    assert result.returncode == 0, result.stdout + result.stderr


def test_changing_only_the_dockerfile_runs_the_cross_file_checks(
    tmp_path: Path, pre_commit_home: Path
) -> None:
    repo = make_repo(tmp_path, FIXTURES / "tutorial")
    result = try_repo(repo, pre_commit_home, "Dockerfile")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "docker-compose.yml:6:9: CL501" in result.stdout
