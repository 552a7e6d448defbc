"""Compose's `$VAR` / `${VAR...}` interpolation syntax.

Supported forms, as Docker Compose reads them: `$$` (a literal `$`), `$NAME`,
`${NAME}`, and `${NAME<op>word}` with op one of `:-` `-` `:?` `?` `:+` `+`,
where `word` may itself contain interpolations. A `$` followed by anything
else (`costs $5`) is a literal `$`. Anything else inside `${...}` is an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

_OPS = (":-", ":?", ":+", "-", "?", "+")
_NAME_START = frozenset("_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_NAME_CHARS = _NAME_START | frozenset("0123456789")


class Reference(NamedTuple):
    name: str
    op: str  # "" for $NAME / ${NAME}
    word: str  # the raw text after the operator


class InterpolationError(ValueError):
    pass


def has_interpolation(text: str) -> bool:
    """True when `text` refers to a variable (not merely an escaped `$$`)."""
    if "$" not in text:
        return False
    try:
        return bool(references(text))
    except InterpolationError:
        return True


def references(text: str) -> list[Reference]:
    """The variables `text` refers to, outermost first. Raises InterpolationError."""
    found: list[Reference] = []
    _walk(text, found)
    return found


def check(text: str) -> str | None:
    """None when `text` is well formed, else a message saying what is wrong."""
    if "$" not in text:
        return None
    try:
        _walk(text, [])
    except InterpolationError as exc:
        return str(exc)
    return None


def substitute(text: str, env: Mapping[str, str], unknown: str | None = None) -> str | None:
    """Interpolate `text` from `env` and defaults. A value that stays unknown makes
    the result None, or is replaced by `unknown` when that is given."""
    if "$" not in text:
        return text
    try:
        return _substitute(text, env, unknown)
    except (InterpolationError, _Unknown):
        return None


class _Unknown(Exception):
    pass


class Located(NamedTuple):
    """A reference written directly in a text (not nested in another's word), with
    where it is written: `text[start:end]` is `$NAME` or `${...}`."""

    ref: Reference
    start: int  # index of its `$`
    end: int  # index after it
    braced: bool  # written `${...}`, not bare `$NAME`


def located(text: str) -> list[Located]:
    """The references written directly in `text`, in order, with their positions
    (a `${A:-$B}` gives A only: B sits in A's word). Raises InterpolationError."""
    found: list[Located] = []
    i, n = 0, len(text)
    while i < n:
        j = text.find("$", i)
        if j < 0 or j + 1 >= n:
            break
        nxt = text[j + 1]
        if nxt == "$":
            i = j + 2
        elif nxt == "{":
            ref, i = _braced(text, j)
            found.append(Located(ref, j, i, True))
        elif nxt in _NAME_START:
            k = j + 1
            while k < n and text[k] in _NAME_CHARS:
                k += 1
            found.append(Located(Reference(text[j + 1 : k], "", ""), j, k, False))
            i = k
        else:
            i = j + 1
    return found


def _walk(text: str, found: list[Reference]) -> None:
    for item in located(text):
        found.append(item.ref)
        if item.braced:
            _walk(item.ref.word, found)


def _braced(text: str, start: int) -> tuple[Reference, int]:
    """Parse `${...}` at `start`; return the reference and the index after `}`."""
    n = len(text)
    k = start + 2
    if k >= n or text[k] not in _NAME_START:
        raise _invalid(text, start)
    while k < n and text[k] in _NAME_CHARS:
        k += 1
    name = text[start + 2 : k]
    if k < n and text[k] == "}":
        return Reference(name, "", ""), k + 1
    op = next((o for o in _OPS if text.startswith(o, k)), None)
    if op is None:
        raise _invalid(text, start)
    word_start = k + len(op)
    depth, m = 1, word_start
    while m < n:
        c = text[m]
        if c == "$" and m + 1 < n and text[m + 1] == "$":
            m += 2
            continue
        if c == "$" and m + 1 < n and text[m + 1] == "{":
            depth += 1
            m += 2
            continue
        if c == "}":
            depth -= 1
            if depth == 0:
                return Reference(name, op, text[word_start:m]), m + 1
        m += 1
    raise _invalid(text, start)


def _invalid(text: str, start: int) -> InterpolationError:
    end = text.find("}", start)
    snippet = text[start : end + 1] if end >= 0 else text[start:]
    if len(snippet) > 40:
        snippet = snippet[:37] + "..."
    if end < 0:
        return InterpolationError(
            f'unterminated "{snippet}": close it with "}}", or write "$$" for a literal "$"'
        )
    return InterpolationError(
        f'invalid interpolation "{snippet}": use ${{NAME}}, ${{NAME:-default}}, '
        '${NAME:?error} or ${NAME:+alternative}, or write "$$" for a literal "$"'
    )


def _substitute(text: str, env: Mapping[str, str], unknown: str | None = None) -> str:
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        j = text.find("$", i)
        if j < 0 or j + 1 >= n:
            out.append(text[i:])
            break
        out.append(text[i:j])
        nxt = text[j + 1]
        if nxt == "$":
            out.append("$")
            i = j + 2
        elif nxt == "{":
            ref, i = _braced(text, j)
            out.append(_resolve(ref, env, unknown))
        elif nxt in _NAME_START:
            k = j + 1
            while k < n and text[k] in _NAME_CHARS:
                k += 1
            out.append(_resolve(Reference(text[j + 1 : k], "", ""), env, unknown))
            i = k
        else:
            out.append("$")
            i = j + 1
    return "".join(out)


def _resolve(ref: Reference, env: Mapping[str, str], unknown: str | None = None) -> str:
    try:
        return _value(ref, env, unknown)
    except _Unknown:
        if unknown is None:
            raise
        return unknown


def _value(ref: Reference, env: Mapping[str, str], unknown: str | None) -> str:
    value = env.get(ref.name)
    is_set = value is not None
    is_nonempty = bool(value)
    op = ref.op
    if op in (":-", "-"):
        if (is_nonempty if op == ":-" else is_set) and value is not None:
            return value
        return _substitute(ref.word, env, unknown)
    if op in (":+", "+"):
        if value is None:
            raise _Unknown(ref.name)  # set or not, nobody can tell here
        return (
            _substitute(ref.word, env, unknown) if (is_nonempty if op == ":+" else is_set) else ""
        )
    if value is None:
        raise _Unknown(ref.name)
    return value
