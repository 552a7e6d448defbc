"""CL002 duplicate-key: a YAML mapping that repeats a key (the loader records them)."""

from __future__ import annotations

from compose_lint.findings import Location, Severity
from compose_lint.model import Project
from compose_lint.registry import Found, rule


@rule("CL002", "duplicate-key", Severity.ERROR, "A YAML mapping repeats a key.")
def duplicate_key(project: Project) -> Found:
    for compose in project.compose_files:
        if compose.doc is None:
            continue
        for dup in compose.doc.duplicates:
            dotted = ".".join(str(p) for p in dup.path)
            if dup.path[-1:] == ("<<",):
                yield (
                    Location(compose.display, dup.line, dup.column),
                    f'the merge key "<<" is written twice in {dotted[:-3] or "the top level"} '
                    f"(first on line {dup.first_line}), and Compose refuses a repeated key; "
                    'merge every base with one key: "<<: [*first, *second]"',
                )
                continue
            yield (
                Location(compose.display, dup.line, dup.column),
                f'duplicate key "{dotted}" (first set on line {dup.first_line}); '
                "Compose rejects the file: keep one of them",
            )
