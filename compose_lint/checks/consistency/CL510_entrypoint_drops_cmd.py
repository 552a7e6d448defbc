"""CL510 entrypoint-drops-cmd: a service sets `entrypoint:` without `command:` while
the image it builds has a CMD, and the new entrypoint is a wrapper that runs its
arguments: Compose drops the image's CMD, so the wrapper runs nothing.

Only wrappers given no command are judged (an init such as `tini --`, a list ending in
`--` (with words after `--`, those are the command),
`wait-for-it`/`dockerize`-style waiters, `gosu`/`su-exec` user switches, `sh -c` with
`"$@"`, or a script from the build context that ends with `exec "$@"`): an
entrypoint that is a whole command of its own replaces CMD on purpose."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.load.dockerfile import Instruction
from compose_lint.model import Project
from compose_lint.model.commands import basename
from compose_lint.model.entrypoint import INITS, entrypoint_script, start_of
from compose_lint.model.image import BuiltImage, image_of
from compose_lint.registry import Found, rule

# programs that run the command given to them after their own arguments
_RUNNERS = frozenset({"wait-for-it", "wait-for-it.sh", "wait-for", "wait-for.sh", "dockerize"})
_USER_SWITCHES = frozenset({"gosu", "su-exec"})  # `gosu USER COMMAND...`


def _cmd_text(cmd: Instruction) -> str:
    if cmd.json_args is not None:
        return " ".join(cmd.json_args)
    return cmd.args.strip()


def _runs_its_arguments(image: BuiltImage, words: list[str]) -> bool:
    if not words:
        return False
    if "--" in words:
        # `wait-for-it db:5432 -- /app/run.sh`: the words after "--" are the command
        return words.index("--") == len(words) - 1
    program = basename(words[0])
    if program in _USER_SWITCHES:
        return len(words) <= 2  # `gosu app` runs what it is given; `gosu app job` runs job
    if program in INITS or program in _RUNNERS:
        return True
    if basename(words[0]) in ("sh", "bash", "ash", "dash") and any(
        "$@" in w or "${@}" in w for w in words[1:]
    ):
        return True
    start = start_of(image)
    if start is not None and start.user is not None and not start.words:
        return True  # ["gosu", "app"]: a user switch with nothing to run
    script = entrypoint_script(image)
    return script is not None and script.passes_arguments is not None


@rule(
    "CL510",
    "entrypoint-drops-cmd",
    Severity.WARNING,
    "`entrypoint:` alone drops the image's CMD, and the new entrypoint runs its arguments.",
)
def entrypoint_drops_cmd(project: Project) -> Found:
    for build in project.builds():
        image = image_of(build)
        if image is None or image.stage is None:
            continue
        cmd = image.dropped_cmd
        entrypoint = build.service.data.get("entrypoint")
        if cmd is None or entrypoint is None:
            continue
        if isinstance(entrypoint, str):
            words = entrypoint.split()
        elif isinstance(entrypoint, list):
            words = [str(w) for w in entrypoint]
        else:
            continue
        if not _runs_its_arguments(image, words):
            continue
        service = build.service
        where = build.dockerfile.display if build.dockerfile is not None else "the Dockerfile"
        yield (
            service.file.key_loc(service.path + ("entrypoint",)),
            f'service "{service.name}" sets entrypoint: without command:, so Compose drops '
            f'the image\'s CMD ("{_cmd_text(cmd)}", {where} line {cmd.line}), and the '
            "entrypoint, which runs the command it is given, gets none; repeat the command "
            "in command: (or leave the image's ENTRYPOINT alone)",
        )
