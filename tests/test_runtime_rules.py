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
    # coolify: the first item is already shell text; it stays as written, and only the
    # items after it are words to append (quoted when they hold a space)
    compose = (
        "services:\n  db:\n    image: postgres:17\n    healthcheck:\n"
        '      test: ["CMD-SHELL", "pg_isready -U ${DB_USERNAME}", "-d", "${DB:-app}"]\n'
    )
    [message] = catches("CL146", compose=compose, at="compose.yaml:5:59")
    assert '["CMD-SHELL", "pg_isready -U ${DB_USERNAME} -d ${DB:-app}"]' in message
    spaced = compose.replace('"-d", "${DB:-app}"', '"-d", "my db"')
    [message] = catches("CL146", compose=spaced)
    assert '["CMD-SHELL", "pg_isready -U ${DB_USERNAME} -d \\"my db\\""]' in message
    # a first item of several words is no program for the exec form
    plain = compose.replace("${DB_USERNAME}", "app").replace("${DB:-app}", "app")
    [message] = catches("CL146", compose=plain)
    assert '"CMD", ' not in message


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


@pytest.mark.parametrize(
    "entrypoint",
    [
        # the command to run follows the wrapper's "--": dropping CMD is intended
        '["/wait-for-it.sh", "db:5432", "-t", "30", "--", "/app/entrypoint-tests.sh"]',
        '["tini", "--", "python", "job.py"]',
        '["gosu", "app", "python", "job.py"]',
    ],
)
def test_cl510_a_wrapper_given_its_command(entrypoint: str) -> None:
    compose = f"services:\n  web:\n    build: .\n    entrypoint: {entrypoint}\n"
    catches_not("CL510", compose=compose, dockerfile=GUNICORN)


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
    # started as the LF copy dos2unix -n makes of it
    made = STARTS.replace(
        'ENTRYPOINT ["/start.sh"]', 'RUN dos2unix -n /start.sh /run.sh\nENTRYPOINT ["/run.sh"]'
    )
    catches_not("CL514", compose=WEB, dockerfile=made, files=crlf)
    # a plain cp keeps the CR LF
    catches("CL514", compose=WEB, dockerfile=made.replace("dos2unix -n", "cp"), files=crlf)


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
        # a version constraint on the package (apk's ~=, >, =): bash is still installed
        ALPINE_START.replace("COPY", 'RUN apk add --no-cache "bash~=5.2" curl\nCOPY'),
        ALPINE_START.replace("COPY", "RUN apk add --no-cache 'bash>5' \nCOPY"),
        ALPINE_START.replace("COPY", "RUN apk add --no-cache bash=5.2.26-r0\nCOPY"),
        ALPINE_START.replace("node:22-alpine", "node:22-slim"),
        ALPINE_START.replace('["/start.sh"]', '["sh", "/start.sh"]'),  # not its #! line
        ALPINE_START.replace("node:22-alpine", "example.org/base:1"),  # not in the facts
    ):
        catches_not("CL515", compose=WEB, dockerfile=dockerfile, files=bash)
    sh = {"start.sh": "#!/bin/sh\nexec node server.js\n"}
    catches_not("CL515", compose=WEB, dockerfile=ALPINE_START, files=sh)


def test_package_names_drop_versions() -> None:
    from compose_lint.load.dockerfile import parse_dockerfile
    from compose_lint.model.commands import package_call, run_commands

    def names(line: str) -> tuple[str, ...]:
        run = parse_dockerfile(f"FROM alpine\nRUN {line}\n").instructions[1]
        call = package_call(run_commands(run)[0])
        assert call is not None
        return call.package_names

    assert names('apk add "bash~=5.2" curl>8 git=2.45-r0') == ("bash", "curl", "git")
    assert names("apt-get install -y curl=7.88* libc6:amd64 vim/bookworm") == (
        "curl",
        "libc6",
        "vim",
    )
    assert names("pip install flask==3.0 'uvicorn[standard]>=0.30'") == ("flask", "uvicorn")
    assert names("npm install left-pad@1.3 @scope/pkg@2") == ("left-pad", "@scope/pkg")


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
    # coolify: an absolute path names a file on the host it deploys to, not here
    catches_not("CL143", compose=MISSING_ENV.replace("web.env", "/data/coolify/source/.env"))


# --- CL148 restart-conflict -------------------------------------------------------------


def _restart(restart: str, condition: str, attempts: str = "") -> str:
    more = f"        max_attempts: {attempts}\n" if attempts else ""
    return (
        f"services:\n  web:\n    image: x/web:1\n    restart: {restart}\n"
        f"    deploy:\n      restart_policy:\n        condition: {condition}\n{more}"
    )


def test_cl148_restart_and_deploy_policy_disagree() -> None:
    found = catches("CL148", compose=_restart("always", "none"), at="compose.yaml:4:14")
    assert "restart: always has no effect" in found[0] and "never restarted" in found[0]
    found = catches("CL148", compose=_restart("unless-stopped", "on-failure"))
    assert "only when it exits with an error, however often it fails" in found[0]
    # a retry count that max_attempts does not repeat is dropped
    found = catches("CL148", compose=_restart("on-failure:5", "on-failure", "2"))
    assert "at most 2 times" in found[0]


def test_cl148_agreeing_values_stay_silent() -> None:
    for restart, condition, attempts in (
        ("always", "any", ""),
        ('"no"', "none", ""),
        ("no", "none", ""),  # YAML 1.1 reads an unquoted no as false; Compose reads "no"
        ("unless-stopped", "any", ""),  # no deploy spelling of unless-stopped: any is nearest
        ("on-failure", "on-failure", "3"),
        ("on-failure:3", "on-failure", "3"),
        ("${POLICY}", "none", ""),  # unknown once interpolated
    ):
        catches_not("CL148", compose=_restart(restart, condition, attempts))
    # without condition the deploy policy is not judged (the spec says any, Compose sends "")
    compose = "services:\n  web:\n    image: x/web:1\n    restart: always\n    deploy:\n"
    catches_not("CL148", compose=compose + "      restart_policy:\n        max_attempts: 3\n")


