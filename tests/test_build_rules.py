"""CL505 build-arg-undeclared and CL506 unknown-build-target, one case a line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from compose_lint.engine import Options, run

DOCKERFILE = """\
ARG BASE_TAG=3.13-slim
FROM python:${BASE_TAG} AS build
ARG VERSION=dev
RUN echo $VERSION > /version

FROM build AS test
ARG COVERAGE=0
RUN echo $COVERAGE

FROM alpine:3.20 AS assets
ARG THEME=light
RUN echo $THEME > /theme

FROM python:3.13-slim AS Runtime
COPY --from=build /version /version
RUN --mount=type=bind,from=assets,source=/theme,target=/theme cat /theme
"""


def findings(
    tmp_path: Path,
    build: str,
    dockerfile: str | None = DOCKERFILE,
    code: str = "CL505",
    env: str | None = None,
) -> list[str]:
    """Lint a one-service project; findings as 'line:col message'."""
    compose = "services:\n  app:\n    build:\n" + textwrap.indent(textwrap.dedent(build), "      ")
    (tmp_path / "compose.yaml").write_text(compose)
    if dockerfile is not None:
        (tmp_path / "Dockerfile").write_text(dockerfile)
    if env is not None:
        (tmp_path / ".env").write_text(env)
    result = run([str(tmp_path)], Options(select=(code,), isolated=True), tmp_path)
    assert not result.crashes, result.crashes
    return [f"{f.line}:{f.column} {f.message}" for f in result.findings]


def where(found: list[str]) -> list[str]:
    return [f.split(" ", 1)[0] for f in found]


# -- CL505 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        "BASE_TAG: 3.12-slim",  # global ARG, used by FROM
        "VERSION: 1.0",  # stage "build": the parent of nothing, but copied from
        "THEME: dark",  # stage "assets": mounted by RUN --mount=...,from=assets
        "HTTP_PROXY: http://proxy:3128",
        "http_proxy: http://proxy:3128",
        "No_Proxy: localhost",
        "ALL_PROXY: socks5://proxy:1080",
        "FTP_PROXY: ftp://proxy",
        "BUILDKIT_INLINE_CACHE: 1",
        "BUILDKIT_CONTEXT_KEEP_GIT_DIR: 1",
        "SOURCE_DATE_EPOCH: 0",
        "${NAME}: 1",  # a name only the shell knows
    ],
)
def test_cl505_declared_or_predefined(tmp_path: Path, args: str) -> None:
    assert findings(tmp_path, f"context: .\nargs:\n  {args}\n") == []


def test_cl505_undeclared_mapping_key(tmp_path: Path) -> None:
    found = findings(tmp_path, "context: .\nargs:\n  GIT_SHA: abc123\n")
    assert where(found) == ["6:9"]
    assert 'build arg "GIT_SHA" of service "app" is never declared in Dockerfile' in found[0]
    assert 'add "ARG GIT_SHA" to Dockerfile' in found[0]
    assert "remove it from build.args" in found[0]


def test_cl505_undeclared_list_item(tmp_path: Path) -> None:
    found = findings(tmp_path, "context: .\nargs:\n  - VERSION=1\n  - GIT_SHA\n")
    assert where(found) == ["7:11"]


def test_cl505_typo_and_case_suggest_the_declared_name(tmp_path: Path) -> None:
    found = findings(tmp_path, "context: .\nargs:\n  VERSON: 1\n  base_tag: 3\n")
    assert where(found) == ["6:9", "7:9"]
    assert 'rename it to "VERSION"' in found[0]
    assert 'rename it to "BASE_TAG"' in found[1]


def test_cl505_declared_only_in_a_skipped_stage(tmp_path: Path) -> None:
    found = findings(tmp_path, "context: .\nargs:\n  COVERAGE: 1\n")
    assert where(found) == ["6:9"]
    assert 'declared only in stage "test"' in found[0]
    assert "building the last stage skips" in found[0]


def test_cl505_target_selects_the_stages(tmp_path: Path) -> None:
    assert findings(tmp_path, "context: .\ntarget: test\nargs:\n  COVERAGE: 1\n") == []
    found = findings(tmp_path, "context: .\ntarget: assets\nargs:\n  VERSION: 1\n")
    assert where(found) == ["7:9"]
    assert 'building target "assets" skips' in found[0]


def test_cl505_from_chain_counts(tmp_path: Path) -> None:
    dockerfile = "FROM alpine AS base\nARG UID=1000\nFROM base\nRUN id\n"
    assert findings(tmp_path, "context: .\nargs:\n  UID: 10001\n", dockerfile) == []


@pytest.mark.parametrize(
    "dockerfile",
    [
        "FROM alpine AS a\nARG X\nFROM alpine\nCOPY --from=${SRC} /x /x\n",
        "FROM alpine AS a\nARG X\nFROM ${STAGE}\n",
        "FROM alpine AS a\nARG X\nFROM alpine\nRUN --mount=from=$SRC,target=/s ls\n",
    ],
)
def test_cl505_hidden_stage_reference_is_silent(tmp_path: Path, dockerfile: str) -> None:
    assert findings(tmp_path, "context: .\nargs:\n  X: 1\n", dockerfile) == []


def test_cl505_unknown_target_counts_every_stage(tmp_path: Path) -> None:
    assert findings(tmp_path, "context: .\ntarget: nope\nargs:\n  COVERAGE: 1\n") == []
    assert findings(tmp_path, "context: .\ntarget: ${T}\nargs:\n  COVERAGE: 1\n") == []


def test_cl505_dockerfile_inline(tmp_path: Path) -> None:
    build = 'context: .\ndockerfile_inline: "FROM alpine\\nARG A=1 B\\n"\nargs:\n  A: 2\n  C: 3\n'
    found = findings(tmp_path, build, dockerfile=None)
    assert where(found) == ["8:9"]
    assert 'the dockerfile_inline of service "app"' in found[0]


@pytest.mark.parametrize(
    "build",
    [
        "context: https://github.com/example/app.git#main\nargs:\n  X: 1\n",
        "context: ./missing\nargs:\n  X: 1\n",
        "context: .\nargs: 5\n",
        "context: .\nargs: [1, {a: b}, '', '=x']\n",
    ],
)
def test_cl505_silent_or_no_crash(tmp_path: Path, build: str) -> None:
    assert findings(tmp_path, build) == []


def test_cl505_no_stages_is_silent(tmp_path: Path) -> None:
    assert findings(tmp_path, "context: .\nargs:\n  X: 1\n", dockerfile="# empty\n") == []


# -- CL506 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    ["runtime", "RUNTIME", "Runtime", "build", "'${T}'", "''", "${T:+x}", "[a]", "true"],
)
def test_cl506_silent(tmp_path: Path, target: str) -> None:
    assert findings(tmp_path, f"context: .\ntarget: {target}\n", code="CL506") == []


def test_cl506_unknown_target_lists_stages_and_suggests(tmp_path: Path) -> None:
    found = findings(tmp_path, "context: .\ntarget: runtim\n", code="CL506")
    assert where(found) == ["5:15"]
    message = found[0]
    assert 'build target "runtim" of service "app" names no stage of Dockerfile' in message
    assert '(its stages: "build", "test", "assets", "Runtime")' in message
    assert 'did you mean "Runtime"?' in message


def test_cl506_prefix_suggestion(tmp_path: Path) -> None:
    found = findings(tmp_path, "context: .\ntarget: testing\n", code="CL506")
    assert 'did you mean "test"?' in found[0]


def test_cl506_nothing_close(tmp_path: Path) -> None:
    found = findings(tmp_path, "context: .\ntarget: zzz\n", code="CL506")
    assert "did you mean" not in found[0]
    assert 'remove "target" to build the last stage' in found[0]


def test_cl506_number_is_not_a_stage(tmp_path: Path) -> None:
    found = findings(tmp_path, "context: .\ntarget: 0\n", code="CL506")
    assert where(found) == ["5:15"]
    assert "a target must be a stage name, not a number" in found[0]


def test_cl506_unnamed_stages(tmp_path: Path) -> None:
    found = findings(tmp_path, "context: .\ntarget: dev\n", "FROM alpine\n", code="CL506")
    assert where(found) == ["5:15"]
    assert 'has no named stage; name the stage to build ("FROM <image> AS dev")' in found[0]


def test_cl506_interpolation(tmp_path: Path) -> None:
    build = "context: .\ntarget: ${T:-prod}\n"
    found = findings(tmp_path, build, code="CL506")
    assert '"${T:-prod}" (resolved to "prod")' in found[0]
    assert findings(tmp_path, build, code="CL506", env="T=runtime\n") == []
    assert len(findings(tmp_path, "context: .\ntarget: $T\n", code="CL506", env="T=x\n")) == 1


def test_cl506_inline_and_remote(tmp_path: Path) -> None:
    inline = 'context: .\ntarget: web\ndockerfile_inline: "FROM nginx AS Web\\n"\n'
    assert findings(tmp_path, inline, dockerfile=None, code="CL506") == []
    inline = 'context: .\ntarget: api\ndockerfile_inline: "FROM nginx AS Web\\n"\n'
    found = findings(tmp_path, inline, dockerfile=None, code="CL506")
    assert where(found) == ["5:15"]
    remote = "context: https://github.com/example/app.git\ntarget: nope\n"
    assert findings(tmp_path, remote, code="CL506") == []
    assert findings(tmp_path, "context: ./missing\ntarget: nope\n", code="CL506") == []
