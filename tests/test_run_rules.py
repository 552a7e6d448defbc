"""RUN-command rules (CL305-CL327), one Dockerfile snippet per case, hadolint style.

A snippet without FROM gets "FROM debian:bookworm" in front of it (so its first line
is line 2). The compose-aware cases (build targets, build args) live in
fixtures/CL3xx-*/.
"""

from __future__ import annotations

import pytest
from conftest import catches, catches_not, rule_findings

from compose_lint.registry import find_rule

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
        "RUN cd /src && make && rm -rf /tmp/cache",  # removes another directory
        "RUN mkdir /tmp/x && cd /tmp/x && make && cd /srv && ./install",  # /srv stays
        "RUN cd /tmp/x && rm /tmp/x/file",  # not recursive: the directory stays
    ],
)
def test_cl305_catches(dockerfile: str) -> None:
    if dockerfile.startswith("["):
        dockerfile = "RUN " + dockerfile
    catches("CL305", dockerfile=dockerfile)


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
        # a temporary build directory the RUN removes (benchmark class): WORKDIR would
        # leave it in the image
        "RUN mkdir /tmp/x && cd /tmp/x && make && cd / && rm -rf /tmp/x",
        "RUN cd /tmp/build/src && make install && rm -rf /tmp/build",
        'RUN cd "$(mktemp -d)" && curl -fsSLO https://example.org/x.tgz && tar xzf x.tgz',
    ],
)
def test_cl305_not_catches(dockerfile: str) -> None:
    catches_not("CL305", dockerfile=dockerfile)


def test_cl305_points_at_the_cd_line() -> None:
    catches("CL305", dockerfile="RUN set -e \\\n && curl -o x y \\\n && cd /x && make\n", at="4:5")
    [only] = catches("CL305", dockerfile="RUN cd /app\n")
    assert "only command" in only and "WORKDIR /app" in only


# -- CL306 sudo-in-run --------------------------------------------------------------


def test_cl306() -> None:
    catches("CL306", dockerfile="RUN sudo apt-get update")
    catches("CL306", dockerfile="RUN bash -c 'sudo make install'")
    catches("CL306", dockerfile="ONBUILD RUN sudo make install")
    catches(
        "CL306",
        dockerfile="RUN make \\\n && sudo make install && sudo ldconfig\n",
        at=["3:5", "3:26"],
    )
    catches_not("CL306", dockerfile="RUN apt-get install -y --no-install-recommends sudo")
    catches_not("CL306", dockerfile="RUN echo 'app ALL=(ALL) NOPASSWD: ALL' >> /etc/sudoers")
    catches_not("CL306", dockerfile="USER root\nRUN make install")


# -- CL307 apt-lists-kept -----------------------------------------------------------


def test_cl307_silent_when_a_later_run_installs_from_the_same_lists() -> None:
    # laradock's Dockerfiles update once at the top and clean up in the last RUN: the
    # installs in between read the lists, so removing them in the first RUN breaks them
    later = "RUN apt-get update && apt-get install -y a\nRUN apt-get install -y b\n"
    catches_not("CL307", dockerfile=later + "RUN rm -rf /var/lib/apt/lists/*\n")
    # a later RUN that updates for itself does not need these lists
    catches(
        "CL307",
        dockerfile="RUN apt-get update && apt-get install -y a\n"
        "RUN apt-get update && apt-get install -y b && rm -rf /var/lib/apt/lists/*\n",
        at="2:5",
    )
    catches("CL307", dockerfile="RUN apt-get update && apt-get install -y a\nRUN echo ok\n")
    # an update that runs only when a build arg asks for it may not happen: a later
    # install may still read these lists (laradock's workspace image)
    optional = (
        "RUN apt-get update && apt-get install -y a\n"
        "RUN if [ ${INSTALL_B} = true ]; then apt-get update && apt-get install -y b; fi\n"
        "RUN apt-get install -y c\n"
    )
    catches_not("CL307", dockerfile=optional)


