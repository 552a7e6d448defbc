"""Image references: `[registry/]repository[:tag][@digest]`."""

from __future__ import annotations

from typing import NamedTuple


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


def parse_image(reference: str) -> ImageRef | None:
    """Split an image reference; None when it is empty or not a reference."""
    text = reference.strip()
    if not text or any(c.isspace() for c in text) or "$" in text:
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
