"""CL133 scale-replicas-mismatch: `scale` and `deploy.replicas` set to different values."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.values import count
from compose_lint.registry import Found, rule


@rule(
    "CL133",
    "scale-replicas-mismatch",
    Severity.ERROR,
    "`scale` and `deploy.replicas` are both set, to different values.",
)
def scale_replicas_mismatch(project: Project) -> Found:
    for service in project.services:
        deploy = service.data.get("deploy")
        if "scale" not in service.data or not isinstance(deploy, dict):
            continue
        if "replicas" not in deploy:
            continue
        scale = count(service.data["scale"], project.env)
        replicas = count(deploy["replicas"], project.env)
        if scale is None or replicas is None or scale == replicas:
            continue
        yield (
            service.file.loc(service.path + ("scale",)),
            f'service "{service.name}" sets scale: {scale} and deploy.replicas: {replicas}; '
            "Compose refuses distinct values: keep one of them (deploy.replicas is the "
            "portable one)",
        )
