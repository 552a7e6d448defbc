"""Security rules on what reaches a built image and what a container exposes:
CL210 secrets in env files, CL211 secret files copied into the image, CL212 secret
build arguments kept in the image, CL213 a remote debugger on a published port."""

from __future__ import annotations

from conftest import catches, catches_not

KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\ntest-frame-only\n-----END OPENSSH PRIVATE KEY-----\n"
CERT = "-----BEGIN CERTIFICATE-----\nMIIB-test-frame-only\n-----END CERTIFICATE-----\n"
ENV_WITH_SECRET = "STRIPE_SECRET_KEY=Qm9x7TzL2vR8kW4pN6cY1hJ3\n"
NPM_TOKEN = "//registry.npmjs.org/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789\n"
BUILD = "services:\n  app:\n    build: .\n"

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