def test_cl307_catches() -> None:
    catches("CL307", dockerfile="RUN apt-get update && apt-get install -y curl", at="2:5")
    catches(
        "CL307",
        dockerfile="RUN set -e; \\\n  apt-get update; \\\n  apt-get install -y x\n",
        at="3:3",
    )
    catches("CL307", dockerfile="RUN apt update && apt install -y curl")
    catches("CL307", dockerfile="RUN apt-get update")  # the lists stay in this layer
    catches("CL307", dockerfile="RUN apt-get update && apt-get install -y x && rm -rf /tmp/*")
    # a cache on the .deb archives does not hold the lists
    catches("CL307", dockerfile="RUN --mount=type=cache,target=/var/cache/apt apt-get update")
    # a bind mount is not a cache
    catches("CL307", dockerfile="RUN --mount=type=bind,target=/var/lib/apt/lists apt-get update")


def test_cl307_not_catches() -> None:
    catches_not(
        "CL307",
        dockerfile="RUN apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/*",
    )
    catches_not(
        "CL307",
        dockerfile="RUN apt-get update && apt-get install -y x && rm -fr /var/lib/apt/lists",
    )
    catches_not(
        "CL307",
        dockerfile="RUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked apt-get update",
    )
    catches_not("CL307", dockerfile="RUN --mount=type=tmpfs,target=/var/lib/apt apt-get update")
    catches_not("CL307", dockerfile="RUN apt-get update && find /var/lib/apt/lists -type f -delete")
    catches("CL307", dockerfile="RUN apt-get update && find /var/lib/apt/lists -type f")
    catches_not("CL307", dockerfile="RUN apt-get install -y ./local.deb")  # no update, no lists
    catches_not("CL307", dockerfile="RUN apk update && apk add curl")


@pytest.mark.parametrize(
    "cleanup",
    ["apt-get distclean", "apt-get dist-clean", "apt-get -y distclean", "sudo apt distclean"],
)
def test_cl307_knows_that_distclean_removes_the_lists(cleanup: str) -> None:
    # APT 2.7.8+ (Debian 13, Ubuntu 24.04): everything under /var/lib/apt/lists but the
    # small signed Release files goes
    run = f"RUN apt-get update \\\n  && apt-get install -y curl \\\n  && {cleanup}\n"
    catches_not("CL307", dockerfile=run)
    # `apt-get clean` empties the .deb archive cache, not the lists
    catches("CL307", dockerfile=run.replace(cleanup, "apt-get clean"), at="2:5")
    catches("CL307", dockerfile=run.replace(cleanup, "apt-get autoclean"), at="2:5")


def test_cl307_only_stages_that_reach_the_image() -> None:
    builder = (
        "FROM debian:bookworm AS build\n"
        "RUN apt-get update && apt-get install -y gcc\n"
        "FROM debian:bookworm\n"
        "COPY --from=build /out /out\n"
    )
    catches_not("CL307", dockerfile=builder)
    base = (
        "FROM debian:bookworm AS base\n"
        "RUN apt-get update && apt-get install -y curl\n"
        "FROM base\n"
        "COPY app /app\n"
    )
    catches("CL307", dockerfile=base, at="2:5")


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
    catches("CL308", dockerfile=f"RUN apt-get update && {run}")


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
    catches_not("CL308", dockerfile=f"RUN {run}")


def test_cl308_apt_config_in_an_earlier_run() -> None:
    config = "RUN echo 'APT::Get::Assume-Yes \"true\";' > /etc/apt/apt.conf.d/90yes\n"
    catches_not("CL308", dockerfile=config + "RUN apt-get install curl")
    inherited = "FROM debian:bookworm AS base\n" + config + "FROM base\nRUN apt-get install curl"
    catches_not("CL308", dockerfile=inherited)
    other_stage = "FROM debian:bookworm AS base\n" + config + "FROM debian\nRUN apt-get install x"
    catches("CL308", dockerfile=other_stage)
    tee = "RUN echo 'APT::Get::Assume-Yes \"1\";' | tee /etc/apt/apt.conf.d/90yes\n"
    catches_not("CL308", dockerfile=tee + "RUN apt-get install curl")
    # an -o option lasts for its own command only
    once = "RUN apt-get install -o APT::Get::Assume-Yes=true curl\n"
    catches("CL308", dockerfile=once + "RUN apt-get install git")
    printed = "RUN echo 'APT::Get::Assume-Yes \"true\";'\n"
    catches("CL308", dockerfile=printed + "RUN apt-get install git")


