"""What counts as a hard-coded secret: names, values and credential formats.

The knowledge is data (`data/secrets.json`: secret-shaped name terms, words that make a
name harmless, setting words, credential patterns with their sources); this module
reads it once and answers two questions: is this variable name secret-shaped
(`secret_term`, `is_secret_name`), and is `name=value` a hard-coded secret (`judge`).
`mask` is the one stand-in for a secret in any output.
"""

from __future__ import annotations

import fnmatch
import re
from functools import cache, lru_cache
from typing import NamedTuple

from compose_lint import data


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


__all__ = ["Verdict", "is_secret_name", "judge", "mask", "name_words", "secret_term"]
