"""CL201 hardcoded-secret: names, values, Dockerfile parsing, positions, masking."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, catches, rule_findings

from compose_lint.checks.security.CL201_hardcoded_secret import assignments
from compose_lint.load.dockerfile import parse_dockerfile
from compose_lint.load.interpolation import has_interpolation
from compose_lint.model.secrets import is_secret_name, judge, mask, name_words
from compose_lint.project import Loader

CASES = FIXTURES / "CL201-hardcoded-secret"

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


@pytest.mark.parametrize(
    "value", ["example", "changeme", "password", "secret", "xxx", "s3cr3t!", "123456", "a b"]
)
def test_placeholders_are_still_hard_coded_secrets(value: str) -> None:
    verdict = judge("DB_PASSWORD", value, True)
    assert verdict is not None and verdict.label is None


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
    messages = catches("CL201", compose=BUILD_APP, dockerfile=dockerfile, at=at)
    assert messages[0].startswith('ENV sets "DB_PASSWORD" to a hard-coded value <masked, 3')
    assert "DB_PASSWORD: ${DB_PASSWORD}" in messages[0]
    assert messages[3].startswith('ARG "SECRET" defaults to')
    assert "RUN --mount=type=secret,id=SECRET" in messages[3]
    assert "<masked, 8 characters>" in messages[4]  # "five six"


BUILD_APP = "services:\n  app:\n    build: .\n"


def test_dockerfile_inline() -> None:
    compose = (
        "services:\n"
        "  app:\n"
        "    build:\n"
        "      context: .\n"
        "      dockerfile_inline: |\n"
        "        FROM alpine\n"
        "        ENV ADMIN_PASSWORD=admin\n"
    )
    [message] = catches("CL201", compose=compose, at="compose.yaml:5:7")
    assert message.startswith('dockerfile_inline line 2: ENV sets "ADMIN_PASSWORD"')


# -- compose ---------------------------------------------------------------------------


def test_compose_messages() -> None:
    compose = (
        "services:\n"
        "  db:\n"
        "    image: postgres\n"
        "    environment:\n"
        "      POSTGRES_PASSWORD: example\n"
        "  web:\n"
        "    build:\n"
        "      context: .\n"
        "      args:\n"
        "        - NPM_TOKEN=abc\n"
        "    environment:\n"
        "      - DATABASE_URL=postgres://u:hunter22@db/app\n"
    )
    at = ["compose.yaml:5:7", "compose.yaml:12:9", "compose.yaml:10:11"]
    found = catches("CL201", compose=compose, dockerfile="FROM alpine\n", at=at)
    [db] = [m for m in found if "POSTGRES_PASSWORD" in m]
    [url] = [m for m in found if "DATABASE_URL" in m]
    [arg] = [m for m in found if "NPM_TOKEN" in m]
    assert db == (
        'service "db" sets environment variable "POSTGRES_PASSWORD" to a hard-coded value '
        '<masked, 7 characters>; take it from the environment instead: "POSTGRES_PASSWORD: '
        '${POSTGRES_PASSWORD}" with the value in an untracked .env file, or use a Compose '
        'secret (many images read "POSTGRES_PASSWORD_FILE: /run/secrets/<secret>")'
    )
    assert url.startswith(
        'service "web" sets environment variable "DATABASE_URL" to what looks like a URL '
        "with a password in it <masked, 28 characters>; treat it as leaked and rotate it"
    )
    assert '"DATABASE_URL=${DATABASE_URL}"' in url
    assert arg.startswith('service "web" passes build argument "NPM_TOKEN" a hard-coded value')
    assert "build.secrets" in arg and "RUN --mount=type=secret,id=NPM_TOKEN" in arg


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
    [message] = catches("CL201", compose=compose, at="compose.yaml:2:3")
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
    compose = "services:\n  a:\n    image: x\n    environment:\n      PIN_PASSWORD: 1234\n"
    [message] = catches("CL201", compose=compose)
    assert "<masked, 4 characters>" in message


# -- output never carries the value ----------------------------------------------------


def _secret_values(case: Path) -> list[str]:
    """Every value the rule reports in a fixture, read from the model."""
    project = Loader(case).compose_project(case / "compose.yaml")
    values: list[str] = []
    for service in project.services:
        envs = service.environment + (service.build.args if service.build else [])
        for env in envs:
            if env.value and judge(env.name, env.value, not has_interpolation(env.value)):
                values.append(env.value)
    for source in project.dockerfiles:
        assert source.parsed is not None
        for instruction in source.parsed.instructions:
            if instruction.keyword in ("ENV", "ARG"):
                for item in assignments(instruction):
                    if judge(item.name, item.value, item.literal):
                        values.append(item.value)
    return values


@pytest.mark.parametrize("case", ["fail", "fail-2"])
@pytest.mark.parametrize("output_format", ["text", "json"])
def test_no_output_format_shows_the_secret(
    case: str, output_format: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from compose_lint.cli import main

    folder = CASES / case
    values = _secret_values(folder)
    assert len(values) >= 5
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(
        main, [".", "--select", "CL201", "--format", output_format, "--isolated"]
    )
    assert result.exit_code == 1, result.output
    output = result.output
    assert "CL201" in output
    if output_format == "json":
        assert all(f["code"] == "CL201" for f in json.loads(result.stdout))
    for value in values:
        assert value not in output
