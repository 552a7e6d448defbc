"""CL301 eol-base-image and CL302 unpinned-image: tag reading, the dated table,
and how the rules pick images out of a project."""

from __future__ import annotations

import json
import re
from datetime import date
from importlib import resources
from pathlib import Path

import pytest
from conftest import catches, catches_not

from compose_lint.checks.dockerfile.CL301_eol_base_image import eol_message
from compose_lint.config import EOL_DATE_VARIABLE, environment_options
from compose_lint.engine import Options, run
from compose_lint.model.eol import eol_table, judge, reference_date

DAY = date(2026, 11, 27)  # the day the table was checked


@pytest.fixture(autouse=True)
def _judge_as_of_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """Project-level tests judge as of DAY, so that they never go stale."""
    monkeypatch.setenv(EOL_DATE_VARIABLE, DAY.isoformat())


def ended(reference: str, day: date = DAY) -> list[str]:
    """Labels of the dead releases a reference names ([] when it is fine or unknown)."""
    verdict = judge(reference, day)
    return [cycle.label for cycle in verdict.ended] if verdict else []


def suggestion(reference: str, day: date = DAY) -> str | None:
    verdict = judge(reference, day)
    assert verdict is not None, reference
    return verdict.suggestion


# -- reading tags -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "labels"),
    [
        ("python:3.9-slim-buster", ["Python 3.9", 'Debian 10 "buster"']),
        ("python:3.7", ["Python 3.7"]),
        ("python:3.8.18-alpine3.19", ["Python 3.8", "Alpine Linux 3.19"]),
        ("docker.io/library/python:3.6", ["Python 3.6"]),
        ("library/python:2.7", ["Python 2.7"]),
        ("node:18-alpine3.17", ["Node.js 18", "Alpine Linux 3.17"]),
        ("node:hydrogen", ["Node.js 18"]),
        ("node:17.0.1-bullseye-slim", ["Node.js 17", 'Debian 11 "bullseye"']),
        ("node:lts-buster", ['Debian 10 "buster"']),
        ("rust:buster", ['Debian 10 "buster"']),
        ("alpine:3.18", ["Alpine Linux 3.18"]),
        ("alpine:3.18.4", ["Alpine Linux 3.18"]),
        ("ubuntu:20.04", ['Ubuntu 20.04 "focal"']),
        ("ubuntu:focal-20230308", ['Ubuntu 20.04 "focal"']),
        ("debian:bullseye-slim", ['Debian 11 "bullseye"']),
        ("debian:10.13", ['Debian 10 "buster"']),
        ("golang:1.20-alpine", ["Go 1.20"]),
        ("php:8.0.9-apache", ["PHP 8.0"]),
        ("ruby:2.7-slim", ["Ruby 2.7"]),
        ("postgres:9.6.24", ["PostgreSQL 9.6"]),
        ("postgres:13.4-alpine", ["PostgreSQL 13"]),
        ("mysql:5.7", ["MySQL 5.7"]),
        ("mariadb:10.6.4-focal", ["MariaDB 10.6", 'Ubuntu 20.04 "focal"']),
        ("mongo:4.4.18", ["MongoDB 4.4"]),
        ("nginx:1.19.7-alpine", ["nginx 1.19"]),
        ("eclipse-temurin:17-jre-focal", ['Ubuntu 20.04 "focal"']),
        ("eclipse-temurin:19", ["Eclipse Temurin 19"]),
        ("mcr.microsoft.com/dotnet/aspnet:6.0", [".NET 6.0"]),
        ("mcr.microsoft.com/dotnet/core/sdk:3.1-buster", [".NET Core 3.1", 'Debian 10 "buster"']),
        ("python:3.9@sha256:" + "a" * 64, ["Python 3.9"]),  # a digest pins a dead release
        ("postgres:9", ["PostgreSQL 9.6"]),  # the major tag points to its last release, 9.6
    ],
)
def test_catches(reference: str, labels: list[str]) -> None:
    assert ended(reference) == labels


