"""CL303, CL304, CL310-CL314, CL318: one-line Dockerfile cases, hadolint style, plus
the cases that need the compose file (built target, build args, `user:`)."""

from __future__ import annotations

import pytest
from conftest import catches, catches_not, rule_findings

WEB = "services:\n  web:\n    build: .\n"


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
    catches("CL303", dockerfile=text)


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
    catches_not("CL303", dockerfile=text)


def test_cl303_suggests_the_path_it_resolves_to() -> None:
    [message] = catches("CL303", dockerfile="WORKDIR /srv\nWORKDIR app/../web\n", at="3:9")
    assert '"WORKDIR /srv/web"' in message and "line 2" in message


def test_cl303_follows_the_stage_chain() -> None:
    text = "FROM debian AS base\nWORKDIR /opt\nFROM base\nWORKDIR tool\n"
    [message] = catches("CL303", dockerfile=text)
    assert '"WORKDIR /opt/tool"' in message


def test_cl303_without_earlier_workdir_suggests_root() -> None:
    [message] = catches("CL303", dockerfile="WORKDIR app\n")
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
    catches("CL304", dockerfile=text)


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
    catches_not("CL304", dockerfile=text)


def test_cl304_alone_points_at_the_user_line() -> None:
    catches("CL304", dockerfile='USER app\nRUN make\nUSER root\nCMD ["x"]\n', at="4:1")


# --- CL304 with compose ---------------------------------------------------------------


def test_cl304_no_user_anywhere() -> None:
    dockerfile = 'FROM python:3.13-slim\nCMD ["python"]\n'
    catches("CL304", compose=WEB, dockerfile=dockerfile, at="Dockerfile:1:1")


def test_cl304_compose_user_silences() -> None:
    compose = "services:\n  web:\n    build: .\n    user: '1000:1000'\n"
    catches_not("CL304", compose=compose, dockerfile="FROM python:3.13-slim\nUSER root\n")


def test_cl304_judges_the_built_target() -> None:
    dockerfile = (
        "FROM python:3.13-slim AS base\n"
        "RUN useradd app\n"
        "USER app\n"
        "FROM base AS worker\n"
        "USER root\n"
        "FROM base AS prod\n"
        'CMD ["python"]\n'
    )
    target = "services:\n  web:\n    build:\n      context: .\n      target: {}\n"
    catches_not("CL304", compose=target.format("prod"), dockerfile=dockerfile)
    catches("CL304", compose=target.format("worker"), dockerfile=dockerfile, at="Dockerfile:5:1")


def test_cl304_inherits_user_from_parent_stage() -> None:
    dockerfile = "FROM node:22 AS base\nUSER node\nFROM base\nCOPY . /app\n"
    catches_not("CL304", compose=WEB, dockerfile=dockerfile)


def test_cl304_services_sharing_a_dockerfile() -> None:
    compose = (
        "services:\n  a:\n    build: .\n  b:\n    build: .\n  c:\n    build: .\n    user: app\n"
    )
    [message] = catches("CL304", compose=compose, dockerfile='FROM node:22\nCMD ["node"]\n')
    assert 'services "a" and "b" run as root' in message
    assert '"c"' not in message


@pytest.mark.parametrize(
    "base",
    [
        "gcr.io/distroless/static-debian12:nonroot",
        "nginxinc/nginx-unprivileged:1.27",
        "mcr.microsoft.com/windows/servercore:ltsc2022",
        "mcr.microsoft.com/powershell:lts-nanoserver-ltsc2022",
    ],
)
def test_cl304_non_root_base_images(base: str) -> None:
    catches_not("CL304", compose=WEB, dockerfile=f"FROM {base}\n")


def test_cl304_unknown_base_is_not_judged() -> None:
    catches_not("CL304", compose=WEB, dockerfile="ARG BASE\nFROM ${BASE}\n")


