"""CL501-CL504: short cases, each a tiny project written to a temporary folder."""

from __future__ import annotations

import pytest
from conftest import catches, catches_not, rule_findings, shared_path

from compose_lint.engine import Options, run
from compose_lint.findings import Severity

APP = "services:\n  web:\n    build: .\n"
WEB_5000 = APP + '    ports:\n      - "5000:5000"\n'


# -- CL501 port-not-exposed ---------------------------------------------------------


def cl501(dockerfile: str, compose: str = WEB_5000, **more: object) -> dict[str, object]:
    """The project of a CL501 case: compose.yaml and its Dockerfile."""
    return {"compose": compose, "dockerfile": dockerfile, **more}


def test_cl501_tutorial_mistake() -> None:
    found = catches(
        "CL501", **cl501("FROM python:3.9-slim-buster\nCMD python app.py\n"), at="compose.yaml:5:9"
    )
    assert found == [
        "port 5000 is published but the Dockerfile never EXPOSEs it; "
        'add "EXPOSE 5000" to Dockerfile'
    ]


@pytest.mark.parametrize(
    "dockerfile",
    [
        "FROM python:3.12\nEXPOSE 5000\n",
        "FROM python:3.12\nEXPOSE 5000/tcp\n",
        "FROM python:3.12\nEXPOSE 4999-5001\n",
        "FROM python:3.12\nEXPOSE 80 5000\n",
        "FROM python:3.12\nARG PORT=5000\nEXPOSE $PORT\n",
        "FROM python:3.12\nENV PORT=5000\nEXPOSE ${PORT}\n",
        "FROM python:3.12\nARG P=5000\nENV PORT $P\nEXPOSE ${PORT}\n",
        "ARG PORT=5000\nFROM python:3.12\nARG PORT\nEXPOSE $PORT\n",
        "FROM python:3.12 AS base\nEXPOSE 5000\nFROM base\nCMD python app.py\n",
        "FROM python:3.12 AS base\nENV PORT=5000\nFROM base\nEXPOSE $PORT\n",
        "FROM nginx:1.27\nRUN true\n",  # the port is published as 80 below
    ],
)
def test_cl501_exposed(dockerfile: str) -> None:
    compose = WEB_5000.replace("5000:5000", "5000:80") if "nginx" in dockerfile else WEB_5000
    catches_not("CL501", **cl501(dockerfile, compose))


@pytest.mark.parametrize(
    "dockerfile",
    [
        "FROM python:3.12\nEXPOSE 5001\n",
        "FROM python:3.12\nEXPOSE 5000/udp\n",
        "FROM python:3.12\nARG PORT=8000\nEXPOSE $PORT\n",
        "FROM python:3.12 AS a\nEXPOSE 5000\nFROM python:3.12 AS b\nCMD x\n",  # sibling stage
        "FROM node:22\n",
        "FROM golang:1.23 AS build\nFROM scratch\nCOPY --from=build /app /app\n",
        "FROM docker.io/library/python:3.12\n",
        "FROM nginx:1.27\n",  # nginx exposes 80, not 5000
        "FROM php:8.3-cli\n",
        "ARG BASE=python:3.12\nFROM ${BASE}\n",
    ],
)
def test_cl501_not_exposed(dockerfile: str) -> None:
    catches("CL501", **cl501(dockerfile), at="compose.yaml:5:9")


@pytest.mark.parametrize(
    "dockerfile",
    [
        "FROM ghcr.io/acme/python:3.12\n",  # not a Docker Hub official image
        "FROM bitnami/python:3.12\n",
        "FROM someimage:1.0\n",  # official-looking but not in the table
        "ARG BASE\nFROM ${BASE}\n",  # base unknown
        "FROM python:3.12\nARG PORT\nEXPOSE $PORT\n",  # EXPOSE value unknown
        "FROM python:3.12\nEXPOSE ${UNSET}\n",
        "FROM python:${TARGETARCH}\n",
    ],
)
def test_cl501_silent_when_unknown(dockerfile: str) -> None:
    catches_not("CL501", **cl501(dockerfile))


def test_cl501_build_arg_resolves_expose() -> None:
    compose = WEB_5000.replace("    build: .\n", "    build:\n      context: .\n      args:\n")
    compose = compose.replace("      args:\n", "      args:\n        PORT: '5000'\n")
    catches_not("CL501", **cl501("FROM python:3.12\nARG PORT=80\nEXPOSE $PORT\n", compose))
    shell = compose.replace("PORT: '5000'", "PORT:")  # value taken from the shell: unknown
    catches_not("CL501", **cl501("FROM python:3.12\nARG PORT=80\nEXPOSE $PORT\n", shell))


def test_cl501_target_stage_and_label() -> None:
    dockerfile = "FROM node:22 AS dev\nEXPOSE 3000\nFROM nginx:1.27 AS prod\n"
    compose = (
        "services:\n  web:\n    build:\n      context: .\n      target: dev\n"
        '    ports:\n      - "3000:3000"\n      - "4000:4000"\n'
    )
    found = catches("CL501", **cl501(dockerfile, compose), at="compose.yaml:8:9")
    assert found == [
        "port 4000 is published but the Dockerfile never EXPOSEs it; "
        'add "EXPOSE 4000" to Dockerfile (stage "dev")'
    ]


