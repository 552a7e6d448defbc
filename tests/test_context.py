"""compose_lint.model.context (what a Dockerfile copies, what a build context holds) and the
rules built on it: CL401 missing-dockerignore, CL402 dockerignore-leak."""

from __future__ import annotations

import json
import os
import time
from importlib import resources
from pathlib import Path

import pytest
from conftest import catches, catches_not, lint

from compose_lint.engine import Options, run
from compose_lint.load.dockerfile import Instruction, parse_dockerfile
from compose_lint.model import Build
from compose_lint.model.context import (
    BuildContext,
    Glob,
    clean_source,
    context_display,
    context_entries,
    copies_whole_context,
    copy_excludes,
    copy_sources,
    exists,
    explicit_sources,
    find_matches,
    has_wildcards,
    instruction_text,
    is_whole_context_copy,
)
from compose_lint.model.leaks import MAX_NAMED, find_leaks, leak_kinds
from compose_lint.project import Loader

PY = "FROM python:3.13-slim\nWORKDIR /app\nCOPY . .\n"


def ins(line: str) -> Instruction:
    return parse_dockerfile("FROM a AS build\n" + line + "\n").instructions[1]


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def project(root: Path, files: dict[str, str] | None = None, compose: str | None = None):
    write(root, files or {})
    if compose is not None or not (root / "compose.yaml").exists():
        write(root, {"compose.yaml": compose or "services:\n  app:\n    build: .\n"})
    return Loader(root).compose_project(root / "compose.yaml")


def build_of(root: Path, files: dict[str, str] | None = None, compose: str | None = None) -> Build:
    builds = project(root, files, compose).builds()
    assert builds
    return builds[0]


def messages(root: Path, code: str) -> list[str]:
    result = run([str(root)], Options(select=(code,), isolated=True), root)
    assert not result.crashes, result.crashes
    return [f.message for f in result.findings]


# --- which instructions copy the whole context ---------------------------------------


@pytest.mark.parametrize(
    ("line", "whole"),
    [
        ("COPY . .", True),
        ("COPY . /app", True),
        ("COPY ./ /app/", True),
        ("copy . .", True),
        ("ADD . /srv", True),
        ("COPY --chown=app:app --link . .", True),
        ('COPY ["./", "/srv/"]', True),
        ('COPY [".", "/srv/"]', True),
        ("COPY * ./", True),
        ("COPY ./* ./", True),
        ("COPY / /app", True),
        ("COPY src/.. /app", True),
        ("COPY requirements.txt . /app/", True),  # "." among several sources
        ("COPY --from=build . .", False),
        ("COPY --from=build /app/dist ./", False),
        ("COPY src .", False),
        ("COPY .env .", False),
        ("COPY *.txt ./", False),
        ("COPY ./.* ./", False),
        ("COPY ../ /app", False),
        ("COPY $SRC /app", False),
        ("COPY .", False),  # no destination
        ("COPY", False),
        ("RUN cp -r . /app", False),
        ("WORKDIR .", False),
        ("ONBUILD COPY . /app", False),
        ("ADD https://example.com/app.tar.gz .", False),
    ],
)
def test_is_whole_context_copy(line: str, whole: bool) -> None:
    assert is_whole_context_copy(ins(line)) is whole


def test_heredoc_sources_are_not_context_paths() -> None:
    copy = parse_dockerfile("FROM a\nCOPY <<EOF 2<<two . /dst/\nx\nEOF\ny\ntwo\n").instructions[1]
    assert copy_sources(copy) == ["."]
    plain = parse_dockerfile("FROM a\nCOPY <<EOF /dst\nx\nEOF\n").instructions[1]
    assert copy_sources(plain) == []
    assert not is_whole_context_copy(plain)


@pytest.mark.parametrize(
    ("source", "cleaned"),
    [
        ("./a/", "a"),
        ("/a//b/./c", "a/b/c"),
        ("/", "."),
        ("./", "."),
        ("a/../..", None),
        ("../x", None),
        ("${DIR}/x", None),
    ],
)
def test_clean_source(source: str, cleaned: str | None) -> None:
    assert clean_source(source) == cleaned


