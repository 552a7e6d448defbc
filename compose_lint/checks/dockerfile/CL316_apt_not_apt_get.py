"""CL316 apt-not-apt-get: a RUN uses `apt`, the interactive front end."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.commands import package_call
from compose_lint.model.runs import runs
from compose_lint.registry import Found, rule

_APT_TO_APT_GET = {
    "install": "apt-get install",
    "remove": "apt-get remove",
    "purge": "apt-get purge",
    "autoremove": "apt-get autoremove",
    "update": "apt-get update",
    "upgrade": "apt-get upgrade",
    "full-upgrade": "apt-get dist-upgrade",
    "reinstall": "apt-get reinstall",
    "clean": "apt-get clean",
    "autoclean": "apt-get autoclean",
    "satisfy": "apt-get satisfy",
    "build-dep": "apt-get build-dep",
    "source": "apt-get source",
    "search": "apt-cache search",
    "show": "apt-cache show",
    "policy": "apt-cache policy",
    "depends": "apt-cache depends",
    "rdepends": "apt-cache rdepends",
    "showsrc": "apt-cache showsrc",
    "list": "dpkg-query --list (or apt-cache policy)",
}


@rule(
    "CL316",
    "apt-not-apt-get",
    Severity.WARNING,
    "A RUN uses `apt`, the interactive front end; scripts should use apt-get / apt-cache.",
)
def apt_not_apt_get(project: Project) -> Found:
    for run in runs(project):
        if run.practice_unwanted:
            continue  # an image for tests or CI, or a Dockerfile for local use
        # one finding per RUN, at its first apt command: "apt update && apt install" is
        # one fix, not two
        first = None
        shown: list[str] = []
        instead: list[str] = []
        for command in run.commands:
            call = package_call(command)
            if call is None or call.manager != "apt":
                continue
            first = first or command
            said = f"apt {call.action}".strip()
            use = _APT_TO_APT_GET.get(call.action, "apt-get or apt-cache")
            if said not in shown:
                shown.append(said)
                instead.append(use)
        if first is None:
            continue
        uses = " uses" if len(shown) == 1 else " use"
        yield (
            run.at(first),
            f"{_quoted(shown)}{uses} apt, the front end meant for people at a terminal: its "
            "output and behaviour may change between releases and it warns it has no "
            f"stable command-line interface; use {_quoted(instead)} instead",
        )


def _quoted(words: list[str]) -> str:
    """ "a", "a" and "b", "a", "b" and "c"."""
    quoted = [f'"{w}"' for w in dict.fromkeys(words)]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]
