"""CL511 command-ignored: a service sets `command:` while the image it builds has a
shell-form ENTRYPOINT (and the service keeps it): a shell-form ENTRYPOINT runs as
`/bin/sh -c "..."` and never sees CMD or `command:`, so the command is ignored."""

from __future__ import annotations

import re

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.image import image_of
from compose_lint.registry import Found, rule

_POSITIONAL = re.compile(r"\$(?:[@*0-9]|\{[@*0-9])")


@rule(
    "CL511",
    "command-ignored",
    Severity.WARNING,
    "`command:` is given to an image whose ENTRYPOINT is in shell form, which ignores it.",
)
def command_ignored(project: Project) -> Found:
    for build in project.builds():
        service = build.service
        if "command" not in service.data or "entrypoint" in service.data:
            continue
        image = image_of(build)
        if image is None or image.stage is None:
            continue
        entrypoint = image.end.entrypoint
        if entrypoint is None or entrypoint.json_args is not None:
            continue
        if _POSITIONAL.search(entrypoint.args):
            continue  # it reads the arguments sh -c gets after the script: $0, $1, "$@"
        where = build.dockerfile.display if build.dockerfile is not None else "the Dockerfile"
        yield (
            service.file.key_loc(service.path + ("command",)),
            f'service "{service.name}" sets command:, but the image\'s ENTRYPOINT ({where} '
            f'line {entrypoint.line}) is in shell form ("ENTRYPOINT {entrypoint.args.strip()}"), '
            "which runs through /bin/sh -c and ignores CMD and command:; write the ENTRYPOINT "
            'in exec form (ENTRYPOINT ["program", "arg"]) so the command is passed to it, or '
            "set the whole command in entrypoint:",
        )
