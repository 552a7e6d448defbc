"""CL119 required-variable-unset: a `${VAR:?error}` (or `${VAR?error}`) that the
project's .env leaves unsatisfied. Compose evaluates every nested expression,
even a default it does not use, so a reference counts wherever it is nested."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from compose_lint.findings import Severity
from compose_lint.load import interpolation
from compose_lint.model import Project
from compose_lint.registry import Found, rule


def _unmet(text: str, env: Mapping[str, str]) -> Iterator[interpolation.Reference]:
    try:
        found = interpolation.references(text)
    except interpolation.InterpolationError:
        return  # CL005 reports it
    for ref in found:
        value = env.get(ref.name)
        if (ref.op == ":?" and not value) or (ref.op == "?" and value is None):
            yield ref


@rule(
    "CL119",
    "required-variable-unset",
    Severity.INFO,
    "A `${VAR:?error}` variable that the project's .env does not set.",
    default_enabled=False,
)
def required_variable_unset(project: Project) -> Found:
    for compose in project.compose_files:
        env = compose.interpolation_env
        for path, text in compose.interpolated():
            if "${" not in text:
                continue
            for ref in _unmet(text, env):
                empty = ref.op == ":?" and ref.name in env
                state = "sets it to an empty value" if empty else "does not set it"
                need = "set to a non-empty value" if ref.op == ":?" else "set"
                yield (
                    compose.loc(path),
                    f'"${{{ref.name}{ref.op}...}}" requires variable {ref.name}, and the '
                    f"project's .env {state}: Compose refuses to load the project unless "
                    f"{ref.name} is {need} in the shell; add {ref.name}=... to .env, or make "
                    "sure every environment that runs this project exports it",
                )