def test_copies_whole_context_first_match_and_target() -> None:
    dockerfile = parse_dockerfile(
        "FROM python:3.13 AS deps\nRUN pip install flask\n"
        "FROM deps AS app\nCOPY app.py .\nCOPY . .\n"
        "FROM app AS test\nCOPY ./ /tests/\n"
    )
    found = copies_whole_context(dockerfile)
    assert found is not None and found.line == 5
    assert copies_whole_context(dockerfile, "deps") is None
    assert copies_whole_context(dockerfile, "APP") is found
    assert copies_whole_context(dockerfile, "unknown-target") is found  # not guessed away


def test_copies_whole_context_without_stages() -> None:
    assert copies_whole_context(parse_dockerfile("COPY . .\n")) is None
    assert copies_whole_context(parse_dockerfile("")) is None


def test_explicit_sources() -> None:
    dockerfile = parse_dockerfile(
        "FROM a\nCOPY ./tls/ /etc/tls/\nCOPY a.txt b/c.txt /x/\n"
        'COPY ["d e", "/y/"]\nCOPY --from=b /src /src\nCOPY *.md . /z/\n'
        "ADD https://example.com/f /f\nCOPY ${X} /x\n"
    )
    assert explicit_sources(dockerfile) == {"tls", "a.txt", "b/c.txt", "d e"}


def test_instruction_text() -> None:
    assert instruction_text(ins("  COPY . .")) == "COPY . ."
    assert instruction_text(ins("COPY --chown=a:b \\\n  . /app")) == "COPY --chown=a:b ..."
    assert instruction_text(ins("COPY " + "a" * 100 + " .")).endswith("...")


# --- what the context holds ------------------------------------------------------------


def test_context_entries_levels_and_limits(tmp_path: Path) -> None:
    build = build_of(
        tmp_path,
        {
            "Dockerfile": PY,
            "a/b/c/d/deep.txt": "",
            "node_modules/pkg/index.js": "",
            "src/main.py": "",
        },
    )
    found = [e.relpath for e in context_entries(build)]
    # level by level, sorted by name within a directory
    assert found[:5] == ["Dockerfile", "a", "compose.yaml", "node_modules", "src"]
    assert "a/b/c" in found and "a/b/c/d" not in found  # three levels deep
    assert "node_modules/pkg" not in found  # never entered
    assert [e.relpath for e in context_entries(build, max_depth=1)] == found[:5]
    assert len(list(context_entries(build, limit=3))) == 3
    depths = {e.relpath: e.depth for e in context_entries(build)}
    assert depths["a"] == 1 and depths["a/b/c"] == 3


def test_context_entries_honor_ignore(tmp_path: Path) -> None:
    files = {"Dockerfile": PY, "logs/a.log": "", "keep/x": "", ".dockerignore": "logs\n"}
    build = build_of(tmp_path, files)
    found = {e.relpath for e in context_entries(build)}
    assert "logs" not in found and "logs/a.log" not in found and "keep/x" in found
    everything = {e.relpath for e in context_entries(build, honor_ignore=False)}
    assert {"logs", "logs/a.log"} <= everything


def test_context_entries_enter_excluded_dirs_when_exceptions_exist(tmp_path: Path) -> None:
    ignore = "*\n!app/keep.txt\n"
    files = {"Dockerfile": PY, "app/keep.txt": "", "app/drop.txt": "", ".dockerignore": ignore}
    build = build_of(tmp_path, files)
    assert {e.relpath for e in context_entries(build)} == {"app/keep.txt"}


def test_context_entries_do_not_follow_symlinks(tmp_path: Path) -> None:
    outside = write(tmp_path / "outside", {"secret/.env": "A=1"})
    root = tmp_path / "ctx"
    build = build_of(root, {"Dockerfile": PY})
    os.symlink(outside / "secret", root / "linked")
    os.symlink(root, root / "loop")
    entries = {e.relpath: e for e in context_entries(build)}
    assert entries["linked"].is_symlink and not entries["linked"].is_dir
    assert not any(path.startswith(("linked/", "loop/")) for path in entries)


