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


# -- the grammar, with cases modelled on the POSIX shell grammar --------------------

from compose_lint.model.commands import (  # noqa: E402
    Command,
    package_call,
    pipelines,
    shell_body,
    shell_commands,
    unwrap,
)


def names(text: str) -> list[str]:
    return [" ".join(c.words) for c in shell_commands(text)]


def groups(text: str) -> list[list[str]]:
    return [[c.name for c in group] for group in pipelines(shell_commands(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('case "$x" in a|b) echo ok;; esac', ["echo ok"]),
        ("case $1 in\n  (start|stop) run $1 ;;\n  *) usage ;&\nesac", ["run $1", "usage"]),
        ("case x in a) ;; esac && ls", ["ls"]),
        ("if [ -f a ]; then b; elif c; then d; else e; fi", ["[ -f a ]", "b", "c", "d", "e"]),
        ("if\n  a\nthen\n  b\nfi", ["a", "b"]),
        ("for i in 1 2 3; do echo $i; done", ["echo $i"]),
        ("for i\ndo echo $i\ndone", ["echo $i"]),
        ("while read l; do echo $l; done < f", ["read l", "echo $l"]),
        ("until false; do sleep 1; done", ["false", "sleep 1"]),
        ("{ a; b; } > log", ["a", "b"]),
        ("(a && b) || c", ["a", "b", "c"]),
        ("f() { a; }; f", ["a", "f"]),
        ("function g { a; }", ["a"]),
        ("! grep -q x f", ["grep -q x f"]),
        ("a & b", ["a", "b"]),
        ("cat <<EOF > /x\nnot a command\nEOF\nls", ["cat", "ls"]),
        ("cat <<-EOF\n\tnot a command\n\tEOF\nls", ["cat", "ls"]),
        ("[[ -f a && -f b ]] && echo y", ["[[ -f a && -f b ]]", "echo y"]),
        ("echo done fi esac", ["echo done fi esac"]),
        ("echo \"a;b\" 'c|d' e\\;f", ["echo a;b c|d e;f"]),
        ("a # b; c\nd", ["a", "d"]),
        ("echo $((1 + 2)) ${x:-y}", ["echo $((1 + 2)) ${x:-y}"]),
        ('echo "$(printf ")")" ok', ['echo $(printf ")") ok']),
    ],
)
def test_grammar(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("echo x | sha256sum -c - && echo y | sha256sum -c -", [["echo", "sha256sum"]] * 2),
        ('case "$x" in a|b) echo ok;; esac', [["echo"]]),
        ("curl -s x | tar xz && ls", [["curl", "tar"], ["ls"]]),
        ("a |\n b", [["a", "b"]]),
        ("a | b |& c", [["a", "b", "c"]]),
        ("{ a; b | c; } | d", [["a", "d"], ["b", "c"]]),
        ("curl x | while read l; do echo $l; done", [["curl", "read", "echo"]]),
        ("if a | b; then c; fi", [["a", "b"], ["c"]]),
    ],
)
def test_pipelines(text: str, expected: list[list[str]]) -> None:
    assert sorted(groups(text)) == sorted(expected)


def test_pipeline_stages() -> None:
    first, second = shell_commands("echo x | sha256sum -c -")
    assert (first.stage, first.stages, second.stage, second.stages) == (0, 2, 1, 2)
    assert first.pipeline == second.pipeline and first.in_pipeline and second.in_pipeline


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a | b; c", [";", ";", ""]),
        ("a | b\nc\n", [";", ";", ""]),
        ("a | b && c || d", ["&&", "&&", "||", ""]),
        ("a | b &\nc", [";", ";", ""]),
        ("a; b;\n", [";", ""]),
        (
            "if a | b; then c; fi; d",
            ["condition", "condition", ";", ""],
        ),  # c ends the if, which ";" follows
        ('case "$x" in y) a | b ;; esac', ["", ""]),
        ("while a | b\ndo c; done", ["condition", "condition", ""]),
    ],
)
def test_what_follows_each_pipeline(text: str, expected: list[str]) -> None:
    assert [c.then for c in shell_commands(text)] == expected


def test_command_substitutions_are_commands_too() -> None:
    (echo,) = shell_commands('echo "$(cd /x && pwd)" `ls -l` $(( 1 + 1 ))')
    assert [c.words for c in echo.substitutions] == [("cd", "/x"), ("pwd",), ("ls", "-l")]
    assert [(c.line, c.column) for c in echo.substitutions] == [(1, 9), (1, 18), (1, 25)]


def test_sh_c_with_combined_options_and_behind_a_wrapper() -> None:
    assert names('gosu app sh -ec "pip install x && ls"')[1:] == ["pip install x", "ls"]
    assert names("bash -o pipefail -c 'a | b'")[1:] == ["a", "b"]
    assert shell_body(["sh", "script.sh"]) is None
    assert shell_body(["busybox", "sh", "-c", "x"]) == 3


