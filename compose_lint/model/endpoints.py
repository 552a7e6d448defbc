"""Where a service's settings say it connects: `host:port` endpoints in the values of
its `environment:` (`DATABASE_URL=postgres://app@db:5432/shop`, `REDIS=cache:6379`),
for rules about the service network (CL149, CL150).

Public names

- `Endpoint`: `.host`, `.port`, `.env` (the `EnvVar` it is in), `.text` (the value).
- `endpoints(service)`: every endpoint written literally in the service's environment.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from compose_lint.model import EnvVar, Service

# [scheme://][user[:password]@]host:port — the host a name or an IPv4 address
_ENDPOINT = re.compile(
    r"(?:(?<=//)|(?<=@)|(?<=^)|(?<=[\s,;=]))"
    r"(?P<host>[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?):(?P<port>[0-9]{1,5})(?![0-9])"
)


class Endpoint(NamedTuple):
    host: str
    port: int
    env: EnvVar
    text: str


def endpoints(service: Service) -> list[Endpoint]:
    """The literal `host:port` endpoints in `service`'s environment values."""
    found: list[Endpoint] = []
    for env in service.environment:
        value = env.value
        if not value or "$" in value or len(value) > 2048:
            continue
        for match in _ENDPOINT.finditer(value):
            port = int(match["port"])
            if 0 < port < 65536:
                found.append(Endpoint(match["host"], port, env, value))
    return found


__all__ = ["Endpoint", "endpoints"]
