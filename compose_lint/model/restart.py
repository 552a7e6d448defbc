"""The restart policy Compose gives a service's containers, from `restart:` and
`deploy.restart_policy:`.

Compose reads both keys and, when `deploy.restart_policy` is set, uses it in place of
`restart` (the deploy spellings `none` and `any` mapped to the engine's `no` and
`always`); without either the engine's default, `no`, applies. A value that
interpolation leaves unknown, or a `deploy.restart_policy` without `condition` (the
specification says `any`, Compose hands the engine an empty policy), leaves the
policy unknown.

Public names:
  Policy        one written policy: engine name, retry count, where it is written
  Restart       the two keys of one service and the policy in `effect`
  restart_of    the `Restart` of a service
  RESTARTS      engine policies that start a container again after a clean exit
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from compose_lint.model import Service, YamlPath
from compose_lint.model.values import engine_policy, go_atoi, resolved, restart_problem

# engine policies under which a container that exits with status 0 is started again
RESTARTS = frozenset({"always", "unless-stopped"})


class Policy(NamedTuple):
    """One written restart policy."""

    name: str  # the engine's name: no, always, on-failure, unless-stopped
    retries: int | None  # `on-failure:N` or `max_attempts: N`; None when not given
    path: YamlPath  # where the value is written
    written: str  # for messages: 'restart: always', 'deploy.restart_policy.condition: any'


class Restart(NamedTuple):
    """The restart keys of one service."""

    restart: Policy | None  # `restart:`, when set and valid
    deploy: Policy | None  # `deploy.restart_policy.condition`, when set and valid
    # whether each key, when set, could be read (no variable left unknown, a condition
    # given, a valid value)
    restart_known: bool
    deploy_set: bool
    deploy_known: bool

    @property
    def effect(self) -> Policy | None:
        """The policy Compose applies; None when it is unknown or neither key is set
        (the engine's `no`)."""
        if self.deploy_set:
            return self.deploy if self.deploy_known else None
        return self.restart if self.restart_known else None


def _count(raw: Any, env: Mapping[str, str]) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    return go_atoi(resolved(raw, env) or "")


def restart_of(service: Service, env: Mapping[str, str]) -> Restart:
    """The `restart` and `deploy.restart_policy` of `service`, interpolated with `env`."""
    data, here = service.data, service.path
    restart: Policy | None = None
    raw = data.get("restart")
    # `restart: no` unquoted: YAML 1.1 (this loader) reads false, Compose's reader "no"
    value = "no" if raw is False else resolved(raw, env)
    if value == "":
        raw = None  # an empty restart sets nothing
    if raw is not None and value and restart_problem(value) is None:
        name, _, count = value.partition(":")
        policy = engine_policy(name)
        if policy is not None:
            retries = go_atoi(count) if count else None
            restart = Policy(policy, retries, here + ("restart",), f"restart: {value}")
    deploy_policy: Policy | None = None
    deploy = data.get("deploy")
    spec = deploy.get("restart_policy") if isinstance(deploy, dict) else None
    if spec is not None:
        condition = resolved(spec.get("condition"), env) if isinstance(spec, dict) else None
        policy = engine_policy(condition) if condition else None
        if policy is not None and isinstance(spec, dict):
            path = here + ("deploy", "restart_policy", "condition")
            retries = _count(spec.get("max_attempts"), env) if "max_attempts" in spec else None
            written = f"deploy.restart_policy.condition: {condition}"
            deploy_policy = Policy(policy, retries, path, written)
    restart_known = raw is None or restart is not None
    deploy_known = spec is None or deploy_policy is not None
    return Restart(restart, deploy_policy, restart_known, spec is not None, deploy_known)


__all__ = ["RESTARTS", "Policy", "Restart", "restart_of"]
