"""Instruction and stage rules (CL315-CL328), one Dockerfile snippet per case, in the
shared vocabulary of conftest (`rule_catches` is its `catches`).

A snippet without its own FROM gets one in front of it, so its first line is line 2.
The compose-aware cases (build targets, service healthchecks, contexts) live in
fixtures/CL3xx-*/.
"""

from __future__ import annotations

import pytest
from conftest import catches as rule_catches
from conftest import catches_not

# -- CL315 shell-form-cmd -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "CMD python app.py",
        "ENTRYPOINT /docker-entrypoint.sh",
        "CMD gunicorn -b 0.0.0.0:$PORT app:app",
        "CMD ./wait-for db && python app.py",
        "CMD python app.py | tee /log",
    ],
)
def test_cl315_catches(text: str) -> None:
    rule_catches("CL315", dockerfile=text)


@pytest.mark.parametrize(
    "text",
    [
        'CMD ["python", "app.py"]',
        'ENTRYPOINT ["/docker-entrypoint.sh"]',
        "CMD []",
        "CMD exec gunicorn -b 0.0.0.0:$PORT app:app",
        "CMD ./wait-for db && exec python app.py",
        "HEALTHCHECK CMD curl -f http://localhost/ || exit 1",
        "ONBUILD CMD python app.py",
        'CMD ["python", "app.py"',  # broken JSON: the loader reports it
        'SHELL ["powershell", "-Command"]\nCMD Start-Service w3svc',
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCMD ping -t localhost",
    ],
)
def test_cl315_not_catches(text: str) -> None:
    catches_not("CL315", dockerfile=text)


@pytest.mark.parametrize("base", ["node:22-alpine", "alpine:3.22", "busybox:1.37"])
@pytest.mark.parametrize(
    "cmd",
    [
        "CMD npm run migrate && npm start",
        "CMD node server.js",
        "CMD ./wait db; node .",
        # expansions and quoted text are no compound commands
        "ENTRYPOINT openssl req -out ${DIR}/x.crt -subj '/O=(none)' && nginx -g 'daemon off;'",
        'CMD node "$(cat /entry)" --title "{x}"',
    ],
)
def test_cl315_busybox_sh_execs_the_last_command(base: str, cmd: str) -> None:
    # busybox ash, the /bin/sh of Alpine, replaces itself with the last command of a
    # `sh -c` string: the program is PID 1 and gets the stop signal
    catches_not("CL315", dockerfile=f"FROM {base}\n{cmd}\n")


@pytest.mark.parametrize(
    "cmd",
    [
        "CMD node server.js | tee /log",  # the last stage of a pipeline is a child
        "CMD node server.js &",  # backgrounded: the shell waits for nothing it replaced
        "CMD while true; do node server.js; done",  # inside a loop, never exec'd
        "CMD trap 'echo bye' TERM; node server.js",  # a trap keeps the shell
        "CMD { node server.js; }",  # a brace group
        "CMD (cd /app && node server.js)",  # a subshell
    ],
)
def test_cl315_busybox_sh_keeps_itself_otherwise(cmd: str) -> None:
    rule_catches("CL315", dockerfile=f"FROM node:22-alpine\n{cmd}\n")


def test_cl315_other_shells_are_not_assumed_to_exec() -> None:
    # Debian's /bin/sh (dash) and bash: reported as before
    rule_catches("CL315", dockerfile="FROM node:22-bookworm\nCMD npm run migrate && npm start\n")
    bash = 'FROM node:22-alpine\nSHELL ["/bin/bash", "-c"]\nCMD npm run migrate && npm start\n'
    rule_catches("CL315", dockerfile=bash)


def test_cl315_suggests_exec_form_for_a_plain_command() -> None:
    [message] = rule_catches("CL315", dockerfile="WORKDIR /app\n  CMD python app.py", at="3:3")
    assert 'write CMD ["python", "app.py"]' in message


def test_cl315_no_exec_form_when_the_shell_is_needed() -> None:
    [message] = rule_catches("CL315", dockerfile="CMD gunicorn -b 0.0.0.0:$PORT app:app")
    assert "JSON array" in message and '"exec"' in message


