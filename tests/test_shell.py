"""The RUN shell parser: commands, their physical lines, sh -c and heredocs."""

from __future__ import annotations

import pytest

from compose_lint.load.dockerfile import parse_dockerfile
from compose_lint.model.commands import run_commands


def commands(dockerfile: str) -> list[tuple[str, int]]:
    parsed = parse_dockerfile("FROM debian\n" + dockerfile)
    return [(" ".join(c.words), c.line) for i in parsed.instructions for c in run_commands(i)]


@pytest.mark.parametrize(
    ("dockerfile", "expected"),
    [
        ("RUN a && b || c; d & e\n", [("a", 2), ("b", 2), ("c", 2), ("d", 2), ("e", 2)]),
        ("RUN a \\\n && cd /x \\\n && b\n", [("a", 2), ("cd /x", 3), ("b", 4)]),
        ("RUN a \\\n# note\n\n && b\n", [("a", 2), ("b", 5)]),
        ("RUN echo 'x && y' \"a;b\"\n", [("echo x && y a;b", 2)]),
        ("RUN FOO=1 BAR=2 make >out 2>&1\n", [("make", 2)]),
        ("RUN sh -c 'cd /x && ls'\n", [("sh -c cd /x && ls", 2), ("cd /x", 2), ("ls", 2)]),
        ('RUN ["sh", "-c", "a && b"]\n', [("sh -c a && b", 2), ("a", 2), ("b", 2)]),
        ('RUN ["apt-get", "update"]\n', [("apt-get update", 2)]),
        ("RUN <<EOF\nset -e\napt-get update\nEOF\n", [("set -e", 3), ("apt-get update", 4)]),
        ("RUN python3 <<EOF\nimport os\nEOF\n", [("python3", 2)]),
        ("RUN --mount=type=cache,target=/c pip install x\n", [("pip install x", 2)]),
        ("RUN echo $(cd /x && pwd) `ls`\n", [("echo $(cd /x && pwd) `ls`", 2)]),
        ("RUN (cd /x; make)\n", [("cd /x", 2), ("make", 2)]),
    ],
)
def test_commands(dockerfile: str, expected: list[tuple[str, int]]) -> None:
    assert commands(dockerfile) == expected


def test_pipeline_marks_every_stage() -> None:
    parsed = parse_dockerfile("FROM debian\nRUN curl -s x | tar xz && ls\n")
    found = [(c.name, c.in_pipeline) for c in run_commands(parsed.instructions[1])]
    assert found == [("curl", True), ("tar", True), ("ls", False)]


def test_heredoc_with_the_shell_after_the_marker() -> None:
    assert commands("RUN <<EOT bash\napt-get update\nEOT\n")[-1] == ("apt-get update", 3)


def test_line_continuation_inside_a_heredoc_script() -> None:
    found = commands("RUN <<EOT bash\napt-get install -y \\\n  git\nEOT\n")
    assert found[-1] == ("apt-get install -y git", 3)


def test_sh_c_commands_keep_their_own_columns() -> None:
    parsed = parse_dockerfile("FROM debian\nRUN sh -c 'npm --version && cd /x'\n")
    cd = run_commands(parsed.instructions[1])[-1]
    assert (cd.name, cd.line, cd.column) == ("cd", 2, 29)
    assert cd.positions == ((2, 29), (2, 32))
