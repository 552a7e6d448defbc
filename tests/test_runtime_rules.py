"""Rules for mistakes that Compose accepts and that then misbehave at run time
(CL14x): each with the case that fires and the near miss that must stay silent."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import catches, catches_not, rule_findings

# --- CL140 dollar-cut-by-interpolation -----------------------------------------------------

APR1 = "$apr1$H6uskkkW$NNBs2U5LAblMB3OM9KekS/"
BCRYPT = "$2y$10$QpgEn936Uyk8bV1.3GBlMbab/Uz0bA29BQBA4JaZkvJnO0wKI9Wc7"


LABELS = "services:\n  app:\n    image: traefik:v3.2\n    labels:\n"
PASSWORD = "services:\n  db:\n    image: postgres:17\n    environment:\n"


@pytest.mark.parametrize(
    ("compose", "at", "says", "hides"),
    [
        # a password hash: its "$" signs counted, the hash itself not repeated
        (
            LABELS + f'      traefik.http.middlewares.auth.basicauth.users: "admin:{APR1}"\n',
            "compose.yaml:5:54",
            ['3 "$" signs', "$apr1$...", '"$$"'],
            "H6uskkkW",
        ),
        # a "$" inside a password (a list item): where, not what
        (
            PASSWORD + "      - POSTGRES_PASSWORD=Xk9$MZQ\n",
            "compose.yaml:5:9",
            ["character 4"],
            "MZQ",
        ),
        # a lower-case name nobody exports: an nginx variable in a traefik label
        (
            LABELS + "      x.customrequestheaders.X-Real-IP: $remote_addr\n",
            "compose.yaml:5:41",
            ['"$$remote_addr"'],
            None,
        ),
        # a shell variable of a script shared through a YAML alias: reported once
        (
            'x-loop: &loop "for f in *; do echo $f; done"\n'
            'services:\n  a:\n    image: x/a:1\n    command: ["sh", "-c", *loop]\n',
            "compose.yaml:1:9",
            ['"$$f"', "x-loop"],
            None,
        ),
    ],
    ids=["hash", "password", "lower-case", "alias"],
)
def test_cl140_a_literal_dollar_in_the_compose_file(
    compose: str, at: str, says: list[str], hides: str | None
) -> None:
    found = catches("CL140", compose=compose, at=at)
    assert all(part in found[0] for part in says), found[0]
    assert hides is None or hides not in found[0]


def test_cl140_dotenv_and_env_file_values() -> None:
    compose = (
        "services:\n  app:\n    image: x/app:1\n    env_file: app.env\n"
        "    environment:\n      ADMIN_HASH: ${ADMIN_HASH}\n"
    )
    files = {
        ".env": f"ADMIN_HASH={BCRYPT}\nMAIL_PASSWORD=Xk9$mZq\n",
        "app.env": 'A=1\nSECRET_KEY="ab$cd"\n',
    }
    # MAIL_PASSWORD: no compose file uses it, so its cut reaches nobody
    found = catches("CL140", compose=compose, files=files, at=[".env:1:1", "app.env:2:1"])
    assert all("single quotes" in m for m in found)


def test_cl140_near_misses() -> None:
    compose = (
        "services:\n  proxy:\n    image: traefik:v3.2\n    labels:\n"
        f'      a.users: "admin:{APR1.replace("$", "$$")}"\n'
        "  db:\n    image: postgres:17\n    volumes:\n      - $HOME/db:/backup\n"
        "    environment:\n      POSTGRES_PASSWORD: $DB_PASSWORD\n"
        "      URL: postgres://app:${DB_PASSWORD}@db/app\n      REGION: $region\n"
        "      http_proxy: $http_proxy\n      user: app\n"
        '    healthcheck:\n      test: ["CMD-SHELL", "pg_isready -U $user"]\n'
        "  web:\n    image: x/web:$version\n    env_file: web.env\n    command: run --n $workers\n"
    )
    files = {
        ".env": f"region=eu\nADMIN_HASH='{BCRYPT}'\nB=x\nC=pre$B\n",
        "web.env": "workers=4\n",
        ".env.example": "version=1.0\n",
    }
    # escaped, upper case, braced, set in .env (or above, or in its template), exported
    # lower case, single quoted, left to CL145 (the service's environment) and CL142
    catches_not("CL140", compose=compose, files=files)


# --- CL142 variable-only-in-env-file -----------------------------------------------------

ENV_FILE_DB = (
    "services:\n  db:\n    image: postgres:17\n    env_file:\n      - path: db.env\n"
    "        required: false\n    environment:\n      POSTGRES_PASSWORD: ${DB_PASSWORD}\n"
)


def test_cl142_a_variable_set_only_in_an_env_file() -> None:
    files = {"db.env": "# the database\nDB_PASSWORD=change-me\n"}
    found = catches("CL142", compose=ENV_FILE_DB, files=files, at="compose.yaml:8:26")
    assert "set only in env_file db.env (line 2)" in found[0]
    assert "DB_PASSWORD=... to the .env" in found[0] and "--env-file db.env" in found[0]


def test_cl142_a_command_a_shell_could_expand() -> None:
    compose = (
        "services:\n  web:\n    image: x/web:1\n    env_file: [web.env]\n"
        '    command: sh -c "exec web --workers $WORKERS"\n'
    )
    files = {"web.env": "WORKERS=4\n", ".env": "TAG=1\n"}
    found = catches("CL142", compose=compose, files=files, at="compose.yaml:5:14")
    assert '"$$WORKERS"' in found[0] and "--env-file .env --env-file web.env" in found[0]


def test_cl142_near_misses() -> None:
    compose = ENV_FILE_DB + (
        "      A: ${WORKERS:-2}\n      B: ${MODE:?set MODE}\n      C: $$WORKERS\n"
        "      D: ${DB_USER}\n      E: ${LOG_LEVEL}\n"
        "  web:\n    image: x/web:1\n    env_file: .env.example\n"
    )
    files = {
        "db.env": "DB_PASSWORD=change-me\nWORKERS=4\nMODE=prod\nLOG_LEVEL=debug\n",
        ".env": "DB_PASSWORD=change-me\n",
        ".env.example": "DB_USER=app\nLOG_LEVEL=info\n",
    }
    # also in .env, defaulted, required (CL119's), escaped, in .env's template (a fresh
    # checkout: .env is made from it), in a template env_file (never read)
    catches_not("CL142", compose=compose, files=files)


def test_cl142_leaves_a_container_variable_to_cl145() -> None:
    compose = (
        "services:\n  db:\n    image: postgres:17\n    env_file: db.env\n"
        "    environment:\n      POSTGRES_USER: app\n"
        '    healthcheck:\n      test: ["CMD-SHELL", "pg_isready -U $POSTGRES_USER"]\n'
    )
    files = {"db.env": "POSTGRES_USER=app\n"}
    catches_not("CL142", compose=compose, files=files)
    catches("CL145", compose=compose, files=files, at="compose.yaml:8:27")


# --- CL144 quoted-list-environment ------------------------------------------------------


def test_cl144_quotes_inside_a_list_item() -> None:
    compose = 'services:\n  app:\n    image: x/app:1\n    environment:\n      - TITLE="My board"\n'
    found = catches("CL144", compose=compose, at="compose.yaml:5:9")
    assert "TITLE" in found[0] and "quote the whole item" in found[0]


def test_cl144_single_quotes_and_build_args() -> None:
    compose = "services:\n  app:\n    build:\n      context: .\n      args:\n        - V='1.2'\n"
    catches("CL144", compose=compose, dockerfile="ARG V\n", at="compose.yaml:6:11")


def test_cl144_near_misses() -> None:
    # the whole item quoted, the mapping form, quotes inside the value, an empty value
    compose = (
        "services:\n  app:\n    image: x/app:1\n    environment:\n"
        '      - "TITLE=My board"\n      - \'MOTD=say "hi"\'\n      - EMPTY=\n      - ONE="\n'
        '  db:\n    image: postgres:17\n    environment:\n      POSTGRES_DB: "app"\n'
    )
    catches_not("CL144", compose=compose)


# --- CL146 shell-healthcheck-split ------------------------------------------------------


def test_cl146_several_items_after_cmd_shell() -> None:
    compose = (
        "services:\n  db:\n    image: postgres:17\n    healthcheck:\n"
        '      test: ["CMD-SHELL", "pg_isready", "-U", "$$POSTGRES_USER"]\n'
    )
    found = catches("CL146", compose=compose, at="compose.yaml:5:41")
    # one string keeps the shell that expands the variable; no exec form is offered
    assert '["CMD-SHELL", "pg_isready -U $$POSTGRES_USER"]' in found[0]
    assert '"CMD", ' not in found[0]


def test_cl146_near_misses() -> None:
    compose = (
        "services:\n  a:\n    image: x/a:1\n    healthcheck:\n"
        '      test: ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]\n'
        '  b:\n    image: x/b:1\n    healthcheck:\n      test: ["CMD", "curl", "-f", "http://localhost/"]\n'
        "  c:\n    image: x/c:1\n    healthcheck:\n      test: curl -f http://localhost/\n"
    )
    catches_not("CL146", compose=compose)


# --- CL147 host-network-ports -----------------------------------------------------------


def test_cl147_ports_on_the_host_network() -> None:
    compose = (
        "services:\n  web:\n    image: nginx:1.27\n    network_mode: host\n"
        '    ports:\n      - "8080:80"\n'
    )
    found = catches("CL147", compose=compose, at="compose.yaml:5:5")
    assert "8080:80 does not happen" in found[0]


def test_cl147_near_misses() -> None:
    compose = (
        "services:\n  a:\n    image: x/a:1\n    network_mode: host\n"
        '  b:\n    image: x/b:1\n    network_mode: bridge\n    ports:\n      - "80:80"\n'
    )
    catches_not("CL147", compose=compose)


# --- CL510 entrypoint-drops-cmd ---------------------------------------------------------

GUNICORN = 'FROM python:3.13-slim\nCOPY . /app\nCMD ["gunicorn", "app:app"]\n'


def test_cl510_a_wrapper_entrypoint_gets_no_command() -> None:
    for entrypoint in ('["/wait-for-it.sh", "db:5432", "--"]', '["tini", "--"]', "gosu app"):
        compose = f"services:\n  web:\n    build: .\n    entrypoint: {entrypoint}\n"
        found = catches("CL510", compose=compose, dockerfile=GUNICORN, at="compose.yaml:4:5")
        assert '"gunicorn app:app", Dockerfile line 3' in found[0]


def test_cl510_a_script_that_runs_its_arguments() -> None:
    compose = "services:\n  web:\n    build: .\n    entrypoint: /start.sh\n"
    dockerfile = GUNICORN.replace("COPY . /app\n", "COPY . /app\nCOPY start.sh /start.sh\n")
    files = {"start.sh": '#!/bin/sh\nprepare\nexec "$@"\n'}
    catches("CL510", compose=compose, dockerfile=dockerfile, files=files)
    catches_not("CL510", compose=compose, dockerfile=dockerfile, files={"start.sh": "exec x\n"})


def test_cl510_near_misses() -> None:
    # a whole command; the command repeated; no CMD to drop
    compose = (
        'services:\n  a:\n    build: .\n    entrypoint: ["python", "job.py"]\n'
        '  b:\n    build: .\n    entrypoint: ["tini", "--"]\n    command: ["gunicorn", "a:a"]\n'
    )
    catches_not("CL510", compose=compose, dockerfile=GUNICORN)
    compose = 'services:\n  a:\n    build: .\n    entrypoint: ["tini", "--"]\n'
    catches_not("CL510", compose=compose, dockerfile="FROM python:3.13-slim\n")


def test_entrypoint_alone_runs_no_cmd_in_the_model(tmp_path: Path) -> None:
    from compose_lint.model.image import image_of
    from compose_lint.project import Loader

    (tmp_path / "Dockerfile").write_text(GUNICORN)
    (tmp_path / "compose.yaml").write_text(
        'services:\n  a:\n    build: .\n    entrypoint: ["tini", "--"]\n  b:\n    build: .\n'
    )
    project = Loader(tmp_path).compose_project((tmp_path / "compose.yaml",))
    a, b = (image_of(s.build) for s in project.services if s.build is not None)
    assert a is not None and b is not None
    assert a.command is None and a.dropped_cmd is not None and a.dropped_cmd.line == 3
    assert b.command is not None and b.dropped_cmd is None


# --- CL511 command-ignored --------------------------------------------------------------


def test_cl511_command_for_a_shell_form_entrypoint() -> None:
    compose = 'services:\n  web:\n    build: .\n    command: ["--port", "8000"]\n'
    dockerfile = "FROM python:3.13-slim\nENTRYPOINT python -m app\n"
    found = catches("CL511", compose=compose, dockerfile=dockerfile, at="compose.yaml:4:5")
    assert "Dockerfile line 2" in found[0]


def test_cl511_near_misses() -> None:
    compose = 'services:\n  web:\n    build: .\n    command: ["--port", "8000"]\n'
    for dockerfile in (
        'FROM python:3.13-slim\nENTRYPOINT ["python", "-m", "app"]\n',
        'FROM python:3.13-slim\nENTRYPOINT exec python -m app "$@"\n',
        "FROM python:3.13-slim\nCMD python -m app\n",
    ):
        catches_not("CL511", compose=compose, dockerfile=dockerfile)
    overridden = compose + '    entrypoint: ["python", "-m", "app"]\n'
    catches_not("CL511", compose=overridden, dockerfile="FROM x\nENTRYPOINT python -m app\n")


# --- CL519 misplaced-dockerignore -------------------------------------------------------

SUBFOLDER = "services:\n  web:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile\n"


def test_cl519_an_ignore_file_beside_a_dockerfile_in_a_subfolder() -> None:
    files = {"docker/Dockerfile": "FROM x\nCOPY . /app\n", "docker/.dockerignore": ".env\n"}
    found = catches("CL519", compose=SUBFOLDER, files=files, at="compose.yaml:4:7")
    assert "docker/.dockerignore" in found[0] and "Dockerfile.dockerignore" in found[0]
    # CL401 leaves the build to CL519: moving the file is the fix, not writing another
    catches_not("CL401", compose=SUBFOLDER, files=files)


def test_cl519_near_misses() -> None:
    dockerfile = "FROM x\nCOPY . /app\n"
    for extra in (
        {"docker/Dockerfile.dockerignore": ".env\n"},  # the Dockerfile's own ignore file
        {".dockerignore": ".env\n"},  # the context has one
        {},  # nothing beside the Dockerfile
    ):
        files = {"docker/Dockerfile": dockerfile, "docker/.dockerignore": ".env\n", **extra}
        if not extra:
            files.pop("docker/.dockerignore")
        catches_not("CL519", compose=SUBFOLDER, files=files)


# --- CL145 container-variable-interpolated ----------------------------------------------


def test_cl145_a_container_variable_replaced_by_compose() -> None:
    compose = (
        "services:\n  db:\n    image: postgres:17\n    environment:\n      POSTGRES_USER: app\n"
        '    healthcheck:\n      test: ["CMD-SHELL", "pg_isready -U $POSTGRES_USER"]\n'
        '    command: ["postgres", "-c", "x=${POSTGRES_USER}"]\n'
    )
    found = catches("CL145", compose=compose, at=["compose.yaml:7:27", "compose.yaml:8:33"])
    assert all("$$POSTGRES_USER" in m for m in found)


def test_cl145_near_misses() -> None:
    compose = (
        "services:\n  db:\n    image: postgres:17\n    environment:\n"
        "      POSTGRES_USER: ${POSTGRES_USER}\n      POSTGRES_DB: shop\n      TAG: x\n"
        "    healthcheck:\n"
        '      test: ["CMD-SHELL", "pg_isready -U $POSTGRES_USER -d $POSTGRES_DB"]\n'
        '    command: ["postgres", "-c", "a=$$TAG", "-c", "b=${TAG:-x}", "-c", "c=$OTHER"]\n'
    )
    # escaped, defaulted, passed on from the shell, set in .env, not the container's
    catches_not("CL145", compose=compose, files={".env": "POSTGRES_DB=shop\n"})


# --- CL514 crlf-script ------------------------------------------------------------------

STARTS = 'FROM python:3.13-slim\nCOPY start.sh /start.sh\nENTRYPOINT ["/start.sh"]\n'
WEB = "services:\n  web:\n    build: .\n"


def test_cl514_a_started_script_with_crlf_line_ends() -> None:
    files: dict[str, str | bytes] = {"start.sh": b"#!/bin/sh\r\nexec python -m app\r\n"}
    found = catches("CL514", compose=WEB, dockerfile=STARTS, files=files, at="compose.yaml:3:12")
    assert '"/bin/sh\\r"' in found[0] and "eol=lf" in found[0]
    # run by a shell named in front of it, the CR still breaks every command
    dockerfile = STARTS.replace('["/start.sh"]', '["sh", "/start.sh"]')
    found = catches("CL514", compose=WEB, dockerfile=dockerfile, files=files)
    assert "the shell reads a CR" in found[0]


def test_cl514_near_misses() -> None:
    lf: dict[str, str | bytes] = {"start.sh": b"#!/bin/sh\nexec python -m app\n"}
    catches_not("CL514", compose=WEB, dockerfile=STARTS, files=lf)
    crlf: dict[str, str | bytes] = {"start.sh": b"#!/bin/sh\r\nexec python -m app\r\n"}
    converted = STARTS.replace("ENTRYPOINT", "RUN dos2unix /start.sh\nENTRYPOINT")
    catches_not("CL514", compose=WEB, dockerfile=converted, files=crlf)
    # a script the image only RUNs while building is not what it starts
    built = 'FROM python:3.13-slim\nCOPY start.sh /start.sh\nCMD ["python"]\n'
    catches_not("CL514", compose=WEB, dockerfile=built, files=crlf)


# --- CL507 healthcheck-tool-missing -----------------------------------------------------


def test_cl507_curl_in_a_slim_image() -> None:
    compose = (
        "services:\n  web:\n    build: .\n    healthcheck:\n"
        '      test: ["CMD", "curl", "-f", "http://localhost:5000/"]\n'
    )
    dockerfile = "FROM python:3.13-slim\nCOPY . /app\n"
    found = catches("CL507", compose=compose, dockerfile=dockerfile, at="compose.yaml:5:13")
    assert "python:3.13-slim does not contain" in found[0]


def test_cl507_alpine_has_wget_not_curl() -> None:
    compose = (
        "services:\n  api:\n    image: node:22-alpine\n    healthcheck:\n      test: curl -f x\n"
    )
    found = catches("CL507", compose=compose, at="compose.yaml:5:13")
    assert "the wget it has" in found[0]
    catches_not("CL507", compose=compose.replace("curl -f x", "wget -qO- x"))


def test_cl507_near_misses() -> None:
    compose = (
        "services:\n  web:\n    build: .\n    healthcheck:\n"
        '      test: ["CMD", "curl", "-f", "http://localhost:5000/"]\n'
    )
    for dockerfile in (
        "FROM python:3.13-slim\nRUN apt-get update && apt-get install -y curl\n",
        "FROM python:3.13-slim\nCOPY --from=curlimages/curl:8.11.1 /usr/bin/curl /usr/bin/curl\n",
        "FROM python:3.13-slim\nCOPY setup.sh /setup.sh\nRUN /setup.sh\n",  # not read: no guess
        "FROM python:3.13\n",  # the full image has curl
        "FROM example.org/base:1\n",  # not in the facts
    ):
        catches_not("CL507", compose=compose, dockerfile=dockerfile)
    disabled = (
        "services:\n  db:\n    image: python:3.13-slim\n    healthcheck:\n      disable: true\n"
    )
    catches_not("CL507", compose=disabled)


# --- CL518 removed-framework-setting ----------------------------------------------------

FLASK_APP = (
    "FROM python:3.13-slim\nCOPY requirements.txt .\n"
    "RUN pip install --no-cache-dir -r requirements.txt\n"
)
FLASK_ENV = "services:\n  web:\n    build: .\n    environment:\n      FLASK_ENV: development\n"


@pytest.mark.parametrize("requirement", ["Flask", "flask>=2.0", "Flask[async]==3.1.0", "Flask<4"])
def test_cl518_flask_env_with_a_flask_that_ignores_it(requirement: str) -> None:
    files = {"requirements.txt": f"{requirement}\n"}
    found = catches(
        "CL518", compose=FLASK_ENV, dockerfile=FLASK_APP, files=files, at="compose.yaml:5:7"
    )
    assert "Flask 2.3 and later no longer read" in found[0] and "FLASK_DEBUG=1" in found[0]


def test_cl518_a_package_named_on_the_install() -> None:
    dockerfile = "FROM python:3.13-slim\nRUN pip install --no-cache-dir flask gunicorn\n"
    catches("CL518", compose=FLASK_ENV, dockerfile=dockerfile)
    catches_not("CL518", compose=FLASK_ENV, dockerfile=dockerfile.replace("flask", "flask==2.2.5"))


@pytest.mark.parametrize("requirement", ["Flask==2.2.5", "flask<2.3", "Flask~=2.2.0", "Django"])
def test_cl518_near_misses(requirement: str) -> None:
    catches_not(
        "CL518",
        compose=FLASK_ENV,
        dockerfile=FLASK_APP,
        files={"requirements.txt": f"{requirement}\n"},
    )
    # no requirements to read: not judged
    catches_not("CL518", compose=FLASK_ENV, dockerfile="FROM python:3.13-slim\n")


# --- CL141 start-before-healthy (off by default) ----------------------------------------

HEALTHY_DB = (
    "  db:\n    image: postgres:17\n    healthcheck:\n"
    '      test: ["CMD-SHELL", "pg_isready -U postgres"]\n'
)


def test_cl141_short_form_on_a_service_with_a_healthcheck() -> None:
    compose = "services:\n  web:\n    image: x/web:1\n    depends_on:\n      - db\n" + HEALTHY_DB
    found = catches("CL141", compose=compose, at="compose.yaml:5:9")
    assert "condition: service_healthy" in found[0]


def test_cl141_near_misses() -> None:
    long_form = (
        "services:\n  web:\n    image: x/web:1\n    depends_on:\n"
        "      db:\n        condition: service_started\n" + HEALTHY_DB
    )
    catches_not("CL141", compose=long_form)
    no_check = (
        "services:\n  web:\n    image: x/web:1\n    depends_on:\n      - db\n  db:\n    image: x\n"
    )
    catches_not("CL141", compose=no_check)


def test_cl141_is_off_by_default() -> None:
    from compose_lint.registry import find_rule

    found = find_rule("CL141")
    assert found is not None and not found.default_enabled


# --- CL515 script-interpreter-missing ---------------------------------------------------

ALPINE_START = 'FROM node:22-alpine\nCOPY start.sh /start.sh\nENTRYPOINT ["/start.sh"]\n'


@pytest.mark.parametrize(
    "first", ["#!/bin/bash", "#!/usr/bin/env bash", "#!/usr/bin/env -S bash -e"]
)
def test_cl515_bash_script_on_alpine(first: str) -> None:
    files = {"start.sh": f"{first}\nexec node server.js\n"}
    found = catches(
        "CL515", compose=WEB, dockerfile=ALPINE_START, files=files, at="compose.yaml:3:12"
    )
    assert "asks for bash, which node:22-alpine does not have" in found[0]


def test_cl515_near_misses() -> None:
    bash = {"start.sh": "#!/bin/bash\nexec node server.js\n"}
    for dockerfile in (
        ALPINE_START.replace("COPY", "RUN apk add --no-cache bash\nCOPY"),
        ALPINE_START.replace("node:22-alpine", "node:22-slim"),
        ALPINE_START.replace('["/start.sh"]', '["sh", "/start.sh"]'),  # not its #! line
        ALPINE_START.replace("node:22-alpine", "example.org/base:1"),  # not in the facts
    ):
        catches_not("CL515", compose=WEB, dockerfile=dockerfile, files=bash)
    sh = {"start.sh": "#!/bin/sh\nexec node server.js\n"}
    catches_not("CL515", compose=WEB, dockerfile=ALPINE_START, files=sh)


# --- CL149 localhost-to-service / CL150 published-port-inside ---------------------------


def test_cl149_localhost_for_another_service() -> None:
    compose = (
        "services:\n  app:\n    image: x/app:1\n    environment:\n"
        "      DATABASE_URL: postgres://app@localhost:5432/shop\n  db:\n    image: postgres:17\n"
    )
    found = catches("CL149", compose=compose, at="compose.yaml:5:7")
    assert 'service "db"' in found[0] and "db:5432" in found[0]


def test_cl149_near_misses() -> None:
    published = (
        "services:\n  app:\n    image: x/app:1\n    environment:\n"
        "      API: http://localhost:8000\n  api:\n    image: x/api:1\n    ports:\n"
        '      - "8000:8000"\n'
    )
    catches_not("CL149", compose=published)  # a browser on the host may be meant
    shared = (
        "services:\n  exporter:\n    image: x/e:1\n    network_mode: service:db\n"
        "    environment:\n      DSN: postgres://localhost:5432/x\n  db:\n    image: postgres:17\n"
    )
    catches_not("CL149", compose=shared)
    unknown = "services:\n  app:\n    image: x/app:1\n    environment:\n      A: localhost:5432\n"
    catches_not("CL149", compose=unknown)  # no service of the project listens there


def test_cl150_the_host_port_used_between_services() -> None:
    compose = (
        "services:\n  app:\n    image: x/app:1\n    environment:\n"
        "      - REDIS_URL=redis://cache:6380/0\n  cache:\n    image: redis:7.4\n    ports:\n"
        '      - "6380:6379"\n'
    )
    found = catches("CL150", compose=compose, at="compose.yaml:5:9")
    assert "cache:6379" in found[0]
    catches_not("CL150", compose=compose.replace("cache:6380", "cache:6379"))


# --- CL143 missing-env-file -------------------------------------------------------------

MISSING_ENV = "services:\n  web:\n    image: x/web:1\n    env_file:\n      - web.env\n"


def test_cl143_a_missing_env_file_is_an_error() -> None:
    found = catches("CL143", compose=MISSING_ENV, at="compose.yaml:5:9")
    assert "Compose refuses to start" in found[0] and "required: false" in found[0]
    f = rule_findings("CL143", compose=MISSING_ENV)[0]
    assert str(f.severity) == "error"  # type: ignore[attr-defined]


def test_cl143_a_setup_step_is_reported_only_when_asked_and_at_info() -> None:
    files = {"web.env.example": "A=1\n"}
    catches_not("CL143", compose=MISSING_ENV, files=files)
    found = rule_findings("CL143", compose=MISSING_ENV, files=files, options={"setup-steps": True})
    assert len(found) == 1 and str(found[0].severity) == "info"  # type: ignore[attr-defined]
    assert "from web.env.example" in found[0].message  # type: ignore[attr-defined]
    ignored = {".gitignore": "web.env\n"}
    catches_not("CL143", compose=MISSING_ENV, files=ignored)


def test_cl143_near_misses() -> None:
    optional = (
        "services:\n  web:\n    image: x/web:1\n    env_file:\n"
        "      - path: web.env\n        required: false\n      - ${ENV_FILE}\n"
    )
    catches_not("CL143", compose=optional)
    catches_not("CL143", compose=MISSING_ENV, files={"web.env": "A=1\n"})
