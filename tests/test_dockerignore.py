from __future__ import annotations

from pathlib import Path

import pytest

from compose_lint.load.dockerignore import go_clean, ignore_file_for, parse_dockerignore

DOC_TEMP = "# comment\n*/temp*\n*/*/temp*\ntemp?"
DOC_README_1 = "*.md\n!README*.md\nREADME-secret.md"
DOC_README_2 = "*.md\nREADME-secret.md\n!README*.md"
APP = "build/app.Dockerfile"


@pytest.mark.parametrize(
    ("text", "path", "excluded"),
    [
        # Docker's documented examples
        (DOC_TEMP, "somedir/temporary.txt", True),
        (DOC_TEMP, "somedir/temp", True),
        (DOC_TEMP, "somedir/subdir/temporary.txt", True),
        (DOC_TEMP, "tempa", True),
        (DOC_TEMP, "tempb", True),
        (DOC_TEMP, "temp", False),
        (DOC_TEMP, "temporary.txt", False),
        (DOC_TEMP, "a/b/c/temporary.txt", False),
        (DOC_TEMP, "# comment", False),
        ("/foo/bar", "foo/bar", True),
        ("foo/bar", "foo/bar", True),
        ("/foo/bar", "bar", False),
        ("foo/bar", "foo", False),
        ("foo/bar", "x/foo/bar", False),
        ("**/*.go", "main.go", True),
        ("**/*.go", "a/b/main.go", True),
        ("**/*.go", "main.gox", False),
        ("*.md\n!README.md", "README.md", False),
        ("*.md\n!README.md", "CHANGELOG.md", True),
        ("*.md\n!README.md", "docs/guide.md", False),
        (DOC_README_1, "README.md", False),
        (DOC_README_1, "README-secret.md", True),
        (DOC_README_1, "README-dev.md", False),
        (DOC_README_1, "notes.md", True),
        (DOC_README_2, "README-secret.md", False),
        (DOC_README_2, "README.md", False),
        (DOC_README_2, "notes.md", True),
        (".", "anything", False),
        ("Dockerfile\n.dockerignore", "Dockerfile", True),
        ("Dockerfile\n.dockerignore", ".dockerignore", True),
        ("*\n!src", "src/app.py", False),
        ("*\n!src", "README.md", True),
        # ** at the start, in the middle, at the end
        ("**", "a/b/c", True),
        ("**/foo", "foo", True),
        ("**/foo", "a/b/foo", True),
        ("**/foo", "a/foo/x", True),
        ("**/foo", "afoo", False),
        ("**/foo", "foo2", False),
        ("a/**/b", "a/b", True),
        ("a/**/b", "a/x/y/b", True),
        ("a/**/b", "a/xb", False),
        ("a/**/b", "b", False),
        ("a/**", "a/x/y", True),
        ("a/**", "a", False),
        ("a/**", "ab", False),
        ("**/dir/**", "x/dir/y", True),
        ("**/dir/**", "x/dir", False),
        # ** quirks of Docker's translation
        ("**.txt", "a/b.txt", True),
        ("**.txt", "a/b.txt.bak", False),
        ("a**b", "ab", True),
        ("a**b", "a/x/b", True),
        ("a**b", "axb", False),
        # a pattern matching a parent directory excludes what is below it
        ("node_modules", "node_modules/a/b.js", True),
        ("docs", "docs/x.md", True),
        ("docs", "docsx/a", False),
        ("node_modules", "src/node_modules/x", False),
        ("*/temp", "a/temp/x/y", True),
        # exceptions; the last matching line decides
        ("docs\n!docs/README.md", "docs/README.md", False),
        ("docs\n!docs/README.md", "docs/other.md", True),
        ("!a.txt\n*.txt", "a.txt", True),
        ("*.txt\n!a.txt", "a.txt", False),
        ("*.txt\n!a.txt\na.txt", "a.txt", True),
        ("*\n!src\nsrc/tests", "src/tests/unit.py", True),
        ("*\n!src\nsrc/tests", "src/main.py", False),
        ("**\n!src/**", "src/a/b.py", False),
        # BuildKit walks level by level and forgets patterns it skipped on a parent
        ("a/c\n!a", "a/c", True),
        ("*\n!src/x\nsrc", "src/x", False),
        ("*\n!src/x\nsrc", "src/y", True),
        # comments, blank lines, whitespace, line endings
        ("\n\n   \n# x\nfoo", "foo", True),
        ("#foo", "#foo", False),
        ("  # x", "# x", True),
        ("\\#foo", "#foo", True),
        ("  foo \t", "foo", True),
        ("*\n!   foo", "foo", False),
        ("foo\r\nbar\r\n", "bar", True),
        ("\ufefffoo", "foo", True),
        ("\ufeff#c\nfoo", "#c", False),
        # leading '/', Clean normalisation
        ("/foo", "foo", True),
        ("*\n!/foo", "foo", False),
        ("/", "foo", False),
        ("a/../b", "b", True),
        ("a//b", "a/b", True),
        ("a/b/", "a/b", True),
        ("./a", "a", True),
        ("a/./b", "a/b", True),
        ("../a", "a", False),
        ("a/..", "a", False),
        ("foo /", "foo", True),
        # wildcards never cross '/'
        ("a*b", "a/b", False),
        ("a?b", "a/b", False),
        ("a?b", "axb", True),
        ("*.MD", "a.md", False),
        # character classes
        ("[abc].txt", "b.txt", True),
        ("[abc].txt", "d.txt", False),
        ("file[0-9].log", "file7.log", True),
        ("[^a-c]x", "dx", True),
        ("[^a-c]x", "ax", False),
        ("[!a]x", "!x", True),
        ("[!a]x", "bx", False),
        ("[\\]]", "]", True),
        ("[\\-a]", "-", True),
        ("[.]", "x", False),
        ("[[:]", ":", True),
        # escapes
        ("\\*.txt", "*.txt", True),
        ("\\*.txt", "a.txt", False),
        ("\\?", "?", True),
        ("\\[a]", "[a]", True),
        ("\\!keep", "!keep", True),
        ("a\\ b", "a b", True),
        ("\\d.txt", "7.txt", True),
        ("\\d.txt", "d.txt", False),
        # regex metacharacters are literal; a bare '^' anchors once a wildcard is present
        ("a.b", "axb", False),
        ("a+b(c)", "a+b(c)", True),
        ("a$", "a$", True),
        ("^a", "^a", True),
        ("^a*", "abc", True),
        ("^a*", "^abc", False),
        # malformed patterns match nothing and break nothing
        ("[\n*", "x", True),
        ("[", "[", False),
        ("\\x41", "A", False),
    ],
)
def test_is_excluded(text: str, path: str, excluded: bool) -> None:
    assert parse_dockerignore(text).is_excluded(path) is excluded


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("[", 1),
        ("ok\n[a", 2),
        ("a/[b\nfoo", 1),
        ("\\", 1),
        ("!", 1),
        ("!/", 1),
        ("[]", 1),
        ("[a-]", 1),
        ("[-a]", 1),
        ("[z-a]", 1),
        ("\\e", 1),
        ("\\x41", 1),
        ("[*]", 1),
        ("[a-\\d]", 1),
        ("[[:alpha:]]", 1),
    ],
)
def test_malformed_pattern_is_a_problem(text: str, line: int) -> None:
    ignore = parse_dockerignore(text)
    assert [number for number, _ in ignore.problems] == [line]
    bad = next(p for p in ignore.patterns if p.line == line)
    assert bad.regex is None and bad.error
    assert not ignore.is_excluded(bad.cleaned)