@pytest.mark.parametrize(
    "reference",
    [
        "python:3.14-slim-trixie",
        "python:3",  # any 3.x: not guessed
        "python",  # CL302's business
        "python:latest",
        "python@sha256:" + "a" * 64,
        "node:lts",
        "node:current-alpine",
        "mariadb:10",  # 10 points to 10.11, still supported
        "mysql:8",  # 8.4, still supported
        "python:3.99",  # newer than the table
        "python:3.1x",
        "golang:1.20rc1",  # not a release of the 1.20 cycle
        "bitnami/postgresql:11",  # another publisher's tag words are its own
        "registry.example.com/app:3.7-buster",
        "mcr.microsoft.com/dotnet/aspnet:10.0-noble",
        "scratch",
        "python:${PY}",  # never resolved: not a reference
        "",
        "not a reference",
    ],
)
def test_catches_not(reference: str) -> None:
    assert ended(reference) == []


def test_a_version_is_matched_component_by_component() -> None:
    python = eol_table()["python"]
    assert python.match("3.10.4").cycle == "3.10"
    assert python.match("3.1.5").cycle == "3.1"
    assert python.match("3") is None
    assert eol_table()["postgres"].match("9.6.1").cycle == "9.6"
    assert eol_table()["postgres"].match("14.2").cycle == "14"


def test_a_major_only_tag_is_judged_by_the_newest_release_it_covers() -> None:
    # mongo:4 is 4.4, whose support ended in February 2024; python:3 is 3.14, supported
    assert ended("mongo:4", DAY) == ["MongoDB 4.4"]
    assert ended("python:3", DAY) == []
    assert ended("mongo:8", DAY) == []
    assert eol_table()["mongo"].line("4").cycle == "4.4"


def test_a_date_is_the_first_day_without_support() -> None:
    assert ended("python:3.9", date(2025, 10, 30)) == []
    assert ended("python:3.9", date(2025, 10, 31)) == ["Python 3.9"]


def test_a_month_counts_once_it_is_over() -> None:
    assert ended("python:3.10", date(2026, 10, 31)) == []
    assert ended("python:3.10", date(2026, 11, 1)) == ["Python 3.10"]


# -- suggestions and messages ---------------------------------------------------------


def test_message_names_both_releases_and_a_supported_tag() -> None:
    verdict = judge("python:3.9-slim-buster", DAY)
    assert verdict is not None
    assert eol_message("python:3.9-slim-buster", verdict) == (
        "python:3.9-slim-buster: Python 3.9 reached end of life on 2025-10-31"
        ' and Debian 10 "buster" on 2024-06-30;'
        " move to a supported tag such as python:3.14-slim-trixie"
    )


def test_message_gives_the_month_when_only_the_month_is_known() -> None:
    verdict = judge("mysql:5.7", DAY)
    assert verdict is not None
    assert "MySQL 5.7 reached end of life in October 2023;" in eol_message("mysql:5.7", verdict)


@pytest.mark.parametrize(
    ("reference", "better"),
    [
        ("node:18-alpine3.17", "node:26-alpine"),  # alpineX.Y -> alpine
        ("node:19", "node:26"),  # never an odd, short-lived major
        ("node:lts-buster-slim", "node:lts-trixie-slim"),
        ("node:hydrogen", "node:26"),
        ("debian:buster-slim", "debian:trixie-slim"),  # a codename stays a codename
        ("debian:10-slim", "debian:13-slim"),
        ("ubuntu:20.04", "ubuntu:26.04"),
        ("mariadb:10.6.4-focal", "mariadb:11.8"),  # an Ubuntu base is the image's choice
        ("eclipse-temurin:17-jre-focal", "eclipse-temurin:17-jre"),
        ("mysql:8.0", "mysql:8.4"),
        ("mcr.microsoft.com/dotnet/core/sdk:3.1", "mcr.microsoft.com/dotnet/sdk:10.0"),
        ("docker.io/library/python:3.7", "docker.io/library/python:3.14"),
    ],
)
def test_suggestions(reference: str, better: str) -> None:
    assert suggestion(reference) == better


