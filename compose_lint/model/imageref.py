"""Image references (`[registry/]repository[:tag][@digest]`: `parse_image`, `ImageRef`),
the other things a Dockerfile names by reference: remote ADD sources
(`is_remote_source`) and archives ADD unpacks (`is_archive`), and what kind of server
an image is (`datastore`: a database, cache or broker, from data/datastores.json)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import NamedTuple

from compose_lint import data


class ImageRef(NamedTuple):
    registry: str | None  # None means Docker Hub
    repository: str  # as written, without registry: "python", "bitnami/redis"
    tag: str | None
    digest: str | None

    @property
    def official(self) -> bool:
        """A Docker Hub official image (`python`, `library/python`)."""
        return self.registry in (None, "docker.io", "index.docker.io") and (
            "/" not in self.repository or self.repository.startswith("library/")
        )

    @property
    def short_name(self) -> str:
        """`python` for `python`, `library/python` and `docker.io/library/python`."""
        if self.official:
            return self.repository.removeprefix("library/")
        return self.repository


_SPACE = re.compile(r"\s")


def parse_image(reference: str) -> ImageRef | None:
    """Split an image reference; None when it is empty or not a reference."""
    text = reference.strip()
    if not text or "$" in text or _SPACE.search(text):
        return None
    name, _, digest = text.partition("@")
    registry: str | None = None
    first, slash, rest = name.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        registry, name = first, rest
    last_slash = name.rfind("/")
    colon = name.rfind(":")
    tag: str | None = None
    if colon > last_slash:
        name, tag = name[:colon], name[colon + 1 :]
    if not name:
        return None
    return ImageRef(registry, name.lower(), tag or None, digest or None)


# -- what ADD and COPY sources name ---------------------------------------------------

# Names that ADD unpacks (a local tar archive, plain or compressed); Docker looks at the
# content, so any compressed file is given the benefit of the doubt.
_ARCHIVE_SUFFIXES = (
    ".tar",
    ".gz",
    ".tgz",
    ".bz2",
    ".tbz",
    ".tbz2",
    ".tb2",
    ".xz",
    ".txz",
    ".zst",
    ".tzst",
    ".lz",
    ".tlz",
    ".lzma",
    ".z",
    ".tz",
    ".tpz",
)


def is_remote_source(source: str) -> bool:
    """A URL or a Git repository (`git@host:repo.git`, `user@host:path`), which ADD
    fetches instead of reading the build context."""
    if "://" in source or source.startswith("git@"):
        return True
    user, at, rest = source.partition("@")
    return bool(at) and ":" in rest and "/" not in user


def is_archive(source: str) -> bool:
    """A name ADD would unpack (a tar archive, plain or compressed)."""
    return source.lower().endswith(_ARCHIVE_SUFFIXES)


# -- what an image is for: databases, caches, brokers (data/datastores.json) ------------


class Datastore(NamedTuple):
    """A server that keeps data (a database, cache, broker or search engine)."""

    family: str  # the table's key: "postgres", "redis"...
    what: str  # for messages: "PostgreSQL database"


@cache
def _datastore_names() -> tuple[dict[str, Datastore], dict[str, Datastore]]:
    families = data.load("datastores.json")["families"]
    repositories: dict[str, Datastore] = {}
    names: dict[str, Datastore] = {}
    for family, entry in families.items():
        store = Datastore(family, str(entry["what"]))
        repositories.update((str(r).lower(), store) for r in entry.get("repositories", []))
        names.update((str(n).lower(), store) for n in entry.get("names", []))
    return repositories, names


def passwordless(environment: Iterable[tuple[str, str | None]]) -> str | None:
    """The setting among `environment` (name, value) with which a data store accepts
    connections without a password (`POSTGRES_HOST_AUTH_METHOD=trust`; data/datastores.json),
    as `NAME=value`, or None. An allow-empty flag beside the password it would let be
    empty (`MYSQL_ROOT_PASSWORD`, set to a value or a `${...}`) opens nothing."""
    table = data.load("datastores.json")["passwordless"]
    settings: dict[str, list[str]] = table["settings"]
    unless: dict[str, list[str]] = table.get("unless_set", {})
    pairs = list(environment)
    given = {name for name, value in pairs if value is not None and value.strip()}
    for name, value in pairs:
        if value is not None and value.strip().lower() in settings.get(name, ()):
            if given.intersection(unless.get(name, ())):
                continue  # MYSQL_ALLOW_EMPTY_PASSWORD beside a root password: root gets that
            return f"{name}={value.strip()}"
    return None


def datastore(reference: str | None) -> Datastore | None:
    """The database, cache, broker or search engine an image reference names
    (`postgres:17`, `docker.io/library/redis`, `bitnami/postgresql`,
    `ghcr.io/acme/mongo`), per data/datastores.json; None for anything else."""
    image = parse_image(reference) if reference else None
    if image is None:
        return None
    repositories, names = _datastore_names()
    path = image.short_name
    return repositories.get(path) or names.get(path.rsplit("/", 1)[-1])
