"""CL303, CL304, CL310-CL314, CL318: one-line Dockerfile cases, hadolint style, plus
the cases that need the compose file (built target, build args, `user:`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import lint

from compose_lint.engine import Options, run
from compose_lint.findings import Location
from compose_lint.load.dockerfile import parse_dockerfile
from compose_lint.model import DockerfileSource, Project
from compose_lint.registry import find_rule


def findings(code: str, text: str) -> list[tuple[Location, str]]:
    """Run one rule on a Dockerfile linted alone; `FROM debian` is put in front of
    `text` unless it has a FROM of its own."""
    if not any(line.strip().upper().startswith("FROM ") for line in text.splitlines()):
        text = "FROM debian\n" + text
    source = DockerfileSource(
        path=Path("Dockerfile"), display="Dockerfile", parsed=parse_dockerfile(text)
    )
    project = Project(directory=Path("."), dockerfiles=[source])
    r = find_rule(code)
    assert r is not None, code
    return list(r.check(project))


def lines(code: str, text: str) -> list[tuple[int, int]]:
    return [(loc.line, loc.column) for loc, _ in findings(code, text)]


def catches(code: str, text: str) -> None:
    assert findings(code, text), f"{code} should fire on:\n{text}"


def not_catches(code: str, text: str) -> None:
    found = findings(code, text)
    assert not found, f"{code} should stay silent on:\n{text}\nbut said {found}"


def project(tmp_path: Path, compose: str, dockerfile: str, **files: str) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "compose.yaml").write_text(compose)
    (tmp_path / "Dockerfile").write_text(dockerfile)
    for name, text in files.items():
        path = tmp_path / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


# --- CL303 relative-workdir ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "WORKDIR relative/dir",
        "WORKDIR app",
        'WORKDIR "app"',
        "WORKDIR ./app",
        "WORKDIR ~/app",
        "WORKDIR ..",
    ],
)
def test_cl303_catches(text: str) -> None:
    catches("CL303", text)


@pytest.mark.parametrize(
    "text",
    [
        "WORKDIR /usr/local",
        'WORKDIR "/app"',
        "WORKDIR '/app'",
        "WORKDIR $HOME/app",
        "WORKDIR ${APP_HOME}",
        "WORKDIR C:\\\\app",
        "WORKDIR c:/app",
        "ONBUILD WORKDIR app",
        "RUN cd app",
    ],
)
def test_cl303_not_catches(text: str) -> None:
    not_catches("CL303", text)


def test_cl303_suggests_the_path_it_resolves_to() -> None:
    [(loc, message)] = findings("CL303", "WORKDIR /srv\nWORKDIR app/../web\n")
    assert (loc.line, loc.column) == (3, 9)
    assert '"WORKDIR /srv/web"' in message and "line 2" in message


def test_cl303_follows_the_stage_chain() -> None:
    text = "FROM debian AS base\nWORKDIR /opt\nFROM base\nWORKDIR tool\n"
    [(_, message)] = findings("CL303", text)
    assert '"WORKDIR /opt/tool"' in message


def test_cl303_without_earlier_workdir_suggests_root() -> None:
    [(_, message)] = findings("CL303", "WORKDIR app\n")
    assert '"WORKDIR /app"' in message and "base image" in message


# --- CL304 runs-as-root (a Dockerfile alone) ------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "USER root",
        "USER 0",
        "USER 0:0",
        "USER root:root",
        "USER app\nRUN make\nUSER root",
        "FROM debian AS base\nUSER root\nFROM base\nRUN make\n",
    ],
)
def test_cl304_catches_explicit_root(text: str) -> None:
    catches("CL304", text)


@pytest.mark.parametrize(
    "text",
    [
        "RUN make",  # no USER: the base image decides; only known with compose
        "USER app",
        "USER root\nRUN make\nUSER app",
        "USER 1000:0",
        "USER rootless",
        "USER ${APP_USER}",
        "ONBUILD USER root",
        # root only in an earlier stage that the last stage does not build on
        "FROM debian AS build\nUSER root\nFROM debian\nUSER app\n",
        "FROM debian AS build\nUSER root\nFROM debian\nRUN make\n",
    ],
)
def test_cl304_not_catches_alone(text: str) -> None:
    not_catches("CL304", text)


def test_cl304_alone_points_at_the_user_line() -> None:
    assert lines("CL304", 'USER app\nRUN make\nUSER root\nCMD ["x"]\n') == [(4, 1)]


# --- CL304 with compose ---------------------------------------------------------------


def test_cl304_no_user_anywhere(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "services:\n  web:\n    build: .\n",
        'FROM python:3.13-slim\nCMD ["python"]\n',
    )
    assert lint(root, "CL304") == ["Dockerfile:1:1 CL304"]


def test_cl304_compose_user_silences(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "services:\n  web:\n    build: .\n    user: '1000:1000'\n",
        "FROM python:3.13-slim\nUSER root\n",
    )
    assert lint(root, "CL304") == []


def test_cl304_judges_the_built_target(tmp_path: Path) -> None:
    dockerfile = (
        "FROM python:3.13-slim AS base\n"
        "RUN useradd app\n"
        "USER app\n"
        "FROM base AS dev\n"
        "USER root\n"
        "FROM base AS prod\n"
        'CMD ["python"]\n'
    )
    prod = project(
        tmp_path / "a",
        "services:\n  web:\n    build:\n      context: .\n      target: prod\n",
        dockerfile,
    )
    dev = project(
        tmp_path / "b",
        "services:\n  web:\n    build:\n      context: .\n      target: dev\n",
        dockerfile,
    )
    assert lint(prod, "CL304") == []
    assert lint(dev, "CL304") == ["Dockerfile:5:1 CL304"]


def test_cl304_inherits_user_from_parent_stage(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "services:\n  web:\n    build: .\n",
        "FROM node:22 AS base\nUSER node\nFROM base\nCOPY . /app\n",
    )
    assert lint(root, "CL304") == []


def test_cl304_services_sharing_a_dockerfile(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "services:\n  a:\n    build: .\n  b:\n    build: .\n  c:\n    build: .\n    user: app\n",
        'FROM node:22\nCMD ["node"]\n',
    )
    result = run([str(root)], Options(select=("CL304",), isolated=True), root)
    [finding] = result.findings
    assert 'services "a" and "b" run as root' in finding.message
    assert '"c"' not in finding.message


@pytest.mark.parametrize(
    "base",
    [
        "gcr.io/distroless/static-debian12:nonroot",
        "nginxinc/nginx-unprivileged:1.27",
        "mcr.microsoft.com/windows/servercore:ltsc2022",
        "mcr.microsoft.com/powershell:lts-nanoserver-ltsc2022",
    ],
)
def test_cl304_non_root_base_images(tmp_path: Path, base: str) -> None:
    root = project(tmp_path, "services:\n  web:\n    build: .\n", f"FROM {base}\n")
    assert lint(root, "CL304") == []


def test_cl304_unknown_base_is_not_judged(tmp_path: Path) -> None:
    root = project(tmp_path, "services:\n  web:\n    build: .\n", "ARG BASE\nFROM ${BASE}\n")
    assert lint(root, "CL304") == []


def test_cl304_scratch_suggests_numeric_user(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "services:\n  web:\n    build: .\n",
        "FROM golang:1.23 AS build\nRUN go build -o /app\n"
        "FROM scratch\nCOPY --from=build /app /app\n",
    )
    result = run([str(root)], Options(select=("CL304",), isolated=True), root)
    [finding] = result.findings
    assert finding.line == 3 and "USER 65534:65534" in finding.message


def test_cl304_names_the_stage_the_root_user_comes_from(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "services:\n  web:\n    build:\n      context: .\n      target: app\n",
        "FROM python:3.13-slim AS base\nUSER root\nFROM base AS app\nCOPY app.py /app/\n",
    )
    result = run([str(root)], Options(select=("CL304",), isolated=True), root)
    [finding] = result.findings
    assert finding.line == 2
    assert 'built stage "app", inherited from stage "base"' in finding.message


# --- CL310 add-instead-of-copy ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "ADD app.py /app/",
        "ADD . /app",
        'ADD ["src/", "/app/"]',
        "ADD --chown=app:app conf/ /etc/app/",
        "ADD release.zip /opt/",
        "ADD https://example.com/x.sh local.sh /opt/",
    ],
)
def test_cl310_catches(text: str) -> None:
    catches("CL310", text)


@pytest.mark.parametrize(
    "text",
    [
        "ADD rootfs.tar.gz /",
        "ADD vendor.tgz /opt/",
        "ADD data.tar.xz /data/",
        "ADD bundle.tar.zst /opt/",
        "ADD https://example.com/tool.sh /usr/local/bin/tool",
        "ADD --checksum=sha256:abcd https://example.com/x /x",
        "ADD git@github.com:moby/buildkit.git /src",
        "ADD https://github.com/moby/buildkit.git#v0.14 /src",
        "ADD $ARCHIVE /opt/",
        "ADD <<EOF /etc/motd\nhello\nEOF\n",
        "ONBUILD ADD . /app",
        "COPY . /app",
    ],
)
def test_cl310_not_catches(text: str) -> None:
    not_catches("CL310", text)


def test_cl310_zip_is_explained() -> None:
    [(_, message)] = findings("CL310", "ADD release.zip /opt/\n")
    assert "does not unpack .zip" in message


# --- CL311 copy-dest-not-dir -----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "COPY a b /app",
        "COPY package.json package-lock.json .",
        'COPY ["a", "b", "/app"]',
        "COPY --from=build /a /b /out",
        "ADD a.txt b.txt /data",
        "COPY <<one <<two /etc/conf\n1\none\n2\ntwo\n",
    ],
)
def test_cl311_catches(text: str) -> None:
    catches("CL311", text)


@pytest.mark.parametrize(
    "text",
    [
        "COPY a b /app/",
        "COPY package.json package-lock.json ./",
        "COPY a /app",
        "COPY *.json /app",  # no build context known: a wildcard may match one file
        "COPY a b $APP_DIR",
        "COPY a b ${APP_DIR}",
        "COPY a b C:\\\\app\\\\",
        "ONBUILD COPY a b /app",
    ],
)
def test_cl311_not_catches(text: str) -> None:
    not_catches("CL311", text)


def test_cl311_points_at_the_destination() -> None:
    assert lines("CL311", "COPY a \\\n     b \\\n     /app\n") == [(4, 6)]


def test_cl311_wildcard_matching_several_files(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "services:\n  web:\n    build: .\n",
        "FROM node:22\nWORKDIR /app\nCOPY package*.json .\n",
        **{"package.json": "{}", "package-lock.json": "{}"},
    )
    assert lint(root, "CL311") == ["Dockerfile:3:20 CL311"]


def test_cl311_wildcard_matching_one_file(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "services:\n  web:\n    build: .\n",
        "FROM node:22\nWORKDIR /app\nCOPY package*.json .\n",
        **{"package.json": "{}"},
    )
    assert lint(root, "CL311") == []


def test_cl311_wildcard_match_excluded_by_dockerignore(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "services:\n  web:\n    build: .\n",
        "FROM node:22\nWORKDIR /app\nCOPY package*.json .\n",
        **{"package.json": "{}", "package-lock.json": "{}", ".dockerignore": "package-lock.json\n"},
    )
    assert lint(root, "CL311") == []


# --- CL312 copy-from-unknown-stage -----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "COPY --from=builder /a /b",
        "FROM debian AS build\nFROM debian\nCOPY --from=biuld /a /b\n",
        "FROM debian\nCOPY --from=nginx /etc/nginx /etc/nginx\n",
        "FROM debian AS a\nFROM debian\nCOPY --from=5 /a /b\n",
        # a later stage: BuildKit accepts it, other builders do not
        "FROM debian\nCOPY --from=later /a /b\nFROM debian AS later\n",
        "FROM debian\nCOPY --from=1 /a /b\nFROM debian\n",
        # BuildKit refuses variables in --from
        "ARG UV=ghcr.io/astral-sh/uv:0.5\nFROM debian\nCOPY --from=${UV} /uv /bin/\n",
    ],
)
def test_cl312_catches(text: str) -> None:
    catches("CL312", text)


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian AS build\nFROM debian\nCOPY --from=build /a /b\n",
        "FROM debian AS build\nFROM debian\nCOPY --from=BUILD /a /b\n",
        "FROM debian AS Build\nFROM debian\nCOPY --from=build /a /b\n",
        "FROM debian AS build\nFROM debian\nCOPY --from=0 /a /b\n",
        "FROM debian\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx\n",
        "FROM debian\nCOPY --from=ghcr.io/owner/tool /bin/tool /bin/\n",
        "FROM debian\nCOPY --from=gloursdocker/docker / /\n",
        "FROM debian\nCOPY --from=busybox@sha256:abc /bin/sh /bin/sh\n",
        "FROM debian AS a\nCOPY --from=a /a /b\n",  # itself: CL313
        "FROM debian\nCOPY --from=0 /a /b\n",  # itself: CL313
        "FROM debian\nCOPY /a /b\n",
    ],
)
def test_cl312_not_catches(text: str) -> None:
    not_catches("CL312", text)


def test_cl312_suggests_the_close_stage_name() -> None:
    text = "FROM debian AS build\nFROM debian\nCOPY --from=biuld /a /b\n"
    [(loc, message)] = findings("CL312", text)
    assert (loc.line, loc.column) == (3, 6)
    assert "--from=build" in message


# --- CL313 copy-from-self --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian AS a\nCOPY --from=a /a /b\n",
        "FROM debian AS build\nCOPY --from=Build /a /b\n",
        "FROM debian\nCOPY --from=0 /a /b\n",
        "FROM debian AS a\nFROM debian AS b\nCOPY --from=1 /a /b\n",
    ],
)
def test_cl313_catches(text: str) -> None:
    catches("CL313", text)


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian AS a\nFROM a\nCOPY --from=a /a /b\n",
        "FROM debian AS a\nFROM debian AS b\nCOPY --from=a /a /b\n",
        "FROM debian AS a\nFROM debian AS b\nCOPY --from=0 /a /b\n",
        "FROM debian AS a\nCOPY --from=a:latest /a /b\n",
        "FROM debian AS a\nCOPY /a /b\n",
    ],
)
def test_cl313_not_catches(text: str) -> None:
    not_catches("CL313", text)


# --- CL314 duplicate-stage-name --------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian AS build\nFROM debian AS build\n",
        "FROM debian AS build\nFROM alpine as Build\n",
        "FROM debian AS a\nFROM debian AS b\nFROM --platform=linux/amd64 debian AS a\n",
    ],
)
def test_cl314_catches(text: str) -> None:
    catches("CL314", text)


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian AS build\nFROM debian AS build2\n",
        "FROM debian AS build\nFROM build\n",
        "FROM debian\nFROM debian\n",
    ],
)
def test_cl314_not_catches(text: str) -> None:
    not_catches("CL314", text)


def test_cl314_points_at_the_second_name() -> None:
    text = "FROM debian AS build\nRUN true\nFROM alpine AS build\n"
    assert lines("CL314", text) == [(3, 16)]


def test_cl314_reports_every_repeat() -> None:
    text = "FROM debian AS x\nFROM debian AS x\nFROM debian AS x\n"
    assert lines("CL314", text) == [(2, 16), (3, 16)]


# --- CL318 copy-relative-no-workdir ----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "COPY app.py .",
        "COPY app.py app/",
        'COPY ["app.py", "app/"]',
        "ADD app.tar.gz app/",
        "COPY --from=build /out ./bin/",
        "COPY a b\nWORKDIR /x\n",
        # an unnamed earlier stage with a WORKDIR is not this stage's parent
        "FROM debian\nWORKDIR /x\nFROM debian\nCOPY a b\n",
        "FROM debian AS a\nWORKDIR /x\nFROM debian\nCOPY a b\n",
    ],
)
def test_cl318_catches(text: str) -> None:
    catches("CL318", text)


@pytest.mark.parametrize(
    "text",
    [
        "WORKDIR /app\nCOPY app.py .",
        "COPY app.py /app/",
        'COPY app.py "/app/"',
        "COPY app.py $APP_HOME",
        "COPY app.py C:\\\\app\\\\",
        "COPY app.py c:/app/",
        "FROM debian AS base\nWORKDIR /x\nFROM base\nCOPY a b\n",
        "FROM debian AS base\nWORKDIR /x\nFROM base AS mid\nFROM mid\nCOPY a b\n",
        "ARG BASE=base\nFROM debian AS base\nWORKDIR /x\nFROM ${BASE}\nCOPY a b\n",
        "ONBUILD COPY a b",
    ],
)
def test_cl318_not_catches(text: str) -> None:
    not_catches("CL318", text)


def test_cl318_points_at_the_destination() -> None:
    assert lines("CL318", "COPY requirements.txt .\n") == [(2, 23)]


def test_cl318_uses_compose_build_args(tmp_path: Path) -> None:
    dockerfile = (
        "ARG BASE=debian:12\nFROM debian:12 AS base\nWORKDIR /srv\nFROM ${BASE}\nCOPY app.py .\n"
    )
    with_arg = project(
        tmp_path / "a",
        "services:\n  web:\n    build:\n      context: .\n      args:\n        BASE: base\n",
        dockerfile,
    )
    without = project(tmp_path / "b", "services:\n  web:\n    build: .\n", dockerfile)
    assert lint(with_arg, "CL318") == []
    assert lint(without, "CL318") == ["Dockerfile:5:13 CL318"]


# --- all of them -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "code", ["CL303", "CL304", "CL310", "CL311", "CL312", "CL313", "CL314", "CL318"]
)
@pytest.mark.parametrize(
    "text",
    [
        "",
        "FROM\n",
        "FROM debian AS\n",
        "WORKDIR\nUSER\nADD\nCOPY\nCOPY --from= a b\nCOPY --from\n",
        "COPY [\n",
        'COPY ["only-one"]\n',
        "ADD [1, 2]\n",
        "COPY --from='' a b\n",
        "RUN <<EOF\nunterminated\n",
    ],
)
def test_odd_input_never_crashes(code: str, text: str) -> None:
    findings(code, "FROM debian\n" + text)


# --- contradictions fixed by the one image model ---------------------------------------


def test_cl304_windows_image_by_any_microsoft_name() -> None:
    """CL304 and CL315 now share one reading of "a Windows image": CL304 used to miss
    `mcr.microsoft.com/windows:<tag>` and judge it as a Linux image running as root."""
    from conftest import catches_not

    compose = "services:\n  app:\n    build: .\n"
    catches_not("CL304", compose=compose, dockerfile="FROM mcr.microsoft.com/windows:ltsc2019\n")


def test_cl311_quoted_source_with_a_blank_is_one_source() -> None:
    """COPY/ADD operands are read once, quotes respected: `"my file"` is one source,
    not two (CL311 used to count two and ask for a trailing slash)."""
    from conftest import catches, catches_not

    catches_not("CL311", dockerfile='COPY "my file" /app/my-file\n')
    catches("CL311", dockerfile='COPY "my file" other /app\n', at="2:22")