# A debugger's default port (Node's inspector, debugpy, JDWP, Delve) is published for
# local development; nobody EXPOSEs it in the image (benchmark: voting-app, redash).
@pytest.mark.parametrize("port", ["9229", "127.0.0.1:9229:9229", "5678", "5005", "2345"])
def test_cl501_debugger_port_is_not_asked_for(port: str) -> None:
    published = port if ":" in port else f"{port}:{port}"
    compose = APP + f'    ports:\n      - "8000:8000"\n      - "{published}"\n'
    catches_not("CL501", **cl501("FROM python:3.12\nEXPOSE 8000\n", compose))


# Several services build one image and each publishes its own port (instances of one
# program told at run time where to listen, benchmark: lemmy's federation setup): no
# EXPOSE in the shared image is the fix.
PER_INSTANCE = (
    "services:\n"
    '  alpha:\n    build: .\n    ports:\n      - "8541:8541"\n'
    '  beta:\n    build: .\n    ports:\n      - "8551:8551"\n'
)


def test_cl501_per_instance_ports_are_silent() -> None:
    catches_not("CL501", **cl501("FROM python:3.12\nEXPOSE 8536\n", PER_INSTANCE))


def test_cl501_instances_sharing_one_unexposed_port_are_reported() -> None:
    # both publish 8541 of the one image: one EXPOSE fixes both, so one finding (the
    # engine's one fix, one finding), at the first
    compose = PER_INSTANCE.replace("8551:8551", "8552:8541")
    catches(
        "CL501",
        **cl501("FROM python:3.12\nEXPOSE 8536\n", compose),
        at=["compose.yaml:5:9"],
    )


def test_cl501_ranges_protocols_and_long_syntax() -> None:
    compose = APP + (
        "    ports:\n"
        '      - "7000-7003:7000-7003"\n'
        '      - "53:53/udp"\n'
        "      - target: 8080\n        published: 80\n"
        "      - target: 8081\n        protocol: udp\n"
    )
    dockerfile = "FROM python:3.12\nEXPOSE 7000 7003 53/udp 8080/tcp 8081\n"
    found = catches(
        "CL501", **cl501(dockerfile, compose), at=["compose.yaml:5:9", "compose.yaml:9:9"]
    )
    assert [f.split(";")[0] for f in found] == [
        "ports 7001-7002 are published but the Dockerfile never EXPOSEs them",
        "port 8081/udp is published but the Dockerfile never EXPOSEs it",
    ]


def test_cl501_image_variants() -> None:
    ports = APP + '    ports:\n      - "15672:15672"\n      - "80:80"\n'
    catches_not("CL501", **cl501("FROM rabbitmq:4-management\nEXPOSE 80\n", ports))
    catches("CL501", **cl501("FROM rabbitmq:4-alpine\nEXPOSE 80\n", ports), at="compose.yaml:5:9")
    catches_not("CL501", **cl501("FROM php:8.3-apache\n", APP + '    ports:\n      - "80:80"\n'))
    catches_not("CL501", **cl501("FROM php:8-fpm\n", APP + '    ports:\n      - "9000:9000"\n'))


def test_cl501_compose_expose_counts() -> None:
    catches_not("CL501", **cl501("FROM node:22\n", WEB_5000 + '    expose:\n      - "5000"\n'))
    catches_not("CL501", **cl501("FROM node:22\n", WEB_5000 + "    expose:\n      - 5000\n"))


def test_cl501_needs_a_build() -> None:
    compose = 'services:\n  web:\n    image: python:3.12\n    ports:\n      - "5000:5000"\n'
    catches_not("CL501", **cl501("FROM python:3.12\n", compose))


def test_cl501_dockerfile_inline() -> None:
    compose = (
        "services:\n  web:\n    build:\n      context: .\n"
        "      dockerfile_inline: |\n        FROM python:3.12\n"
        '    ports:\n      - "5000:5000"\n'
    )
    [found] = catches("CL501", compose=compose, at="compose.yaml:8:9")
    assert 'to the dockerfile_inline of service "web"' in found


def test_cl501_port_table_is_well_formed() -> None:
    import json
    from importlib import resources

    text = resources.files("compose_lint").joinpath("data/image_ports.json").read_text("utf-8")
    images = json.loads(text)["images"]
    for name, entry in images.items():
        assert entry["source"].startswith("https://"), name
        assert entry["checked"] == "2026-11-27", name
        for ports in [entry["ports"]] + [v["ports"] for v in entry.get("variants", [])]:
            for port in ports:
                number, _, protocol = port.partition("/")
                assert number.isdigit() and protocol in ("", "udp"), (name, port)


# -- CL502 copy-source-missing ------------------------------------------------------


FILES = {"app.py": "print(1)\n", "requirements.txt": "flask\n", "src/main.py": "x = 1\n"}


def cl502(dockerfile: str, compose: str = APP, **files: str) -> dict:
    """A project: `compose`, `dockerfile` and FILES (plus `files`)."""
    return {"compose": compose, "dockerfile": dockerfile, "files": {**FILES, **files}}