def test_cl315_cmd_feeds_an_exec_form_entrypoint() -> None:
    # issue 14: behind an init (the old case here, ENTRYPOINT ["tini", "--"]) CMD is the
    # program the init runs, so that is no longer reported; a program that takes CMD as
    # its plain arguments is
    text = 'FROM debian AS base\nENTRYPOINT ["/usr/bin/app"]\nFROM base\nCMD python app.py\n'
    [message] = rule_catches("CL315", dockerfile=text, at="4:1")
    assert '"/bin/sh", "-c", "python app.py"' in message and "line 2" in message


@pytest.mark.parametrize(
    "entrypoint",
    [
        '["tini", "--"]',
        '["/sbin/tini", "-g", "--"]',
        '["dumb-init"]',
        '["/usr/bin/dumb-init", "--"]',
    ],
)
def test_cl315_cmd_behind_an_init_is_the_program_it_runs(entrypoint: str) -> None:
    text = f"FROM debian AS base\nENTRYPOINT {entrypoint}\nFROM base\nCMD python app.py\n"
    catches_not("CL315", dockerfile=text)


WRAPPER = '#!/bin/sh\nset -e\nif [ "$1" = "migrate" ]; then\n  shift\nfi\nexec "$@"\n'
ON_WRAPPER = (
    "FROM python:3.13-slim\n"
    "COPY docker-entrypoint.sh /usr/local/bin/\n"
    "ENTRYPOINT {entrypoint}\n"
    "CMD gunicorn --bind 0.0.0.0:$PORT app:app\n"
)
CL315_WEB = "services:\n  web:\n    build: .\n"


@pytest.mark.parametrize(
    "entrypoint",
    [
        '["dumb-init", "--", "docker-entrypoint.sh"]',
        '["tini", "--", "/usr/local/bin/docker-entrypoint.sh"]',
    ],
)
def test_cl315_cmd_behind_an_init_and_an_exec_wrapper(entrypoint: str) -> None:
    catches_not(
        "CL315",
        compose=CL315_WEB,
        dockerfile=ON_WRAPPER.format(entrypoint=entrypoint),
        files={"docker-entrypoint.sh": WRAPPER},
    )


def test_cl315_exec_wrapper_with_compose_init() -> None:
    compose = CL315_WEB + "    init: true\n"
    dockerfile = ON_WRAPPER.format(entrypoint='["docker-entrypoint.sh"]')
    files = {"docker-entrypoint.sh": WRAPPER}
    catches_not("CL315", compose=compose, dockerfile=dockerfile, files=files)


def test_cl315_exec_wrapper_without_an_init_makes_the_shell_pid_1() -> None:
    dockerfile = ON_WRAPPER.format(entrypoint='["docker-entrypoint.sh"]')
    [message] = rule_catches(
        "CL315",
        compose=CL315_WEB,
        dockerfile=dockerfile,
        files={"docker-entrypoint.sh": WRAPPER},
        at="Dockerfile:4:1",
    )
    assert "run by the entrypoint script /usr/local/bin/docker-entrypoint.sh" in message
    assert '(its exec "$@" on line 6) as /bin/sh -c "gunicorn' in message
    assert "almost never what it expects" not in message
    assert '"init: true"' in message


def test_cl315_a_stage_no_service_builds_reads_the_script_of_one_that_shares_it() -> None:
    # richie: compose builds the development stage; the production stage beside it
    # inherits the same ENTRYPOINT script from their common stage
    dockerfile = (
        "FROM python:3.13-slim AS core\nCOPY docker-entrypoint.sh /usr/local/bin/\n"
        'ENTRYPOINT ["docker-entrypoint.sh"]\n'
        "FROM core AS development\nCMD python manage.py runserver\n"
        "FROM core AS production\nCMD gunicorn wsgi:application\n"
    )
    compose = CL315_WEB.replace("build: .", "build:\n      context: .\n      target: development")
    found = rule_catches(
        "CL315",
        compose=compose,
        dockerfile=dockerfile,
        files={"docker-entrypoint.sh": WRAPPER},
        at=["Dockerfile:5:1", "Dockerfile:7:1"],
    )
    for message in found:
        assert "run by the entrypoint script /usr/local/bin/docker-entrypoint.sh" in message
        assert "almost never what it expects" not in message
    # the service's init: true is its own; the stage it does not build keeps the shell PID 1
    init = compose + "    init: true\n"
    rule_catches(
        "CL315", compose=init, dockerfile=dockerfile, files={"docker-entrypoint.sh": WRAPPER},
        at="Dockerfile:7:1",
    )  # fmt: skip


