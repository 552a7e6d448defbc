"""The merged model: override files, -f, extends, include, multiple documents.
Findings on merged values must point at the file and line that hold them."""

from __future__ import annotations

from pathlib import Path

import pytest

from compose_lint.engine import Options, run
from compose_lint.load.merge import Merged, from_file, merge_into
from compose_lint.project import Loader


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def findings(root: Path, *select: str, files: tuple[str, ...] = (), paths=None) -> list[str]:
    options = Options(select=select, isolated=True, files=files)
    result = run([str(root)] if paths is None else paths, options, root)
    assert not result.crashes
    return [f"{f.path}:{f.line}:{f.column} {f.code}" for f in result.findings]


def merged(*docs: dict) -> Merged[str]:
    m: Merged[str] = Merged.of("0", docs[0])
    for i, doc in enumerate(docs[1:], start=1):
        merge_into(m, (), doc, *from_file(str(i), {}))
    return m


@pytest.mark.parametrize(
    ("base", "override", "expected"),
    [
        ({"a": {"x": 1, "y": 2}}, {"a": {"y": 3, "z": 4}}, {"a": {"x": 1, "y": 3, "z": 4}}),
        ({"dns": ["1.1.1.1"]}, {"dns": ["8.8.8.8"]}, {"dns": ["1.1.1.1", "8.8.8.8"]}),
        (
            {"services": {"s": {"command": ["a", "b"]}}},
            {"services": {"s": {"command": ["c"]}}},
            {"services": {"s": {"command": ["c"]}}},
        ),
        (
            {"services": {"s": {"volumes": ["foo:/work"]}}},
            {"services": {"s": {"volumes": ["bar:/work"]}}},
            {"services": {"s": {"volumes": ["bar:/work"]}}},
        ),
        (
            {"services": {"s": {"environment": ["A=1", "B=2"]}}},
            {"services": {"s": {"environment": {"B": "3"}}}},
            {"services": {"s": {"environment": {"A": "1", "B": "3"}}}},
        ),
        (
            {"services": {"s": {"healthcheck": {"test": ["CMD", "a"], "interval": "5s"}}}},
            {"services": {"s": {"healthcheck": {"test": ["CMD", "b"]}}}},
            {"services": {"s": {"healthcheck": {"test": ["CMD", "b"], "interval": "5s"}}}},
        ),
    ],
)
def test_merge_rules(base: dict, override: dict, expected: dict) -> None:
    assert merged(base, override).data == expected


def test_reset_and_override_tags(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "services:\n  app:\n    image: a:1\n    ports: ['8080:80']\n"
            "    environment:\n      FOO: BAR\n",
            "compose.override.yaml": "services:\n  app:\n    ports: !reset []\n"
            "    environment: !override\n      X: y\n",
        },
    )
    (project,) = _projects(tmp_path)
    (service,) = project.services
    assert "ports" not in service.data
    assert service.data["environment"] == {"X": "y"}


def test_reset_in_a_single_file_drops_the_value() -> None:
    """As Compose does (docker compose 2.40.3): a `!reset` value is left out of its own
    file, a `!reset` sequence item too; a value merged in with `<<` stays, where the
    anchor writes it; the path keeps its tag so that a later file can reset."""
    from compose_lint.load.yaml import load_yaml

    (doc,) = load_yaml(
        "x-a: &a\n  restart: always\nservices:\n  web:\n    <<: *a\n    image: !reset x\n"
        "    restart: !reset null\n    ports:\n      - '80:80'\n      - !reset '81:81'\n"
        "      - '82:82'\n"
    )
    web = doc.data["services"]["web"]
    assert web == {"restart": "always", "ports": ["80:80", "82:82"]}
    assert doc.mark(("services", "web", "restart")).line == 2
    assert doc.mark(("services", "web", "ports", 1)).line == 11
    assert doc.tags[("services", "web", "image")] == "!reset"


def test_reset_in_a_later_file_removes_what_earlier_files_set() -> None:
    from compose_lint.load.yaml import load_yaml

    base = {"services": {"web": {"image": "a:1", "restart": "always", "user": "app"}}}
    (doc,) = load_yaml("services:\n  web:\n    restart: !reset null\n    user: !reset\n")
    m: Merged[str] = Merged.of("0", base)
    merge_into(m, (), doc.data, *from_file("1", doc.tags))
    assert m.data == {"services": {"web": {"image": "a:1"}}}


def test_anchor_mistakes_are_recorded_once() -> None:
    """A mapping under an anchor is built once per alias that merges it; its repeated
    key (and its non-string key) is one mistake, recorded where it is written."""
    from compose_lint.load.yaml import load_yaml

    (doc,) = load_yaml(
        "x-a: &a\n  image: a\n  image: b\n  80: x\nservices:\n  web:\n    <<: *a\n"
        "  db:\n    <<: *a\n"
    )
    assert [(d.path, d.line) for d in doc.duplicates] == [(("x-a", "image"), 3)]
    assert [(k.path, k.line) for k in doc.nonstring_keys] == [(("x-a", "80"), 4)]


