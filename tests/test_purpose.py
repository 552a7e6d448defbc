"""model.purpose: which files are plainly test data, by the folders they are in; and
what an image is for (model.imageref.datastore: databases, caches, brokers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from compose_lint.model.purpose import is_local_file, is_test_data, is_test_data_below
from compose_lint.model.templates import is_override_template


@pytest.mark.parametrize(
    "display",
    [
        "tests/resources/docker/docker-compose.yml",
        "pkg/testdata/compose.yaml",
        "src/__tests__/compose.yml",
        "Fixtures/app/compose.yaml",
        "test\\compose.yaml",
    ],
)
def test_test_data(display: str) -> None:
    assert is_test_data(display)


@pytest.mark.parametrize(
    "display",
    [
        "compose.yaml",
        "docker-compose.test.yml",  # a file's own name does not make it data
        "e2e/compose.yaml",
        "deploy/tests.compose.yaml",
        "latest/compose.yaml",
        "../compose.yaml",
    ],
)
def test_not_test_data(display: str) -> None:
    assert not is_test_data(display)


@pytest.mark.parametrize(
    ("name", "template"),
    [
        ("compose.override.yaml.example", True),
        ("docker-compose.override.yml.dist", True),
        ("compose.override.example.yaml", True),
        ("docker-compose.override.sample.yml", True),
        ("compose.override.yaml", False),  # the file itself: Compose reads it already
        ("compose.yaml.example", False),  # a whole example application, not an override
        (".env.example", False),
    ],
)
def test_override_template_names(name: str, template: bool) -> None:
    assert is_override_template(name) is template


def test_test_data_below_is_judged_between_the_two_folders(tmp_path: Path) -> None:
    app = tmp_path / "fixtures" / "tutorial"
    # the folders above the compose file do not count: the tutorial's own context
    assert not is_test_data_below(app, app)
    assert is_test_data_below(app / "tests" / "e2e", app)
    assert not is_test_data_below(app / "web", app)
    assert not is_test_data_below(tmp_path / "elsewhere", app)  # not below it


@pytest.mark.parametrize(
    "path",
    [
        "docker-compose.dev.yml",
        "compose.ci.yaml",
        "result/docker-compose.test.yml",
        "docker/compose.e2e.yaml",
        "tests/e2e/docker/docker-compose.yml",
        ".ci/compose.yaml",
        "ci/postgres/compose.yaml",
        "cypress/docker-compose.yml",
        "test/fixtures/compose.yaml",
        "integration-tests/compose.yaml",
        "docker-testing/docker-compose-mysql.yml",  # databases a Makefile starts for tests
        "internal/suites/example/compose/k3d/compose.yml",  # integration test suites
        "deploy/ci-stack/compose.yaml",
        ".dev/docker-compose.yaml",  # the development stack a Makefile starts
        "docker/local-dev/compose.yaml",
        "packages/app/docker-compose.arm.dev.yml",
        "packages/benchmarks/docker-compose.yml",  # a harness a bench script starts
        "develop/docker-compose.yml",  # overleaf's development environment
        "docker-compose.develop.yml",
        "Dockerfile.test",
        "../app/docker-compose.dev.yml",
    ],
)
def test_local_files(path: str) -> None:
    assert is_local_file(path)


@pytest.mark.parametrize(
    "path",
    [
        "compose.yaml",
        "docker-compose.prod.yml",
        "docker-compose.latest.yml",
        "deploy/compose.yaml",
        "examples/postgres/compose.yaml",
        ".examples/docker-compose/compose.yaml",
        "../../dev/shop/compose.yaml",
        "../app/tests/compose.yaml",
        "contest/compose.yaml",
        "oci-images/compose.yaml",  # a word containing "ci" is not the word
        "Dockerfile",
    ],
)
def test_files_that_are_not_local(path: str) -> None:
    assert not is_local_file(path)


@pytest.mark.parametrize(
    ("reference", "family"),
    [
        ("postgres:17", "postgres"),
        ("docker.io/library/postgres:17-alpine", "postgres"),
        ("library/redis", "redis"),
        ("bitnami/postgresql:16", "postgres"),
        ("ghcr.io/acme/mongo:7", "mongo"),
        ("mcr.microsoft.com/mssql/server:2022-latest", "mssql"),
        ("docker.elastic.co/elasticsearch/elasticsearch:8.15.0", "elasticsearch"),
        ("valkey/valkey:8", "valkey"),
        ("clickhouse/clickhouse-server", "clickhouse"),
        ("rediscommander/redis-commander", None),  # a web UI for redis, not redis
        ("dpage/pgadmin4", None),
        ("nginx", None),
        ("${DB_IMAGE}", None),
    ],
)
def test_datastore_families(reference: str, family: str | None) -> None:
    from compose_lint.model.imageref import datastore

    found = datastore(reference)
    assert (found.family if found is not None else None) == family


def test_a_compose_file_whose_opening_comment_says_development() -> None:
    from conftest import catches, catches_not

    compose = (
        "services:\n  web:\n    image: shop/web:1.4\n    ports: ['8000:8000']\n"
        "  adminer:\n    image: adminer\n    ports: ['8081:8080']\n"
    )
    catches("CL302", compose=compose, at="compose.yaml:6:12")
    header = (
        "# This configuration file is for the **development** setup.\n# For production see docs.\n"
    )
    catches_not("CL302", compose=header + compose)
    contributors = "##\n# NOTE:\n# This file is for contributors and is not meant for end-users.\n"
    catches_not("CL302", compose=contributors + compose)
    # a comment further down, or one that only mentions development, says nothing
    catches("CL302", compose=compose + "# for development\n", at="compose.yaml:6:12")
    catches(
        "CL302", compose="# Development images are built by CI\n" + compose, at="compose.yaml:7:12"
    )


def test_only_the_opening_paragraph_says_what_the_file_is_for() -> None:
    from conftest import catches, catches_not

    compose = (
        "services:\n  web:\n    image: shop/web:1.4\n    ports: ['8000:8000']\n"
        "  adminer:\n    image: adminer\n    ports: ['8081:8080']\n"
    )
    # a self-host file whose profile list mentions local development further down
    header = (
        "# A preset config to self-host the shop, with its database.\n"
        "# Tweak it to match your instance.\n"
        "\n"
        "# PROFILES:\n"
        "# - just-backend: every service except the web app, for local development\n"
    )
    catches("CL302", compose=header + compose, at="compose.yaml:11:12")
    banner = (
        "## =========================================== ##\n"
        "## FOR TEST AND DEVELOPMENT ONLY, DO NOT USE IN PRODUCTION ##\n"
        "##\n"
        "## Setup: https://docs.example.org/developer-guide/ ##\n"
    )
    catches_not("CL302", compose=banner + compose)


@pytest.mark.parametrize(
    "mount", ["./:/home/app/www", ".:/srv/app:cached", "{type: bind, source: ., target: /app}"]
)
def test_a_compose_file_that_mounts_its_own_folder_is_the_development_setup(mount: str) -> None:
    # the whole source tree mounted into a container: edits show up live, which is
    # how a development setup runs (shlink's docker-compose.yml)
    from conftest import catches, catches_not

    compose = (
        "services:\n  app:\n    build: .\n    volumes:\n      - {mount}\n"
        "  db:\n    image: mysql:8.4\n    ports: ['3307:3306']\n"
        "    environment:\n      MYSQL_ROOT_PASSWORD: root\n"
    )
    catches_not("CL215", compose=compose.format(mount=mount))
    catches_not("CL209", compose=compose.format(mount=mount))
    # a folder of it (configuration, data) says nothing
    for other in ("./config:/etc/app", "./data:/var/lib/app"):
        catches("CL215", compose=compose.format(mount=other), at="compose.yaml:10:7")


def test_a_compose_file_that_mounts_its_services_build_context_is_the_development_setup() -> None:
    # .worktree-container/compose.yaml builds the repository root (..) and mounts it live
    from conftest import catches, catches_not

    compose = (
        "services:\n  app:\n    build:\n      context: ..\n"
        "      dockerfile: .devcontainer/Dockerfile\n"
        "    volumes:\n      - {mount}\n"
        "  db:\n    image: mysql:8.4\n    ports: ['3307:3306']\n"
        "    environment:\n      MYSQL_ROOT_PASSWORD: root\n"
    )
    files = {".devcontainer/Dockerfile": "FROM python:3.13-slim\n"}
    path = "wt/compose.yaml"
    catches_not("CL215", files={**files, path: compose.format(mount="..:/app")}, target="wt")
    # a folder of the context (its configuration) says nothing
    mounted = {**files, path: compose.format(mount="../config:/etc/app")}
    catches("CL215", files=mounted, target="wt", at="wt/compose.yaml:12:7")


def test_a_build_context_below_the_file_mounted_as_configuration_says_nothing() -> None:
    # ./sentry holds the Dockerfile and the configuration the container reads from /etc/sentry
    from conftest import catches

    compose = (
        "services:\n  web:\n    build: ./sentry\n    volumes:\n      - ./sentry:/etc/sentry\n"
        "  db:\n    image: mysql:8.4\n    ports: ['3307:3306']\n"
        "    environment:\n      MYSQL_ROOT_PASSWORD: root\n"
    )
    files = {"sentry/Dockerfile": "FROM python:3.13-slim\n"}
    catches("CL215", compose=compose, files=files, at="compose.yaml:10:7")


def test_a_build_context_below_the_file_mounted_as_the_source_is_the_development_setup() -> None:
    # AgentGPT: build ./next, and ./next/ mounted over /next where the image runs it
    from conftest import catches, catches_not

    compose = (
        "services:\n  web:\n    build: ./next\n    volumes:\n      - ./next/:/next/\n"
        "  db:\n    image: mysql:8.4\n    ports: ['3307:3306']\n"
        "    environment:\n      MYSQL_ROOT_PASSWORD: root\n"
    )
    files = {"next/Dockerfile": "FROM node:24-slim\nWORKDIR /next\nCOPY . .\n"}
    catches_not("CL215", compose=compose, files=files)
    # a folder of the context (its assets) says nothing
    assets = compose.replace("./next/:/next/", "./next/public:/next/public")
    catches("CL215", compose=assets, files=files, at="compose.yaml:10:7")


DATABASE = (
    "services:\n  db:\n    image: mysql:8.4\n    ports: ['3307:3306']\n"
    "    environment:\n      MYSQL_ROOT_PASSWORD: root\n"
)


def test_the_one_compose_file_a_dev_container_runs_is_the_development_setup() -> None:
    # laradock's .devcontainer names ../docker-compose.yml as its whole environment
    from conftest import catches, catches_not

    config = '{\n  // the development container\n  "dockerComposeFile": "../compose.yaml",\n}\n'
    for name in ("devcontainer.json", "devcontainer.example.json"):
        catches_not("CL215", compose=DATABASE, files={f".devcontainer/{name}": config})
        catches_not("CL209", compose=DATABASE, files={f".devcontainer/{name}": config})
    nested = {".devcontainer/php/devcontainer.json": config.replace("..", "../..")}
    catches_not("CL215", compose=DATABASE, files=nested)
    # a base file the dev container layers its own on may be the deployment's too
    layered = '{"dockerComposeFile": ["../compose.yaml", "compose.devcontainer.yaml"]}'
    files = {".devcontainer/devcontainer.json": layered}
    catches("CL215", compose=DATABASE, files=files, at="compose.yaml:6:7")
    # a dev container of another file says nothing about this one
    other = {".devcontainer/devcontainer.json": '{"dockerComposeFile": "../dev.yaml"}'}
    catches("CL215", compose=DATABASE, files=other, at="compose.yaml:6:7")


def test_included_pieces_are_for_what_the_including_file_is_for() -> None:
    # laradock's root file, which the dev container runs, includes one file per service
    from conftest import catches, catches_not

    root = "include:\n  - path: mysql/compose.yml\n    project_directory: .\n"
    files = {"mysql/compose.yml": DATABASE}
    config = {".devcontainer/devcontainer.json": '{"dockerComposeFile": "../compose.yaml"}'}
    catches_not("CL215", compose=root, files={**files, **config})
    catches("CL215", compose=root, files=files, at="mysql/compose.yml:6:7")


def test_privileged_is_reported_in_a_development_setup_too() -> None:
    # a flag copied from service to service hands host root to each, on a developer's
    # host as much as on a server; test and CI files are still left alone
    from conftest import catches, catches_not

    compose = "services:\n  queue:\n    image: schickling/beanstalkd:1.10\n    privileged: true\n"
    production = {"compose.prod.yaml": "services:\n  queue:\n    image: x/q:1\n"}
    catches("CL203", compose=compose, files=production, at="compose.yaml:4:17")
    catches_not("CL203", files={"compose.ci.yaml": compose}, target=".")


def test_a_dockerfile_whose_opening_comment_says_development() -> None:
    # shiori's Dockerfile.compose: "intended for Development purposes only ... do not run
    # this Dockerfile in any environment that is not a local development scenario"
    from conftest import catches, catches_not

    compose = "services:\n  app:\n    build: .\n    ports: ['8080:8080']\n"
    dockerfile = (
        "FROM debian:trixie-slim\n"
        "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n"
        'CMD ["app"]\n'
    )
    header = "# This Dockerfile is intended for development purposes only.\n\n"
    for code, at in (
        ("CL304", "Dockerfile:1:1"),
        ("CL309", "Dockerfile:2:23"),
        ("CL501", "compose.yaml:4:13"),
    ):
        catches(code, compose=compose, dockerfile=dockerfile, at=at)
        catches_not(code, compose=compose, dockerfile=header + dockerfile)
    # a comment that only mentions development further down says nothing
    later = dockerfile + "# for development, see the README\n"
    catches("CL304", compose=compose, dockerfile=later, at="Dockerfile:1:1")


def test_an_image_that_starts_nothing_of_its_own_is_made_for_its_compose_file() -> None:
    # djangoproject.com, pythondotorg: no CMD or ENTRYPOINT in the Dockerfile, the
    # compose file's command runs the development server with the source mounted
    from conftest import catches, catches_not

    dockerfile = (
        "FROM python:3.13-slim\nWORKDIR /code\nCOPY . .\nRUN pip install -r requirements.txt\n"
    )
    compose = (
        "services:\n  web:\n    build: .\n    command: python manage.py runserver 0.0.0.0:8000\n"
        "    volumes: ['.:/code']\n"
    )
    catches_not("CL304", compose=compose, dockerfile=dockerfile)
    # the image runs something of its own: it is the one that ships
    shipped = dockerfile + 'CMD ["gunicorn", "app:app"]\n'
    catches("CL304", compose=compose, dockerfile=shipped, at="Dockerfile:1:1")
    # no command in compose either: the image is used as it is
    plain = "services:\n  web:\n    build: .\n"
    catches("CL304", compose=plain, dockerfile=dockerfile, at="Dockerfile:1:1")
    # nor are its image-size findings worth a line
    cached = dockerfile.replace("pip install", "pip install --upgrade pip && pip install")
    catches_not("CL317", compose=compose, dockerfile=cached)
    catches("CL317", compose=plain, dockerfile=cached, at=["Dockerfile:4:5", "Dockerfile:4:34"])
    # a base that runs a program of its own (opencve's airflow scheduler)
    airflow = cached.replace("python:3.13-slim", "apache/airflow:3.1.3")
    catches("CL317", compose=compose, dockerfile=airflow, at=["Dockerfile:4:5", "Dockerfile:4:34"])
    # a datastore or server base starts itself; the command only passes it options
    postgres = "FROM postgres\nCOPY init.sql /docker-entrypoint-initdb.d/\n"
    tuned = "services:\n  db:\n    build: .\n    command: postgres -c max_connections=200\n"
    catches(
        "CL302", compose=tuned, dockerfile=postgres, files={"init.sql": ""}, at="Dockerfile:1:6"
    )
