"""compose_lint.model.image: the built image of each build, computed once, with what
is in effect at every step (ARG/ENV values, WORKDIR, USER, SHELL, ENTRYPOINT, CMD,
HEALTHCHECK) and compose's overrides applied."""

from __future__ import annotations

from pathlib import Path

import pytest

from compose_lint.load.dockerfile import parse_dockerfile
from compose_lint.model import Build, Project
from compose_lint.model.image import (
    IMAGE_WORKDIR,
    Resolver,
    image_of,
    is_windows_image,
    lone_image,
    non_posix_shell,
    project_images,
    replaced,
    resolvers,
)
from compose_lint.project import Loader


def load(root: Path, compose: str, dockerfile: str) -> Project:
    (root / "compose.yaml").write_text(compose)
    (root / "Dockerfile").write_text(dockerfile)
    return Loader(root).compose_project(root / "compose.yaml")


def build(project: Project, name: str) -> Build:
    service = next(s for s in project.services if s.name == name)
    assert service.build is not None
    return service.build


STAGES = (
    "ARG BASE=debian:12\n"
    "FROM ${BASE} AS base\n"
    "ARG LEVEL=1\n"
    "ENV HOME_DIR=/srv/$LEVEL\n"
    "WORKDIR $HOME_DIR\n"
    "USER app\n"
    'SHELL ["/bin/bash", "-c"]\n'
    'ENTRYPOINT ["tini", "--"]\n'
    "EXPOSE 8000 ${LEVEL}9/udp\n"
    "FROM base AS final\n"
    "WORKDIR web\n"
    "RUN make\n"
    'CMD ["serve"]\n'
)


def test_steps_carry_the_state_of_the_chain(tmp_path: Path) -> None:
    compose = "services:\n  app:\n    build:\n      context: .\n      args:\n        LEVEL: '2'\n"
    project = load(tmp_path, compose, STAGES)
    image = image_of(build(project, "app"))
    assert image is not None and image.stage is not None
    assert image.stage.name == "final" and [s.name for s in image.chain] == ["final", "base"]
    assert image.root == "debian:12"
    run = next(s for s in image.steps if s.instruction.keyword == "RUN")
    assert run.env == {"HOME_DIR": "/srv/2"}  # the ARG stays in its stage, the ENV carries
    assert run.cwd == "/srv/2/web"
    assert (run.workdir.path, run.workdir.known, run.workdir.line) == ("$HOME_DIR/web", True, 11)
    assert run.user is not None and run.user.args == "app"
    assert run.shell == ("/bin/bash", "-c")
    end = image.end
    assert end.entrypoint is not None and end.entrypoint.line == 8
    assert end.cmd is not None and end.cmd.line == 13
    assert end.healthcheck is None
    assert [(e.word.raw, e.value, e.word.column) for e in image.exposed] == [
        ("8000", "8000", 8),
        ("${LEVEL}9/udp", "29/udp", 13),
    ]


def test_one_resolver_per_set_of_build_args(tmp_path: Path) -> None:
    compose = (
        "services:\n"
        "  a:\n    build: .\n"
        "  b:\n    build: .\n"
        "  c:\n    build:\n      context: .\n      args:\n        LEVEL: '3'\n"
    )
    project = load(tmp_path, compose, STAGES)
    a, b, c = (build(project, name) for name in "abc")
    dockerfile = a.parsed
    assert dockerfile is not None
    assert Resolver.of(dockerfile, a) is Resolver.of(dockerfile, b)
    assert Resolver.of(dockerfile, a) is not Resolver.of(dockerfile, c)
    assert resolvers(dockerfile, [a, b, c]) == [
        Resolver.of(dockerfile, a),
        Resolver.of(dockerfile, c),
    ]
    assert image_of(a) is image_of(a) and image_of(a) is not image_of(b)
    stage = dockerfile.stages[1]
    assert Resolver.of(dockerfile, a).steps(stage) is Resolver.of(dockerfile, b).steps(stage)


def test_unknown_values_stay_unknown(tmp_path: Path) -> None:
    dockerfile = "FROM debian\nARG TOKEN\nENV A=$TOKEN B=2\nWORKDIR /x/$A\nRUN x\n"
    compose = "services:\n  app:\n    build:\n      context: .\n      args:\n        - TOKEN\n"
    image = image_of(build(load(tmp_path, compose, dockerfile), "app"))
    assert image is not None
    run = image.steps[-1]
    assert run.env == {"B": "2"}
    assert run.cwd == "\x00workdir4"
    first = image.steps[0]
    assert first.cwd == IMAGE_WORKDIR and not first.workdir.set