def test_context_entries_remote_or_missing(tmp_path: Path) -> None:
    remote = build_of(tmp_path, compose="services:\n  a:\n    build: https://x.test/r.git\n")
    assert list(context_entries(remote)) == []
    missing = build_of(tmp_path / "m", compose="services:\n  a:\n    build: ./nope\n")
    assert list(context_entries(missing)) == []
    assert not exists(remote, "x") and find_matches(remote, "*") == []


def test_exists_and_find_matches(tmp_path: Path) -> None:
    files = {"Dockerfile": PY, "src/a.py": "", "src/b.txt": "", "conf/x.ini": "", ".env": ""}
    build = build_of(tmp_path, files)
    assert exists(build, "src/a.py") and exists(build, "./src/") and exists(build, "/src")
    assert not exists(build, "src/c.py")
    assert exists(build, "src/*.py") and not exists(build, "src/*.json")
    assert exists(build, "*/x.ini") and exists(build, "[cs]rc/?.py")
    assert exists(build, "src/[^b].py") and not exists(build, "src/[^a].py")
    assert not exists(build, "../outside") and not exists(build, "src/../../x")
    assert exists(build, ".") and exists(build, ".env")
    assert find_matches(build, "src/*", limit=5) == ["src/a.py", "src/b.txt"]
    assert find_matches(build, "*", limit=2) == [".env", "Dockerfile"]


# --- the one globber: Docker's COPY source semantics -------------------------------------

GLOB_FILES = {
    "a.py": "",
    "b.txt": "",
    "!.py": "",
    "src/a.py": "",
    "src/b.py": "",
    "src/sub/c.py": "",
    "lib/x.py": "",
}


@pytest.mark.parametrize(
    ("pattern", "found"),
    [
        ("*.py", ["!.py", "a.py"]),  # `*` does not cross "/"
        ("*/*.py", ["lib/x.py", "src/a.py", "src/b.py"]),
        ("**/*.py", ["lib/x.py", "src/a.py", "src/b.py"]),  # `**` is two `*`: one level
        ("src/**", ["src/a.py", "src/b.py", "src/sub"]),
        ("?.py", ["!.py", "a.py"]),
        ("src/?.py", ["src/a.py", "src/b.py"]),
        ("src/[a-a].py", ["src/a.py"]),
        ("src/[^a].py", ["src/b.py"]),  # `^` negates
        ("[!a].py", ["!.py", "a.py"]),  # `!` does not: Go reads it as a character
        ("src/[ab].p[xy]", ["src/a.py", "src/b.py"]),
        ("[", []),  # malformed: Go matches nothing
        ("src/[]a].py", []),
        ("src/[b-a].py", []),
        ("./src/../*.txt", ["b.txt"]),
        ("/src/*.py", ["src/a.py", "src/b.py"]),
        ("../*", []),
    ],
)
def test_glob_semantics(tmp_path: Path, pattern: str, found: list[str]) -> None:
    build = build_of(tmp_path, {"Dockerfile": PY, **GLOB_FILES})
    assert list(BuildContext.of(build).glob(pattern).matches) == found


def test_glob_backslash_escapes(tmp_path: Path) -> None:
    build = build_of(tmp_path, {"Dockerfile": PY, "a*b": "", "a*bc": "", "axb": ""})
    context = BuildContext.of(build)
    # an escaped `*` is no wildcard: without another one the source is a plain path
    assert not has_wildcards("a\\*b") and has_wildcards("a*b")
    assert context.matches("a\\*b", limit=5) == []
    # with one, Go's filepath.Match reads `\\*` as a literal `*`
    assert context.matches("a\\*b*", limit=5) == ["a*b", "a*bc"]
    assert context.matches("a*b", limit=5) == ["a*b", "axb"]


def test_glob_missing_folder_and_file_prefix(tmp_path: Path) -> None:
    build = build_of(tmp_path, {"Dockerfile": PY, **GLOB_FILES})
    context = BuildContext.of(build)
    assert context.glob("lib/nope/*.py") == Glob((), missing_dir="lib/nope")
    assert context.glob("gone/deeper/*.py").missing_dir == "gone"
    assert context.glob("a.py/*") == Glob(())  # a file where a folder should be