@pytest.mark.parametrize(
    "line",
    [
        "COPY app.py /app/",
        "COPY ./app.py /app/",
        "COPY /app.py /app/",
        "COPY . /app",
        "COPY ./ /app",
        "COPY src /app/src",
        "COPY src/ /app/src/",
        "COPY ./src/../app.py /app/",
        "COPY --chown=1000:1000 --chmod=644 app.py requirements.txt /app/",
        'COPY ["app.py", "requirements.txt", "/app/"]',
        "COPY *.py /app/",
        "COPY src/*.py /app/",
        "COPY requirements.txt constraints*.txt /app/",  # optional file idiom
        "COPY --from=builder /missing /app/",
        "COPY --from=python:3.12 /usr/local/bin/missing /usr/local/bin/",
        "ADD https://example.com/missing.tar.gz /tmp/",
        "ADD git@github.com:acme/missing.git /src",
        "COPY $NOT_SET /app/",
        "COPY ${NOT_SET}/x.py /app/",
        "COPY <<EOF /app/config.ini\n[x]\nEOF",
    ],
)
def test_cl502_present(line: str) -> None:
    catches_not("CL502", **cl502(f"FROM python:3.12\n{line}\n"))


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("COPY missing.py /app/", '"missing.py" does not exist in the build context "."'),
        ("COPY App.py /app/", '(did you mean "app.py"?)'),
        ("COPY requirement.txt /app/", '(did you mean "requirements.txt"?)'),
        ("COPY ../outside.py /app/", '"../outside.py" is outside the build context "."'),
        ("COPY src/../../x /app/", "is outside the build context"),
        ("COPY lib/*.py /app/", 'the folder "lib" does not exist'),
        ("COPY *.whl /wheels/", '"*.whl" matches no file in the build context'),
        ("COPY https://example.com/x /x", "COPY cannot fetch"),
        ("ADD missing.tar.gz /x/", '"missing.tar.gz" does not exist'),
    ],
)
def test_cl502_missing(line: str, problem: str) -> None:
    source_column = line.index(" ") + 2
    at = f"Dockerfile:2:{source_column}"
    [message] = catches("CL502", **cl502(f"FROM python:3.12\n{line}\n"), at=at)
    assert problem in message


def test_cl502_column_of_the_source() -> None:
    dockerfile = (
        "FROM python:3.12\n"
        "COPY --chown=app app.py nope.py /app/\n"
        'COPY ["app.py", "gone.py", "/app/"]\n'
        "COPY app.py \\\n     later.py \\\n     /app/\n"
    )
    at = ["Dockerfile:2:25", "Dockerfile:3:18", "Dockerfile:5:6"]
    catches("CL502", **cl502(dockerfile), at=at)


def test_cl502_variables() -> None:
    dockerfile = "FROM python:3.12\nARG SRC=src\nCOPY ${SRC}/main.py ${SRC}/other.py /app/\n"
    [message] = catches("CL502", **cl502(dockerfile))
    assert '"${SRC}/other.py" (= "src/other.py")' in message
    compose = "services:\n  web:\n    build:\n      context: .\n      args:\n        SRC: lib\n"
    found = catches("CL502", **cl502(dockerfile, compose))
    assert len(found) == 2 and "lib/main.py" in found[0]


def test_cl502_dockerignore() -> None:
    project = cl502("FROM python:3.12\nCOPY requirements.txt app.py src /app/\n")
    found = catches("CL502", **project, dockerignore="*.txt\nsrc\n")
    assert len(found) == 2
    assert 'excluded from the build context "." by .dockerignore line 1 ("*.txt")' in found[0]
    assert 'add an exception line "!requirements.txt"' in found[0]
    assert 'by .dockerignore line 2 ("src")' in found[1]


def test_cl502_dockerignore_exceptions() -> None:
    ignore = "*\n!app.py\n!src/main.py\n"
    dockerfile = "FROM python:3.12\nCOPY app.py /app/\nCOPY src /app/src\n"
    catches_not("CL502", **cl502(dockerfile), dockerignore=ignore)
    project = cl502("FROM python:3.12\nCOPY requirements.txt /app/\n")
    catches("CL502", **project, dockerignore=ignore, at="Dockerfile:2:6")
    # A wildcard whose every match is ignored matches nothing that is sent.
    project = cl502("FROM python:3.12\nCOPY *.txt /app/\n")
    catches("CL502", **project, dockerignore=ignore, at="Dockerfile:2:6")


def test_cl502_dockerfile_specific_ignore_file() -> None:
    compose = "services:\n  web:\n    build:\n      context: .\n      dockerfile: web.Dockerfile\n"
    files = {
        **FILES,
        "web.Dockerfile.dockerignore": "app.py\n",
        ".dockerignore": "",
        "web.Dockerfile": "FROM python:3.12\nCOPY app.py .\n",
    }
    [message] = catches("CL502", compose=compose, files=files)
    assert "web.Dockerfile.dockerignore line 1" in message


def test_cl502_only_stages_the_build_needs() -> None:
    dockerfile = (
        "FROM python:3.12 AS deps\nCOPY deps-missing.txt .\n"
        "FROM python:3.12 AS unused\nCOPY unused-missing.txt .\n"
        "FROM python:3.12 AS app\nCOPY --from=deps /x /x\nCOPY app.py .\n"
        "FROM app AS debug\nCOPY debug-missing.sh .\n"
    )
    compose = "services:\n  web:\n    build:\n      context: .\n      target: app\n"
    catches("CL502", **cl502(dockerfile, compose), at="Dockerfile:2:6")
    # Without a target the last stage is built: its chain and what it copies from.
    catches("CL502", **cl502(dockerfile), at=["Dockerfile:2:6", "Dockerfile:9:6"])


def test_cl502_each_context_of_a_shared_dockerfile() -> None:
    compose = (
        "services:\n"
        "  a:\n    build:\n      context: a\n      dockerfile: ../Dockerfile\n"
        "  b:\n    build:\n      context: b\n      dockerfile: ../Dockerfile\n"
        "  c:\n    build:\n      context: b\n      dockerfile: ../Dockerfile\n"
    )
    project = {
        "compose": compose,
        "dockerfile": "FROM python:3.12\nCOPY app.py /app/\n",
        "files": {"a/app.py": "1\n", "b/other.py": "1\n"},
    }
    [message] = catches("CL502", **project)
    assert 'the build context "b"' in message


