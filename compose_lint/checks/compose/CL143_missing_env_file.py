"""CL143 missing-env-file: a service's `env_file:` names a file that does not exist and
is not marked `required: false`, so Compose refuses to start the project.

When the file is a setup step rather than a mistake (`model.setup_steps`: a template
beside it, `.env.prod-sample`, `app.env.example`, or a `.gitignore` that keeps it out
of the repository), it is the repository's intended flow, so it is reported only with
the option `setup-steps` (at info level, saying how to create it). An absolute path
(`/data/app/source/.env`) names a file of the host the project is deployed to, which is
not here to look at: it is not reported."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from compose_lint.findings import Location, Severity
from compose_lint.load.files import stat_kind
from compose_lint.model import Project, Service
from compose_lint.model.setup_steps import SETUP_STEPS, setup_step
from compose_lint.model.values import is_false, resolved
from compose_lint.registry import Found, rule


def _entries(service: Service, env: dict[str, str]) -> list[tuple[tuple[str | int, ...], str]]:
    """(path in the model, the file as written) of each required `env_file` entry."""
    raw = service.data.get("env_file")
    here = service.path + ("env_file",)
    if isinstance(raw, str):
        return [(here, raw)]
    if not isinstance(raw, list):
        return []
    found: list[tuple[tuple[str | int, ...], str]] = []
    for i, item in enumerate(raw):
        if isinstance(item, str):
            found.append((here + (i,), item))
        elif (
            isinstance(item, dict)
            and isinstance(item.get("path"), str)
            and not is_false(item.get("required", True), env)
        ):
            found.append((here + (i, "path"), item["path"]))
    return found


@rule(
    "CL143",
    "missing-env-file",
    Severity.ERROR,
    "An `env_file` names a file that does not exist, so Compose refuses to start.",
    options={SETUP_STEPS: "bool"},
)
def missing_env_file(project: Project, options: Mapping[str, Any]) -> Found:
    setup_steps = bool(options.get(SETUP_STEPS, False))
    missing: dict[Path, tuple[Location, str, list[str]]] = {}  # once per file
    if not project.paths_known():
        return  # a fragment whose paths resolve against an application not known here
    for service in project.services:
        for path, written in _entries(service, project.env):
            text = resolved(written, project.env)
            if not text or "$" in written:
                continue  # depends on a variable: not known here
            if os.path.isabs(text) or text.startswith("~"):
                continue  # a file of the host it deploys to (/data/app/.env): not here to look at
            holder = service.file.file_of(path)
            file = Path(os.path.normpath(holder.base_dir / text))
            if stat_kind(file) != "missing":
                continue
            entry = missing.setdefault(file, (service.file.loc(path), text, []))
            entry[2].append(service.name)
    for file, (where, text, names) in missing.items():
        who = _services(names)
        step = setup_step(project, file)
        if step is not None:
            if not setup_steps:
                continue  # the documented way to start: create it from the template
            yield (
                where,
                f"{who} {'reads' if len(names) == 1 else 'read'} env file {text}, which does not "
                f"exist yet, so Compose refuses to start until it does: a setup step; create it "
                f"{step.how}",
                Severity.INFO,
            )
            continue
        yield (
            where,
            f"{who} {'reads' if len(names) == 1 else 'read'} env file {text}, which does not "
            "exist, so Compose refuses to start the project; create it, correct the path, or make "
            f"it optional (- path: {text} with required: false)",
        )


def _services(names: list[str]) -> str:
    quoted = [f'"{n}"' for n in dict.fromkeys(names)]
    if len(quoted) == 1:
        return f"service {quoted[0]}"
    return "services " + ", ".join(quoted[:-1]) + " and " + quoted[-1]