JOB = (
    "services:\n  web:\n    image: x/web:1\n    depends_on:\n      migrate:\n"
    "        condition: {condition}\n  migrate:\n    image: x/web:1\n{policy}"
)


def test_cl148_a_one_shot_job_that_restarts() -> None:
    condition = "service_completed_successfully"
    compose = JOB.format(condition=condition, policy="    restart: unless-stopped\n")
    found = catches("CL148", compose=compose, at="compose.yaml:9:14")
    assert '"web" waits for it to complete' in found[0] and "restart: on-failure" in found[0]
    deploy = "    deploy:\n      restart_policy:\n        condition: any\n"
    compose = JOB.format(condition=condition, policy=deploy)
    catches("CL148", compose=compose, at="compose.yaml:11:20")


def test_cl148_one_shot_near_misses() -> None:
    condition = "service_completed_successfully"
    for policy in ("    restart: on-failure\n", '    restart: "no"\n', ""):
        catches_not("CL148", compose=JOB.format(condition=condition, policy=policy))
    # a service waited for until healthy may restart
    restart = "    restart: always\n"
    catches_not("CL148", compose=JOB.format(condition="service_healthy", policy=restart))


# --- CL517 secret-not-granted -----------------------------------------------------------

SECRET = "secrets:\n  db_password:\n    file: ./db.txt\n"


def _reader(env: str, grant: str = "", more: str = "") -> str:
    return (
        f"services:\n  app:\n    image: x/app:1\n    environment:\n      {env}\n"
        f"{grant}{more}{SECRET}"
    )


def test_cl517_a_secret_file_the_service_is_not_granted() -> None:
    found = catches(
        "CL517", compose=_reader("DB_PASSWORD_FILE: /run/secrets/db_password"), at="5:25"
    )
    assert '"db_password" to the secrets: of service "app"' in found[0]
    f = rule_findings("CL517", compose=_reader("- PW=/run/secrets/db_password"))[0]
    assert str(f.severity) == "warning"  # type: ignore[attr-defined]
    # granted under another target: the message says where it is
    grant = "    secrets:\n      - source: db_password\n        target: /etc/db.pass\n"
    found = catches("CL517", compose=_reader("PW_FILE: /run/secrets/db_password", grant))
    assert "mounted at /etc/db.pass" in found[0]
    # a path in the command, a misspelt name
    grant = "    secrets:\n      - db_password\n"
    command = "    command: sh -c 'exec app --password-file /run/secrets/db_pasword'\n"
    found = catches("CL517", compose=_reader("A: b", grant, command), at="8:14")
    assert "did you mean /run/secrets/db_password" in found[0]


def test_cl517_runtime_near_misses() -> None:
    long_form = "    secrets:\n      - source: db_password\n        target: db.pass\n"
    catches_not("CL517", compose=_reader("PW_FILE: /run/secrets/db.pass", long_form))
    absolute = "    secrets:\n      - source: db_password\n        target: /run/secrets/pw\n"
    catches_not("CL517", compose=_reader("PW_FILE: /run/secrets/pw", absolute))
    catches_not("CL517", compose=_reader("PW_FILE: /etc/app/db_password"))
    catches_not("CL517", compose=_reader("PW_FILE: /var/run/secrets/db_password"))
    catches_not("CL517", compose=_reader("PW_FILE: /run/secrets/${NAME}"))
    catches_not("CL517", compose=_reader("PW_FILE: /run/secrets/$$NAME"))
    token = "TOKEN: /run/secrets/kubernetes.io/serviceaccount/token"
    catches_not("CL517", compose=_reader(token))
    bind = "    volumes:\n      - ./secrets:/run/secrets:ro\n"
    catches_not("CL517", compose=_reader("PW_FILE: /run/secrets/db_password", more=bind))
    # the image it builds puts its own file there
    compose = _reader("PW_FILE: /run/secrets/db_password").replace("image: x/app:1", "build: .")
    dockerfile = "COPY dev-secrets/ /run/secrets/\n"
    catches_not("CL517", compose=compose, dockerfile=dockerfile)


BUILD = "services:\n  web:\n    build:\n      context: .\n{secrets}"


def test_cl517_a_build_secret_the_build_is_not_given() -> None:
    dockerfile = "RUN --mount=type=secret,id=npmrc,required npm ci\n"
    found = catches("CL517", compose=BUILD.format(secrets=""), dockerfile=dockerfile, at="2:28")
    assert 'build secret "npmrc"' in found[0] and "docker compose build fails" in found[0]
    f = rule_findings("CL517", compose=BUILD.format(secrets=""), dockerfile=dockerfile)[0]
    assert str(f.severity) == "error"  # type: ignore[attr-defined]
    # optional by default: a warning; the id is the target's base name
    dockerfile = "RUN --mount=type=secret,target=/root/.netrc pip install -r req.txt\n"
    f = rule_findings("CL517", compose=BUILD.format(secrets=""), dockerfile=dockerfile)[0]
    assert str(f.severity) == "warning" and '".netrc"' in f.message  # type: ignore[attr-defined]


