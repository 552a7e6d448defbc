"""CL301 eol-base-image: an image names a release past its end of life.

Looks at every image the project pulls (`model.image.project_images`) and judges its
tag against the dated table in `data/eol.json` (`model.eol`). A reference written
with variables is reported once per file: its release comes from ARG defaults or
build args, which one edit changes for every FROM written the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.eol import EOL_DATE_OPTION, Verdict, judge, reference_date
from compose_lint.model.image import project_images
from compose_lint.registry import Found, rule


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
        if verdict is None:
            continue
        if "$" in image.written:
            key = (image.location.path, image.written, image.reference)
            if key in reported:
                continue
            reported.add(key)
        yield image.location, eol_message(image.shown(), verdict)
