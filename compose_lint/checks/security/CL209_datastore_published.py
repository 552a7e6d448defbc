"""CL209 datastore-published: a database, cache or broker publishes a port on every
interface of the host (`"5432:5432"`, `"0.0.0.0:6379:6379"`).

What the image is comes from `model.imageref.datastore` (data/datastores.json), for a
pulled `image:` or the base image a build starts from; where a port binds from
`model.values.every_interface` (a host address, 127.0.0.1 or `::1`, is left alone); a
host side written with variables is read interpolated (`ServiceFacts.host_ports`: the
default of `${SQL_PORT:-127.0.0.1:13306}` binds loopback), and left alone when no value
is known. Nothing when the service publishes nothing
(`ServiceFacts.publishes`: host network, another container's network), nor in a file
for development or tests, unless the store is set to need no password
(`POSTGRES_HOST_AUTH_METHOD=trust`): then anyone on the network gets in.
"""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Port, Project, Service
from compose_lint.model.image import image_of
from compose_lint.model.imageref import datastore, passwordless
from compose_lint.model.purpose import written_use
from compose_lint.model.services import facts, once
from compose_lint.model.values import every_interface
from compose_lint.registry import Found, rule


def _reference(service: Service) -> str | None:
    """The image the service runs: its `image:`, or what its build starts FROM."""
    if service.build is None:
        return service.image
    image = image_of(service.build)
    return image.root if image is not None else None


def _written(port: Port) -> str:
    if port.published is None:
        return str(port.target)
    return f"{port.published}:{port.target}"


@rule(
    "CL209",
    "datastore-published",
    Severity.WARNING,
    "A database, cache or broker publishes its port on every interface of the host.",
)
def datastore_published(project: Project) -> Found:
    yield from once(_findings(project))


def _findings(project: Project) -> Found:
    for service in project.services:
        store = datastore(_reference(service))
        if store is None or not facts(project, service).publishes:
            continue
        # without a password, the store is open to the network in a development file too
        open_with = passwordless((e.name, e.value) for e in service.environment)
        for port in service.ports:
            if "$" in f"{port.published}{port.host_ip}":
                # "${SQL_PORT:-127.0.0.1:13306}:3306": the value may carry the address
                interpolated = dict(facts(project, service).host_ports)
                side = interpolated.get(port)
                if side is None or not any(address is None for _, address in side.binds):
                    continue
            elif every_interface(port.host_ip) is not True:
                continue
            if open_with is None and written_use(service, port.path):
                continue
            host = f"127.0.0.1:{_written(port)}"
            reach = (
                f"where anyone who reaches the host gets in without a password ({open_with})"
                if open_with
                else "where anyone who reaches the host can try to log in"
            )
            yield (
                service.file.loc(port.path),
                f'service "{service.name}" publishes port {port.target} of its '
                f"{store.what} on every interface of the host, {reach} "
                "(published ports also pass host firewalls "
                f'such as ufw); bind it to the loopback address ("{host}") if only this '
                'host needs it, or remove "ports:" if only the project\'s services use it '
                f'(they reach it as "{service.name}:{port.target}")',
            )
