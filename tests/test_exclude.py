"""gitignore-style patterns, as git reads them."""

from __future__ import annotations

from pathlib import Path

import pytest

from compose_lint.exclude import PatternSet

BASE = Path("/repo")


@pytest.mark.parametrize(
    ("patterns", "path", "is_dir", "excluded"),
    [
        (["vendor"], "vendor", True, True),
        (["vendor"], "a/b/vendor", True, True),  # no slash: any depth
        (["/vendor"], "a/vendor", True, False),  # leading slash: anchored
        (["docs/vendor"], "x/docs/vendor", True, False),  # middle slash: anchored
        (["build/"], "build", False, False),  # trailing slash: directories only
        (["build/"], "build", True, True),
        (["*.yml"], "deploy/compose.prod.yml", False, True),
        (["deploy/*.yml"], "deploy/sub/compose.yml", False, False),  # * stays in a segment
        (["**/testdata"], "a/b/testdata", True, True),
        (["deploy/**"], "deploy/a/b/compose.yml", False, True),
        (["a/**/b"], "a/b", True, True),
        (["a/**/b"], "a/x/y/b", True, True),
        (["compose.?ml"], "compose.yml", False, True),
        (["[ab]pp"], "app", True, True),
        (["[!ab]pp"], "app", True, False),
        (["*.yml", "!keep.yml"], "keep.yml", False, False),  # the last match wins
        (["# comment", ""], "comment", False, False),
        (["\\#hash"], "#hash", False, True),
    ],
)
def test_pattern(patterns: list[str], path: str, is_dir: bool, excluded: bool) -> None:
    verdict = PatternSet.of(BASE, patterns).verdict(BASE / path, is_dir)
    assert bool(verdict) is excluded


def test_paths_outside_the_base_are_not_judged() -> None:
    assert PatternSet.of(BASE, ["*"]).verdict(Path("/elsewhere/compose.yaml"), False) is None


def test_default_excludes_apply_to_a_tree_outside_where_the_run_started(tmp_path: Path) -> None:
    """`compose-lint /elsewhere/repo` leaves the repository's workflows and node_modules
    out just as `cd /elsewhere/repo && compose-lint .` does."""
    from compose_lint.engine import Options, run

    repo, start = tmp_path / "repo", tmp_path / "start"
    start.mkdir()
    (repo / ".git").mkdir(parents=True)
    (repo / "compose.yaml").write_text("services:\n  web:\n    image: nginx:1.29\n")
    workflow = repo / ".github" / "workflows" / "docker-compose.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text("on: push\njobs: {}\n")
    module = repo / "web" / "node_modules" / "pkg" / "compose.yaml"
    module.parent.mkdir(parents=True)
    module.write_text("services: {oops: {}}\n")
    for cwd in (start, repo):
        result = run([str(repo)], Options(isolated=True), cwd=cwd)
        assert not any(".github" in p or "node_modules" in p for p in result.files), result.files