def test_merge_key_written_twice_is_a_duplicate() -> None:
    from compose_lint.load.yaml import load_yaml

    (doc,) = load_yaml("x: &x\n  a: 1\ny: &y\n  b: 2\nz:\n  <<: *x\n  <<: *y\n")
    assert [(d.path, d.line, d.first_line) for d in doc.duplicates] == [(("z", "<<"), 7, 6)]
    assert [(d.path, d.line) for d in load_yaml("z:\n  <<: [{a: 1}, {b: 2}]\n")[0].duplicates] == []


def test_override_file_is_merged_and_positions_point_at_it(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "services:\n  web:\n    image: example.org/web:1\n",
            "compose.override.yaml": "services:\n  web:\n    environment:\n"
            "      GITHUB_TOKEN: " + "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8\n",
        },
    )
    # an issued token: reported in the override too, which is a development file
    # (a random-looking password there is a throwaway value, see test_secrets)
    assert findings(tmp_path, "CL201") == ["compose.override.yaml:4:7 CL201"]


def test_fragment_alone_is_not_an_application(tmp_path: Path) -> None:
    write(tmp_path, {"docker-compose.prod.yml": "services:\n  web:\n    restart: always\n"})
    (project,) = _projects(tmp_path)
    assert project.partial


def test_file_option_merges_in_order(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "base.yml": "services:\n  web:\n    image: example.org/web:1\n",
            "prod.yml": "services:\n  web:\n    environment:\n"
            "      - API_TOKEN=Vq8ZvR2mK9wL4xT7pN3sB6\n",
        },
    )
    assert findings(tmp_path, "CL201", files=("base.yml", "prod.yml"), paths=[]) == [
        "prod.yml:4:9 CL201"
    ]


def test_multiple_documents_merge(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "services:\n  web:\n    image: example.org/web:1\n---\n"
            "services:\n  web:\n    environment:\n      SECRET_KEY: Vq8ZvR2mK9wL4xT7pN3sB6\n"
        },
    )
    assert findings(tmp_path, "CL201") == ["compose.yaml:8:7 CL201"]


def test_extends_same_file_and_other_file(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "common/base.yml": "services:\n  base:\n    image: example.org/web:1\n"
            "    environment:\n      API_TOKEN: Vq8ZvR2mK9wL4xT7pN3sB6\n",
            "compose.yaml": "services:\n  web:\n    extends:\n      file: common/base.yml\n"
            "      service: base\n    environment:\n      MODE: prod\n"
            "  worker:\n    extends: web\n",
        },
    )
    project = Loader(tmp_path).compose_project(tmp_path / "compose.yaml")
    by_name = {s.name: s for s in project.services}
    assert by_name["worker"].data["environment"] == {
        "API_TOKEN": "Vq8ZvR2mK9wL4xT7pN3sB6",
        "MODE": "prod",
    }
    assert by_name["worker"].data["image"] == "example.org/web:1"
    assert by_name["worker"].file.loc(("services", "worker", "image")).path == "common/base.yml"
    assert findings(tmp_path, "CL201") == ["common/base.yml:5:7 CL201"]


def test_extends_problems_are_recorded(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "services:\n  a:\n    extends: b\n  b:\n    extends: a\n"
            "  c:\n    extends: nope\n  d:\n    extends:\n      file: missing.yml\n"
            "      service: x\n",
        },
    )
    project = Loader(tmp_path).compose_project(tmp_path / "compose.yaml")
    messages = sorted(p.message for p in project.problems)
    assert any("cycle" in m for m in messages)
    assert any('"nope", which is not defined' in m for m in messages)
    assert any('"missing.yml" does not exist' in m for m in messages)


def test_include_reads_the_included_project_from_its_directory(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "include:\n  - db/compose.yaml\nservices:\n  web:\n"
            "    image: example.org/web:1\n    depends_on: [db]\n",
            "db/compose.yaml": "services:\n  db:\n    build: .\n",
            "db/Dockerfile": "FROM postgres:17\n",
        },
    )
    project = Loader(tmp_path).compose_project(tmp_path / "compose.yaml")
    db = next(s for s in project.services if s.name == "db")
    assert db.build is not None and db.build.context == tmp_path / "db"
    assert db.file.loc(("services", "db", "build")).path == "db/compose.yaml"


