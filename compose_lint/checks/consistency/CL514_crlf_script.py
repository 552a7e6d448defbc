"""CL514 crlf-script: the script a built image starts (its ENTRYPOINT, or CMD without
one), copied from the build context, has CR LF line endings."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.commands import run_commands
from compose_lint.model.entrypoint import started_directly, started_scripts
from compose_lint.model.image import BuiltImage
from compose_lint.registry import Found, rule

_CONVERTERS = frozenset({"dos2unix", "fromdos", "unix2dos"})


def _converts_line_ends(image: BuiltImage) -> bool:
    """A RUN of the chain rewrites line ends (dos2unix, `sed 's/\\r$//'`, `tr -d '\\r'`)."""
    for step in image.steps:
        for command in run_commands(step.instruction):
            words = command.words
            if words and words[0].rsplit("/", 1)[-1] in _CONVERTERS:
                return True
            if any("\\r" in w or "\r" in w for w in words[1:]):
                return True
    return False


@rule(
    "CL514",
    "crlf-script",
    Severity.WARNING,
    "The script the image starts has Windows (CR LF) line endings.",
)
def crlf_script(project: Project) -> Found:
    for build, image, script in started_scripts(project):
        if not script.crlf or _converts_line_ends(image):
            continue
        if started_directly(image) and script.shebang:
            effect = (
                f'the kernel looks for the interpreter "{script.shebang}\\r", so the container '
                f'fails to start with "exec {script.path}: no such file or directory"'
            )
        else:
            effect = "the shell reads a CR at the end of every line, so its commands fail"
        dockerfile = build.dockerfile.display if build.dockerfile is not None else "the Dockerfile"
        yield (
            build.service.file.loc(build.path),
            f'service "{build.service.name}" starts {script.path}, copied from '
            f"{script.relpath} in its build context, whose lines end in CR LF: {effect}; save "
            "it with LF line endings (and add `*.sh text eol=lf` to .gitattributes so a "
            f'Windows checkout keeps them), or convert it in {dockerfile} ("RUN sed -i '
            f"'s/\\r$//' {script.path}\")",
        )
