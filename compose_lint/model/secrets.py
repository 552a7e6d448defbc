"""What counts as a hard-coded secret, and how serious each one is.

The knowledge is data (`data/secrets.json`: secret-shaped name terms, words that make a
name harmless, setting words, credential patterns, placeholder words, with their
sources; which files are for local use is `model.purpose`'s); this module reads it
once and answers:

- is this variable name secret-shaped (`secret_term`, `is_secret_name`);
- what kind of value is `name=value` (`judge`: an issued credential, a random-looking
  value, an ordinary literal, a well-known default, a self-describing placeholder);
- and, over a whole project, which tier every hard-coded value falls in (`scan`):
  CL201 reports the credentials, CL215 the ordinary literals, placeholders and local
  files stay quiet unless asked for.

`mask` is the one stand-in for a secret in any output.
"""

from __future__ import annotations

import fnmatch
import math
import os
import posixpath
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from enum import IntEnum
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

from compose_lint import data
from compose_lint.findings import Location
from compose_lint.load.dockerfile import Dockerfile, Instruction
from compose_lint.load.interpolation import has_interpolation
from compose_lint.model import Build, ComposeFile, EnvVar, Port, Project, Service
from compose_lint.model.cache import per_project
from compose_lint.model.purpose import compose_use, says_defaults_only, source_use
from compose_lint.model.values import EnvFileEntry, env_file_entries


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
    kind: str  # issued (a token, a cloud key), generated (a private key) or embedded


class _Knowledge(NamedTuple):
    terms: tuple[_Term, ...]
    after: frozenset[str]
    before: frozenset[str]
    not_secrets: frozenset[str]
    settings: frozenset[str]
    patterns: tuple[_Pattern, ...]
    markers: frozenset[str]
    defaults: frozenset[str]
    key_ids: Mapping[tuple[str, ...], tuple[tuple[str, ...], ...]]
    service_kinds: Mapping[str, tuple[str, ...]]


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
            _Pattern(item["id"], item["label"], re.compile(item["regex"]), item["kind"])
            for item in table["patterns"]
        ),
        markers=frozenset(w.lower() for w in table["placeholders"]["markers"]),
        defaults=frozenset(w.lower() for w in table["placeholders"]["defaults"]),
        key_ids={
            tuple(term.split()): tuple(tuple(p.split()) for p in pairs)
            for term, pairs in table["key_ids"]["terms"].items()
        },
        service_kinds={k.upper(): tuple(v) for k, v in table["services"]["kinds"].items()},
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


class Kind(IntEnum):
    """What a hard-coded value under a secret (or a credential-shaped value) is."""

    PLACEHOLDER = 0  # says it is one: changeme, replace-me-with..., CAFEBABE, ...EXAMPLE
    DEFAULT = 1  # a well-known default: password, the user name, postgres, admin:admin
    LITERAL = 2  # an ordinary literal: a real password, or a throwaway one
    RANDOM = 3  # random-looking under a secret name: how generated keys look
    GENERATED = 4  # a format its owner makes: a private key (a fixture in a local file)
    ISSUED = 5  # a credential format a provider issues: a token, a cloud key


class Verdict(NamedTuple):
    """Why a value is reported: `label` names a recognised credential format (or a
    URL / connection string with a password in it), or is None for a secret-shaped
    name with a literal value; `kind` says how serious it is."""

    label: str | None
    hint: str = ""
    kind: Kind = Kind.LITERAL
    host: str | None = None  # the host of a URL with a password in it
    secret: str | None = None  # the password of a URL or connection string


class Context(NamedTuple):
    """What is written beside a value: the literal values of the variables set next
    to it (its user name...), and the names of the service and image it is set on."""

    siblings: Mapping[str, str] = {}
    words: frozenset[str] = frozenset()  # service and image name words, lower-case


_VALUE_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_LEET = str.maketrans("4310$@57", "aeiosast")
_COUNTING = "01234567890", "9876543210"
_SAME_CASE_RUN = re.compile(r"[a-z]{6,}|[A-Z]{6,}")
_URL_USERINFO = re.compile(
    r"[A-Za-z][A-Za-z0-9+.-]*://(?P<user>[^\s/:@]*):(?P<password>[^\s/@]+)@(?P<host>[^\s/:?#,]*)"
)
_CONNECTION_PASSWORD = re.compile(r"(?i)(?:^|;)\s*(?:password|pwd)\s*=\s*(?P<password>[^;]*)")
_CONNECTION_USER = re.compile(r"(?i)(?:^|;)\s*(?:user id|uid|username|user)\s*=\s*(?P<user>[^;]*)")


def _value_words(text: str) -> list[str]:
    return [w.lower() for w in _VALUE_WORDS.findall(text)]


def _segments(word: str, vocabulary: frozenset[str]) -> bool:
    """Whether `word` is one or more vocabulary words glued together (mysecretpassword)."""
    size = len(word)
    reachable = [True] + [False] * size
    for end in range(1, size + 1):
        reachable[end] = any(
            reachable[start] and word[start:end] in vocabulary
            for start in range(max(0, end - 16), end)
        )
    return reachable[size]


def _counting(digits: str) -> bool:
    return len(set(digits)) == 1 or any(digits in seq for seq in _COUNTING)


