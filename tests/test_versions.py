"""CL102 version-feature-mismatch: keys the declared legacy `version` does not have."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import catches, catches_not, rule_findings

from compose_lint.checks.compose.CL102_version_feature_mismatch import (
    declared_version,
    version_table,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3", (3, 0)),
        (3, (3, 0)),
        ("3.0", (3, 0)),
        (3.8, (3, 8)),
        (" 3.4 ", (3, 4)),
        ("2", (2, 0)),
        (2.4, (2, 4)),
        ("3.10", (3, 10)),
        ("1", None),
        ("3.x", None),
        ("latest", None),
        ("3.8.1", None),
        (True, None),
        (None, None),
        ({"image": "nginx"}, None),
    ],
)
def test_declared_version(value: object, expected: tuple[int, int] | None) -> None:
    assert declared_version(value) == expected


def test_major_only_means_minor_zero() -> None:
    text = 'version: "3"\nx-base: &base\n  image: nginx\nservices:\n  web: *base\n'
    catches("CL102", compose=text, at="2:1")


def test_number_version_is_read_like_the_string() -> None:
    text = "version: 3.3\nservices:\n  web:\n    image: nginx\n    init: true\n"
    (found,) = catches("CL102", compose=text, at="5:5")
    assert found.startswith('"init" needs file format 3.7')
    assert 'version "3.3"' in found and 'set version: "3.7"' in found


def test_version_2_has_no_healthcheck() -> None:
    text = (
        'version: "2"\nservices:\n  db:\n    image: postgres\n'
        "    healthcheck:\n      test: pg_isready\n      start_period: 5s\n"
    )
    (found,) = catches("CL102", compose=text, at="5:5")  # start_period is not reported on its own
    assert found.startswith('"healthcheck" needs file format 2.1')


def test_removed_key_names_the_replacement() -> None:
    text = 'version: "3.8"\nservices:\n  api:\n    image: app\n    mem_limit: 1g\n'
    (found,) = catches("CL102", compose=text)
    assert "3.x dropped it" in found and "deploy.resources.limits.memory" in found


def test_spec_only_key() -> None:
    text = 'version: "2.4"\nservices:\n  api:\n    image: app\n    profiles: [debug]\n'
    (found,) = catches("CL102", compose=text)
    assert "no versioned file format" in found and "delete the version line" in found


def test_3x_only_key_in_2x_file_is_reported_once() -> None:
    text = (
        'version: "2.4"\nservices:\n  api:\n    image: app\n'
        "    deploy:\n      rollback_config:\n        parallelism: 1\n"
    )
    (found,) = catches("CL102", compose=text, at="5:5")
    assert found.startswith('"deploy" is not in the 2.x file format (3.x has it from 3.0)')


def test_anchor_merged_into_two_services_is_one_use() -> None:
    text = (
        'version: "3.7"\nx-limits: &limits\n  cpus: 0.5\n'
        "services:\n  a:\n    <<: *limits\n    image: a\n  b:\n    <<: *limits\n    image: b\n"
    )
    catches("CL102", compose=text, at="3:3")


@pytest.mark.parametrize(
    "text",
    [
        # the long form only: the list form of depends_on and short ports are everywhere
        'version: "3.0"\nservices:\n  a:\n    image: a\n    depends_on: [b]\n'
        '    ports: ["80:80"]\n  b:\n    image: b\n',
        # top-level x- fields were added to every 2.x schema
        "version: '2.0'\nx-env: &env\n  A: 1\nservices:\n  a:\n    image: a\n"
        "    environment: *env\n",
        # at or above the version that introduced each key
        'version: "3.4"\nservices:\n  a:\n    build:\n      context: .\n      target: prod\n',
        # 3.9 was only ever read as the merged Compose Specification by docker-compose
        'version: "3.9"\nservices:\n  a:\n    image: a\n    mem_limit: 1g\n',
        # not a version this table describes
        'version: "1.8.1-ls82"\nservices:\n  a:\n    image: a\n    init: true\n',
        # no version: nothing to compare with
        "services:\n  a:\n    image: a\n    init: true\n    mem_limit: 1g\n",
    ],
)
def test_silent(text: str) -> None:
    catches_not("CL102", compose=text)


@pytest.mark.parametrize(
    "text",
    [
        'version: "3.0"\nservices: [web]\n',
        'version: "3.0"\nservices:\n  web: nginx\n',
        'version: "3.0"\nservices:\n  web:\n    ports: 80\n    volumes: {a: b}\n',
        'version: "3.0"\nservices:\n  web:\n    networks: [front]\n    depends_on: db\n',
        'version: "2.0"\nservices:\n  web:\n    volumes:\n      - {type: tmpfs, tmpfs: 1}\n',
        'version: "3.0"\nnetworks:\n  front: null\nvolumes: []\n',
        "version: [3]\nservices: {}\n",
        "- version: 3\n",
        "",
    ],
)
def test_odd_shapes_do_not_crash(text: str) -> None:
    rule_findings("CL102", compose=text)


def test_table_is_well_formed() -> None:
    raw = json.loads(
        (Path(__file__).parent.parent / "compose_lint/data/compose_versions.json").read_text()
    )
    assert raw["source"] and raw["checked"]
    versions = set(raw["versions"])
    paths = [entry["path"] for entry in raw["features"]]
    assert len(paths) == len(set(paths)), "a path is listed twice"
    schema = Path(__file__).parent.parent / "compose_lint/schema/compose.schema.json"
    schema_text = schema.read_text()
    for entry in raw["features"]:
        assert entry["v2"] is None or entry["v2"] in versions, entry
        assert entry["v3"] in (None, "removed") or entry["v3"] in versions, entry
        assert entry["v2"] is None or entry["v2"].startswith("2."), entry
        assert entry["v3"] in (None, "removed") or entry["v3"].startswith("3."), entry
        assert entry["source"] and entry["feature"], entry
        for part in entry["path"].split("."):
            if part not in ("*", "[]", "x-*", "volume_driver"):  # the Spec dropped volume_driver
                # a key the Compose Specification knows: catches typos in the table
                assert f'"{part}"' in schema_text, (entry["path"], part)
    assert len(version_table().features) == len(paths)