def test_glob_does_not_enter_symlinks(tmp_path: Path) -> None:
    outside = write(tmp_path / "outside", {"x.py": "", "d/y.py": ""})
    root = tmp_path / "ctx"
    build = build_of(root, {"Dockerfile": PY, "real/z.py": ""})
    os.symlink(outside, root / "out")
    os.symlink(root / "real", root / "inner")
    context = BuildContext.of(build)
    # below a wildcard, links are matched as entries but never entered
    assert context.matches("*/*.py", limit=9) == ["real/z.py"]
    assert context.matches("[io]*", limit=9) == ["inner", "out"]
    # a fixed folder that is a link inside the context is followed, as Docker does
    assert context.matches("inner/*.py", limit=9) == ["inner/z.py"]
    # one leading out of the context is not judged
    assert context.glob("out/*.py") == Glob((), truncated=True)


def test_glob_caps(tmp_path: Path) -> None:
    files = {f"d/f{i:03}.txt": "" for i in range(50)}
    build = build_of(tmp_path, {"Dockerfile": PY, **files})
    context = BuildContext.of(build)
    assert context.glob("d/*.txt", limit=3).matches == ("d/f000.txt", "d/f001.txt", "d/f002.txt")
    capped = context.glob("d/*.txt", scan_limit=10)
    assert capped.truncated
    assert len(context.glob("d/*.txt").matches) == 50


def test_context_lists_each_directory_once(tmp_path: Path, monkeypatch) -> None:
    build = build_of(tmp_path, {"Dockerfile": PY, **GLOB_FILES})
    context = BuildContext.of(build)
    assert BuildContext.of(build) is context
    calls: list[object] = []
    real = os.scandir

    def counting(path):  # type: ignore[no-untyped-def]
        calls.append(path)
        return real(path)

    monkeypatch.setattr(os, "scandir", counting)
    context.glob("src/*.py")
    context.glob("*/*.py")
    context.entries()
    context.entries()
    listed = [str(c) for c in calls]
    assert len(listed) == len(set(listed))


def test_context_ignore_verdicts(tmp_path: Path) -> None:
    ignore = "*.txt\n!keep.txt\nsrc\n!src/a.py\n"
    files = {"Dockerfile": PY, ".dockerignore": ignore, "b.txt": "", "keep.txt": "", **GLOB_FILES}
    context = BuildContext.of(build_of(tmp_path, files))
    assert context.excluded("b.txt") and not context.excluded("keep.txt")
    pattern = context.excluded_by("b.txt")
    assert pattern is not None and pattern.line == 1 and pattern.text == "*.txt"
    assert context.excluded_by("keep.txt") is None and context.excluded_by("a.py") is None
    assert context.reincluded("keep.txt") and not context.reincluded("a.py")
    assert context.has_exceptions
    assert context.excluded("src/b.py") and not context.excluded("src/a.py")


def test_context_display(tmp_path: Path) -> None:
    compose = "services:\n  a:\n    build: ./app/../app\n  b:\n    build: ..\n"
    builds = project(tmp_path / "p", {"app/Dockerfile": PY}, compose).builds()
    assert [context_display(b) for b in builds] == ["app", ".."]


# --- the leak table ----------------------------------------------------------------------


def test_leak_table_is_well_formed() -> None:
    text = resources.files("compose_lint").joinpath("data/leaks.json").read_text("utf-8")
    table = json.loads(text)
    assert table["source"].startswith("https://") and table["checked"]
    for item in table["leaks"]:
        assert item["names"] and item["reason"]
        assert item.get("kind", "any") in ("file", "dir", "any")
    assert len(leak_kinds()) == len(table["leaks"])


