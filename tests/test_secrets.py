"""CL201 hardcoded-secret: names, values, Dockerfile parsing, positions, masking."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, catches, catches_not, rule_findings

from compose_lint.checks.security.CL201_hardcoded_secret import assignments
from compose_lint.load.dockerfile import parse_dockerfile
from compose_lint.load.interpolation import has_interpolation
from compose_lint.model.secrets import (
    Context,
    Kind,
    is_secret_name,
    judge,
    mask,
    name_words,
)
from compose_lint.project import Loader

# Credential-shaped test values are assembled at run time, so that this file does not
# itself look like a leaked token to secret scanners.
ALNUM36 = "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"


def token(prefix: str, body: str) -> str:
    return prefix + body


# -- mask ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["hunter2", "x", "", "ünïcødé", "a" * 500])
def test_mask_shows_only_the_length(value: str) -> None:
    masked = mask(value)
    assert str(len(value)) in masked
    assert not any(c in masked for c in set(value) - set("<>masked, 0123456789charts"))
    assert "character" in masked


def test_mask_wording() -> None:
    assert mask("hunter2") == "<masked, 7 characters>"
    assert mask("x") == "<masked, 1 character>"


# -- names -----------------------------------------------------------------------------


def test_name_words() -> None:
    assert name_words("MYSQL_ROOT_PASSWORD") == ["MYSQL", "ROOT", "PASSWORD"]
    assert name_words("mail__options__auth__pass") == ["MAIL", "OPTIONS", "AUTH", "PASS"]
    assert name_words("UserPasswordHash") == ["USER", "PASSWORD", "HASH"]
    assert name_words("spring.datasource.password") == ["SPRING", "DATASOURCE", "PASSWORD"]


@pytest.mark.parametrize(
    "name",
    [
        "PASSWORD",
        "DB_PASSWORD",
        "MYSQL_ROOT_PASSWORD",
        "POSTGRES_PASSWORD",
        "GITEA__database__PASSWD",
        "DB_PASS",
        "PIHOLE_PW",
        "ADMIN_PWD",
        "WEBPASSWORD",
        "GITHUB_TOKEN",
        "ACCESS_TOKEN_SALT",
        "SECRET",
        "SECRET_KEY",
        "SECRET_KEY_BASE",
        "JWT_SECRET",
        "VIKUNJA_SERVICE_JWTSECRET",
        "TINYAUTH_OAUTH_PROVIDERS_GITHUB_CLIENTSECRET",
        "AWS_SECRET_ACCESS_KEY",
        "MINIO_ACCESS_KEY",
        "OPENAI_API_KEY",
        "APIKEY",
        "TS_AUTHKEY",
        "SSH_PRIVATE_KEY",
        "MEILI_MASTER_KEY",
        "SEMAPHORE_ACCESS_KEY_ENCRYPTION",
        "APP_KEY",
        "REGISTRY_CREDENTIALS",
        "webhookSecret",
        "spring.datasource.password",
        "BASIC_AUTH",
        "GPG_PASSPHRASE",
    ],
)
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "POSTGRES_PASSWORD_FILE",
        "MYSQL_ROOT_PASSWORD_FILE",
        "SECRETKEY_PATH",
        "APIKEY_PATH",
        "TOKEN_URL",
        "OIDC_TOKEN_URI",
        "SECRET_NAME",
        "PASSWORD_MIN_LENGTH",
        "MIN_PASSWORD_LENGTH",
        "TOKEN_EXPIRY",
        "TOKEN_TTL",
        "JWT_TOKEN_LIFETIME",
        "AUTH_METHOD",
        "POSTGRES_HOST_AUTH_METHOD",
        "AUTH_TYPE",
        "TS_AUTH_ONCE",
        "BASIC_AUTH_USER",
        "AWS_ACCESS_KEY_ID",
        "GOOGLE_CLIENT_ID",
        "MYSQL_RANDOM_ROOT_PASSWORD",
        "MYSQL_ALLOW_EMPTY_PASSWORD",
        "OPENAI_MAX_TOKENS",
        "MAX_TOKEN",
        "TOKENIZERS_PARALLELISM",
        "PASSWORDLESS_LOGIN",
        "BYPASS",
        "COMPASS_URL",
        "UserPasswordHash",
        "PASSWORD_RESET_ENABLED",
        "PWD",
        "OLDPWD",
        "PUBLIC_KEY",
        "KEYCLOAK_REALM",
        "MONKEY",
        "",
    ],
)
def test_names_that_are_not_secrets(name: str) -> None:
    assert not is_secret_name(name)


# -- values ----------------------------------------------------------------------------


# Issue 14 says placeholders reported as exposed credentials are wrong: the old test
# here asserted they are ordinary hard-coded secrets. They are now recognised as such.
@pytest.mark.parametrize(
    "value",
    [
        "example",
        "changeme",
        "EDITME",  # Symfony's APP_SECRET in a new application's .env
        "change-this-insecure-key",
        "replace-me-with-a-random-string",
        "CAFEBABE",
        "xxx",
        "<your-token>",
        "_admin_password_",  # a template token a setup script fills in
        "django-insecure-" + "k2" * 20,
        "AKIA" + "IOSFODNN7EXAMPLE",
    ],
)
def test_self_describing_placeholders(value: str) -> None:
    verdict = judge("DB_PASSWORD", value, True)
    assert verdict is not None and verdict.label is None or value.startswith("AKIA")
    assert verdict is not None and verdict.kind is Kind.PLACEHOLDER


@pytest.mark.parametrize(
    "value",
    [
        "password",
        "secret",
        "s3cr3t",
        "p@ssw0rd",
        "123456",
        "admin123",
        "pass",
        "mysecretpassword",
        "rootsecretpassword",
        "letmein",
    ],
)
def test_well_known_defaults(value: str) -> None:
    verdict = judge("MYSQL_ROOT_PASSWORD", value, True)
    assert verdict is not None and verdict.kind is Kind.DEFAULT


def test_a_password_equal_to_its_user_name_is_a_default() -> None:
    context = Context({"POSTGRES_USER": "hello_app"})
    verdict = judge("POSTGRES_PASSWORD", "hello_app", True, context=context)
    assert verdict is not None and verdict.kind is Kind.DEFAULT
    url = judge("DATABASE_URL", "postgresql://shop:shop@db:5432/shop", True)
    assert url is not None and url.kind is Kind.DEFAULT and url.host == "db"
    url = judge("DATABASE_URL", "postgresql://placeholder:placeholder@db/x", True)
    assert url is not None and url.kind is Kind.PLACEHOLDER


@pytest.mark.parametrize("value", ["hunter22", "Summer2024!", "s3cr3t-Value", "a b", "8264"])
def test_ordinary_literals(value: str) -> None:
    verdict = judge("DB_PASSWORD", value, True)
    assert verdict is not None and verdict.kind is Kind.LITERAL


@pytest.mark.parametrize(
    "value", ["FmTKs5vX52ufKR1rd8tn4MoSP7zvCJwb", "9c1f0e77b2d34a0f8e6b", "q7Z-p2LxW9_mK4vB8nR3"]
)
def test_random_looking_values_under_a_secret_name(value: str) -> None:
    verdict = judge("SECRET_KEY", value, True)
    assert verdict is not None and verdict.kind is Kind.RANDOM
    assert judge("COMMIT_SHA", value, True) is None  # only under a secret name


@pytest.mark.parametrize(
    "value", ["correct-horse-battery-staple", "k8s-cluster-admin-01", "GoodNewsEveryone"]
)
def test_words_are_not_random(value: str) -> None:
    verdict = judge("SECRET_KEY", value, True)
    assert verdict is not None and verdict.kind is Kind.LITERAL


@pytest.mark.parametrize(
    # go-clean-template: "my awesome password" in leetspeak; "super secret password"
    "value",
    ["myAwEsOm3pa55@w0rd", "Sup3rS3cr3tP4ssw0rd", "W3lc0me-Qw3rty-2024"],
)
def test_a_word_spelt_to_look_random_was_typed(value: str) -> None:
    verdict = judge("POSTGRES_PASSWORD", value, True)
    assert verdict is not None and verdict.kind in (Kind.LITERAL, Kind.DEFAULT)


def test_access_key_beside_secret_key_is_the_key_id() -> None:
    pair = {"AWS_ACCESS_KEY": "sentry", "AWS_SECRET_KEY": "sentry"}
    assert judge("AWS_ACCESS_KEY", "sentry", True, context=Context(pair)) is None
    verdict = judge("AWS_SECRET_KEY", "sentry", True, context=Context(pair))
    assert verdict is not None and verdict.kind is Kind.DEFAULT  # equal to the key ID
    minio = {"MINIO_ACCESS_KEY": "uploader", "MINIO_SECRET_KEY": "x"}
    assert judge("MINIO_ACCESS_KEY", "uploader", True, context=Context(minio)) is None
    alone = judge("MINIO_ACCESS_KEY", "uploader", True)
    assert alone is not None  # without its pair it is the old name of the root password


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        '""',
        "''",
        "true",
        "False",
        "yes",
        "no",
        "/run/secrets/db_password",
        "./secrets/db.txt",
        "~/.config/token",
        "%kernel.project_dir%/config/jwt/private.pem",
        "https://auth.example.com/token",
    ],
)
def test_values_that_are_not_secrets(value: str) -> None:
    assert judge("DB_PASSWORD", value, True) is None


def test_no_value_is_not_a_secret() -> None:
    assert judge("DB_PASSWORD", None, True) is None


@pytest.mark.parametrize(
    "value", ["${DB_PASSWORD}", "$DB_PASSWORD", "${DB_PASSWORD:-postgres}", "${A:?unset}x"]
)
def test_interpolated_values_are_not_literal(value: str) -> None:
    assert has_interpolation(value)
    assert judge("DB_PASSWORD", value, not has_interpolation(value)) is None


def test_escaped_dollar_is_literal() -> None:
    assert not has_interpolation("pa$$word")
    assert judge("DB_PASSWORD", "pa$$word", True) is not None


def test_auth_needs_user_password_shape() -> None:
    assert judge("BASIC_AUTH", "admin:s3cret", True) is not None
    assert judge("SMTP_AUTH", "login", True) is None
    assert judge("PROXY_AUTH", "https://auth.internal/check", True) is None


def test_missing_dollar_gets_a_hint() -> None:
    verdict = judge("POSTGRES_PASSWORD", "{APP_DB_PASSWORD}", True)
    assert verdict is not None and '"$"' in verdict.hint


CREDENTIALS = {
    "an AWS access key ID": ["AKIA" + "IOSFODNN7EXAMPLE", "ASIA" + "Y34FZKBOKMUTVV7A"],
    "a GitHub token": [token(p, ALNUM36) for p in ("ghp_", "gho_", "ghu_", "ghs_", "ghr_")],
    "a GitHub fine-grained personal access token": [
        token("github_pat_", "11ABCDEFG0" * 2 + "ab_" + "Z9y8X7w6V5" * 6)
    ],
    "a GitLab personal access token": [token("glpat-", "z_sxgtrfAxKr8q1TPY8Y")],
    "an npm access token": [token("npm_", ALNUM36)],
    "a Slack token": [
        token("xoxb-", "1234567890-0987654321-AbCdEfGh"),
        token("xoxp-", "1-2-3-abcdef"),
    ],
    "a Slack incoming-webhook URL": [
        "https://hooks.slack.com/services/" + "T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"
    ],
    "a Discord webhook URL": [
        "https://discord.com/api/webhooks/" + "123456789012345678/" + "abcDEF_ghi-" * 4
    ],
    "a Stripe live secret or restricted key": [
        token("sk_" + "live_", "4eC39HqLyjWDarjtT1zdp7dc"),
        token("rk_" + "live_", "4eC39HqLyjWDarjtT1zdp7dc"),
    ],
    "a Google API key": [token("AI" + "za", "SyA-1234567890abcdefghijklmnopqrstu")],
    "a private key": [
        "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----",
        "-----BEGIN OPENSSH PRIVATE KEY-----",
        "-----BEGIN PRIVATE KEY-----",
        "-----BEGIN PGP PRIVATE KEY BLOCK-----",
    ],
    "a URL with a password in it": [
        "postgres://app:hunter22@db:5432/app",
        "redis://:hunter22@cache:6379/0",
        "mysql://root:whalehello@${DB_HOST}/mysql",
        "postgres://app:pa$$word@db/app",
    ],
    "a connection string with a password in it": [
        "Server=db;Database=app;User Id=sa;Password=Sup3r!;",
        "Host=db;Username=app;PWD=x",
    ],
}


@pytest.mark.parametrize(
    ("label", "value"), [(label, v) for label, values in CREDENTIALS.items() for v in values]
)
def test_credential_shaped_values_whatever_the_name(label: str, value: str) -> None:
    verdict = judge("SOME_SETTING", value, not has_interpolation(value))
    assert verdict is not None and verdict.label == label


def test_credential_inside_an_interpolation_default_is_still_reported() -> None:
    value = "${GH:-" + token("ghp_", ALNUM36) + "}"
    verdict = judge("GH", value, False)
    assert verdict is not None and verdict.label == "a GitHub token"


@pytest.mark.parametrize(
    "value",
    [
        "AKIA" + "IOSFODNN7EXAMPL",  # one character short
        "XAKIA" + "IOSFODNN7EXAMPLE",  # glued to a longer word
        token("ghp_", "tooShort"),
        token("pk_" + "live_", "4eC39HqLyjWDarjtT1zdp7dc"),  # publishable: meant to be public
        token("sk_" + "test_", "4eC39HqLyjWDarjtT1zdp7dc"),  # test mode
        "-----BEGIN PUBLIC KEY-----",
        "-----BEGIN CERTIFICATE-----",
        "postgres://app:${DB_PASSWORD}@db:5432/app",
        "postgres://app@db:5432/app",
        "PLAINTEXT://redpanda:29092,OUTSIDE://redpanda:9092",
        "http://localhost:8080/@user",
        "git@github.com:org/repo.git",
        "Host=db;Username=app;Password=${DB_PASSWORD}",
    ],
)
def test_near_miss_values(value: str) -> None:
    assert judge("SOME_SETTING", value, not has_interpolation(value)) is None


# -- the data file ---------------------------------------------------------------------


def test_data_entries_name_their_source() -> None:
    text = resources.files("compose_lint").joinpath("data/secrets.json").read_text("utf-8")
    table = json.loads(text)
    for section in (table["names"], table["settings"]):
        assert section["source"] and re.fullmatch(r"\d{4}-\d{2}-\d{2}", section["checked"])
    ids = set()
    for item in table["patterns"]:
        assert item["source"].startswith("https://"), item["id"]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", item["checked"]), item["id"]
        assert item["label"] and item["id"] not in ids
        ids.add(item["id"])
        re.compile(item["regex"])


# -- Dockerfile ENV / ARG --------------------------------------------------------------


def _assigned(text: str) -> list[tuple[str, str, bool]]:
    parsed = parse_dockerfile("FROM alpine\n" + text)
    instruction = parsed.instructions[1]
    return [(a.name, a.value, a.literal) for a in assignments(instruction)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ENV A=1 B=2\n", [("A", "1", True), ("B", "2", True)]),
        ('ENV A="x y" B=z\n', [("A", "x y", True), ("B", "z", True)]),
        ("ENV A x y  z\n", [("A", "x y  z", True)]),
        ('ENV A "quoted legacy"\n', [("A", "quoted legacy", True)]),
        ("ENV A=x\\ y\n", [("A", "x y", True)]),
        (
            "ENV A=$B C=${D:-e} F=\\$G\n",
            [("A", "$B", False), ("C", "${D:-e}", False), ("F", "$G", True)],
        ),
        ("ENV A='$B'\n", [("A", "$B", True)]),
        ('ENV A="$B"\n', [("A", "$B", False)]),
        ("ENV A=costs$5\n", [("A", "costs$5", True)]),
        ("ARG A=1 B\n", [("A", "1", True)]),
        ("ARG B\n", []),
        ("ARG A=\n", [("A", "", True)]),
        ("ENV\n", []),
        ("ENV =x\n", []),
        ("ENV A=1 \\\n    B=2\n", [("A", "1", True), ("B", "2", True)]),
    ],
)
def test_assignments(text: str, expected: list[tuple[str, str, bool]]) -> None:
    assert _assigned(text) == expected


def test_backtick_escape() -> None:
    parsed = parse_dockerfile("# escape=`\nFROM alpine\nENV A=x` y B=c:\\dir\n")
    found = [(a.name, a.value) for a in assignments(parsed.instructions[1])]
    assert found == [("A", "x y"), ("B", "c:\\dir")]


def test_dockerfile_positions() -> None:
    dockerfile = (
        "FROM alpine\n"
        "ENV A=1 \\\n"
        "    # a comment inside the instruction\n"
        "\tDB_PASSWORD=one \\\n"
        "    API_TOKEN=two\n"
        '  env X="DB_PASS is here" DB_PASS=three\n'
        "ARG SECRET=four\n"
        "FROM alpine AS second\n"
        "ENV LEGACY_SECRET five six\n"
    )
    at = ["Dockerfile:4:2", "Dockerfile:5:5", "Dockerfile:6:27", "Dockerfile:7:5", "Dockerfile:9:5"]
    messages = catches("CL215", compose=BUILD_APP, dockerfile=dockerfile, at=at)
    catches_not("CL201", compose=BUILD_APP, dockerfile=dockerfile)
    # the first stage is not the one built: what it sets is not in the image
    assert messages[0].startswith(
        'ENV sets "DB_PASSWORD" to a hard-coded value <masked, 3 characters> in build stage '
        "on line 1, which the image built from this Dockerfile does not inherit: it stays out "
        "of the image you run"
    )
    assert "stored in every image" not in messages[0] and "revoke" not in messages[0]
    assert messages[3].startswith('ARG "SECRET" defaults to')
    assert "RUN --mount=type=secret,id=SECRET" in messages[3]
    assert "<masked, 8 characters>" in messages[4]  # "five six"
    assert "it is stored in every image built from this Dockerfile" in messages[4]
    assert "LEGACY_SECRET: ${LEGACY_SECRET}" in messages[4]


BUILD_APP = "services:\n  app:\n    build: .\n"


def test_build_only_stage_follows_the_target() -> None:
    dockerfile = (
        "FROM node:22 AS build\n"
        "ENV DATABASE_URL=postgresql://app:hunter22@localhost:5432/app\n"
        "RUN npm run build\n"
        "FROM node:22-slim AS run\n"
        'CMD ["node", "server.js"]\n'
    )
    [message] = catches("CL215", compose=BUILD_APP, dockerfile=dockerfile, at="2:5")
    assert 'in build stage "build", which the image built from this Dockerfile' in message
    target = "services:\n  app:\n    build:\n      context: .\n      target: build\n"
    [message] = catches("CL215", compose=target, dockerfile=dockerfile, at="2:5")
    assert "it is stored in every image built from this Dockerfile" in message


def test_dummy_url_in_a_build_stage_is_quiet() -> None:
    dockerfile = (
        "FROM node:22 AS build\n"
        'ENV DATABASE_URL="postgresql://user:pass@localhost:5432/dummy"\n'
        "FROM node:22-slim\n"
    )
    catches_not("CL201", compose=BUILD_APP, dockerfile=dockerfile)
    catches_not("CL215", compose=BUILD_APP, dockerfile=dockerfile)


def test_dockerfile_inline() -> None:
    compose = (
        "services:\n"
        "  app:\n"
        "    build:\n"
        "      context: .\n"
        "      dockerfile_inline: |\n"
        "        FROM alpine\n"
        "        ENV ADMIN_PASSWORD=Tr0ub4dor-3\n"
    )
    [message] = catches("CL215", compose=compose, at="compose.yaml:5:7")
    assert message.startswith('dockerfile_inline line 2: ENV sets "ADMIN_PASSWORD"')


# -- compose ---------------------------------------------------------------------------


def test_compose_messages() -> None:
    compose = (
        "services:\n"
        "  db:\n"
        "    image: postgres\n"
        "    environment:\n"
        "      POSTGRES_PASSWORD: hunter22\n"
        "  web:\n"
        "    build:\n"
        "      context: .\n"
        "      args:\n"
        "        - NPM_TOKEN=Kx9-build-7\n"
        "    ports:\n"
        "      - 8000:8000\n"
        "    environment:\n"
        "      - DATABASE_URL=postgres://u:hunter22@db/app\n"
        "      - API_TOKEN=Tr0ub4dor-3\n"
    )
    at = ["compose.yaml:5:7", "compose.yaml:14:9", "compose.yaml:10:11", "compose.yaml:15:9"]
    found = catches("CL215", compose=compose, dockerfile="FROM alpine\n", at=at)
    catches_not("CL201", compose=compose, dockerfile="FROM alpine\n")
    [db] = [m for m in found if "POSTGRES_PASSWORD" in m]
    [url] = [m for m in found if "DATABASE_URL" in m]
    [arg] = [m for m in found if "NPM_TOKEN" in m]
    [token] = [m for m in found if "API_TOKEN" in m]
    assert db == (
        'service "db" sets environment variable "POSTGRES_PASSWORD" to a hard-coded value '
        "<masked, 8 characters> (it publishes no port, so only containers on its networks can "
        "use it, but everyone who can read this file knows it); take it from the environment "
        'instead: "POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}" with the value in an untracked .env '
        'file, or use a Compose secret (many images read "POSTGRES_PASSWORD_FILE: '
        '/run/secrets/<secret>")'
    )
    assert url.startswith(
        'service "web" sets environment variable "DATABASE_URL" to a URL with a hard-coded '
        'password in it <masked, 28 characters> (service "db" publishes no port'
    )
    assert "rotate" not in url and "revoke" not in url
    assert '"DATABASE_URL=${DATABASE_URL}"' in url
    assert arg.startswith('service "web" passes build argument "NPM_TOKEN" a hard-coded value')
    assert "build.secrets" in arg and "RUN --mount=type=secret,id=NPM_TOKEN" in arg
    assert token.startswith(
        'service "web" sets environment variable "API_TOKEN" to a hard-coded value <masked, 11'
    )
    assert "publishes no port" not in token


def test_credential_messages() -> None:
    compose = (
        "services:\n"
        "  web:\n"
        "    image: shop\n"
        "    environment:\n"
        f"      GH: {token('ghp_', ALNUM36)}\n"
        "      SECRET_KEY: FmTKs5vX52ufKR1rd8tn4MoSP7zvCJwb\n"
        "      DATABASE_URL: postgres://app:FmTKs5vX52ufKR1rd8tn4MoSP7zvCJwb@db.example.net/app\n"
    )
    gh, key, url = catches(
        "CL201", compose=compose, at=["compose.yaml:5:7", "compose.yaml:6:7", "compose.yaml:7:7"]
    )
    assert (
        "what looks like a GitHub token <masked, 40 characters>; treat it as leaked and revoke it"
        in gh
    )
    assert "a random-looking value <masked, 32 characters>" in key and "rotate it" in key
    assert "a URL with a random-looking password in it" in url
    catches_not("CL215", compose=compose)


# The benchmark's placeholder classes (bench/realworld/verdicts.csv, CL201): none is a credential.
PLACEHOLDERS = (
    "services:\n"
    "  app:\n"
    "    build: .\n"
    "    ports: ['3000:3000']\n"
    "    environment:\n"
    "      APP_SECRET: replace-me-with-a-random-string\n"
    "      SESSION_SECRET: change-this-insecure-key\n"
    "      COOKIE_SECRET: changeme\n"
    "      HMAC_KEY: CAFEBABE\n"
    "      DATABASE_URL: postgresql://placeholder:placeholder@db:5432/app\n"
    "  db:\n"
    "    image: postgres:17\n"
    "    environment:\n"
    "      POSTGRES_USER: shop\n"
    "      POSTGRES_PASSWORD: shop\n"
    "  ldap:\n"
    "    image: osixia/openldap:1.5.0\n"
    "    environment:\n"
    "      LDAP_ADMIN_PASSWORD: _admin_password_\n"
    "      LDAP_CONFIG_PASSWORD: insecure\n"
    "      LDAP_READONLY_USER_PASSWORD: password\n"
)


def test_placeholders_are_quiet_by_default() -> None:
    catches_not("CL201", compose=PLACEHOLDERS, dockerfile="FROM alpine\n")
    catches_not("CL215", compose=PLACEHOLDERS, dockerfile="FROM alpine\n")
    found = catches(
        "CL215", compose=PLACEHOLDERS, dockerfile="FROM alpine\n", options={"placeholders": True}
    )
    assert len(found) == 9
    assert all("default or placeholder" in m for m in found)
    assert not any("rotate" in m or "revoke" in m for m in found)


def test_a_default_on_a_published_service_is_a_warning() -> None:
    compose = (
        "services:\n"
        "  web:\n"
        "    image: openemr/openemr:7.0.2\n"
        "    ports: ['80:80', '443:443']\n"
        "    environment:\n"
        "      OE_USER: admin\n"
        "      OE_PASS: pass\n"
        "      MYSQL_HOST: mysql\n"
        "      MYSQL_ROOT_PASS: root\n"
        "  mysql:\n"
        "    image: mariadb:11\n"
        "    environment:\n"
        "      MYSQL_ROOT_PASSWORD: root\n"
    )
    [message] = catches("CL215", compose=compose, at="compose.yaml:7:7")
    assert message.startswith(
        'service "web" sets environment variable "OE_PASS" to a well-known default or '
        "placeholder value <masked, 4 characters>, and it publishes ports 80:80, 443:443: "
        "anyone who reaches them can try it"
    )
    catches_not("CL201", compose=compose)
    # the same file as a dev override: quiet
    catches_not("CL215", files={"docker-compose.dev.yml": compose})


def test_bundled_service_secret_is_at_most_a_warning() -> None:
    compose = (
        "services:\n"
        "  db:\n"
        "    image: postgres:17\n"
        "    {ports}\n"
        "    environment:\n"
        "      POSTGRES_PASSWORD: FmTKs5vX52ufKR1rd8tn4MoSP7zvCJwb\n"
    )
    hidden = compose.format(ports="restart: always")
    [message] = catches("CL215", compose=hidden, at="compose.yaml:6:7")
    assert "it publishes no port" in message
    catches_not("CL201", compose=hidden)
    published = compose.format(ports="ports: ['5432:5432']")
    [message] = catches("CL201", compose=published, at="compose.yaml:6:7")
    assert "rotate it" in message
    catches_not("CL215", compose=published)


LOOPBACK_DB = (
    "services:\n"
    "  db:\n"
    "    image: postgres:17\n"
    "    ports: ['{bind}:5432:5432']\n"
    "    environment:\n"
    "      POSTGRES_USER: shop\n"
    "      POSTGRES_PASSWORD: {password}\n"
)


@pytest.mark.parametrize("bind", ["127.0.0.1", "[::1]", "127.0.0.2", "${DB_BIND:-127.0.0.1}"])
def test_a_default_behind_a_loopback_port_is_quiet(bind: str) -> None:
    # only the host itself reaches a port bound to loopback: nobody outside can try it
    catches_not("CL215", compose=LOOPBACK_DB.format(bind=bind, password="shop"))


@pytest.mark.parametrize("bind", ["0.0.0.0", "192.168.1.20"])
def test_a_default_behind_a_port_others_reach_is_reported(bind: str) -> None:
    compose = LOOPBACK_DB.format(bind=bind, password="shop")
    [message] = catches("CL215", compose=compose, at="compose.yaml:7:7")
    assert f"it publishes port {bind}:5432:5432: anyone who reaches it can try it" in message


def test_a_random_password_behind_a_loopback_port_is_at_most_a_warning() -> None:
    compose = LOOPBACK_DB.format(bind="127.0.0.1", password="FmTKs5vX52ufKR1rd8tn4MoSP7zvCJwb")
    catches_not("CL201", compose=compose)
    [message] = catches("CL215", compose=compose, at="compose.yaml:7:7")
    assert "only on the host's loopback interface" in message
    assert "publishes no port" not in message


SHOP = (
    "services:\n"
    "  app:\n"
    "    image: shop/shop:1.4\n"
    "    ports: ['9000:9000']\n"
    "    environment:\n"
    "      SHOP_DB_USER: shop\n"
    "      SHOP_DB_PASSWORD: shop\n"
    "  db:\n"
    "    image: postgres:17\n"
    "{db_ports}"
    "    environment:\n"
    "      POSTGRES_USER: shop\n"
    "      POSTGRES_PASSWORD: ${{DB_PASSWORD}}\n"
)


def test_a_password_belongs_to_the_service_whose_credential_it_is() -> None:
    # SHOP names the app (its own prefix); DB, nearest the secret word, names whose
    # password it is: the database, which nobody outside reaches
    catches_not("CL215", compose=SHOP.format(db_ports=""))
    published = SHOP.format(db_ports="    ports: ['5432:5432']\n")
    [message] = catches("CL215", compose=published, at="compose.yaml:7:7")
    assert 'service "db" publishes port 5432:5432' in message
    assert "9000" not in message


LOCAL = (
    "services:\n"
    "  db:\n"
    "    image: postgres:17\n"
    "    ports: ['5432:5432']\n"
    "    environment:\n"
    "      POSTGRES_PASSWORD: FmTKs5vX52ufKR1rd8tn4MoSP7zvCJwb\n"
    "      POSTGRES_DB: GoodNewsEveryone\n"
    "      REPLICATION_PASSWORD: GoodNewsEveryone7\n"
)


@pytest.mark.parametrize(
    "path", [".ci/compose.ci.yaml", "tests/e2e/docker/docker-compose.yml", "docker-compose.dev.yml"]
)
def test_local_files_are_quiet_by_default(path: str) -> None:
    catches_not("CL201", files={path: LOCAL})
    catches_not("CL215", files={path: LOCAL})
    catches("CL201", files={path: LOCAL}, options={"local-files": True}, at=f"{path}:6:7")
    catches("CL215", files={path: LOCAL}, options={"local-files": True}, at=f"{path}:8:7")


def test_an_issued_credential_is_an_error_in_a_local_file_too() -> None:
    compose = LOCAL + f"      GITHUB_TOKEN: {token('ghp_', ALNUM36)}\n"
    [message] = catches("CL201", files={"ci/compose.yaml": compose}, at="ci/compose.yaml:9:7")
    assert "revoke it" in message


def test_a_private_key_in_a_local_file_is_a_fixture() -> None:
    # modoboa: test_project/oidc_key holds the key its development OIDC setup signs with;
    # a private key is made by its owner, not issued: in a test or development file it is
    # a fixture, elsewhere still an exposed credential
    key = (
        "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----"
    )
    compose = "services:\n  api:\n    image: shop/api:1.4\n    env_file: {path}\n"
    env = f'OIDC_RSA_PRIVATE_KEY="{key}"\n'
    catches_not("CL210", compose=compose.format(path="test_project/oidc_key"),
                files={"test_project/oidc_key": env})  # fmt: skip
    [message] = catches("CL210", compose=compose.format(path="oidc.env"), files={"oidc.env": env},
                        at="oidc.env:1:1")  # fmt: skip
    assert "a private key" in message and "revoke" not in message
    assert "replace it" in message
    catches("CL210", compose=compose.format(path="test_project/oidc_key"),
            files={"test_project/oidc_key": env}, options={"local-files": True},
            at="test_project/oidc_key:1:1")  # fmt: skip


def test_access_key_id_pair_in_compose() -> None:
    compose = (
        "services:\n"
        "  vroom:\n"
        "    image: getsentry/vroom\n"
        "    environment:\n"
        "      AWS_ACCESS_KEY: uploader\n"
        "      AWS_SECRET_KEY: Tr0ub4dor-3\n"
    )
    [message] = catches("CL215", compose=compose, at="compose.yaml:6:7")
    assert "AWS_SECRET_KEY" in message


def test_shared_anchor_is_reported_once() -> None:
    compose = (
        "x-env: &env\n"
        "  REDIS_PASSWORD: hunter22\n"
        "services:\n"
        "  a:\n"
        "    image: redis\n"
        "    environment: *env\n"
        "  b:\n"
        "    image: redis\n"
        "    environment:\n"
        "      <<: *env\n"
    )
    [message] = catches("CL215", compose=compose, at="compose.yaml:2:3")
    assert message.startswith('services "a", "b" set environment variable "REDIS_PASSWORD"')


@pytest.mark.parametrize(
    "environment",
    [
        "[1, 2, {a: b}, null, '', '=x', PASSWORD]",
        "{PASSWORD: [a, b], TOKEN: {x: 1}, SECRET: 3.5, API_KEY: true, 7: 8}",
        "just a string",
        "42",
    ],
)
def test_odd_yaml_never_raises(environment: str) -> None:
    rule_findings(
        "CL201", compose=f"services:\n  a:\n    image: x\n    environment: {environment}\n"
    )


def test_numbers_are_values_too() -> None:
    compose = "services:\n  a:\n    image: x\n    environment:\n      PIN_PASSWORD: 8264\n"
    [message] = catches("CL215", compose=compose)
    assert "<masked, 4 characters>" in message


# -- output never carries the value ----------------------------------------------------


def _secret_values(case: Path) -> list[str]:
    """Every value CL201 or CL215 reports in a fixture, read from the model."""
    project = Loader(case).compose_project(case / "compose.yaml")
    values: list[str] = []
    for service in project.services:
        envs = service.environment + (service.build.args if service.build else [])
        for env in envs:
            if env.value:
                verdict = judge(env.name, env.value, not has_interpolation(env.value))
                if verdict is not None and verdict.kind >= Kind.LITERAL:
                    values.append(env.value)
    for source in project.dockerfiles:
        assert source.parsed is not None
        for instruction in source.parsed.instructions:
            if instruction.keyword in ("ENV", "ARG"):
                for item in assignments(instruction):
                    verdict = judge(item.name, item.value, item.literal)
                    if verdict is not None and verdict.kind >= Kind.LITERAL:
                        values.append(item.value)
    return values


@pytest.mark.parametrize(
    "case",
    [
        "CL201-hardcoded-secret/fail",
        "CL215-literal-secret/fail",
        "CL215-literal-secret/fail-2",
    ],
)
@pytest.mark.parametrize("output_format", ["text", "json"])
def test_no_output_format_shows_the_secret(
    case: str, output_format: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from compose_lint.cli import main

    folder = FIXTURES / case
    values = _secret_values(folder)
    assert len(values) >= 5
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(
        main, [".", "--select", "CL201,CL215", "--format", output_format, "--isolated"]
    )
    assert result.exit_code == 1, result.output
    output = result.output
    assert case[:5] in output
    if output_format == "json":
        assert all(f["code"] in ("CL201", "CL215") for f in json.loads(result.stdout))
    for value in values:
        assert value not in output


TWO_DATABASES = (
    "services:\n"
    "  mariadb-10:\n"
    "    image: mariadb:10.11\n"
    "    ports: ['3306:3306']\n"
    "    environment:\n"
    "      MARIADB_PASSWORD: ${{DB_PASSWORD}}\n"
    "  mariadb-11:\n"
    "    image: mariadb:11.4\n"
    "{ports}"
    "    environment:\n"
    "      MARIADB_PASSWORD: mariadb\n"
)


def test_a_database_password_is_the_database_that_sets_it() -> None:
    # two services run the same database image: the variable is the credential of the
    # service that sets it, not of the first one with that image
    catches_not("CL215", compose=TWO_DATABASES.format(ports=""))
    published = TWO_DATABASES.format(ports="    ports: ['3307:3306']\n")
    [message] = catches("CL215", compose=published, at="compose.yaml:11:7")
    assert "it publishes port 3307:3306" in message and "mariadb-10" not in message


@pytest.mark.parametrize(
    "header",
    [
        "# FOR TEST AND DEVELOPMENT ONLY, DO NOT USE IN PRODUCTION\n",
        "# Example setup for local development\n#\n",
        "# This file is not meant for production use.\n",
    ],
)
def test_a_compose_file_that_says_it_is_for_development_is_quiet(header: str) -> None:
    compose = LOOPBACK_DB.format(bind="0.0.0.0", password="shop")
    catches("CL215", compose=compose)
    catches_not("CL215", compose=header + compose)


ROUTED = (
    "services:\n"
    "  gallery:\n"
    "    image: photos/gallery:2.1\n"
    "    labels:\n"
    "{labels}"
    "    environment:\n"
    "      GALLERY_ADMIN_PASSWORD: admin\n"
)


@pytest.mark.parametrize(
    "labels",
    [
        "      - traefik.enable=true\n"
        "      - traefik.http.routers.gallery.rule=Host(`photos.example.com`)\n",
        "      traefik.http.routers.gallery.rule: Host(`photos.example.com`)\n",
    ],
)
def test_a_service_a_reverse_proxy_routes_to_is_reached(labels: str) -> None:
    # its traefik labels route requests to it: "publishes no port" would be false
    at = f"compose.yaml:{6 + labels.count(chr(10))}:7"
    [message] = catches("CL215", compose=ROUTED.format(labels=labels), at=at)
    assert "reverse proxy routes requests to it (traefik labels)" in message
    assert "publishes no port" not in message
    off = "      - traefik.enable=false\n      - traefik.http.routers.gallery.rule=Host(`x`)\n"
    catches_not("CL215", compose=ROUTED.format(labels=off))


def test_the_automatic_override_and_a_file_beside_its_production_variant_are_local() -> None:
    # compose.override.yaml is what `docker compose up` adds for local runs, and
    # compose.yaml beside compose.prod.yaml is the development variant
    for files in (
        {
            "compose.yaml": "services:\n  db:\n    image: postgres:17\n",
            "compose.override.yaml": LOCAL,
        },
        {"compose.yaml": LOCAL, "compose.prod.yaml": "services:\n  db:\n    restart: always\n"},
    ):
        catches_not("CL201", files=files)
        catches_not("CL215", files=files)
    catches("CL201", compose=LOCAL, at="compose.yaml:6:7")


@pytest.mark.parametrize(
    "token", ["_admin_password_", "__DB_PASSWORD__", "{{ admin_password }}", "%ADMIN_PASSWORD%"]
)
def test_a_template_token_a_setup_script_replaces_is_a_placeholder(token: str) -> None:
    # photoprism's cloud setup script swaps "_admin_password_" for a generated password
    # before it writes the deployed compose file
    compose = (
        "services:\n"
        "  photos:\n"
        "    image: photos/gallery:2.1\n"
        "    ports: ['80:2342']\n"
        "    environment:\n"
        f"      GALLERY_ADMIN_PASSWORD: '{token}'\n"
    )
    catches_not("CL215", compose=compose)
    catches("CL215", compose=compose, options={"placeholders": True}, at="compose.yaml:6:7")
    # a password that only happens to start and end with "_" is not a token
    catches("CL215", compose=compose.replace(token, "_admin_"), at="compose.yaml:6:7")


def test_cl215_a_url_repeating_the_reported_password_of_its_database_is_one_mistake() -> None:
    # the database's password, then the app's URL to that database with the same one:
    # changing the first means changing the second, so it is reported once
    db = (
        "  db:\n    image: postgres:18\n    ports: ['5450:5432']\n"
        "    environment:\n      - POSTGRES_PASSWORD=postgres\n"
    )
    app = (
        "  app:\n    image: shop/app:1\n    environment:\n"
        "      - DATABASE_URL=postgres://postgres:postgres@db/shop\n"
    )
    catches("CL215", compose=f"services:\n{db}{app}", at="compose.yaml:6:9")
    # whichever comes first in the file
    catches("CL215", compose=f"services:\n{app}{db}", at="compose.yaml:10:9")
    # a URL with another password is another mistake
    other = f"services:\n{db}{app}".replace("postgres:postgres@db", "postgres:hunter2@db")
    found = rule_findings("CL215", compose=other)
    assert sorted((f.line, f.column) for f in found) == [(6, 9), (10, 9)]  # type: ignore[attr-defined]


def test_a_password_digest_is_not_the_password() -> None:
    # Graylog's GRAYLOG_ROOT_PASSWORD_SHA2 holds the SHA-256 of the login password
    # (random-looking by nature); the digest logs nobody in, so it is no exposed
    # credential, only a hard-coded value (CL215, a warning)
    digest = "b1cb6e31e172577918c9e7806c572b5ed8477d3f57aa737bee4b5b1db3696f09"
    compose = (
        "services:\n  web:\n    image: shop\n    environment:\n"
        f"      ROOT_PASSWORD_SHA2: {digest}\n"
    )
    catches_not("CL201", compose=compose)
    catches("CL215", compose=compose, at="compose.yaml:5:7")
    # the same value as the password itself is still a random-looking secret
    for name in ("PASSWORD", "SHAPE_SECRET"):
        catches("CL201", compose=compose.replace("PASSWORD_SHA2", name), at="compose.yaml:5:7")


def test_a_database_service_guards_its_own_password() -> None:
    # laradock: mariadb (built FROM mariadb) reads MYSQL_PASSWORD, beside a service
    # named mysql; the exposure is mariadb's own published port, not mysql's
    compose = (
        "services:\n"
        "  mysql:\n    image: mysql:8.4\n    ports: ['3306:3306']\n"
        "  mariadb:\n    build: ./mariadb\n    ports: ['3307:3306']\n"
        "    environment:\n      - MYSQL_PASSWORD=secret\n"
    )
    files = {"mariadb/Dockerfile": "FROM mariadb:11.4\n", "mariadb/.dockerignore": ""}
    (found,) = catches("CL215", compose=compose, files=files, at="compose.yaml:9:9")
    assert "and it publishes port 3307:3306" in found, found
    assert 'service "mysql"' not in found


def test_an_env_file_that_says_it_holds_committed_defaults() -> None:
    # Symfony's committed .env holds development defaults; its header says production
    # secrets go elsewhere (.env.local, real environment variables)
    header = (
        "# In all environments, the following files are loaded if they exist:\n"
        "#  * .env                contains default values for the environment variables\n"
        "#  * .env.local          uncommitted file with local overrides\n"
        "#\n"
        "# DO NOT DEFINE PRODUCTION SECRETS IN THIS FILE NOR IN ANY OTHER COMMITTED FILES.\n"
        "\n"
    )
    setting = "JWT_PASSPHRASE=66d45daf91b2ed1031e62d81c81dba2e\n"
    compose = "services:\n  app:\n    image: shop/app:1.0\n    env_file: app.env\n"
    catches_not("CL210", compose=compose, files={"app.env": header + setting})
    catches("CL210", compose=compose, files={"app.env": setting}, at="app.env:1:1")


def test_a_value_the_comment_above_says_to_replace_is_a_placeholder() -> None:
    # snipe-it's .env.docker: the shipped APP_KEY is a stand-in the user regenerates
    key = "APP_KEY=base64:3ilviXqB9u6DX1NRcyWGJ+sjySF+H18CPDGb3+IVwMQ=\n"
    told = "# Please regenerate the APP_KEY value by calling `php artisan key:generate`\n"
    compose = "services:\n  app:\n    image: shop/app:1.0\n    env_file: app.env\n"
    catches_not("CL210", compose=compose, files={"app.env": told + key})
    catches("CL210", compose=compose, files={"app.env": key}, at="app.env:1:1")
    # a comment that says something else, or one further up, changes nothing
    other = "# the application key\n"
    catches("CL210", compose=compose, files={"app.env": other + key}, at="app.env:2:1")
    apart = told + "\n" + key
    catches("CL210", compose=compose, files={"app.env": apart}, at="app.env:3:1")
    # a credential a provider issues stays one whatever the comment says
    issued = "# replace with your own token\nGH_TOKEN=ghp_" + "a1B2c3D4e5" * 3 + "a1B2c3\n"
    catches("CL210", compose=compose, files={"app.env": issued}, at="app.env:2:1")
