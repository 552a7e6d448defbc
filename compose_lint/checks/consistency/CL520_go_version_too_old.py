"""CL520 go-version-too-old: a golang builder image is older than the `go` line of the
go.mod its go commands read, so the build stops (`model.toolchains`)."""

from __future__ import annotations

import re

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.context import dockerfile_location, instruction_where
from compose_lint.model.toolchains import too_old
from compose_lint.registry import Found, rule

_VARIANT_RELEASE = re.compile(r"[\d.]+$")  # alpine3.19 -> alpine: tags follow the newest


@rule(
    "CL520",
    "go-version-too-old",
    Severity.ERROR,
    "A golang builder image is older than the Go release its go.mod asks for.",
)
def go_version_too_old(project: Project) -> Found:
    for found in too_old(project):
        words = found.stage.from_instruction.arguments
        at = words[0] if words else found.stage.from_instruction
        variant = _VARIANT_RELEASE.sub("", found.variant) if found.variant else ""
        suggested = f"golang:{found.need.major}.{found.need.minor}" + (
            f"-{variant}" if variant else ""
        )
        yield (
            dockerfile_location(found.build, at.line, at.column),
            f'{found.gomod} requires Go {found.need} (its "go" line), but this stage builds '
            f"FROM {found.image}, which has Go {found.have}: the official golang images set "
            f"GOTOOLCHAIN=local, so go stops at {instruction_where(found.build, found.run)} "
            f'with "go.mod requires go >= {found.need}" and the build fails; move to '
            f'{suggested} or newer, or add "ENV GOTOOLCHAIN=auto" to the stage to let go '
            "download the toolchain go.mod names while it builds",
        )