def test_no_suggestion_when_nothing_would_be_left_of_the_tag() -> None:
    assert suggestion("mariadb:focal") is None


def test_suggestions_follow_the_reference_date() -> None:
    assert suggestion("python:3.7", date(2024, 1, 1)) == "python:3.14"  # table knows 3.14
    assert suggestion("node:14", date(2024, 1, 1)) == "node:26"


# -- the reference date ---------------------------------------------------------------


def test_reference_date_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(EOL_DATE_VARIABLE, "2020-01-02")
    assert environment_options() == (("reference-date", date(2020, 1, 2)),)
    assert reference_date(dict(environment_options())) == date(2020, 1, 2)


@pytest.mark.parametrize("value", ["", "  ", "tomorrow", "2020-13-01"])
def test_reference_date_defaults_to_today(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(EOL_DATE_VARIABLE, value)
    assert environment_options() == ()
    assert reference_date(dict(environment_options())) == date.today()


def test_reference_date_from_the_configuration(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The config's reference-date counts, and the environment wins over it."""
    monkeypatch.delenv(EOL_DATE_VARIABLE, raising=False)
    (tmp_path / ".git").mkdir()
    (tmp_path / "Dockerfile").write_text("FROM python:3.9\n")
    (tmp_path / ".compose-lint.yaml").write_text(
        "select: [CL301]\nrule-options:\n  eol-base-image:\n    reference-date: 2021-05-06\n"
    )
    assert not run([str(tmp_path / "Dockerfile")], Options(), tmp_path).findings  # 3.9 alive then
    monkeypatch.setenv(EOL_DATE_VARIABLE, "2026-01-02")
    assert run([str(tmp_path / "Dockerfile")], Options(), tmp_path).findings


def test_reference_date_from_a_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(EOL_DATE_VARIABLE, raising=False)
    (tmp_path / ".git").mkdir()
    write(tmp_path, {"compose.yaml": "services:\n  db:\n    image: postgres:14\n"})
    config = "rule-options:\n  eol-base-image:\n    reference-date: 2026-01-01\n"
    write(tmp_path, {".compose-lint.yaml": config})
    options = Options(select=("CL301",))
    assert run([str(tmp_path)], options, tmp_path).findings == []


# -- the table ---------------------------------------------------------------------------

_EOL = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


def test_every_table_entry_is_sourced_dated_and_well_formed() -> None:
    text = resources.files("compose_lint").joinpath("data", "eol.json").read_text("utf-8")
    for key, entry in json.loads(text)["images"].items():
        assert entry["source"].startswith("https://"), key
        date.fromisoformat(entry["checked"])
        cycles = [c["cycle"] for c in entry["cycles"]]
        assert len(cycles) == len(set(cycles)), key
        codenames = [c["codename"] for c in entry["cycles"] if c.get("codename")]
        assert len(codenames) == len(set(codenames)), key
        for cycle in entry["cycles"]:
            assert re.fullmatch(r"\d+(\.\d+)*", cycle["cycle"]), (key, cycle)
            assert cycle["eol"] is None or _EOL.match(cycle["eol"]), (key, cycle)
        product = eol_table()[key]
        assert product.newest(date.fromisoformat(entry["checked"])) is not None, key


# -- images in a project ---------------------------------------------------------------


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


POSTGRES_14 = "services:\n  db:\n    image: postgres:14\n"


def test_the_environment_date_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(EOL_DATE_VARIABLE, "2026-11-11")
    catches_not("CL301", compose=POSTGRES_14)
    monkeypatch.setenv(EOL_DATE_VARIABLE, "2026-11-12")
    catches("CL301", compose=POSTGRES_14, at="compose.yaml:3:12")


def test_from_is_located_at_the_image_word() -> None:
    dockerfile = (
        "FROM --platform=$BUILDPLATFORM golang:1.18 AS build\n"
        "RUN go version\n"
        "FROM   \\\n"
        "  # a comment inside the continuation\n"
        "  alpine:3.12\n"
        "COPY --from=build /go /go\n"
    )
    compose = "services:\n  app:\n    build: .\n"
    catches(
        "CL301", compose=compose, dockerfile=dockerfile, at=["Dockerfile:1:32", "Dockerfile:5:3"]
    )


def test_one_dockerfile_built_with_different_args() -> None:
    compose = (
        "services:\n"
        "  old:\n    build:\n      context: .\n      args:\n        PY: '3.7'\n"
        "  older:\n    build:\n      context: .\n      args:\n        PY: '3.6'\n"
        "  new:\n    build: .\n"
    )
    dockerfile = "ARG PY=3.14\nFROM python:${PY}-slim\n"
    at = ["Dockerfile:2:6", "Dockerfile:2:6"]
    messages = sorted(catches("CL301", compose=compose, dockerfile=dockerfile, at=at))
    assert messages[0].startswith('python:3.6-slim (from "python:${PY}-slim"): Python 3.6 reached')
    assert messages[1].startswith('python:3.7-slim (from "python:${PY}-slim"): Python 3.7 reached')


@pytest.mark.parametrize("code", ["CL301", "CL302"])
def test_image_of_a_service_that_builds_is_its_result(code: str) -> None:
    compose = (
        "services:\n"
        "  app:\n    build: .\n    image: node:14\n"
        "  worker:\n    image: node:14\n"  # runs the image app builds
    )
    catches_not(code, compose=compose, dockerfile="FROM node:26-alpine\n")


def test_env_file_value_wins_over_the_default() -> None:
    compose = "services:\n  db:\n    image: ${DB:-postgres:18}\n"
    catches("CL301", compose=compose, files={".env": "DB=postgres:11\n"}, at="compose.yaml:3:12")


def test_a_lone_dockerfile() -> None:
    catches("CL301", dockerfile="FROM node:16\nFROM node\n", at="1:6")
    catches("CL302", dockerfile="FROM node:16\nFROM node\n", at="2:6")


@pytest.mark.parametrize(
    ("line", "fires"),
    [
        ("FROM python", True),
        ("FROM python:latest", True),
        ("FROM docker.io/library/python", True),
        ("FROM ghcr.io/acme/tool", True),
        ("FROM python:3.14-slim", False),
        ("FROM python@sha256:" + "b" * 64, False),
        ("FROM python:latest@sha256:" + "b" * 64, False),
        ("FROM scratch", False),
        ("FROM ${BASE}", False),
        ("FROM python:${TAG}", False),
        ("FROM python:Latest", False),  # another tag: tags are case-sensitive
    ],
)
def test_unpinned_from(line: str, fires: bool) -> None:
    if fires:
        catches("CL302", dockerfile=line + "\n", at="1:6")
    else:
        catches_not("CL302", dockerfile=line + "\n")


def test_unpinned_from_a_stage_is_not_reported() -> None:
    catches_not("CL302", dockerfile="FROM python:3.14-slim AS python\nFROM python\n")


def test_unpinned_message_proposes_a_release() -> None:
    [message] = catches("CL302", compose="services:\n  db:\n    image: ${DB:-postgres}\n")
    assert message.startswith('image "postgres" (from "${DB:-postgres}") has no tag')
    assert "pin a version tag such as postgres:" in message


# -- the project's own images are known images, not registry pulls (issue 14) ----------

OWN_BASE = (
    "services:\n"
    "  web:\n"
    "    image: acme-web-local\n"
    "    build: ./web\n"
    "  cron:\n"
    "    build:\n"
    "      context: ./cron\n"
    "      args:\n"
    "        BASE_IMAGE: acme-web-local\n"
)


@pytest.mark.parametrize("code", ["CL301", "CL302"])
def test_from_an_image_the_project_builds_is_not_pulled(code: str) -> None:
    """`FROM ${BASE_IMAGE}` whose value is the `image:` of a service built here: there
    is no registry tag to pin, and its own FROM lines are judged where they are."""
    files = {
        "web/Dockerfile": "FROM python:3.14-slim\n",
        "cron/Dockerfile": "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN true\n",
    }
    catches_not(code, compose=OWN_BASE, files=files)


def test_from_an_untagged_image_of_the_same_name_elsewhere_is_still_reported() -> None:
    compose = OWN_BASE.replace("BASE_IMAGE: acme-web-local", "BASE_IMAGE: acme-other")
    files = {
        "web/Dockerfile": "FROM python:3.14-slim\n",
        "cron/Dockerfile": "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN true\n",
    }
    catches("CL302", compose=compose, files=files, at="cron/Dockerfile:2:6")


# -- image facts (data/images.json) -----------------------------------------------------


def test_every_image_fact_has_a_source_and_a_date() -> None:
    import datetime

    from compose_lint import data

    table = data.load("images.json")["images"]
    assert len(table) >= 30
    for name, entry in table.items():
        assert entry.get("source", "").startswith("https://"), name
        datetime.date.fromisoformat(entry["recorded"])
        assert entry.get("user") is not None, name
        drop = entry.get("drops_privileges")
        for variant in entry.get("variants", []):
            assert variant.get("tag_contains"), name
            drop = drop or variant.get("drops_privileges")
        if drop is not None:
            assert drop["kind"] in ("entrypoint", "server"), name
            assert drop["to"] and drop["programs"] and drop["how"], name


@pytest.mark.parametrize(
    ("reference", "key", "user", "root"),
    [
        ("nginx", "nginx", "root", True),
        ("docker.io/library/nginx:1.27", "nginx", "root", True),
        ("docker.elastic.co/elasticsearch/elasticsearch:8.15.0", None, "elasticsearch", False),
        ("gcr.io/distroless/base-debian12:nonroot", "gcr.io/distroless/*", "nonroot", False),
        ("gcr.io/distroless/base-debian12", "gcr.io/distroless/*", "root", True),
        ("nginxinc/nginx-unprivileged", None, "nginx", False),
        (
            "docker.io/nginxinc/nginx-unprivileged:stable",
            "nginxinc/nginx-unprivileged",
            "nginx",
            False,
        ),
        ("scratch", "scratch", "root", True),
    ],
)
def test_image_facts_lookup(reference: str, key: str | None, user: str, root: bool) -> None:
    from compose_lint.model.image import image_facts

    facts = image_facts(reference)
    assert facts is not None
    assert facts.name == (key or reference.split(":")[0])
    assert facts.user == user and facts.root is root


def test_image_facts_variants_and_unknown_images() -> None:
    from compose_lint.model.image import image_facts

    slim, full = image_facts("python:3.13-slim"), image_facts("python:3.13")
    assert slim is not None and full is not None
    assert slim.tools["curl"] is False and full.tools["curl"] is True
    fpm = image_facts("php:8.4-fpm-alpine")
    assert fpm is not None and fpm.drops is not None and fpm.drops.to == "www-data"
    cli = image_facts("php:8.4-cli")
    assert cli is not None and cli.drops is None
    assert image_facts("example/unknown:1") is None
    assert image_facts("${BASE}") is None
    distroless = image_facts("gcr.io/distroless/static-debian12")
    assert distroless is not None and distroless.has_shell is False


def test_image_facts_ports_come_from_the_ports_table() -> None:
    from compose_lint.model.image import image_facts

    facts = image_facts("nginx:1.27")
    assert facts is not None and facts.ports is not None
    assert [str(p) for p in facts.ports] and len(facts.ports) == 1


def test_cl301_variables_written_alike_are_one_finding() -> None:
    # both FROMs take their release from the same ARG default: one edit fixes both
    dockerfile = (
        'ARG PHP_VERSION="8.1"\nARG RELEASE="bullseye"\n'
        "FROM php:${PHP_VERSION}-apache-${RELEASE} AS tools\nRUN true\n"
        "FROM php:${PHP_VERSION}-apache-${RELEASE} AS base\n"
    )
    catches("CL301", dockerfile=dockerfile, at="3:6")
    # written literally, each FROM is its own edit
    catches(
        "CL301", dockerfile="FROM node:16 AS a\nRUN true\nFROM node:16 AS b\n", at=["1:6", "3:6"]
    )