@pytest.mark.parametrize(
    "compose",
    [
        "services:\n  web:\n    build: https://github.com/acme/app.git\n",
        "services:\n  web:\n    build: ./nowhere\n",
    ],
)
def test_cl502_silent_without_a_local_context(compose: str) -> None:
    catches_not("CL502", compose=compose, dockerfile="FROM python:3.12\nCOPY missing .\n")


def test_cl502_globs_like_docker() -> None:
    # In Go's filepath.Match `[!a]` is the class of "!" and "a", not a negation (the old
    # globber read it as one: a false finding on the first line, none on the second).
    catches_not("CL502", **cl502("FROM python:3.12\nCOPY [!a]pp.py /app/\n"))
    catches("CL502", **cl502("FROM python:3.12\nCOPY [!x]pp.py /app/\n"), at="Dockerfile:2:6")
    catches_not("CL502", **cl502("FROM python:3.12\nCOPY [^x]pp.py /app/\n"))


def test_cl502_a_git_ignored_build_output_is_a_setup_step() -> None:
    # A jar that `mvn package` writes into the git-ignored target/ before
    # `docker compose build`: missing on a fresh clone, but the repository's flow.
    dockerfile = "FROM eclipse-temurin:21-jre\nCOPY target/app.jar /app/\nCOPY build/*.jar /x/\n"
    project = cl502(dockerfile, **{".gitignore": "target/\nbuild/\n"})
    catches_not("CL502", **project)
    found = rule_findings("CL502", **project, options={"setup-steps": True})
    assert [str(f.severity) for f in found] == ["info", "info"]  # type: ignore[attr-defined]
    assert "git-ignored" in found[0].message  # type: ignore[attr-defined]
    assert "a local build or setup step makes it" in found[0].message  # type: ignore[attr-defined]
    # the near miss: nothing ignores the folder, so the missing jar is a mistake
    catches("CL502", **cl502(dockerfile), at=["Dockerfile:2:6", "Dockerfile:3:6"])


def test_cl502_a_file_made_from_a_template_is_a_setup_step() -> None:
    dockerfile = "FROM node:22-alpine\nCOPY .env .\n"
    catches_not("CL502", **cl502(dockerfile, **{".env.example": "PORT=3000\n"}))
    catches_not("CL502", **cl502(dockerfile, **{".gitignore": "*.env\n"}))
    found = rule_findings(
        "CL502", **cl502(dockerfile, **{".env.example": "A=1\n"}), options={"setup-steps": True}
    )
    assert len(found) == 1 and "from .env.example" in found[0].message  # type: ignore[attr-defined]
    catches("CL502", **cl502(dockerfile), at="Dockerfile:2:6")
    # excluded by .dockerignore is not a setup step: no local step sends it
    ignored = cl502("FROM python:3.12\nCOPY app.py .\n", **{".gitignore": "app.py\n"})
    catches("CL502", **ignored, dockerignore="app.py\n", at="Dockerfile:2:6")


def test_cl502_a_dockerfile_written_for_a_wider_context_is_one_mistake() -> None:
    # A monorepo Dockerfile copies paths from the repository root; one compose file
    # builds it from there, a second from the service's own folder, where none of them
    # is. That is one wrong context, reported once where the context is written, with
    # the folder the Dockerfile is written for, not once per COPY source.
    dockerfile = (
        "FROM node:24\n"
        "COPY package.json yarn.lock /app/\n"
        "COPY libs/util/package.json /app/libs/util/\n"
        "COPY services/api/ /app/services/api/\n"
    )
    files = {
        "package.json": "{}\n",
        "yarn.lock": "\n",
        "libs/util/package.json": "{}\n",
        "services/api/Dockerfile": dockerfile,
        "services/api/index.js": "1\n",
        "services/api/compose.yaml": (
            "services:\n  api:\n    build:\n      context: ../..\n"
            "      dockerfile: services/api/Dockerfile\n"
        ),
        "services/api/docker-compose.ci.yml": (
            "services:\n  tar:\n    build: .\n    image: ci/api:1\n"
        ),
    }
    found = rule_findings("CL502", files=files, target="services/api")
    assert [(f.path, f.line, f.column) for f in found] == [
        ("services/api/docker-compose.ci.yml", 3, 12)
    ], [f.message for f in found]
    message = found[0].message
    assert "4 of the sources" in message and '"package.json"' in message
    assert 'all of them are in "../.."' in message
    # the service names the image it runs: the build is a fallback, so a warning
    assert found[0].severity == Severity.WARNING and 'runs the image "ci/api:1"' in message
    # an image named by variables the project leaves to its caller (a Makefile that
    # builds ci/$PROJECT_NAME:$BUILD_NUMBER first): whether Compose ever builds is unknown
    ci = "services:\n  tar:\n    build: .\n    image: ci/$PROJECT_NAME:$BUILD_NUMBER\n"
    files["services/api/docker-compose.ci.yml"] = ci
    assert rule_findings("CL502", files=files, target="services/api") == []
    files["services/api/.env"] = "PROJECT_NAME=api\nBUILD_NUMBER=1\n"
    [known] = rule_findings("CL502", files=files, target="services/api")
    assert known.severity == Severity.WARNING and 'runs the image "ci/api:1"' in known.message
    del files["services/api/.env"]
    files["services/api/docker-compose.ci.yml"] = "services:\n  tar:\n    build: .\n"
    [alone] = rule_findings("CL502", files=files, target="services/api")
    assert alone.severity == Severity.ERROR and "drop build:" not in alone.message
    # A typo among sources that are otherwise there stays a finding of its own.
    files["services/api/Dockerfile"] = dockerfile + "COPY services/api/idex.js /app/\n"
    found = rule_findings("CL502", files=files, target="services/api")
    assert ("services/api/Dockerfile", 5, 6) in [(f.path, f.line, f.column) for f in found]


