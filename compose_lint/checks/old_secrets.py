"""CL2xx: secrets written into the project's files."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Mapping
from functools import cache, lru_cache
from typing import Any, NamedTuple

from compose_lint import data
from compose_lint.findings import Location, Severity
from compose_lint.load.dockerfile import Dockerfile, Instruction
from compose_lint.load.interpolation import has_interpolation
from compose_lint.model import EnvVar, Project
from compose_lint.registry import rule

Found = Iterator[tuple[Location, str]]


def mask(value: str) -> str:
    """Stand-in for a secret in any output: its length, never a character of it."""
    count = len(value)
    return f"<masked, {count} character{'s' if count != 1 else ''}>"


# -- the knowledge in data/secrets.json ---------------------------------------------


class _Term(NamedTuple):
    words: tuple[str, ...]
    glued: bool  # may end a longer word: WEBPASSWORD, CLIENTSECRET
    last: bool  # only as the name's last word
    needs_user_password: bool  # only when the value reads "user:password"


class _Pattern(NamedTuple):
    id: str
    label: str
    regex: re.Pattern[str]


class _Knowledge(NamedTuple):
    terms: tuple[_Term, ...]
    after: frozenset[str]
    before: frozenset[str]
    not_secrets: frozenset[str]
    settings: frozenset[str]
    patterns: tuple[_Pattern, ...]


@cache
def _knowledge() -> _Knowledge:
    table = data.load("secrets.json")
    names = table["names"]
    terms = tuple(
        _Term(
            words=tuple(item["words"].split()),
            glued=bool(item.get("glued", False)),
            last=bool(item.get("last", False)),
            needs_user_password=item.get("value") == "user:password",
        )
        for item in names["terms"]
    )
    # Longest first, so SECRET KEY wins over SECRET where both match.
    terms = tuple(sorted(terms, key=lambda t: -len(t.words)))
    return _Knowledge(
        terms=terms,
        after=frozenset(names["after"]),
        before=frozenset(names["before"]),
        not_secrets=frozenset(names["not_secrets"]),
        settings=frozenset(v.lower() for v in table["settings"]["values"]),
        patterns=tuple(
            _Pattern(item["id"], item["label"], re.compile(item["regex"]))
            for item in table["patterns"]
        ),
    )


# -- deciding -----------------------------------------------------------------------

_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_WORD_SEPARATORS = re.compile(r"[^A-Za-z0-9]+")
_PATH = re.compile(r"(?:/|\./|\.\./|~/)[^\s:;,]*")
_KEY_FILE = re.compile(r"\S*/\S*\.(?:pem|key|crt|cer|der|p8|p12|pfx|jks|json|txt|pub|asc|gpg)")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S*")
_USER_PASSWORD = re.compile(r"[^\s:/]+:[^\s/]+")
_BRACED_NAME = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")


def name_words(name: str) -> list[str]:
    """`MYSQL_ROOT_PASSWORD`, `mysql.rootPassword` → [MYSQL, ROOT, PASSWORD]."""
    return [w.upper() for w in _WORD_SEPARATORS.split(_HUMP.sub("_", name)) if w]


def _term_at(words: list[str], index: int, term: _Term) -> int:
    """Words the term covers starting at `index` (0: no match)."""
    word = words[index]
    joined = "".join(term.words)
    if word == joined or (term.glued and word.endswith(joined)):
        return 1
    size = len(term.words)
    if size > 1 and index + size <= len(words):
        first, rest = term.words[0], term.words[1:]
        head = words[index]
        if (head == first or (term.glued and head.endswith(first))) and tuple(
            words[index + 1 : index + size]
        ) == rest:
            return size
    return 0


@lru_cache(maxsize=4096)
def secret_term(name: str) -> tuple[_Term, int, int] | None:
    """The secret-shaped part of a variable name, as (term, first word, end word),
    or None when the name does not hold a secret (`PASSWORD_FILE`, `TOKEN_URL`)."""
    knowledge = _knowledge()
    if name.upper() in knowledge.not_secrets:
        return None
    words = name_words(name)
    found: tuple[_Term, int, int] | None = None
    for index in range(len(words)):
        for term in knowledge.terms:
            size = _term_at(words, index, term)
            if size:
                if found is None or index + size >= found[2]:
                    found = (term, index, index + size)
                break
    if found is None:
        return None
    term, start, end = found
    if term.last and end != len(words):
        return None
    if any(w in knowledge.after for w in words[end:]):
        return None
    if any(w in knowledge.before for w in words[:start]):
        return None
    return found


def is_secret_name(name: str) -> bool:
    return secret_term(name) is not None


def _is_blank(value: str) -> bool:
    """Empty, or only the quotes of an empty string (`NAME=""` in list syntax)."""
    return value.strip().strip("\"'").strip() == ""


def _not_a_secret_value(value: str) -> bool:
    """Values that a secret-shaped name may hold without holding a secret."""
    text = value.strip().strip("\"'")
    if text.lower() in _knowledge().settings:
        return True
    if _PATH.fullmatch(text) or _KEY_FILE.fullmatch(text):
        return True  # a file the secret is read from: DATABASE_PASSWORD=/run/secrets/db
    # An address, not a secret; a URL with a password in it is caught by a pattern first.
    return bool(_URL.fullmatch(text))


class Verdict(NamedTuple):
    """Why a value is reported: `label` names a recognised credential format,
    or is None for a secret-shaped name with a literal value."""

    label: str | None
    hint: str = ""


def judge(
    name: str, value: str | None, literal: bool, extra_names: tuple[str, ...] = ()
) -> Verdict | None:
    """Is `name=value` a hard-coded secret? `literal` is False when the value
    refers to a variable, so only a credential-shaped part of it counts.
    `extra_names` are the user's own secret-name patterns (`*_PIN`)."""
    if value is None or _is_blank(value):
        return None
    for pattern in _knowledge().patterns:
        if pattern.regex.search(value):
            return Verdict(pattern.label)
    if not literal:
        return None
    if any(fnmatch.fnmatchcase(name.upper(), p.upper()) for p in extra_names):
        return None if _not_a_secret_value(value) else Verdict(None)
    found = secret_term(name)
    if found is None or _not_a_secret_value(value):
        return None
    term = found[0]
    if term.needs_user_password and not _USER_PASSWORD.fullmatch(value.strip()):
        return None  # SMTP_AUTH=login names a method, BASIC_AUTH=admin:pw a credential
    hint = ""
    if _BRACED_NAME.fullmatch(value.strip()):
        hint = ' (a "${...}" reference missing its "$": it is taken literally)'
    return Verdict(None, hint)


