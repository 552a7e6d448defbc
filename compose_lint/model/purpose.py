"""What a file is for, as far as its place in the tree says it plainly.

Only the folder names are read: a compose file under `tests/`, `testdata/` or
`fixtures/` (below the folder being linted) is test data that a test parses, and is
often never built or run as an application."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

# folder names that hold test data; compared ignoring case
TEST_DATA_DIRS = frozenset(
    {"test", "tests", "testdata", "test-data", "test_data", "fixtures", "__tests__", "__fixtures__"}
)


def is_test_data(display: str) -> bool:
    """`display` (a path as findings show it, relative to where the run started) lies
    in a test-data folder: `tests/resources/docker/compose.yml`, `pkg/testdata/x.yml`.
    The file's own name does not count, and neither does a folder above the start."""
    parts = PurePosixPath(display.replace("\\", "/")).parts[:-1]
    return any(part.lower() in TEST_DATA_DIRS for part in parts if part not in ("..", "/"))


def is_test_data_below(folder: Path, base: Path) -> bool:
    """`folder` lies in a test-data folder below `base` (`base/tests/e2e`), judged by
    the folder names between them only; False when it is not below `base`."""
    try:
        parts = folder.resolve().relative_to(base.resolve()).parts
    except (OSError, ValueError):
        return False
    return any(part.lower() in TEST_DATA_DIRS for part in parts)