def _context_words(name: str, context: Context) -> frozenset[str]:
    words = {w.lower() for w in name_words(name)}
    words |= context.words
    for value in _public_values(name, context):
        words.update(_value_words(value))
    return frozenset(words)


def _public_values(name: str, context: Context) -> list[str]:
    """The values written beside the secret `name` that are not secrets themselves (a
    user name, a database name, an access key ID)."""
    around = Context({**context.siblings, name: ""}, context.words)
    return [
        value
        for sibling, value in context.siblings.items()
        if not is_secret_name(sibling) or _is_key_id(sibling, around)
    ]


# A template token that a setup script replaces before deploying: words joined by `_`
# between underscores (`_admin_password_`, `__DB_PASSWORD__`), `{{ name }}`, `%NAME%`
_TEMPLATE_TOKEN = re.compile(
    r"_[A-Za-z]+(?:_[A-Za-z]+)+_|__[A-Za-z]+(?:_[A-Za-z]+)*__"
    r"|\{\{\s*[A-Za-z_][A-Za-z0-9_.]*\s*\}\}|%[A-Za-z]+(?:_[A-Za-z]+)*%"
)


def placeholder_kind(
    secret: str, name: str, context: Context, user: str | None = None
) -> Kind | None:
    """PLACEHOLDER or DEFAULT when `secret` is recognisably not a real one, else None."""
    knowledge = _knowledge()
    text = secret.strip().strip("\"'")
    lowered = text.lower()
    if not text:
        return Kind.PLACEHOLDER
    if any(len(m) >= 6 and m in lowered for m in knowledge.markers):
        return Kind.PLACEHOLDER
    if (text.startswith("<") and text.endswith(">")) or len(set(lowered)) == 1:
        return Kind.PLACEHOLDER  # <your-token>, xxxxxxxx, ********
    if _TEMPLATE_TOKEN.fullmatch(text):
        return Kind.PLACEHOLDER  # _admin_password_, __DB_PASSWORD__: a setup script fills it
    readings = [_value_words(text)]
    leet = text.translate(_LEET)
    if leet != text:
        readings.append(_value_words(leet))
    if any(w in knowledge.markers for reading in readings for w in reading):
        return Kind.PLACEHOLDER
    near = {v.strip().lower() for v in _public_values(name, context)}
    if user is not None:
        near.add(user.lower())
    if lowered in near:
        return Kind.DEFAULT  # the user name again, or another value written beside it
    vocabulary = (
        knowledge.defaults
        | _context_words(name, context)
        | {w for v in near for w in _value_words(v)}
    )
    for reading in readings:
        if reading and all(
            _counting(w) if w.isdigit() else _segments(w, vocabulary) for w in reading
        ):
            return Kind.DEFAULT
    return None


# `base64:` and 32 bytes or more: the form framework key generators write (Laravel's
# `php artisan key:generate`); its letters may run into a word by chance
_ENCODED_KEY = re.compile(r"base64:[A-Za-z0-9+/]{43,}={0,2}")


# the digits and signs that stand for letters when a word is spelt to look random
_LEET = str.maketrans("013457@$!", "oieastasi")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


@cache
def _typed_words() -> tuple[str, ...]:
    """The well-known password words long enough not to turn up by chance in a
    generated value (`password`, `secret`, `welcome`: data/secrets.json defaults)."""
    return tuple(w for w in _knowledge().defaults if len(w) >= 6)


def _random_looking(text: str) -> bool:
    """Generated, not typed: long, mixed character classes, high entropy, no words."""
    if len(text) < 16 or any(c.isspace() for c in text):
        return False
    if _ENCODED_KEY.fullmatch(text):
        return True
    classes = sum(
        (
            any(c.islower() for c in text),
            any(c.isupper() for c in text),
            any(c.isdigit() for c in text),
        )
    )
    if classes < 2 or _SAME_CASE_RUN.search(text):
        return False
    lowered = text.lower()
    spellings = (lowered.translate(_LEET), _NOT_ALNUM.sub("", lowered).translate(_LEET))
    if any(word in plain for plain in spellings for word in _typed_words()):
        return False  # "myAwEsOm3pa55@w0rd": a word spelt with digits and mixed case
    counts = Counter(text)
    entropy = -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())
    return entropy >= 3.5


def well_known(value: str) -> bool:
    """Whether `value` is recognisably no secret whatever it is set to: a placeholder or
    a well-known default by its own words (`postgres`, `changeme`, `admin`)."""
    return placeholder_kind(value, "", Context()) is not None


def _strength(secret: str, name: str, context: Context, user: str | None = None) -> Kind:
    found = placeholder_kind(secret, name, context, user)
    if found is not None:
        return found
    return Kind.RANDOM if _random_looking(secret.strip().strip("\"'")) else Kind.LITERAL


def _is_key_id(name: str, context: Context) -> bool:
    """AWS_ACCESS_KEY beside AWS_SECRET_KEY: the key's ID, not its secret."""
    words = name_words(name)
    for term, pairs in _knowledge().key_ids.items():
        size = len(term)
        if tuple(words[-size:]) != term:
            continue
        prefix = words[:-size]
        for sibling in context.siblings:
            other = name_words(sibling)
            if other[: len(prefix)] == prefix and any(
                tuple(other[len(prefix) :]) == pair for pair in pairs
            ):
                return True
    return False