def test_cl304_scratch_suggests_numeric_user() -> None:
    dockerfile = (
        "FROM golang:1.23 AS build\nRUN go build -o /app\n"
        "FROM scratch\nCOPY --from=build /app /app\n"
    )
    [message] = catches("CL304", compose=WEB, dockerfile=dockerfile, at="Dockerfile:3:1")
    assert "USER 65534:65534" in message


def test_cl304_names_the_stage_the_root_user_comes_from() -> None:
    compose = "services:\n  web:\n    build:\n      context: .\n      target: app\n"
    dockerfile = "FROM python:3.13-slim AS base\nUSER root\nFROM base AS app\nCOPY app.py /app/\n"
    [message] = catches("CL304", compose=compose, dockerfile=dockerfile, at="Dockerfile:2:1")
    assert 'built stage "app", inherited from stage "base"' in message


# --- CL304: image facts (data/images.json) and privileges dropped at run time (issue 14)


@pytest.mark.parametrize(
    "base",
    [
        # the Elastic images run as UID 1000, from Elastic's registry or Docker Hub
        "docker.elastic.co/elasticsearch/elasticsearch:8.15.0",
        "elasticsearch:8.15.0",
        "docker.elastic.co/kibana/kibana:8.15.0",
        "kibana:8.15.0",
        "docker.elastic.co/logstash/logstash:8.15.0",
        "logstash:8.15.0",
        "gcr.io/distroless/python3-debian12:nonroot",
        "gcr.io/distroless/static-debian12:debug-nonroot",
        "docker.io/nginxinc/nginx-unprivileged:1.27-alpine",
        "grafana/grafana:11.2.0",
        "prom/prometheus:v2.54.0",
        "haproxy:3.0",
        "mcr.microsoft.com/dotnet/aspnet:8.0-noble-chiseled",
    ],
)
def test_cl304_base_images_that_run_unprivileged(base: str) -> None:
    catches_not("CL304", compose=WEB, dockerfile=f"FROM {base}\nCOPY app /app\n")


def test_cl304_distroless_without_nonroot_runs_as_root() -> None:
    dockerfile = "FROM gcr.io/distroless/static-debian12:latest\nCOPY app /app\n"
    catches("CL304", compose=WEB, dockerfile=dockerfile, at="Dockerfile:1:1")


def test_cl304_an_image_the_table_does_not_know_is_not_judged() -> None:
    """The default user of an image nobody recorded cannot be known: no guess."""
    catches_not("CL304", compose=WEB, dockerfile="FROM example/app-base:2.0.0\nCOPY . /app\n")


def test_cl304_offers_the_user_the_base_image_already_has() -> None:
    [message] = catches("CL304", compose=WEB, dockerfile='FROM node:22-slim\nCMD ["node"]\n')
    assert 'node:22-slim already has the unprivileged user "node"' in message
    assert 'add "USER node"' in message


PROJECT_BASE = (
    "services:\n"
    "  base:\n"
    "    image: acme/base-local\n"
    "    build: ./base\n"
    "  app:\n"
    "    build:\n"
    "      context: ./app\n"
    "      args:\n"
    "        BASE_IMAGE: acme/base-local\n"
)
APP_ON_BASE = "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nCOPY . /srv\n"


def test_cl304_a_base_the_project_builds_with_a_user_is_known() -> None:
    files = {
        "base/Dockerfile": "FROM python:3.13-slim\nRUN useradd app\nUSER app\n",
        "app/Dockerfile": APP_ON_BASE,
    }
    catches_not("CL304", compose=PROJECT_BASE, files=files)


def test_cl304_a_base_the_project_builds_as_root_is_named() -> None:
    files = {
        "base/Dockerfile": 'FROM python:3.13-slim\nCMD ["python"]\n',
        "app/Dockerfile": APP_ON_BASE,
    }
    found = catches(
        "CL304",
        compose=PROJECT_BASE,
        files=files,
        at=["base/Dockerfile:1:1", "app/Dockerfile:2:1"],
    )
    [on_app] = [m for m in found if 'service "app"' in m]
    assert 'FROM acme/base-local, the image service "base" builds, which runs as root too' in on_app