def test_cl315_init_before_a_script_that_does_not_exec_its_arguments() -> None:
    dockerfile = ON_WRAPPER.format(entrypoint='["tini", "--", "docker-entrypoint.sh"]')
    files = {"docker-entrypoint.sh": "#!/bin/sh\nexec gunicorn app:app\n"}
    rule_catches(
        "CL315", compose=CL315_WEB, dockerfile=dockerfile, files=files, at="Dockerfile:4:1"
    )


def test_cl315_compose_init_without_entrypoint() -> None:
    compose = CL315_WEB + "    init: true\n"
    catches_not("CL315", compose=compose, dockerfile="FROM python:3.13-slim\nCMD python app.py\n")


def test_cl315_names_the_stage_shell() -> None:
    [message] = rule_catches("CL315", dockerfile='SHELL ["/bin/bash", "-c"]\nCMD python app.py')
    assert "under /bin/bash -c" in message


def test_cl315_reports_each() -> None:
    rule_catches("CL315", dockerfile="CMD a\nENTRYPOINT b\n", at=["2:1", "3:1"])


# -- CL319 consecutive-run ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("RUN a\nRUN b\n", [3]),
        ("RUN a\nRUN b\nRUN c\n", [3, 4]),
        ("RUN a\n# note\n\nRUN b\n", [5]),
        ('RUN ["a", "b"]\nRUN c\n', [3]),
        ("RUN x=1\nRUN y\n", [3]),
        ("RUN --mount=type=cache,target=/a a\nRUN --mount=target=/a,type=cache b\n", [3]),
        (
            "RUN --network=none --mount=type=cache,target=/a a\n"
            "RUN --mount=type=cache,target=/a --network=none b\n",
            [3],
        ),
        ("RUN a && b\nRUN c\nRUN d\n", [4]),
        ("RUN a \\\n  --flag\nRUN b\n", [4]),
    ],
)
def test_cl319_catches(text: str, lines: list[int]) -> None:
    rule_catches("CL319", dockerfile=text, at=[f"{line}:1" for line in lines])


@pytest.mark.parametrize(
    "text",
    [
        "RUN a\n",
        "RUN a\nWORKDIR /\nRUN b\n",
        "RUN a && b\nRUN c\n",
        "RUN a\nRUN b && c\n",
        "RUN a | b\nRUN c\n",
        "RUN a; b\nRUN c\n",
        "RUN a\nRUN echo $(date)\n",
        "RUN a\nRUN echo `date`\n",
        "RUN --mount=type=secret,id=a a\nRUN b\n",
        "RUN --mount=type=secret,id=a a\nRUN --mount=type=secret,id=b b\n",
        "RUN a\nFROM debian\nRUN b\n",
        "RUN a\nONBUILD RUN b\nRUN c\n",
        "RUN <<EOF\na\nb\nEOF\nRUN c\n",
        'RUN a\nRUN ["sh", "-c", "b && c"]\n',
    ],
)
def test_cl319_not_catches(text: str) -> None:
    catches_not("CL319", dockerfile=text)


def test_cl319_message_shows_the_joined_run() -> None:
    [message] = rule_catches("CL319", dockerfile="RUN apt-get update\nRUN make\n")
    assert "line 2" in message and '"RUN apt-get update && make"' in message


# -- CL320 maintainer-deprecated ----------------------------------------------------------


def test_cl320_catches_and_suggests_the_label() -> None:
    maintainer = 'MAINTAINER "Jane Doe <jane@example.com>"'
    [message] = rule_catches("CL320", dockerfile=maintainer, at="2:1")
    assert 'LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"' in message


def test_cl320_label_already_there() -> None:
    text = 'LABEL org.opencontainers.image.authors="jane"\nMAINTAINER jane\n'
    [message] = rule_catches("CL320", dockerfile=text)
    assert "remove it" in message and "line 2" in message


@pytest.mark.parametrize(
    "text", ['LABEL maintainer="jane"', 'LABEL org.opencontainers.image.authors="jane"']
)
def test_cl320_not_catches(text: str) -> None:
    catches_not("CL320", dockerfile=text)


