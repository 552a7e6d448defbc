"""CL309 apt-install-recommends: `apt-get install` without `--no-install-recommends`.

`-o APT::Install-Recommends=false` on the command, or an earlier RUN writing that
option into /etc/apt, count as the flag. So does an autoremove later in the same RUN
that treats recommends as unimportant (`apt-get purge -y --auto-remove -o
APT::AutoRemove::RecommendsImportant=false`, the clean-up of the official Python
images): it takes out what was installed only as a recommendation, in the same layer.
A RUN in a stage that no built image
carries (a builder stage whose files are copied out) is not reported: its extra
packages never reach an image that is shipped.
"""

from __future__ import annotations

from collections.abc import Sequence

from compose_lint.findings import Fix, Severity
from compose_lint.model import Project
from compose_lint.model.commands import FALSE_WORDS, Command, apt_option, package_call
from compose_lint.model.edits import add_option
from compose_lint.model.runs import apt_configured, runs
from compose_lint.registry import Found, rule

_KEY = "apt::install-recommends"
_AUTOREMOVE_KEY = "apt::autoremove::recommendsimportant"

# images nobody ships (a development image is still pushed and pulled often enough)


@rule(
    "CL309",
    "apt-install-recommends",
    Severity.INFO,
    "`apt-get install` without `--no-install-recommends` also installs recommended packages.",
)
def apt_install_recommends(project: Project) -> Found:
    for run in runs(project):
        if not run.shipped or run.practice_unwanted:
            # a throwaway stage, an image for tests or CI, one kept for backward
            # compatibility, or a Dockerfile whose path says it is for local use
            # (.devcontainer/, Dockerfile.dev): its size is not worth a line
            continue
        removes_recommends = _removes_recommends_later(run.commands)
        for index, command in enumerate(run.commands):
            call = package_call(command)
            if call is None or call.manager != "apt-get" or call.action != "install":
                continue
            if any(index < at for at in removes_recommends):
                continue  # the RUN's autoremove takes the recommended packages out again
            if "--no-install-recommends" in call.words or any(
                apt_option(w, _KEY) in FALSE_WORDS for w in call.words
            ):
                continue
            if apt_configured(run, _KEY, FALSE_WORDS):
                continue
            edit = add_option(run.source, run.instruction, call, "--no-install-recommends")
            yield (
                run.at(command),
                '"apt-get install" also installs every package these packages merely '
                "recommend, making the image larger and its contents less predictable; add "
                '--no-install-recommends: "apt-get install -y --no-install-recommends ..."',
                Fix(f'add --no-install-recommends to "{call.text}"', (edit,)) if edit else None,
            )


def _removes_recommends_later(commands: Sequence[Command]) -> list[int]:
    """Where the RUN autoremoves with recommends unimportant: `apt-get autoremove` or
    `purge`/`remove` with `--auto-remove`/`--autoremove`, given
    `-o APT::AutoRemove::RecommendsImportant=false` (or 0)."""
    found = []
    for index, command in enumerate(commands):
        call = package_call(command)
        if call is None or call.manager not in ("apt-get", "apt"):
            continue
        autoremoves = call.action == "autoremove" or (
            call.action in ("purge", "remove")
            and bool({"--auto-remove", "--autoremove"} & set(call.words))
        )
        if autoremoves and any(apt_option(w, _AUTOREMOVE_KEY) in FALSE_WORDS for w in call.words):
            found.append(index)
    return found
