"""CL304 runs-as-root: the image a service builds runs as root and the service
sets no `user:`.

For a compose build the built stage's chain decides (`BuiltImage.dockerfile_user`,
else the base image's default user). The base image's default comes from the shipped
image facts (`model.image.image_facts`, data/images.json) or, for an image the same
project builds (`model.image.built_images`), from that image's own Dockerfile; an
image known to neither stays unjudged. No finding when privileges are dropped at run
time: an entrypoint script from the build context that re-executes as an unprivileged
user (`model.entrypoint.entrypoint_script`), or a base image that starts as root on
purpose and gives root up itself (its entrypoint steps down, or its server runs its
workers unprivileged) while the image keeps that program. Also none when the container
ends up running a program that is root by design (`model.entrypoint.root_by_design`:
a web server's master, a process supervisor, cron), whose own configuration decides
the users its work runs as. Nor for a test or development image
(`model.purpose.dockerfile_use`, `stage_use`). A Dockerfile no service builds is only
reported for an explicit root USER at the end of its last stage.
"""

from __future__ import annotations

from collections.abc import Sequence

from compose_lint.findings import Severity
from compose_lint.load.dockerfile import Dockerfile, Instruction
from compose_lint.model import DockerfileSource, Project
from compose_lint.model.commands import basename, shell_commands
from compose_lint.model.entrypoint import (
    argv,
    entrypoint_script,
    root_by_design,
    start_of,
    started_programs,
)
from compose_lint.model.image import (
    BuiltImage,
    ImageFacts,
    built_images,
    image_facts,
    image_of,
    lone_image,
    stage_of,
)
from compose_lint.model.purpose import dockerfile_use, stage_use
from compose_lint.registry import Found, rule

# Words in an image reference that say its default user is not root, by naming
# convention (`distroless/static:nonroot`, `nginxinc/nginx-unprivileged`), for images
# the table does not list. Windows images (`BuiltImage.windows`) have no root user.
_NOT_ROOT_NAMES = ("nonroot", "non-root", "unprivileged", "rootless")
_ROOT_USERS = ("root", "0")
_MAX_DEPTH = 8  # project images built FROM project images, followed this far


def _is_root(user: Instruction) -> bool:
    spec = user.user
    return spec is not None and spec[0] in _ROOT_USERS


def _root_spec(user: str) -> bool:
    return user.strip().lower().partition(":")[0] in _ROOT_USERS


def _services(names: Sequence[str]) -> str:
    quoted = [f'"{n}"' for n in names]
    if len(quoted) == 1:
        return f"service {quoted[0]}"
    return "services " + ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _program(value: Instruction | str | list[str] | None) -> str | None:
    """The program an ENTRYPOINT/CMD (instruction or compose override) runs: the one
    program of the exec form or of a one-command shell form; of a shell form that runs
    commands in turn (`openssl req ... && nginx -g 'daemon off;'`), the last one, which
    keeps running."""
    words = argv(value)
    text = ""
    if isinstance(value, str):
        text = value
    elif isinstance(value, Instruction) and value.json_args is None:
        text = value.args
    if words is None and text:
        commands = shell_commands(text)
        if commands and not any(c.in_pipeline for c in commands):
            words = list(commands[-1].words)
    if words and words[0] == "exec":
        words = words[1:]
    return basename(words[0]) if words else None


def _base_drops(image: BuiltImage, facts: ImageFacts) -> bool:
    """Whether the base image gives root up itself for what this image runs: its own
    entrypoint steps down (kept: no ENTRYPOINT of ours) for one of its programs, or
    its server (kept as the program) runs its workers unprivileged."""
    drop = facts.drops
    if drop is None:
        return False
    entrypoint = _program(image.entrypoint)
    command = _program(image.command)
    if drop.kind == "entrypoint":
        if image.entrypoint is not None:
            return False
        return command is None or command in drop.programs or command.startswith("-")
    if drop.kind == "server":
        program = entrypoint if image.entrypoint is not None else command
        return program is None or program in drop.programs
    return False