def test_cl320_every_stage() -> None:
    text = "FROM a AS one\nMAINTAINER x\nFROM b\nMAINTAINER y\n"
    rule_catches("CL320", dockerfile=text, at=["2:1", "4:1"])


# -- CL321 / CL322 / CL325: only the last one counts --------------------------------------


@pytest.mark.parametrize(
    ("code", "keyword", "value"),
    [
        ("CL321", "CMD", '["a"]'),
        ("CL322", "ENTRYPOINT", '["a"]'),
        ("CL325", "HEALTHCHECK", "CMD true"),
    ],
)
def test_last_one_wins(code: str, keyword: str, value: str) -> None:
    text = f"{keyword} {value}\nRUN x\n{keyword} {value}\n{keyword} {value}\n"
    found = rule_catches(code, dockerfile=text, at=["2:1", "4:1"])
    assert all("line 5" in message for message in found)
    catches_not(code, dockerfile=f"{keyword} {value}\n")
    # per stage: a stage built FROM another may set its own
    catches_not(
        code, dockerfile=f"FROM a AS base\n{keyword} {value}\nFROM base\n{keyword} {value}\n"
    )
    catches_not(code, dockerfile=f"ONBUILD {keyword} {value}\n{keyword} {value}\n")


def test_cl325_none_counts_too() -> None:
    rule_catches("CL325", dockerfile="HEALTHCHECK CMD true\nHEALTHCHECK NONE\n", at="2:1")


# -- CL324 invalid-expose-port ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("EXPOSE 70000", 8, "out of range"),
        ("EXPOSE 80 65536/udp", 11, "out of range"),
        ("EXPOSE 8000-70000", 8, "out of range"),
        ("EXPOSE 80/tcpp", 8, '"80/tcp"'),
        ("EXPOSE 80/http", 8, "unknown protocol"),
        ("EXPOSE abc", 8, '"$abc"'),
        ("EXPOSE 80a", 8, "not a port"),
        ("EXPOSE 8080:80", 8, '"EXPOSE 80"'),
        ("EXPOSE 127.0.0.1:8080:80/udp", 8, '"EXPOSE 80/udp"'),
        ("EXPOSE 9000-8000", 8, '"8000-9000"'),
        ("EXPOSE 80/tcp/x", 8, 'more than one "/"'),
        # Docker reads ASCII digits only, and a huge number is out of range, not a crash
        ("EXPOSE \u00b2", 8, "not a port"),
        ("EXPOSE 80\u0663", 8, "not a port"),
        ("EXPOSE " + "9" * 5000, 8, "out of range"),
        ("EXPOSE 1-" + "9" * 5000 + "/udp", 8, "out of range"),
    ],
)
def test_cl324_catches(text: str, column: int, fragment: str) -> None:
    [message] = rule_catches("CL324", dockerfile=text, at=f"2:{column}")
    assert fragment in message


@pytest.mark.parametrize(
    "text",
    [
        "EXPOSE 80",
        "EXPOSE 0 65535",
        "EXPOSE 80/tcp 53/udp 3868/sctp",
        "EXPOSE 80/TCP",
        "EXPOSE 8000-8010",
        "EXPOSE $PORT ${ADMIN_PORT:-9000}/udp",
        "EXPOSE 80/",
    ],
)
def test_cl324_not_catches(text: str) -> None:
    catches_not("CL324", dockerfile=text)


def test_cl324_variable_names_come_from_the_env_and_arg_pairs() -> None:
    """`ENV A some value` (the legacy form) declares A only: "some" is no variable."""
    text = "ENV PORT some value\nARG ADMIN=9000\nEXPOSE some ADMIN PORT\n"
    some, admin, port = rule_catches("CL324", dockerfile=text, at=["4:8", "4:13", "4:19"])
    assert "to use a build argument or variable" in some
    assert "declared on line 3" in admin and "declared on line 2" in port


def test_cl324_points_at_the_word_on_a_continued_line() -> None:
    rule_catches("CL324", dockerfile="EXPOSE 80 \\\n    443 \\\n    99999\n", at="4:5")


def test_cl324_same_word_twice() -> None:
    rule_catches("CL324", dockerfile="EXPOSE 70000 70000", at=["2:8", "2:14"])


