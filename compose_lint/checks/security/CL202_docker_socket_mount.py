"""CL202 docker-socket-mount: a service bind-mounts the Docker daemon's socket.

The mounts are `ServiceFacts.mounts` (short and long syntax, `model.values.Mount`);
the sockets of container engines are data/host_access.json. A bind mount of the
folder that holds a socket (`/var/run:/var/run`) hands it over as well; the host's
root folder is CL207's. A socket proxy (data/host_access.json `socket_proxies`), the
alternative this rule recommends, and a container manager whose job needs the whole
API (`container_managers`: function executors, cAdvisor, Portainer) hold the socket
by design and are left alone, as are
files plainly for local use (`model.purpose.written_use`). Read-only does not help:
`:ro` stops writes to the socket file, not the API requests sent over it.
"""

from __future__ import annotations

import posixpath
from functools import cache

from compose_lint import data
from compose_lint.findings import Severity
from compose_lint.load import interpolation
from compose_lint.model import Project, Service
from compose_lint.model.imageref import parse_image
from compose_lint.model.purpose import written_use
from compose_lint.model.services import facts, once
from compose_lint.registry import Found, rule


@cache
def _sockets() -> dict[str, str]:
    """Host path -> the socket it hands over (the socket itself, or a folder above it)."""
    found: dict[str, str] = {}
    for socket in data.load("host_access.json")["engine_sockets"]:
        path = str(socket)
        while path != "/":
            found.setdefault(path, str(socket))
            path = posixpath.dirname(path)
    return found


@cache
def _proxies() -> frozenset[str]:
    table = data.load("host_access.json")
    return frozenset(str(r) for r in (*table["socket_proxies"], *table["container_managers"]))


def _is_proxy(service: Service) -> bool:
    """The service runs a socket proxy or a container manager (a function executor,
    cAdvisor, Portainer): holding the socket is its whole job."""
    written = service.image if service.build is None else None
    # interpolated: `tecnativa/docker-socket-proxy:${TAG:-latest}` is the proxy whatever
    # its tag (an unknown variable stands for some tag)
    env = service.file.interpolation_env
    text = interpolation.substitute(written, env, unknown="x") if written else None
    image = parse_image(text) if text else None
    return image is not None and (
        image.short_name in _proxies() or image.repository.lower() in _proxies()
    )


@rule(
    "CL202",
    "docker-socket-mount",
    Severity.INFO,
    "A service mounts the Docker daemon's socket, which gives it control of the host.",
)
def docker_socket_mount(project: Project) -> Found:
    yield from once(_findings(project))


def _findings(project: Project) -> Found:
    sockets = _sockets()
    for service in project.services:
        if _is_proxy(service):
            continue
        for mount in facts(project, service).mounts:
            host = mount.host_path
            socket = sockets.get(host) if host is not None else None
            if socket is None or written_use(service, mount.path) is not None:
                continue
            what = (
                f"the Docker socket {socket}" if host == socket else f"{host}, which holds {socket}"
            )
            if "docker" not in socket:
                what = what.replace("the Docker socket", "the container engine's socket")
            ro = " (read-only does not help: it stops writes to the file, not API calls)"
            yield (
                service.file.loc(mount.path),
                f'service "{service.name}" mounts {what}{ro if mount.read_only else ""}: '
                "whoever controls this container can start a privileged container and so "
                "control the host as root; if it only needs to read container state, give it "
                "a socket proxy that allows just those API calls (a docker-socket-proxy "
                "service on an internal network) instead of the socket",
            )