def _project_image_user(project: Project, name: str, depth: int) -> str:
    """What an image this project builds runs as: "root", "other" or "unknown"."""
    verdicts = set()
    for build in built_images(project).get(name, ()):
        image = image_of(build)
        if image is None or image.stage is None:
            verdicts.add("unknown")
            continue
        verdicts.add(_default_user(project, image, depth + 1)[0])
    if verdicts == {"root"}:
        return "root"
    return "other" if "other" in verdicts else "unknown"


def _default_user(project: Project, image: BuiltImage, depth: int = 0) -> tuple[str, str]:
    """Who `image` runs as before compose's `user:`: ("root" | "other" | "unknown",
    where the root user comes from, for the message)."""
    user = image.dockerfile_user
    if user is not None:
        return ("root", "user") if _is_root(user) else ("other", "")
    root = image.root
    if root is None or image.windows or depth > _MAX_DEPTH:
        return "unknown", ""
    if root in built_images(project):
        return _project_image_user(project, root, depth), "project"
    facts = image_facts(root)
    if facts is None:
        if any(m in root.lower() for m in _NOT_ROOT_NAMES):
            return "other", ""
        return "unknown", ""
    if facts.root is not True:
        return ("other", "") if facts.root is False else ("unknown", "")
    return "root", "table"


def _drops_at_run_time(image: BuiltImage) -> bool:
    """Whether what the container starts steps down from root itself: a wrapper at
    the entrypoint (`ENTRYPOINT ["gosu", "app", ...]`), an entrypoint script from the
    build context that re-executes unprivileged, or a base image that does."""
    start = start_of(image)
    if start is not None and start.user is not None and not _root_spec(start.user):
        return True
    script = entrypoint_script(image)
    if script is not None and script.drop is not None:
        return True
    if any(root_by_design(program) for program in started_programs(image)):
        return True
    facts = image_facts(image.root) if image.root is not None else None
    return facts is not None and _base_drops(image, facts)


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
        if dockerfile_use(source, builds) is not None:
            continue  # a test runner or development image: root is not worth a line
        # location -> (what is wrong, how to fix it, the services)
        found: dict[tuple[int, int], tuple[str, str, list[str]]] = {}
        for build in builds:
            if stage_use(build) is not None:
                continue  # a test or development stage: root is not worth a line
            image = image_of(build)
            if image is None or image.compose_user is not None:
                continue
            stage = image.stage
            if stage is None:
                continue  # an unknown build.target is reported by CL506
            verdict, origin = _default_user(project, image)
            if verdict != "root" or _drops_at_run_time(image):
                continue  # not root, unknown, or privileges dropped at run time
            user = image.dockerfile_user
            if user is not None:
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
                root = image.root or ""
                where = (stage.from_instruction.line, stage.from_instruction.column)
                if origin == "project":
                    builders = sorted(b.service.name for b in built_images(project)[root])
                    base = (
                        f"FROM {root}, the image {_services(builders)} builds, "
                        "which runs as root too"
                    )
                else:
                    base = f"FROM {root}"
                if len(image.chain) > 1:
                    what = (
                        f"neither the built {stage.label} nor the stages it is "
                        f"built from (down to {base}) set a USER"
                    )
                else:
                    what = f"the built {stage.label} ({base}) never sets a USER"
                facts = image_facts(root) if origin == "table" else None
                if root == "scratch":
                    fix = (
                        'add "USER 65534:65534" at the end of the stage (scratch has no '
                        "user database, so use a numeric ID)"
                    )
                elif facts is not None and facts.unprivileged_user:
                    fix = (
                        f'{root} already has the unprivileged user "{facts.unprivileged_user}": '
                        f'add "USER {facts.unprivileged_user}" at the end of the stage'
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
