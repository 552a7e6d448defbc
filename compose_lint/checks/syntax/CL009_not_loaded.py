"""CL009 not-loaded: a file the project refers to was not read, or the project's model
could not be built.

The loader records these as the project's problems (`boundary`: a reference that
leaves the project tree, or a file that is not a regular file; `load`: a project whose
model could not be built). A value that makes another rule fail (a path longer than
the system allows) is reported under this code by the engine too.
"""

from __future__ import annotations

from compose_lint.findings import Location, Severity
from compose_lint.model import Project
from compose_lint.registry import Found, rule


@rule(
    "CL009",
    "not-loaded",
    Severity.WARNING,
    "A file the project refers to was not read (outside the project tree, or not a regular "
    "file), or the project could not be loaded.",
)
def not_loaded(project: Project) -> Found:
    for problem in project.problems:
        if problem.kind not in ("boundary", "load"):
            continue
        where = problem.where
        if where is None:
            if project.view is not None:
                where = project.view.loc(problem.path)
            else:
                sources = project.sources()
                where = Location(sources[0].display if sources else str(project.directory))
        yield where, problem.message
