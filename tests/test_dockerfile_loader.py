"""Tests for compose_lint.load.dockerfile: short unit cases, then an oracle check against
BuildKit's own parser (the PyPI package `dockerfile`) on the shared corpus and on tricky snippets.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from compose_lint.load.dockerfile import (
    KNOWN_INSTRUCTIONS,
    Dockerfile,
    Heredoc,
    Instruction,
    parse_dockerfile,
)

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus"
F = "FROM a\n"  # most snippets start a stage first


def shape(text: str) -> str:
    """Instructions as "KEYWORD:first-last" words, e.g. "FROM:1-1 RUN:2-3"."""
    return " ".join(
        f"{i.keyword}:{i.line}-{i.end_line}" for i in parse_dockerfile(text).instructions
    )


def ins(body: str) -> Instruction:
    """The first instruction of `body`, parsed after a leading FROM."""
    return parse_dockerfile(F + body).instructions[1]


def problems(text: str) -> list[tuple[int, int, str]]:
    return parse_dockerfile(text).problems


# --- line structure -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(F + "RUN a \\\n  b\n", "FROM:1-1 RUN:2-3", id="continuation"),
        pytest.param(
            F + "RUN a \\\n# c\n  b\nCMD c\n", "FROM:1-1 RUN:2-4 CMD:5-5", id="comment-inside"
        ),
        pytest.param(F + "RUN a \\\n\n  b\n", "FROM:1-1 RUN:2-4", id="empty-line-inside"),
        pytest.param(F + "RUN a \\\n  \t\n  b\n", "FROM:1-1 RUN:2-4", id="blank-line-inside"),
        pytest.param(F + "RUN a \\  \n  b\n", "FROM:1-1 RUN:2-3", id="spaces-after-escape"),
        pytest.param(F + "RUN echo \\\\\nCMD b\n", "FROM:1-1 RUN:2-2 CMD:3-3", id="escaped-escape"),
        pytest.param(F + "RUN a \\", "FROM:1-1 RUN:2-2", id="open-at-eof"),
        pytest.param(F + "RUN a \\\n\n# c\n", "FROM:1-1 RUN:2-4", id="open-at-eof-blank"),
        pytest.param(F + "RUN", "FROM:1-1 RUN:2-2", id="no-args-no-newline"),
        pytest.param(
            "FROM a\r\nRUN a \\\r\n  b\r\nCMD c\r\n", "FROM:1-1 RUN:2-3 CMD:4-4", id="crlf"
        ),
        pytest.param("\ufeffFROM a\nRUN b\n", "FROM:1-1 RUN:2-2", id="bom"),
        pytest.param("from a\n  run b\n", "FROM:1-1 RUN:2-2", id="case-and-indent"),
        pytest.param(
            F + "RUN x\u2028y\x0bz\x85\n", "FROM:1-1 RUN:2-2", id="only-newline-ends-a-line"
        ),
        pytest.param(
            "# escape=`\nFROM a\nRUN dir c:\\\nRUN a `\n  b\n",
            "FROM:2-2 RUN:3-3 RUN:4-5",
            id="backtick",
        ),
        pytest.param(
            "# escape=`\nFROM a\nRUN echo ``\nCMD b\n",
            "FROM:2-2 RUN:3-3 CMD:4-4",
            id="backtick-escaped",
        ),
        pytest.param(
            "\n# escape=`\nFROM a\nRUN a `\nCMD b\n",
            "FROM:3-3 RUN:4-4 CMD:5-5",
            id="not-a-directive",
        ),
    ],
)
def test_line_structure(text: str, expected: str) -> None:
    assert shape(text) == expected


@pytest.mark.parametrize(
    ("body", "args"),
    [
        (
            "RUN apt-get update \\\n    && apt-get install -y curl\n",
            "apt-get update && apt-get install -y curl",
        ),
        ("RUN a \\\n  # comment\n\n  b\n", "a b"),
        ("RUN --mount=type=cache,target=/x \\\n    pip install -r r.txt\n", "pip install -r r.txt"),
        ("RUN echo 'we # are' \\\n  done\n", "echo 'we # are' done"),
        ("RUN echo café ☕ \\\n  naïve\n", "echo café ☕ naïve"),
        ("RUN <<EOF\napk add git\nEOF\n", "<<EOF"),
        ("RUN\n", ""),
        ("RUN -- --literal\n", "--literal"),
    ],
)
def test_args(body: str, args: str) -> None:
    assert ins(body).args == args


def test_instructions_and_stages_are_hashable() -> None:
    parsed = parse_dockerfile('FROM a AS b\nCMD ["x"]\n')
    assert len({*parsed.instructions, *parsed.stages}) == 3


def test_column_and_physical_lines() -> None:
    found = ins("\t  RUN a \\\r\n  # c\n  b\n")
    assert (found.column, found.lines) == (4, ("\t  RUN a \\", "  # c", "  b"))


# --- flags ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "flags"),
    [
        ("COPY --from=build --chown=app:app /src /dst", ("--from=build", "--chown=app:app")),
        ("COPY --link . /app", ("--link",)),
        ('RUN --mount="type=cache,target=/a b" make', ("--mount=type=cache,target=/a b",)),
        (
            "RUN --mount=type=cache,target=/a --mount=type=tmpfs,target=/t x",
            ("--mount=type=cache,target=/a", "--mount=type=tmpfs,target=/t"),
        ),
        ("RUN --network=none -- --not-a-flag", ("--network=none",)),
        ("RUN pip install --no-cache-dir x", ()),
        ('RUN "--quoted" x', ()),
        ("HEALTHCHECK --interval=30s CMD curl -f http://localhost/", ("--interval=30s",)),
    ],
)
def test_flags(line: str, flags: tuple[str, ...]) -> None:
    assert ins(line).flags == flags


@pytest.mark.parametrize(
    ("name", "value"), [("from", "build"), ("link", ""), ("chown", None), ("fro", None)]
)
def test_flag_lookup(name: str, value: str | None) -> None:
    assert ins("COPY --from=build --link . /app\n").flag(name) == value


# --- exec form (JSON) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "json_args"),
    [
        ('CMD ["python", "app.py"]', ["python", "app.py"]),
        ('ENTRYPOINT [ "a" , "b" ]  ', ["a", "b"]),
        ("CMD []", []),
        ('RUN ["a", \\\n  "b"]', ["a", "b"]),
        ('SHELL ["/bin/bash", "-c"]', ["/bin/bash", "-c"]),
        ('COPY ["a b", "/dst/"]', ["a b", "/dst/"]),
        ('VOLUME ["/data"]', ["/data"]),
        ("CMD python app.py", None),
        ("RUN [ -f /etc/os-release ] && echo ok", None),  # a shell test, not JSON
        ('RUN [ "$A" = "b" ]', None),
        ('EXPOSE ["80"]', None),  # EXPOSE has no exec form
        ('LABEL x=["a"]', None),
    ],
)
def test_exec_form(line: str, json_args: list[str] | None) -> None:
    found = ins(line + "\n")
    assert (found.json_args, found.json_error) == (json_args, None)


@pytest.mark.parametrize(
    ("line", "detail"),
    [
        ('CMD ["python", app.py]', 'expecting value at "app.py]"'),
        ("CMD ['python', 'app.py']", "expecting value at \"'python', 'app.py']\""),
        ('ENTRYPOINT ["a", 1]', "element 2 (1) is not a string"),
        ('CMD ["a"] extra', 'extra data at "extra"'),
        ("CMD [python, app.py]", "expecting value"),
        ('RUN ["a", "b",]', "expecting value"),
        ('CMD ["python", "app.py"', "expecting ',' delimiter"),
    ],
)
def test_malformed_exec_form(line: str, detail: str) -> None:
    error = ins(line + "\n").json_error or ""
    assert error.startswith(f"malformed JSON in {line.split()[0]} exec form: ")
    assert detail in error and "use double quotes, e.g. " in error


def test_malformed_exec_form_is_a_problem_at_the_bracket() -> None:
    message = (
        'malformed JSON in CMD exec form: expecting value at "app.py]"; Docker would run'
        ' it as a shell command instead; use double quotes, e.g. CMD ["python", "app.py"]'
    )
    assert problems(F + 'CMD ["python", app.py]\n') == [(2, 5, message)]


# --- heredocs -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "heredocs"),
    [
        pytest.param(
            "RUN <<EOF\napk update\napk add git\nEOF\n",
            [Heredoc("EOF", "apk update\napk add git\n", 3, 5)],
            id="single",
        ),
        pytest.param(
            "RUN <<A cat >/a && <<B cat >/b\none\nA\ntwo\nB\n",
            [Heredoc("A", "one\n", 3, 4), Heredoc("B", "two\n", 5, 6)],
            id="two",
        ),
        pytest.param(
            "RUN <<-EOT\n\techo hi\n\t\tEOT\n", [Heredoc("EOT", "\techo hi\n", 3, 4)], id="chomp"
        ),
        pytest.param(
            'RUN <<"EOF"\necho $HOME\nEOF\n',
            [Heredoc("EOF", "echo $HOME\n", 3, 4)],
            id="double-quoted",
        ),
        pytest.param(
            "RUN <<'EOF' python3\nprint(1)\nEOF\n",
            [Heredoc("EOF", "print(1)\n", 3, 4)],
            id="single-quoted",
        ),
        pytest.param(
            'RUN cat <<E"O"F\nx\nEOF\n', [Heredoc("EOF", "x\n", 3, 4)], id="partly-quoted"
        ),
        pytest.param(
            "RUN 3<<EOF cat\nx\nEOF\n", [Heredoc("EOF", "x\n", 3, 4)], id="file-descriptor"
        ),
        pytest.param(
            "COPY <<EOF /dest\nhello\nEOF\n", [Heredoc("EOF", "hello\n", 3, 4)], id="copy"
        ),
        pytest.param(
            "ADD <<EOF <<EOF /d/\na\nEOF\nb\nEOF\n",
            [Heredoc("EOF", "a\n", 3, 4), Heredoc("EOF", "b\n", 5, 6)],
            id="add-same-name",
        ),
        pytest.param("RUN <<EOF\nEOF\n", [Heredoc("EOF", "", 3, 3)], id="empty"),
        pytest.param(
            "RUN --mount=type=ssh \\\n  # c\n  <<EOF\nbody\nEOF\n",
            [Heredoc("EOF", "body\n", 5, 6)],
            id="after-continuation",
        ),
        pytest.param(
            "RUN <<EOF\n# body\n\nx \\\n  EOF\nEOF\n",
            [Heredoc("EOF", "# body\n\nx \\\n  EOF\n", 3, 7)],
            id="raw-body",
        ),
        pytest.param("RUN <<EOF\r\nx\r\nEOF\r\n", [Heredoc("EOF", "x\n", 3, 4)], id="crlf"),
        pytest.param("ONBUILD RUN <<EOF\nx\nEOF\n", [Heredoc("EOF", "x\n", 3, 4)], id="onbuild"),
        pytest.param("RUN <<EOF\nx\nEOF", [Heredoc("EOF", "x\n", 3, 4)], id="no-final-newline"),
    ],
)
def test_heredocs(body: str, heredocs: list[Heredoc]) -> None:
    parsed = parse_dockerfile(F + body)
    found = parsed.instructions[1]
    last = heredocs[-1].end_line
    assert (list(found.heredocs), found.end_line, len(found.lines), parsed.problems) == (
        heredocs,
        last,
        last - 1,
        [],
    )


@pytest.mark.parametrize(
    "line",
    [
        'RUN echo "<<EOF"',
        "RUN echo '<<EOF'",
        'RUN ["cat", "<<EOF"]',
        "RUN a\\<<EOF",
        "RUN cat << EOF",
        'RUN cat <<""',
    ],
)
def test_not_a_heredoc(line: str) -> None:
    assert shape(F + line + "\nCMD b\n") == "FROM:1-1 RUN:2-2 CMD:3-3"


@pytest.mark.parametrize(
    ("line", "keyword"),
    [("RUN cat<<EOF", "RUN"), ("USER <<EOF", "USER"), ("WORKDIR <<EOF", "WORKDIR")],
)
def test_heredoc_only_as_a_word_of_run_copy_add(line: str, keyword: str) -> None:
    assert shape(F + line + "\nbody\nEOF\n") == f"FROM:1-1 {keyword}:2-2 BODY:3-3 EOF:4-4"


def test_heredoc_then_comment_and_instruction() -> None:
    parsed = parse_dockerfile(F + "RUN <<EOF\napk add git\nEOF\n# tools\nCOPY --from=x / /\n")
    assert [(i.keyword, i.line, i.end_line) for i in parsed.instructions] == [
        ("FROM", 1, 1),
        ("RUN", 2, 4),
        ("COPY", 6, 6),
    ]
    assert parsed.comments == [(5, "tools")]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "RUN <<EOF\nbody\n",
            'unterminated heredoc "EOF": no line after line 2 is exactly "EOF";'
            " end the body with a line containing only EOF",
        ),
        ("RUN <<EOF\nbody\nEOF \n", 'unterminated heredoc "EOF"'),
        ("RUN <<-EOF\nbody\n", "(leading tabs allowed)"),
        (
            "RUN cat <<EOF>/f\nx\nEOF\n",
            'Docker reads the whole word as the terminator; write "<<EOF >..."',
        ),
    ],
)
def test_unterminated_heredoc(body: str, message: str) -> None:
    parsed = parse_dockerfile(F + body)
    assert (
        len(parsed.problems) == 1
        and parsed.problems[0][:2] == (2, 1)
        and message in parsed.problems[0][2]
    )
    assert parsed.instructions[-1].end_line == len((F + body).splitlines())


# --- parser directives and comments ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "directives"),
    [
        ("# syntax=docker/dockerfile:1.4\n\nFROM a\n", {"syntax": "docker/dockerfile:1.4"}),
        (
            "# syntax = docker/dockerfile:1\n# escape=`\nFROM a\n",
            {"syntax": "docker/dockerfile:1", "escape": "`"},
        ),
        ("#\tESCAPE = `\nFROM a\n", {"escape": "`"}),
        ("\ufeff# escape=`\r\nFROM a\r\n", {"escape": "`"}),
        ("# check=skip=all\n# escape=`\nFROM a\n", {"check": "skip=all", "escape": "`"}),
        pytest.param("# about this file\n# escape=`\nFROM a\n", {}, id="after-a-comment"),
        pytest.param("# unknown=1\n# escape=`\nFROM a\n", {}, id="after-an-unknown-directive"),
        pytest.param("\n# escape=`\nFROM a\n", {}, id="after-a-blank-line"),
        pytest.param("FROM a\n# escape=`\n", {}, id="after-an-instruction"),
    ],
)
def test_directives(text: str, directives: dict[str, str]) -> None:
    parsed = parse_dockerfile(text)
    assert (parsed.directives, parsed.escape, parsed.problems) == (
        directives,
        directives.get("escape", "\\"),
        [],
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "# escape=x\nFROM a\n",
            (1, 1, 'invalid escape directive "x"; write "# escape=\\" or "# escape=`"'),
        ),
        (
            "# escape=`\n# escape=\\\nFROM a\n",
            (2, 1, 'parser directive "escape" is set twice; keep only one "# escape=" line'),
        ),
    ],
)
def test_bad_directives(text: str, problem: tuple[int, int, str]) -> None:
    assert problems(text) == [problem]


def test_comments() -> None:
    text = (
        "# syntax=x\n# one\nFROM a\nRUN a \\\n  #  two \\\n  b\n"
        "RUN <<EOF\n# body, not a comment\nEOF\n  # three\n"
    )
    assert parse_dockerfile(text).comments == [(2, "one"), (5, "two \\"), (10, "three")]


# --- stages ---------------------------------------------------------------------------


def test_stages_and_global_args() -> None:
    parsed = parse_dockerfile(
        "ARG V=3.12\nFROM --platform=$BUILDPLATFORM python:${V} AS Build\nRUN make\n"
        "FROM build as final\nCOPY --from=build /a /b\nFROM scratch\n"
    )
    assert [a.args for a in parsed.global_args] == ["V=3.12"]
    assert [(s.index, s.name, s.base, s.from_instruction.line) for s in parsed.stages] == [
        (0, "build", "python:${V}", 2),
        (1, "final", "build", 4),
        (2, None, "scratch", 6),
    ]
    assert [[i.keyword for i in s.instructions] for s in parsed.stages] == [["RUN"], ["COPY"], []]
    assert parsed.stages[0].from_instruction.flag("platform") == "$BUILDPLATFORM"
    assert [i.keyword for i in parsed.instructions] == [
        "ARG",
        "FROM",
        "RUN",
        "FROM",
        "COPY",
        "FROM",
    ]


# --- problems -------------------------------------------------------------------------

EMPTY = "the Dockerfile is empty; add a FROM instruction"
BEFORE_FROM = "before the first FROM; a Dockerfile must start with FROM (only ARG may precede it)"
CONTINUES = 'if this line continues the instruction above, end the previous line with "\\"'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (F + "RUNN make\n", [(2, 1, 'unknown instruction "RUNN"; did you mean "RUN"?')]),
        (F + "  cpy . /\n", [(2, 3, 'unknown instruction "CPY"; did you mean "COPY"?')]),
        (F + "RUN a\napk add git\n", [(3, 1, f'unknown instruction "APK"; {CONTINUES}')]),
        ("COPY . /app\nFROM a\n", [(1, 1, f'"COPY" {BEFORE_FROM}')]),
        ("ARG A\nRUN a\nCMD b\nFROM a\n", [(2, 1, f'"RUN" {BEFORE_FROM}')]),
        ("ARG A\n", [(1, 1, 'no FROM instruction; add "FROM <image>" to start a stage')]),
        ("", [(1, 1, EMPTY)]),
        (" \n\t\n\n", [(1, 1, EMPTY)]),
        ("# syntax=docker/dockerfile:1\n# just comments\n", [(1, 1, EMPTY)]),
        ("# syntax=x\nFROM a\nRUN a\n", []),
    ],
)
def test_problems(text: str, expected: list[tuple[int, int, str]]) -> None:
    assert problems(text) == expected


def test_every_known_instruction_is_accepted() -> None:
    assert problems(F + "".join(f"{k.lower()} x\n" for k in sorted(KNOWN_INSTRUCTIONS))) == []


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("\x00\x01\x02\xff\ufffd\n\x80", id="binary"),
        pytest.param(F + "RUN " + "x" * 1_000_000 + "\n", id="huge-line"),
        pytest.param(F + "RUN \udcff lone surrogate\n", id="surrogate"),
        pytest.param("\\\n" * 1000, id="escapes"),
        pytest.param(F + "RUN <<EOF\n" * 500, id="heredoc-flood"),
        pytest.param(F + "CMD [" + "[" * 10_000 + "\n", id="deep-json"),
        pytest.param(F + 'CMD ["' + "[" * 10_000 + "\n", id="deep-json-quoted"),
        pytest.param(F + 'CMD ["a", ' + "[" * 10_000 + "]\n", id="deep-json-comma"),
        pytest.param("# escape=`\n`\n`", id="backticks"),
        pytest.param(F + "RUN \"unclosed --mount='x\n", id="open-quote"),
    ],
)
def test_never_raises(text: str) -> None:
    assert isinstance(parse_dockerfile(text), Dockerfile)


# --- oracle: BuildKit's parser --------------------------------------------------------


def _is_dockerfile(path: Path) -> bool:
    name = path.name
    return (
        name == "Dockerfile"
        or name.startswith("Dockerfile.")
        or name.endswith((".Dockerfile", ".dockerfile"))
    )


def _corpus_params() -> list[Any]:
    if not CORPUS.is_dir():
        return [
            pytest.param(
                None,
                marks=pytest.mark.skip(reason=f"shared corpus not found at {CORPUS}"),
            )
        ]
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file() and _is_dockerfile(p))
    return [pytest.param(p, id=str(p.relative_to(CORPUS))) for p in files]


# Instructions the two parsers must agree on, written to a temporary file one by one. Left out on
# purpose: heredocs behind ONBUILD (the binding hides the child's heredocs) and `# check=` (a
# directive this BuildKit build predates; the current reference documents it).
SNIPPETS = {
    "continuation": "FROM a\nRUN a \\\n    b\n",
    "comment-in-continuation": "FROM a\nRUN a \\\n# c\n  b \\\n  # d \\\n  c\n",
    "empty-continuation": "FROM a\nRUN a \\\n\n   \n  b\n",
    "escaped-escape": "FROM a\nRUN echo \\\\\nCMD b\n",
    "eof-continuation": "FROM a\nRUN a \\\n\n# c\n",
    "escape-backtick": "# escape=`\nFROM a\nRUN dir c:\\\nRUN a `\n  b\n",
    "escape-after-blank": "\n# escape=`\nFROM a\nRUN a `\nCMD b\n",
    "escape-after-comment": "# hi\n# escape=`\nFROM a\nRUN a `\nCMD b\n",
    "crlf": "FROM a\r\nRUN a \\\r\n  b\r\nRUN <<EOF\r\nx\r\nEOF\r\nCMD c\r\n",
    "bom": "\ufeffFROM a\nRUN b\n",
    "non-ascii": "FROM a\nRUN echo 'héllo ☕' \\\n  && echo ü\nLABEL a=\"日本\"\n",
    "flags": (
        "FROM --platform=$X a AS b\nCOPY --from=b --chown=1:2 x y\n"
        'RUN --mount="type=cache,target=/a b" \\\n  --network=none -- --x\n'
    ),
    "heredoc": "FROM a\nRUN <<EOF\napk update\nEOF\n# after\nCMD x\n",
    "heredoc-multi": "FROM a\nRUN <<A cat > /a && <<-B cat > /b\none\nA\n\ttwo\n\tB\n",
    "heredoc-quoted": (
        'FROM a\nRUN <<"EOF" bash\n$x\nEOF\nRUN <<\'E O\'\ny\nE O\nRUN cat <<E"O"F\nz\nEOF\n'
    ),
    "heredoc-copy": (
        "FROM a\nCOPY <<EOF /dest\nhello\nEOF\nADD --chmod=755 <<one <<two /d/\n1\none\n2\ntwo\n"
    ),
    "heredoc-after-continuation": (
        "FROM a\nRUN --mount=type=secret,id=s \\\n  # c\n\n  <<EOF \\\n  bash\n"
        "body \\\n# in body\n\nEOF\n"
    ),
    "heredoc-empty-and-fd": "FROM a\nRUN <<EOF\nEOF\nRUN 3<<EOF cat\nx\nEOF\n",
    "heredoc-terminator-lookalikes": "FROM a\nRUN <<EOF\n  EOF\nEOF \nEOFX\nEOF\n",
    "not-heredocs": (
        'FROM a\nRUN echo "<<EOF" \'<<X\' a\\<<Y\nRUN ["<<EOF"]\nRUN cat << EOF\nUSER <<EOF\n'
    ),
    "no-final-newline": "FROM a\nRUN <<EOF\nx\nEOF",
    "arg-before-from": "ARG V=1\nARG W\nFROM a:${V} AS base\nFROM base\n",
    "unknown-instruction": "FROM a\nRUNN x\napk add git\n",
    "json": 'FROM a\nCMD ["a", \\\n  "b"]\nCMD [\'a\']\nENTRYPOINT [ "x" ]\nRUN [ -f /x ]\n',
    "lowercase": "from a\nrun b\n  copy . /\n",
}


@pytest.mark.parametrize("text", list(SNIPPETS.values()), ids=list(SNIPPETS))
def test_oracle_snippets(text: str, tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(text.encode("utf-8"))
    _assert_agrees_with_buildkit(path)


@pytest.mark.parametrize("path", _corpus_params())
def test_oracle_corpus(path: Path) -> None:
    parsed = _assert_agrees_with_buildkit(path)
    assert parsed.problems == []


def _assert_agrees_with_buildkit(path: Path) -> Dockerfile:
    oracle = pytest.importorskip(
        "dockerfile",
        reason="the BuildKit parser binding (PyPI dockerfile) is not installed",
    )
    expected = [
        (
            command.cmd.upper(),
            command.start_line,
            command.end_line,
            tuple(command.flags),
            [(h.name, h.content.replace("\r\n", "\n")) for h in command.heredocs],
        )
        for command in oracle.parse_file(str(path))
    ]
    parsed = parse_dockerfile(path.read_bytes().decode("utf-8"))
    actual = [
        (i.keyword, i.line, i.end_line, i.flags, [(h.name, h.body) for h in i.heredocs])
        for i in parsed.instructions
    ]
    assert actual == expected
    return parsed


# --- typed arguments -------------------------------------------------------------------


def _one(text: str) -> Instruction:
    return parse_dockerfile(F + text).instructions[1]


def test_arguments_with_positions() -> None:
    copy = _one('COPY --chown=1:2 "a" b \\\n  # note\n  /dst/\n')
    assert [(w.text, w.raw, w.line, w.column) for w in copy.arguments] == [
        ("a", '"a"', 2, 18),
        ("b", "b", 2, 22),
        ("/dst/", "/dst/", 4, 3),
    ]
    exec_form = _one('COPY ["a b", "/dst/"]\n')
    assert [(w.text, w.column) for w in exec_form.arguments] == [("a b", 7), ("/dst/", 14)]


def test_copy_operands_and_options() -> None:
    copy = _one("COPY --from=build --chmod=755 --link --exclude=*.md <<EOF a /app/\nx\nEOF\n").copy
    assert copy is not None
    assert [w.text for w in copy.sources] == ["<<EOF", "a"]
    assert [w.text for w in copy.files] == ["a"]
    assert (copy.dest.text, copy.from_stage, copy.chmod, copy.link) == (
        "/app/",
        "build",
        "755",
        True,
    )
    assert copy.excludes == ("*.md",)
    assert _one("COPY only-one\n").copy is None
    assert _one("RUN a b\n").copy is None


@pytest.mark.parametrize(
    ("text", "pairs"),
    [
        ('ENV A=1 B="x y" C=$D', (("A", "1"), ("B", "x y"), ("C", "$D"))),
        ("ENV A=", (("A", ""),)),
        ('ENV LEGACY some   "quoted" value', (("LEGACY", "some   quoted value"),)),
        ("ENV A 1", (("A", "1"),)),
        ("ENV A='it''s'", (("A", "its"),)),
        ("ENV", ()),
    ],
)
def test_env_pairs(text: str, pairs: tuple[tuple[str, str], ...]) -> None:
    assert _one(text).env_pairs == pairs


def test_arg_pairs_user_and_onbuild() -> None:
    assert _one('ARG A=1 B C="x"').arg_pairs == (("A", "1"), ("B", None), ("C", "x"))
    assert _one('USER "app:staff"').user == ("app", "staff")
    assert _one("USER 1000").user == ("1000", None)
    inner = _one("  ONBUILD RUN --mount=type=cache,target=/x make\n").inner
    assert inner is not None
    assert (inner.keyword, inner.column, inner.flags, inner.args) == (
        "RUN",
        11,
        ("--mount=type=cache,target=/x",),
        "make",
    )
    assert [w.text for w in inner.arguments] == ["make"]
    assert _one("RUN make").inner is None


_WORD_LISTS = frozenset({"COPY", "ADD", "EXPOSE", "FROM", "VOLUME"})


def _assert_typed_arguments_agree(path: Path) -> None:
    """ENV names, LABEL keys, the blank-split words of COPY/ADD/EXPOSE/FROM/VOLUME and ONBUILD's
    instruction, as BuildKit's parser reads them."""
    oracle = pytest.importorskip("dockerfile")
    parsed = parse_dockerfile(path.read_bytes().decode("utf-8"))
    for command, instruction in zip(oracle.parse_file(str(path)), parsed.instructions, strict=True):
        if instruction.keyword == "ONBUILD":
            assert instruction.inner is not None
            assert instruction.inner.keyword == (command.sub_cmd or "").upper()
            instruction = instruction.inner
        if instruction.keyword == "ENV" and not command.sub_cmd:
            assert [n for n, _ in instruction.env_pairs] == list(command.value[0::2])
        if instruction.keyword == "LABEL" and not command.sub_cmd:
            keys = [k.strip("\"'") for k in command.value[0::2]]
            assert [k for k, _ in instruction.label_pairs] == keys
        if instruction.keyword in _WORD_LISTS and not command.json and not instruction.heredocs:
            assert [w.raw for w in instruction.arguments] == list(command.value), command


@pytest.mark.parametrize("text", list(SNIPPETS.values()), ids=list(SNIPPETS))
def test_oracle_typed_arguments_snippets(text: str, tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(text.encode("utf-8"))
    _assert_typed_arguments_agree(path)


@pytest.mark.parametrize("path", _corpus_params())
def test_oracle_typed_arguments_corpus(path: Path) -> None:
    _assert_typed_arguments_agree(path)