def test_cl517_build_near_misses() -> None:
    given = "      secrets:\n        - npmrc\nsecrets:\n  npmrc:\n    file: ./npmrc\n"
    dockerfile = "RUN --mount=type=secret,id=npmrc,required npm ci\n"
    catches_not("CL517", compose=BUILD.format(secrets=given), dockerfile=dockerfile)
    # the long form answers to its target (and, for older Compose, its source)
    renamed = given.replace("- npmrc", "- source: npm_config\n          target: npmrc")
    catches_not("CL517", compose=BUILD.format(secrets=renamed), dockerfile=dockerfile)
    for run in (
        "RUN --mount=type=secret,id=token,required=false make\n",
        "RUN --mount=type=secret,id=token if [ -f /run/secrets/token ]; then make; fi\n",
        'RUN --mount=type=secret,id=token,env=TOKEN test -n "$TOKEN" && make\n',
        "RUN --mount=type=secret,id=${TOKEN_ID},required make\n",
    ):
        catches_not("CL517", compose=BUILD.format(secrets=""), dockerfile=run)
    # a Dockerfile built alone, with no compose build to pass the secret
    catches_not("CL517", dockerfile=dockerfile)


def test_cl517_the_stages_a_build_runs() -> None:
    # a builder stage the built one copies from runs; a stage nothing needs does not
    dockerfile = (
        "FROM node:22 AS deps\nRUN --mount=type=secret,id=npmrc,required npm ci\n"
        "FROM node:22 AS docs\nRUN --mount=type=secret,id=docs_token,required make docs\n"
        "FROM node:22-slim\nCOPY --from=deps /node_modules /app/node_modules\n"
    )
    found = catches("CL517", compose=BUILD.format(secrets=""), dockerfile=dockerfile, at="2:28")
    assert '"npmrc"' in found[0]
    target = BUILD.format(secrets="      target: docs\n")
    found = catches("CL517", compose=target, dockerfile=dockerfile, at="4:28")
    assert '"docs_token"' in found[0]


# --- CL512 bind-mount-hides-dependencies ------------------------------------------------

NPM_CI = (
    "FROM node:22-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\n"
    'COPY . .\nCMD ["node", "server.js"]\n'
)
NODE_FILES: dict[str, str | bytes] = {"package.json": "{}\n", "package-lock.json": "{}\n"}


def _mounted(*volumes: str, extra: str = "") -> str:
    items = "".join(f"      - {v}\n" for v in volumes)
    return f"services:\n  web:\n    build: .\n{extra}    volumes:\n{items}"


def test_cl512_the_context_mounted_over_node_modules() -> None:
    found = catches(
        "CL512", compose=_mounted(".:/app"), dockerfile=NPM_CI, files=NODE_FILES,
        at="compose.yaml:5:9",
    )  # fmt: skip
    assert '"npm ci" (Dockerfile line 4)' in found[0]
    assert 'anonymous volume "- /app/node_modules"' in found[0]


@pytest.mark.parametrize("yarnrc", [".yarnrc", "assets/.yarnrc"])
def test_cl512_a_yarnrc_that_moves_the_modules_folder(yarnrc: str) -> None:
    # yarn 1 reads --modules-folder from .yarnrc: the modules live in /node_modules, outside
    # the bind mount, and Node finds them by walking up from /app
    dockerfile = (
        "FROM node:22-slim\nWORKDIR /app/assets\nCOPY assets/package.json assets/yarn.lock* "
        "assets/.yarnrc* ./\nRUN yarn install\nWORKDIR /app\nCOPY . .\n"
    )
    files = {
        "assets/package.json": "{}\n", "assets/yarn.lock": "\n",
        yarnrc: "--modules-folder /node_modules\n",
    }  # fmt: skip
    catches_not("CL512", compose=_mounted(".:/app"), dockerfile=dockerfile, files=files)
    # a .yarnrc that moves nothing: the modules are under the mount
    files[yarnrc] = 'registry "https://registry.npmjs.org"\n'
    catches("CL512", compose=_mounted(".:/app"), dockerfile=dockerfile, files=files)


def test_cl512_other_installers_and_places() -> None:
    # uv's .venv under a long-syntax bind mount of the context
    uv = "FROM python:3.13-slim\nWORKDIR /srv\nCOPY . .\nRUN uv sync --frozen\n"
    compose = (
        "services:\n  api:\n    build: .\n    volumes:\n"
        "      - type: bind\n        source: .\n        target: /srv\n"
    )
    found = catches("CL512", compose=compose, dockerfile=uv, at="compose.yaml:5:9")
    assert "/srv/.venv" in found[0]
    # "uv run" syncs the environment before it starts the program: it rebuilds the
    # .venv inside the mount (pythondotorg), unless told not to
    runs = compose + "    command: uv run python manage.py runserver 0.0.0.0:8000\n"
    catches_not("CL512", compose=runs, dockerfile=uv)
    unsynced = runs.replace("uv run", "uv run --no-sync")
    catches("CL512", compose=unsynced, dockerfile=uv, at="compose.yaml:5:9")
    # composer after a cd in the same RUN; a virtual environment made with python -m venv
    php = "FROM php:8.3-apache\nCOPY . /var/www/html\nRUN cd /var/www/html && composer install\n"
    found = catches("CL512", compose=_mounted("./:/var/www/html/"), dockerfile=php)
    assert "/var/www/html/vendor" in found[0]
    venv = "FROM python:3.13-slim\nWORKDIR /app\nRUN python -m venv .venv\nCOPY . .\n"
    catches("CL512", compose=_mounted(".:/app"), dockerfile=venv, at="compose.yaml:5:9")
    # the folder named through an ENV value; a long-syntax source written without "./"
    named = "FROM python:3.13-slim\nENV VIRTUAL_ENV=/srv/env\nRUN python3 -m venv $VIRTUAL_ENV\n"
    compose = compose.replace("source: .", "source: api").replace("build: .", "build: ./api")
    files: dict[str, str | bytes] = {"api/Dockerfile": named.replace("/srv/env", "/srv/.venv")}
    found = catches("CL512", compose=compose, files=files, at="compose.yaml:5:9")
    assert '"python3 -m venv /srv/.venv"' in found[0]
    # node_modules installed in another stage and copied in
    staged = (
        "FROM node:22 AS deps\nWORKDIR /build\nCOPY package*.json ./\nRUN npm ci\n"
        "FROM node:22-slim\nWORKDIR /app\nCOPY --from=deps /build/node_modules ./node_modules\n"
        "COPY . .\n"
    )
    found = catches("CL512", compose=_mounted(".:/app"), dockerfile=staged, files=NODE_FILES)
    assert "COPY --from=deps" in found[0]


