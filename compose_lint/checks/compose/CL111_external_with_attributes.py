"""CL111 external-with-attributes: an external volume with attributes Compose refuses
beside `external: true`, or a `name` contradicting the deprecated `external.name`."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import ComposeView, Project
from compose_lint.model.services import section, view
from compose_lint.model.values import is_true, resolved
from compose_lint.registry import Found, rule

# The only keys Compose allows beside `external: true` on a top-level volume.
_EXTERNAL_KEYS = frozenset({"name", "external"})
_RESOURCE_SECTIONS = ("networks", "volumes", "secrets", "configs")


@rule(
    "CL111",
    "external-with-attributes",
    Severity.ERROR,
    "An external volume sets attributes Compose refuses, or a name contradicting external.name.",
)
def external_with_attributes(project: Project) -> Found:
    merged = view(project)
    if merged is None:
        return
    for kind in _RESOURCE_SECTIONS:
        yield from _external_problems(project, merged, kind)


def _external_problems(project: Project, merged: ComposeView, kind: str) -> Found:
    singular = kind[:-1]
    for name, spec in section(project, kind).items():
        if not isinstance(spec, dict):
            continue
        external = spec.get("external")
        # `external: true`, or the legacy mapping form (`external: {name: x}`)
        if not (isinstance(external, dict) or is_true(external, project.env)):
            continue
        if isinstance(external, dict) and "name" in external and "name" in spec:
            legacy = resolved(external["name"], project.env)
            current = resolved(spec["name"], project.env)
            if legacy is not None and current is not None and legacy != current:
                yield (
                    merged.key_loc((kind, name, "external", "name")),
                    f'{singular} "{name}" sets name: "{current}" and the deprecated '
                    f'external.name: "{legacy}", which disagree, so Compose refuses the project: '
                    f'keep only name: "{current}" and write external: true',
                )
        if kind != "volumes":
            continue  # Compose 2.40 ignores other attributes of external networks, secrets...
        for key in spec:
            if key in _EXTERNAL_KEYS or (isinstance(key, str) and key.startswith("x-")):
                continue
            yield (
                merged.key_loc((kind, name, key)),
                f'volume "{name}" is external, so Compose only looks it up by name and refuses '
                f'"{key}" beside it: delete {key}: (set it where the volume is created, e.g. '
                "docker volume create) or drop external: to let Compose create the volume",
            )
