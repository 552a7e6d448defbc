"""CL515 script-interpreter-missing: the script a built image starts names an
interpreter in its `#!` line (`#!/bin/bash`) that the image does not have.

What the base image contains comes from the shipped image facts (data/images.json:
Alpine, BusyBox and distroless images have no bash); a RUN that installs the
interpreter's package, or a script run by path whose effect is not read, supplies it."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.commands import basename
from compose_lint.model.entrypoint import started_directly, started_scripts
from compose_lint.model.image import image_facts
from compose_lint.model.installs import supplies
from compose_lint.registry import Found, rule

# interpreters the image facts record, by the name a #! line uses
_KNOWN = frozenset({"bash"})


@rule(
    "CL515",
    "script-interpreter-missing",
    Severity.WARNING,
    "The script the image starts names an interpreter (#!/bin/bash) the image lacks.",
)
def script_interpreter_missing(project: Project) -> Found:
    for build, image, script in started_scripts(project):
        if image.root is None or not script.shebang or not started_directly(image):
            continue
        facts = image_facts(image.root)
        if facts is None:
            continue
        interpreter = basename(script.shebang)
        if interpreter not in _KNOWN or facts.tools.get(interpreter) is not False:
            continue
        if supplies(image, interpreter):
            continue
        yield (
            build.service.file.loc(build.path),
            f'service "{build.service.name}" starts {script.path} ({script.relpath} in its '
            f"build context), whose first line asks for {interpreter}, which {facts.reference} "
            f'does not have: the container fails to start with "exec {script.path}: no such '
            f'file or directory"; install it (apk add --no-cache {interpreter}) or write the '
            "script for /bin/sh and change its first line to #!/bin/sh",
        )
