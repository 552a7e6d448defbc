"""CL304 runs-as-root: the image a service builds runs as root and the service
sets no `user:`.

For a compose build the built stage's chain decides (`BuiltImage.dockerfile_user`,
else the base image's default, root unless its name says otherwise). A Dockerfile no
service builds is only reported for an explicit root USER at the end of its last stage.
"""

from __future__ import annotations

from collections.abc import Sequence

from compose_lint.findings import Severity
from compose_lint.load.dockerfile import Dockerfile, Instruction
from compose_lint.model import DockerfileSource, Project
from compose_lint.model.image import image_of, lone_image, stage_of
from compose_lint.registry import Found, rule

# Words in an image reference that say its default user is not root, by naming
# convention (`distroless/static:nonroot`, `nginxinc/nginx-unprivileged`). Windows
# images (`BuiltImage.windows`) have no root user at all.
_NOT_ROOT_NAMES = ("nonroot", "non-root", "unprivileged", "rootless")


def _is_root(user: Instruction) -> bool:
    spec = user.user
    return spec is not None and spec[0] in ("root", "0")


def _services(names: Sequence[str]) -> str:
    quoted = [f'"{n}"' for n in names]
    if len(quoted) == 1:
        return f"service {quoted[0]}"
    return "services " + ", ".join(quoted[:-1]) + " and " + quoted[-1]


@rule(
    "CL304",
    "runs-as-root",
    Severity.WARNING,
    "The image a service builds runs as root, and the service does not set `user:`.",
)
def runs_as_root(project: Project) -> Found:
    for source, dockerfile, builds in project.parsed_dockerfiles():
        if not dockerfile.stages:
            continue
        if not builds:
            yield from _lone_runs_as_root(source, dockerfile)
            continue
        # location -> (what is wrong, how to fix it, the services)
        found: dict[tuple[int, int], tuple[str, str, list[str]]] = {}
        for build in builds:
            image = image_of(build)
            if image is None or image.compose_user is not None:
                continue
            stage = image.stage
            if stage is None:
                continue  # an unknown build.target is reported by CL506
            user = image.dockerfile_user
            if user is not None:
                if not _is_root(user):
                    continue
                link = stage_of(dockerfile, user)
                where = (user.line, user.column)
                inherited = f", inherited from {link.label}" if link not in (None, stage) else ""
                what = (
                    f'"USER {user.args.strip()}" on line {user.line} is the last USER of '
                    f"the built {stage.label}{inherited}"
                )
                fix = (
                    "switch back to an unprivileged user after the steps that need root "
                    '(e.g. "USER app")'
                )
            else:
                root = image.root
                if root is None or image.windows or any(m in root.lower() for m in _NOT_ROOT_NAMES):
                    continue  # unknown, says it is not root, or has no root user (Windows)
                where = (stage.from_instruction.line, stage.from_instruction.column)
                if len(image.chain) > 1:
                    what = (
                        f"neither the built {stage.label} nor the stages it is "
                        f"built from (down to FROM {root}) set a USER"
                    )
                else:
                    what = f"the built {stage.label} (FROM {root}) never sets a USER"
                if root == "scratch":
                    fix = (
                        'add "USER 65534:65534" at the end of the stage (scratch has no '
                        "user database, so use a numeric ID)"
                    )
                else:
                    fix = (
                        "create an unprivileged user and switch to it at the end of the "
                        'stage (e.g. "RUN useradd --create-home app", or "adduser -D app" '
                        'on Alpine, then "USER app")'
                    )
            found.setdefault(where, (what, fix, []))[2].append(build.service.name)
        for (line, column), (what, fix, names) in sorted(found.items()):
            verb = "runs" if len(names) == 1 else "run"
            yield (
                source.loc(line, column),
                f'{_services(names)} {verb} as root: {what}, and compose sets no "user:"; '
                f'{fix}, or set "user:" on the service',
            )


def _lone_runs_as_root(source: DockerfileSource, dockerfile: Dockerfile) -> Found:
    """A Dockerfile no compose service builds: only an explicit root USER at the end
    of the last stage is known to be wrong (the base image may set another user)."""
    image = lone_image(dockerfile)
    user = image.dockerfile_user if image is not None else None
    if image is None or image.stage is None or user is None or not _is_root(user):
        return
    yield (
        source.loc(user.line, user.column),
        f'"USER {user.args.strip()}" is the last USER of the final {image.stage.label}, '
        "so containers of this image run as root; switch back to an unprivileged user at "
        'the end (e.g. "USER app" after creating it with useradd or adduser)',
    )