def test_cl308_location_and_wrappers() -> None:
    catches("CL308", dockerfile="RUN apt-get update \\\n  && sudo apt-get install curl\n", at="3:6")
    catches("CL308", dockerfile="RUN env DEBIAN_FRONTEND=noninteractive apt-get install curl")


# -- CL309 apt-install-recommends ---------------------------------------------------


def test_cl309() -> None:
    catches("CL309", dockerfile="RUN apt-get install -y curl")
    catches("CL309", dockerfile="RUN apt-get -y install curl && apt-get -y install git")
    assert (
        len(rule_findings("CL309", dockerfile="RUN apt-get -y install a && apt-get -y install b"))
        == 2
    )
    catches_not("CL309", dockerfile="RUN apt-get install -y --no-install-recommends curl")
    catches_not("CL309", dockerfile="RUN apt-get install -y -o APT::Install-Recommends=false curl")
    catches_not("CL309", dockerfile="RUN apt-get install -y -o APT::Install-Recommends=0 curl")
    catches_not("CL309", dockerfile="RUN apt-get upgrade -y")


def test_cl309_an_autoremove_of_recommends_in_the_same_run() -> None:
    # the official Python images' clean-up (celery's docs image): purge --auto-remove
    # with recommends unimportant takes out what came only as a recommendation
    purge = "apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false"
    installs = "RUN apt-get update && apt-get install -y texlive && apt-get install -y dvipng"
    catches_not("CL309", dockerfile=f"{installs} && {purge}")
    autoremove = "apt-get autoremove -y -o APT::AutoRemove::RecommendsImportant=0"
    catches_not("CL309", dockerfile=f"{installs} && {autoremove}")
    # a plain autoremove keeps recommended packages, and one before the install is no help
    catches("CL309", dockerfile=f"{installs} && apt-get autoremove -y", at=["2:23", "2:53"])
    catches("CL309", dockerfile=f"RUN {purge} && apt-get install -y texlive", at="2:85")


BUILDER_ONLY = (
    "FROM debian:bookworm AS build\n"
    "RUN apt-get update && apt-get install -y build-essential\n"
    "RUN make\n"
    "FROM debian:bookworm-slim\n"
    "COPY --from=build /out /app\n"
)


def test_cl309_builder_stage_no_image_carries_is_silent() -> None:
    # benchmark (healthchecks): recommends in a throwaway builder stage never ship
    catches_not("CL309", dockerfile=BUILDER_ONLY)


def test_cl309_builder_stage_that_the_image_is_built_from_is_reported() -> None:
    shipped = BUILDER_ONLY.replace("FROM debian:bookworm-slim", "FROM build")
    catches("CL309", dockerfile=shipped, at="2:23")
    catches_not(
        "CL309",
        dockerfile="RUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/no-rec\n"
        "RUN apt-get install -y curl",
    )
    catches(
        "CL309",
        dockerfile=(
            "RUN apt-get install -y -o APT::Install-Recommends=false gcc\n"
            "RUN apt-get install -y curl"
        ),
    )


# -- CL316 apt-not-apt-get ----------------------------------------------------------


def test_cl316() -> None:
    # one RUN, one fix: reported once, at its first apt command, naming both (benchmark:
    # lemmy's "apt update && apt install", whose second report was judged noise)
    [both] = catches("CL316", dockerfile="RUN apt update && apt install -y curl", at="2:5")
    assert '"apt update" and "apt install" use apt' in both
    assert 'use "apt-get update" and "apt-get install" instead' in both
    catches("CL316", dockerfile="RUN apt update\nRUN apt install -y curl", at=["2:5", "3:5"])
    [search] = catches("CL316", dockerfile="RUN apt search curl")
    assert "apt-cache search" in search
    catches("CL316", dockerfile="RUN /usr/bin/apt install -y curl")
    catches_not("CL316", dockerfile="RUN apt-get update && apt-get install -y curl")
    catches_not("CL316", dockerfile="RUN apt-cache policy curl")
    catches_not("CL316", dockerfile="RUN apt-get install -y apt-transport-https")


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
        # a wheel from the web is downloaded, and a local one beside a package named
        "RUN pip3 install https://example.org/axengine-0.1.3-py3-none-any.whl",
        "RUN pip install /wheels/app-1.0-py3-none-any.whl flask",
    ],
)
def test_cl317_catches(dockerfile: str) -> None:
    catches("CL317", dockerfile=dockerfile)


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
        # nothing is downloaded: local wheels a builder stage made, or no index at all
        "RUN --mount=type=bind,from=wheels,source=/wheels,target=/deps pip3 install -U /deps/*.whl",
        "RUN pip install /wheels/app-1.0-py3-none-any.whl /wheels/dep-2.0-py3-none-any.whl",
        "RUN pip install --no-index --find-links=/wheels -r requirements.txt",
    ],
)
def test_cl317_not_catches(dockerfile: str) -> None:
    catches_not("CL317", dockerfile=dockerfile)