# -- CL503 dependencies-not-installed -------------------------------------------------


PY = {"requirements.txt": "flask\n", "app.py": "import flask\n"}
NODE = {"package.json": '{"name": "x"}\n', "package-lock.json": "{}\n", "server.js": "1\n"}


def cl503(dockerfile: str, compose: str = APP, **files: str) -> dict[str, object]:
    """A CL503 case: compose.yaml, its Dockerfile and the files of the context."""
    return {"compose": compose, "dockerfile": dockerfile, "files": files}


@pytest.mark.parametrize(
    "dockerfile",
    [
        "FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD python app.py\n",
        "FROM python:3.12\nCOPY . /app\nCMD python /app/app.py\n",
        "FROM python:3.12\nCOPY requirements.txt /app/\nCOPY . /app\n",
        "FROM python:3.12\nCOPY requirements.txt .\nRUN pip install --upgrade pip\nCOPY . .\n",
        "FROM ubuntu:24.04\nCOPY . /srv\nCMD python3 /srv/app.py\n",
        'FROM python:3.12\nCOPY ./ /app/\nCMD ["gunicorn", "app:app"]\n',
    ],
)
def test_cl503_python_never_installed(dockerfile: str) -> None:
    [message] = catches("CL503", **cl503(dockerfile, **PY))
    assert "requirements.txt is copied into the image" in message
    assert '"RUN pip install --no-cache-dir -r ' in message


@pytest.mark.parametrize(
    "dockerfile",
    [
        "FROM node:22\nWORKDIR /app\nCOPY package.json package-lock.json ./\nCOPY . .\n",
        "FROM node:22\nWORKDIR /app\nRUN npm install -g pm2\nCOPY . .\nCMD pm2 start server.js\n",
        "FROM node:22\nWORKDIR /app\nRUN yarn global add serve\nCOPY . .\n",
        'FROM alpine:3.20\nRUN apk add nodejs\nCOPY . /app\nCMD ["node", "/app/server.js"]\n',
    ],
)
def test_cl503_node_never_installed(dockerfile: str) -> None:
    [message] = catches("CL503", **cl503(dockerfile, **NODE))
    assert 'npm ci"' in message


@pytest.mark.parametrize(
    "dockerfile",
    [
        "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\n"
        "RUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n",
        "FROM python:3.12\nCOPY . /app\nRUN pip3 install -r /app/requirements.txt\n",
        "FROM python:3.12\nCOPY . /app\n"
        "RUN python -m pip install --requirement=/app/requirements.txt\n",
        "FROM python:3.12\nWORKDIR /app\nCOPY . .\n"
        "RUN uv pip install --system -r requirements.txt\n",
        "FROM python:3.12\nCOPY . /app\nRUN cd /app && pip install -r requirements.txt\n",
        "FROM python:3.12\nCOPY . /app\nRUN <<EOF\ncd /app\npip install -r requirements.txt\nEOF\n",
        'FROM python:3.12\nCOPY . /app\nRUN ["pip", "install", "-r", "/app/requirements.txt"]\n',
        "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install flask\n",  # deps named inline
        "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN xargs -a requirements.txt pip install\n",
        "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN conda env create -f environment.yml\n",
        "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN python setup.py install\n",
        "FROM python:3.12\nWORKDIR /app\nCOPY . .\n"
        "CMD pip install -r requirements.txt && python app.py\n",
        "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN make install\n",  # a script may install
        "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN sh ./install.sh\n",
        "FROM python:3.12-onbuild\n",
        "FROM nginx:1.27\nCOPY . /usr/share/nginx/html\n",  # nothing runs Python
        "FROM python:3.12 AS build\nWORKDIR /app\nCOPY requirements.txt .\n"
        "RUN pip wheel -r requirements.txt -w /wheels\n"
        "FROM python:3.12-slim\nCOPY --from=build /wheels /wheels\nCOPY . /app\n",
        "FROM python:3.12 AS build\nRUN --mount=type=bind,source=requirements.txt,target=/r.txt "
        "pip install --prefix=/install -r /r.txt\n"
        "FROM python:3.12-slim\nCOPY --from=build /install /usr/local\nCOPY . /app\n",
    ],
)
def test_cl503_python_installed(dockerfile: str) -> None:
    catches_not("CL503", **cl503(dockerfile, **PY))


def test_cl503_uv_told_where_the_project_is() -> None:
    # tasking-manager: the lock files copied to /_lock, "uv sync --project /_lock"
    files = {"pyproject.toml": "[project]\nname = 'x'\n", "uv.lock": "\n", "app.py": "1\n"}
    for option in ("--project /_lock", "--directory=/_lock"):
        dockerfile = (
            "FROM python:3.12\nWORKDIR /app\nCOPY pyproject.toml uv.lock /_lock/\n"
            f"RUN uv sync {option} --locked --no-install-project\nCOPY . .\n"
        )
        catches_not("CL503", **cl503(dockerfile, **files))
    # the manifest is not where the option points
    dockerfile = (
        "FROM python:3.12\nWORKDIR /app\nCOPY pyproject.toml uv.lock /_lock/\n"
        "RUN uv sync --project /srv --locked\nCOPY . .\n"
    )
    catches("CL503", **cl503(dockerfile, **files))