def _issued_example(match: str) -> bool:
    """AWS's documented AKIAIOSFODNN7EXAMPLE, sk_live_xxxxxxxx..."""
    lowered = match.lower()
    body = re.sub(r"^[a-z]+[_-](?:live_|pat_)?", "", lowered)
    return "example" in lowered or "placeholder" in lowered or len(set(body)) <= 3


def judge(
    name: str,
    value: str | None,
    literal: bool,
    extra_names: tuple[str, ...] = (),
    context: Context | None = None,
) -> Verdict | None:
    """Is `name=value` a hard-coded secret, and of which kind? `literal` is False when
    the value refers to a variable, so only a credential-shaped part of it counts.
    `extra_names` are the user's own secret-name patterns (`*_PIN`); `context` what is
    written beside it (to recognise a password equal to its user name)."""
    if value is None or _is_blank(value):
        return None
    context = context or Context()
    for pattern in _knowledge().patterns:
        match = pattern.regex.search(value)
        if not match:
            continue
        if pattern.kind in ("issued", "generated"):
            made = Kind.ISSUED if pattern.kind == "issued" else Kind.GENERATED
            kind = Kind.PLACEHOLDER if _issued_example(match.group(0)) else made
            return Verdict(pattern.label, kind=kind)
        url = _URL_USERINFO.search(value)
        if url is not None:
            kind = _strength(url["password"], name, context, url["user"])
            host = url["host"].lower() or None
            return Verdict(pattern.label, kind=kind, host=host, secret=url["password"])
        connection = _CONNECTION_PASSWORD.search(value)
        if connection is not None:
            login = _CONNECTION_USER.search(value)
            secret = connection["password"]
            kind = _strength(secret, name, context, login["user"] if login else None)
            return Verdict(pattern.label, kind=kind, secret=secret)
        return Verdict(pattern.label)
    if not literal:
        return None
    if any(fnmatch.fnmatchcase(name.upper(), p.upper()) for p in extra_names):
        if _not_a_secret_value(value):
            return None
        return Verdict(None, kind=_strength(value, name, context))
    found = secret_term(name)
    if found is None or _not_a_secret_value(value):
        return None
    term = found[0]
    if term.needs_user_password and not _USER_PASSWORD.fullmatch(value.strip()):
        return None  # SMTP_AUTH=login names a method, BASIC_AUTH=admin:pw a credential
    if _is_key_id(name, context):
        return None
    hint = ""
    if _BRACED_NAME.fullmatch(value.strip()):
        hint = ' (a "${...}" reference missing its "$": it is taken literally)'
        return Verdict(None, hint, Kind.LITERAL)
    if term.needs_user_password:
        login_name, _, secret = value.strip().partition(":")
        return Verdict(None, hint, _strength(secret, name, context, login_name))
    kind = _strength(value, name, context)
    if kind is Kind.RANDOM and _names_a_digest(name):
        kind = Kind.LITERAL  # the hash a login is checked against, not the password
    return Verdict(None, hint, kind)


_DIGEST_WORDS = frozenset(
    {"HASH", "HASHED", "DIGEST", "SHA", "SHA1", "SHA2", "SHA256", "SHA512", "BCRYPT", "MD5"}
)


def _names_a_digest(name: str) -> bool:
    """ROOT_PASSWORD_SHA2, ADMIN_PASSWORD_HASH: the variable holds a digest of the
    password (random-looking by nature), which logs nobody in by itself."""
    return any(word in _DIGEST_WORDS for word in name_words(name))


# -- .env files -------------------------------------------------------------------------


class EnvFileSecret(NamedTuple):
    """A `.env` line that holds a secret, with its verdict."""

    entry: EnvFileEntry
    verdict: Verdict


def env_file_secrets(text: str, extra_names: tuple[str, ...] = ()) -> list[EnvFileSecret]:
    """The lines of a `.env` file whose value `judge` calls a secret (placeholders and
    well-known defaults included: the caller decides by `verdict.kind`). A value that
    refers to variables counts only for its credential-shaped part."""
    entries = env_file_entries(text)
    siblings = {e.name: e.value for e in entries if not (e.interpolated and "$" in e.value)}
    lines = text.splitlines()
    found: list[EnvFileSecret] = []
    for entry in entries:
        literal = not (entry.interpolated and has_interpolation(entry.value))
        context = Context({k: v for k, v in siblings.items() if k != entry.name})
        verdict = judge(entry.name, entry.value, literal, extra_names, context)
        if verdict is not None:
            if Kind.PLACEHOLDER < verdict.kind < Kind.ISSUED and _told_to_replace(
                lines, entry.line
            ):
                verdict = verdict._replace(kind=Kind.PLACEHOLDER)
            found.append(EnvFileSecret(entry, verdict))
    return found


_REPLACE_WORDS = frozenset({"regenerate", "replace", "change", "changeme", "generate"})


def _told_to_replace(lines: Sequence[str], line: int) -> bool:
    """Whether the comment right above line `line` (1-based) tells the user to put their
    own value there: "# Please regenerate the APP_KEY value ... Copy paste the value here"
    (snipe-it's .env.docker) marks a value the template ships as a stand-in."""
    above = line - 2
    while above >= 0 and lines[above].strip().startswith("#"):
        words = set(re.findall(r"[a-z]+", lines[above].lower()))
        if words & _REPLACE_WORDS:
            return True
        above -= 1
    return False


