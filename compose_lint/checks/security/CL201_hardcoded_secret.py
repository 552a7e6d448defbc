"""CL201 hardcoded-secret: a credential written into the project's files.

What counts, and how serious it is, is `model.secrets` (over data/secrets.json): this
rule reports the credential tier of its `scan` (issued tokens and keys anywhere, random-
looking values under a secret name outside local files); CL215 reports the ordinary
literals. No message ever shows the value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.secrets import Tier, assignments, scan, settings_of
from compose_lint.registry import Found, rule

# rule-options: hardcoded-secret: extra-names: ["*_PIN", "LICENSE_KEY"]
EXTRA_NAMES_OPTION = "extra-names"
LOCAL_FILES_OPTION = "local-files"


@rule(
    "CL201",
    "hardcoded-secret",
    Severity.ERROR,
    "A credential (a token, a cloud or private key, a random-looking secret) is written "
    "into the compose file or Dockerfile.",
    sensitive=True,
    options={EXTRA_NAMES_OPTION: "list[str]", LOCAL_FILES_OPTION: "bool"},
)
def hardcoded_secret(project: Project, options: Mapping[str, Any]) -> Found:
    settings = settings_of(options)
    for occurrence in scan(project, settings):
        if occurrence.tier is Tier.CREDENTIAL and not occurrence.env_file:
            yield occurrence.where, occurrence.message


__all__ = ["assignments", "hardcoded_secret"]
