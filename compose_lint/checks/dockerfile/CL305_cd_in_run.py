"""CL305 cd-in-run: a RUN changes directory with `cd`.

`ONBUILD RUN` triggers are left alone: an ONBUILD WORKDIR would move the image
built on this one, so `cd` is the tidy way there.
"""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.runs import runs
from compose_lint.registry import Found, rule


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
