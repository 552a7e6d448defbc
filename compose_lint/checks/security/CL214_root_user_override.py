"""CL214 root-user-override: a service sets `user: root` (or `0`, `0:0`) although its
image runs as a non-root user.

Built images: the built stage's last USER (`BuiltImage.dockerfile_user`). Pulled
images: their recorded default user (`model.image.image_facts`, data/images.json).
An image whose user is not known stays unjudged.
"""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project, Service
from compose_lint.model.image import image_facts, image_of
from compose_lint.model.purpose import written_use
from compose_lint.model.services import once
from compose_lint.model.values import resolved, scalar_text
from compose_lint.registry import Found, rule

_ROOT = ("root", "0")


def _is_root(user: str) -> bool:
    return user.strip().lower().partition(":")[0] in _ROOT


def _image_user(service: Service) -> str | None:
    """Who the image runs as when that is known not to be root (for the message)."""
    if service.build is not None:
        image = image_of(service.build)
        user = image.dockerfile_user if image is not None else None
        spec = user.user if user is not None else None
        if user is None or spec is None or _is_root(spec[0]) or "$" in spec[0]:
            return None
        return f'"USER {user.args.strip()}" (line {user.line} of its Dockerfile)'
    known = image_facts(service.image)
    if known is None or known.root is not False or known.user is None:
        return None
    return f'the user "{known.user}" of {service.image}'


@rule(
    "CL214",
    "root-user-override",
    Severity.WARNING,
    "A service sets `user: root` although its image runs as a non-root user.",
)
def root_user_override(project: Project) -> Found:
    yield from once(_findings(project))


def _findings(project: Project) -> Found:
    for service in project.services:
        raw = scalar_text(service.data.get("user"))
        user = resolved(raw, project.env) if raw is not None else None
        if user is None or not _is_root(user) or written_use(service, service.path + ("user",)):
            continue
        runs_as = _image_user(service)
        if runs_as is None:
            continue
        yield (
            service.file.loc(service.path + ("user",)),
            f'service "{service.name}" sets user: "{user}", undoing {runs_as}: the '
            'container runs as root again; remove "user:", and if a start-up step needs '
            "root (fixing volume ownership), do it in a one-shot service that the others "
            "depend on, or in the image",
        )