ENV_TEMPLATES = (
    "*.example", "*.sample", "*.dist", "*.template", "*.tmpl", "*.tpl",
    "*-sample", "*-example", "*_sample", "*_example",
)  # fmt: skip


def is_env_template(name: str) -> bool:
    """`.env.example`, `.env.sample`, `app.env.template`, `.env.prod-sample`: a file
    of placeholders that users copy, not the values a deployment runs with."""
    lowered = name.lower()
    return any(fnmatch.fnmatchcase(lowered, pattern) for pattern in ENV_TEMPLATES)


class EnvFile(NamedTuple):
    """An env file the project reads: a service's `env_file:` or the project's `.env`."""

    path: Path
    display: str  # as findings name it
    text: str
    services: tuple[str, ...]  # the services that read it (empty for the project's .env)
    local: bool  # plainly for local use (by its path, or read only by local services)
    git_ignored: bool  # the repository's .gitignore leaves it out: never committed


@per_project
def env_files(project: Project) -> tuple[EnvFile, ...]:
    """The env files of the project that exist and are not templates, each once: the
    `.env` beside the compose file, then every `env_file:` entry in service order (read
    once per project)."""
    from compose_lint.load.files import ReadError, read_text, stat_kind
    from compose_lint.model.purpose import file_use, service_use
    from compose_lint.model.setup_steps import git_ignored
    from compose_lint.model.values import resolved

    view = project.view
    if view is None:
        return ()
    readers: dict[Path, list[Service]] = {project.directory / ".env": []}
    for service in project.services:
        raw = service.data.get("env_file")
        items = raw if isinstance(raw, list) else [raw]
        for item in items:
            written = item.get("path") if isinstance(item, dict) else item
            text = resolved(written, project.env)
            if isinstance(text, str) and text:
                base = service.file.file_of(service.path + ("env_file",)).base_dir
                readers.setdefault(Path(os.path.normpath(base / text)), []).append(service)
    tree: str | None = None  # worked out when a file is there to read
    found: list[EnvFile] = []
    for path, services in readers.items():
        if is_env_template(path.name) or stat_kind(path) is not None:
            continue
        if tree is None:
            tree = os.path.realpath(project.tree())
        if os.path.commonpath([tree, os.path.realpath(path)]) != tree:
            continue  # outside the project's tree: not read (as the loader does)
        try:
            text = read_text(path)
        except (ReadError, OSError, ValueError):
            continue
        display = _display_beside(view.main, path)
        local = (
            file_use(display) is not None
            or (bool(services) and all(service_use(s) is not None for s in services))
            or says_defaults_only(text)
        )
        ignored = git_ignored(project, path)
        names = tuple(dict.fromkeys(s.name for s in services))
        found.append(EnvFile(path, display, text, names, local, ignored))
    return tuple(found)


def _display_beside(compose: ComposeFile, path: Path) -> str:
    """`path` as findings name it: relative to the folder shown for `compose`."""
    try:
        relative = os.path.relpath(path, compose.path.parent).replace(os.sep, "/")
    except ValueError:  # another drive on Windows
        return str(path)
    base = posixpath.dirname(compose.display)
    return posixpath.normpath(posixpath.join(base, relative)) if base else relative


def _env_file_occurrences(project: Project, settings: Settings) -> Iterator[Occurrence]:
    """The secrets written in the project's env files that are committed (a
    git-ignored `.env` is where secrets belong and is left alone)."""
    for env in env_files(project):
        if env.git_ignored:
            continue  # where secrets belong
        local = env.local and not settings.local_files
        for found in env_file_secrets(env.text, settings.extra_names):
            entry, verdict = found
            tier = _tier(verdict.kind, local, settings)
            where = Location(env.display, entry.line, entry.column)
            yield Occurrence(tier, where, _env_file_message(env, entry, verdict), True)


def _env_file_message(env: EnvFile, entry: EnvFileEntry, verdict: Verdict) -> str:
    readers = ", ".join(f'"{s}"' for s in env.services)
    read = (
        f"read by service{'s' if len(env.services) > 1 else ''} {readers}"
        if env.services
        else "the project's .env, which Compose reads for interpolation"
    )
    name = posixpath.basename(env.display)
    return (
        f'{name} ({read}) sets "{entry.name}" to {_what(entry.value, verdict)}, and '
        f"nothing in .gitignore keeps the file out of the repository; {_leaked(verdict)}"
        f'add "{name}" to .gitignore (and remove it from git), and commit an '
        f"{name}.example with placeholders instead"
    )


# -- Dockerfile ENV / ARG assignments ---------------------------------------------------


class Assignment(NamedTuple):
    """A name an ENV or ARG gives a value, and where the name is written."""

    name: str
    value: str  # quotes and escapes removed
    literal: bool  # no $VAR / ${VAR} the builder would substitute
    line: int
    column: int