@pytest.mark.parametrize(
    ("name", "is_dir", "leak"),
    [
        (".env", False, True),
        (".env.local", False, True),
        (".env.production.local", False, True),
        (".env.example", False, False),
        (".env.sample", False, False),
        (".env.template", False, False),
        (".env.production", False, False),
        (".environment", False, False),
        ("server.key", False, True),
        ("cert.pem", False, True),
        ("id_rsa", False, True),
        ("id_ed25519", False, True),
        ("id_rsa.pub", False, False),
        ("id_ed25519.pub", False, False),
        (".pypirc", False, True),
        (".npmrc", False, False),
        (".git", True, True),
        (".git", False, True),  # a worktree's or submodule's .git file
        ("node_modules", True, True),
        ("node_modules", False, False),
        ("venv", True, True),
        (".venv", True, True),
        ("__pycache__", True, True),
        (".aws", True, True),
        (".ssh", True, True),
        ("src", True, False),
        ("README.md", False, False),
    ],
)
def test_leak_names(tmp_path: Path, name: str, is_dir: bool, leak: bool) -> None:
    files = {"Dockerfile": PY}
    if is_dir:
        files[f"{name}/placeholder"] = ""
    else:
        files[name] = ""
    build = build_of(tmp_path, files)
    assert [x.entry.relpath for x in find_leaks(build, honor_ignore=False)] == (
        [name] if leak else []
    )


# --- CL401 / CL402 end to end ------------------------------------------------------------


def test_cl401_message_names_leaks_and_fix() -> None:
    files = {
        "app/Dockerfile": PY,
        "app/.env": "A=1\n",
        "app/sub/__pycache__/x.pyc": "",
        "app/.git/HEAD": "",
    }
    compose = "services:\n  app:\n    build: ./app\n"
    [message] = catches("CL401", compose=compose, files=files, at="compose.yaml:3:12")
    assert message == (
        'build context "app" has no .dockerignore, and app/Dockerfile line 3 ("COPY . .") '
        "copies all of it: it holds .env, .git and sub/__pycache__, which would go into "
        'the image; add app/.dockerignore listing ".env", ".git", "**/__pycache__"'
    )


def test_cl401_once_per_context() -> None:
    compose = (
        "services:\n  a:\n    build: .\n  b:\n    build:\n      context: .\n"
        "  c:\n    build: ./other\n"
    )
    files = {"other/Dockerfile": PY}
    catches("CL401", compose=compose, dockerfile=PY, files=files, at=["3:12", "8:12"])


def test_cl401_inline_dockerfile() -> None:
    compose = (
        "services:\n  a:\n    build:\n      context: .\n"
        "      dockerfile_inline: |\n        FROM alpine\n        COPY . /srv\n"
    )
    [message] = catches("CL401", compose=compose)
    assert 'dockerfile_inline line 2 ("COPY . /srv")' in message


def test_cl402_message_and_location(tmp_path: Path) -> None:
    files = {
        "compose.yaml": "services:\n  app:\n    build: .\n",
        "Dockerfile": PY,
        ".dockerignore": "node_modules\n",
        ".env": "A=1\n",
        "web/node_modules/x/index.js": "",
    }
    write(tmp_path, files)
    assert lint(tmp_path, "CL402") == [".dockerignore:1:1 CL402"]
    [message] = messages(tmp_path, "CL402")
    assert message == (
        '.dockerignore does not exclude .env and web/node_modules (found in build context ".", '
        'which Dockerfile line 3 ("COPY . .") copies whole); add them at its end: '
        '".env", "**/node_modules"'
    )


def test_cl402_counts_what_it_does_not_name(tmp_path: Path) -> None:
    keys = {f"k{i}.key": "" for i in range(MAX_NAMED + 2)}
    write(tmp_path, {"Dockerfile": PY, ".dockerignore": "x\n", **keys})
    project(tmp_path)
    [message] = messages(tmp_path, "CL402")
    assert "k0.key, k1.key" in message and "and 2 more" in message and '"k7.key"' in message


def test_cl402_leaks_deeper_than_the_walk_are_not_looked_for(tmp_path: Path) -> None:
    files = {"Dockerfile": PY, ".dockerignore": ".git\n", "a/b/c/.env": "", "a/b/.env": ""}
    build = build_of(tmp_path, files)
    assert [x.entry.relpath for x in find_leaks(build, honor_ignore=True)] == ["a/b/.env"]