@pytest.mark.parametrize(
    "run",
    [
        "RUN chmod 0755 bin/* && bin/uv-install",  # a script of the project, by its path
        "RUN scripts/install-deps",
        "RUN ./install.sh",
        "RUN sh setup.sh",
    ],
)
def test_cl503_a_script_of_the_project_may_install(run: str) -> None:
    # bin/uv-install runs "uv sync --frozen" in a builder stage; the final stage copies the
    # environment it made: what a script does is not read, so nothing is claimed
    dockerfile = (
        "FROM python:3.13-slim AS build\nWORKDIR /app\nCOPY pyproject.toml ./\n"
        f"COPY bin/ ./bin\n{run}\n"
        "FROM python:3.13-slim\nWORKDIR /app\n"
        "COPY --from=build /home/python/.local /home/python/.local\n"
        'COPY . .\nCMD ["python", "app.py"]\n'
    )
    files = {
        "pyproject.toml": "[project]\nname = 'x'\ndependencies = ['flask']\n",
        "bin/uv-install": "#!/bin/sh\nuv sync --frozen\n",
        "app.py": "import flask\n",
    }
    catches_not(
        "CL503", compose="services:\n  web:\n    build: .\n", dockerfile=dockerfile, files=files
    )


@pytest.mark.parametrize(
    "dockerfile",
    [
        "FROM node:22\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\n",
        "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm install --omit=dev\n",
        "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN yarn --frozen-lockfile\n",
        "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN corepack enable && pnpm install\n",
        "FROM node:22\nCOPY . /app\nRUN npm --prefix /app ci\n",
        # npm's documented aliases of ci and install
        "FROM node:22\nWORKDIR /app\nCOPY package*.json ./\nRUN npm clean-install\nCOPY . .\n",
        "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm install-clean --omit=dev\n",
        "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm i\n",
        "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN pnpm i --frozen-lockfile\n",
        "FROM node:22 AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n"
        "FROM nginx:1.27\nCOPY --from=build /app/dist /usr/share/nginx/html\n",
        "FROM nginx:1.27\nCOPY . /usr/share/nginx/html\n",
    ],
)
def test_cl503_node_installed(dockerfile: str) -> None:
    catches_not("CL503", **cl503(dockerfile, **NODE))


def test_cl503_compose_command_installs() -> None:
    compose = APP + '    command: sh -c "npm install && npm start"\n'
    catches_not("CL503", **cl503("FROM node:22\nWORKDIR /app\nCOPY . .\n", compose, **NODE))


def test_cl503_ignored_manifest_is_not_copied() -> None:
    files = {**PY, ".dockerignore": "requirements.txt\n"}
    catches_not(
        "CL503", **cl503("FROM python:3.12\nCOPY . /app\nCMD python /app/app.py\n", **files)
    )


def test_cl503_other_manifests() -> None:
    files = {"pyproject.toml": "[project]\nname='x'\n", "app.py": "1\n"}
    dockerfile = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD python app.py\n"
    [message] = catches("CL503", **cl503(dockerfile, **files))
    assert '"RUN pip install --no-cache-dir ."' in message
    [message] = catches(
        "CL503", **cl503("FROM python:3.12\nCOPY Pipfile /app/\n", Pipfile="[packages]\n")
    )
    assert "pipenv install --system --deploy" in message
    dockerfile = (
        "FROM python:3.12\nWORKDIR /app\nCOPY pyproject.toml poetry.lock ./\nRUN poetry install\n"
    )
    files = {**files, "poetry.lock": "\n"}
    catches_not("CL503", **cl503(dockerfile, **files))


@pytest.mark.parametrize(
    ("dockerfile", "line"),
    [
        ("FROM python:3.12\nWORKDIR /app\nRUN pip install -r requirements.txt\nCOPY . .\n", 3),
        (
            "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt /tmp/\n"
            "RUN pip install -r requirements.txt\n",
            4,
        ),
        (
            "FROM python:3.12\nCOPY requirements.txt /app/\nWORKDIR /srv\n"
            "RUN pip install -r requirements.txt\n",
            4,
        ),
        (
            "FROM python:3.12\nCOPY requirements.txt /app/\n"
            "RUN cd /srv && pip install -r requirements.txt\n",
            3,
        ),
    ],
)
def test_cl503_installed_before_copied(dockerfile: str, line: int) -> None:
    [message] = catches("CL503", **cl503(dockerfile, **PY), at=f"Dockerfile:{line}:1")
    assert "needs requirements.txt in /" in message


@pytest.mark.parametrize(
    "dockerfile",
    [
        "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt /app\n"
        "RUN pip install -r requirements.txt\n",
        "FROM python:3.12\nCOPY requirements.txt /app\nWORKDIR /app\n"
        "RUN pip install -r requirements.txt\n",
        "FROM python:3.12\nCOPY requirements.txt /app/\nWORKDIR /app/sub\n"
        "RUN pip install -r ../requirements.txt\n",
        "FROM python:3.12\nWORKDIR /app\nRUN --mount=type=bind,source=requirements.txt,"
        "target=requirements.txt pip install -r requirements.txt\n",
        "FROM python:3.12\nWORKDIR /app\n"
        "RUN --mount=type=bind,target=. pip install -r requirements.txt\n",
        "FROM acme/base:1\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n",
        "FROM python:3.12\nWORKDIR /app\n"
        "RUN git clone https://x/y.git . && pip install -r requirements.txt\n",
        "FROM python:3.12\nWORKDIR /app\n"
        "RUN pip install -r /opt/base/requirements-base.txt\nCOPY . .\n",
        "FROM python:3.12\nARG REQS\nRUN pip install -r $REQS\nCOPY . .\n",
    ],
)
def test_cl503_install_order_fine(dockerfile: str) -> None:
    catches_not("CL503", **cl503(dockerfile, **PY))


