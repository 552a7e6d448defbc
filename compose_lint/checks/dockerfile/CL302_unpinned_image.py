"""CL302 unpinned-image: an image without a tag, or with `latest`.

Silent where pinning is not worth a line: what is plainly for local use
(`model.purpose.image_use`: a test runner, a mail catcher the
development override adds, a service behind a profile) and the project's own
image (`model.purpose.own_image`: named like the checkout, built by a compose file or
a script of the repository, or in the namespace of one it builds), whose `latest` its
maintainers push, and an echo server standing in for the user's app in an example
(`model.purpose.is_stand_in`: `traefik/whoami`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.eol import (
    EOL_DATE_OPTION,
    product_of,
    reference_date,
    repository_as_written,
)
from compose_lint.model.image import image_facts, project_images
from compose_lint.model.imageref import ImageRef, parse_image
from compose_lint.model.purpose import image_use, is_stand_in, own_image
from compose_lint.registry import Found, rule


def _release_in_name(ref: ImageRef) -> bool:
    """The publisher names each release in the repository and tags none
    (`gcr.io/distroless/nodejs24-debian13`, data/images.json): untagged, it gets only
    rebuilds of the release its name says."""
    facts = image_facts(f"{ref.registry}/{ref.repository}" if ref.registry else ref.repository)
    return (
        facts is not None
        and facts.release_in_name
        and any(c.isdigit() for c in ref.repository.rsplit("/", 1)[-1])
    )


def _pin_example(ref: ImageRef, today: date) -> str:
    name = repository_as_written(ref)
    product = product_of(ref)
    newest = product.newest(today) if product is not None else None
    if product is None or newest is None:
        return f"{name}:<version>"
    return f"{product.current_name(name)}:{newest.cycle}"


@rule(
    "CL302",
    "unpinned-image",
    Severity.WARNING,
    "An image has no tag or the `latest` tag, so what runs changes without notice.",
    options={EOL_DATE_OPTION: "date"},
)
def unpinned_image(project: Project, options: Mapping[str, Any]) -> Found:
    today = reference_date(options)
    for image in project_images(project):
        ref = parse_image(image.reference)
        if ref is None or ref.digest is not None:
            continue
        if image.from_dockerfile and ref.registry is None and ref.repository == "scratch":
            continue
        if ref.tag is not None and ref.tag != "latest":
            continue
        if image_use(project, image) is not None or own_image(project, ref) or is_stand_in(ref):
            continue
        if _release_in_name(ref):
            continue  # gcr.io/distroless/nodejs24-debian13: no version tags to pin
        what = 'has no tag, so it pulls "latest"' if ref.tag is None else 'uses the "latest" tag'
        name = repository_as_written(ref)
        shown = image.shown(quote='"')
        yield (
            image.location,
            f"image {shown} {what}, which moves to a new release whenever "
            f"one is pushed; pin a version tag such as {_pin_example(ref, today)} "
            f"or a digest ({name}@sha256:...)",
        )