def test_cl402_exceptions(tmp_path: Path) -> None:
    # "!app" brings back app/ and what is in it: app/.env leaks, although the
    # matching pattern is an exception. "!keep.pem" names the file itself: on purpose.
    ignore = "*\n!app\n!keep.pem\n"
    files = {"Dockerfile": PY, ".dockerignore": ignore, "app/.env": "", "keep.pem": "", "x.pem": ""}
    build = build_of(tmp_path, files)
    assert [x.entry.relpath for x in find_leaks(build, honor_ignore=True)] == ["app/.env"]


def test_cl402_explicit_copy_is_wanted(tmp_path: Path) -> None:
    dockerfile = PY + "COPY certs/ /etc/certs/\nCOPY ./deploy.key /k\n"
    files = {
        "Dockerfile": dockerfile,
        ".dockerignore": ".git\n",
        "certs/a.key": "",
        "deploy.key": "",
        "other.key": "",
    }
    build = build_of(tmp_path, files)
    assert [x.entry.relpath for x in find_leaks(build, honor_ignore=True)] == ["other.key"]


def test_cl402_symlinked_env_is_not_a_leak(tmp_path: Path) -> None:
    build = build_of(tmp_path / "ctx", {"Dockerfile": PY, ".dockerignore": ".git\n"})
    (tmp_path / "real.env").write_text("A=1\n")
    os.symlink(tmp_path / "real.env", tmp_path / "ctx" / ".env")
    assert find_leaks(build, honor_ignore=True) == []


def test_cl402_silent_without_ignore_file_and_cl401_silent_with_one(tmp_path: Path) -> None:
    write(tmp_path / "a", {"compose.yaml": "services:\n  a:\n    build: .\n", "Dockerfile": PY})
    write(tmp_path / "a", {".env": "A=1\n"})
    assert lint(tmp_path / "a", "CL402") == []
    assert lint(tmp_path / "a", "CL401") == ["compose.yaml:3:12 CL401"]
    write(tmp_path / "a", {".dockerignore": "node_modules\n"})
    assert lint(tmp_path / "a", "CL401") == []
    assert lint(tmp_path / "a", "CL402") == [".dockerignore:1:1 CL402"]


@pytest.mark.parametrize(
    "compose",
    [
        "services:\n  a:\n    build: 42\n",
        "services:\n  a:\n    build: [., x]\n",
        "services:\n  a:\n    build:\n      context: 7\n      dockerfile: [x]\n",
        "services:\n  a:\n    build: ./missing\n",
        "services:\n  a:\n    build:\n      context: .\n      dockerfile: missing.Dockerfile\n",
        "services:\n  a:\n    build: ${CTX}\n",
        "services: [a, b]\n",
        "services:\n  a:\n    build:\n      context: .\n      target: [x]\n",
    ],
)
def test_odd_input_never_crashes(tmp_path: Path, compose: str) -> None:
    write(tmp_path, {"compose.yaml": compose, "Dockerfile": PY, ".env.local": ""})
    lint(tmp_path, "CL401", "CL402")  # asserts there was no crash


def test_unreadable_and_binary_files(tmp_path: Path) -> None:
    write(tmp_path, {"compose.yaml": "services:\n  a:\n    build: .\n", "locked/x": ""})
    (tmp_path / "Dockerfile").write_bytes(b"FROM a\nCOPY . .\n\x00\xff")
    (tmp_path / ".dockerignore").write_bytes(b"\xff\xfe\x00bad")
    (tmp_path / "locked").chmod(0)
    try:
        lint(tmp_path, "CL401", "CL402")
    finally:
        (tmp_path / "locked").chmod(0o755)


def test_walk_is_bounded(tmp_path: Path) -> None:
    for i in range(10):
        for j in range(10):
            leaf = tmp_path / f"d{i}" / f"e{j}"
            leaf.mkdir(parents=True)
            for k in range(10):
                (leaf / f"f{k}.txt").touch()
    for i in range(100):
        (tmp_path / "node_modules" / f"p{i}").mkdir(parents=True)
    build = build_of(tmp_path, {"Dockerfile": PY, ".dockerignore": "node_modules\n"})
    start = time.perf_counter()
    assert find_leaks(build, honor_ignore=True) == []
    assert time.perf_counter() - start < 1
    assert len(list(context_entries(build, honor_ignore=False))) == 4 + 10 + 100 + 1000
    assert len(list(context_entries(build, limit=500))) <= 500


