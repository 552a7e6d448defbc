"""CL144 quoted-list-environment: a list-form `environment:` or `build.args:` item
keeps its quote characters (`- KEY="value"` passes `"value"`, quotes included)."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import EnvVar, Project, Service
from compose_lint.model.services import once
from compose_lint.registry import Found, rule


def _quoted(value: str | None) -> str | None:
    """The quote character `value` is wrapped in, or None."""
    if value is None or len(value) < 2:
        return None
    quote = value[0]
    return quote if quote in "\"'" and value[-1] == quote else None


def _entries(service: Service) -> list[tuple[str, EnvVar]]:
    found = [("environment", env) for env in service.environment]
    if service.build is not None:
        found += [("build.args", arg) for arg in service.build.args]
    return found


@rule(
    "CL144",
    "quoted-list-environment",
    Severity.WARNING,
    'A list-form environment item `- KEY="value"` passes the quotes as part of the value.',
)
def quoted_list_environment(project: Project) -> Found:
    yield from once(_findings(project))


def _findings(project: Project) -> Found:
    for service in project.services:
        for where, env in _entries(service):
            quote = _quoted(env.value) if env.in_list else None
            if quote is None:
                continue
            yield (
                service.file.loc(env.path),
                f'service "{service.name}" gets {env.name} with the {quote} characters around '
                f'its value: in a list-form {where} item everything after "=" is the value, '
                f"quotes included; drop them (- {env.name}=value), or quote the whole item "
                f"(- {quote}{env.name}=value{quote})",
            )