# -- CL326 missing-healthcheck (a Dockerfile on its own: its last stage) -------------------


def test_cl326_last_stage() -> None:
    text = "FROM golang AS build\nRUN go build\nFROM debian AS run\nCOPY --from=build /a /a\n"
    [message] = rule_catches("CL326", dockerfile=text, at="3:1")
    assert '"FROM debian AS run"' in message


@pytest.mark.parametrize(
    "text",
    [
        "HEALTHCHECK CMD true",
        "HEALTHCHECK NONE",
        "FROM debian AS base\nHEALTHCHECK CMD true\nFROM base\nRUN x\n",
        "FROM debian AS a\nFROM a AS b\nHEALTHCHECK CMD true\nFROM b\n",
    ],
)
def test_cl326_not_catches(text: str) -> None:
    catches_not("CL326", dockerfile=text)


def test_cl326_only_a_parent_stage_counts() -> None:
    text = "FROM debian AS base\nHEALTHCHECK CMD true\nFROM debian\nCOPY --from=base /a /a\n"
    rule_catches("CL326", dockerfile=text, at="3:1")


# -- CL328 dependency-cache-busted --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (
            "WORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n",
            "COPY requirements.txt .",
        ),
        (
            "WORKDIR /app\nCOPY . .\nRUN python3 -m pip install --no-cache-dir -rreqs.txt\n",
            "COPY reqs.txt .",
        ),
        (
            "COPY . /app\nRUN pip install -r /app/requirements/prod.txt\n",
            "COPY requirements/prod.txt /app/requirements/",
        ),
        ("WORKDIR /app\nCOPY . .\nRUN npm ci\n", "COPY package.json "),
        ("WORKDIR /app\nCOPY . .\nRUN npm install --omit=dev\n", "RUN npm install --omit=dev"),
        ("WORKDIR /app\nCOPY ./ ./\nRUN yarn install --frozen-lockfile\n", "package.json"),
        ("WORKDIR /app\nCOPY . .\nRUN pnpm install\n", "package.json"),
        ("WORKDIR /app\nCOPY . .\nRUN poetry install\n", "RUN poetry install --no-root"),
        ("WORKDIR /app\nCOPY . .\nRUN uv sync --locked\n", "--no-install-project"),
        ("WORKDIR /app\nCOPY . .\nRUN pipenv install --deploy --system\n", "Pipfile"),
        ("WORKDIR /app\nCOPY . .\nRUN bundle install\n", "Gemfile"),
        ("WORKDIR /src\nCOPY . .\nRUN go mod download && go build -o /app\n", "go.mod"),
        ("WORKDIR /app\nCOPY . .\nRUN composer install --no-dev\n", "composer.json"),
        (
            "WORKDIR /app\nCOPY . .\nRUN apt-get update \\\n && sudo pip install -r r.txt\n",
            "line 5",
        ),
        ("FROM node AS deps\nWORKDIR /app\nCOPY . .\nFROM deps\nRUN npm ci\n", "npm ci"),
        ("WORKDIR /app\nCOPY package.json ./\nCOPY . .\nRUN npm ci\n", "package.json"),
        (
            "WORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
            "COPY . .\nRUN pip install -r requirements-dev.txt\n",
            "COPY requirements-dev.txt .",
        ),
    ],
)
def test_cl328_catches(text: str, fragment: str) -> None:
    [message] = rule_catches("CL328", dockerfile=text)
    assert fragment in message, message


def test_cl328_location_is_the_whole_context_copy() -> None:
    text = "WORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
    rule_catches("CL328", dockerfile=text, at="3:1")


