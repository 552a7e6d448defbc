"""CL234 image-not-pinned-by-digest: a service pulls an image by tag only, without
`@sha256:` (hardening group, off by default).

The images are `model.image.project_images` (the `image:` of services that pull,
interpolated; images the project builds itself are left out).
"""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.image import project_images
from compose_lint.model.imageref import parse_image
from compose_lint.model.purpose import service_use
from compose_lint.registry import Found, rule


@rule(
    "CL234",
    "image-not-pinned-by-digest",
    Severity.INFO,
    "A service pulls an image by tag without pinning its digest.",
    default_enabled=False,
    group="hardening",
)
def image_not_pinned_by_digest(project: Project) -> Found:
    seen = set()
    for image in project_images(project):
        if image.service is None or service_use(image.service) is not None:
            continue
        ref = parse_image(image.reference)
        if ref is None or ref.digest is not None or image.location in seen:
            continue
        seen.add(image.location)
        yield (
            image.location,
            f'service "{image.service.name}" pulls {image.shown(quote=chr(34))} by tag '
            "only, and a tag can be moved to other content; pin the digest as well "
            f'("{image.reference}@sha256:...", shown by "docker buildx imagetools inspect '
            f'{image.reference}"), and let a tool such as Renovate update both',
        )