def test_cl317_skips_build_stages_and_follows_env_only_through_from() -> None:
    builder = (
        "FROM python:3.12 AS build\n"
        "RUN pip install --prefix=/install flask\n"
        "FROM python:3.12-slim\n"
        "COPY --from=build /install /usr/local\n"
    )
    catches_not("CL317", dockerfile=builder)
    not_inherited = (
        "FROM python:3.12 AS base\nENV PIP_NO_CACHE_DIR=1\n"
        "FROM python:3.12\nRUN pip install flask\n"
    )
    catches("CL317", dockerfile=not_inherited, at="4:5")
    arg_in_parent = (
        "FROM python:3.12 AS base\nARG PIP_NO_CACHE_DIR=1\nFROM base\nRUN pip install flask\n"
    )
    catches("CL317", dockerfile=arg_in_parent)  # ARG values do not pass to the next stage


# -- CL323 pipe-without-pipefail ----------------------------------------------------


@pytest.mark.parametrize(
    "dockerfile",
    [
        "RUN curl -fsSL https://example.com/x.tar | tar -x",
        "RUN wget -O - https://some.site | wc -l > /number",
        'SHELL ["/bin/bash", "-c"]\nRUN curl -fsSL x | tar -x',
        'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\nSHELL ["/bin/sh", "-c"]\nRUN a | b',
        'FROM debian AS a\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nFROM debian\nRUN a | b',
        'RUN ["sh", "-c", "curl x | tar -x"]',
        "RUN echo a | sha256sum -c && curl x | tar -x",
        "RUN curl x | tar -x && set -o pipefail",
    ],
)
def test_cl323_catches(dockerfile: str) -> None:
    catches("CL323", dockerfile=dockerfile)


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
    catches_not("CL323", dockerfile=dockerfile)


@pytest.mark.parametrize(
    "dockerfile",
    [
        # seq with literal bounds cannot fail
        "RUN seq 1 8 | xargs -I{} mkdir -p /usr/share/man/man{}",
        "RUN seq -w 10 | xargs -n1 touch",
        # a failed cat writes nothing, grep then selects nothing and exits 1: the RUN fails
        'RUN cat /profile.tmp | grep -v "_mock.go" > /profile.cov',
        "RUN cat -n /etc/os-release | grep -c VERSION",
        "RUN cat /x | grep -e a -e b",
        "RUN cat /x | grep -- -v",
        # an empty or cut-off key is no OpenPGP data: these exit 2 on it
        "RUN curl -fsSL https://example.com/gpg | apt-key add -",
        "RUN wget -qO- https://example.com/gpg | gpg --dearmor -o /usr/share/keyrings/x.gpg",
        "RUN curl -fsSL https://example.com/gpg | gpg --dearmor > /etc/apt/keyrings/x.gpg",
        "RUN curl -fsSL https://example.com/key | gpg --batch --import",
    ],
)
def test_cl323_not_catches_a_pipe_whose_failure_cannot_hide(dockerfile: str) -> None:
    catches_not("CL323", dockerfile=dockerfile)