def test_cl503_an_earlier_build_step_may_write_the_manifest() -> None:
    # the build writes /out/api/package.json; the install in that folder has it
    built = (
        "FROM node:22\nWORKDIR /src\nCOPY package*.json server.js ./\nRUN npm run build\n"
        "WORKDIR /out/api\nCOPY package-lock.json ./\nRUN npm install\nCOPY package.json ./\n"
    )
    catches_not("CL503", **cl503(built, **NODE))
    catches_not("CL503", **cl503(built.replace("npm run build", "make dist"), **NODE))
    # an earlier RUN that only installs system packages writes no manifest
    apt = built.replace("npm run build", "apt-get update && apt-get install -y git")
    catches("CL503", **cl503(apt, **NODE), at="Dockerfile:7:1")


def test_cl503_npm_ci_before_package_json() -> None:
    dockerfile = "FROM node:22\nWORKDIR /app\nRUN npm ci\nCOPY package*.json ./\n"
    [message] = catches("CL503", **cl503(dockerfile, **NODE), at="Dockerfile:3:1")
    assert "move this RUN below the COPY on line 4" in message


@pytest.mark.parametrize(
    "run",
    [
        # once CL503's own list of wrappers missed stdbuf and read "app" as gosu's program
        "stdbuf -o0 pip install -r requirements.txt",
        "gosu app pip install -r requirements.txt",
        "su-exec app:app pip install --no-cache-dir -r requirements.txt",
        "timeout 300 pip install -r requirements.txt",
        "gosu app sh -ec 'pip install -r requirements.txt'",
        # --no-cache is pip's unambiguous prefix of --no-cache-dir
        "pip install --no-cache -r requirements.txt",
    ],
)
def test_cl503_installs_behind_wrappers(run: str) -> None:
    dockerfile = f"FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN {run}\nCOPY . .\n"
    catches_not("CL503", **cl503(dockerfile, **PY))


def test_cl503_reads_option_values() -> None:
    # --network-timeout takes a value: "600000" is not yarn's subcommand
    dockerfile = (
        "FROM node:22\nWORKDIR /app\nCOPY . .\n"
        "RUN yarn --frozen-lockfile --network-timeout 600000\n"
    )
    catches_not("CL503", **cl503(dockerfile, **NODE))
    # so does --loglevel: "warn" is not npm's subcommand
    dockerfile = "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm --loglevel warn ci\n"
    catches_not("CL503", **cl503(dockerfile, **NODE))


def test_cl503_pnpm_fetch_reads_the_lock_file_alone() -> None:
    files = {**NODE, "pnpm-lock.yaml": "lockfileVersion: 9\n"}
    dockerfile = (
        "FROM node:22\nWORKDIR /app\nCOPY pnpm-lock.yaml ./\nRUN pnpm fetch --prod\n"
        "COPY . .\nRUN pnpm install --offline --prod\nCMD node server.js\n"
    )
    catches_not("CL503", **cl503(dockerfile, **files))
    before = "FROM node:22\nWORKDIR /app\nRUN pnpm fetch\nCOPY . .\nRUN pnpm install --offline\n"
    [message] = catches("CL503", **cl503(before, **files), at="Dockerfile:3:1")
    assert '"pnpm fetch" needs pnpm-lock.yaml in /app' in message


def test_cl503_yarn_workspaces_focus_installs() -> None:
    # Yarn 2+ installs the named workspaces' dependencies with `workspaces focus`.
    files = {**NODE, "yarn.lock": "\n", ".yarnrc.yml": "\n"}
    dockerfile = (
        "FROM node:24\nCOPY package.json yarn.lock .yarnrc.yml /app/\n"
        "RUN cd /app && yarn workspaces focus --production app\nCOPY . /app\n"
        'CMD ["node", "/app/server.js"]\n'
    )
    catches_not("CL503", **cl503(dockerfile, **files))
    # Other workspaces subcommands install nothing.
    listed = dockerfile.replace("workspaces focus --production app", "workspaces list")
    [message] = catches("CL503", **cl503(listed, **files), at="Dockerfile:2:6")
    # and the advice is Yarn 2+'s spelling, which .yarnrc.yml shows is in use
    assert "yarn install --immutable" in message


def test_cl503_reads_if_then_bodies() -> None:
    # the old word splitter read "then pip install ..." as a program named "then"
    run = "if [ -f requirements.txt ]; then pip install -r requirements.txt; fi"
    dockerfile = f"FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN {run}\n"
    catches_not("CL503", **cl503(dockerfile, **PY))


def test_cl503_is_linear_in_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    """4,000 RUN lines (12,000 commands): each command is read once, not once per
    earlier command (it was quadratic: 13 s)."""
    from compose_lint.checks.consistency import CL503_dependencies_not_installed as cl503_rule

    calls = 0
    real = cl503_rule._manifest_ecosystem

    def counted(name: str) -> str | None:
        nonlocal calls
        calls += 1
        return real(name)

    monkeypatch.setattr(cl503_rule, "_manifest_ecosystem", counted)
    runs = "".join(f"RUN echo step{i} file{i}.txt && ls /tmp | grep x\n" for i in range(4000))
    dockerfile = f"FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\n{runs}"
    catches("CL503", **cl503(dockerfile, **PY), at="Dockerfile:3:6")
    assert calls < 60_000  # about one per distinct word of each command (quadratic: 10**8)


