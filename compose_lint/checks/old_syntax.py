"""CL0xx: files that cannot be read, parsed or validated."""

from __future__ import annotations

from collections.abc import Iterator

from compose_lint.findings import Location, Severity
from compose_lint.load import interpolation
from compose_lint.model import Project
from compose_lint.registry import rule

Found = Iterator[tuple[Location, str]]


@rule("CL001", "invalid-yaml", Severity.ERROR, "A compose file is not parseable YAML.")
def invalid_yaml(project: Project) -> Found:
    for compose in project.compose_files:
        if compose.error is not None:
            err = compose.error
            yield Location(compose.display, err.line, err.column), f"{err.message}"


@rule("CL002", "duplicate-key", Severity.ERROR, "A YAML mapping repeats a key.")
def duplicate_key(project: Project) -> Found:
    for compose in project.compose_files:
        if compose.doc is None:
            continue
        for dup in compose.doc.duplicates:
            dotted = ".".join(str(p) for p in dup.path)
            yield (
                Location(compose.display, dup.line, dup.column),
                f'duplicate key "{dotted}" (first set on line {dup.first_line}); '
                "Compose rejects the file: keep one of them",
            )


@rule(
    "CL005",
    "invalid-interpolation",
    Severity.ERROR,
    "A compose value has a malformed ${...} interpolation.",
)
def invalid_interpolation(project: Project) -> Found:
    for compose in project.compose_files:
        for path, text in compose.interpolated():
            problem = interpolation.check(text)
            if problem is not None:
                dotted = ".".join(str(p) for p in path)
                yield compose.loc(path), f"{dotted}: {problem}"


@rule(
    "CL003",
    "compose-schema",
    Severity.ERROR,
    "A compose file breaks the Compose Specification (unknown key, wrong type...).",
)
def compose_schema(project: Project) -> Found:
    from compose_lint.schema import validate

    for compose in project.compose_files:
        if compose.error is not None:
            continue  # CL001 already says why
        if compose.doc is None or compose.data is None:
            yield (
                Location(compose.display, 1, 1),
                "the file is empty; a compose file needs at least a services: mapping",
            )
            continue
        for problem in validate(compose.data):
            loc = compose.key_loc(problem.path) if problem.at_key else compose.loc(problem.path)
            yield loc, problem.message
        for key in compose.doc.nonstring_keys:
            dotted = ".".join(str(p) for p in key.path[:-1]) or "the top level"
            name = key.path[-1]
            yield (
                Location(compose.display, key.line, key.column),
                f"key {name} in {dotted} is read as a {_kind(name)}, not a string, and "
                f'Compose refuses non-string keys; quote it: "{name}"',
            )


def _kind(text: object) -> str:
    """What YAML 1.2 makes of an unquoted key: a number, a boolean or null."""
    lowered = str(text).lower()
    if lowered in ("true", "false"):
        return "boolean"
    if lowered in ("null", "~", ""):
        return "null"
    return "number"


@rule(
    "CL004",
    "invalid-dockerfile",
    Severity.ERROR,
    "A Dockerfile cannot be read or parsed: unknown instruction, no FROM, bad JSON, empty.",
)
def invalid_dockerfile(project: Project) -> Found:
    for source in project.dockerfiles:
        if source.error is not None:
            yield source.loc(source.error.line, source.error.column), source.error.message
        elif source.parsed is not None:
            for line, column, message in source.parsed.problems:
                yield source.loc(line, column), message


@rule(
    "CL006",
    "invalid-dockerignore",
    Severity.WARNING,
    "A .dockerignore cannot be read or has a malformed pattern.",
)
def invalid_dockerignore(project: Project) -> Found:
    for source in project.ignores:
        if source.error is not None:
            yield Location(source.display, 1, 1), source.error.message
        elif source.parsed is not None:
            for line, message in source.parsed.problems:
                yield Location(source.display, line, 1), message


@rule(
    "CL007",
    "unused-suppression",
    Severity.INFO,
    "A `# compose-lint: disable` comment suppresses nothing.",
)
def unused_suppression(project: Project) -> Found:
    """Reported by the filter stage (compose_lint.filter), which alone knows
    which findings each suppression comment silenced; this rule only declares it."""
    return iter(())