# -- the rule -----------------------------------------------------------------------

# rule-options: hardcoded-secret: extra-names: ["*_PIN", "LICENSE_KEY"]
EXTRA_NAMES_OPTION = "extra-names"


@rule(
    "CL201",
    "hardcoded-secret",
    Severity.ERROR,
    "A password, token or key is written into the compose file or Dockerfile.",
    sensitive=True,
    options={EXTRA_NAMES_OPTION: "list[str]"},
)
def hardcoded_secret(project: Project, options: Mapping[str, Any]) -> Found:
    extra = tuple(options.get(EXTRA_NAMES_OPTION, ()))
    yield from _compose_findings(project, extra)
    for source in project.dockerfiles:
        if source.parsed is not None:
            for line, column, message in _dockerfile_findings(source.parsed, extra):
                yield source.loc(line, column), message
    for service in project.services:
        build = service.build
        if build is not None and build.inline is not None:
            where = service.file.key_loc(build.path + ("dockerfile_inline",))
            for line, _, message in _dockerfile_findings(build.inline, extra):
                yield where, f"dockerfile_inline line {line}: {message}"


def _compose_findings(project: Project, extra: tuple[str, ...]) -> Found:
    # A YAML anchor shared by several services is one entry in the file: report it once.
    found: dict[Location, tuple[str, list[str]]] = {}
    for service in project.services:
        entries = [(env, False) for env in service.environment]
        if service.build is not None:
            entries += [(arg, True) for arg in service.build.args]
        for env, is_arg in entries:
            value = env.value
            if value is None:
                continue
            verdict = judge(env.name, value, not has_interpolation(value), extra)
            if verdict is None:
                continue
            compose = service.file
            where = compose.loc(env.path) if env.in_list else compose.key_loc(env.path)
            if where in found:
                found[where][1].append(service.name)
            else:
                found[where] = (_compose_message(env, value, verdict, is_arg), [service.name])
    for where, (message, services) in found.items():
        names = ", ".join(f'"{s}"' for s in services)
        if len(services) == 1:
            yield where, f"service {names} {message}"
        else:  # "sets" -> "set", "passes" -> "pass"
            verb, rest = message.split(" ", 1)
            yield (
                where,
                f"services {names} {verb[:-2] if verb.endswith('ses') else verb[:-1]} {rest}",
            )


def _compose_message(env: EnvVar, value: str, verdict: Verdict, is_arg: bool) -> str:
    """The message after 'service "web" '."""
    name = env.name
    if is_arg:
        problem = f'passes build argument "{name}"'
        fix = (
            "build arguments stay in the image history, so use a build secret instead: "
            f'list it under "build.secrets" and read it with "RUN --mount=type=secret,id={name}"'
        )
    else:
        problem = f'sets environment variable "{name}" to'
        separator = "=" if env.in_list else ": "
        fix = (
            f'take it from the environment instead: "{name}{separator}${{{name}}}" with the '
            "value in an untracked .env file, or use a Compose secret (many images read "
            f'"{name}_FILE{separator}/run/secrets/<secret>")'
        )
    if verdict.label is not None:
        return (
            f"{problem} what looks like {verdict.label} {mask(value)}; "
            f"treat it as leaked and rotate it, then {fix}"
        )
    return f"{problem} a hard-coded value {mask(value)}{verdict.hint}; {fix}"