def _refers_to_variables(text: str, start: int, escape: str, *, to_end: bool = False) -> bool:
    """Whether the value written from `text[start:]` (up to the first blank outside
    quotes, or to the end with `to_end`) holds a `$name` or `${...}` the builder
    substitutes: not inside single quotes, not escaped."""
    quote = ""
    index, size = start, len(text)
    while index < size:
        char = text[index]
        if quote == "'":
            if char == "'":
                quote = ""
        elif char == escape and index + 1 < size:
            index += 1
        elif char in "'\"" and quote in ("", char):
            quote = "" if quote else char
        elif char in " \t" and not quote and not to_end:
            return False
        elif char == "$" and index + 1 < size:
            following = text[index + 1]
            if following in "{_" or following.isalpha():
                return True
        index += 1
    return False


def _name_at(instruction: Instruction, name: str, after: tuple[int, int]) -> tuple[int, int]:
    """(line offset, 0-based column) of `name` written as a word, at or after `after`."""
    pattern = re.compile(rf"(?<![^\s]){re.escape(name)}(?=[=\s]|$)")
    lines = instruction.command_lines
    start_line, start_column = after
    for offset in range(start_line, len(lines)):
        text = lines[offset]
        if offset > 0 and text.lstrip().startswith("#"):
            continue
        match = pattern.search(text, start_column if offset == start_line else 0)
        if match:
            return offset, match.start()
    return after


def assignments(instruction: Instruction) -> list[Assignment]:
    """`ENV A=1 B="x y"`, the legacy `ENV A x y`, `ARG A=1 B`: the names given a value,
    as the loader reads the pairs (`Instruction.env_pairs`, `arg_pairs`), each with
    where its name is written and whether its value refers to variables."""
    if instruction.keyword == "ENV":
        pairs: list[tuple[str, str]] = list(instruction.env_pairs)
    elif instruction.keyword == "ARG":
        pairs = [(n, v) for n, v in instruction.arg_pairs if v is not None]
    else:
        return []
    if not pairs:
        return []
    lines = instruction.command_lines
    legacy = instruction.keyword == "ENV" and "=" not in instruction.args.split()[0]
    cursor = (0, instruction.column - 1 + len(instruction.keyword))
    found: list[Assignment] = []
    for name, value in pairs:
        offset, column = _name_at(instruction, name, cursor)
        cursor = (offset, column + len(name))
        text = lines[offset] if offset < len(lines) else ""
        if legacy:
            rest = instruction.args.strip()[len(name) :]
            literal = not _refers_to_variables(rest, 0, instruction.escape, to_end=True)
        else:
            literal = not _refers_to_variables(text, column + len(name) + 1, instruction.escape)
        found.append(Assignment(name, value, literal, instruction.line + offset, column + 1))
    return found


# -- a project's hard-coded values, in tiers ---------------------------------------------


class Tier(IntEnum):
    QUIET = 0  # placeholders, defaults, local files: reported only when asked for
    LITERAL = 1  # CL215: an ordinary literal under a secret name
    CREDENTIAL = 2  # CL201: a credential


class Settings(NamedTuple):
    extra_names: tuple[str, ...] = ()
    placeholders: bool = False  # report placeholders and well-known defaults (CL215)
    local_files: bool = False  # judge local/dev/test/CI files like the others


def settings_of(options: Mapping[str, object]) -> Settings:
    """The settings a secrets rule's options ask for (`extra-names`, `local-files`,
    `placeholders`; absent ones keep their defaults)."""
    names = options.get("extra-names", ())
    return Settings(
        extra_names=tuple(str(n) for n in names) if isinstance(names, list | tuple) else (),
        placeholders=bool(options.get("placeholders", False)),
        local_files=bool(options.get("local-files", False)),
    )


class Occurrence(NamedTuple):
    tier: Tier
    where: Location
    message: str
    env_file: bool = False  # in an env file (CL210's), not a compose file or Dockerfile


@per_project
def scan(project: Project, settings: Settings) -> list[Occurrence]:
    """Every hard-coded secret of the project with its tier and message (a YAML
    anchor shared by several services is one occurrence, where it is written), worked
    out once per project and settings (CL201 and CL215 read the same scan)."""
    found = list(_compose_occurrences(project, settings))
    found.extend(_env_file_occurrences(project, settings))
    for source in project.dockerfiles:
        if source.parsed is not None:
            stages = _inherited_stages(project, source.parsed)
            local = not settings.local_files and source_use(source) is not None
            for line, column, tier, message in _dockerfile_occurrences(
                source.parsed, settings, local, stages
            ):
                found.append(Occurrence(tier, source.loc(line, column), message))
    for service in project.services:
        build = service.build
        if build is not None and build.inline is not None:
            where = service.file.key_loc(build.path + ("dockerfile_inline",))
            holder = service.file.file_of(build.path)
            local = not settings.local_files and compose_use(holder) is not None
            stages = _inherited_stages(project, build.inline)
            for line, _, tier, message in _dockerfile_occurrences(
                build.inline, settings, local, stages
            ):
                found.append(Occurrence(tier, where, f"dockerfile_inline line {line}: {message}"))
    return found


def _tier(kind: Kind, local: bool, settings: Settings) -> Tier:
    """The tier of a value with no service to guard (Dockerfiles, build args)."""
    if kind is Kind.ISSUED:
        return Tier.CREDENTIAL
    if local:
        return Tier.QUIET
    if kind in (Kind.RANDOM, Kind.GENERATED):
        return Tier.CREDENTIAL
    if kind is Kind.LITERAL or settings.placeholders:
        return Tier.LITERAL
    return Tier.QUIET


