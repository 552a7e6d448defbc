"""CL306 sudo-in-run: a RUN uses `sudo`."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.commands import unwrap
from compose_lint.model.runs import Run, runs
from compose_lint.registry import Found, rule

_ROOT = frozenset({"root", "0", "root:root", "0:0"})


@rule(
    "CL306",
    "sudo-in-run",
    Severity.WARNING,
    "A RUN uses `sudo`; RUN already runs as the stage's USER.",
)
def sudo_in_run(project: Project) -> Found:
    for run in runs(project):
        for command in run.commands:
            if command.name != "sudo":
                continue
            program = unwrap(command)
            rest = program.words if program.wrappers else ()
            shown = " ".join(("sudo", *rest[:3]))
            user = _user_at(run)
            if user is None or user in _ROOT:
                fix = (
                    "no USER is set before it, so it runs as the base image's user (root "
                    'for nearly every image): drop "sudo"'
                )
            else:
                fix = (
                    f'this RUN runs as USER {user}: put "USER root" before it, drop "sudo", '
                    f'and switch back with "USER {user}" after it'
                )
            yield (
                run.at(command),
                f'"{shown}": sudo is made for interactive logins (it may be missing, ask for '
                f"a password or reset the environment) and hides which user a step runs as; "
                f"{fix}",
            )


def _user_at(run: Run) -> str | None:
    """The USER in effect for `run` (its stage or a parent stage), None if never set."""
    user = run.step(run.contexts[0]).user
    return user.args.strip() or None if user is not None else None
