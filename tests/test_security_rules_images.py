"""Security rules on what reaches a built image and what a container exposes:
CL210 secrets in env files, CL211 secret files copied into the image, CL212 secret
build arguments kept in the image, CL213 a remote debugger on a published port."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import catches, catches_not

KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\ntest-frame-only\n-----END OPENSSH PRIVATE KEY-----\n"
CERT = "-----BEGIN CERTIFICATE-----\nMIIB-test-frame-only\n-----END CERTIFICATE-----\n"
ENV_WITH_SECRET = "STRIPE_SECRET_KEY=Qm9x7TzL2vR8kW4pN6cY1hJ3\n"
NPM_TOKEN = "//registry.npmjs.org/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789\n"
BUILD = "services:\n  app:\n    build: .\n"

# -- CL210 env-file-secret -------------------------------------------------------------

GH = "ghp_Hw3kP8sV1nC6xQ9rL2mT5yB7dF4gJ0zA3eN6"
RANDOM = "Rk7vQ2xM9pL4wT8nB3cZ6yH1"
READS = "services:\n  app:\n    image: nginx:1.27\n    env_file: app.env\n"
READS_DEV = "services:\n  app:\n    image: nginx:1.27\n    env_file: .env.dev\n"
USES_DOTENV = "services:\n  app:\n    image: nginx:1.27\n"


def test_cl210_credentials_in_env_files() -> None:
    catches(
        "CL210", compose=READS, files={"app.env": f"# app\nGITHUB_TOKEN={GH}\n"}, at="app.env:2:1"
    )
    catches(
        "CL210", compose=READS, files={"app.env": f"export  API_KEY='{RANDOM}'\n"}, at="app.env:1:9"
    )
    catches(
        "CL210", compose=USES_DOTENV, files={".env": f"SESSION_SECRET={RANDOM}\n"}, at=".env:1:1"
    )
    long_form = "services:\n  app:\n    image: x\n    env_file:\n      - path: ./conf/app.env\n"
    catches("CL210", compose=long_form, files={"conf/app.env": f"GITHUB_TOKEN={GH}\n"})
    # an issued token counts in a local file too; a random value there does not
    catches("CL210", compose=READS_DEV, files={".env.dev": f"GITHUB_TOKEN={GH}\n"})
    catches_not("CL210", compose=READS_DEV, files={".env.dev": f"SESSION_SECRET={RANDOM}\n"})


def test_cl210_generated_framework_key() -> None:
    key = "base64:Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2FsZG8="  # lower-case runs
    catches("CL210", compose=READS, files={"app.env": f"APP_KEY={key}\n"}, at="app.env:1:1")


def test_cl210_never_prints_the_secret() -> None:
    [message] = catches("CL210", compose=READS, files={"app.env": f"GITHUB_TOKEN={GH}\n"})
    assert GH not in message and "revoke" in message


def test_cl210_quiet() -> None:
    ignored = {".env": f"GITHUB_TOKEN={GH}\n", ".gitignore": ".env\n"}
    catches_not("CL210", compose=USES_DOTENV, files=ignored)
    catches_not(
        "CL210",
        compose=READS.replace("app.env", ".env.example"),
        files={".env.example": f"GITHUB_TOKEN={GH}\n"},
    )
    catches_not(
        "CL210", compose=READS, files={"app.env": "SESSION_SECRET=change-me\nDB_PASSWORD=\n"}
    )
    catches_not("CL210", compose=READS, files={"app.env": "SMTP_PASSWORD=${SMTP_PASSWORD}\n"})
    catches_not("CL210", compose=READS, files={"app.env": "DB_PASSWORD=hunter22\n"})  # CL215's
    catches("CL215", compose=READS, files={"app.env": "DB_PASSWORD=hunter22\n"}, at="app.env:1:1")
    catches_not("CL201", compose=READS, files={"app.env": f"GITHUB_TOKEN={GH}\n"})
    outside = READS.replace("app.env", "../../outside.env")  # missing, and outside the tree
    catches_not("CL210", compose=outside, target=".")


# -- CL211 secret-file-in-image --------------------------------------------------------


def test_cl211_explicit_copies() -> None:
    catches(
        "CL211",
        compose=BUILD,
        dockerfile="COPY .env /app/\n",
        files={".env": ENV_WITH_SECRET},
        at="Dockerfile:2:6",
    )
    catches(
        "CL211",
        compose=BUILD,
        dockerfile="COPY id_ed25519 /root/.ssh/\n",
        files={"id_ed25519": KEY},
        at="Dockerfile:2:6",
    )
    catches(
        "CL211",
        compose=BUILD,
        dockerfile="COPY certs/*.key /etc/ssl/\n",
        files={"certs/site.key": KEY},
        at="Dockerfile:2:6",
    )
    catches(
        "CL211",
        compose=BUILD,
        dockerfile="COPY config/ /etc/app/\n",
        files={"config/store.p12": "x"},
        at="Dockerfile:2:6",
    )
    catches(
        "CL211",
        compose=BUILD,
        dockerfile="COPY .aws/credentials /root/.aws/\n",
        files={".aws/credentials": "[default]\n"},
    )
    catches("CL211", compose=BUILD, dockerfile="COPY .npmrc .\n", files={".npmrc": NPM_TOKEN})
    catches(
        "CL211",
        compose=BUILD,
        dockerfile="COPY .env.production .\n",
        files={".env.production": ENV_WITH_SECRET},
    )
    catches(
        "CL211",
        compose=BUILD,
        dockerfile="COPY credentials.json /app/\n",
        files={"credentials.json": "{}"},
    )


def test_cl211_whole_context() -> None:
    catches(
        "CL211",
        compose=BUILD,
        dockerfile="COPY . /app\n",
        files={".env": ENV_WITH_SECRET},
        at="Dockerfile:2:1",
    )
    catches(
        "CL211",
        compose=BUILD,
        dockerfile="COPY . /app\n",
        dockerignore=".git\n",
        files={"deploy/tls.key": KEY},
        at="Dockerfile:2:1",
    )
    many = {f"keys/k{i}.pem": KEY for i in range(9)}
    [message] = catches("CL211", compose=BUILD, dockerfile="COPY . /app\n", files=many)
    assert "and 3 more" in message


def test_cl211_build_stage_copied_on() -> None:
    dockerfile = (
        "FROM node:22 AS build\nWORKDIR /src\nCOPY . .\nFROM node:22\nCOPY --from=build /src /srv\n"
    )
    [message] = catches(
        "CL211",
        compose=BUILD,
        dockerfile=dockerfile,
        files={".npmrc": NPM_TOKEN},
        at="Dockerfile:3:1",
    )
    assert "line 5" in message and "_authToken" not in message


def test_cl211_never_prints_the_secret() -> None:
    [message] = catches(
        "CL211", compose=BUILD, dockerfile="COPY .env /app/\n", files={".env": ENV_WITH_SECRET}
    )
    assert "Qm9x7" not in message


def test_cl211_quiet() -> None:
    catches_not(
        "CL211",
        compose=BUILD,
        dockerfile="COPY . /app\n",
        dockerignore=".env\n",
        files={".env": ENV_WITH_SECRET},
    )
    catches_not(
        "CL211",
        compose=BUILD,
        dockerfile="COPY . /app\n",
        files={".env": "POSTGRES_PASSWORD=changeme\nDEBUG=1\n"},
    )
    catches_not(
        "CL211", compose=BUILD, dockerfile="COPY . /app\n", files={".env.example": ENV_WITH_SECRET}
    )
    catches_not(
        "CL211", compose=BUILD, dockerfile="COPY ca.pem /etc/ssl/\n", files={"ca.pem": CERT}
    )
    catches_not(
        "CL211",
        compose=BUILD,
        dockerfile="COPY .npmrc .\n",
        files={".npmrc": "engine-strict=true\n"},
    )
    catches_not(
        "CL211",
        compose=BUILD,
        dockerfile="COPY .npmrc .\n",
        files={".npmrc": "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n"},
    )
    catches_not(
        "CL211",
        compose=BUILD,
        dockerfile="COPY id_ed25519.pub /root/.ssh/\n",
        files={"id_ed25519.pub": "ssh-ed25519 AAAA"},
    )
    catches_not(
        "CL211",
        compose=BUILD,
        dockerfile="COPY --exclude=.env . /app\n",
        files={".env": ENV_WITH_SECRET},
    )
    # a build stage whose result is copied over by name only
    dockerfile = (
        "FROM node:22 AS build\nWORKDIR /src\nCOPY . .\n"
        "FROM nginx:1.27\nCOPY --from=build /src/dist /usr/share/nginx/html\n"
    )
    catches_not("CL211", compose=BUILD, dockerfile=dockerfile, files={".npmrc": NPM_TOKEN})


# -- CL212 secret-build-arg-in-image ---------------------------------------------------

BUILD_ARGS = "services:\n  app:\n    build:\n      context: .\n      args:\n"
PASSES = BUILD_ARGS + "        NPM_TOKEN: ${NPM_TOKEN}\n"
PASSES_LIST = BUILD_ARGS + "        - NPM_TOKEN\n"


def test_cl212_kept_in_the_image() -> None:
    catches(
        "CL212",
        compose=PASSES,
        dockerfile="ARG NPM_TOKEN\nENV NPM_TOKEN=$NPM_TOKEN\n",
        at="compose.yaml:6:9",
    )
    catches(
        "CL212",
        compose=PASSES_LIST,
        dockerfile="ARG NPM_TOKEN\nRUN npm config set //r/:_authToken ${NPM_TOKEN}\n",
        at="compose.yaml:6:11",
    )
    # kept by a stage the built one is FROM
    dockerfile = (
        'FROM node:22 AS base\nARG NPM_TOKEN\nENV TOKEN=$NPM_TOKEN\nFROM base\nCMD ["node"]\n'
    )
    catches("CL212", compose=PASSES, dockerfile=dockerfile)


def test_cl212_quiet() -> None:
    catches_not("CL212", compose=PASSES, dockerfile="ARG NPM_TOKEN\nRUN npm ci\n")
    catches_not("CL212", compose=PASSES, dockerfile="ARG NPM_TOKEN_FILE\nENV X=$NPM_TOKEN\n")
    dockerfile = (
        "FROM node:22 AS deps\nARG NPM_TOKEN\nRUN echo $NPM_TOKEN\n"
        "FROM node:22\nCOPY --from=deps /a /a\n"
    )
    catches_not("CL212", compose=PASSES, dockerfile=dockerfile)
    not_secret = PASSES.replace("NPM_TOKEN", "NODE_VERSION")
    catches_not("CL212", compose=not_secret, dockerfile="ARG NODE_VERSION\nENV V=$NODE_VERSION\n")
    hard_coded = PASSES.replace("${NPM_TOKEN}", "hunter22hunter")  # CL215's
    catches_not("CL212", compose=hard_coded, dockerfile="ARG NPM_TOKEN\nENV T=$NPM_TOKEN\n")


# -- CL213 debugger-published ----------------------------------------------------------


def svc(command: str, ports: str = '"5000:5000"', extra: str = "") -> str:
    return (
        f"services:\n  app:\n    image: python:3.13-slim\n    command: {command}\n"
        f"{extra}    ports:\n      - {ports}\n"
    )


def test_cl213_flask_debugger() -> None:
    catches("CL213", compose=svc("flask run --debug --host=0.0.0.0"), at="compose.yaml:6:9")
    catches("CL213", compose=svc("flask --debug run -h 0.0.0.0 -p 8000", '"80:8000"'))
    on = '    environment:\n      FLASK_DEBUG: "true"\n      FLASK_RUN_HOST: 0.0.0.0\n'
    catches("CL213", compose=svc("flask run", extra=on))
    catches(
        "CL213", compose=svc('sh -c "pip install -e . && exec flask run --debug --host 0.0.0.0"')
    )
    catches("CL213", compose=svc("flask run --debug --host 0.0.0.0", '"5000-5001:5000-5001"'))


def test_cl213_app_run_from_the_image() -> None:
    compose = "services:\n  app:\n    build: .\n    ports:\n      - 5000:5000\n"
    dockerfile = 'FROM python:3.13\nWORKDIR /app\nCOPY . .\nCMD ["python", "main.py"]\n'
    script = "from flask import Flask\napp = Flask(__name__)\napp.run('0.0.0.0', debug=True)\n"
    catches("CL213", compose=compose, dockerfile=dockerfile, files={"main.py": script})
    off = script.replace("debug=True", "debug=False")
    catches_not("CL213", compose=compose, dockerfile=dockerfile, files={"main.py": off})
    local = script.replace("'0.0.0.0', ", "")
    catches_not("CL213", compose=compose, dockerfile=dockerfile, files={"main.py": local})
    uvicorn = "import uvicorn\nuvicorn.run(app, host='0.0.0.0', debug=True)\n"
    catches_not("CL213", compose=compose, dockerfile=dockerfile, files={"main.py": uvicorn})


def test_cl213_other_debuggers() -> None:
    catches("CL213", compose=svc("node --inspect-brk=0.0.0.0:9229 app.js", '"9229:9229"'))
    catches("CL213", compose=svc("python -m debugpy --listen 0.0.0.0:5678 app.py", "5678:5678"))
    options = "    environment:\n      NODE_OPTIONS: --inspect=0.0.0.0:9229\n"
    catches("CL213", compose=svc("node app.js", '"9229:9229"', options))


def test_cl213_quiet() -> None:
    catches_not("CL213", compose=svc("flask run --debug"))  # 127.0.0.1 in the container
    catches_not("CL213", compose=svc("flask run --debug --host 0.0.0.0", '"127.0.0.1:5000:5000"'))
    catches_not("CL213", compose=svc("flask run --debug --no-debugger --host 0.0.0.0"))
    catches_not("CL213", compose=svc("flask run --host 0.0.0.0"))
    catches_not("CL213", compose=svc("python manage.py runserver 0.0.0.0:5000"))
    catches_not("CL213", compose=svc("node --inspect=9229 app.js", '"9229:9229"'))
    catches_not("CL213", compose=svc("python -m debugpy --listen 5678 app.py", "5678:5678"))
    catches_not("CL213", compose=svc("node --inspect=0.0.0.0:9229 app.js", '"3000:3000"'))
    catches_not("CL213", compose=svc("123"))  # a value Compose refuses
    catches_not("CL213", compose=svc("[1, [2]]"))


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit"])
def test_cl210_masked_in_every_format(fmt: str, tmp_path: Path, monkeypatch) -> None:
    from click.testing import CliRunner

    from compose_lint.cli import main

    (tmp_path / ".git").mkdir()
    (tmp_path / "compose.yaml").write_text(READS)
    (tmp_path / "app.env").write_text(f"GITHUB_TOKEN={GH}\nSESSION_SECRET={RANDOM}\n")
    monkeypatch.chdir(tmp_path)
    args = ["lint", "--isolated", "--select", "CL210", "--format", fmt, "--show-source", "."]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert "CL210" in result.output
    assert GH not in result.output and RANDOM not in result.output


def test_cl211_a_private_key_in_a_development_image_is_left_alone() -> None:
    # penpot's docker/devenv image carries the self-signed localhost certificate of its
    # development proxy: nobody trusts that certificate, so its key exposes nothing
    compose = "services:\n  devenv:\n    build: .\n"
    dockerfile = "FROM debian:bookworm\nCOPY files/selfsigned.key /home/\n"
    files = {"files/selfsigned.key": KEY}
    catches("CL211", compose=compose, dockerfile=dockerfile, files=files, at="Dockerfile:2:6")
    local = {
        "docker/devenv/compose.yaml": compose,
        "docker/devenv/Dockerfile": dockerfile,
        "docker/devenv/files/selfsigned.key": KEY,
    }
    catches_not("CL211", files=local)
    # a credential a provider issues still counts there: it works wherever it is
    local["docker/devenv/Dockerfile"] = "FROM debian:bookworm\nCOPY .aws/credentials /root/.aws/\n"
    local["docker/devenv/.aws/credentials"] = "[default]\n"
    catches("CL211", files=local)
