"""CL308 apt-get-no-yes: `apt-get install` (upgrade, remove...) without `-y`.

`-y`, `--yes`, `--assume-yes`, `-qq` (which implies it), `-o APT::Get::Assume-Yes=1`,
`yes | apt-get ...` and an earlier RUN writing the option into /etc/apt all answer
the prompt.
"""

from __future__ import annotations

from collections.abc import Sequence

from compose_lint.findings import Fix, Severity
from compose_lint.model import Project
from compose_lint.model.commands import TRUE_WORDS, Command, apt_option, package_call
from compose_lint.model.edits import add_option
from compose_lint.model.runs import apt_configured, runs
from compose_lint.registry import Found, rule

# apt-get actions that ask "Do you want to continue? [Y/n]" before changing the system.
_PROMPTING = frozenset(
    {
        "install",
        "reinstall",
        "upgrade",
        "dist-upgrade",
        "full-upgrade",
        "remove",
        "purge",
        "autoremove",
        "build-dep",
    }
)
_KEY = "apt::get::assume-yes"


@rule(
    "CL308",
    "apt-get-no-yes",
    Severity.WARNING,
    "`apt-get install` (or upgrade, remove...) without `-y` aborts at its prompt.",
)
def apt_get_no_yes(project: Project) -> Found:
    for run in runs(project):
        for index, command in enumerate(run.commands):
            call = package_call(command)
            if call is None or call.manager != "apt-get" or call.action not in _PROMPTING:
                continue
            if _assumes_yes(call.words) or _fed_by_yes(run.commands, index):
                continue
            if apt_configured(run, _KEY, TRUE_WORDS):
                continue
            edit = add_option(run.source, run.instruction, call, "-y")
            yield (
                run.at(command),
                f'"{call.text}" without -y asks "Do you want to continue? [Y/n]" as soon as '
                "it must install or remove more than the packages named (a new dependency, "
                "after a base image update too), which a build cannot answer, so apt-get "
                f'aborts; add -y: "apt-get {call.action} -y ..."',
                Fix(f'add -y to "{call.text}"', (edit,)) if edit is not None else None,
            )


def _assumes_yes(words: Sequence[str]) -> bool:
    quiet = 0
    for word in words[1:]:
        if word in ("--yes", "--assume-yes", "--force-yes"):
            return True
        if apt_option(word, _KEY) in TRUE_WORDS:
            return True
        if word.startswith(("--quiet=", "-q=")):
            level = word.partition("=")[2]
            if level.isdigit() and int(level) >= 2:
                return True
            continue
        if word == "--quiet":
            quiet += 1
        elif word.startswith("-") and not word.startswith("--"):
            for letter in word[1:]:
                if letter == "y":
                    return True
                if letter == "q":
                    quiet += 1
                elif letter in "oct":
                    break  # the rest of the word is that option's value
    return quiet >= 2


def _fed_by_yes(commands: Sequence[Command], index: int) -> bool:
    """`yes | apt-get install ...` answers the prompt."""
    command = commands[index]
    if not command.in_pipeline or index == 0:
        return False
    previous = commands[index - 1]
    return (
        previous.pipeline == command.pipeline
        and previous.stage == command.stage - 1
        and previous.name == "yes"
    )