def test_cl512_once_for_a_mount_shared_through_an_anchor() -> None:
    compose = (
        "x-app: &app\n  build: .\n  volumes:\n    - .:/app\n"
        "services:\n  web:\n    <<: *app\n  worker:\n    <<: *app\n"
    )
    catches("CL512", compose=compose, dockerfile=NPM_CI, files=NODE_FILES, at="compose.yaml:4:7")


def test_cl512_near_misses() -> None:
    for volumes in (
        (".:/app", "/app/node_modules"),  # an anonymous volume keeps the image's copy
        (".:/app", "modules:/app/node_modules"),  # so does a named one (CL513's concern)
        ("./src:/app/src",),  # the mount does not cover node_modules
        ("/srv/web:/app",),  # a folder of another machine: not here to look at
        ("./missing:/app",),  # a host folder that does not exist here
    ):
        catches_not("CL512", compose=_mounted(*volumes), dockerfile=NPM_CI, files=NODE_FILES)
    # the host folder has node_modules itself
    files = {**NODE_FILES, "node_modules/express/index.js": "module.exports = 1\n"}
    catches_not("CL512", compose=_mounted(".:/app"), dockerfile=NPM_CI, files=files)
    # the container installs them as it starts
    starts = _mounted(".:/app", extra='    command: sh -c "npm install && node server.js"\n')
    catches_not("CL512", compose=starts, dockerfile=NPM_CI, files=NODE_FILES)
    # moved out of the mounted folder, where Node still finds them (example-voting-app)
    moved = NPM_CI.replace("RUN npm ci", "RUN npm ci && mv /app/node_modules /node_modules")
    catches_not("CL512", compose=_mounted(".:/app"), dockerfile=moved, files=NODE_FILES)
    # pip installs into site-packages, outside the mounted folder; deps installed elsewhere
    pip = "FROM python:3.13-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
    catches_not("CL512", compose=_mounted(".:/app"), dockerfile=pip)
    # Yarn 2+ installs with Plug'n'Play: no node_modules; a folder's content copied in
    yarn = NPM_CI.replace("npm ci", "yarn install --immutable")
    berry: dict[str, str | bytes] = {"package.json": '{"packageManager": "yarn@4.5.0"}\n'}
    catches_not("CL512", compose=_mounted(".:/app"), dockerfile=yarn, files=berry)
    catches("CL512", compose=_mounted(".:/app"), dockerfile=yarn, files=NODE_FILES)
    contents = "FROM node:22 AS deps\nRUN npm ci\nFROM node:22\nWORKDIR /app\n"
    contents += "COPY --from=deps /node_modules ./\n"
    catches_not("CL512", compose=_mounted(".:/app"), dockerfile=contents)
    elsewhere = NPM_CI.replace("WORKDIR /app", "WORKDIR /opt/web")
    catches_not("CL512", compose=_mounted(".:/app"), dockerfile=elsewhere, files=NODE_FILES)


# --- CL513 named-volume-over-image-content ----------------------------------------------

COPIES = 'FROM python:3.13-slim\nWORKDIR /app\nCOPY . .\nCMD ["gunicorn", "app:app"]\n'


def _volumes(*volumes: str, names: tuple[str, ...] = ("static",)) -> str:
    items = "".join(f"      - {v}\n" for v in volumes)
    declared = "".join(f"  {n}:\n" for n in names)
    return f"services:\n  web:\n    build: .\n    volumes:\n{items}volumes:\n{declared}"


def test_cl513_a_context_folder_copied_under_a_named_volume() -> None:
    files: dict[str, str | bytes] = {"static/site.css": "body {}\n"}
    found = catches(
        "CL513", compose=_volumes("static:/app/static"), dockerfile=COPIES, files=files,
        at="compose.yaml:5:9",
    )  # fmt: skip
    assert '"COPY . .", Dockerfile line 3' in found[0]
    # a COPY straight into the volume's path
    into = "FROM nginx:1.27\nCOPY dist/ /usr/share/nginx/html/\n"
    compose = _volumes("static:/usr/share/nginx/html")
    catches("CL513", compose=compose, dockerfile=into, files={"dist/index.html": "<p>\n"})


def test_cl513_build_output_and_dependencies() -> None:
    built = (
        "FROM node:22-slim\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\n"
        "RUN npm run build\n"
    )
    compose = _volumes("bundle:/app/dist", "modules:/app/node_modules", names=("bundle", "modules"))
    found = catches(
        "CL513", compose=compose, dockerfile=built, files=NODE_FILES,
        at=["compose.yaml:5:9", "compose.yaml:6:9"],
    )  # fmt: skip
    modules = next(m for m in found if '"modules"' in m)
    assert 'anonymous volume "- /app/node_modules"' in modules and "-V" in modules
    static = "FROM python:3.13-slim\nWORKDIR /app\nRUN python manage.py collectstatic --noinput\n"
    catches("CL513", compose=_volumes("static:/app/staticfiles"), dockerfile=static)


