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