@pytest.mark.parametrize(
    "text",
    [
        # the tutorial's order
        "WORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n",
        # installing the project itself needs its source
        "WORKDIR /app\nCOPY . .\nRUN pip install .\n",
        "WORKDIR /app\nCOPY . .\nRUN pip install -e . && pip install gunicorn\n",
        # dependencies first, then the project
        "WORKDIR /app\nCOPY pyproject.toml poetry.lock ./\nRUN poetry install --no-root\n"
        "COPY . .\nRUN poetry install\n",
        "WORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\n"
        "RUN npm run build\n",
        # adding one package, building: not a manifest install
        "WORKDIR /app\nCOPY . .\nRUN npm install -g serve\n",
        "WORKDIR /app\nCOPY . .\nRUN yarn build\n",
        "WORKDIR /app\nCOPY . .\nRUN go build -o /app\n",
        # the copy comes from another stage, or only in a trigger
        "FROM node AS b\nRUN x\nFROM node\nCOPY --from=b . .\nRUN npm ci\n",
        "WORKDIR /app\nONBUILD COPY . .\nRUN npm ci\n",
        # a later stage that does not build on the copying one
        "FROM node AS a\nCOPY . .\nFROM node\nCOPY package.json .\nRUN npm ci\n",
    ],
)
def test_cl328_not_catches(text: str) -> None:
    catches_not("CL328", dockerfile=text)


def test_cl328_one_finding_per_copy() -> None:
    text = "WORKDIR /app\nCOPY . .\nRUN npm ci\nRUN pip install -r requirements.txt\n"
    rule_catches("CL328", dockerfile=text, at="3:1")


def test_cl328_a_manifest_made_in_the_image_has_nothing_to_copy_first() -> None:
    # modoboa: pip-compile writes the requirements files from the sources just copied
    text = (
        "FROM python:3.14-alpine\nWORKDIR /tmp\nCOPY . /tmp\n"
        "RUN pip-compile --output-file=requirements.txt pyproject.toml\n"
        "RUN pip-compile --extra=dev -o dev-requirements.txt pyproject.toml\n"
        "RUN pip install -r requirements.txt -r dev-requirements.txt\n"
    )
    catches_not("CL328", dockerfile=text)
    exported = "FROM python:3.13\nCOPY . .\nRUN poetry export > requirements.txt\n"
    catches_not("CL328", dockerfile=exported + "RUN pip install -r requirements.txt\n")
    same_run = "FROM python:3.13\nCOPY . .\nRUN uv export -o r.txt && pip install -r r.txt\n"
    catches_not("CL328", dockerfile=same_run)
    # one made there, one from the context: the other is still worth copying first
    both = text.replace("-r dev-requirements.txt", "-r base.txt")
    rule_catches("CL328", dockerfile=both, at="3:1")


def test_cl328_lock_file_from_the_context() -> None:
    text = "FROM node\nWORKDIR /app\nCOPY . .\nRUN yarn\n"
    files = {"package.json": "{}", "yarn.lock": ""}
    [message] = rule_catches("CL328", dockerfile=text, files=files)
    assert "COPY package.json yarn.lock ./" in message


# --- read once, read alike: the fixes the shared model brought ---------------------------


def test_cl315_windows_image_by_its_servercore_tag() -> None:
    """One reading of "a Windows image" for CL304 and CL315: a `-windowsservercore-`
    tag runs CMD under cmd, which has no POSIX signals to forward."""
    base = "FROM mcr.microsoft.com/dotnet/framework/runtime:4.8-windowsservercore-ltsc2019\n"
    catches_not("CL315", dockerfile=base + "CMD app.exe --serve\n")


@pytest.mark.parametrize(
    "install",
    [
        "stdbuf -o0 pip install -r requirements.txt",
        "gosu app pip install -r requirements.txt",
        "yarn --frozen-lockfile --network-timeout 600000",
        "npm install --loglevel warn",
    ],
)
def test_cl328_reads_installs_with_the_shared_reader(install: str) -> None:
    """Wrappers come off and option values are not packages (`--network-timeout 600000`
    is no package list, so this yarn call installs the manifest)."""
    rule_catches("CL328", dockerfile=f"WORKDIR /app\nCOPY . .\nRUN {install}\n", at="3:1")


def test_cl328_pnpm_fetch_before_the_copy_counts() -> None:
    """`pnpm fetch` (lock file only) before `COPY . .`, then `pnpm install --offline`:
    the cache-friendly order pnpm documents."""
    catches_not(
        "CL328",
        dockerfile="WORKDIR /app\nCOPY pnpm-lock.yaml ./\nRUN pnpm fetch\nCOPY . .\n"
        "RUN pnpm install --offline\n",
    )


