"""CL507 healthcheck-tool-missing: a healthcheck runs `curl` or `wget`, and the image
does not contain it.

What an image contains comes from the shipped image facts (data/images.json: which
well-known images have curl, wget and bash, with sources), for the image a service
pulls or the base of the image it builds; a RUN of the built chain that installs the
tool (`apt-get install curl`, `apk add curl`...) or a COPY that brings a file of that
name supplies it. An image the table does not know stays unjudged."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from compose_lint.findings import Location, Severity
from compose_lint.load.dockerfile import Instruction
from compose_lint.model import Project, Service
from compose_lint.model.commands import basename, shell_commands, unwrap
from compose_lint.model.image import ImageFacts, image_facts, image_of
from compose_lint.model.installs import supplies
from compose_lint.model.values import resolved
from compose_lint.registry import Found, rule

TOOLS = ("curl", "wget")
_OPTION = re.compile(r"--\w[\w-]*=\S*\s*")


def _shell_programs(script: str) -> list[str]:
    return [basename(unwrap(c).words[0]) for c in shell_commands(script) if unwrap(c).words]


def _programs(test: Any) -> list[str]:
    """The programs a compose `test:` runs."""
    if isinstance(test, str):
        return _shell_programs(test)
    if not isinstance(test, list) or not test or not all(isinstance(t, str) for t in test):
        return []
    if test[0] == "CMD" and len(test) > 1:
        return [basename(test[1])]
    if test[0] == "CMD-SHELL" and len(test) > 1:
        return _shell_programs(test[1])
    return []


def _instruction_programs(instruction: Instruction) -> list[str]:
    """The programs a HEALTHCHECK instruction runs."""
    text = _OPTION.sub("", instruction.args.strip(), count=0).strip()
    keyword, _, rest = text.partition(" ")
    if keyword.upper() != "CMD":
        return []
    rest = rest.strip()
    if rest.startswith("["):
        try:
            argv = json.loads(rest)
        except ValueError:
            return []
        return (
            [basename(argv[0])]
            if isinstance(argv, list) and argv and isinstance(argv[0], str)
            else []
        )
    return _shell_programs(rest)


def _alternative(facts: ImageFacts, tool: str) -> str:
    other = next((t for t in TOOLS if t != tool and facts.tools.get(t) is True), None)
    if other == "wget":
        return 'or check with the wget it has ("wget -qO- http://localhost:PORT/ || exit 1")'
    if other == "curl":
        return 'or check with the curl it has ("curl -fsS http://localhost:PORT/ || exit 1")'
    return "or check with a program the image has"


def _report(service: Service, facts: ImageFacts, tool: str) -> str:
    built = " (and no step of its build installs it)" if service.build is not None else ""
    return (
        f'the healthcheck of service "{service.name}" runs {tool}, which {facts.reference} '
        f"does not contain{built}: the check fails every "
        f"time, so the service never becomes healthy and whatever waits for it with "
        f"condition: service_healthy never starts; install {tool} in the image, "
        f"{_alternative(facts, tool)}"
    )


def _compose_checks(service: Service) -> Iterator[tuple[list[str], Location]]:
    raw = service.data.get("healthcheck")
    if isinstance(raw, dict) and raw.get("disable") is not True and "test" in raw:
        yield _programs(raw["test"]), service.file.loc(service.path + ("healthcheck", "test"))


@rule(
    "CL507",
    "healthcheck-tool-missing",
    Severity.WARNING,
    "A healthcheck runs curl or wget, which the image does not contain.",
)
def healthcheck_tool_missing(project: Project) -> Found:
    seen: set[tuple[Location, str]] = set()  # a Dockerfile's HEALTHCHECK, once per tool
    for where, tool, message in _findings(project):
        if (where, tool) not in seen:
            seen.add((where, tool))
            yield where, message


def _findings(project: Project) -> Iterator[tuple[Location, str, str]]:
    for service in project.services:
        build = service.build
        if build is None:
            reference = resolved(service.image, project.env) if service.image else None
            facts = image_facts(reference) if reference else None
            if facts is None:
                continue
            for programs, where in _compose_checks(service):
                for tool in TOOLS:
                    if tool in programs and facts.tools.get(tool) is False:
                        yield where, tool, _report(service, facts, tool)
            continue
        image = image_of(build)
        if image is None or image.stage is None or image.root is None:
            continue
        facts = image_facts(image.root)
        if facts is None:
            continue
        checks = list(_compose_checks(service))
        if not checks and isinstance(image.healthcheck, Instruction):
            instruction = image.healthcheck
            source = build.dockerfile
            if source is not None:
                where = source.loc(instruction.line, instruction.column)
                checks = [(_instruction_programs(instruction), where)]
        for programs, where in checks:
            for tool in TOOLS:
                if (
                    tool in programs
                    and facts.tools.get(tool) is False
                    and not supplies(image, tool)
                ):
                    yield where, tool, _report(service, facts, tool)