def test_cl513_near_misses() -> None:
    # a folder holding only a placeholder, or nothing at all (django-on-docker's staticfiles)
    files: dict[str, str | bytes] = {"media/.gitkeep": ""}
    catches_not("CL513", compose=_volumes("static:/app/media"), dockerfile=COPIES, files=files)
    made = COPIES.replace("COPY . .", "RUN mkdir -p /app/staticfiles\nCOPY . .")
    catches_not("CL513", compose=_volumes("static:/app/staticfiles"), dockerfile=made)
    # a data folder the image seeds: the container owns its files from then on
    seeds = {"data/settings.json": "{}\n"}
    catches_not("CL513", compose=_volumes("static:/app/data"), dockerfile=COPIES, files=seeds)
    # declared VOLUME; nocopy; left out by .dockerignore; an anonymous volume
    files = {"static/site.css": "body {}\n"}
    declared = COPIES.replace("CMD", "VOLUME /app/static\nCMD")
    compose = _volumes("static:/app/static")
    catches_not("CL513", compose=compose, dockerfile=declared, files=files)
    nocopy = (
        "services:\n  web:\n    build: .\n    volumes:\n      - type: volume\n"
        "        source: static\n        target: /app/static\n        volume:\n"
        "          nocopy: true\nvolumes:\n  static:\n"
    )
    catches_not("CL513", compose=nocopy, dockerfile=COPIES, files=files)
    catches_not("CL513", compose=compose, dockerfile=COPIES, files=files, dockerignore="static\n")
    anonymous = "services:\n  web:\n    build: .\n    volumes:\n      - /app/static\n"
    catches_not("CL513", compose=anonymous, dockerfile=COPIES, files=files)
    # what the image puts below the volume is covered by a deeper mount
    deeper = "FROM node:22-slim\nWORKDIR /app\nRUN npm install express@4\n"
    compose = _volumes("static:/app", "/app/node_modules")
    catches_not("CL513", compose=compose, dockerfile=deeper)
    catches("CL513", compose=_volumes("static:/app"), dockerfile=deeper)
    # a datastore's data directory: the base image manages it
    db = "FROM postgres:17\nCOPY init.sql /docker-entrypoint-initdb.d/\n"
    compose = _volumes("pgdata:/var/lib/postgresql/data", names=("pgdata",))
    catches_not("CL513", compose=compose, dockerfile=db, files={"init.sql": "select 1;\n"})


# --- CL508 server-listens-on-loopback ---------------------------------------------------

PY = "FROM python:3.13-slim\nWORKDIR /app\nCOPY . .\n"
PUBLISH_5000 = 'services:\n  web:\n    build: .\n    ports:\n      - "5000:5000"\n'


def _publishing(port: int, *lines: str) -> str:
    """A service `web` that builds `.`, with `lines` added, publishing `port`."""
    extra = "".join(f"    {line}\n" for line in lines)
    return f'services:\n  web:\n    build: .\n{extra}    ports:\n      - "{port}:{port}"\n'


def test_cl508_flask_run_without_a_host() -> None:
    found = catches(
        "CL508", compose=PUBLISH_5000, dockerfile=PY + 'CMD ["flask", "run"]\n', at="5:9"
    )
    assert "flask run listens on 127.0.0.1" in found[0] and '"--host 0.0.0.0"' in found[0]


def test_cl508_flask_run_given_every_interface() -> None:
    for cmd in ('["flask", "run", "--host", "0.0.0.0"]', '["flask", "run", "-h", "::"]'):
        catches_not("CL508", compose=PUBLISH_5000, dockerfile=f"{PY}CMD {cmd}\n")
    env_in_dockerfile = PY + 'ENV FLASK_RUN_HOST=0.0.0.0\nCMD ["flask", "run"]\n'
    catches_not("CL508", compose=PUBLISH_5000, dockerfile=env_in_dockerfile)
    env_in_compose = _publishing(5000, "environment:", "  - FLASK_RUN_HOST=0.0.0.0")
    catches_not("CL508", compose=env_in_compose, dockerfile=PY + 'CMD ["flask", "run"]\n')
    flaskenv = {".flaskenv": "FLASK_RUN_HOST=0.0.0.0\n"}
    catches_not(
        "CL508", compose=PUBLISH_5000, dockerfile=PY + 'CMD ["flask", "run"]\n', files=flaskenv
    )


def test_cl508_app_run_without_a_host_in_the_script_cmd_runs() -> None:
    app = "from flask import Flask\napp = Flask(__name__)\napp.run(debug=False)\n"
    dockerfile = PY + 'CMD ["python", "app.py"]\n'
    found = catches("CL508", compose=PUBLISH_5000, dockerfile=dockerfile, files={"app.py": app})
    assert "app.run() in app.py" in found[0]
    fixed = {"app.py": app.replace("debug=False", "host='0.0.0.0'")}
    catches_not("CL508", compose=PUBLISH_5000, dockerfile=dockerfile, files=fixed)
    configured = {"app.py": app.replace("app.run", "app.config['SERVER_NAME'] = x\napp.run")}
    catches_not("CL508", compose=PUBLISH_5000, dockerfile=dockerfile, files=configured)
    not_flask = {"app.py": "import web\napp = web.App()\napp.run()\n"}
    catches_not("CL508", compose=PUBLISH_5000, dockerfile=dockerfile, files=not_flask)


def test_cl508_asgi_and_wsgi_servers_on_their_default_host() -> None:
    for command, port in (
        ("uvicorn main:app --reload", 8000),
        ("fastapi dev main.py", 8000),
        ("gunicorn app:app", 8000),
        ("hypercorn main:app", 8000),
        ("python manage.py runserver", 8000),
        ("python manage.py runserver 8000", 8000),
    ):
        compose = _publishing(port, f"command: {command}")
        catches("CL508", compose=compose, dockerfile=PY, at="6:9")