def test_compose_overrides(tmp_path: Path) -> None:
    compose = (
        "services:\n"
        "  plain:\n    build: .\n"
        "  custom:\n    build: .\n    user: '1000'\n    entrypoint: [sh]\n    command: [x]\n"
        "    healthcheck:\n      test: [CMD, 'true']\n"
        "  options:\n    build: .\n    healthcheck:\n      interval: 5s\n"
    )
    project = load(tmp_path, compose, 'FROM debian\nUSER app:staff\nCMD ["serve"]\n')
    plain, custom, options = (image_of(build(project, n)) for n in ("plain", "custom", "options"))
    assert plain is not None and custom is not None and options is not None
    assert (plain.user, plain.compose_user, plain.compose_healthcheck) == ("app", None, "none")
    assert plain.entrypoint is None and plain.command is plain.end.cmd
    assert (custom.user, custom.entrypoint, custom.command) == ("1000", ["sh"], ["x"])
    assert custom.compose_healthcheck == "set" and custom.healthcheck == {"test": ["CMD", "true"]}
    assert options.compose_healthcheck == "empty" and options.healthcheck is None


def test_a_lone_dockerfile_builds_its_last_stage() -> None:
    dockerfile = parse_dockerfile("FROM a AS one\nFROM b AS two\nHEALTHCHECK NONE\n")
    image = lone_image(dockerfile)
    assert image is not None and image.stage is not None and image.stage.name == "two"
    assert image is lone_image(dockerfile)
    assert image.end.healthcheck is not None
    assert lone_image(parse_dockerfile("RUN x\n")) is None


def test_project_images_resolve_build_args(tmp_path: Path) -> None:
    compose = (
        "services:\n  app:\n    build:\n      context: .\n      args:\n        BASE: alpine:3.12\n"
        "  db:\n    image: postgres:${PG:-16}\n"
    )
    project = load(tmp_path, compose, STAGES)
    found = [(i.reference, i.written, i.from_dockerfile) for i in project_images(project)]
    assert found == [("postgres:16", "postgres:${PG:-16}", False), ("alpine:3.12", "${BASE}", True)]


def test_replaced_pairs_each_earlier_one_with_the_last() -> None:
    stage = parse_dockerfile("FROM a\nCMD a\nCMD b\nRUN x\nCMD c\n").stages[0]
    assert [(i.line, last.line) for i, last in replaced(stage, "CMD")] == [(2, 5), (3, 5)]


@pytest.mark.parametrize(
    ("reference", "windows"),
    [
        ("mcr.microsoft.com/windows/servercore:ltsc2022", True),
        ("mcr.microsoft.com/windows:ltsc2019", True),
        ("mcr.microsoft.com/powershell:lts-nanoserver-1809", True),
        ("mcr.microsoft.com/dotnet/framework/runtime:4.8-windowsservercore-ltsc2019", True),
        ("mcr.microsoft.com/dotnet/aspnet:8.0", False),
        ("debian:12", False),
        (None, False),
    ],
)
def test_windows_images(reference: str | None, windows: bool) -> None:
    assert is_windows_image(reference) is windows


@pytest.mark.parametrize(
    ("shell", "expected"),
    [
        (["cmd", "/S", "/C"], True),
        (["C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "-Command"], True),
        (["/usr/bin/pwsh", "-c"], True),
        (["/bin/bash", "-c"], False),
        ([], False),
        (None, False),
    ],
)
def test_non_posix_shells(shell: list[str] | None, expected: bool) -> None:
    assert non_posix_shell(shell) is expected


def test_a_long_stage_chain_is_walked_once() -> None:
    """Each stage goes on from where its parent ends: 3,000 chained stages are walked
    in one pass, without recursion (hostile input must stay linear)."""
    lines = ["FROM debian AS s0", "WORKDIR /x"]
    for i in range(1, 3000):
        lines += [f"FROM s{i - 1} AS s{i}", "WORKDIR a"]
    dockerfile = parse_dockerfile("\n".join(lines) + "\n")
    resolver = Resolver.of(dockerfile)
    for stage in dockerfile.stages:
        resolver.own_steps(stage)
    last = dockerfile.stages[-1]
    assert resolver.root_image(last) == "debian"
    assert resolver.end(last).cwd == "/x" + "/a" * 2999
    assert len(resolver.steps(last)) == 3000
