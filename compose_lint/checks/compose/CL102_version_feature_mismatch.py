"""CL102 version-feature-mismatch: keys that the legacy file format named by
`version:` does not have.

Docker Compose v2 ignores `version:` (CL101 says so). docker-compose 1.x before
1.27 did not: it validated a `version: "3.3"` file against the 3.3 format and
rejected any key that format lacks. The table of which format has which key is
data, in `compose_lint/data/compose_versions.json`, read by `model.versions`.
"""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import ComposeFile, Project, YamlPath
from compose_lint.model.versions import Feature, Table, declared_version, misfits, version_table
from compose_lint.registry import Found, rule

_FIX_VERSIONLESS = "or delete the version line if only Docker Compose v2 runs it"


def _text(version: tuple[int, int]) -> str:
    return f"{version[0]}.{version[1]}"


def _problem(feature: Feature, key: str, declared: tuple[int, int], written: str) -> str | None:
    """The message for `feature` in a file of format `declared`, or None if it fits."""
    name = feature.name.replace("{key}", key)
    if " " not in name:
        name = f'"{name}"'  # a bare key; phrases carry their own quotes
    same_line, other_line = feature.v2, feature.v3
    if declared[0] == 3:
        same_line, other_line = other_line, same_line
    if same_line is not None:
        if declared >= same_line:
            return None
        wanted = _text(same_line)
        what = f"{name} needs file format {wanted}"
        fix = f'set version: "{wanted}", {_FIX_VERSIONLESS}'
    else:
        if other_line is None:
            what = f"{name} is in no versioned file format (Compose Specification only)"
        else:
            dropped = "3.x dropped it, " if feature.removed_in_v3 else ""
            what = (
                f"{name} is not in the {declared[0]}.x file format "
                f"({dropped}{other_line[0]}.x has it from {_text(other_line)})"
            )
        fix = f"{feature.hint}, {_FIX_VERSIONLESS}" if feature.hint else _FIX_VERSIONLESS[3:]
    return (
        f'{what} but the file says version "{written}", so docker-compose 1.x (before 1.27) '
        f"rejects the file; {fix}"
    )


def _check_file(compose: ComposeFile, table: Table) -> Found:
    data = compose.data
    if not isinstance(data, dict) or "version" not in data:
        return
    declared = declared_version(data["version"])
    if declared is None or declared not in table.versions:
        return  # not a legacy format this table describes (3.9+, "1", "latest"...)
    written = str(data["version"]).strip()
    hits: list[tuple[YamlPath, str]] = []
    for path, value, feature in misfits(data, declared):
        if feature.mapping_only and not isinstance(value, dict):
            continue
        message = _problem(feature, str(path[-1]), declared, written)
        if message is not None:
            hits.append((path, message))
    reported: set[YamlPath] = set()
    for path, message in sorted(hits, key=lambda hit: len(hit[0])):
        if any(path[:n] in reported for n in range(1, len(path))):
            continue  # the enclosing key is reported already: one fix covers both
        reported.add(path)
        # one anchor merged into several services gives one finding: the engine
        # reports each (location, message) once
        yield compose.key_loc(path), message


@rule(
    "CL102",
    "version-feature-mismatch",
    Severity.INFO,
    "A key that the file's declared legacy `version` (2.x/3.x) does not support.",
    default_enabled=False,
)
def version_feature_mismatch(project: Project) -> Found:
    table = version_table()
    for compose in project.compose_files:
        yield from _check_file(compose, table)
