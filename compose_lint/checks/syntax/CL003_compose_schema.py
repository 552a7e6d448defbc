"""CL003 compose-schema: what the Compose Specification's schema refuses, and keys YAML
reads as numbers, booleans or null. An empty file is refused when it is an application's
own file; an empty fragment is a stub layered with -f, which Compose accepts."""

from __future__ import annotations

from compose_lint.findings import Location, Severity
from compose_lint.model import Project
from compose_lint.registry import Found, rule


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
            if project.partial:
                continue  # a stub layered with -f (compose.extras.yaml): Compose accepts it
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
