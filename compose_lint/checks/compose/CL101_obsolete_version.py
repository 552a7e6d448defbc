"""CL101 obsolete-version: the top-level `version:` key."""

from __future__ import annotations

from compose_lint.findings import Fix, Severity
from compose_lint.model import Project
from compose_lint.model.edits import delete_top_level_key
from compose_lint.registry import Found, rule


@rule(
    "CL101",
    "obsolete-version",
    Severity.WARNING,
    "The top-level `version` key is obsolete: Compose ignores it.",
)
def obsolete_version(project: Project) -> Found:
    for compose in project.compose_files:
        data = compose.data
        if isinstance(data, dict) and "version" in data:
            version = data["version"]
            if isinstance(version, str):
                why = "Compose ignores it and always applies the latest Compose Specification"
            else:
                why = "Docker Compose v2 even rejects it when it is not a string"
            edit = delete_top_level_key(compose, "version")
            yield (
                compose.key_loc(("version",)),
                f'the top-level "version: {version}" is obsolete: {why}; remove the line',
                Fix('remove the "version:" line', (edit,)) if edit is not None else None,
            )
