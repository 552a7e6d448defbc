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


VENDORED_BUILD = "services:\n  redis:\n    build:\n      context: e2e\n"


@pytest.mark.parametrize(
    ("layout", "vendored"),
    [
        # Go: `go mod vendor` writes vendor/modules.txt; Go reads vendor/ beside go.mod
        (
            {"backend/vendor/modules.txt": "# github.com/y/z v1.0.0\n"},
            "backend/vendor/github.com/y/z",
        ),
        ({"backend/go.mod": "module x\n"}, "backend/vendor/github.com/y/z"),
        # PHP: Composer writes vendor/autoload.php, beside composer.json
        ({"web/vendor/autoload.php": "<?php\n"}, "web/vendor/acme/pkg"),
        ({"web/composer.json": "{}\n"}, "web/vendor/acme/pkg"),
        # Ruby: Bundler installs gems under vendor/bundle/ruby/<version>/
        (
            {"vendor/bundle/ruby/3.3.0/specifications/z.gemspec": ""},
            "vendor/bundle/ruby/3.3.0/gems/z",
        ),
        ({"Gemfile": "source 'https://rubygems.org'\n"}, "vendor/bundle/ruby/3.3.0/gems/z"),
    ],
)
def test_vendored_third_party_code_is_not_searched(
    tmp_path: Path, layout: dict[str, str], vendored: str
) -> None:
    """A compose file that a package manager copied into the tree with a dependency is
    that dependency's, not an application of the repository (a Go module's test setup
    under vendor/ builds Dockerfiles vendoring dropped). Named on the command line, the
    folder is linted like any other."""
    from compose_lint.engine import Options, run

    (tmp_path / ".git").mkdir()
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx:1.29\n")
    for name, text in layout.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    module = tmp_path / vendored
    module.mkdir(parents=True)
    (module / "docker-compose.yml").write_text(VENDORED_BUILD)
    result = run([str(tmp_path)], Options(isolated=True), cwd=tmp_path)
    assert result.files == {"compose.yaml"}
    named = run([str(module)], Options(isolated=True, select=("CL504",)), cwd=tmp_path)
    assert [f.code for f in named.findings] == ["CL504"]


def test_a_folder_named_vendor_without_a_package_manager_is_searched(tmp_path: Path) -> None:
    """The repository's own vendor/ (its deployment of a vendor's product, say) is
    linted: only a package manager's marker says the code in it is someone else's."""
    from compose_lint.engine import Options, run

    (tmp_path / ".git").mkdir()
    for folder in ("vendor/acme", "lib/vendor/bundle"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "compose.yaml").write_text(VENDORED_BUILD)
    result = run([str(tmp_path)], Options(isolated=True, select=("CL504",)), cwd=tmp_path)
    assert sorted(f.path for f in result.findings) == [
        "lib/vendor/bundle/compose.yaml",
        "vendor/acme/compose.yaml",
    ]


def test_project_templates_are_not_searched(tmp_path: Path) -> None:
    """cookiecutter-django's `{{cookiecutter.project_slug}}/docker-compose.local.yml`
    holds Jinja tags: it is YAML only once cookiecutter renders it. Named, it is linted."""
    from compose_lint.engine import Options, run

    (tmp_path / ".git").mkdir()
    template = tmp_path / "{{cookiecutter.project_slug}}"
    template.mkdir()
    (template / "docker-compose.local.yml").write_text(
        "services:\n  django:{% if cookiecutter.use_celery == 'y' %} &django{% endif %}\n"
        "    image: {{ cookiecutter.project_slug }}_local_django\n"
    )
    assert run([str(tmp_path)], Options(isolated=True), cwd=tmp_path).files == set()
    named = run([str(template)], Options(isolated=True), cwd=tmp_path)
    assert named.files == {"{{cookiecutter.project_slug}}/docker-compose.local.yml"}


def test_ddev_fragments_are_not_searched(tmp_path: Path) -> None:
    """DDEV merges the `docker-compose.*.yaml` of `.ddev/` into a project it generates;
    they are never run on their own (and DDEV rewrites its add-on files). A `.ddev`
    folder without DDEV's config.yaml is searched; named, the folder is linted."""
    from compose_lint.engine import Options, run

    (tmp_path / ".git").mkdir()
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx:1.29\n")
    ddev = tmp_path / ".ddev"
    ddev.mkdir()
    (ddev / "docker-compose.redis.yaml").write_text("version: '3.6'\nservices:\n  redis: {}\n")
    (ddev / "config.yaml").write_text("name: shop\ntype: php\n")
    assert run([str(tmp_path)], Options(isolated=True), cwd=tmp_path).files == {"compose.yaml"}
    named = run([str(ddev)], Options(isolated=True, select=("CL101",)), cwd=tmp_path)
    assert [f.code for f in named.findings] == ["CL101"]
    (ddev / "config.yaml").unlink()
    again = run([str(tmp_path)], Options(isolated=True), cwd=tmp_path)
    assert again.files == {"compose.yaml", ".ddev/docker-compose.redis.yaml"}
