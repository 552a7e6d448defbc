"""CL210 env-file-secret: a credential written in a committed env file.

The env files are the project's `.env` and every service's `env_file:` (templates such
as `.env.example` left out, and a `.env` that .gitignore keeps out of the repository
too: that is where secrets belong). What counts as a credential is `model.secrets`, as
for CL201; the ordinary literals in those files are CL215's. No message shows the value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.secrets import Tier, scan, settings_of
from compose_lint.registry import Found, rule

EXTRA_NAMES_OPTION = "extra-names"
LOCAL_FILES_OPTION = "local-files"


@rule(
    "CL210",
    "env-file-secret",
    Severity.ERROR,
    "A credential (a token, a key, a random-looking secret) is written in a committed env file.",
    sensitive=True,
    options={EXTRA_NAMES_OPTION: "list[str]", LOCAL_FILES_OPTION: "bool"},
)
def env_file_secret(project: Project, options: Mapping[str, Any]) -> Found:
    settings = settings_of(options)
    for occurrence in scan(project, settings):
        if occurrence.tier is Tier.CREDENTIAL and occurrence.env_file:
            yield occurrence.where, occurrence.message
