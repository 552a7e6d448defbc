"""RUN-command rules (CL305-CL327), one Dockerfile snippet per case, hadolint style.

A snippet without FROM gets "FROM debian:bookworm" in front of it. The
compose-aware cases (build targets, build args) live in fixtures/CL3xx-*/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from compose_lint.load.dockerfile import parse_dockerfile
from compose_lint.model import DockerfileSource, Project
from compose_lint.registry import find_rule


def findings(code: str, dockerfile: str) -> list[tuple[int, int, str]]:
    if not any(line.upper().startswith("FROM ") for line in dockerfile.splitlines()):
        dockerfile = "FROM debian:bookworm\n" + dockerfile
    source = DockerfileSource(
        path=Path("Dockerfile"), display="Dockerfile", parsed=parse_dockerfile(dockerfile)
    )
    r = find_rule(code)
    assert r is not None
    project = Project(directory=Path("."), dockerfiles=[source])
    return [(loc.line, loc.column, message) for loc, message in r.check(project)]


def catches(code: str, dockerfile: str) -> list[tuple[int, int, str]]:
    found = findings(code, dockerfile)
    assert found, f"{code} should fire on {dockerfile!r}"
    return found


def not_catches(code: str, dockerfile: str) -> None:
    found = findings(code, dockerfile)
    assert not found, f"{code} should not fire on {dockerfile!r}: {found}"


def where(code: str, dockerfile: str) -> list[tuple[int, int]]:
    return [(line, column) for line, column, _ in findings(code, dockerfile)]


# -- CL305 cd-in-run ----------------------------------------------------------------


@pytest.mark.parametrize(
    "dockerfile",
    [
        "RUN cd /tmp && make",
        "RUN cd /opt",
        "RUN (cd /src && make install)",
        "RUN sh -c 'cd /src && make'",
        '["sh", "-c", "cd /src && make"]',
        "RUN <<EOF\ncd /src\nmake\nEOF\n",
    ],
)
def test_cl305_catches(dockerfile: str) -> None:
    if dockerfile.startswith("["):
        dockerfile = "RUN " + dockerfile
    catches("CL305", dockerfile)


@pytest.mark.parametrize(
    "dockerfile",
    [
        "WORKDIR /opt",
        "RUN make -C /src install",
        "RUN echo cd /tmp",
        "RUN echo $(cd /tmp && pwd) > /where",  # a subshell that computes a path
        'RUN ["cd", "/tmp"]'.replace('"cd"', '"ls"'),
        "RUN apt-get install -y cdrom-tools",
        "ONBUILD RUN cd /src && make",  # ONBUILD WORKDIR would change the child image
    ],
)
def test_cl305_not_catches(dockerfile: str) -> None:
    not_catches("CL305", dockerfile)


def test_cl305_points_at_the_cd_line() -> None:
    assert where("CL305", "RUN set -e \\\n && curl -o x y \\\n && cd /x && make\n") == [(4, 5)]
    only = catches("CL305", "RUN cd /app\n")[0][2]
    assert "only command" in only and "WORKDIR /app" in only


# -- CL306 sudo-in-run --------------------------------------------------------------


def test_cl306() -> None:
    catches("CL306", "RUN sudo apt-get update")
    catches("CL306", "RUN bash -c 'sudo make install'")
    catches("CL306", "ONBUILD RUN sudo make install")
    assert where("CL306", "RUN make \\\n && sudo make install && sudo ldconfig\n") == [
        (3, 5),
        (3, 26),
    ]
    not_catches("CL306", "RUN apt-get install -y --no-install-recommends sudo")
    not_catches("CL306", "RUN echo 'app ALL=(ALL) NOPASSWD: ALL' >> /etc/sudoers")
    not_catches("CL306", "USER root\nRUN make install")


# -- CL307 apt-lists-kept -----------------------------------------------------------


def test_cl307_catches() -> None:
    assert where("CL307", "RUN apt-get update && apt-get install -y curl") == [(2, 5)]
    assert where("CL307", "RUN set -e; \\\n  apt-get update; \\\n  apt-get install -y x\n") == [
        (3, 3)
    ]
    catches("CL307", "RUN apt update && apt install -y curl")
    catches("CL307", "RUN apt-get update")  # the lists stay in this layer
    catches("CL307", "RUN apt-get update && apt-get install -y x && rm -rf /tmp/*")
    # a cache on the .deb archives does not hold the lists
    catches("CL307", "RUN --mount=type=cache,target=/var/cache/apt apt-get update")
    # a bind mount is not a cache
    catches("CL307", "RUN --mount=type=bind,target=/var/lib/apt/lists apt-get update")


def test_cl307_not_catches() -> None:
    not_catches(
        "CL307",
        "RUN apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/*",
    )
    not_catches("CL307", "RUN apt-get update && apt-get install -y x && rm -fr /var/lib/apt/lists")
    not_catches(
        "CL307",
        "RUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked apt-get update",
    )
    not_catches("CL307", "RUN --mount=type=tmpfs,target=/var/lib/apt apt-get update")
    not_catches("CL307", "RUN apt-get update && find /var/lib/apt/lists -type f -delete")
    catches("CL307", "RUN apt-get update && find /var/lib/apt/lists -type f")
    not_catches("CL307", "RUN apt-get install -y ./local.deb")  # no update, no lists
    not_catches("CL307", "RUN apk update && apk add curl")


def test_cl307_only_stages_that_reach_the_image() -> None:
    builder = (
        "FROM debian:bookworm AS build\n"
        "RUN apt-get update && apt-get install -y gcc\n"
        "FROM debian:bookworm\n"
        "COPY --from=build /out /out\n"
    )
    not_catches("CL307", builder)
    base = (
        "FROM debian:bookworm AS base\n"
        "RUN apt-get update && apt-get install -y curl\n"
        "FROM base\n"
        "COPY app /app\n"
    )
    assert where("CL307", base) == [(2, 5)]


# -- CL308 apt-get-no-yes -----------------------------------------------------------


@pytest.mark.parametrize(
    "run",
    [
        "apt-get install curl",
        "apt-get install -q curl",
        "apt-get --no-install-recommends install curl",
        "apt-get upgrade",
        "apt-get -o Dpkg::Options::=--force-confnew dist-upgrade",
        "apt-get autoremove --purge",
    ],
)
def test_cl308_catches(run: str) -> None:
    catches("CL308", f"RUN apt-get update && {run}")


@pytest.mark.parametrize(
    "run",
    [
        "apt-get install -y curl",
        "apt-get -y install curl",
        "apt-get install -yq curl",
        "apt-get install -qy curl",
        "apt-get install --yes curl",
        "apt-get install --assume-yes curl",
        "apt-get install -qq curl",
        "apt-get install -q -q curl",
        "apt-get install -q=2 curl",
        "apt-get install -o APT::Get::Assume-Yes=true curl",
        "DEBIAN_FRONTEND=noninteractive apt-get install -y curl",
        "yes | apt-get install curl",
        "apt-get update",
        "apt-get clean",
        "apt-cache policy curl",
    ],
)
def test_cl308_not_catches(run: str) -> None:
    not_catches("CL308", f"RUN {run}")


def test_cl308_apt_config_in_an_earlier_run() -> None:
    config = "RUN echo 'APT::Get::Assume-Yes \"true\";' > /etc/apt/apt.conf.d/90yes\n"
    not_catches("CL308", config + "RUN apt-get install curl")
    inherited = "FROM debian:bookworm AS base\n" + config + "FROM base\nRUN apt-get install curl"
    not_catches("CL308", inherited)
    other_stage = "FROM debian:bookworm AS base\n" + config + "FROM debian\nRUN apt-get install x"
    catches("CL308", other_stage)
    tee = "RUN echo 'APT::Get::Assume-Yes \"1\";' | tee /etc/apt/apt.conf.d/90yes\n"
    not_catches("CL308", tee + "RUN apt-get install curl")
    # an -o option lasts for its own command only
    once = "RUN apt-get install -o APT::Get::Assume-Yes=true curl\n"
    catches("CL308", once + "RUN apt-get install git")
    printed = "RUN echo 'APT::Get::Assume-Yes \"true\";'\n"
    catches("CL308", printed + "RUN apt-get install git")


def test_cl308_location_and_wrappers() -> None:
    assert where("CL308", "RUN apt-get update \\\n  && sudo apt-get install curl\n") == [(3, 6)]
    catches("CL308", "RUN env DEBIAN_FRONTEND=noninteractive apt-get install curl")


# -- CL309 apt-install-recommends ---------------------------------------------------


def test_cl309() -> None:
    catches("CL309", "RUN apt-get install -y curl")
    catches("CL309", "RUN apt-get -y install curl && apt-get -y install git")
    assert len(findings("CL309", "RUN apt-get -y install a && apt-get -y install b")) == 2
    not_catches("CL309", "RUN apt-get install -y --no-install-recommends curl")
    not_catches("CL309", "RUN apt-get install -y -o APT::Install-Recommends=false curl")
    not_catches("CL309", "RUN apt-get install -y -o APT::Install-Recommends=0 curl")
    not_catches("CL309", "RUN apt-get upgrade -y")
    not_catches(
        "CL309",
        "RUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/no-rec\n"
        "RUN apt-get install -y curl",
    )
    catches(
        "CL309",
        "RUN apt-get install -y -o APT::Install-Recommends=false gcc\nRUN apt-get install -y curl",
    )


# -- CL316 apt-not-apt-get ----------------------------------------------------------


def test_cl316() -> None:
    found = catches("CL316", "RUN apt update && apt install -y curl")
    assert [(line, column) for line, column, _ in found] == [(2, 5), (2, 19)]
    assert '"apt-get install"' in found[1][2]
    assert "apt-cache search" in catches("CL316", "RUN apt search curl")[0][2]
    catches("CL316", "RUN /usr/bin/apt install -y curl")
    not_catches("CL316", "RUN apt-get update && apt-get install -y curl")
    not_catches("CL316", "RUN apt-cache policy curl")
    not_catches("CL316", "RUN apt-get install -y apt-transport-https")


# -- CL317 pip-cache-kept -----------------------------------------------------------


@pytest.mark.parametrize(
    "dockerfile",
    [
        "RUN pip install flask",
        "RUN pip3 install -r requirements.txt",
        "RUN pip3.12 install flask",
        "RUN python -m pip install flask",
        "RUN python3 -m pip install --upgrade pip",
        "RUN /usr/local/bin/pip install flask",
        "RUN PIP_NO_CACHE_DIR=0 pip install flask",
        "ENV PIP_NO_CACHE_DIR=false\nRUN pip install flask",
        "RUN --mount=type=cache,target=/root/.cache/npm pip install flask",
        "RUN --mount=type=bind,target=/root/.cache/pip pip install flask",
        "RUN pip install flask --cache-dir /tmp/pip",
    ],
)
def test_cl317_catches(dockerfile: str) -> None:
    catches("CL317", dockerfile)


@pytest.mark.parametrize(
    "dockerfile",
    [
        "RUN pip install --no-cache-dir flask",
        "RUN pip install flask --no-cache-dir",
        "RUN PIP_NO_CACHE_DIR=1 pip install flask",
        "RUN export PIP_NO_CACHE_DIR=on && pip install flask",
        "ENV PIP_NO_CACHE_DIR=1\nRUN pip install flask",
        "ENV PIP_NO_CACHE_DIR yes\nRUN pip install flask",
        "ARG PIP_NO_CACHE_DIR=1\nRUN pip install flask",
        "ARG PIP_NO_CACHE_DIR=1\nFROM python:3.12\nARG PIP_NO_CACHE_DIR\nRUN pip install flask",
        "FROM python:3.12 AS base\nENV PIP_NO_CACHE_DIR=1\nFROM base\nRUN pip install flask",
        "RUN --mount=type=cache,target=/root/.cache/pip pip install flask",
        "RUN --mount=type=tmpfs,target=/home/app/.cache pip install flask",
        "RUN --mount=type=cache,target=/pipcache pip install --cache-dir /pipcache flask",
        "RUN pip install flask && rm -rf /root/.cache/pip",
        "RUN pip install flask && pip cache purge",
        "RUN pipx install black",
        "RUN pipenv install",
        "RUN python -m pipx install black",
        "RUN uv pip install flask",
        "RUN pip download flask",
        "RUN pip freeze > requirements.txt",
    ],
)
def test_cl317_not_catches(dockerfile: str) -> None:
    not_catches("CL317", dockerfile)


def test_cl317_skips_build_stages_and_follows_env_only_through_from() -> None:
    builder = (
        "FROM python:3.12 AS build\n"
        "RUN pip install --prefix=/install flask\n"
        "FROM python:3.12-slim\n"
        "COPY --from=build /install /usr/local\n"
    )
    not_catches("CL317", builder)
    not_inherited = (
        "FROM python:3.12 AS base\nENV PIP_NO_CACHE_DIR=1\n"
        "FROM python:3.12\nRUN pip install flask\n"
    )
    assert where("CL317", not_inherited) == [(4, 5)]
    arg_in_parent = (
        "FROM python:3.12 AS base\nARG PIP_NO_CACHE_DIR=1\nFROM base\nRUN pip install flask\n"
    )
    catches("CL317", arg_in_parent)  # ARG values do not pass to the next stage


# -- CL323 pipe-without-pipefail ----------------------------------------------------


@pytest.mark.parametrize(
    "dockerfile",
    [
        "RUN curl -fsSL https://example.com/x.tgz | tar -xz",
        "RUN wget -O - https://some.site | wc -l > /number",
        'SHELL ["/bin/bash", "-c"]\nRUN curl -fsSL x | tar -xz',
        'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\nSHELL ["/bin/sh", "-c"]\nRUN a | b',
        'FROM debian AS a\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nFROM debian\nRUN a | b',
        'RUN ["sh", "-c", "curl x | tar -x"]',
        "RUN echo a | sha256sum -c && curl x | tar -x",
        "RUN curl x | tar -x && set -o pipefail",
    ],
)
def test_cl323_catches(dockerfile: str) -> None:
    catches("CL323", dockerfile)


@pytest.mark.parametrize(
    "dockerfile",
    [
        "RUN curl -fsSL -o x.tgz https://example.com/x.tgz && tar -xzf x.tgz",
        'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN curl x | tar -x',
        'SHELL ["/bin/bash", "-eo", "pipefail", "-c"]\nRUN curl x | tar -x',
        'SHELL ["/bin/bash", "-e", "-o", "errexit", "-o", "pipefail", "-c"]\nRUN a | b',
        'SHELL ["/usr/bin/zsh", "-o", "pipefail", "-c"]\nRUN a | b',
        'SHELL ["/bin/ash", "-o", "pipefail", "-c"]\nRUN a | b',
        'SHELL ["pwsh", "-c"]\nRUN Get-Variable PSVersionTable | Select-Object Value',
        'SHELL ["cmd.exe", "/S", "/C"]\nRUN dir | findstr x',
        'FROM debian AS a\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nFROM a\nRUN a | b',
        "RUN set -o pipefail && curl x | tar -x",
        "RUN set -euxo pipefail; curl x | tar -x",
        "RUN bash -o pipefail -c 'curl x | tar -x'",
        'RUN ["/bin/bash", "-o", "pipefail", "-c", "curl x | tar -x"]',
        "RUN echo 'deb http://x stable main' | tee /etc/apt/sources.list.d/x.list",
        "RUN printf '%s\\n' a b | sort > /list",
        "RUN yes | apt-get install curl",
        "RUN echo '|' > /pipe",
        "ONBUILD RUN curl x | sh",  # runs under the SHELL of the image built on this one
    ],
)
def test_cl323_not_catches(dockerfile: str) -> None:
    not_catches("CL323", dockerfile)


def test_cl323_location_and_fix() -> None:
    dockerfile = "RUN set -e \\\n && apt-get update \\\n && curl -fsSL x \\\n   | tar -xz\n"
    line, column, message = catches("CL323", dockerfile)[0]
    assert (line, column) == (4, 5)
    assert 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]' in message
    alpine = catches("CL323", "FROM alpine:3.20\nRUN wget -qO- x | tar -x")[0][2]
    assert 'SHELL ["/bin/ash", "-o", "pipefail", "-c"]' in alpine
    bash = catches("CL323", 'SHELL ["/bin/bash", "-c"]\nRUN a | b')[0][2]
    assert '["/bin/bash", "-o", "pipefail", "-c"]' in bash


# -- CL327 unpinned-packages --------------------------------------------------------


def test_cl327_apt_get_words_and_columns() -> None:
    dockerfile = (
        "RUN apt-get install -y --no-install-recommends \\\n    curl git=1:2.39* \\\n  vim\n"
    )
    assert where("CL327", dockerfile) == [(3, 5), (4, 3)]
    not_catches("CL327", "RUN apt-get install -y curl=7.88.1-10 ./local.deb git/bookworm")
    not_catches("CL327", "RUN apt-get install -y -t bookworm-backports $PACKAGES")


def test_cl327_heredoc_script() -> None:
    dockerfile = "RUN <<EOT bash\n    apt-get install -y \\\n        git \\\n        clang\nEOT\n"
    assert where("CL327", dockerfile) == [(4, 9), (5, 9)]


def test_cl327_apk() -> None:
    assert where("CL327", "FROM alpine\nRUN apk add --no-cache --virtual .deps curl") == [(2, 40)]
    not_catches("CL327", "FROM alpine\nRUN apk add --no-cache curl=8.9.1-r0 git~2.45")


def test_cl327_pip() -> None:
    found = where("CL327", "RUN pip install --no-cache-dir flask 'requests[socks]' gunicorn==22.0")
    assert found == [(2, 32), (2, 39)]
    for pinned in [
        "pip install -r requirements.txt",
        "pip install .",
        "pip install -e .",
        "pip install ./wheels/app-1.0-py3-none-any.whl",
        "pip install 'flask>=3,<4'",
        "pip install -c constraints.txt flask",
        "pip install git+https://github.com/pallets/flask@3.0.3",
        "pip install https://example.com/pkg-1.0.tar.gz",
    ]:
        not_catches("CL327", f"RUN {pinned}")
    catches("CL327", "RUN pip install git+https://github.com/pallets/flask")
    catches("CL327", "RUN pip install -r requirements.txt gunicorn")


def test_cl327_npm() -> None:
    assert where("CL327", "RUN npm install -g @vue/cli nodemon@3.1.0 npm@latest") == [
        (2, 20),
        (2, 43),
    ]
    not_catches("CL327", "RUN npm install")
    not_catches("CL327", "RUN npm ci")
    not_catches("CL327", "RUN npm install @scope/pkg@1.2.3 ./local git+https://x/y.git#v1")


def test_cl327_is_off_by_default() -> None:
    r = find_rule("CL327")
    assert r is not None and not r.default_enabled


# -- all rules --------------------------------------------------------------------


@pytest.mark.parametrize(
    "code", ["CL305", "CL306", "CL307", "CL308", "CL309", "CL316", "CL317", "CL323", "CL327"]
)
def test_odd_input_never_crashes(code: str) -> None:
    for dockerfile in [
        "RUN",
        "RUN []",
        'RUN ["unterminated',
        "RUN <<EOF\n",
        "ONBUILD RUN",
        "ONBUILD",
        "RUN --mount=type=cache apt-get update",
        "RUN apt-get",
        "RUN pip",
        "RUN python -m",
        "RUN sudo",
        "RUN env",
        "RUN apt-get -o",
        "FROM ${BASE}\nRUN curl x | sh",
        "FROM a AS a\nFROM a\nRUN pip install x",
        "ENV\nARG\nSHELL []\nRUN a | b",
        'SHELL ["", "-c"]\nRUN a | b',
    ]:
        findings(code, dockerfile)
