"""What a command line starts that runs until it is stopped, and which shell an image's
`sh -c` is, for rules about the process a container ends up running (CL516).

Public names

- `long_running(command)`: the name of the server, worker or supervisor a simple
  command starts in the foreground (`gunicorn`, `celery worker`, `node server.js`,
  `nginx -g 'daemon off;'`), its wrappers (`gosu app`, `env A=1`) taken off; None for
  anything else, or when its options send it to the background (data/foreground.json).
- `dash_sh(reference)`: whether /bin/sh of the image `reference` names is dash (Debian,
  Ubuntu and the official images built on them): dash keeps itself as the parent of the
  last command of `sh -c`, where bash and BusyBox sh replace themselves with it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from compose_lint import data
from compose_lint.model.commands import Command, basename, is_versioned, unwrap
from compose_lint.model.image import table_keys

_INTERPRETER_QUERIES = frozenset(
    {"-c", "-e", "-p", "--eval", "--print", "-v", "-V", "--version", "-version", "--help", "-h"}
)


@cache
def _table() -> dict[str, Any]:
    table: dict[str, Any] = data.load("foreground.json")
    return table


def _entry(program: str) -> dict[str, Any] | None:
    programs: dict[str, Any] = _table()["programs"]
    if program in programs:
        return dict(programs[program])
    for name, entry in programs.items():
        if name.endswith("*") and program.startswith(name[:-1]):
            return dict(entry)
        if name in ("python", "node", "ruby", "php") and is_versioned(program, name):
            return dict(entry)
    return None


def long_running(command: Command) -> str | None:
    """The program `command` starts in the foreground that runs until it is stopped
    (see the module's docstring); None when it is not one this table knows."""
    inner = unwrap(command)
    words = list(inner.words)
    if not words:
        return None
    program = basename(words[0])
    args = words[1:]
    if is_versioned(program, "python") and len(args) >= 2 and args[0] == "-m":
        program, args = args[1], args[2:]  # python -m uvicorn ...
    elif is_versioned(program, "python") and args and basename(args[0]) == "manage.py":
        program, args = "manage.py", args[1:]
    entry = _entry(program)
    if entry is None:
        return None
    text = " ".join(args)
    if any(option in args for option in entry.get("unless", ())):
        return None
    if entry.get("unless_text") and entry["unless_text"] in text:
        return None
    action = next((word for word in args if word in entry.get("when", ())), None)
    if "when" in entry and action is None:
        return None
    if entry.get("when_text") and entry["when_text"] not in text:
        return None
    suffixes = tuple(entry.get("when_suffix", ()))
    if suffixes and not any(word.endswith(suffixes) for word in args):
        return None
    if entry.get("script"):
        if any(word in _INTERPRETER_QUERIES for word in args):
            return None
        operands = [word for word in args if not word.startswith("-")]
        if not operands or basename(operands[0]) in entry.get("not_scripts", ()):
            return None
        return f"{program} {operands[0]}"
    return f"{program} {action}" if action is not None and action.islower() else program


def dash_sh(reference: str | None) -> bool:
    """Whether the image `reference` names has dash as /bin/sh (data/foreground.json)."""
    found = table_keys(reference) if reference else None
    if found is None:
        return False
    keys, tag = found
    if any(word in tag for word in _table()["other_shell_tags"]):
        return False
    return any(key in _table()["dash_images"] for key in keys)


__all__ = ["dash_sh", "long_running"]