def test_copy_exclude_flags_leave_files_out(tmp_path: Path) -> None:
    dockerfile = "FROM a\nCOPY --exclude=.env --exclude=**/node_modules . /app\n"
    files = {
        "Dockerfile": dockerfile,
        ".dockerignore": ".git\n",
        ".env": "",
        "web/node_modules/x/i.js": "",
        "id_rsa": "",
    }
    build = build_of(tmp_path, files)
    copy = copies_whole_context(build.parsed)
    assert copy is not None and copy_excludes(copy) == [".env", "**/node_modules"]
    assert [x.entry.relpath for x in find_leaks(build, True, copy)] == ["id_rsa"]
    assert len(find_leaks(build, True)) == 3


def test_context_named_from_where_compose_lint_runs(tmp_path: Path) -> None:
    # CL401 and CL502 once named a context differently (relative to the compose file
    # vs to the current folder); both now name it like the paths of their findings.
    write(
        tmp_path,
        {
            "sub/compose.yaml": "services:\n  app:\n    build: ./app\n",
            "sub/app/Dockerfile": PY,
            "sub/app/.env": "A=1\n",
        },
    )
    [message] = messages(tmp_path, "CL401")
    assert message.startswith('build context "sub/app" has no .dockerignore, and sub/app/')
    assert message.endswith('add sub/app/.dockerignore listing ".env"')


def test_listing_time_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from compose_lint.model import context as context_module

    build = build_of(tmp_path, {"Dockerfile": PY, **GLOB_FILES})
    monkeypatch.setattr(context_module, "TIME_LIMIT", -1.0)
    context = BuildContext.of(build)
    assert context.listing("") is not None  # the first listing is kept
    assert context.out_of_time
    assert context.glob("src/*.py") == Glob((), truncated=True)  # past the cap: unknown
    assert context.matches("*.py", limit=5) == ["!.py", "a.py"]  # listed before


def test_copies_whole_context_only_in_stages_the_build_runs() -> None:
    # CL401/CL402 once took every stage up to the target, CL502 only those the build
    # runs; a whole-context COPY in a stage nothing builds sends nothing to the image.
    dockerfile = (
        "FROM python:3.13 AS scratchpad\nCOPY . /tmp/all\n"
        "FROM python:3.13 AS app\nWORKDIR /app\nCOPY app.py .\n"
    )
    files = {"app.py": "", ".env": "A=1\n"}
    compose = "services:\n  app:\n    build: .\n"
    catches_not("CL401", compose=compose, dockerfile=dockerfile, files=files)
    uses = dockerfile.replace("COPY app.py .", "COPY --from=scratchpad /tmp/all/app.py .")
    catches("CL401", compose=compose, dockerfile=uses, files=files, at="compose.yaml:3:12")
    parsed = parse_dockerfile(dockerfile)
    assert copies_whole_context(parsed) is None
    assert copies_whole_context(parsed, "scratchpad") is parsed.instructions[1]


# A test runner's context under tests/ that holds nothing to leak (benchmark:
# example-voting-app's result/tests, three files): not worth a line. With a leak, it is.
TEST_RUNNER = "services:\n  e2e:\n    build: ./tests/e2e\n"


def test_cl401_test_runner_context_without_leaks_is_silent() -> None:
    files = {"tests/e2e/Dockerfile": "FROM node:22\nCOPY . .\n", "tests/e2e/run.sh": "x\n"}
    catches_not("CL401", compose=TEST_RUNNER, files=files)


def test_cl401_test_runner_context_with_a_leak_is_reported() -> None:
    files = {"tests/e2e/Dockerfile": "FROM node:22\nCOPY . .\n", "tests/e2e/.env": "A=1\n"}
    catches("CL401", compose=TEST_RUNNER, files=files, at="compose.yaml:3:12")


