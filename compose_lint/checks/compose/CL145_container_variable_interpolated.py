"""CL145 container-variable-interpolated: a `$VAR` in `command:`, `entrypoint:` or a
healthcheck `test:` names a variable the service's own `environment:` sets, and the
project's `.env` does not: Compose replaces it while loading the file (with the
shell's value, usually nothing) before the container's shell ever sees it."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.load import interpolation
from compose_lint.model import Project, Service
from compose_lint.registry import Found, rule

_KEYS = {
    ("command",): "command:",
    ("entrypoint",): "entrypoint:",
    ("healthcheck", "test"): "the healthcheck test:",
}


def _field(service: Service, path: tuple[object, ...]) -> str | None:
    """Which field of `service` a value at `path` (in its compose file) belongs to."""
    rest = path[len(service.path) :] if path[: len(service.path)] == service.path else None
    if rest is None:
        return None
    for prefix, name in _KEYS.items():
        if tuple(rest[: len(prefix)]) == prefix:
            return name
    return None


def _container_only(service: Service) -> set[str]:
    """The variables the service's `environment:` gives the container a value of its
    own: `POSTGRES_USER: ${POSTGRES_USER}` passes the shell's value on, so Compose's
    replacement agrees with the container's and is left out."""
    names = set()
    for env in service.environment:
        if env.value is None:
            continue
        try:
            passed = {ref.name for ref in interpolation.references(env.value)}
        except interpolation.InterpolationError:
            continue
        if env.name not in passed:
            names.add(env.name)
    return names


@rule(
    "CL145",
    "container-variable-interpolated",
    Severity.WARNING,
    "A `$VAR` meant for the container's shell is replaced by Compose while loading the file.",
)
def container_variable_interpolated(project: Project) -> Found:
    by_path = {s.path: s for s in project.services}
    for compose in project.compose_files:
        env = compose.interpolation_env
        for path, text in compose.interpolated():
            if len(path) < 3 or path[0] != "services":
                continue
            service = by_path.get(tuple(path[:2]))
            if service is None:
                continue
            where = _field(service, tuple(path))
            if where is None:
                continue
            container = _container_only(service)
            try:
                found = interpolation.references(text)
            except interpolation.InterpolationError:
                continue  # CL005 reports it
            for ref in found:
                if ref.op or ref.name in env or ref.name not in container:
                    continue
                yield (
                    compose.loc(path),
                    f'${ref.name} in {where} of service "{service.name}" is replaced by Compose '
                    f"when it loads the file, from the shell or .env, where {ref.name} is not set "
                    f"(so it becomes empty), not by the container, whose environment: sets it; "
                    f"write ${ref.name} as $${ref.name} so the container's shell expands it",
                )