GOSU_ENTRYPOINT = """#!/bin/sh
set -e
if [ "$(id -u)" = "0" ]; then
    chown -R app /data
    exec {dropper} "$0" "$@"
fi
exec "$@"
"""


@pytest.mark.parametrize(
    "dropper",
    [
        "gosu app",
        'gosu "$PUID"',
        "su-exec app:app",
        "setpriv --reuid=app --regid=app --init-groups",
        "chroot --userspec=app:app /",
        "s6-setuidgid app",
        "runuser -u app --",
    ],
)
def test_cl304_entrypoint_script_re_executes_unprivileged(dropper: str) -> None:
    dockerfile = (
        "FROM python:3.13-slim\n"
        "RUN useradd app\n"
        "COPY docker/entry.sh /usr/local/bin/docker-entrypoint.sh\n"
        'ENTRYPOINT ["docker-entrypoint.sh"]\n'
        'CMD ["python", "-m", "app"]\n'
    )
    files = {"docker/entry.sh": GOSU_ENTRYPOINT.format(dropper=dropper)}
    catches_not("CL304", compose=WEB, dockerfile=dockerfile, files=files)


def test_cl304_entrypoint_keeps_its_user_switch_in_a_variable() -> None:
    # ClickHouse's entrypoint (laradock copies it): gosu="gosu $USER:$GROUP" when
    # started as root, then exec $gosu clickhouse-server
    script = (
        '#!/bin/bash\nif [ "$(id -u)" = 0 ]; then\n    gosu="gosu $USER:$GROUP"\nelse\n'
        '    gosu=""\nfi\nexec $gosu /usr/bin/clickhouse-server --config-file=/etc/c.xml\n'
    )
    dockerfile = (
        'FROM ubuntu:24.04\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n'
    )
    files = {"entrypoint.sh": script}
    catches_not("CL304", compose=WEB, dockerfile=dockerfile, files=files)
    # a variable holding something else is not a user switch
    other = {"entrypoint.sh": script.replace('"gosu $USER:$GROUP"', '"nice -n 5"')}
    catches("CL304", compose=WEB, dockerfile=dockerfile, files=other, at="Dockerfile:1:1")


def test_cl304_entrypoint_script_found_through_env_and_a_directory_copy() -> None:
    dockerfile = (
        "FROM python:3.13-slim\n"
        "ENV APP_HOME=/app\n"
        "COPY scripts/ $APP_HOME/bin/\n"
        'ENTRYPOINT ["/app/bin/start.sh"]\n'
    )
    files = {"scripts/start.sh": GOSU_ENTRYPOINT.format(dropper="gosu app")}
    catches_not("CL304", compose=WEB, dockerfile=dockerfile, files=files)


def test_cl304_entrypoint_script_a_run_copies_from_the_context() -> None:
    # ENTRYPOINT is a copy a RUN makes of the script COPY put in (dos2unix -n, cp):
    # that copy is the script the container starts, and it steps down
    files = {"docker/entry.sh": GOSU_ENTRYPOINT.format(dropper="gosu app")}
    # (a folder copied over / afterwards does not hold the script)
    files = {**files, "dump/seed.json": "{}\n"}
    for run in ("dos2unix -n /entry.sh /entryx.sh", "cp /entry.sh /entryx.sh"):
        dockerfile = (
            "FROM python:3.13-slim\nRUN useradd app\nCOPY docker/entry.sh /entry.sh\n"
            "ADD ./dump /\n"
            f'RUN {run} && chmod +x /entryx.sh\nENTRYPOINT ["/entryx.sh"]\n'
        )
        catches_not("CL304", compose=WEB, dockerfile=dockerfile, files=files)
    # a copy of a script that does not step down still runs as root
    stays = {"docker/entry.sh": '#!/bin/sh\nexec "$@"\n'}
    dockerfile = (
        "FROM python:3.13-slim\nCOPY docker/entry.sh /entry.sh\n"
        'RUN cp /entry.sh /entryx.sh\nENTRYPOINT ["/entryx.sh"]\nCMD ["python"]\n'
    )
    catches("CL304", compose=WEB, dockerfile=dockerfile, files=stays)