@pytest.mark.parametrize(
    "dockerfile",
    [
        "RUN seq 1 $COUNT | xargs touch",  # seq fails on a bound that is not a number
        # a producer that may write part of its output before failing
        "RUN curl -fsSL https://example.com/list | grep -v '^#' > /list",
        "RUN cat /a /b | grep x > /out",  # /a may be read before /b fails
        "RUN cat /x | grep x /y",  # grep reads /y, not the pipe
        "RUN cat /x | grep -r x",  # searches the working directory, not the pipe
        "RUN cat /x | grep -L x",  # prints "(standard input)" and succeeds on no input
        "RUN cat /x | grep -v y | sort > /z",  # sort succeeds on empty input
        "RUN cat /x | sed s/a/b/ > /z",  # sed succeeds on empty input
        "RUN curl -fsSL x | gpg --import /k.asc",  # gpg reads the file, not the pipe
        "RUN curl -fsSL x | apt-key add /k.asc",
        "RUN curl -fsSL x | sh",  # an empty script succeeds
    ],
)
def test_cl323_still_catches_a_pipe_that_can_hide_a_failure(dockerfile: str) -> None:
    catches("CL323", dockerfile=dockerfile)


def test_cl323_location_and_fix() -> None:
    dockerfile = "RUN set -e \\\n && apt-get update \\\n && curl -fsSL x \\\n   | tar -x\n"
    [message] = catches("CL323", dockerfile=dockerfile, at="4:5")
    assert 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]' in message
    [alpine] = catches("CL323", dockerfile="FROM alpine:3.20\nRUN wget -qO- x | tar -x")
    assert 'SHELL ["/bin/ash", "-o", "pipefail", "-c"]' in alpine
    [bash] = catches("CL323", dockerfile='SHELL ["/bin/bash", "-c"]\nRUN a | b')
    assert '["/bin/bash", "-o", "pipefail", "-c"]' in bash


# -- CL327 unpinned-packages --------------------------------------------------------


def test_cl327_apt_get_words_and_columns() -> None:
    dockerfile = (
        "RUN apt-get install -y --no-install-recommends \\\n    curl git=1:2.39* \\\n  vim\n"
    )
    catches("CL327", dockerfile=dockerfile, at=["3:5", "4:3"])
    catches_not(
        "CL327", dockerfile="RUN apt-get install -y curl=7.88.1-10 ./local.deb git/bookworm"
    )
    catches_not("CL327", dockerfile="RUN apt-get install -y -t bookworm-backports $PACKAGES")


def test_cl327_heredoc_script() -> None:
    dockerfile = "RUN <<EOT bash\n    apt-get install -y \\\n        git \\\n        clang\nEOT\n"
    catches("CL327", dockerfile=dockerfile, at=["4:9", "5:9"])


def test_cl327_apk() -> None:
    catches(
        "CL327", dockerfile="FROM alpine\nRUN apk add --no-cache --virtual .deps curl", at="2:40"
    )
    catches_not("CL327", dockerfile="FROM alpine\nRUN apk add --no-cache curl=8.9.1-r0 git~2.45")


def test_cl327_pip() -> None:
    dockerfile = "RUN pip install --no-cache-dir flask 'requests[socks]' gunicorn==22.0"
    catches("CL327", dockerfile=dockerfile, at=["2:32", "2:39"])
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
        catches_not("CL327", dockerfile=f"RUN {pinned}")
    catches("CL327", dockerfile="RUN pip install git+https://github.com/pallets/flask")
    catches("CL327", dockerfile="RUN pip install -r requirements.txt gunicorn")


def test_cl327_npm() -> None:
    dockerfile = "RUN npm install -g @vue/cli nodemon@3.1.0 npm@latest"
    catches("CL327", dockerfile=dockerfile, at=["2:20", "2:43"])
    catches_not("CL327", dockerfile="RUN npm install")
    catches_not("CL327", dockerfile="RUN npm ci")
    catches_not(
        "CL327", dockerfile="RUN npm install @scope/pkg@1.2.3 ./local git+https://x/y.git#v1"
    )


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
        rule_findings(code, dockerfile=dockerfile)


# -- one reading of commands, wrappers and package-manager calls ----------------------
#
# Each case below was read wrongly by at least one rule while the rules kept their own
# word splitters, wrapper tables and option lists.