# -- compose -------------------------------------------------------------------------------


def _image_words(service: Service) -> set[str]:
    """The words of the image the service runs: its `image:`, or for a build without
    one, the image its Dockerfile starts FROM (`FROM mariadb:11`)."""
    image = service.image or ""
    if not image and service.build is not None:
        from compose_lint.model.image import image_of

        built = image_of(service.build)
        image = (built.root if built is not None else None) or ""
    name = image.rsplit("/", 1)[-1].split("@")[0].split(":")[0]
    return {w.upper() for w in re.split(r"[^A-Za-z0-9]+", name) if w}


def _service_words(service: Service) -> frozenset[str]:
    words = {w.lower() for w in re.split(r"[^A-Za-z0-9]+", service.name) if w}
    return frozenset(words | {w.lower() for w in _image_words(service)})


def _target(
    project: Project, service: Service, name: str, verdict: Verdict
) -> tuple[Service | None, bool]:
    """The service the secret guards, and whether it was named (by the URL's host or by
    a word of the variable's name) rather than assumed to be the service itself."""
    others = {s.name.lower(): s for s in project.services}
    for s in project.services:
        for key in ("hostname", "container_name"):
            alias = s.data.get(key)
            if isinstance(alias, str):
                others.setdefault(alias.lower(), s)
    if verdict.host is not None:
        if verdict.host in ("localhost", "127.0.0.1", "::1"):
            return service, True
        return others.get(verdict.host), True
    found = secret_term(name)
    words = name_words(name)[: found[1]] if found is not None else name_words(name)[:1]
    kinds = _knowledge().service_kinds

    # nearest the secret word first: in SHOP_DB_PASSWORD, DB says whose password it is
    # and SHOP is the prefix of the application that uses it
    def runs(candidate: Service, word: str) -> bool:
        images = _image_words(candidate)
        lowered = {i.lower() for i in images}
        return word in images or any(kind in lowered for kind in kinds.get(word, ()))

    for word in reversed(words):
        # the service that sets it first: a mariadb service reads MYSQL_PASSWORD as its
        # own even beside a service named mysql, and of two services on one database
        # image, each sets its own password
        if runs(service, word):
            return service, True
        if word.lower() in others:
            return others[word.lower()], True
        for candidate in project.services:
            if runs(candidate, word):
                return candidate, True
        if word in kinds:
            return None, True  # a database the project does not run: outside it
    return service, False


def _published(project: Project, service: Service) -> list[str]:
    """The ports of `service` that others than the host itself reach, as written
    ("80:80", "0.0.0.0:5432:5432"); empty when none (a port bound to 127.0.0.1 or
    ::1 is reachable from the host alone)."""
    from compose_lint.model.services import facts

    mode = service.data.get("network_mode")
    if isinstance(mode, str) and mode.strip().lower() == "host":
        return ["every port (network_mode: host)"]
    return [_shown_port(port) for port in facts(project, service).reachable_ports]


def _proxied(project: Project, service: Service) -> str | None:
    from compose_lint.model.services import facts

    return facts(project, service).proxied


def _loopback_only(project: Project, service: Service) -> bool:
    """Whether `service` publishes ports, all of them on the host's loopback only."""
    from compose_lint.model.services import facts

    return (
        bool(service.ports)
        and facts(project, service).publishes
        and not _published(project, service)
    )


def _shown_port(port: Port) -> str:
    target = (
        str(port.target) if port.target == port.target_end else f"{port.target}-{port.target_end}"
    )
    if not port.published:
        return target
    address = port.host_ip or ""
    if "$" in address:
        address = ""  # chosen by a variable: the address as parsed is a stand-in
    if ":" in address and not address.startswith("["):
        address = f"[{address}]"
    return f"{address}:{port.published}:{target}" if address else f"{port.published}:{target}"


def _compose_occurrences(project: Project, settings: Settings) -> Iterator[Occurrence]:
    from compose_lint.model.purpose import is_retired

    entries_at: dict[Location, tuple[Tier, str, list[str]]] = {}
    # a service kept only for backward compatibility (a `deprecated` profile) is judged
    # like a local file's; the services in use come first, so that a value they share
    # with it (a YAML anchor) is judged as theirs
    retired_names = {s.name for s in project.services if is_retired(s)}
    for service in sorted(project.services, key=lambda s: s.name in retired_names):
        retired = service.name in retired_names
        environment = {
            e.name: e.value
            for e in service.environment
            if e.value is not None and not has_interpolation(e.value)
        }
        words = _service_words(service)
        entries = [(env, False) for env in service.environment]
        if service.build is not None:
            entries += [(arg, True) for arg in service.build.args]
        for env, is_arg in entries:
            value = env.value
            if value is None:
                continue
            siblings = (
                {a.name: a.value for a in service.build.args if a.value is not None}
                if is_arg and service.build is not None
                else environment
            )
            context = Context({k: v for k, v in siblings.items() if k != env.name}, words)
            literal = not has_interpolation(value)
            verdict = judge(env.name, value, literal, settings.extra_names, context)
            if verdict is None:
                continue
            compose = service.file
            where = compose.loc(env.path) if env.in_list else compose.key_loc(env.path)
            if where in entries_at:
                sharing = entries_at[where][2]
                if not retired or set(sharing) <= retired_names:
                    sharing.append(service.name)
                continue
            holder = service.file.file_of(env.path)
            local = not settings.local_files and (retired or compose_use(holder) is not None)
            if is_arg:
                tier = _tier(verdict.kind, local, settings)
                message = _arg_message(env, value, verdict)
            else:
                tier, message = _environment(project, service, env, value, verdict, local, settings)
                # a URL to a service with the well-known default password that service is
                # set up with (the database's POSTGRES_PASSWORD=postgres, reported there) is
                # the same advice again, taken together: "change it before deploying"
                if verdict.kind is Kind.DEFAULT and _sets_itself(project, verdict, settings):
                    continue
            entries_at[where] = (tier, message, [service.name])
    for where, (tier, message, services) in entries_at.items():
        names = ", ".join(f'"{s}"' for s in services)
        if len(services) == 1:
            yield Occurrence(tier, where, f"service {names} {message}")
        else:  # "sets" -> "set", "passes" -> "pass"
            verb, rest = message.split(" ", 1)
            plural = verb[:-2] if verb.endswith("ses") else verb[:-1]
            yield Occurrence(tier, where, f"services {names} {plural} {rest}")