def test_cl304_entrypoint_that_only_uses_gosu_for_a_side_task_still_runs_as_root() -> None:
    script = '#!/bin/sh\ngosu app ./migrate\nexec "$@"\n'
    dockerfile = (
        "FROM python:3.13-slim\n"
        "COPY entry.sh /entry.sh\n"
        'ENTRYPOINT ["/entry.sh"]\n'
        'CMD ["python", "-m", "app"]\n'
    )
    catches(
        "CL304",
        compose=WEB,
        dockerfile=dockerfile,
        files={"entry.sh": script},
        at="Dockerfile:1:1",
    )


def test_cl304_entrypoint_wrapper_steps_down_itself() -> None:
    dockerfile = 'FROM python:3.13-slim\nENTRYPOINT ["tini", "--", "gosu", "app", "python"]\n'
    catches_not("CL304", compose=WEB, dockerfile=dockerfile)


@pytest.mark.parametrize(
    "base",
    [
        "altinity/clickhouse-server:25.8.28.10001.altinitystable",
        "clickhouse/clickhouse-server:24.8",
        "postgres:17",
        "redis:7.4",
    ],
)
def test_cl304_base_whose_entrypoint_steps_down(base: str) -> None:
    catches_not("CL304", compose=WEB, dockerfile=f"FROM {base}\nCOPY conf /etc/conf\n")


def test_cl304_base_entrypoint_replaced_runs_as_root() -> None:
    dockerfile = 'FROM postgres:17\nCOPY run.sh /run.sh\nENTRYPOINT ["/run.sh"]\n'
    catches("CL304", compose=WEB, dockerfile=dockerfile, at="Dockerfile:1:1")


@pytest.mark.parametrize(
    "dockerfile",
    [
        "FROM nginx:1.27\nCOPY nginx.conf /etc/nginx/nginx.conf\n",
        'FROM nginx:1.27-alpine\nCMD ["nginx", "-g", "daemon off;"]\n',
        "FROM httpd:2.4\nCOPY site/ /usr/local/apache2/htdocs/\n",
        "FROM php:8.4-fpm\nRUN docker-php-ext-install pdo_mysql\n",
        "FROM php:8.4-apache\nCOPY . /var/www/html/\n",
        "FROM nginxproxy/nginx-proxy:1.7-alpine\nCOPY proxy.conf /etc/nginx/conf.d/\n",
        # ckan-docker: a set-up step first, then the server that keeps running
        "FROM nginx:stable-alpine\nENTRYPOINT openssl req -x509 -nodes -out /c.crt && "
        "nginx -g 'daemon off;'\n",
        "FROM nginx:1.27\nCMD nginx-debug -t && exec nginx -g 'daemon off;'\n",
    ],
)
def test_cl304_servers_that_run_their_workers_unprivileged(dockerfile: str) -> None:
    """Root by design (decided from the benchmark: every such finding was noise): the
    master process keeps root to bind ports, the requests are served unprivileged."""
    catches_not("CL304", compose=WEB, dockerfile=dockerfile)


def test_cl304_server_image_running_another_program_is_reported() -> None:
    # php-fpm gives its workers to www-data; a queue worker run in its place runs as root
    dockerfile = 'FROM php:8.4-fpm\nCMD ["php", "artisan", "queue:work"]\n'
    catches("CL304", compose=WEB, dockerfile=dockerfile, at="Dockerfile:1:1")
    # the server started first, another program last: that one keeps running
    dockerfile = "FROM php:8.4-fpm\nCMD php-fpm -t && php artisan queue:work\n"
    catches("CL304", compose=WEB, dockerfile=dockerfile, at="Dockerfile:1:1")


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
    catches("CL310", dockerfile=text)


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
    catches_not("CL310", dockerfile=text)