# -- Dockerfiles --------------------------------------------------------------------


class _Assignment(NamedTuple):
    name: str
    value: str  # quotes and escapes removed
    literal: bool  # no $VAR / ${VAR} in it


def _unquote(raw: str, escape: str) -> tuple[str, bool]:
    """A Dockerfile word's value, as the builder reads it, and whether it is
    free of variable references."""
    out: list[str] = []
    literal = True
    quote = ""
    index, size = 0, len(raw)
    while index < size:
        char = raw[index]
        if quote == "'":
            if char == "'":
                quote = ""
            else:
                out.append(char)
        elif char == escape and index + 1 < size:
            index += 1
            out.append(raw[index])
        elif char in "'\"" and (quote == "" or quote == char):
            quote = "" if quote else char
        else:
            if char == "$" and index + 1 < size:
                following = raw[index + 1]
                if following == "{" or following == "_" or following.isalpha():
                    literal = False
            out.append(char)
        index += 1
    return "".join(out), literal


def _split(args: str, escape: str) -> list[str]:
    """Whitespace-separated words, quotes and escapes kept."""
    words: list[str] = []
    current: list[str] = []
    quote = ""
    index, size = 0, len(args)
    while index < size:
        char = args[index]
        if quote:
            if char == quote:
                quote = ""
            elif char == escape and quote == '"' and index + 1 < size:
                current.append(char)
                index += 1
                char = args[index]
        elif char in " \t":
            if current:
                words.append("".join(current))
                current = []
            index += 1
            continue
        elif char in "'\"":
            quote = char
        elif char == escape and index + 1 < size:
            current.append(char)
            index += 1
            char = args[index]
        current.append(char)
        index += 1
    if current:
        words.append("".join(current))
    return words


def assignments(instruction: Instruction, escape: str = "\\") -> list[_Assignment]:
    """`ENV A=1 B="x y"`, legacy `ENV A x y`, `ARG A=1 B`: the names given a value."""
    words = _split(instruction.args, escape)
    if not words:
        return []
    if instruction.keyword == "ENV" and "=" not in words[0]:
        rest = instruction.args.strip()[len(words[0]) :].strip()
        value, literal = _unquote(rest, escape)
        return [_Assignment(words[0], value, literal)]
    result: list[_Assignment] = []
    for word in words:
        name, sep, raw = word.partition("=")
        if sep and name:
            value, literal = _unquote(raw, escape)
            result.append(_Assignment(name, value, literal))
    return result


def _name_position(instruction: Instruction, name: str, start: tuple[int, int]) -> tuple[int, int]:
    """(line offset, 0-based column) of `name` as a word at or after `start`."""
    pattern = re.compile(rf"(?<![^\s]){re.escape(name)}(?=[=\s]|$)")
    line_index, column = start
    for offset in range(line_index, len(instruction.lines)):
        text = instruction.lines[offset]
        if offset > 0 and text.lstrip().startswith("#"):
            continue
        match = pattern.search(text, column if offset == line_index else 0)
        if match:
            return offset, match.start()
    return start


def _dockerfile_findings(
    dockerfile: Dockerfile, extra: tuple[str, ...] = ()
) -> Iterator[tuple[int, int, str]]:
    escape = dockerfile.escape
    for instruction in dockerfile.instructions:
        if instruction.keyword not in ("ENV", "ARG"):
            continue
        keyword_end = instruction.column - 1 + len(instruction.keyword)
        cursor = (0, keyword_end)
        for item in assignments(instruction, escape):
            offset, column = _name_position(instruction, item.name, cursor)
            cursor = (offset, column + len(item.name))
            verdict = judge(item.name, item.value, item.literal, extra)
            if verdict is None:
                continue
            message = _dockerfile_message(instruction.keyword, item, verdict)
            yield instruction.line + offset, column + 1, message


def _dockerfile_message(keyword: str, item: _Assignment, verdict: Verdict) -> str:
    name = item.name
    if verdict.label is not None:
        what = (
            f"what looks like {verdict.label} {mask(item.value)}; treat it as leaked and revoke it"
        )
    else:
        what = f"a hard-coded value {mask(item.value)}{verdict.hint}"
    if keyword == "ENV":
        return (
            f'ENV sets "{name}" to {what}; it is stored in every image built from this '
            f'Dockerfile, where "docker inspect" shows it: remove it and set it at run time '
            f'from compose ("environment: {name}: ${{{name}}}") or read it from a Compose secret'
        )
    return (
        f'ARG "{name}" defaults to {what}; build arguments are kept in the image history: '
        f'drop the default and use a build secret ("RUN --mount=type=secret,id={name}")'
    )
