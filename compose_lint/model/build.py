"""What a compose `build:` asks of the Dockerfile it builds, as the rules read it.

`build.target` as written and as Compose interpolates it, the stage names as the FROM
lines write them (the parsed Dockerfile keeps them lower-cased) and the one way rules
suggest a name the user probably meant.
"""

from __future__ import annotations

from typing import NamedTuple

from compose_lint.load import interpolation
from compose_lint.load.dockerfile import Stage
from compose_lint.model import Service


class Target(NamedTuple):
    """`build.target` of a service."""

    written: str  # as written in the compose file
    value: str | None  # as Compose interpolates it; None when that is not known


def build_target(service: Service) -> Target | None:
    """The service's `build.target`; None when there is none (absent, empty or false).
    Its `value` is None when interpolation leaves it unknown or empty, or when it is not
    a scalar (a list, `true`)."""
    spec = service.data.get("build")
    raw = spec.get("target") if isinstance(spec, dict) else None
    if isinstance(raw, (str, int, float)) and not isinstance(raw, bool):
        written = str(raw)
        value = interpolation.substitute(written, service.file.interpolation_env)
        if value:
            return Target(written, value)
    return Target(str(raw), None) if raw else None


def written_stage_name(stage: Stage) -> str:
    """The stage name as the FROM line writes it (`Runtime`, where the model keeps
    `runtime`); "" for an unnamed stage."""
    words = stage.from_instruction.args.split()
    if stage.name and len(words) >= 3 and words[-2].lower() == "as":
        return words[-1]
    return stage.name or ""


def closest_name(name: str, candidates: list[str], cutoff: float = 0.75) -> str | None:
    """The candidate `name` most likely misspells (any letter case): the same name in
    another case, else a close spelling, else the only one that it starts or that
    starts it."""
    lowered = {c.lower(): c for c in candidates}
    key = name.lower()
    if key in lowered:
        return lowered[key]
    import difflib  # only when a name is misspelt

    match = difflib.get_close_matches(key, list(lowered), n=1, cutoff=cutoff)
    if match:
        return lowered[match[0]]
    prefixed = [c for c in lowered if c.startswith(key) or key.startswith(c)]
    return lowered[prefixed[0]] if len(prefixed) == 1 else None


__all__ = ["Target", "build_target", "closest_name", "written_stage_name"]
