"""CL324 invalid-expose-port: an EXPOSE word Docker refuses (a port above 65535, a
reversed range, an unknown protocol, a host mapping, a bare variable name).

A word holding `$` is left alone: its value is only known at build time."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.values import expose_problem
from compose_lint.registry import Found, rule


@rule(
    "CL324",
    "invalid-expose-port",
    Severity.ERROR,
    "EXPOSE names a port outside 0-65535, an unknown protocol or something that is no port.",
)
def invalid_expose_port(project: Project) -> Found:
    for source, dockerfile, _ in project.parsed_dockerfiles():
        for stage in dockerfile.stages:
            variables: dict[str, int] = {}  # ARG and ENV names the stage declares -> line
            for instruction in stage.instructions:
                pairs = instruction.arg_pairs or instruction.env_pairs
                for name, _ in pairs:
                    if name.isidentifier():
                        variables.setdefault(name, instruction.line)
                if instruction.keyword != "EXPOSE":
                    continue
                for word in instruction.arguments:
                    problem = expose_problem(word.raw, variables)
                    if problem is not None:
                        yield source.loc(word.line, word.column), problem
