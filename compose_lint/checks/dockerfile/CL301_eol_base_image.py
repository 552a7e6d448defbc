"""CL301 eol-base-image: an image names a release past its end of life.

Looks at every image the project pulls (`model.image.project_images`) and judges its
tag against the dated table in `data/eol.json` (`model.eol`). A reference written
with variables is reported once per file: its release comes from ARG defaults or
build args, which one edit changes for every FROM written the same way. A service
of a file for local use named after the release it runs (`mariadb-10-5-5` on
`mariadb:10.5.5`) is left alone: a matrix of releases that a test setup runs on purpose.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.eol import EOL_DATE_OPTION, Verdict, judge, reference_date
from compose_lint.model.image import ProjectImage, project_images
from compose_lint.model.imageref import parse_image
from compose_lint.model.purpose import service_use
from compose_lint.registry import Found, rule

_RELEASE = re.compile(r"\d+(?:\.\d+)*")
_NUMBERS = re.compile(r"\d+")


def _kept_on_purpose(image: ProjectImage) -> bool:
    """A service of a file for local use named after the release it runs
    (`mariadb-10-5-5` on `mariadb:10.5.5`): one of a matrix of releases that a test or
    development setup runs side by side, old ones included on purpose."""
    service = image.service
    if service is None or service_use(service) is None:
        return False
    ref = parse_image(image.reference)
    release = _RELEASE.match(ref.tag or "") if ref is not None else None
    named = ".".join(_NUMBERS.findall(service.name))
    return release is not None and named == release.group(0)


def eol_message(reference: str, verdict: Verdict) -> str:
    first, *rest = verdict.ended
    facts = f"{first.label} reached end of life {first.when}"
    if rest:
        others = [f"{cycle.label} {cycle.when}" for cycle in rest]
        facts += ", " * (len(others) > 1) + ", ".join(others[:-1]) + " and " + others[-1]
    fix = (
        f"move to a supported tag such as {verdict.suggestion}"
        if verdict.suggestion
        else "move to a supported release"
    )
    return f"{reference}: {facts}; {fix}"


@rule(
    "CL301",
    "eol-base-image",
    Severity.WARNING,
    "An image is a release past its end of life (Python 3.8, Node 16, Debian buster...).",
    options={EOL_DATE_OPTION: "date"},
)
def eol_base_image(project: Project, options: Mapping[str, Any]) -> Found:
    today = reference_date(options)
    # Two FROMs written alike with variables (`FROM php:${PHP_VERSION}-apache` twice)
    # take their release from the same ARG defaults: one edit, reported once.
    reported: set[tuple[str, str, str]] = set()
    for image in project_images(project):
        verdict = judge(image.reference, today)
        if verdict is None or _kept_on_purpose(image):
            continue
        if "$" in image.written:
            key = (image.location.path, image.written, image.reference)
            if key in reported:
                continue
            reported.add(key)
        yield image.location, eol_message(image.shown(), verdict)
