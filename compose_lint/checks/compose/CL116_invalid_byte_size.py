"""CL116 invalid-byte-size: a byte size Compose cannot parse.

Literals the schema already rejects are CL003's; this adds values that only go
wrong once interpolated, and literals whose shape passes but whose value
Compose's parser (go-units RAMInBytes) refuses."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.services import facts, once
from compose_lint.model.values import size_problem
from compose_lint.registry import Found, rule


@rule(
    "CL116",
    "invalid-byte-size",
    Severity.ERROR,
    "A byte size (mem_limit, shm_size, memory...) that Compose cannot parse.",
)
def invalid_byte_size(project: Project) -> Found:
    yield from once(_findings(project))


def _findings(project: Project) -> Found:
    for service in project.services:
        for written in facts(project, service).sizes:
            problem = size_problem(written.value)
            if problem is None:
                continue
            yield (
                service.file.loc(written.path),
                f'service "{service.name}": {written.key} {written.shown} is not a byte size '
                f"Compose accepts ({problem}), so it refuses the project; write a number of "
                "bytes with an optional unit b, k, m, g, t or p (kb/kib, mb/mib... also work), "
                "e.g. 512m or 2g",
            )