@pytest.mark.parametrize(
    ("text", "path", "line"),
    [
        ("*.md\n!README.md", "README.md", 2),
        ("*.md\nREADME.md", "README.md", 2),
        ("docs\n*.txt", "docs/a.md", 1),
        ("x", "y", None),
        ("**", "", None),
        ("**", ".", None),
    ],
)
def test_matching_pattern(text: str, path: str, line: int | None) -> None:
    found = parse_dockerignore(text).matching_pattern(path)
    assert (found.line if found else None) == line


@pytest.mark.parametrize(
    ("path", "excluded"),
    [("./foo", True), ("foo/", True), ("foo//x", True), ("/foo/x", True), ("bar/../foo", True)],
)
def test_path_spelling(path: str, excluded: bool) -> None:
    assert parse_dockerignore("foo").is_excluded(path) is excluded


def test_pattern_fields() -> None:
    [pattern] = parse_dockerignore("\n  !  /a//b/ ").patterns
    assert (pattern.text, pattern.exclusion, pattern.line) == ("/a//b/", True, 2)
    assert pattern.cleaned == "a/b" and pattern.error is None


def test_cache_is_order_independent_and_follows_edits() -> None:
    ignore = parse_dockerignore("a\n!a/b")
    assert ignore.is_excluded("a/b/c") is False
    assert ignore.is_excluded("a/x/c") is True
    assert ignore.is_excluded("a/b") is False
    ignore.patterns.append(parse_dockerignore("\n\na/b/c").patterns[0])
    assert ignore.is_excluded("a/b/c/d") is True


@pytest.mark.parametrize(
    ("path", "clean"),
    [("", "."), ("a//b/", "a/b"), ("a/../..", ".."), ("/../a", "/a"), ("./.", "."), ("/", "/")],
)
def test_go_clean(path: str, clean: str) -> None:
    assert go_clean(path) == clean


@pytest.mark.parametrize(
    ("files", "dockerfile", "expected"),
    [
        ([], "Dockerfile", None),
        ([".dockerignore"], "Dockerfile", ".dockerignore"),
        ([".dockerignore", APP + ".dockerignore"], APP, APP + ".dockerignore"),
        ([".dockerignore", "app.Dockerfile.dockerignore"], APP, ".dockerignore"),
        (["Dockerfile.dockerignore"], "Dockerfile", "Dockerfile.dockerignore"),
        ([".dockerignore", "Dockerfile.dockerignore"], None, ".dockerignore"),
        (["Dockerfile.dockerignore"], None, None),
    ],
)
def test_ignore_file_for(
    tmp_path: Path, files: list[str], dockerfile: str | None, expected: str | None
) -> None:
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x\n")
    relative = ignore_file_for(tmp_path, Path(dockerfile) if dockerfile else None)
    absolute = ignore_file_for(tmp_path, tmp_path / dockerfile if dockerfile else None)
    want = tmp_path / expected if expected else None
    assert relative == want and absolute == want


def test_ignore_file_must_be_a_file(tmp_path: Path) -> None:
    (tmp_path / ".dockerignore").mkdir()
    assert ignore_file_for(tmp_path, None) is None
