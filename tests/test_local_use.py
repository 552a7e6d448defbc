"""Production-hygiene rules (CL302 pinning, CL304 root, CL307/CL309 image size) stay
silent on what is plainly for local use: a test runner, the mail catcher a development
override adds, a service behind a profile, a development stage. The same service in
the application's own compose file is still reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import catches, catches_not

from compose_lint.model.purpose import is_local_file

# a database admin tool: typical of a development file, reported in the application's
ADMINER = "services:\n  adminer:\n    image: adminer\n"
APP = 'FROM python:3.13-slim\nCOPY . /app\nCMD ["python", "/app/main.py"]\n'
APT = (
    "FROM debian:bookworm\n"
    "RUN apt-get update && apt-get install -y curl\n"
    'CMD ["sleep", "infinity"]\n'
)


# --- CL302 unpinned-image ---------------------------------------------------------------


def test_cl302_reports_the_application_compose_file() -> None:
    catches("CL302", compose=ADMINER, at="compose.yaml:3:12")


@pytest.mark.parametrize(
    "path",
    [
        "tests/e2e/compose.yaml",
        "ci/compose.yaml",
        "docker-compose.dev.yml",
        "compose.test.yaml",
        "docker-testing/docker-compose-mysql.yml",
    ],
)
def test_cl302_silent_in_local_files(path: str) -> None:
    catches_not("CL302", files={path: ADMINER}, target=path)


def test_cl302_silent_for_a_service_only_the_override_adds() -> None:
    base = "services:\n  web:\n    image: nginx:1.27\n"
    override = "services:\n  web:\n    image: nginx\n  adminer:\n    image: adminer\n"
    found = catches("CL302", compose=base, files={"compose.override.yaml": override})
    # the override's change to the application's own service is still reported
    assert len(found) == 1 and '"nginx"' in found[0], found


def test_cl302_silent_behind_a_profile() -> None:
    compose = "services:\n  adminer:\n    image: adminer\n    profiles: [debug]\n"
    catches_not("CL302", compose=compose)


def test_cl302_silent_in_the_development_variant_of_a_production_file() -> None:
    prod = "services:\n  adminer:\n    image: adminer:4.8.1\n"
    catches_not("CL302", compose=ADMINER, files={"compose.prod.yaml": prod})
    # the other way round: a file named like a variant does not make compose.yaml dev
    catches("CL302", compose=ADMINER, files={"compose.latest.yaml": prod})


def test_cl302_silent_for_the_projects_own_image_on_latest() -> None:
    own = "services:\n  app:\n    image: ghcr.io/shop/shop:latest\n"
    layout = {"shop/.git/HEAD": "ref: refs/heads/main\n", "shop/compose.yaml": own}
    catches_not("CL302", files=layout, target="shop")
    voting = "services:\n  vote:\n    image: samples/shop_vote\n"
    catches_not("CL302", files={**layout, "shop/compose.yaml": voting}, target="shop")
    other = "services:\n  app:\n    image: ghcr.io/acme/shopping-cart:latest\n"
    catches("CL302", files={**layout, "shop/compose.yaml": other}, target="shop")


def test_cl302_silent_for_an_image_another_compose_file_of_the_repository_builds() -> None:
    # The deployment file pulls the images the build file produces (AppFlowy-Cloud):
    # they are the repository's own, published by the people who push `latest`.
    build = "services:\n  api:\n    build: .\n    image: acme/api:${API_TAG:-latest}\n"
    deploy = "services:\n  api:\n    image: acme/api:${API_TAG:-latest}\n"
    files = {"Dockerfile": APP, "deploy/compose.yaml": deploy}
    catches_not("CL302", compose=build, files=files)
    # the near miss: another publisher's image of the same name is pulled
    other = deploy.replace("acme/api", "other/api")
    catches("CL302", compose=build, files={**files, "deploy/compose.yaml": other})


def test_cl302_silent_for_an_image_of_the_projects_own_namespace() -> None:
    # The CI file builds two of the project's images; the deployment file also pulls
    # others its maintainers publish in the same namespace (AppFlowy-Cloud's gotrue).
    ci = "services:\n  api:\n    build: .\n    image: acme/api:${API_TAG:-latest}\n"
    deploy = (
        "services:\n  api:\n    image: acme/api:${API_TAG:-latest}\n"
        "  auth:\n    image: acme/gotrue:${GOTRUE_VERSION:-latest}\n"
    )
    files = {"Dockerfile": APP, "ci/compose.yaml": ci}
    catches_not("CL302", compose=deploy, files=files)
    # the same name from another namespace is someone else's release channel
    upstream = deploy.replace("acme/gotrue", "supabase/gotrue")
    catches("CL302", compose=upstream, files=files, at="compose.yaml:5:12")
    # a namespace shared only with an image the project pulls says nothing, nor does
    # one shared with an image merely named like the checkout (an app store's folder)
    store = (
        "services:\n  app:\n    image: lscr.io/linuxserver/bookstack:26.05\n"
        "  db:\n    image: lscr.io/linuxserver/mariadb\n"
    )
    layout = {"bookstack/.git/HEAD": "ref: refs/heads/main\n", "bookstack/compose.yaml": store}
    catches("CL302", files=layout, target="bookstack", at="bookstack/compose.yaml:5:12")


def test_cl302_silent_for_an_image_a_build_script_of_the_project_builds() -> None:
    # atsea's Windows variant: build.ps1 runs `docker build -t atsea-db .` before
    # `docker compose up`, so nothing is pulled and there is no registry tag to pin.
    compose = "services:\n  db:\n    image: atsea-db\n  api:\n    image: atsea-api\n"
    script = "cd database\ndocker build -t atsea-db-builder -f Dockerfile.builder .\n"
    script += "docker build -t atsea-db .\n"
    files = {"build.ps1": script}
    catches("CL302", compose=compose, files=files, at="compose.yaml:5:12")  # atsea-api
    sh = {"build.sh": "#!/bin/sh\ndocker build --tag atsea-api:dev .\n", **files}
    catches_not("CL302", compose=compose, files=sh)
    # a name the script builds only from a variable, or only mentions, proves nothing
    loose = {"build.sh": 'docker build -t "$NAME" .\necho docker build -t atsea-api\n', **files}
    catches("CL302", compose=compose, files=loose, at="compose.yaml:5:12")


def test_cl302_silent_in_a_dockerfile_only_local_services_build() -> None:
    compose = "services:\n  sut:\n    build: .\n    profiles: [test]\n"
    catches_not("CL302", compose=compose, dockerfile='FROM python\nCMD ["pytest"]\n')
    compose = "services:\n  web:\n    build: .\n"
    catches("CL302", compose=compose, dockerfile='FROM python\nCMD ["pytest"]\n')


# --- CL304 runs-as-root -----------------------------------------------------------------


def test_cl304_silent_for_a_development_target() -> None:
    dockerfile = APP + 'FROM python:3.13-slim AS dev\nCMD ["flask", "run"]\n'
    compose = "services:\n  web:\n    build:\n      context: .\n      target: dev\n"
    catches_not("CL304", compose=compose, dockerfile=dockerfile)


def test_cl304_silent_for_a_local_dockerfile() -> None:
    compose = "services:\n  web:\n    build:\n      context: .\n      dockerfile: Dockerfile.dev\n"
    catches_not("CL304", compose=compose, files={"Dockerfile.dev": APP})


def test_cl304_silent_for_a_test_runner_image() -> None:
    compose = "services:\n  web:\n    build: .\n  sut:\n    build: ./tests\n"
    found = catches("CL304", compose=compose, dockerfile=APP, files={"tests/Dockerfile": APP})
    assert len(found) == 1 and '"web"' in found[0], found
    # the application's Dockerfile, built here only by a test file, is still reported
    catches(
        "CL304",
        files={"compose.test.yaml": "services:\n  sut:\n    build: .\n", "Dockerfile": APP},
        target="compose.test.yaml",
    )


# --- CL307 / CL309 / CL317 image size, CL316 apt's front end -------------------------------

# a Dockerfile each of these practice rules reports when it is the application's
PRACTICE = {
    "CL307": APT,
    "CL309": APT,
    "CL316": "FROM debian:bookworm\nRUN apt-get update && apt install -y curl\n",
    "CL317": "FROM python:3.13-slim\nRUN pip install flask==3.1.0\n",
}


@pytest.mark.parametrize("code", list(PRACTICE))
def test_image_size_rules_silent_for_a_test_image(code: str) -> None:
    dockerfile = PRACTICE[code]
    compose = "services:\n  sut:\n    build: ./tests\n"
    catches_not(code, compose=compose, files={"tests/Dockerfile": dockerfile})
    catches_not(
        code,
        compose="services:\n  sut:\n    build: {context: ., dockerfile: Dockerfile.test}\n",
        files={"Dockerfile.test": dockerfile},
    )
    catches(code, compose="services:\n  web:\n    build: .\n", dockerfile=dockerfile)
    # a development image is still shipped to a registry often enough: size counts
    catches(
        code,
        files={"compose.dev.yaml": "services:\n  web:\n    build: .\n", "Dockerfile": dockerfile},
        target="compose.dev.yaml",
    )


@pytest.mark.parametrize("code", list(PRACTICE))
@pytest.mark.parametrize(
    ("compose", "files"),
    [
        # a devcontainer: the editor's development environment, never shipped
        (
            "services:\n  dev:\n    build: {context: .., dockerfile: .devcontainer/Dockerfile}\n",
            {".devcontainer/Dockerfile": APT},
        ),
        (None, {".devcontainer/Dockerfile": APT}),
        # the development variant, by its name
        (
            "services:\n  web:\n    build: {context: ., dockerfile: Dockerfile.dev}\n",
            {"Dockerfile.dev": APT},
        ),
        # a retired service's
        (
            "services:\n  old:\n    build: .\n    profiles: [legacy]\n",
            {"Dockerfile": APT},
        ),
    ],
)
def test_image_size_rules_silent_for_a_development_image(
    code: str, compose: str | None, files: dict[str, str]
) -> None:
    target = ".devcontainer/Dockerfile" if compose is None else None
    layout = {path: PRACTICE[code] for path in files}
    if compose is not None:
        where = ".devcontainer/compose.yaml" if ".." in compose else "compose.yaml"
        layout[where] = compose
        target = where
    catches_not(code, files=layout, target=target)


@pytest.mark.parametrize("code", ["CL307", "CL309"])
def test_image_size_rules_still_report_the_applications_development_image(code: str) -> None:
    # the image developers of the application build and pull every day, by the name of
    # the production file beside it or by its build target
    compose = "services:\n  web:\n    build: .\n"
    catches(code, compose=compose, dockerfile=APT, files={"Dockerfile.prod": "FROM scratch\n"})
    compose = "services:\n  web:\n    build: {context: ., target: dev}\n"
    catches(code, compose=compose, dockerfile=APT.replace("bookworm", "bookworm AS dev"))


def test_cl304_still_reports_the_dockerfile_only_a_development_file_builds() -> None:
    # the application's only Dockerfile; CI pushes its image, whatever builds it here
    compose = "services:\n  web:\n    build: .\n"
    catches(
        "CL304", files={"compose.dev.yaml": compose, "Dockerfile": APP}, target="compose.dev.yaml"
    )


def test_cl304_silent_for_the_development_dockerfile_beside_a_production_one() -> None:
    compose = "services:\n  web:\n    build: .\n"
    prod = "FROM python:3.13-slim\nRUN useradd app\nUSER app\n"
    catches_not("CL304", compose=compose, dockerfile=APP, files={"Dockerfile.prod": prod})


def test_local_files_include_devcontainers_and_named_variants() -> None:
    assert is_local_file(".devcontainer/compose.yaml")
    assert is_local_file("docker/Dockerfile.e2e")
    assert not is_local_file("docker/Dockerfile.prod")


# --- CL304: programs that are root by design -------------------------------------------

SCRIPTED = (
    "FROM debian:bookworm\n"
    "COPY start.sh /usr/local/bin/start.sh\n"
    'ENTRYPOINT ["/usr/local/bin/start.sh"]\n'
)


@pytest.mark.parametrize(
    ("dockerfile", "files"),
    [
        ('FROM debian:bookworm\nCMD ["supervisord", "-n"]\n', {}),
        ('FROM php:8.3-fpm\nCMD ["php-fpm8.3", "-F"]\n', {}),
        (SCRIPTED, {"start.sh": "#!/bin/sh\nset -e\nprepare\nexec cron -f\n"}),
        (SCRIPTED + 'CMD ["supervisord"]\n', {"start.sh": '#!/bin/sh\nexec "$@"\n'}),
        (
            'FROM alpine:3.20\nCOPY run.sh /run.sh\nCMD ["/run.sh"]\n',
            {"run.sh": "#!/bin/sh\nsetup\n/usr/sbin/httpd -D FOREGROUND\n"},
        ),
        # the php image's own entrypoint runs its arguments: apache is what serves
        (
            SCRIPTED.replace("debian:bookworm", "php:8.3-apache") + 'CMD ["--start"]\n',
            {
                "start.sh": "#!/bin/bash\nchown -R www-data /var/www/html\n"
                'if [ "$1" = --start ]; then\n  exec docker-php-entrypoint apache2-foreground\n'
                "else\n  exec /bin/bash -li\nfi\n"
            },
        ),
    ],
)
def test_cl304_silent_when_the_container_runs_a_root_by_design_program(
    dockerfile: str, files: dict[str, str]
) -> None:
    compose = "services:\n  web:\n    build: .\n"
    catches_not("CL304", compose=compose, dockerfile=dockerfile, files=files)


def test_cl304_still_reports_a_script_that_hands_over_to_the_application() -> None:
    compose = "services:\n  web:\n    build: .\n"
    script = "#!/bin/sh\nnginx -t\nexec python /app/main.py\n"
    catches("CL304", compose=compose, dockerfile=SCRIPTED, files={"start.sh": script})
    # a supervisor started in the background does not decide who serves
    script = "#!/bin/sh\ncron\nexec python /app/main.py\n"
    catches("CL304", compose=compose, dockerfile=SCRIPTED, files={"start.sh": script})
    # nor does the php image's entrypoint, when what it runs is the application
    php = SCRIPTED.replace("debian:bookworm", "php:8.3-cli")
    script = "#!/bin/sh\nexec docker-php-entrypoint php /app/worker.php\n"
    catches("CL304", compose=compose, dockerfile=php, files={"start.sh": script})


def test_cl304_reads_the_last_step_of_a_script_before_its_closing_lines() -> None:
    compose = "services:\n  web:\n    build: .\n"
    dockerfile = 'FROM alpine:3.20\nCOPY run.sh /run.sh\nCMD ["/run.sh"]\n'
    script = (
        '#!/bin/sh\nif [ "$MODE" = serve ]; then\n  setup\n  /usr/sbin/httpd -D FOREGROUND\n'
        'else\n  echo "configured"\n  exit 0\nfi\n'
    )
    catches_not("CL304", compose=compose, dockerfile=dockerfile, files={"run.sh": script})


def test_cl301_still_reports_an_image_only_tests_use() -> None:
    # an end-of-life release is worth replacing in a test setup too: it is what
    # the tests prove the application works with
    old = "services:\n  db:\n    image: postgres:9.4\n"
    catches("CL301", files={"compose.test.yaml": old}, target="compose.test.yaml")


def test_the_folder_named_on_the_command_line_is_an_application(tmp_path: Path) -> None:
    """`compose-lint fixtures/shop` lints an application; linting the checkout that
    holds it, `fixtures/` marks it as test data. Named files keep their path as shown,
    as pre-commit passes them."""
    from compose_lint.engine import Options, run

    shop = tmp_path / "fixtures" / "shop"
    shop.mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    (shop / "compose.yaml").write_text(ADMINER)

    def codes(*paths: str) -> list[str]:
        named = [str(tmp_path / p) for p in paths]
        result = run(named, Options(select=("CL302",), isolated=True), cwd=tmp_path)
        return [f.code for f in result.findings]

    assert codes("fixtures/shop") == ["CL302"]
    assert codes(".") == []
    assert codes("fixtures/shop/compose.yaml") == []


# --- services kept only for backward compatibility --------------------------------------

RETIRED = (
    "services:\n"
    "  api:\n"
    "    build: {{context: ., dockerfile: api/Dockerfile}}\n"
    "    environment:\n"
    "      - DATABASE_URL=postgresql://postgres:postgres@db:5432/app\n"
    "    ports: ['3170:3170']\n"
    "  old-api:\n"
    "    profiles: [{profile}]\n"
    "    build: {{context: ., dockerfile: old/Dockerfile}}\n"
    "    environment:\n"
    "      - DATABASE_URL=postgresql://postgres:postgres@db:5432/app\n"
    "    ports: ['3000:8080']\n"
    "  db:\n"
    "    image: postgres:17\n"
    "    ports: ['5432:5432']\n"
)
API = "FROM node:22-slim\nCOPY package.json ./\nRUN npm ci\nCOPY . .\nEXPOSE 3170\n"
OLD = "FROM node:22-slim\nCOPY . .\nRUN npm ci\nEXPOSE 3000\n"


@pytest.mark.parametrize("profile", ["deprecated", "legacy", "old", "archived", "legacy-v1"])
@pytest.mark.parametrize("code", ["CL215", "CL328", "CL501"])
def test_a_service_only_a_retired_profile_starts_is_not_worth_practice_advice(
    code: str, profile: str
) -> None:
    project = {
        "compose": RETIRED.format(profile=profile),
        "files": {"api/Dockerfile": API, "old/Dockerfile": OLD},
    }
    if code == "CL215":  # the service in use still reports its own copy of the password
        catches(code, **project, at="compose.yaml:5:9")
    else:
        catches_not(code, **project)


@pytest.mark.parametrize("profile", ["backend", "deprecated, backend", "golden"])
@pytest.mark.parametrize("code", ["CL215", "CL328", "CL501"])
def test_a_service_behind_an_ordinary_profile_is_still_reported(code: str, profile: str) -> None:
    # a profile that also starts it in use, or whose name only contains "old"
    project = {
        "compose": RETIRED.format(profile=profile),
        "files": {"api/Dockerfile": API, "old/Dockerfile": OLD},
    }
    at = {
        "CL215": ["compose.yaml:5:9", "compose.yaml:11:9"],
        "CL328": "old/Dockerfile:2:1",
        "CL501": "compose.yaml:12:13",
    }[code]
    catches(code, **project, at=at)


def test_a_value_a_retired_service_shares_is_judged_as_the_service_in_use() -> None:
    compose = (
        "x-env: &env\n"
        "  SMTP_PASSWORD: hunter22\n"
        "services:\n"
        "  old-api:\n"
        "    image: shop/api:1\n"
        "    profiles: [deprecated]\n"
        "    environment: *env\n"
        "  api:\n"
        "    image: shop/api:2\n"
        "    environment: *env\n"
    )
    [message] = catches("CL215", compose=compose, at="compose.yaml:2:3")
    assert message.startswith('service "api" sets environment variable "SMTP_PASSWORD"')
    only_retired = compose.removesuffix("    environment: *env\n")  # api sets nothing
    catches_not("CL215", compose=only_retired)
    catches("CL215", compose=only_retired, options={"local-files": True}, at="compose.yaml:2:3")


MATRIX = (
    "services:\n"
    "  mariadb-10-5-5:\n"
    "    image: mariadb:10.5.5\n"
    "  mariadb-11-8:\n"
    "    image: mariadb:11.8\n"
)


def test_cl301_silent_on_a_release_a_test_matrix_names_on_purpose() -> None:
    # a development file that runs one service per database release, each named after
    # it, keeps the old release to reproduce what users of it see
    header = "# FOR TEST AND DEVELOPMENT ONLY, DO NOT USE IN PRODUCTION\n"
    catches_not("CL301", compose=header + MATRIX)
    # in a file for deployments, or on a service not named after its release, it counts
    catches("CL301", compose=MATRIX, at="compose.yaml:3:12")
    unnamed = MATRIX.replace("mariadb-10-5-5", "db")
    catches("CL301", compose=header + unnamed, at="compose.yaml:4:12")


def test_cl304_silent_on_an_interactive_shell_container() -> None:
    # a tool container users attach to (command: /bin/sh with stdin_open and tty), as
    # ente's CLI ships it: not a service that serves anything
    compose = (
        "services:\n  cli:\n    build: .\n    command: /bin/sh\n"
        "    stdin_open: true\n    tty: true\n"
    )
    dockerfile = 'FROM alpine:3.22\nCOPY tool /tool\nCMD ["/tool"]\n'
    catches_not("CL304", compose=compose, dockerfile=dockerfile)
    # a shell that runs a script, or one without a terminal, is the service itself
    served = compose.replace("command: /bin/sh", "command: sh -c 'exec /tool serve'")
    catches("CL304", compose=served, dockerfile=dockerfile, at="Dockerfile:1:1")
    catches("CL304", compose=compose.replace("    tty: true\n", ""), dockerfile=dockerfile)


def test_cl304_reads_the_last_step_of_each_branch_of_a_closing_if() -> None:
    # akaunting's script: start php-fpm in the background, then nginx in front; or a
    # shell when asked for one
    compose = "services:\n  web:\n    build: .\n"
    dockerfile = SCRIPTED.replace("debian:bookworm", "php:8.3-fpm-alpine")
    script = (
        "#!/bin/sh\nchown -R www-data /var/www/html\n"
        'if [ "$1" = --start ]; then\n    php-fpm -D\n    nginx -g "daemon off;"\n'
        'elif [ "$1" = --shell ]; then\n    exec /bin/sh -l\nfi\n'
    )
    catches_not("CL304", compose=compose, dockerfile=dockerfile, files={"start.sh": script})
    # a branch that runs the application itself still counts
    app = script.replace('nginx -g "daemon off;"', "python /app/main.py")
    catches("CL304", compose=compose, dockerfile=dockerfile, files={"start.sh": app})
    # an if block in the middle of the script is not its last step
    middle = "#!/bin/sh\nif [ -f /etc/nginx/x ]; then\n  nginx -t\nfi\nexec python /app/main.py\n"
    catches("CL304", compose=compose, dockerfile=dockerfile, files={"start.sh": middle})


def test_cl501_silent_on_a_development_workstation_image() -> None:
    # penpot's docker/devenv builds one image that runs every dev server it publishes;
    # EXPOSE lines would only document a local workstation
    compose = "services:\n  main:\n    build: .\n    ports: ['3449:3449', '6060:6060']\n"
    dockerfile = "FROM debian:bookworm\n"
    path = "docker/devenv/compose.yaml"
    files = {path: compose, "docker/devenv/Dockerfile": dockerfile}
    catches_not("CL501", files=files)
    catches(
        "CL501",
        compose=compose,
        dockerfile=dockerfile,
        at=["compose.yaml:4:13", "compose.yaml:4:26"],
    )


def test_a_stage_only_a_development_stack_picks_is_for_development() -> None:
    # overleaf's develop/ stack builds the webpack stage of the production Dockerfile,
    # which ends as root to run the dev server; the production target drops root
    dockerfile = (
        "FROM node:24 AS base\nUSER node\n"
        "FROM base AS webpack\nUSER root\nRUN npm ci\n"
        "FROM base AS app\nCOPY --from=webpack /x /x\nCMD node server.js\n"
    )
    picks = "services:\n  webpack:\n    build:\n      context: ../web\n      target: webpack\n"
    files = {"web/Dockerfile": dockerfile, "develop/compose.yaml": picks}
    catches_not("CL304", files=files, target=".")
    # the same pick in a deployment file is reported
    files = {"web/Dockerfile": dockerfile, "deploy/compose.yaml": picks}
    catches("CL304", files=files, target=".", at="web/Dockerfile:4:1")


def test_cl501_silent_when_compose_starts_the_server_of_a_stage_that_starts_nothing() -> None:
    # overleaf's develop stack runs `webpack serve` by command: in a build stage with no
    # CMD of its own; an EXPOSE there would document a server the image does not run
    dockerfile = "FROM node:24 AS deps\nRUN npm ci\nFROM deps AS webpack\nRUN npm run build\n"
    compose = (
        "services:\n  webpack:\n    build:\n      context: .\n      target: webpack\n"
        "    command: [npx, webpack, serve]\n    ports: ['8080:3808']\n"
    )
    catches_not("CL501", compose=compose, dockerfile=dockerfile)
    # the image's own CMD starts the server: EXPOSE documents it
    catches("CL501", compose=compose, dockerfile=dockerfile + 'CMD ["node", "dev.js"]\n')
    # and without command: the base image's CMD runs
    catches("CL501", compose=compose.replace("    command: [npx, webpack, serve]\n", ""),
            dockerfile=dockerfile)  # fmt: skip


STAND_INS = ["traefik/whoami", "containous/whoami:latest", "nginxdemos/hello"]


@pytest.mark.parametrize("image", STAND_INS)
def test_cl302_silent_on_an_echo_server_standing_in_for_the_users_app(image: str) -> None:
    # an example routes a proxy to an echo server until the user puts their own app there:
    # it holds nothing, and what it echoes changing with a release harms nobody
    compose = f"services:\n  secure:\n    image: {image}\n    labels: ['traefik.enable=true']\n"
    catches_not("CL302", compose=compose)
    # a look-alike name is somebody's real service
    catches("CL302", compose=compose.replace(image, "traefik/whoami-api"), at="compose.yaml:3:12")


@pytest.mark.parametrize(
    "image",
    [
        "ghcr.io/example/egress-deny-private:latest",  # DocsGPT: "replace with your proxy image"
        "registry.example.com/team/app:latest",
        "example/app",
        "your-registry/your-app:latest",
        "localhost.test/app",
    ],
)
def test_cl302_silent_on_a_placeholder_the_user_replaces(image: str) -> None:
    # the name of a reserved example domain (RFC 2606, RFC 6761) or namespace: no such
    # image is ever pulled, so no tag of it can float
    compose = f"services:\n  proxy:\n    image: {image}\n"
    catches_not("CL302", compose=compose)
    # a real namespace that only contains the word
    catches(
        "CL302", compose=compose.replace(image, "ghcr.io/examplecorp/app"), at="compose.yaml:3:12"
    )


@pytest.mark.parametrize("image", ["schickling/mailcatcher", "axllent/mailpit", "mailhog/mailhog"])
def test_cl302_silent_on_a_mail_catcher_standing_in_for_an_smtp_server(image: str) -> None:
    # a plain compose.yaml, no development name: the mail catcher delivers nothing
    compose = (
        "services:\n  web:\n    build: .\n    image: shop:1.0\n"
        f"  mail:\n    image: {image}\n    ports: ['1080:1080']\n"
    )
    catches_not("CL302", compose=compose, dockerfile="FROM python:3.13-slim\n")
    catches("CL302", compose=compose.replace(image, "mailserver/docker-mailserver"))


@pytest.mark.parametrize(
    ("image", "fires"),
    [
        # distroless publishes no version tags: the release is in the repository's name
        ("gcr.io/distroless/nodejs24-debian13", False),
        ("gcr.io/distroless/static-debian12:nonroot", False),
        ("gcr.io/distroless/static", True),  # no release named: latest moves between them
    ],
)
def test_cl302_a_release_named_in_the_repository(image: str, fires: bool) -> None:
    dockerfile = f"FROM {image}\nCOPY app /app\n"
    compose = "services:\n  app:\n    build: .\n"
    if fires:
        catches("CL302", compose=compose, dockerfile=dockerfile, files={"app": "x"})
    else:
        catches_not("CL302", compose=compose, dockerfile=dockerfile, files={"app": "x"})
