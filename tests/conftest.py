from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip: a fresh clone may not have it (CI does)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available (../shared sits beside the checkout in CI)")
    return path


def lint(target: Path, *selectors: str, cwd: Path | None = None) -> list[str]:
    """Findings as 'path:line:col CODE', linting `target` with the given rules
    (default: the default rule set)."""
    from compose_lint.engine import Options, run

    result = run([str(target)], Options(select=selectors, isolated=True), cwd or target)
    assert not result.crashes, result.crashes
    return [f"{f.path}:{f.line}:{f.column} {f.code}" for f in result.findings]


# -- the rule-test vocabulary ---------------------------------------------------------
#
# One-line rule tests in the style of hadolint's `ruleCatches`:
#
#     catches("CL303", dockerfile="WORKDIR app", at="2:1")
#     catches_not("CL303", dockerfile="WORKDIR /app")
#     catches("CL501", compose=COMPOSE, dockerfile="FROM python:3.13\n", at="compose.yaml:6:9")
#
# The project is written to a temporary directory and linted through the engine as a
# user would lint it: `compose=` is compose.yaml, `dockerfile=` the Dockerfile (a
# snippet without FROM gets "FROM debian:bookworm" in front, so line 1 is that FROM),
# `dockerignore=` .dockerignore, `files=` any other paths, `options=` the rule's
# rule-options. With only a Dockerfile, the Dockerfile is linted on its own.

DEFAULT_FROM = "FROM debian:bookworm\n"


def _with_from(dockerfile: str) -> str:
    lines = [line.strip().upper() for line in dockerfile.splitlines()]
    if any(line.startswith("FROM ") for line in lines):
        return dockerfile
    return DEFAULT_FROM + dockerfile


def rule_findings(
    code: str,
    *,
    compose: str | None = None,
    dockerfile: str | None = None,
    dockerignore: str | None = None,
    files: dict[str, str | bytes] | None = None,
    options: dict[str, object] | None = None,
    target: str | None = None,
) -> list[object]:
    """The findings of rule `code` (and only that rule) on the project described."""
    import tempfile

    import yaml

    from compose_lint.engine import Options, run
    from compose_lint.registry import find_info

    info = find_info(code)
    assert info is not None, f"no rule {code}"
    layout: dict[str, str | bytes] = dict(files or {})
    if compose is not None:
        layout["compose.yaml"] = compose
    if dockerfile is not None:
        layout["Dockerfile"] = _with_from(dockerfile)
    if dockerignore is not None:
        layout[".dockerignore"] = dockerignore
    config: dict[str, object] = {"select": [info.code]}
    if options:
        config["rule-options"] = {info.name: options}
    layout[".compose-project-lint.yaml"] = yaml.safe_dump(config)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / ".git").mkdir()  # the config search stops here
        for name, content in layout.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        if target is None:
            target = "." if compose is not None or dockerfile is None else "Dockerfile"
        result = run([str(root / target)], Options(), cwd=root)
        assert not result.crashes, result.crashes
        return [f for f in result.findings if f.code == info.code]


def _position(finding: object, with_path: bool) -> str:
    where = f"{finding.line}:{finding.column}"  # type: ignore[attr-defined]
    return f"{finding.path}:{where}" if with_path else where  # type: ignore[attr-defined]


def catches(code: str, *, at: str | list[str] | None = None, **project: object) -> list[str]:
    """Assert that rule `code` reports the project; with `at`, exactly at these
    positions ("line:col", or "path:line:col" when another file than the
    Dockerfile-alone case matters). Returns the messages."""
    found = rule_findings(code, **project)  # type: ignore[arg-type]
    assert found, f"{code} should report {project}"
    if at is not None:
        wanted = sorted([at] if isinstance(at, str) else at)
        with_path = any(w.count(":") == 2 for w in wanted)
        got = sorted(_position(f, with_path) for f in found)
        assert got == wanted, f"{code} reported at {got}, expected {wanted}"
    return [f.message for f in found]  # type: ignore[attr-defined]


def catches_not(code: str, **project: object) -> None:
    """Assert that rule `code` reports nothing on the project."""
    found = rule_findings(code, **project)  # type: ignore[arg-type]
    assert not found, f"{code} should not report {project}: {[f.message for f in found]}"  # type: ignore[attr-defined]