def test_include_with_a_project_directory(tmp_path: Path) -> None:
    # laradock's layout: each service's file is included with `project_directory: .`,
    # so `build: ./php` resolves from the including file's folder, and a service may
    # link to one another included file defines (docker compose config accepts it)
    write(
        tmp_path,
        {
            "compose.yaml": "include:\n  - path: php/compose.yml\n    project_directory: .\n"
            "  - path: redis/compose.yml\n    project_directory: .\n"
            "    env_file: [settings.env]\n",
            "settings.env": "REDIS_TAG=7.4\n",
            ".env": "REDIS_TAG=6\n",
            "php/compose.yml": "services:\n  php:\n    build: ./php\n    links: [redis]\n",
            "php/Dockerfile": "FROM php:8.4-fpm\nUSER www-data\n",
            "redis/compose.yml": "services:\n  redis:\n    image: redis:${REDIS_TAG}\n",
            ".git/HEAD": "",
        },
    )
    project = Loader(tmp_path).compose_project(tmp_path / "compose.yaml")
    php = next(s for s in project.services if s.name == "php")
    assert php.build is not None and php.build.context == tmp_path / "php"
    assert php.build.dockerfile is not None
    # the include's env_file replaces the .env of the project directory
    redis = next(c for c in project.compose_files if c.path.parent.name == "redis")
    assert redis.interpolation_env.get("REDIS_TAG") == "7.4"
    result = run([str(tmp_path)], Options(isolated=True), cwd=tmp_path)
    assert [f.code for f in result.findings if f.severity == "error"] == []
    # the included files are pieces of the application, not applications of their own
    assert not any(f.code in ("CL103", "CL504") for f in result.findings), result.findings
    # without project_directory, the included file's own folder is its project directory
    (tmp_path / "compose.yaml").write_text("include:\n  - php/compose.yml\n")
    result = run([str(tmp_path)], Options(isolated=True), cwd=tmp_path)
    assert any(f.code == "CL504" for f in result.findings)


def test_included_values_use_the_included_files_variables(tmp_path: Path) -> None:
    # laradock's mysql: the include's env_file sets MYSQL_VERSION=8.4, the included file
    # passes it as a build arg, the Dockerfile's ARG default is latest; docker compose
    # config gives MYSQL_VERSION: "8.4", so the build pulls mysql:8.4
    write(
        tmp_path,
        {
            "compose.yaml": "include:\n  - path: mysql/compose.yml\n    project_directory: .\n"
            "    env_file: mysql/defaults.env\n",
            "mysql/defaults.env": "MYSQL_VERSION=8.4\n",
            "mysql/compose.yml": "services:\n  mysql:\n    build:\n      context: ./mysql\n"
            "      args:\n        - MYSQL_VERSION=${MYSQL_VERSION}\n"
            "    command: [sh, -c, 'echo $$HOME ${MYSQL_VERSION}']\n",
            "mysql/Dockerfile": "ARG MYSQL_VERSION=latest\nFROM mysql:${MYSQL_VERSION}\n"
            "USER mysql\n",
            "mysql/.dockerignore": "",
            ".git/HEAD": "",
        },
    )
    project = Loader(tmp_path).compose_project(tmp_path / "compose.yaml")
    (mysql,) = project.services
    assert mysql.build is not None and [(a.name, a.value) for a in mysql.build.args] == [
        ("MYSQL_VERSION", "8.4")
    ]
    # an escaped $$ stays a literal $ when the including project reads it again
    assert mysql.data["command"][2] == "echo $$HOME 8.4"
    result = run([str(tmp_path)], Options(isolated=True), cwd=tmp_path)
    assert not [f for f in result.findings if f.code == "CL302"], result.findings
    # the Dockerfile is built once, with the included file's value
    assert [b.service.name for b in project.dockerfiles[0].builds] == ["mysql"]


def test_include_conflict_and_missing_file(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "include:\n  - other.yaml\n  - gone.yaml\nservices:\n  web:\n"
            "    image: a:1\n",
            "other.yaml": "services:\n  web:\n    image: b:1\n",
        },
    )
    project = Loader(tmp_path).compose_project(tmp_path / "compose.yaml")
    messages = [p.message for p in project.problems]
    assert any('"gone.yaml" does not exist' in m for m in messages)
    assert any('service "web" is defined both here and in the included' in m for m in messages)


def test_include_cycle_terminates(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "include:\n  - b.yaml\nservices: {}\n",
            "b.yaml": "include:\n  - compose.yaml\nservices: {}\n",
        },
    )
    project = Loader(tmp_path).compose_project(tmp_path / "compose.yaml")
    assert any("include cycle" in p.message for p in project.problems)


def test_profiles_are_read(tmp_path: Path) -> None:
    write(tmp_path, {"compose.yaml": "services:\n  a:\n    image: x:1\n    profiles: [debug]\n"})
    (service,) = Loader(tmp_path).compose_project(tmp_path / "compose.yaml").services
    assert service.profiles == ("debug",)


def _projects(root: Path):
    from compose_lint.discover import collect_projects

    loader = Loader(root)
    projects, _ = collect_projects(
        [str(root)], loader, lambda key, partial: loader.compose_project(list(key), partial)
    )
    return projects


def test_a_service_using_extends_keeps_its_own_key_position(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "services:\n  base:\n    image: example.org/web:1\n"
            "  web:\n    extends: base\n"
        },
    )
    project = Loader(tmp_path).compose_project(tmp_path / "compose.yaml")
    web = next(s for s in project.services if s.name == "web")
    assert web.file.key_loc(("services", "web")).line == 4
    assert web.file.loc(("services", "web", "image")).line == 3