def _sets_itself(project: Project, verdict: Verdict, settings: Settings) -> bool:
    """Whether the service a URL's password is for (its host) sets that same password
    in a secret-named variable of its own environment (reported there)."""
    if verdict.host is None or verdict.secret is None:
        return False
    target = next((s for s in project.services if s.name.lower() == verdict.host), None)
    return target is not None and any(
        e.value == verdict.secret and judge(e.name, e.value, True, settings.extra_names)
        for e in target.environment
        if e.value is not None
    )


def _what(value: str, verdict: Verdict) -> str:
    """The value as the message describes it (never the value itself)."""
    masked = mask(value)
    if verdict.kind in (Kind.ISSUED, Kind.GENERATED):
        return f"what looks like {verdict.label} {masked}"
    if verdict.label is not None:  # a URL or connection string with a password in it
        how = {
            Kind.RANDOM: "a random-looking password",
            Kind.LITERAL: "a hard-coded password",
        }.get(verdict.kind, "a default or placeholder password")
        label = verdict.label.replace("with a password in it", f"with {how} in it")
        return f"{label} {masked}"
    if verdict.kind is Kind.RANDOM:
        return f"a random-looking value {masked}, the way generated keys look"
    if verdict.kind in (Kind.DEFAULT, Kind.PLACEHOLDER):
        return f"a well-known default or placeholder value {masked}"
    return f"a hard-coded value {masked}{verdict.hint}"


def _leaked(verdict: Verdict) -> str:
    if verdict.kind is Kind.ISSUED:
        return "treat it as leaked and revoke it, then "
    if verdict.kind is Kind.GENERATED:
        return "treat it as leaked and replace it with a new one, then "
    if verdict.kind is Kind.RANDOM:
        return "if it is a real secret, treat it as leaked and rotate it, then "
    return ""


def _environment_fix(env: EnvVar) -> str:
    name = env.name
    separator = "=" if env.in_list else ": "
    return (
        f'take it from the environment instead: "{name}{separator}${{{name}}}" with the '
        "value in an untracked .env file, or use a Compose secret (many images read "
        f'"{name}_FILE{separator}/run/secrets/<secret>")'
    )


def _environment(
    project: Project,
    service: Service,
    env: EnvVar,
    value: str,
    verdict: Verdict,
    local: bool,
    settings: Settings,
) -> tuple[Tier, str]:
    """The tier and message (after 'service "web" ') of an `environment:` entry."""
    kind = verdict.kind
    problem = f'sets environment variable "{env.name}" to {_what(value, verdict)}'
    fix = _environment_fix(env)
    if kind is Kind.ISSUED or (kind is Kind.GENERATED and not local):
        return Tier.CREDENTIAL, f"{problem}; {_leaked(verdict)}{fix}"
    if local:
        return Tier.QUIET, f"{problem}; {fix}"
    target, named = _target(project, service, env.name, verdict)
    published = _published(project, target) if target is not None else []
    proxy = _proxied(project, target) if target is not None and not published else None
    if kind in (Kind.PLACEHOLDER, Kind.DEFAULT):
        if kind is Kind.DEFAULT and target is not None and (published or proxy):
            one = len(published) <= 1
            whose = "it" if target is service else f'service "{target.name}"'
            if published:
                ports = ("port " if one else "ports ") + ", ".join(published)
                reach = f"{whose} publishes {ports}"
            else:
                reach = f"a reverse proxy routes requests to {whose} ({proxy} labels)"
            return Tier.LITERAL, (
                f"{problem}, and {reach}: anyone who reaches "
                f"{'it' if one else 'them'} can try it; change it before deploying and {fix}"
            )
        return (Tier.LITERAL if settings.placeholders else Tier.QUIET), f"{problem}; {fix}"
    bundled = target is not None and named and not published and proxy is None
    if kind is Kind.RANDOM and not bundled:
        return Tier.CREDENTIAL, f"{problem}; {_leaked(verdict)}{fix}"
    note = ""
    if bundled and target is not None:
        whose = "it publishes" if target is service else f'service "{target.name}" publishes'
        if _loopback_only(project, target):
            reach = (
                "ports only on the host's loopback interface, so only the host and "
                "containers on its networks can use it"
            )
        else:
            reach = "no port, so only containers on its networks can use it"
        note = f" ({whose} {reach}, but everyone who can read this file knows it)"
    return Tier.LITERAL, f"{problem}{note}; {fix}"


