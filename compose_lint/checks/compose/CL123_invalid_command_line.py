"""CL123 invalid-command-line: a `command`/`entrypoint` string that Compose cannot
split into words (an unclosed quote or `$(`, a bare parenthesis, a trailing
backslash), read after interpolation on the merged service."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from compose_lint.findings import Severity
from compose_lint.load import interpolation
from compose_lint.model import Project
from compose_lint.model.services import once
from compose_lint.model.values import shown
from compose_lint.registry import Found, rule


@rule(
    "CL123",
    "invalid-command-line",
    Severity.ERROR,
    "A `command` or `entrypoint` string that Compose cannot split into words.",
)
def invalid_command_line(project: Project) -> Found:
    yield from once(_findings(project))


def _findings(project: Project) -> Found:
    for service in project.services:
        for sub, raw in _command_strings(service.data):
            value = interpolation.substitute(raw, project.env)
            if value is None:
                continue  # a value that stays unknown could close what it opens
            problem = split_problem(value)
            if problem is None:
                continue
            field = ".".join(str(p) for p in sub)
            yield (
                service.file.loc(service.path + sub),
                f'service "{service.name}": {field} {shown(raw, value)} is not a command line '
                f"Compose can split into words ({problem}), so it refuses the project "
                '("invalid command line string"); fix the quoting, or write the command as '
                'a list: ["sh", "-c", "..."]',
            )


def _command_strings(data: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """The string forms Compose splits into words, with their paths in the service."""
    for key in ("command", "entrypoint"):
        if isinstance(data.get(key), str):
            yield (key,), data[key]
    for key in ("post_start", "pre_stop"):
        hooks = data.get(key)
        for i, hook in enumerate(hooks if isinstance(hooks, list) else ()):
            if isinstance(hook, dict) and isinstance(hook.get("command"), str):
                yield (key, i, "command"), hook["command"]
    develop = data.get("develop")
    watch = develop.get("watch") if isinstance(develop, dict) else None
    for i, rule_ in enumerate(watch if isinstance(watch, list) else ()):
        run = rule_.get("exec") if isinstance(rule_, dict) else None
        if isinstance(run, dict) and isinstance(run.get("command"), str):
            yield ("develop", "watch", i, "exec", "command"), run["command"]


def split_problem(text: str) -> str | None:
    """Why Compose's word splitter (go-shellwords, without its environment and
    backtick expansion) refuses `text`; None when it splits it.

    Facts observed on docker compose 2.40.3: a backslash escapes the next
    character except inside single quotes; single quotes, double quotes, backticks
    and `$( ... )` must be closed (quotes mean nothing inside `$( ... )`); a `(`
    that does not follow a `$` and a nested `$(` are refused; a `)` that closes
    nothing opens a `$(` that must be closed (`a) b` is refused); an unquoted
    `;`, `&`, `|`, `<` or `>` ends what is read, so text after it is not
    checked; `#` starts no comment."""
    escaped = single = double = back = dollar = False
    previous = ""  # the last character added to the current word
    for char in text:
        if escaped:
            escaped, previous = False, char
            continue
        if char == "\\" and not single:
            escaped = True
            continue
        quoted = single or double or back or dollar
        if char in " \t\r\n":
            previous = char if quoted else ""
            continue
        if char == "`" and not (single or double or dollar):
            back = not back
            continue
        if char == ")" and not (single or double or back):
            # closes `$(`; outside one, Compose's splitter opens one instead
            dollar, previous = not dollar, char
            continue
        if char == "(" and not (single or double or back):
            if dollar or previous != "$":
                return 'a "(" outside quotes that does not open "$( ... )"'
            dollar, previous = True, char
            continue
        if char == '"' and not (single or dollar):
            double = not double
            continue
        if char == "'" and not (double or dollar):
            single = not single
            continue
        if char in ";&|<>" and not quoted:
            return None
        previous = char
    if escaped:
        return "it ends with a backslash that escapes nothing"
    if single or double:
        return f"a {'single' if single else 'double'} quote is never closed"
    if back:
        return "a backtick is never closed"
    if dollar:
        return 'a "$(" is never closed, or a ")" closes nothing'
    return None
