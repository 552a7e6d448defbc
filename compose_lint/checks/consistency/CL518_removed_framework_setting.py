"""CL518 removed-framework-setting: a service sets an environment variable its
framework no longer reads (FLASK_ENV, removed in Flask 2.3), and the requirements its
image installs let pip pick a release that ignores it.

The settings are data (data/framework_removals.json, with sources). The version is
read from what the build installs: a requirements file from the build context that a
`pip install -r` of the built chain reads, or a package named on a `pip install`. An
unpinned package, or one pinned at or above the release that removed the setting, is
reported; a bound that keeps it below, or nothing known, is not."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import NamedTuple

from compose_lint import data
from compose_lint.findings import Location, Severity
from compose_lint.load.files import ReadError, read_text
from compose_lint.model import Build, Project
from compose_lint.model.commands import run_commands
from compose_lint.model.image import image_of
from compose_lint.model.installs import PYTHON, dependency_install
from compose_lint.model.secrets import assignments
from compose_lint.registry import Found, rule

_CLAUSE = re.compile(r"(==|~=|<=|<|>=|>|!=)\s*([0-9][0-9A-Za-z.*+!-]*)")
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$")


class _Setting(NamedTuple):
    variable: str
    framework: str
    package: str
    removed_in: tuple[int, ...]
    instead: str


@cache
def _settings() -> dict[str, _Setting]:
    table = data.load("framework_removals.json")["settings"]
    return {
        item["variable"]: _Setting(
            item["variable"],
            item["framework"],
            item["package"].lower(),
            _version(item["removed_in"]) or (0,),
            item["instead"],
        )
        for item in table
    }


def _version(text: str) -> tuple[int, ...] | None:
    numbers = re.match(r"\d+(?:\.\d+)*", text)
    return tuple(int(n) for n in numbers.group().split(".")) if numbers else None


def _allows(spec: str, removed: tuple[int, ...]) -> bool | None:
    """Whether a requirement `spec` ("", "==2.2.5", ">=2,<3") lets pip install a
    release at or above `removed`; None when it cannot be read."""
    allows = True
    for operator, text in _CLAUSE.findall(spec):
        version = _version(text)
        if version is None:
            return None
        if (
            operator in ("==", "~=", "<=")
            and version < removed
            or operator == "<"
            and version <= removed
        ):
            allows = False
    return allows


def _requirements(build: Build) -> Iterator[str]:
    """The requirement lines the built chain's pip installs read or name."""
    image = image_of(build)
    if image is None or build.context is None:
        return
    for step in image.steps:
        for command in run_commands(step.instruction):
            install = dependency_install(command)
            if install is None or install.ecosystem != PYTHON:
                continue
            if install.named and install.call is not None:
                yield from (o.text for o in install.call.operands if o.text != install.action)
            for manifest in install.manifests:
                if not manifest.endswith(".txt"):
                    continue
                yield from _lines(build.context / Path(manifest).name)


def _lines(path: Path) -> list[str]:
    try:
        return read_text(path).splitlines()
    except (ReadError, OSError, ValueError):
        return []


def _installs(build: Build, package: str, removed: tuple[int, ...]) -> str | None:
    """How the build installs `package` in a release that ignores the setting
    ("unpinned", "2.3.3"...), or None when it does not (or it is not known)."""
    for line in _requirements(build):
        text = line.split("#", 1)[0].split(";", 1)[0].strip()
        match = _NAME.match(text)
        if match is None or match.group(1).lower().replace("_", "-") != package:
            continue
        spec = match.group(3).strip()
        if _allows(spec, removed):
            return spec or "unpinned"
    return None


def _where_set(build: Build, variable: str) -> Iterator[Location]:
    service = build.service
    for env in service.environment:
        if env.name == variable and env.value:
            yield service.file.loc(env.path) if env.in_list else service.file.key_loc(env.path)
    image = image_of(build)
    if image is None or build.dockerfile is None:
        return
    for step in image.steps:
        if step.instruction.keyword == "ENV":
            for assignment in assignments(step.instruction):
                if assignment.name == variable and assignment.value:
                    yield build.dockerfile.loc(assignment.line, assignment.column)


@rule(
    "CL518",
    "removed-framework-setting",
    Severity.WARNING,
    "A service sets a variable its framework no longer reads (FLASK_ENV since Flask 2.3).",
)
def removed_framework_setting(project: Project) -> Found:
    seen: set[Location] = set()
    for build in project.builds():
        for setting in _settings().values():
            places = [w for w in _where_set(build, setting.variable) if w not in seen]
            if not places:
                continue
            how = _installs(build, setting.package, setting.removed_in)
            if how is None:
                continue
            release = ".".join(map(str, setting.removed_in))
            pinned = (
                f"{setting.package} is not pinned, so pip installs the newest release"
                if how == "unpinned"
                else f"the requirement {setting.package}{how} installs such a release"
            )
            for where in places:
                seen.add(where)
                yield (
                    where,
                    f'service "{build.service.name}" sets {setting.variable}, which '
                    f"{setting.framework} {release} and later no longer read ({pinned}): it "
                    f"changes nothing; set {setting.instead}",
                )