def test_cl310_zip_is_explained() -> None:
    [message] = catches("CL310", dockerfile="ADD release.zip /opt/\n")
    assert "does not unpack .zip" in message


# --- CL311 copy-dest-not-dir -----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "COPY a b /app",
        "COPY a b app",
        'COPY ["a", "b", "/app"]',
        "COPY --from=build /a /b /out",
        "ADD a.txt b.txt /data",
        "COPY <<one <<two /etc/conf\n1\none\n2\ntwo\n",
    ],
)
def test_cl311_catches(text: str) -> None:
    catches("CL311", dockerfile=text)


@pytest.mark.parametrize(
    "text",
    [
        "COPY a b /app/",
        "COPY package.json package-lock.json ./",
        # BuildKit takes "." for the working directory, a directory (moby/buildkit)
        "COPY package.json package-lock.json .",
        "COPY a /app",
        "COPY *.json /app",  # no build context known: a wildcard may match one file
        "COPY a b $APP_DIR",
        "COPY a b ${APP_DIR}",
        "COPY a b C:\\\\app\\\\",
        "ONBUILD COPY a b /app",
    ],
)
def test_cl311_not_catches(text: str) -> None:
    catches_not("CL311", dockerfile=text)


def test_cl311_points_at_the_destination() -> None:
    catches("CL311", dockerfile="COPY a \\\n     b \\\n     /app\n", at="4:6")


PACKAGES = "FROM node:22\nWORKDIR /app\nCOPY package*.json app\n"


def test_cl311_wildcard_matching_several_files() -> None:
    files = {"package.json": "{}", "package-lock.json": "{}"}
    catches("CL311", compose=WEB, dockerfile=PACKAGES, files=files, at="Dockerfile:3:20")


def test_cl311_wildcard_matching_one_file() -> None:
    catches_not("CL311", compose=WEB, dockerfile=PACKAGES, files={"package.json": "{}"})


def test_cl311_wildcard_match_excluded_by_dockerignore() -> None:
    files = {"package.json": "{}", "package-lock.json": "{}"}
    catches_not(
        "CL311", compose=WEB, dockerfile=PACKAGES, files=files, dockerignore="package-lock.json\n"
    )


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
    catches("CL312", dockerfile=text)


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
    catches_not("CL312", dockerfile=text)


def test_cl312_suggests_the_close_stage_name() -> None:
    text = "FROM debian AS build\nFROM debian\nCOPY --from=biuld /a /b\n"
    [message] = catches("CL312", dockerfile=text, at="3:6")
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
    catches("CL313", dockerfile=text)


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
    catches_not("CL313", dockerfile=text)


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
    catches("CL314", dockerfile=text)


@pytest.mark.parametrize(
    "text",
    [
        "FROM debian AS build\nFROM debian AS build2\n",
        "FROM debian AS build\nFROM build\n",
        "FROM debian\nFROM debian\n",
    ],
)
def test_cl314_not_catches(text: str) -> None:
    catches_not("CL314", dockerfile=text)


def test_cl314_points_at_the_second_name() -> None:
    text = "FROM debian AS build\nRUN true\nFROM alpine AS build\n"
    catches("CL314", dockerfile=text, at="3:16")


def test_cl314_reports_every_repeat() -> None:
    text = "FROM debian AS x\nFROM debian AS x\nFROM debian AS x\n"
    catches("CL314", dockerfile=text, at=["2:16", "3:16"])


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
    catches("CL318", dockerfile=text)


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
    catches_not("CL318", dockerfile=text)


def test_cl318_points_at_the_destination() -> None:
    catches("CL318", dockerfile="COPY requirements.txt .\n", at="2:23")


def test_cl318_uses_compose_build_args() -> None:
    dockerfile = (
        "ARG BASE=debian:12\nFROM debian:12 AS base\nWORKDIR /srv\nFROM ${BASE}\nCOPY app.py .\n"
    )
    with_arg = "services:\n  web:\n    build:\n      context: .\n      args:\n        BASE: base\n"
    catches_not("CL318", compose=with_arg, dockerfile=dockerfile)
    catches("CL318", compose=WEB, dockerfile=dockerfile, at="Dockerfile:5:13")


