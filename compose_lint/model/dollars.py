"""What Compose's interpolation does to the `$` signs of a project's values (CL140, CL142).

Compose replaces every `$NAME` and `${...}` in the compose file, and in every unquoted or
double-quoted line of `.env` and of the `env_file:` files, before any container exists.
A `$` that was meant literally is therefore read as the start of a variable; a
variable that only an `env_file:` sets is not known to the interpolation at all.

Public names

- `crypt_spans(text)`: where `text` holds a crypt-style password hash (`$apr1$…`,
  `$2y$10$…`, `$6$…`, `$y$…`, `$argon2id$…`), as (start, end, scheme) triples.
- `looks_like_shell_name(name)`: written the way exported variables are (upper case), or
  one of the few lower-case ones a shell exports (`http_proxy`).
- `Literal`: a bare `$NAME` that the evidence says was meant literally, and why.
- `literal_dollars(key, text, known)`: those of one value.
- `referenced_names(project)`: the variables the compose files refer to.
- `template_names(project)`: the variables the env templates (`.env.example`) set.
- `EnvFileDefinition`, `env_file_definitions(project)`: the variables each service's
  `env_file:` sets, by name, with the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Container
from enum import Enum
from typing import NamedTuple

from compose_lint.load import interpolation
from compose_lint.model import Project
from compose_lint.model.cache import per_project
from compose_lint.model.secrets import EnvFile, env_files, is_secret_name
from compose_lint.model.values import EnvFileEntry, env_file_entries

_B64 = r"[./0-9A-Za-z]"
# The crypt(3) / htpasswd formats, each with its scheme's own shape, so that a `$1`
# of a shell script or a `$2` of a regex replacement is not taken for a hash.
_CRYPT = re.compile(
    rf"\$(?P<md5>apr1|1)\${_B64}{{1,8}}\${_B64}{{22}}"
    rf"|\$(?P<bcrypt>2[abxy]?)\$[0-9]{{2}}\${_B64}{{53}}"
    rf"|\$(?P<sha>[56])\$(?:rounds=[0-9]+\$)?{_B64}{{1,16}}\${_B64}{{43,86}}"
    rf"|\$(?P<yes>y|gy|7)\${_B64}+\${_B64}{{1,86}}\${_B64}{{43}}"
    r"|\$(?P<argon>argon2(?:id|i|d))\$v=[0-9]+\$m=[0-9]+,t=[0-9]+,p=[0-9]+"
    r"\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+"
)
# The lower-case variables a shell commonly exports (proxies, by curl's convention).
_LOWER_EXPORTED = frozenset({"http_proxy", "https_proxy", "no_proxy", "ftp_proxy", "all_proxy"})


def crypt_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, scheme prefix such as "$apr1$") of each crypt-style hash in `text`."""
    found = []
    for match in _CRYPT.finditer(text):
        scheme = next(group for group in match.groups() if group)
        found.append((match.start(), match.end(), f"${scheme}$"))
    return found


def looks_like_shell_name(name: str) -> bool:
    """Whether `name` is written the way variables exported to Compose are: upper case
    (`HOME`, `DB_PASSWORD`, `_APP_ENV`), or a lower-case one shells export."""
    return name == name.upper() or name in _LOWER_EXPORTED


class Why(Enum):
    HASH = "hash"  # inside a crypt-style password hash
    PASSWORD = "password"  # in the middle of the one word a secret-named key holds
    NAME = "name"  # a lower-case name nobody exports: the container's, nginx's, random text


class Literal(NamedTuple):
    name: str
    start: int  # index of the `$` in the value's text
    why: Why
    scheme: str  # the hash's "$apr1$" prefix (HASH only)


def literal_dollars(key: str | None, text: str, known: Container[str]) -> list[Literal]:
    """The bare `$NAME`s of `text` (the value of `key`) that interpolation replaces
    although they were meant literally. A name in `known` (set in `.env`, or where
    another rule speaks of it) is taken as meant; so is every `${...}`: nobody writes
    braces by accident. The evidence, in this order: the `$` sits inside a crypt hash;
    `key` names a secret and the `$` is inside the one word it holds (`Xk9$mZq`, not
    `$DB_PASSWORD`); or the name is lower case and not one that shells export."""
    if "$" not in text:
        return []
    try:
        refs = [r for r in interpolation.located(text) if not r.braced]
    except interpolation.InterpolationError:
        return []  # CL005 reports it
    if not refs:
        return []
    hashes = crypt_spans(text)
    secret = key is not None and is_secret_name(key) and not any(c.isspace() for c in text)
    found: list[Literal] = []
    for ref in refs:
        name = ref.ref.name
        if name in known:
            continue
        scheme = next((s for a, b, s in hashes if a <= ref.start < b), None)
        if scheme is not None:
            found.append(Literal(name, ref.start, Why.HASH, scheme))
        elif secret and ref.start > 0:
            found.append(Literal(name, ref.start, Why.PASSWORD, ""))
        elif not looks_like_shell_name(name):
            found.append(Literal(name, ref.start, Why.NAME, ""))
    return found


@per_project
def referenced_names(project: Project) -> frozenset[str]:
    """Every variable the project's compose files refer to, nested ones included: the
    `.env` values interpolation can hand on."""
    names: set[str] = set()
    for compose in project.compose_files:
        for _, text in compose.interpolated():
            try:
                names.update(ref.name for ref in interpolation.references(text))
            except interpolation.InterpolationError:
                continue
    return frozenset(names)


@per_project
def template_names(project: Project, dotenv_only: bool = False) -> frozenset[str]:
    """The variables the env templates beside the project's compose files set
    (`.env.example`, `.env.sample`, `app.env.dist`; with `dotenv_only`, only the
    templates of `.env`): a fresh checkout has no `.env` yet, and its template says
    which names the author meant for Compose."""
    from compose_lint.load.files import ReadError, read_text, stat_kind
    from compose_lint.model.secrets import is_env_template

    folders = {project.directory, *(c.path.parent for c in project.compose_files)}
    names: set[str] = set()
    for folder in sorted(folders):
        try:
            candidates = sorted(
                p
                for p in folder.iterdir()
                if is_env_template(p.name) and (not dotenv_only or p.name.startswith(".env"))
            )
        except OSError:
            continue
        for path in candidates:
            if stat_kind(path) is not None:
                continue  # not a regular file
            try:
                names.update(e.name for e in env_file_entries(read_text(path)))
            except (ReadError, OSError, ValueError):
                continue
    return frozenset(names)


class EnvFileDefinition(NamedTuple):
    """A `NAME=value` line of an env file that services read through `env_file:`."""

    file: EnvFile
    entry: EnvFileEntry


@per_project
def env_file_definitions(project: Project) -> dict[str, list[EnvFileDefinition]]:
    """The variables the services' `env_file:` files set (not the project's `.env`,
    not templates), by name, in file order."""
    found: dict[str, list[EnvFileDefinition]] = {}
    for file in env_files(project):
        if not file.services:
            continue  # the project's own .env
        for entry in env_file_entries(file.text):
            found.setdefault(entry.name, []).append(EnvFileDefinition(file, entry))
    return found


__all__ = [
    "EnvFileDefinition",
    "Literal",
    "Why",
    "crypt_spans",
    "env_file_definitions",
    "literal_dollars",
    "looks_like_shell_name",
    "referenced_names",
    "template_names",
]
