"""CL307 apt-lists-kept: `apt-get update` leaves /var/lib/apt/lists in the image.

Only RUNs whose layers some build ships are judged: a builder stage's lists
never reach the image.
"""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.commands import (
    APT_LISTS,
    Command,
    PackageCall,
    package_call,
    removes_apt_lists,
)
from compose_lint.model.runs import Run, runs
from compose_lint.registry import Found, rule

_APT = frozenset({"apt-get", "apt", "aptitude"})

# images nobody ships (a development image is still pushed and pulled often enough)


@rule(
    "CL307",
    "apt-lists-kept",
    Severity.INFO,
    "A RUN runs `apt-get update` but leaves /var/lib/apt/lists in the image.",
)
def apt_lists_kept(project: Project) -> Found:
    every = list(runs(project))
    for index, run in enumerate(every):
        if not run.shipped or run.practice_unwanted:
            # a throwaway stage, an image for tests or CI, one kept for backward
            # compatibility, or a Dockerfile whose path says it is for local use
            # (.devcontainer/, Dockerfile.dev): its size is not worth a line
            continue
        found = next(((c, call) for c in run.commands if (call := _update(c)) is not None), None)
        if found is None or _removes_apt_lists(run) or _lists_used_later(run, every[index + 1 :]):
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


def _lists_used_later(run: Run, later: list[Run]) -> bool:
    """A later RUN of the same stage installs with apt without updating first: it reads
    the lists this RUN downloaded (a Dockerfile that updates once at the top and cleans
    up at the end), so removing them here would break that install."""
    for other in later:
        if other.source is not run.source or other.stage is not run.stage:
            continue
        calls = [c for c in map(package_call, other.commands) if c is not None]
        apt = [c for c in calls if c.manager in _APT]
        if any(c.action == "update" for c in apt) and not _conditional(other):
            return False  # it downloads lists of its own
        if any(c.action in ("install", "upgrade", "dist-upgrade", "build-dep") for c in apt):
            return True
    return False


def _conditional(run: Run) -> bool:
    """A RUN that is one `if …; then …; fi` (laradock's `if [ ${INSTALL_X} = true ]`):
    what it does may not happen, so an update in it may leave the older lists in use."""
    text = run.instruction.args.lstrip()
    return text.startswith("if ") and text.rstrip().rstrip(";").endswith("fi")


def _update(command: Command) -> PackageCall | None:
    call = package_call(command)
    return call if call is not None and call.manager in _APT and call.action == "update" else None


def _removes_apt_lists(run: Run) -> bool:
    for kind, target in run.mounts:
        holds_lists = target != "/" and (APT_LISTS + "/").startswith(target + "/")
        if kind in ("cache", "tmpfs") and holds_lists:
            return True
    return any(removes_apt_lists(command) for command in run.commands)
