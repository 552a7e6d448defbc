"""CL148 restart-conflict: `restart` and `deploy.restart_policy` disagree (Compose
applies the deploy one), or a one-shot job another service waits for with
`condition: service_completed_successfully` restarts after it completes."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project, Service
from compose_lint.model.restart import RESTARTS, Policy, restart_of
from compose_lint.model.services import all_references, dig, once
from compose_lint.model.values import resolved
from compose_lint.registry import Found, rule

_DOES = {
    "no": "is never restarted",
    "always": "is restarted whenever it stops",
    "on-failure": "is restarted only when it exits with an error",
    "unless-stopped": "is restarted unless you stop it",
}


def _does(policy: Policy) -> str:
    if policy.name == "on-failure":
        limit = f"at most {policy.retries} times" if policy.retries else "however often it fails"
        return f"{_DOES['on-failure']}, {limit}"
    return _DOES[policy.name]


def _agree(restart: Policy, deploy: Policy) -> bool:
    """Whether the deploy policy does what `restart` says. `unless-stopped` has no
    deploy spelling: `any` (always) is its nearest, and counts as agreeing. A retry
    count only `restart` gives must be the deploy `max_attempts` too."""
    if restart.name != deploy.name and (restart.name, deploy.name) != ("unless-stopped", "always"):
        return False
    return not restart.retries or restart.retries == deploy.retries


@rule(
    "CL148",
    "restart-conflict",
    Severity.WARNING,
    "`restart` disagrees with `deploy.restart_policy`, or a job others wait for restarts.",
)
def restart_conflict(project: Project) -> Found:
    yield from once(_conflicts(project))
    yield from once(_restarting_jobs(project))


def _conflicts(project: Project) -> Found:
    for service in project.services:
        policies = restart_of(service, project.env)
        restart, deploy = policies.restart, policies.deploy
        if restart is None or deploy is None or _agree(restart, deploy):
            continue
        yield (
            service.file.loc(restart.path),
            f'service "{service.name}": {restart.written} has no effect: when both are set '
            f"Compose applies {deploy.written}, so the container {_does(deploy)}; "
            "delete one of them or make them say the same",
        )


def _waits_for_completion(service: Service, target: str, project: Project) -> bool:
    spec = dig(service.data, ("depends_on", target))
    condition = resolved(spec.get("condition"), project.env) if isinstance(spec, dict) else None
    return condition == "service_completed_successfully"


def _restarting_jobs(project: Project) -> Found:
    by_name = {s.name: s for s in project.services}
    waiting: dict[str, list[str]] = {}
    for service, ref in all_references(project):
        if ref.via != "depends_on" or not ref.at_key or ref.target not in by_name:
            continue
        if _waits_for_completion(service, ref.target, project):
            waiting.setdefault(ref.target, []).append(service.name)
    for name, dependants in waiting.items():
        job = by_name[name]
        policy = restart_of(job, project.env).effect
        if policy is None or policy.name not in RESTARTS:
            continue
        names = list(dict.fromkeys(dependants))
        who = " and ".join(f'"{d}"' for d in names)
        waits, starts = ("waits", "starts") if len(names) == 1 else ("wait", "start")
        yield (
            job.file.loc(policy.path),
            f'service "{name}" has {policy.written}, yet {who} {waits} for it to complete '
            "(depends_on condition: service_completed_successfully): Docker starts it again "
            f"each time it exits, so it never counts as completed and {who} never {starts}; "
            'give the one-shot job restart: on-failure (or "no")',
        )