def test_cl508_servers_told_to_listen_everywhere() -> None:
    for command, env in (
        ("uvicorn main:app --host 0.0.0.0", ""),
        ("uvicorn main:app", "UVICORN_HOST=0.0.0.0"),
        ("fastapi run main.py", ""),
        ("gunicorn --bind 0.0.0.0:8000 app:app", ""),
        ("gunicorn -b :8000 app:app", ""),
        ("gunicorn app:app", "PORT=8000"),
        ("gunicorn app:app", "GUNICORN_CMD_ARGS=--bind=0.0.0.0:8000"),
        ("python manage.py runserver 0.0.0.0:8000", ""),
        ("python manage.py runserver 0:8000", ""),
        ("uvicorn main:app --host $$HOST", ""),
    ):
        lines = [f"command: {command}"] + (["environment:", f"  - {env}"] if env else [])
        catches_not("CL508", compose=_publishing(8000, *lines), dockerfile=PY)
    # gunicorn reads ./gunicorn.conf.py from its working directory
    compose = _publishing(8000, "command: gunicorn app:app")
    conf = {"gunicorn.conf.py": "bind = '0.0.0.0:8000'\n"}
    catches_not("CL508", compose=compose, dockerfile=PY, files=conf)


def test_cl508_vite_through_the_package_script() -> None:
    dockerfile = 'FROM node:22-alpine\nWORKDIR /app\nCOPY . .\nCMD ["npm", "run", "dev"]\n'
    package = {"package.json": '{"scripts": {"dev": "vite"}}'}
    compose = _publishing(5173)
    found = catches("CL508", compose=compose, dockerfile=dockerfile, files=package, at="5:9")
    assert "Vite dev server listens on localhost" in found[0]
    hosted = {"package.json": '{"scripts": {"dev": "vite --host"}}'}
    catches_not("CL508", compose=compose, dockerfile=dockerfile, files=hosted)
    configured = {**package, "vite.config.js": "export default { server: { host: true } }\n"}
    catches_not("CL508", compose=compose, dockerfile=dockerfile, files=configured)
    passed = dockerfile.replace('"dev"]', '"dev", "--", "--host", "0.0.0.0"]')
    catches_not("CL508", compose=compose, dockerfile=passed, files=package)


def test_cl508_the_command_behind_an_entrypoint_script() -> None:
    dockerfile = (
        PY + 'COPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n'
        'CMD ["flask", "run"]\n'
    )
    passes = {"entrypoint.sh": '#!/bin/sh\nset -e\nflask db upgrade\nexec "$@"\n'}
    catches("CL508", compose=PUBLISH_5000, dockerfile=dockerfile, files=passes, at="5:9")
    # the script passes CMD's words to gunicorn: they may hold its --bind
    wrapped = {"entrypoint.sh": '#!/bin/sh\nexec gunicorn "$@" app:app\n'}
    catches_not("CL508", compose=PUBLISH_5000, dockerfile=dockerfile, files=wrapped)
    # the script starts its own server and never runs CMD
    own = {"entrypoint.sh": "#!/bin/sh\nexec gunicorn --bind 0.0.0.0:5000 app:app\n"}
    catches_not("CL508", compose=PUBLISH_5000, dockerfile=dockerfile, files=own)


def test_cl508_near_misses() -> None:
    flask = PY + 'CMD ["flask", "run"]\n'
    # loopback on the host's network is the host's loopback; nothing published
    catches_not("CL508", compose=_publishing(5000, "network_mode: host"), dockerfile=flask)
    unpublished = "services:\n  web:\n    build: .\n"
    catches_not("CL508", compose=unpublished, dockerfile=flask)
    # offered to the other containers with expose:, which cannot connect either
    exposed = unpublished + "    expose:\n      - 9000\n      - 5000\n"
    found = catches("CL508", compose=exposed, dockerfile=flask, at="6:9")
    assert "exposes port 5000 to the other containers" in found[0]
    # an env file that cannot be read may set FLASK_RUN_HOST
    env_file = _publishing(5000, "env_file: [missing.env]")
    catches_not("CL508", compose=env_file, dockerfile=flask)
    catches(
        "CL508",
        compose=_publishing(5000, "env_file: [app.env]"),
        dockerfile=flask,
        files={"app.env": "SECRET_KEY=x\n"},
    )
    # two servers in one container: no single answer
    both = _publishing(5000, 'command: sh -c "flask run & gunicorn -b 0.0.0.0:8000 app:app"')
    catches_not("CL508", compose=both, dockerfile=flask)
    # a base image that is not an official one may set FLASK_RUN_HOST in its ENV
    custom = flask.replace("FROM python:3.13-slim", "FROM registry.example.com/flask-base:1")
    catches_not("CL508", compose=PUBLISH_5000, dockerfile=custom)
    # ... but an address on the command line is the command line's
    custom_uvicorn = _publishing(8000, "command: uvicorn main:app --host 127.0.0.1")
    catches("CL508", compose=custom_uvicorn, dockerfile=custom)


def test_cl508_cl509_silent_on_the_tutorial_and_the_sample_project() -> None:
    """The tutorial's app.run(debug=True, host='0.0.0.0') binds 0.0.0.0:5000, which
    its "5000:5000" publishes; the sample project does the same."""
    from conftest import FIXTURES, lint

    for project in (FIXTURES / "tutorial", FIXTURES.parent / "sample_project"):
        assert lint(project, "CL508", "CL509") == []


# --- CL509 published-port-not-listened --------------------------------------------------


def test_cl509_flask_default_port_not_published() -> None:
    dockerfile = PY + 'CMD ["flask", "run", "--host", "0.0.0.0"]\n'
    found = catches("CL509", compose=_publishing(8000), dockerfile=dockerfile, at="5:9")
    assert "listens on port 5000 (by default)" in found[0] and '"8000:5000"' in found[0]