def test_hostile_nesting_stays_flat_and_linear() -> None:
    deep = "(" * 5000 + "a" + ")" * 5000
    assert names(deep) == ["a"]
    assert len(shell_commands("$(" * 2000 + "x" + ")" * 2000)) == 1
    assert len(shell_commands("a && " * 20000 + "b")) == 20001
    nested_ifs = shell_commands("if a; then " * 3000 + "b" + "; fi" * 3000)
    assert len(nested_ifs) == 3001 and len(pipelines(nested_ifs)) == 3001
    piped_groups = shell_commands("{ a | " * 3000 + "b" + "; }" * 3000)
    assert len(pipelines(piped_groups)) == 3000
    assert len(shell_commands("[[ " + "a && " * 20000 + "b ]] && c")) == 2
    assert names("case x in " + "a|" * 20000 + "b) c;; esac") == ["c"]


# -- wrappers -------------------------------------------------------------------------


def first(text: str) -> Command:
    return shell_commands(text)[0]


@pytest.mark.parametrize(
    ("text", "program"),
    [
        ("sudo -u app apt-get update", "apt-get update"),
        ("sudo -E -- apt-get update", "apt-get update"),
        ("env -u HOME A=1 pip install x", "pip install x"),
        ("gosu app pip install -r r.txt", "pip install -r r.txt"),
        ("su-exec app:app npm ci", "npm ci"),
        ("stdbuf -o0 pip install -r r.txt", "pip install -r r.txt"),
        ("stdbuf -o L make", "make"),
        ("nice -n 10 make", "make"),
        ("nohup ./server", "./server"),
        ("timeout -s KILL 30s curl x", "curl x"),
        ("time make", "make"),
        ("command pip install x", "pip install x"),
        ("exec -a name server", "server"),
        ("tini -s -- server", "server"),
        ("dumb-init --rewrite 15:2 server", "server"),
        ("chroot /target apt-get update", "apt-get update"),
        ("sudo env A=1 nice pip install x", "pip install x"),
        ("command -v pip", "command -v pip"),
        ("make", "make"),
    ],
)
def test_unwrap(text: str, program: str) -> None:
    assert " ".join(unwrap(first(text)).words) == program


def test_unwrap_keeps_positions_and_assignments() -> None:
    inner = unwrap(first("sudo env A=1 gosu app pip install x"))
    assert (inner.line, inner.column, inner.positions[0]) == (1, 23, (1, 23))
    assert inner.assignments == ("A=1",)
    assert inner.wrappers == ("sudo", "env", "gosu")


# -- package-manager calls -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "manager", "program", "action", "operands"),
    [
        (
            "apt-get -o Dpkg::Options::=--force-confnew install -y curl",
            "apt-get",
            "apt-get",
            "install",
            ["curl"],
        ),
        ("apt-get -t bookworm-backports install -y git", "apt-get", "apt-get", "install", ["git"]),
        ("apk add --no-cache --virtual .deps gcc", "apk", "apk", "add", ["gcc"]),
        ("dnf --setopt=x=1 -y install gcc", "dnf", "dnf", "install", ["gcc"]),
        ("microdnf install -y gcc", "microdnf", "microdnf", "install", ["gcc"]),
        ("pip3.12 install -i https://x flask", "pip", "pip3.12", "install", ["flask"]),
        ("python3 -m pip install -r r.txt", "pip", "python3 -m pip", "install", []),
        ("uv pip install --system -r r.txt", "pip", "uv pip", "install", []),
        ("uv sync --frozen", "uv", "uv", "sync", []),
        ("poetry install --only main --no-root", "poetry", "poetry", "install", []),
        ("yarn install --frozen-lockfile --network-timeout 600000", "yarn", "yarn", "install", []),
        ("yarn --frozen-lockfile --network-timeout 600000", "yarn", "yarn", "", []),
        ("pnpm --filter api install --offline", "pnpm", "pnpm", "install", []),
        ("pnpm fetch --prod", "pnpm", "pnpm", "fetch", []),
        ("npm --loglevel warn ci", "npm", "npm", "ci", []),
        ("go mod download", "go", "go", "mod", ["download"]),
        ("cargo install --version 1.2 ripgrep", "cargo", "cargo", "install", ["ripgrep"]),
        ("bundle install --jobs 4 --retry 3", "bundle", "bundle", "install", []),
        ("composer install -d /app --no-dev", "composer", "composer", "install", []),
        ("sudo gosu app stdbuf -o0 pip install x", "pip", "pip", "install", ["x"]),
    ],
)
def test_package_call(
    text: str, manager: str, program: str, action: str, operands: list[str]
) -> None:
    call = package_call(first(text))
    assert call is not None
    assert (call.manager, call.program, call.action) == (manager, program, action)
    assert [o.text for o in call.operands] == operands


def test_package_call_options() -> None:
    call = package_call(first("pip install --no-cache -rreq.txt --requirement=dev.txt x"))
    assert call is not None
    assert call.has("--no-cache-dir")
    assert call.values("-r", "--requirement") == ["req.txt", "dev.txt"]
    assert [(o.text, o.line, o.column) for o in call.operands] == [("x", 1, 56)]
    assert package_call(first("python3 -m pipx install black")) is None
    assert package_call(first("ls -l")) is None