# --- CL329 global-arg-not-redeclared --------------------------------------------------

GLOBAL = "ARG VERSION=1.4.2\nFROM debian:bookworm AS build\n"


def test_cl329_global_arg_in_run() -> None:
    text = GLOBAL + 'RUN curl -fsSLo tool.tgz "https://example.com/v${VERSION}/tool.tgz"\n'
    [message] = catches("CL329", dockerfile=text, at="3:48")
    assert 'in stage "build" ${VERSION} is empty' in message
    assert '"ARG VERSION"' in message and "line 1" in message


@pytest.mark.parametrize(
    ("text", "at"),
    [
        (GLOBAL + "ENV APP_VERSION=$VERSION\n", "3:17"),
        (GLOBAL + "ARG FULL=${VERSION}-rc1\n", "3:10"),
        (GLOBAL + "WORKDIR /opt/tool-$VERSION\n", "3:19"),
        (GLOBAL + "LABEL version=$VERSION\n", "3:15"),
        (GLOBAL + "COPY tool-$VERSION.tgz /opt/\n", "3:11"),
        (GLOBAL + "COPY --chown=$VERSION a /a\n", "3:14"),
        # a RUN that uses it before declaring it, and a here-document the shell runs
        (GLOBAL + "RUN echo $VERSION\nARG VERSION\n", "3:10"),
        (GLOBAL + "RUN <<EOF\nset -e\necho $VERSION\nEOF\n", "5:6"),
        # inside `sh -c` and a command substitution: the shell still has no VERSION
        (GLOBAL + "RUN sh -c 'echo $VERSION'\n", "3:17"),
        (GLOBAL + 'RUN echo "$(echo $VERSION)"\n', "3:18"),
    ],
)
def test_cl329_instructions_that_expand(text: str, at: str) -> None:
    catches("CL329", dockerfile=text, at=at)


def test_cl329_once_per_stage_and_name() -> None:
    text = GLOBAL + "RUN echo $VERSION\nRUN echo ${VERSION}\nFROM alpine:3.21\nRUN echo $VERSION\n"
    found = catches("CL329", dockerfile=text, at=["3:10", "6:10"])
    assert "(and 1 more use there)" in found[0] or "(and 1 more use there)" in found[1]


def test_cl329_platform_args_are_global_too() -> None:
    text = "FROM --platform=$BUILDPLATFORM golang:1.23 AS build\nRUN GOARCH=$TARGETARCH go build\n"
    [message] = catches("CL329", dockerfile=text, at="2:12")
    assert "BuildKit sets TARGETARCH in the global scope only" in message
    catches_not("CL329", dockerfile=text.replace("RUN", "ARG TARGETARCH\nRUN"))


def test_cl329_offers_the_declaration() -> None:
    from conftest import rule_findings

    [finding] = rule_findings("CL329", dockerfile=GLOBAL + "RUN echo $VERSION\n")
    fix = finding.fix  # type: ignore[attr-defined]
    assert fix is not None and not fix.safe
    [edit] = fix.edits
    assert (edit.line, edit.text) == (2, "\nARG VERSION")


