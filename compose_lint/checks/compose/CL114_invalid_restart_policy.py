"""CL114 invalid-restart-policy: `restart` or `deploy.restart_policy` that the engine
refuses (Compose itself accepts it: `docker compose up` fails)."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.services import once
from compose_lint.model.values import engine_policy, go_atoi, resolved, restart_problem, shown
from compose_lint.registry import Found, rule

_UP_ONLY = "docker compose config accepts it, but docker compose up fails to create the container"


@rule(
    "CL114",
    "invalid-restart-policy",
    Severity.ERROR,
    "`restart` or `deploy.restart_policy.condition` is not a policy Docker knows.",
)
def invalid_restart_policy(project: Project) -> Found:
    yield from once(_findings(project))


def _findings(project: Project) -> Found:
    for service in project.services:
        data = service.data
        deploy = data.get("deploy")
        policy = deploy.get("restart_policy") if isinstance(deploy, dict) else None
        if isinstance(policy, dict):
            # Compose lets deploy.restart_policy replace `restart` entirely.
            here = service.path + ("deploy", "restart_policy")
            condition = resolved(policy.get("condition"), project.env)
            attempts = policy.get("max_attempts")
            count = (
                attempts if isinstance(attempts, int) and not isinstance(attempts, bool) else None
            )
            if isinstance(attempts, str):
                count = go_atoi(resolved(attempts, project.env) or "")
            if condition:
                mapped = engine_policy(condition)
                if mapped is None:
                    yield (
                        service.file.loc(here + ("condition",)),
                        f'service "{service.name}": restart_policy condition "{condition}" is '
                        f'not one Compose knows ({_UP_ONLY}); use "none", "on-failure" or "any"',
                    )
                elif count and mapped != "on-failure":
                    yield (
                        service.file.loc(here + ("max_attempts",)),
                        f'service "{service.name}": max_attempts only works with condition '
                        f'"on-failure", and with "{condition}" the engine refuses it ({_UP_ONLY}); '
                        "set condition: on-failure or delete max_attempts",
                    )
            continue
        raw = data.get("restart")
        value = resolved(raw, project.env)
        if not value:
            continue
        problem = restart_problem(value)
        if problem is not None:
            yield (
                service.file.loc(service.path + ("restart",)),
                f'service "{service.name}": restart {shown(raw, value)} is invalid: {problem} '
                f"({_UP_ONLY})",
            )
