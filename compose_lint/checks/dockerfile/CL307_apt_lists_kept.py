"""CL307 apt-lists-kept: `apt-get update` leaves /var/lib/apt/lists in the image.

Only RUNs whose layers some build ships are judged: a builder stage's lists
never reach the image.
"""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.commands import Command, PackageCall, package_call, unwrap
from compose_lint.model.purpose import Use
from compose_lint.model.runs import Run, runs
from compose_lint.registry import Found, rule

_APT = frozenset({"apt-get", "apt", "aptitude"})
_LISTS = "/var/lib/apt/lists"
# removing any of these removes the lists with it (`rm -rf /var/lib` does)
_HOLDS_LISTS = frozenset({"/var", "/var/lib", "/var/lib/apt", _LISTS})


@rule(
    "CL307",
    "apt-lists-kept",
    Severity.INFO,
    "A RUN runs `apt-get update` but leaves /var/lib/apt/lists in the image.",
)
def apt_lists_kept(project: Project) -> Found:
    for run in runs(project):
        if not run.shipped or run.use is Use.TEST:
            continue  # a throwaway stage, or an image for tests or CI
        found = next(((c, call) for c in run.commands if (call := _update(c)) is not None), None)
        if found is None or _removes_apt_lists(run):
            continue
        command, update = found
        in_script = bool(run.instruction.heredocs) and command.line > run.instruction.line
        cleanup = (
            'add a last line "rm -rf /var/lib/apt/lists/*" to the script'
            if in_script
            else 'end the same RUN with "&& rm -rf /var/lib/apt/lists/*"'
        )
        yield (
            run.at(command),
            f'"{update.program} update" downloads the package lists to /var/lib/apt/lists and '
            f"this RUN leaves them in the image layer (tens of MB nobody uses at run time); "
            f'{cleanup}, or mount a cache: "RUN --mount=type=cache,target=/var/lib/apt/lists'
            ' ..."',
        )


def _update(command: Command) -> PackageCall | None:
    call = package_call(command)
    return call if call is not None and call.manager in _APT and call.action == "update" else None


def _removes_apt_lists(run: Run) -> bool:
    for kind, target in run.mounts:
        if kind in ("cache", "tmpfs") and target != "/" and (_LISTS + "/").startswith(target + "/"):
            return True
    for command in map(unwrap, run.commands):
        if command.name not in ("rm", "find"):
            continue
        if command.name == "find" and not command.has("-delete", "rm"):
            continue
        for word in command.words[1:]:
            path = word.rstrip("*").rstrip("/")
            if path in _HOLDS_LISTS or word.startswith(_LISTS + "/"):
                return True
    return False
