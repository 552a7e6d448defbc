"""CL305 cd-in-run: a RUN changes directory with `cd`.

`ONBUILD RUN` triggers are left alone: an ONBUILD WORKDIR would move the image
built on this one, so `cd` is the tidy way there. So is a RUN whose every `cd` goes
into a temporary directory: one the same RUN removes (`mkdir /tmp/x && cd /tmp/x &&
... && rm -rf /tmp/x`) or a `$(mktemp -d)`, which a WORKDIR would leave in the image.
"""

from __future__ import annotations

import posixpath

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.commands import Command
from compose_lint.model.runs import runs
from compose_lint.registry import Found, rule


def _norm(path: str) -> str:
    path = path.strip("\"'")
    return posixpath.normpath(path) if path else path


def _removed(commands: list[Command]) -> set[str]:
    """The directories an `rm -r`/`rm -rf` of these commands removes."""
    gone: set[str] = set()
    for command in commands:
        if command.name != "rm":
            continue
        flags = [w for w in command.words[1:] if w.startswith("-") and not w.startswith("--")]
        long_flags = [w for w in command.words[1:] if w in ("--recursive",)]
        if not long_flags and not any("r" in f.lower() for f in flags):
            continue
        gone |= {_norm(w) for w in command.words[1:] if not w.startswith("-")}
    return gone


def _temporary(target: str, gone: set[str]) -> bool:
    """`cd target` goes into a temporary directory: `$(mktemp -d)`, or one the RUN
    removes (itself or a folder above it)."""
    if "mktemp" in target:
        return True
    if not target or "$" in target:
        return False
    path = _norm(target)
    return any(path == g or path.startswith(g.rstrip("/") + "/") for g in gone if g)


@rule(
    "CL305",
    "cd-in-run",
    Severity.INFO,
    "A RUN changes directory with `cd`; set the directory with WORKDIR instead.",
    default_enabled=False,
)
def cd_in_run(project: Project) -> Found:
    for run in runs(project):
        if run.onbuild:
            continue
        cds = [c for c in run.commands if c.name == "cd"]
        if not cds:
            continue
        gone = _removed(list(run.commands))
        # "cd /" or "cd -" on the way out of the temporary directory moves nowhere new
        moves = [c.words[1] if len(c.words) > 1 else "" for c in cds]
        moves = [m for m in moves if m not in ("/", "-")]
        if moves and all(_temporary(m, gone) for m in moves):
            continue  # a temporary build directory; WORKDIR would leave it in the image
        first = cds[0]
        target = first.words[1] if len(first.words) > 1 else ""
        if target.startswith("/") and "$" not in target:
            workdir = f'"WORKDIR {target}"'
        else:
            workdir = "a WORKDIR with an absolute path"
        shown = " ".join(first.words)
        if not any(c.words and c.name != "cd" for c in run.commands):
            yield (
                run.at(first),
                f'"{shown}" is the only command of this RUN, and the directory change ends '
                f"with the RUN; use {workdir} instead",
            )
        else:
            yield (
                run.at(first),
                f'"{shown}" inside a RUN hides which directory the following commands run '
                f"in; put {workdir} before this RUN instead (or give the commands absolute "
                "paths)",
            )