@pytest.mark.parametrize(
    "run",
    [
        "RUN stdbuf -o0 pip install -r requirements.txt",
        "RUN gosu app pip install -r requirements.txt",
        "RUN su-exec app pip install -r requirements.txt",
        "RUN timeout 600 pip install -r requirements.txt",
    ],
)
def test_cl317_reads_the_call_behind_any_wrapper(run: str) -> None:
    catches("CL317", dockerfile=run, at="2:5")
    catches_not("CL317", dockerfile=run + " --no-cache-dir")


def test_cl317_understands_pips_option_prefixes() -> None:
    catches_not("CL317", dockerfile="RUN pip install --no-cache -r r.txt")
    catches_not("CL317", dockerfile="RUN pip install --no-cache-d flask")
    catches_not("CL317", dockerfile="RUN env PIP_NO_CACHE_DIR=1 pip install flask")
    [message] = catches("CL317", dockerfile="RUN python3 -m pip install flask")
    assert '"python3 -m pip install" keeps its download' in message


def test_cl323_reads_case_patterns_and_separate_pipelines() -> None:
    catches_not("CL323", dockerfile='RUN case "$x" in a|b) echo ok;; esac')
    catches_not("CL323", dockerfile='RUN case "$(uname -m)" in\n  x86_64|amd64) A=x ;;\n  esac')
    catches_not("CL323", dockerfile="RUN echo x | sha256sum -c - && echo y | sha256sum -c -")
    # a checksum check fails when nothing (or a cut-off line) comes through the pipe
    catches_not("CL323", dockerfile='RUN grep "node.tar.gz" SUMS | shasum -a 256 -c -')
    catches_not("CL323", dockerfile="RUN curl -fsSL https://example.com/SUMS | sha256sum --check")
    catches("CL323", dockerfile="RUN curl -fsSL https://example.com/SUMS | sha256sum > sums.txt")
    catches("CL323", dockerfile="RUN case $x in a|b) curl x | tar -x ;; esac", at="2:21")
    # a pipe as a condition picks a branch: with pipefail the RUN would not fail either
    catches_not("CL323", dockerfile="RUN if curl x | tar -x; then echo ok; fi")


def test_pipe_whose_status_the_run_ignores() -> None:
    # a pipe followed by more commands after ";" or a newline: without set -e only the
    # last command's status counts, so pipefail alone would change nothing
    script = "RUN <<EOF\ncurl -fsSL https://example.com/i.php | php\nmv composer.phar /usr/bin\nEOF"
    catches_not("CL323", dockerfile=script)
    catches_not("CL323", dockerfile="RUN curl -fsSL x | sh; echo done")
    # under set -e (in the RUN or its SHELL) the pipe's status stops the build
    catches("CL323", dockerfile=script.replace("<<EOF\n", "<<EOF\nset -eux\n"), at="4:1")
    catches("CL323", dockerfile='SHELL ["/bin/bash", "-ec"]\nRUN curl -fsSL x | sh; echo done')
    catches("CL323", dockerfile="RUN set -o errexit; curl -fsSL x | sh; echo done")
    # the pipe's status is the RUN's: last, before &&, or before || exit 1
    catches("CL323", dockerfile="RUN echo a; curl -fsSL x | sh\n")
    catches("CL323", dockerfile="RUN curl -fsSL x | sh && echo done")
    catches("CL323", dockerfile="RUN curl -fsSL x | sh || exit 1")


def test_pipe_into_a_consumer_that_fails_on_empty_input() -> None:
    # grep -q checking a local command's output: a failed php printed no such line
    catches_not("CL323", dockerfile='RUN php -m | grep -q zip && php -v | grep -q "PHP 8.3."')
    catches_not("CL323", dockerfile="RUN php -m | grep -oiE '^tokenizer$'")  # -q or not
    catches("CL323", dockerfile="RUN php -m | grep -v -q zip")  # any other line passes
    catches("CL323", dockerfile="RUN php -m | grep -vq zip")
    catches("CL323", dockerfile="RUN curl -fsSL https://x/list | grep -q ok")  # a download
    # filters between that print nothing on no input carry the failure through
    catches_not("CL323", dockerfile='RUN php -v | head -n 1 | grep -q "PHP 8"')
    catches_not(
        "CL323", dockerfile="RUN java -version 2>&1 | tr A-Z a-z | sed -e s/x/y/ | grep -q 17"
    )
    catches("CL323", dockerfile="RUN php -v | wc -l | grep -q 1")  # wc prints 0 on no input
    catches("CL323", dockerfile="RUN php -v | head -n 1 other.txt | grep -q 8")  # reads a file
    catches("CL323", dockerfile="RUN curl -fsSL https://x/v | head -n 1 | grep -q 8")
    # tar decompressing the pipe fails on an empty or cut-off archive
    catches_not("CL323", dockerfile="RUN curl -L https://x/y.tar.gz | tar -C /tmp -zx")
    catches_not("CL323", dockerfile="RUN wget -qO- https://x/y.tar.xz | tar xJf -")
    catches("CL323", dockerfile="RUN curl -L https://x/y.tar | tar -x")  # no decompressor
    catches("CL323", dockerfile="RUN curl -L https://x/y | tar -xzf other.tgz")