def test_cl509_ports_from_the_command_line_and_the_code() -> None:
    for command in (
        "gunicorn --bind 0.0.0.0:8000 app:app",
        "gunicorn app:app -b 0.0.0.0:8000",
        "uvicorn main:app --host 0.0.0.0 --port 8000",
        "python manage.py runserver 0.0.0.0:8000",
        "flask run --host 0.0.0.0 -p 8000",
    ):
        compose = _publishing(5000, f"command: {command}")
        found = catches("CL509", compose=compose, dockerfile=PY, at="6:9")
        assert '"5000:8000"' in found[0]
    app = "import os\nfrom flask import Flask\napp = Flask(__name__)\n"
    app += "app.run(host='0.0.0.0', port=int(os.environ.get('APP_PORT', 8080)))\n"
    dockerfile = PY + 'CMD ["python", "app.py"]\n'
    files = {"app.py": app}
    catches("CL509", compose=_publishing(80), dockerfile=dockerfile, files=files, at="5:9")
    given = _publishing(80, "environment:", "  APP_PORT: '80'")
    catches_not("CL509", compose=given, dockerfile=dockerfile, files=files)


def test_cl509_says_when_the_server_is_on_loopback_too() -> None:
    compose = _publishing(8000, "command: flask run")
    found = catches("CL509", compose=compose, dockerfile=PY, at="6:9")
    assert "also listens on 127.0.0.1 only" in found[0]
    catches_not("CL508", compose=compose, dockerfile=PY)  # one report for the entry


def test_cl509_near_misses() -> None:
    for command, ports in (
        ("gunicorn --bind 0.0.0.0:80 app:app", ['"8080:80"']),  # HOST:CONTAINER read right
        ("gunicorn --bind 0.0.0.0:$$PORT app:app", ['"5000:5000"']),  # unknown port
        ("node server.js", ['"5000:5000"']),  # unknown server
        ("gunicorn --bind 0.0.0.0:8000 app:app", ['"9000:9000"', '"9100:9100"']),
        ("flask run --host 0.0.0.0", ['"8000-8010:5000-5010"']),  # a range covering it
    ):
        items = "".join(f"      - {p}\n" for p in ports)
        compose = f"services:\n  web:\n    build: .\n    command: {command}\n    ports:\n{items}"
        catches_not("CL509", compose=compose, dockerfile=PY)
    # a debugger's port beside the app's does not count as a second listener
    compose = (
        "services:\n  web:\n    build: .\n    command: flask run --host 0.0.0.0\n"
        '    ports:\n      - "8000:8000"\n      - "5678:5678"\n'
    )
    catches("CL509", compose=compose, dockerfile=PY, at="6:9")


def test_cl508_cl509_a_node_script_with_a_literal_listen() -> None:
    dockerfile = 'FROM node:22-alpine\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n'
    local = {"server.js": "const app = require('express')();\napp.listen(3000, 'localhost');\n"}
    found = catches("CL508", compose=_publishing(3000), dockerfile=dockerfile, files=local)
    assert "server.js's listen() listens on localhost" in found[0]
    every = {"server.js": "app.listen(process.env.PORT || 3000, () => log('up'));\n"}
    catches_not("CL508", compose=_publishing(3000), dockerfile=dockerfile, files=every)
    catches("CL509", compose=_publishing(8080), dockerfile=dockerfile, files=every, at="5:9")
    given = _publishing(8080, "environment:", "  PORT: '8080'")
    catches_not("CL509", compose=given, dockerfile=dockerfile, files=every)
    two = {"server.js": "a.listen(3000, 'localhost');\nb.listen(3001);\n"}
    catches_not("CL508", compose=_publishing(3000), dockerfile=dockerfile, files=two)


def test_cl508_another_service_connects_to_a_loopback_server() -> None:
    compose = (
        "services:\n  api:\n    build: .\n    command: uvicorn main:app\n"
        "  web:\n    image: nginx:1.27\n    environment:\n"
        "      API_URL: http://api:8000/v1\n"
    )
    found = catches("CL508", compose=compose, dockerfile=PY, at="8:7")
    assert 'connects to api:8000 (API_URL), but uvicorn in "api"' in found[0]
    catches_not("CL508", compose=compose.replace("api:8000", "api:9000"), dockerfile=PY)
    listening = compose.replace("main:app\n", "main:app --host 0.0.0.0\n")
    catches_not("CL508", compose=listening, dockerfile=PY)


def test_cl508_cl509_a_proxy_in_the_same_container() -> None:
    """An entrypoint script that starts nginx and then gunicorn on loopback: nginx
    answers on the published port, so neither rule claims which port the app uses."""
    dockerfile = PY + 'COPY start.sh /start.sh\nCMD ["/start.sh"]\n'
    script = {"start.sh": "#!/bin/sh\nnginx\nexec gunicorn -b 127.0.0.1:8000 app:app\n"}
    for code in ("CL508", "CL509"):
        catches_not(code, compose=_publishing(80), dockerfile=dockerfile, files=script)
    # without the proxy, an explicit loopback bind is still unreachable ...
    alone = {"start.sh": "#!/bin/sh\nexec gunicorn -b127.0.0.1:8000 app:app\n"}
    catches("CL508", compose=_publishing(8000), dockerfile=dockerfile, files=alone)
    # ... and on another port it is taken as chosen on purpose
    catches_not("CL509", compose=_publishing(80), dockerfile=dockerfile, files=alone)


def test_cl508_node_listen_with_a_host_variable() -> None:
    dockerfile = 'FROM node:22-alpine\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n'
    files = {"server.js": "app.listen(3000, HOST);\n"}
    catches_not("CL508", compose=_publishing(3000), dockerfile=dockerfile, files=files)


# --- CL516 server-not-pid1 --------------------------------------------------------------

PY_START = 'FROM python:3.13-slim\nCOPY start.sh /start.sh\nENTRYPOINT ["/start.sh"]\n'
MIGRATE_THEN = "#!/bin/sh\nset -e\npython manage.py migrate\n"


