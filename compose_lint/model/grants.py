"""Which secrets a service is granted, and where its container and its build see them.

Compose mounts each secret a service lists under `secrets:` at `/run/secrets/<name>`,
or at the long syntax's `target:` (a bare name below /run/secrets, or an absolute
path); a `configs:` entry can be placed there too with an absolute `target:`. A build
gets the secrets its `build.secrets:` lists, under the id the Dockerfile's
`RUN --mount=type=secret,id=...` asks for: the entry's `target:` when it has one (Compose
before 2.24 used the `source:` name), else its name.

On the Dockerfile side, a secret mount's id is its `id=` (or `source=`/`src=`), else the
base name of its `target=`; it is optional unless it says `required` (BuildKit's default).

Public names:
  SECRETS_DIR      /run/secrets
  Grant            one entry of a service's `secrets:`, `configs:` or `build.secrets:`
  Grants, grants   the entries of one of those keys, and whether every one could be read
  covers           whether a granted file (or a mount) provides a path
  secret_paths     the paths below /run/secrets that a text names
  SecretMount, secret_mounts   the `--mount=type=secret` flags of a RUN
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from compose_lint.load.dockerfile import Instruction
from compose_lint.model import Service, YamlPath
from compose_lint.model.values import resolved

SECRETS_DIR = "/run/secrets"
# a path below /run/secrets, not itself part of a longer path (/var/run/secrets is
# another directory on images without the /var/run link)
_SECRET_PATH = re.compile(r"(?<![\w./-])/run/secrets/([A-Za-z0-9_.@+-]+(?:/[A-Za-z0-9_.@+-]+)*)")
# the words Go's strconv.ParseBool reads as true, as BuildKit reads `required=`
_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})


class Grant(NamedTuple):
    """One entry of a service's `secrets:`, `configs:` or `build.secrets:`."""

    name: str  # the top-level secret or config it names
    target: str | None  # the long syntax's `target:`, interpolated
    path: YamlPath  # where the entry is written
    key: str  # "secrets", "configs" or "build.secrets"

    @property
    def file(self) -> str | None:
        """Where the running container sees it (None for a build secret, or a config
        placed outside /run/secrets by default)."""
        if self.key == "build.secrets":
            return None
        if self.target and self.target.startswith("/"):
            return posixpath.normpath(self.target)
        if self.key == "configs":
            return None
        return f"{SECRETS_DIR}/{self.target or self.name}"

    @property
    def ids(self) -> frozenset[str]:
        """The ids a build secret answers to (its target, and its name for Compose
        versions that passed the name)."""
        return frozenset({self.name, self.target} - {None, ""})  # type: ignore[arg-type]


class Grants(NamedTuple):
    entries: tuple[Grant, ...]
    complete: bool  # False when an entry could not be read (a variable, a bad shape)


def _entries(raw: Any, here: YamlPath, key: str, env: Mapping[str, str]) -> Grants:
    if raw is None:
        return Grants((), True)
    if not isinstance(raw, list):
        return Grants((), False)
    found: list[Grant] = []
    complete = True
    for i, item in enumerate(raw):
        if isinstance(item, dict):
            name = resolved(item.get("source"), env)
            written = item.get("target")
            target = resolved(written, env) if written is not None else None
            if not name or (written is not None and target is None):
                complete = False
                continue
            found.append(Grant(name, target or None, here + (i,), key))
        else:
            name = resolved(item, env)
            if not name:
                complete = False
                continue
            found.append(Grant(name, None, here + (i,), key))
    return Grants(tuple(found), complete)


def grants(service: Service, key: str, env: Mapping[str, str]) -> Grants:
    """The entries of the service's `secrets`, `configs` or `build.secrets`, each
    interpolated with `env`."""
    if key == "build.secrets":
        build = service.data.get("build")
        raw = build.get("secrets") if isinstance(build, dict) else None
        return _entries(raw, service.path + ("build", "secrets"), key, env)
    return _entries(service.data.get(key), service.path + (key,), key, env)


def covers(provided: Iterable[str], path: str) -> bool:
    """Whether one of the `provided` files or mount points gives the container `path`
    (the path itself, a directory above it, or a file below a directory it names)."""
    path = posixpath.normpath(path)
    for given in provided:
        given = posixpath.normpath(given)
        below = path.startswith(given.rstrip("/") + "/")
        if path == given or below or given.startswith(path + "/"):
            return True
    return False


def secret_paths(text: str) -> list[str]:
    """Each path below /run/secrets that `text` names literally, in order (one with a
    variable or a glob in it is left out)."""
    found: list[str] = []
    for match in _SECRET_PATH.finditer(text):
        end = match.end()
        if end < len(text) and text[end] in "$*?[{":
            continue
        first, _, rest = match.group(1).partition("/")
        if rest and "." in first:
            continue  # kubernetes.io/serviceaccount/...: another platform's directory
        found.append(match.group(0).rstrip("."))
    return found


class SecretMount(NamedTuple):
    """One `RUN --mount=type=secret,...` flag."""

    id: str  # the secret it asks the build for
    written: str  # the value the id comes from, as the flag writes it (to locate it)
    target: str  # where the RUN sees it as a file ("" when it is an `env=` only)
    env: str  # the variable it fills, with `env=`; ""
    required: bool | None  # `required` (True), `required=false` (False), absent (None)


def secret_mounts(instruction: Instruction) -> list[SecretMount]:
    """The secret mounts of a RUN whose id is known (no variable in it)."""
    found: list[SecretMount] = []
    for fields in instruction.mounts():
        if fields.get("type") != "secret":
            continue
        target = fields.get("target") or fields.get("dst") or fields.get("destination") or ""
        written = fields.get("source") or fields.get("src") or fields.get("id") or ""
        ident = written or (posixpath.basename(target.rstrip("/")) if target else "")
        if not ident or "$" in ident:
            continue
        if not written:
            written = target
        env = fields.get("env", "")
        if not target and not env:
            target = f"{SECRETS_DIR}/{posixpath.basename(ident)}"
        required: bool | None = None
        if "required" in fields:
            value = fields["required"]
            required = value == "" or value in _TRUE
        found.append(SecretMount(ident, written, target, env, required))
    return found


__all__ = [
    "SECRETS_DIR",
    "Grant",
    "Grants",
    "SecretMount",
    "covers",
    "grants",
    "secret_mounts",
    "secret_paths",
]