# -- CL504 build-path-missing ---------------------------------------------------------


def test_cl504_context_missing() -> None:
    compose = "services:\n  web:\n    build: ./web\n"
    [message] = catches("CL504", compose=compose, files={"webapp/Dockerfile": "FROM x\n"})
    assert message == (
        'build context "./web" of service "web" does not exist; create the '
        "folder or fix the path (it is relative to the folder of compose.yaml)"
    )
    catches("CL504", compose=compose, at="compose.yaml:3:12")
    long = "services:\n  web:\n    build:\n      context: api\n      target: x\n"
    catches("CL504", compose=long, at="compose.yaml:4:16")


def test_cl504_context_is_a_file() -> None:
    compose = "services:\n  web:\n    build: app\n"
    [message] = catches("CL504", compose=compose, files={"app": "not a folder\n"})
    assert "is a file, not a folder" in message


def test_cl504_dockerfile_missing() -> None:
    compose = (
        "services:\n  web:\n    build:\n      context: app\n      dockerfile: prod.Dockerfile\n"
    )
    files = {"app/dev.Dockerfile": "FROM x\n"}
    [message] = catches("CL504", compose=compose, files=files, at="compose.yaml:5:19")
    assert '(that folder has "dev.Dockerfile")' in message
    # The default name, short syntax: reported at the build value. (A lowercase
    # "dockerfile" is no mistake: BuildKit reads it where "Dockerfile" is absent.)
    compose = "services:\n  web:\n    build: lib\n"
    files = {"lib/Dockerfle": "FROM x\n"}
    [message] = catches("CL504", compose=compose, files=files, at="compose.yaml:3:12")
    assert '(did you mean "Dockerfle"?)' in message
    catches_not("CL504", compose=compose, files={"lib/dockerfile": "FROM x\n"})
    # The default name, long syntax: reported at the context value.
    compose = "services:\n  web:\n    build:\n      context: lib\n"
    catches("CL504", compose=compose, files={"lib/x": ""}, at="compose.yaml:4:16")


def test_cl504_an_ignore_file_is_not_a_dockerfile() -> None:
    # CL504 once had its own reading of which names are Dockerfiles, and offered
    # "Dockerfile.dockerignore" as one; discovery's reading is the one now.
    compose = (
        "services:\n  web:\n    build:\n      context: app\n      dockerfile: prod.Dockerfile\n"
    )
    ignore = {"app/Dockerfile.dockerignore": ".git\n"}
    files = {**ignore, "app/dev.Dockerfile": "FROM x\n"}
    [message] = catches("CL504", compose=compose, files=files, at="compose.yaml:5:19")
    assert '(that folder has "dev.Dockerfile")' in message
    [message] = catches("CL504", compose=compose, files=ignore, at="compose.yaml:5:19")
    assert "that folder has" not in message


@pytest.mark.parametrize(
    "build",
    [
        "build: https://github.com/docker/welcome-to-docker.git",
        "build: git@github.com:acme/app.git#main",
        "build:\n      context: .\n      dockerfile_inline: |\n        FROM alpine\n",
        "build:\n      context: ${UNSET_DIR}\n",
        "build:\n      context: ${APP:-app}\n",
        "build:\n      context: app\n      dockerfile: ${DOCKERFILE}\n",
        "build:\n      context: app\n      dockerfile: ../root.Dockerfile\n",
        "build: app",
        "build: .\n    image: x",
    ],
)
def test_cl504_fine(build: str) -> None:
    files = {"app/Dockerfile": "FROM x\n", "root.Dockerfile": "FROM x\n", "Dockerfile": "FROM x\n"}
    catches_not("CL504", compose=f"services:\n  web:\n    {build}\n", files=files)


def test_cl504_env_file_resolves_the_context() -> None:
    compose = "services:\n  web:\n    build:\n      context: ${APP_DIR}\n"
    files = {".env": "APP_DIR=app\n", "app/Dockerfile": "FROM x\n"}
    catches_not("CL504", compose=compose, files=files)
    catches("CL504", compose=compose, files={".env": "APP_DIR=gone\n"}, at="compose.yaml:4:16")


# -- the real-world corpus -----------------------------------------------------------


def test_corpus_findings() -> None:
    """awesome-compose builds work: no CL502-CL504 finding. The CL501 findings are ports
    published from images whose Dockerfile has no EXPOSE for them (checked one by one);
    nginx-nodejs-redis's web1 and web2 publish port 5000 of one image: one EXPOSE, one
    finding."""
    corpus = shared_path("corpus")
    options = Options(select=("CL501", "CL502", "CL503", "CL504"), isolated=True)
    result = run([str(corpus)], options, corpus)
    assert not result.crashes, result.crashes
    assert {f.code for f in result.findings} <= {"CL501"}
    assert sorted(f"{f.path}:{f.line}" for f in result.findings) == [
        "awesome-compose/angular/compose.yaml:7",
        "awesome-compose/flask-redis/compose.yaml:14",
        "awesome-compose/flask/compose.yaml:10",
        "awesome-compose/nginx-nodejs-redis/compose.yaml:12",
        "awesome-compose/nginx-wsgi-flask/compose.yaml:23",
        "awesome-compose/react-express-mysql/compose.yaml:52",
        "awesome-compose/react-java-mysql/compose.yaml:40",
        "awesome-compose/react-rust-postgres/compose.yaml:10",
        "awesome-compose/vuejs/compose.yaml:7",
        "awesome-compose/wasmedge-mysql-nginx/compose.yml:15",
    ]
