"""CL201 hardcoded-secret: a password, token or key written into the project's files.

What counts as a secret is `model.secrets` (over data/secrets.json); this rule finds
the values it judges in compose `environment:` and `build.args`, and in Dockerfile ENV
and ARG instructions, and words the fix. No message ever shows the value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from compose_lint.findings import Location, Severity
from compose_lint.load.dockerfile import Dockerfile, Instruction
from compose_lint.load.interpolation import has_interpolation
from compose_lint.model import EnvVar, Project
from compose_lint.model.secrets import Verdict, judge, mask
from compose_lint.registry import Found, rule

# rule-options: hardcoded-secret: extra-names: ["*_PIN", "LICENSE_KEY"]
EXTRA_NAMES_OPTION = "extra-names"


@rule(
    "CL201",
    "hardcoded-secret",
    Severity.ERROR,
    "A password, token or key is written into the compose file or Dockerfile.",
    sensitive=True,
    options={EXTRA_NAMES_OPTION: "list[str]"},
)
def hardcoded_secret(project: Project, options: Mapping[str, Any]) -> Found:
    extra = tuple(options.get(EXTRA_NAMES_OPTION, ()))
    yield from _compose_findings(project, extra)
    for source in project.dockerfiles:
        if source.parsed is not None:
            for line, column, message in _dockerfile_findings(source.parsed, extra):
                yield source.loc(line, column), message
    for service in project.services:
        build = service.build
        if build is not None and build.inline is not None:
            where = service.file.key_loc(build.path + ("dockerfile_inline",))
            for line, _, message in _dockerfile_findings(build.inline, extra):
                yield where, f"dockerfile_inline line {line}: {message}"


# -- compose ---------------------------------------------------------------------------


def _compose_findings(project: Project, extra: tuple[str, ...]) -> Found:
    # A YAML anchor shared by several services is one entry in the file: report it once.
    found: dict[Location, tuple[str, list[str]]] = {}
    for service in project.services:
        entries = [(env, False) for env in service.environment]
        if service.build is not None:
            entries += [(arg, True) for arg in service.build.args]
        for env, is_arg in entries:
            value = env.value
            if value is None:
                continue
            verdict = judge(env.name, value, not has_interpolation(value), extra)
            if verdict is None:
                continue
            compose = service.file
            where = compose.loc(env.path) if env.in_list else compose.key_loc(env.path)
            if where in found:
                found[where][1].append(service.name)
            else:
                found[where] = (_compose_message(env, value, verdict, is_arg), [service.name])
    for where, (message, services) in found.items():
        names = ", ".join(f'"{s}"' for s in services)
        if len(services) == 1:
            yield where, f"service {names} {message}"
        else:  # "sets" -> "set", "passes" -> "pass"
            verb, rest = message.split(" ", 1)
            yield (
                where,
                f"services {names} {verb[:-2] if verb.endswith('ses') else verb[:-1]} {rest}",
            )


def _compose_message(env: EnvVar, value: str, verdict: Verdict, is_arg: bool) -> str:
    """The message after 'service "web" '."""
    name = env.name
    if is_arg:
        problem = f'passes build argument "{name}"'
        fix = (
            "build arguments stay in the image history, so use a build secret instead: "
            f'list it under "build.secrets" and read it with "RUN --mount=type=secret,id={name}"'
        )
    else:
        problem = f'sets environment variable "{name}" to'
        separator = "=" if env.in_list else ": "
        fix = (
            f'take it from the environment instead: "{name}{separator}${{{name}}}" with the '
            "value in an untracked .env file, or use a Compose secret (many images read "
            f'"{name}_FILE{separator}/run/secrets/<secret>")'
        )
    if verdict.label is not None:
        return (
            f"{problem} what looks like {verdict.label} {mask(value)}; "
            f"treat it as leaked and rotate it, then {fix}"
        )
    return f"{problem} a hard-coded value {mask(value)}{verdict.hint}; {fix}"


# -- Dockerfiles -----------------------------------------------------------------------


class Assignment(NamedTuple):
    """A name an ENV or ARG gives a value, and where the name is written."""

    name: str
    value: str  # quotes and escapes removed
    literal: bool  # no $VAR / ${VAR} the builder would substitute
    line: int
    column: int


def _refers_to_variables(text: str, start: int, escape: str, *, to_end: bool = False) -> bool:
    """Whether the value written from `text[start:]` (up to the first blank outside
    quotes, or to the end with `to_end`) holds a `$name` or `${...}` the builder
    substitutes: not inside single quotes, not escaped."""
    quote = ""
    index, size = start, len(text)
    while index < size:
        char = text[index]
        if quote == "'":
            if char == "'":
                quote = ""
        elif char == escape and index + 1 < size:
            index += 1
        elif char in "'\"" and quote in ("", char):
            quote = "" if quote else char
        elif char in " \t" and not quote and not to_end:
            return False
        elif char == "$" and index + 1 < size:
            following = text[index + 1]
            if following in "{_" or following.isalpha():
                return True
        index += 1
    return False


def _name_at(instruction: Instruction, name: str, after: tuple[int, int]) -> tuple[int, int]:
    """(line offset, 0-based column) of `name` written as a word, at or after `after`."""
    pattern = re.compile(rf"(?<![^\s]){re.escape(name)}(?=[=\s]|$)")
    lines = instruction.command_lines
    start_line, start_column = after
    for offset in range(start_line, len(lines)):
        text = lines[offset]
        if offset > 0 and text.lstrip().startswith("#"):
            continue
        match = pattern.search(text, start_column if offset == start_line else 0)
        if match:
            return offset, match.start()
    return after


def assignments(instruction: Instruction) -> list[Assignment]:
    """`ENV A=1 B="x y"`, the legacy `ENV A x y`, `ARG A=1 B`: the names given a value,
    as the loader reads the pairs (`Instruction.env_pairs`, `arg_pairs`), each with
    where its name is written and whether its value refers to variables."""
    if instruction.keyword == "ENV":
        pairs: list[tuple[str, str]] = list(instruction.env_pairs)
    elif instruction.keyword == "ARG":
        pairs = [(n, v) for n, v in instruction.arg_pairs if v is not None]
    else:
        return []
    if not pairs:
        return []
    lines = instruction.command_lines
    legacy = instruction.keyword == "ENV" and "=" not in instruction.args.split()[0]
    cursor = (0, instruction.column - 1 + len(instruction.keyword))
    found: list[Assignment] = []
    for name, value in pairs:
        offset, column = _name_at(instruction, name, cursor)
        cursor = (offset, column + len(name))
        text = lines[offset] if offset < len(lines) else ""
        if legacy:
            rest = instruction.args.strip()[len(name) :]
            literal = not _refers_to_variables(rest, 0, instruction.escape, to_end=True)
        else:
            literal = not _refers_to_variables(text, column + len(name) + 1, instruction.escape)
        found.append(Assignment(name, value, literal, instruction.line + offset, column + 1))
    return found


def _dockerfile_findings(
    dockerfile: Dockerfile, extra: tuple[str, ...] = ()
) -> Iterator[tuple[int, int, str]]:
    for instruction in dockerfile.instructions:
        if instruction.keyword not in ("ENV", "ARG"):
            continue
        for item in assignments(instruction):
            verdict = judge(item.name, item.value, item.literal, extra)
            if verdict is not None:
                yield (
                    item.line,
                    item.column,
                    _dockerfile_message(instruction.keyword, item, verdict),
                )


def _dockerfile_message(keyword: str, item: Assignment, verdict: Verdict) -> str:
    name = item.name
    if verdict.label is not None:
        what = (
            f"what looks like {verdict.label} {mask(item.value)}; treat it as leaked and revoke it"
        )
    else:
        what = f"a hard-coded value {mask(item.value)}{verdict.hint}"
    if keyword == "ENV":
        return (
            f'ENV sets "{name}" to {what}; it is stored in every image built from this '
            f'Dockerfile, where "docker inspect" shows it: remove it and set it at run time '
            f'from compose ("environment: {name}: ${{{name}}}") or read it from a Compose secret'
        )
    return (
        f'ARG "{name}" defaults to {what}; build arguments are kept in the image history: '
        f'drop the default and use a build secret ("RUN --mount=type=secret,id={name}")'
    )
