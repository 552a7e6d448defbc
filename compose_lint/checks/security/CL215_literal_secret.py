"""CL215 literal-secret: a secret-named variable set to an ordinary literal.

The second tier of `model.secrets.scan`: a password or key typed into the file (not
a credential format, not random-looking, not a placeholder), which every copy of the
file shares. Placeholders, well-known defaults and local files are left out unless
the options ask for them. No message ever shows the value.
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
PLACEHOLDERS_OPTION = "placeholders"


@rule(
    "CL215",
    "literal-secret",
    Severity.WARNING,
    "A password or key is written into the compose file or Dockerfile as a literal.",
    sensitive=True,
    default_enabled=False,
    options={
        EXTRA_NAMES_OPTION: "list[str]",
        LOCAL_FILES_OPTION: "bool",
        PLACEHOLDERS_OPTION: "bool",
    },
)
def literal_secret(project: Project, options: Mapping[str, Any]) -> Found:
    settings = settings_of(options)
    for occurrence in scan(project, settings):
        if occurrence.tier is Tier.LITERAL:
            yield occurrence.where, occurrence.message
