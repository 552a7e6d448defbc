"""CL519 misplaced-dockerignore: a `.dockerignore` beside the Dockerfile while the
build context is another folder, so the build never reads it."""

from __future__ import annotations

import posixpath
from pathlib import Path

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.context import context_display, misplaced_ignore
from compose_lint.registry import Found, rule


@rule(
    "CL519",
    "misplaced-dockerignore",
    Severity.WARNING,
    "A .dockerignore sits beside the Dockerfile, but the build context is another folder.",
)
def misplaced_dockerignore(project: Project) -> Found:
    seen: set[Path] = set()
    for build in project.builds():
        beside = misplaced_ignore(project, build)
        if beside is None or beside in seen or build.dockerfile is None:
            continue
        seen.add(beside)
        context = context_display(build)
        name = build.dockerfile.path.name
        shown = posixpath.join(posixpath.dirname(build.dockerfile.display), ".dockerignore")
        yield (
            build.service.file.loc(build.path),
            f'service "{build.service.name}" builds with context "{context}", so Docker never '
            f"reads {shown} beside its Dockerfile: only the context's own .dockerignore or a "
            f'"{name}.dockerignore" beside the Dockerfile apply; move it to the context root '
            f"or rename it {name}.dockerignore (its patterns are then relative to the context)",
        )