def test_cl516_entrypoint_script_starts_the_server_without_exec() -> None:
    files = {"start.sh": MIGRATE_THEN + "gunicorn app.wsgi -b 0.0.0.0:8000\n"}
    [message] = catches("CL516", compose=WEB, dockerfile=PY_START, files=files, at="Dockerfile:3:1")
    assert "whose last command, on line 4, starts gunicorn without exec" in message
    assert '("gunicorn app.wsgi -b 0.0.0.0:8000")' in message
    assert 'put "exec" in front of it on line 4' in message
    # closing messages after it do not change who serves; && lists and wrappers neither
    files = {"start.sh": MIGRATE_THEN + "gosu app celery -A proj worker\necho stopped\nexit 1\n"}
    [message] = catches("CL516", compose=WEB, dockerfile=PY_START, files=files)
    assert "starts celery worker without exec" in message
    files = {"start.sh": "#!/bin/bash\ncd /app && npm start\n"}
    catches("CL516", compose=WEB, dockerfile=PY_START, files=files)


def test_cl516_cmd_script_and_compose_command() -> None:
    """Without an ENTRYPOINT on an official image, the script CMD runs is PID 1; a
    compose `command:` that runs the script is where it is reported."""
    dockerfile = 'FROM node:22-slim\nCOPY run.sh /run.sh\nCMD ["/run.sh"]\n'
    files = {"run.sh": "#!/bin/sh\nnode dist/server.js\n"}
    catches("CL516", compose=WEB, dockerfile=dockerfile, files=files, at="Dockerfile:3:1")
    compose = WEB + "    command: /run.sh\n"
    plain = 'FROM node:22-slim\nCOPY run.sh /run.sh\nCMD ["node"]\n'
    catches("CL516", compose=compose, dockerfile=plain, files=files, at="compose.yaml:4:14")


def test_cl516_script_passes_cmd_without_exec() -> None:
    dockerfile = PY_START + 'CMD ["uvicorn", "app:api", "--host", "0.0.0.0"]\n'
    files = {"start.sh": MIGRATE_THEN + '"$@"\n'}
    [message] = catches("CL516", compose=WEB, dockerfile=dockerfile, files=files)
    assert "runs CMD (uvicorn)" in message and 'write exec "$@" on line 4' in message


def test_cl516_sh_c_string_on_a_dash_image() -> None:
    """dash (Debian's /bin/sh) keeps itself as the parent of the last command of
    `sh -c`; bash and BusyBox sh replace themselves with it."""
    text = 'CMD ["sh", "-c", "python manage.py migrate && gunicorn app.wsgi"]\n'
    dockerfile = "FROM python:3.13-slim\n" + text
    [message] = catches("CL516", compose=WEB, dockerfile=dockerfile, at="Dockerfile:2:1")
    assert '"sh -c" on python:3.13-slim, whose /bin/sh (dash)' in message
    compose = WEB + '    command: sh -c "python manage.py migrate && python manage.py runserver"\n'
    catches("CL516", compose=compose, dockerfile="FROM python:3.13-slim\n", at="compose.yaml:4:14")
    entrypoint = WEB + '    entrypoint: sh -c "python manage.py migrate; celery -A app worker"\n'
    catches("CL516", compose=entrypoint, dockerfile="FROM python:3.13\n", at="compose.yaml:4:17")
    for quiet in (
        dockerfile.replace('"sh"', '"bash"'),  # bash runs the last command in its place
        dockerfile.replace("3.13-slim", "3.13-alpine"),  # so does BusyBox sh
        dockerfile.replace("&& gunicorn", "&& exec gunicorn"),
        dockerfile.replace("FROM python:3.13-slim", "FROM example.org/base:1"),  # unknown sh
    ):
        catches_not("CL516", compose=WEB, dockerfile=quiet)


@pytest.mark.parametrize(
    "script",
    [
        MIGRATE_THEN + "exec gunicorn app.wsgi\n",  # exec
        MIGRATE_THEN + 'exec "$@"\n',  # hands over to CMD
        MIGRATE_THEN + "exec gosu app gunicorn app.wsgi\n",
        # backgrounds and waits on purpose, or handles the signals itself
        "#!/bin/sh\ngunicorn app.wsgi &\nnginx -g 'daemon off;' &\nwait\n",
        "#!/bin/sh\ntrap 'kill $PID' TERM\ngunicorn app.wsgi & PID=$!\ngunicorn app.wsgi\n",
        "#!/bin/sh\ncelery -A proj worker &\n",
        # not a long-running server it knows, or one that goes to the background itself
        MIGRATE_THEN + "./bin/custom-server\n",
        MIGRATE_THEN + "python manage.py collectstatic --noinput\n",
        MIGRATE_THEN + "gunicorn --daemon app.wsgi\nsleep infinity\n",
        "#!/bin/sh\nnginx\n",
        "#!/bin/sh\nsupervisord -c /etc/supervisord.conf\n",
    ],
)
def test_cl516_near_misses_in_the_script(script: str) -> None:
    catches_not("CL516", compose=WEB, dockerfile=PY_START, files={"start.sh": script})


def test_cl516_near_misses_around_the_script() -> None:
    files = {"start.sh": MIGRATE_THEN + "gunicorn app.wsgi\n"}
    # an init is PID 1: tini or dumb-init in front, or compose init: true
    tini = PY_START.replace('["/start.sh"]', '["tini", "--", "/start.sh"]')
    catches_not("CL516", compose=WEB, dockerfile=tini, files=files)
    catches_not("CL516", compose=WEB + "    init: true\n", dockerfile=PY_START, files=files)
    # shell-form ENTRYPOINT: CL315 reports the shell in front
    shell_form = PY_START.replace('["/start.sh"]', "/start.sh")
    catches_not("CL516", compose=WEB, dockerfile=shell_form, files=files)
    # CMD on a base image whose ENTRYPOINT is not known (it may be an init such as s6)
    cmd_only = 'FROM ghcr.io/example/base:1\nCOPY start.sh /start.sh\nCMD ["/start.sh"]\n'
    catches_not("CL516", compose=WEB, dockerfile=cmd_only, files=files)
