"""The pre-commit hook, run by the real pre-commit against this checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

PRE_COMMIT = shutil.which("pre-commit")
HOOK = "compose-project-lint"
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
    args = [PRE_COMMIT, "try-repo", str(ROOT), HOOK, "--verbose"]
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


WORKFLOW = """\
name: compose
on: push
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
"""
COMPOSE = """\
services:
  api:
    image: registry.example.com/api:1.0
    build:
      context: .
      dockerfile: api.dockerfile
    ports: ["8080:8080"]
"""
API_DOCKERFILE = """\
FROM python:3.13-slim-trixie
WORKDIR /app
COPY app.py .
USER nobody
EXPOSE 8080
HEALTHCHECK CMD ["python", "-c", "print(1)"]
CMD ["python", "app.py"]
"""


def commit_all(repo: Path) -> None:
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "change")


@pytest.fixture
def app_repo(tmp_path: Path) -> Path:
    """A project with this tool's config file, another tool's config file, a GitHub
    workflow whose name matches *compose*.yml, and a Dockerfile named api.dockerfile."""
    repo = tmp_path / "app"
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "compose-ci.yml").write_text(WORKFLOW)
    (repo / "compose.yaml").write_text(COMPOSE)
    (repo / "api.dockerfile").write_text(API_DOCKERFILE)
    (repo / "app.py").write_text("print('hello')\n")
    (repo / ".dockerignore").write_text(".git\n")
    (repo / ".compose-project-lint.yaml").write_text("ignore: [CL302]\n")
    (repo / ".compose-lint.yml").write_text("rules:\n  CL-0001:\n    enabled: false\n")
    git(repo, "init", "-q")
    commit_all(repo)
    return repo


def test_hook_skips_config_files_and_workflows(app_repo: Path, pre_commit_home: Path) -> None:
    result = try_repo(app_repo, pre_commit_home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "compose-ci.yml" not in result.stdout
    assert ".compose-project-lint.yaml" not in result.stdout.replace("ignored", "")


def test_hook_sees_a_dot_dockerfile_change(app_repo: Path, pre_commit_home: Path) -> None:
    dockerfile = app_repo / "api.dockerfile"
    dockerfile.write_text(API_DOCKERFILE.replace("EXPOSE 8080\n", ""))
    commit_all(app_repo)
    result = try_repo(app_repo, pre_commit_home, "api.dockerfile")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "compose.yaml:7:13: CL501" in result.stdout


def test_hook_checks_an_override_with_its_base(app_repo: Path, pre_commit_home: Path) -> None:
    (app_repo / "compose.override.yaml").write_text('services:\n  api:\n    ports: ["9090:9090"]\n')
    commit_all(app_repo)
    result = try_repo(app_repo, pre_commit_home, "compose.override.yaml")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "compose.override.yaml:3:13: CL501" in result.stdout


@pytest.mark.parametrize(
    "name", ["Dockerfile.dev", "dockerfile", "web.Dockerfile", "app.containerfile", "Containerfile"]
)
def test_hook_matches_every_dockerfile_name(name: str) -> None:
    import re

    import yaml

    hook = next(
        h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text()) if h["id"] == HOOK
    )
    assert re.search(hook["files"], f"deploy/{name}") and "types_or" not in hook
    assert not re.search(hook["exclude"], f"deploy/{name}")
    for skipped in (
        ".compose-project-lint.yaml",
        ".compose-lint.yml",
        ".github/workflows/compose.yml",
    ):
        assert re.search(hook["exclude"], skipped)
    assert hook["args"] == ["--"] and hook["minimum_pre_commit_version"]
