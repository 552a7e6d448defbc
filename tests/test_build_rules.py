"""CL505 build-arg-undeclared and CL506 unknown-build-target, one case a line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import catches, catches_not, rule_findings

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


def app(build: str, dockerfile: str | None = DOCKERFILE, env: str | None = None) -> dict:
    """A one-service project whose `build:` block is `build` (and its Dockerfile)."""
    compose = "services:\n  app:\n    build:\n" + textwrap.indent(textwrap.dedent(build), "      ")
    files = {"Dockerfile": dockerfile} if dockerfile is not None else {}
    if env is not None:
        files[".env"] = env
    return {"compose": compose, "files": files}


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
def test_cl505_declared_or_predefined(args: str) -> None:
    catches_not("CL505", **app(f"context: .\nargs:\n  {args}\n"))


def test_cl505_undeclared_mapping_key() -> None:
    [message] = catches("CL505", **app("context: .\nargs:\n  GIT_SHA: abc123\n"), at="6:9")
    assert 'build arg "GIT_SHA" of service "app" is never declared in Dockerfile' in message
    assert 'add "ARG GIT_SHA" to Dockerfile' in message
    assert "remove it from build.args" in message


def test_cl505_undeclared_list_item() -> None:
    catches("CL505", **app("context: .\nargs:\n  - VERSION=1\n  - GIT_SHA\n"), at="7:11")


def test_cl505_typo_and_case_suggest_the_declared_name() -> None:
    build = "context: .\nargs:\n  VERSON: 1\n  base_tag: 3\n"
    first, second = catches("CL505", **app(build), at=["6:9", "7:9"])
    assert 'rename it to "VERSION"' in first
    assert 'rename it to "BASE_TAG"' in second


def test_cl505_declared_only_in_a_skipped_stage() -> None:
    [message] = catches("CL505", **app("context: .\nargs:\n  COVERAGE: 1\n"), at="6:9")
    assert 'declared only in stage "test"' in message
    assert "building the last stage skips" in message


def test_cl505_target_selects_the_stages() -> None:
    catches_not("CL505", **app("context: .\ntarget: test\nargs:\n  COVERAGE: 1\n"))
    build = "context: .\ntarget: assets\nargs:\n  VERSION: 1\n"
    [message] = catches("CL505", **app(build), at="7:9")
    assert 'building target "assets" skips' in message


def test_cl505_from_chain_counts() -> None:
    dockerfile = "FROM alpine AS base\nARG UID=1000\nFROM base\nRUN id\n"
    catches_not("CL505", **app("context: .\nargs:\n  UID: 10001\n", dockerfile))


@pytest.mark.parametrize(
    "dockerfile",
    [
        "FROM alpine AS a\nARG X\nFROM alpine\nCOPY --from=${SRC} /x /x\n",
        "FROM alpine AS a\nARG X\nFROM ${STAGE}\n",
        "FROM alpine AS a\nARG X\nFROM alpine\nRUN --mount=from=$SRC,target=/s ls\n",
    ],
)
def test_cl505_hidden_stage_reference_is_silent(dockerfile: str) -> None:
    catches_not("CL505", **app("context: .\nargs:\n  X: 1\n", dockerfile))


def test_cl505_unknown_target_counts_every_stage() -> None:
    catches_not("CL505", **app("context: .\ntarget: nope\nargs:\n  COVERAGE: 1\n"))
    catches_not("CL505", **app("context: .\ntarget: ${T}\nargs:\n  COVERAGE: 1\n"))


def test_cl505_dockerfile_inline() -> None:
    build = 'context: .\ndockerfile_inline: "FROM alpine\\nARG A=1 B\\n"\nargs:\n  A: 2\n  C: 3\n'
    [message] = catches("CL505", **app(build, dockerfile=None), at="8:9")
    assert 'the dockerfile_inline of service "app"' in message


@pytest.mark.parametrize(
    "build",
    [
        "context: https://github.com/example/app.git#main\nargs:\n  X: 1\n",
        "context: ./missing\nargs:\n  X: 1\n",
        "context: .\nargs: 5\n",
        "context: .\nargs: [1, {a: b}, '', '=x']\n",
    ],
)
def test_cl505_silent_or_no_crash(build: str) -> None:
    catches_not("CL505", **app(build))


def test_cl505_no_stages_is_silent() -> None:
    catches_not("CL505", **app("context: .\nargs:\n  X: 1\n", dockerfile="# empty\n"))


# -- CL506 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    ["runtime", "RUNTIME", "Runtime", "build", "'${T}'", "''", "${T:+x}", "[a]", "true"],
)
def test_cl506_silent(target: str) -> None:
    catches_not("CL506", **app(f"context: .\ntarget: {target}\n"))


def test_cl506_unknown_target_lists_stages_and_suggests() -> None:
    [message] = catches("CL506", **app("context: .\ntarget: runtim\n"), at="5:15")
    assert 'build target "runtim" of service "app" names no stage of Dockerfile' in message
    assert '(its stages: "build", "test", "assets", "Runtime")' in message
    assert 'did you mean "Runtime"?' in message


def test_cl506_prefix_suggestion() -> None:
    [message] = catches("CL506", **app("context: .\ntarget: testing\n"))
    assert 'did you mean "test"?' in message


def test_cl506_nothing_close() -> None:
    [message] = catches("CL506", **app("context: .\ntarget: zzz\n"))
    assert "did you mean" not in message
    assert 'remove "target" to build the last stage' in message


def test_cl506_number_is_not_a_stage() -> None:
    [message] = catches("CL506", **app("context: .\ntarget: 0\n"), at="5:15")
    assert "a target must be a stage name, not a number" in message


def test_cl506_unnamed_stages() -> None:
    [message] = catches("CL506", **app("context: .\ntarget: dev\n", "FROM alpine\n"), at="5:15")
    assert 'has no named stage; name the stage to build ("FROM <image> AS dev")' in message


def test_cl506_interpolation() -> None:
    build = "context: .\ntarget: ${T:-prod}\n"
    [message] = catches("CL506", **app(build))
    assert '"${T:-prod}" (resolved to "prod")' in message
    catches_not("CL506", **app(build, env="T=runtime\n"))
    assert len(catches("CL506", **app("context: .\ntarget: $T\n", env="T=x\n"))) == 1


def test_cl506_inline_and_remote() -> None:
    inline = 'context: .\ntarget: web\ndockerfile_inline: "FROM nginx AS Web\\n"\n'
    catches_not("CL506", **app(inline, dockerfile=None))
    inline = 'context: .\ntarget: api\ndockerfile_inline: "FROM nginx AS Web\\n"\n'
    catches("CL506", **app(inline, dockerfile=None), at="5:15")
    remote = "context: https://github.com/example/app.git\ntarget: nope\n"
    catches_not("CL506", **app(remote))
    catches_not("CL506", **app("context: ./missing\ntarget: nope\n"))


FRAGMENT_BASE = (
    "services:\n  app:\n    build:\n      context: ../\n      dockerfile: docker/Dockerfile\n"
    "      target: dev\n"
)


def test_a_fragment_inherits_the_build_paths_it_does_not_write() -> None:
    # docker-compose.final.yml only changes the target: the context and Dockerfile come
    # from the file it is layered on
    fragment = "services:\n  app:\n    build:\n      target: final\n"
    files = {
        "dev/docker-compose.yml": FRAGMENT_BASE,
        "dev/docker-compose.final.yml": fragment,
        "docker/Dockerfile": "FROM python:3.13\n",
    }
    catches_not("CL504", files=files, target="dev")
    # a path the fragment writes itself is checked where the application resolves it
    written = "services:\n  app:\n    build:\n      context: ./missing\n"
    files["dev/docker-compose.final.yml"] = written
    catches("CL504", files=files, target="dev", at="dev/docker-compose.final.yml:4:16")


def test_a_fragment_far_from_any_application_has_unknown_paths() -> None:
    # kubernetes/compose.min.yml has no application beside it: whichever it joins, its
    # paths resolve against that application's folder, which is not known
    fragment = "services:\n  app:\n    build:\n      context: ../\n      dockerfile: x/Dockerfile\n"
    catches_not("CL504", files={"deploy/kubernetes/compose.min.yml": fragment})
    catches_not(
        "CL143",
        files={"deploy/kubernetes/compose.min.yml": "services:\n  app:\n    env_file: dev.env\n"},
    )


SUBMODULE = '[submodule "shop"]\n\tpath = shop\n\turl = https://example.org/shop.git\n'


def test_paths_inside_a_submodule_not_checked_out_are_a_setup_step() -> None:
    # calcom/docker builds from the cal.com submodule, empty until
    # `git submodule update --init`: a fresh clone without it is the documented state
    compose = "services:\n  web:\n    build: .\n  api:\n    build: ./shop/apps/api\n"
    dockerfile = "FROM node:22\nWORKDIR /app\nCOPY shop/package.json ./\n"
    files = {".gitmodules": SUBMODULE}
    catches_not("CL502", compose=compose, dockerfile=dockerfile, files=files)
    catches_not("CL504", compose=compose, dockerfile=dockerfile, files=files)
    catches(
        "CL502",
        compose=compose,
        dockerfile=dockerfile,
        files=files,
        options={"setup-steps": True},
        at="Dockerfile:3:6",
    )
    # once the submodule is checked out, a missing path in it is a mistake again
    checked_out = {**files, "shop/README.md": "shop\n"}
    catches("CL502", compose=compose, dockerfile=dockerfile, files=checked_out)
    catches("CL504", compose=compose, dockerfile=dockerfile, files=checked_out)
    # and without a submodule there, it always was
    catches("CL504", compose=compose, dockerfile=dockerfile, at="compose.yaml:5:12")


SAIL = (
    "x-app: &app\n"
    "  build:\n"
    "    context: ./vendor/laravel/sail/runtimes/8.4\n"
    "services:\n"
    "  laravel.test:\n    <<: *app\n"
    "  laravel.queue:\n    <<: *app\n"
)


def test_cl504_a_context_the_package_manager_makes_is_a_setup_step() -> None:
    # vendor/ is git-ignored: "composer install" creates the runtime folder, as documented
    files = {".gitignore": "/vendor\n"}
    catches_not("CL504", compose=SAIL, files=files)
    [message] = catches(
        "CL504", compose=SAIL, files=files, options={"setup-steps": True}, at="compose.yaml:3:14"
    )
    assert "git-ignored" in message
    [finding] = rule_findings("CL504", compose=SAIL, files=files, options={"setup-steps": True})
    assert finding.severity.name == "INFO"  # type: ignore[attr-defined]


def test_cl504_a_context_written_once_is_reported_once() -> None:
    # both services merge the same build: one mistake, where it is written
    [message] = catches("CL504", compose=SAIL, at="compose.yaml:3:14")
    assert "laravel.test" in message


def test_a_lowercase_dockerfile_is_the_default_when_dockerfile_is_absent() -> None:
    # the docker CLI and BuildKit fall back to "dockerfile" when "Dockerfile" is absent
    files = {"dockerfile": "FROM python:3.8-slim\nCMD python -V\n"}
    compose = "services:\n  app:\n    build: .\n"
    catches_not("CL504", compose=compose, files=files)
    catches("CL301", compose=compose, files=files, at="dockerfile:1:6")  # and it is linted


def test_a_lowercase_dockerfile_stands_for_a_written_dockerfile_too() -> None:
    # BuildKit follows docker/dockerfile for build.dockerfile: docker/Dockerfile
    files = {"docker/dockerfile": "FROM python:3.8-slim\n"}
    compose = (
        "services:\n  app:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile\n"
    )
    catches_not("CL504", compose=compose, files=files)
    # another name has no such fallback
    other = compose.replace("docker/Dockerfile", "docker/Dockerfile.prod")
    catches("CL504", compose=other, files={"docker/dockerfile.prod": "FROM python:3.8-slim\n"})


def test_cl505_an_arg_several_services_merge_is_reported_once() -> None:
    compose = (
        "x-build: &build\n  context: .\n  args:\n    - NODE_ENV=production\n"
        "services:\n  js:\n    build: *build\n  css:\n    build: *build\n"
    )
    [message] = catches(
        "CL505", compose=compose, dockerfile="FROM node:22-slim\n", at="compose.yaml:4:7"
    )
    assert "NODE_ENV" in message


def test_a_dockerfile_two_compose_files_build_is_reported_once(tmp_path: Path) -> None:
    # weaviate builds its root Dockerfile from five compose files, each naming its own
    # services: one line, one fix, so one finding (the first compose file's)
    from conftest import lint

    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("")  # one repository: one project tree
    (tmp_path / "Dockerfile").write_text("FROM python:3.13-slim\nCOPY app.py /app.py\n")
    (tmp_path / ".dockerignore").write_text(".git\n")
    (tmp_path / "app.py").write_text("print('hi')\n")
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    build: .\n")
    (tmp_path / "auth").mkdir()
    (tmp_path / "auth" / "compose.yaml").write_text("services:\n  web-auth:\n    build: ..\n")
    found = [f for f in lint(tmp_path, "CL304") if f.endswith("CL304")]
    assert found == ["Dockerfile:1:1 CL304"], found