@pytest.mark.parametrize(
    "text",
    [
        GLOBAL + "ARG VERSION\nRUN echo $VERSION\n",  # declared again
        "ARG VERSION=3.21\nFROM alpine:$VERSION\nRUN echo hi\n",  # used only in FROM
        GLOBAL + "ENV VERSION=2\nRUN echo $VERSION\n",  # an ENV of the stage
        # declared in the stage it is built FROM (BuildKit carries ARG and ENV over)
        GLOBAL + "ARG VERSION\nFROM build AS final\nRUN echo $VERSION\n",
        # a FROM that is not known may name the stage that declares it
        "ARG VERSION=1\nARG BASE\nFROM debian AS a\nARG VERSION\nFROM $BASE\nRUN echo $VERSION\n",
        # run time, not build time: CMD, ENTRYPOINT, HEALTHCHECK, ONBUILD
        GLOBAL + "CMD echo $VERSION\nENTRYPOINT exec tool --v $VERSION\n",
        GLOBAL + "HEALTHCHECK CMD test $VERSION\nONBUILD RUN echo $VERSION\n",
        # not expanded: single quotes, escaped, the argv of an exec-form RUN
        GLOBAL + "RUN echo '$VERSION' \\$VERSION\nENV A='$VERSION'\n",
        GLOBAL + 'RUN ["echo", "$VERSION"]\n',
        # the shell sets it itself, or may (a sourced file)
        GLOBAL + "RUN for VERSION in 1 2; do echo $VERSION; done\n",
        GLOBAL + "RUN VERSION=2 && echo $VERSION\nRUN read VERSION < f; echo $VERSION\n",
        GLOBAL + "RUN . /etc/os-release && echo $VERSION\n",
        # a here-document the shell only writes to a file
        GLOBAL + "RUN cat > /run.sh <<'EOF'\necho $VERSION\nEOF\n",
        # the proxy ARGs every RUN sees
        "ARG HTTP_PROXY\nFROM debian:bookworm\nRUN curl -x $HTTP_PROXY example.com\n",
        # a name that is no global ARG
        "FROM debian:bookworm\nRUN echo $HOME $OTHER\n",
    ],
)
def test_cl329_near_misses(text: str) -> None:
    catches_not("CL329", dockerfile=text)


def test_cl329_base_image_sets_it() -> None:
    """The node image sets NODE_VERSION, the python image PYTHON_VERSION: the
    global ARG that picked the tag is not needed inside the stage."""
    node = 'ARG NODE_VERSION=22\nFROM node:${NODE_VERSION}-slim\nRUN echo "$NODE_VERSION"\n'
    catches_not("CL329", dockerfile=node)
    python = "ARG PYTHON_VERSION=3.13\nFROM python:$PYTHON_VERSION\nRUN echo $PYTHON_VERSION\n"
    catches_not("CL329", dockerfile=python)
    # an image the table does not know: a name its tool would set is not claimed
    cimg = "ARG NODE_VERSION=22\nFROM cimg/node:$NODE_VERSION\nRUN echo $NODE_VERSION\n"
    catches_not("CL329", dockerfile=cimg)
    # but debian sets no VERSION, and an unknown image no APP_VERSION
    catches("CL329", dockerfile=GLOBAL + "RUN echo $VERSION\n")
    other = "ARG APP_VERSION=1\nFROM cimg/node:22\nRUN echo $APP_VERSION\n"
    catches("CL329", dockerfile=other, at="3:10")


@pytest.mark.parametrize(
    "text",
    ["ARG\nFROM debian\nRUN echo $\n", "ARG =x\nFROM debian\nRUN echo ${\n", "ARG A\nFROM\n"],
)
def test_cl329_odd_input_never_crashes(text: str) -> None:
    rule_findings("CL329", dockerfile=text)


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
    rule_findings(code, dockerfile="FROM debian\n" + text)  # asserts that nothing crashed


# --- contradictions fixed by the one image model ---------------------------------------


def test_cl304_windows_image_by_any_microsoft_name() -> None:
    """CL304 and CL315 now share one reading of "a Windows image": CL304 used to miss
    `mcr.microsoft.com/windows:<tag>` and judge it as a Linux image running as root."""
    compose = "services:\n  app:\n    build: .\n"
    catches_not("CL304", compose=compose, dockerfile="FROM mcr.microsoft.com/windows:ltsc2019\n")


def test_cl311_shell_form_splits_at_every_blank() -> None:
    """BuildKit splits shell-form COPY arguments at blanks, quotes or not (a path with
    a blank needs the exec form), so `"my file"` is two sources."""
    catches("CL311", dockerfile='COPY "my file" /app/my-file\n', at="2:16")
    catches_not("CL311", dockerfile='COPY ["my file", "/app/my-file"]\n')