def _arg_message(env: EnvVar, value: str, verdict: Verdict) -> str:
    name = env.name
    return (
        f'passes build argument "{name}" {_what(value, verdict)}; {_leaked(verdict)}'
        "build arguments stay in the image history, so use a build secret instead: "
        f'list it under "build.secrets" and read it with "RUN --mount=type=secret,id={name}"'
    )


# -- Dockerfiles ---------------------------------------------------------------------------


def _inherited_stages(project: Project, dockerfile: Dockerfile) -> list[set[int]]:
    """For each image built from `dockerfile` (each build of it in the project, or a
    plain build of its last stage), the indexes of the stages that image inherits."""
    from compose_lint.model.image import Resolver

    builds: list[Build | None] = [b for b in project.builds() if b.parsed is dockerfile]
    chains: list[set[int]] = []
    for build in builds or [None]:
        resolver = Resolver.of(dockerfile, build)
        built = resolver.built(build.target if build is not None else None)
        if built is None:
            return []  # an unknown target: which stages it inherits is not known
        chains.append({stage.index for stage in resolver.chain(built)})
    return chains


def _dockerfile_occurrences(
    dockerfile: Dockerfile, settings: Settings, local: bool, chains: Sequence[set[int]]
) -> Iterator[tuple[int, int, Tier, str]]:
    for stage_index, instructions in _by_stage(dockerfile):
        siblings = {
            item.name: item.value
            for instruction in instructions
            for item in assignments(instruction)
            if item.literal
        }
        stage = dockerfile.stages[stage_index] if stage_index is not None else None
        words = frozenset({stage.name} if stage is not None and stage.name else set())
        for instruction in instructions:
            for item in assignments(instruction):
                context = Context({k: v for k, v in siblings.items() if k != item.name}, words)
                verdict = judge(item.name, item.value, item.literal, settings.extra_names, context)
                if verdict is None:
                    continue
                tier = _tier(verdict.kind, local, settings)
                inherited = (
                    None
                    if stage is None or not chains
                    else sum(stage.index in chain for chain in chains)
                )
                message = _dockerfile_message(
                    instruction.keyword, item, verdict, stage, inherited, len(chains)
                )
                yield item.line, item.column, tier, message


def _by_stage(dockerfile: Dockerfile) -> list[tuple[int | None, list[Instruction]]]:
    """The ENV and ARG instructions, grouped by the stage they are written in (None:
    the global ARGs before the first FROM)."""
    groups: list[tuple[int | None, list[Instruction]]] = [(None, [])]
    by_line = {}
    for stage in dockerfile.stages:
        groups.append((stage.index, []))
        for instruction in stage.instructions:
            by_line[id(instruction)] = len(groups) - 1
    for instruction in dockerfile.instructions:
        if instruction.keyword in ("ENV", "ARG"):
            groups[by_line.get(id(instruction), 0)][1].append(instruction)
    return [g for g in groups if g[1]]


def _dockerfile_message(
    keyword: str,
    item: Assignment,
    verdict: Verdict,
    stage: object,
    inherited: int | None,
    images: int,
) -> str:
    name = item.name
    what = _what(item.value, verdict)
    leaked = _leaked(verdict).removesuffix(", then ")
    lead = f"; {leaked}" if leaked else ""
    label = getattr(stage, "label", "")
    if inherited == 0:
        where = (
            f"in build {label}, which the image built from this Dockerfile does not inherit: "
            "it stays out of the image you run, but it is written in this Dockerfile and "
            "kept in that stage's build cache"
        )
        if keyword == "ENV":
            return (
                f'ENV sets "{name}" to {what} {where}{lead}; if the build needs it, pass it '
                f'as a build secret ("RUN --mount=type=secret,id={name}") instead'
            )
        return (
            f'ARG "{name}" defaults to {what} {where}{lead}; drop the default and use a build '
            f'secret ("RUN --mount=type=secret,id={name}")'
        )
    if keyword == "ENV":
        stored = (
            "it is stored in every image built from this Dockerfile"
            if inherited is None or inherited == images
            else "it is stored in the images built from this stage on"
        )
        return (
            f'ENV sets "{name}" to {what}{lead}; {stored}, where "docker inspect" shows '
            f'it: remove it and set it at run time from compose ("environment: {name}: '
            f'${{{name}}}") or read it from a Compose secret'
        )
    return (
        f'ARG "{name}" defaults to {what}{lead}; build arguments are kept in the image history: '
        f'drop the default and use a build secret ("RUN --mount=type=secret,id={name}")'
    )


__all__ = [
    "Assignment",
    "ENV_TEMPLATES",
    "Context",
    "EnvFile",
    "EnvFileSecret",
    "Kind",
    "Occurrence",
    "Settings",
    "Tier",
    "Verdict",
    "assignments",
    "env_file_secrets",
    "env_files",
    "is_env_template",
    "is_secret_name",
    "judge",
    "mask",
    "name_words",
    "placeholder_kind",
    "scan",
    "settings_of",
    "secret_term",
]