def test_cl327_option_values_are_not_packages() -> None:
    catches_not("CL327", dockerfile="RUN yarn install --frozen-lockfile --network-timeout 600000")
    catches_not("CL327", dockerfile="RUN npm install --registry https://r.example express@4.19.2")
    catches("CL327", dockerfile="RUN sudo apt-get install -y -t bookworm-backports git", at="2:51")


def test_apt_rules_read_the_call_behind_any_wrapper() -> None:
    catches("CL308", dockerfile="RUN gosu root apt-get install curl", at="2:5")
    catches("CL309", dockerfile="RUN chroot /target apt-get install -y curl", at="2:5")
    catches("CL316", dockerfile="RUN nice -n 5 apt install -y curl", at="2:5")
    catches_not("CL307", dockerfile="RUN sudo apt-get update && sudo rm -rf /var/lib/apt/lists/*")
    config = "RUN echo 'APT::Get::Assume-Yes \"1\";' | sudo tee /etc/apt/apt.conf.d/90yes\n"
    catches_not("CL308", dockerfile=config + "RUN apt-get install curl")


def test_commands_inside_if_and_loops_are_commands() -> None:
    catches("CL305", dockerfile="RUN if [ -d /src ]; then cd /src && make; fi", at="2:26")
    catches("CL306", dockerfile="RUN for p in a b; do sudo install $p; done", at="2:22")
    catches("CL308", dockerfile="RUN while false; do apt-get install x; done", at="2:21")


def test_cl328_and_cl503_agree_on_installs_behind_wrappers() -> None:
    """The issue's contradiction: CL328 said the line installs the requirements while
    CL503 said nothing installs them, in the same run."""
    files = {"requirements.txt": "flask\n", "app.py": "import flask\n"}
    compose = "services:\n  web:\n    build: .\n"
    for wrapper in ("stdbuf -o0 ", "gosu app "):
        dockerfile = (
            "FROM python:3.12\nWORKDIR /app\nCOPY . .\n"
            f"RUN {wrapper}pip install -r requirements.txt\nCMD python app.py\n"
        )
        project = {"compose": compose, "dockerfile": dockerfile, "files": files}
        catches("CL328", **project)
        catches_not("CL503", **project)


def test_many_runs_stay_linear(monkeypatch: pytest.MonkeyPatch) -> None:
    """4,000 RUN lines through every RUN rule: the APT configuration written by earlier
    RUNs is looked for once per stage chain, not once per apt-get call (which made it
    quadratic), and the state before a RUN comes from the image model's steps."""
    from compose_lint.model import runs as runs_model

    calls = 0
    real = runs_model._writes_apt_config

    def counted(*args: object) -> bool:
        nonlocal calls
        calls += 1
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(runs_model, "_writes_apt_config", counted)
    line = "RUN sudo apt-get install curl && pip install flask | tee /log && cd /tmp\n"
    dockerfile = "USER app\n" + line * 4000
    for code in ("CL305", "CL306", "CL307", "CL308", "CL309", "CL316", "CL317", "CL323", "CL327"):
        rule_findings(code, dockerfile=dockerfile)
    # one scan of the 4,000 earlier RUNs (4 commands each) per option looked for
    assert calls <= 2 * 4 * 4000  # quadratic: about 4 * 4000 * 4000 / 2 per option
