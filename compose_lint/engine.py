"""Run rules over the projects found under some paths."""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from compose_lint.discover import compose_files_above, discover
from compose_lint.findings import Finding
from compose_lint.model import Project
from compose_lint.project import Loader
from compose_lint.registry import Rule


@dataclass
class Result:
    findings: list[Finding] = field(default_factory=list)
    files: set[str] = field(default_factory=set)  # every file that was linted
    missing: list[str] = field(default_factory=list)  # paths that do not exist
    crashes: list[str] = field(default_factory=list)  # internal errors, one line each


def collect_projects(paths: Sequence[str], loader: Loader) -> tuple[list[Project], list[str]]:
    """The projects to lint: one per compose file, plus the projects that build a
    Dockerfile or .dockerignore named on the command line (or, when none does,
    that file on its own)."""
    targets = discover(list(paths))
    projects: dict[Path, Project] = {}
    for path in targets.compose_files:
        projects[path] = loader.compose_project(path)
    for path in targets.dockerfiles + targets.ignore_files:
        owners = []
        for compose_path in compose_files_above(path):
            project = projects.get(compose_path) or loader.compose_project(compose_path)
            uses = [
                b
                for b in project.builds()
                if (b.dockerfile is not None and b.dockerfile.path == path)
                or (b.ignore is not None and b.ignore.path == path)
            ]
            if uses:
                owners.append(project)
                projects[compose_path] = project
        if not owners:
            if path in targets.dockerfiles:
                projects[path] = loader.dockerfile_project(path)
            else:
                projects[path] = Project(directory=path.parent, ignores=[loader.ignore_file(path)])
    return list(projects.values()), targets.missing


def run(
    paths: Sequence[str], rules: Sequence[Rule], cwd: Path | None = None, debug: bool = False
) -> Result:
    loader = Loader(cwd or Path.cwd())
    projects, missing = collect_projects(paths, loader)
    result = Result(missing=missing)
    seen: set[Finding] = set()
    for project in projects:
        result.files.update(f.display for f in project.compose_files)
        result.files.update(d.display for d in project.dockerfiles)
        result.files.update(i.display for i in project.ignores)
        for r in rules:
            try:
                for location, message in r.check(project):
                    finding = Finding(r.code, r.name, r.severity, location, message)
                    if finding not in seen:
                        seen.add(finding)
                        result.findings.append(finding)
            except Exception as exc:  # a bug in a rule must not hide the others
                where = (
                    project.compose_files[0].display if project.compose_files else project.directory
                )
                detail = traceback.format_exc() if debug else f"{type(exc).__name__}: {exc}"
                result.crashes.append(f"internal error in {r.code} ({r.name}) on {where}: {detail}")
    result.findings.sort(key=Finding.sort_key)
    return result