def test_cl401_one_fix_reported_once_across_compose_files(tmp_path: Path) -> None:
    # docker-compose.yml and docker-compose-dev.yml are two projects that build the same
    # context: the one .dockerignore that fixes both is asked for once
    write(
        tmp_path,
        {
            "docker-compose.yml": "services:\n  app:\n    build: ./app\n",
            "docker-compose-dev.yml": "services:\n  app:\n    build:\n      context: ./app\n",
            "app/Dockerfile": PY,
            "app/.env": "A=1\n",
        },
    )
    assert lint(tmp_path, "CL401") == ["docker-compose.yml:3:12 CL401"]
    # two contexts, two fixes
    write(tmp_path, {"docker-compose-dev.yml": "services:\n  app:\n    build: ./dev\n"})
    write(tmp_path, {"dev/Dockerfile": PY})
    assert len(lint(tmp_path, "CL401")) == 2


def test_cl402_a_test_env_file_holds_test_values(tmp_path: Path) -> None:
    # a committed .env.testing with a generated-looking app key is test data; the same
    # key in .env.staging is a secret, and an issued token is one in either
    key = "APP_KEY=base64:q8Vh3kR2mZ7pL1xN9cT4wY6bF0dJ5sG8aE2uK7iO3rM=\n"
    files = {
        "compose.yaml": "services:\n  app:\n    build: .\n",
        "Dockerfile": PY,
        ".dockerignore": "node_modules\n",
        ".env.testing": key,
    }
    write(tmp_path, files)
    assert lint(tmp_path, "CL402") == []
    write(tmp_path, {".env.staging": key})
    assert lint(tmp_path, "CL402") == [".dockerignore:1:1 CL402"]
    (tmp_path / ".env.staging").unlink()
    write(
        tmp_path,
        {".env.testing": key + "GITHUB_TOKEN=ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8\n"},
    )
    assert lint(tmp_path, "CL402") == [".dockerignore:1:1 CL402"]


GO_MAKE = "FROM golang:1.24\nWORKDIR /src\nADD . /src\nRUN make server\n"


@pytest.mark.parametrize(
    ("dockerfile", "makefile"),
    [
        # the Makefile stamps the binary with the commit: the build needs .git
        (GO_MAKE, "HASH = $(shell git rev-parse HEAD)\nserver:\n\tgo build .\n"),
        (GO_MAKE.replace("make server", "make -C server build"), None),
        (GO_MAKE.replace("make server", 'go build -ldflags "-X main.v=$(git describe)" .'), None),
        (GO_MAKE.replace("make server", "git submodule update --init"), None),
        # modoboa: the build installs git for setuptools_scm, which reads the version
        (
            "FROM python:3.14-alpine\nRUN apk add --update gcc git\nCOPY . /tmp\n"
            "RUN pip install /tmp\n",
            None,
        ),
        (
            "FROM python:3.13\nRUN apt-get update && apt-get install -y --no-install-recommends"
            " git=1:2.47*\nCOPY . .\n",
            None,
        ),
    ],
)
def test_cl402_a_build_that_reads_git_needs_dot_git(dockerfile: str, makefile: str | None) -> None:
    files = {".dockerignore": "node_modules\n", ".git/HEAD": "ref\n", "main.go": "package main\n"}
    if makefile is not None:
        files["Makefile"] = makefile
    else:
        files["server/Makefile"] = "V := $(shell git describe --always)\nbuild:\n\tgo build\n"
    compose = "services:\n  app:\n    build: .\n"
    catches_not("CL402", compose=compose, dockerfile=dockerfile, files=files)


def test_cl402_dot_git_still_leaks_when_nothing_reads_it() -> None:
    files = {
        ".dockerignore": "node_modules\n",
        ".git/HEAD": "ref\n",
        "Makefile": "server:\n\tgo build .\n",  # make runs, but git does not
    }
    compose = "services:\n  app:\n    build: .\n"
    [message] = catches("CL402", compose=compose, dockerfile=GO_MAKE, files=files)
    assert "does not exclude .git" in message
    # lemmy: git installed in the runtime stage, which copies no context, is not the build's
    staged = (
        "FROM rust:1.88 AS builder\nCOPY . .\nRUN cargo build --release\n"
        "FROM debian:trixie-slim\nRUN apt-get install -y git\n"
        "COPY --from=builder /target/release/app /usr/local/bin/\n"
    )
    catches("CL402", compose=compose, dockerfile=staged, files=files, at=".dockerignore:1:1")
