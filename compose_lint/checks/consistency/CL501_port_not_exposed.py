"""CL501 port-not-exposed: a service publishes a container port that the image it
builds never EXPOSEs (in its Dockerfile's stage chain, its official base image per
data/image_ports.json, or the service's own `expose:`).

When one of them cannot be known (an EXPOSE variable without a value, a base image
the table does not list, a malformed entry) the rule stays silent. It is silent too on a
debugger's default port (data/debug_ports.json), and on per-instance ports: when
several services build the same image and each publishes a container port the others
do not (instances of one program told at run time where to listen), no EXPOSE line in
the shared image is the fix. A service kept only behind a `deprecated` profile, or
built from a Dockerfile that says it is for local use (by its path, `docker/devenv/`,
`Dockerfile.test`, or its opening comment; `model.purpose.declared_use`), is not worth
the line: EXPOSE documents an image, and those images are nobody else's to read. Nor is a stage that
starts nothing of its own (no CMD or ENTRYPOINT in its chain) while the service's
`command:` starts the server: EXPOSE would document a server the image does not run."""

from __future__ import annotations

from functools import cache

from compose_lint import data
from compose_lint.findings import Fix, Severity
from compose_lint.load.dockerfile import Dockerfile, Stage
from compose_lint.model import Build, Port, Project, Service
from compose_lint.model.context import dockerfile_display
from compose_lint.model.edits import insert_line_after
from compose_lint.model.image import BuiltImage, image_of
from compose_lint.model.purpose import declared_use, is_retired
from compose_lint.model.services import facts
from compose_lint.model.values import PortSpan, image_ports, parse_port_span, uncovered
from compose_lint.registry import Found, rule


def _dockerfile_exposes(image: BuiltImage) -> list[PortSpan] | None:
    """The ports the EXPOSE words of the chain declare; None if one is unknown."""
    spans: list[PortSpan] = []
    for exposed in image.exposed:
        if exposed.value is None:
            return None
        for part in exposed.value.split():
            span = parse_port_span(part)
            if span is None:
                return None
            spans.append(span)
    return spans


def _stage_label(dockerfile: Dockerfile, stage: Stage) -> str:
    """` (stage "x")` when the Dockerfile has several stages, else ""."""
    if len(dockerfile.stages) < 2:
        return ""
    if stage.name:
        return f' (stage "{stage.name}")'
    return f" (the stage starting on line {stage.from_instruction.line})"


def _describe_missing(port: Port, missing: list[tuple[int, int]]) -> tuple[str, str, int]:
    """(what the message calls the ports, the EXPOSE arguments that fix it, how many)."""
    suffix = "" if port.protocol == "tcp" else f"/{port.protocol}"
    parts = [(str(a) if a == b else f"{a}-{b}") + suffix for a, b in missing]
    count = sum(b - a + 1 for a, b in missing)
    noun = "ports" if count > 1 else "port"
    return f"{noun} {', '.join(parts)}", " ".join(parts), count


@cache
def _debug_ports() -> frozenset[int]:
    """Container ports debuggers listen on by default (data/debug_ports.json)."""
    return frozenset(int(entry["port"]) for entry in data.load("debug_ports.json")["ports"])


def _instances(project: Project, image: BuiltImage) -> list[Service]:
    """The services of `project` that build the same stage of the same Dockerfile."""
    same: list[Service] = []
    for other in project.services:
        if other.build is None:
            continue
        built = image_of(other.build)
        if (
            built is not None
            and built.stage is not None
            and image.stage is not None
            and built.dockerfile is image.dockerfile
            and built.stage.index == image.stage.index
        ):
            same.append(other)
    return same


def _per_instance(project: Project, image: BuiltImage, service: Service, port: Port) -> bool:
    """`port` is this instance's own: other services build the same image, and none of
    them publishes this container port."""
    others = [s for s in _instances(project, image) if s is not service]
    if not others:
        return False
    return not any(
        set(p.targets()) & set(port.targets()) and p.protocol == port.protocol
        for other in others
        for p in other.ports
    )


def _local(service: Service) -> bool:
    """Kept only for backward compatibility, or built from a Dockerfile that says it is
    for local use (`docker/devenv/Dockerfile`, or in its opening comment): an image
    nobody else runs."""
    build = service.build
    source = build.dockerfile if build is not None and build.inline is None else None
    return is_retired(service) or (source is not None and declared_use(source) is not None)


def _started_by_compose(service: Service, image: BuiltImage) -> bool:
    """The program that serves the ports is the service's `command:` or `entrypoint:`
    and the Dockerfile's stages start nothing (no CMD or ENTRYPOINT of their own: a
    build stage a dev stack runs a dev server in): an EXPOSE there would document a
    server the image does not run."""
    end = image.end
    if end.cmd is not None or end.entrypoint is not None:
        return False
    return any(service.data.get(key) not in (None, "", []) for key in ("command", "entrypoint"))


@rule(
    "CL501",
    "port-not-exposed",
    Severity.WARNING,
    "A service publishes a container port that the image it builds never EXPOSEs.",
)
def port_not_exposed(project: Project) -> Found:
    for service in project.services:
        build = service.build
        if build is None or not service.ports or _local(service):
            continue
        image = image_of(build)
        if image is None or image.stage is None or _started_by_compose(service, image):
            continue
        from_dockerfile = _dockerfile_exposes(image)
        from_image = image_ports(image.root)
        from_compose = facts(project, service).expose
        if from_dockerfile is None or from_image is None or from_compose is None:
            continue
        exposed = from_dockerfile + from_image + from_compose
        target = dockerfile_display(build) + _stage_label(image.dockerfile, image.stage)
        for port in service.ports:
            if port.target == port.target_end and port.target in _debug_ports():
                continue  # a debugger for local development, never EXPOSEd
            if _per_instance(project, image, service, port):
                continue
            missing = uncovered(exposed, port.target, port.target_end, port.protocol)
            if not missing:
                continue
            what, fix, count = _describe_missing(port, missing)
            verb, pronoun = ("are", "them") if count > 1 else ("is", "it")
            yield (
                service.file.loc(port.path),
                f"{what} {verb} published but the Dockerfile never EXPOSEs {pronoun}; "
                f'add "EXPOSE {fix}" to {target}',
                _expose(build, image, fix),
            )


def _expose(build: Build, image: BuiltImage, ports: str) -> Fix | None:
    """`EXPOSE ports` on a line of its own in the stage the service builds, after its
    last instruction before the closing CMD/ENTRYPOINT. Unsafe: what the image declares
    changes (`docker run -P` publishes it, other tools read it)."""
    source, stage = build.dockerfile, image.stage
    if build.inline is not None or source is None or stage is None:
        return None
    body = list(stage.instructions)
    end = len(body)
    while end > 0 and body[end - 1].keyword in ("CMD", "ENTRYPOINT"):
        end -= 1
    after = body[end - 1] if end > 0 else stage.from_instruction
    edit = insert_line_after(source, after, f"EXPOSE {ports}", image.dockerfile.escape)
    if edit is None:
        return None
    return Fix(f'add "EXPOSE {ports}" to {source.display}', (edit,), safe=False)
