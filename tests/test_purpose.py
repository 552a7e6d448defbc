"""model.purpose: which files are plainly test data, by the folders they are in."""

from __future__ import annotations

import pytest

from compose_lint.model.purpose import is_test_data


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