def test_cl315_powershell_by_any_path() -> None:
    """One reading of "not a POSIX shell" (model.image.non_posix_shell): pwsh named by
    a Unix path was taken for a POSIX shell, while bare "pwsh" was not."""
    catches_not("CL315", dockerfile='SHELL ["/usr/bin/pwsh", "-c"]\nCMD Start-App\n')
    catches_not("CL315", dockerfile='SHELL ["pwsh", "-c"]\nCMD Start-App\n')


@pytest.mark.parametrize(
    ("install", "fragment"),
    [
        ("bun install", "COPY package.json"),
        ("pdm install --prod", "RUN pdm install --prod --no-self"),
        ("uv pip sync requirements.txt", "COPY requirements.txt"),
    ],
)
def test_cl328_reads_installs_as_cl503_does(install: str, fragment: str) -> None:
    """CL328 and CL503 share model.installs: installers CL503 knew and CL328 did not
    (bun, pdm, uv pip sync) count for both."""
    [message] = rule_catches("CL328", dockerfile=f"WORKDIR /app\nCOPY . .\nRUN {install}\n")
    assert fragment in message, message


@pytest.mark.parametrize("command", ["poetry export -o requirements.txt", "hatch build"])
def test_cl328_reading_a_manifest_is_not_installing(command: str) -> None:
    catches_not("CL328", dockerfile=f"WORKDIR /app\nCOPY . .\nRUN {command}\n")


@pytest.mark.parametrize("second", ["RUN echo $((1 + 2))", "RUN echo '$(not run)'"])
def test_cl319_counts_substitutions_the_shell_runs(second: str) -> None:
    """Command substitutions come from the shell grammar, not from counting "$(" in
    the text: arithmetic and quoted text run no command."""
    rule_catches("CL319", dockerfile=f"RUN a\n{second}\n", at="3:1")


def test_cl320_reads_label_keys_not_text() -> None:
    """The authors LABEL is a key of LABEL's pairs (Instruction.label_pairs), not any
    mention of its name."""
    text = 'LABEL description="see org.opencontainers.image.authors"\nMAINTAINER jane\n'
    [message] = rule_catches("CL320", dockerfile=text)
    assert "replace it with LABEL" in message


def test_cl315_cmd_of_a_script_that_is_itself_the_long_running_shell() -> None:
    # process.sh loops forever and execs nothing: in exec form its own shell is PID 1
    # all the same, so the advice would change nothing
    dockerfile = "FROM alpine:3.20\nCOPY process.sh /process.sh\nCMD /process.sh\n"
    loop = "#!/bin/sh\nwhile true; do\n  echo waiting\n  sleep 1\ndone\n"
    catches_not("CL315", compose=CL315_WEB, dockerfile=dockerfile, files={"process.sh": loop})
    # a script that ends by exec-ing its server is helped by the exec form where /bin/sh
    # stays PID 1 (Debian's dash)...
    execs = "#!/bin/sh\nset -e\nexec gunicorn app:app\n"
    rule_catches(
        "CL315",
        compose=CL315_WEB,
        dockerfile=dockerfile.replace("alpine:3.20", "debian:bookworm"),
        files={"process.sh": execs},
        at="Dockerfile:3:1",
    )
    # ...not on Alpine, whose busybox sh replaces itself with the script
    catches_not("CL315", compose=CL315_WEB, dockerfile=dockerfile, files={"process.sh": execs})


@pytest.mark.parametrize("script", ["postinstall", "prepare", "install", "preinstall"])
def test_cl328_an_install_whose_lifecycle_scripts_need_the_sources(script: str) -> None:
    # npm runs package.json's install scripts: a postinstall that builds the app needs the
    # whole context, so installing before COPY . . would break the build
    dockerfile = "FROM node:24\nWORKDIR /app\nCOPY . .\nRUN npm install\n"
    manifest = f'{{"name": "shop", "scripts": {{"{script}": "npm run build"}}}}\n'
    compose = "services:\n  web:\n    build: .\n"
    catches_not("CL328", compose=compose, dockerfile=dockerfile, files={"package.json": manifest})
    # with the scripts turned off, the install reads only the manifests
    ignored = dockerfile.replace("npm install", "npm ci --ignore-scripts")
    files = {"package.json": manifest, "package-lock.json": "{}\n"}
    rule_catches("CL328", compose=compose, dockerfile=ignored, files=files)
