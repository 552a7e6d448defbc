"""CL504 build-path-missing: a build context folder or its Dockerfile does not exist."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from compose_lint.discover import is_dockerfile_name
from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.context import close_names, context_location, list_names
from compose_lint.model.purpose import is_test_data
from compose_lint.model.setup_steps import SETUP_STEPS, setup_step, unfetched_submodule
from compose_lint.registry import Found, rule


def _dockerfile_hint(path: Path) -> str:
    """` (did you mean "x"?)` or ` (that folder has "Dockerfile.dev")` for a missing
    Dockerfile."""
    if not path.parent.is_dir():
        return ""
    close = close_names(path.parent, path.name)
    if close:
        return f' (did you mean "{close[0]}"?)'
    found = sorted(n for n in list_names(path.parent) if is_dockerfile_name(n))
    if not found:
        return ""
    shown = ", ".join(f'"{e}"' for e in found[:3]) + (", ..." if len(found) > 3 else "")
    return f" (that folder has {shown})"


@rule(
    "CL504",
    "build-path-missing",
    Severity.ERROR,
    "A service's build context folder or its Dockerfile does not exist.",
    options={SETUP_STEPS: "bool"},
)
def build_path_missing(project: Project, options: Mapping[str, Any]) -> Found:
    if not project.paths_known():
        return  # a fragment whose paths resolve against an application not known here
    setup_steps = bool(options.get(SETUP_STEPS, False))
    seen: set[object] = set()  # a build several services merge (`<<: *app`): once
    for service in project.services:
        build = service.build
        if build is None or build.remote is not None or build.context is None:
            continue
        compose = service.file
        if is_test_data(compose.display):
            # a compose file in tests/, testdata/, fixtures/: data a test parses, which
            # nobody builds; its build paths need not exist (see rules/CL504.md)
            continue
        raw = service.data.get("build")
        short = isinstance(raw, str)
        spec: dict[str, Any] = raw if isinstance(raw, dict) else {}
        context_loc = context_location(build)
        if project.partial and not short and "context" not in spec:
            continue  # a fragment changing the build (a target): the rest comes from its base
        written = raw if short else spec.get("context", ".")
        relative_to = f"the folder of {posixpath.basename(compose.display)}"
        if context_loc in seen:
            continue
        seen.add(context_loc)
        if not build.context.exists():
            if unfetched_submodule(build.context) is not None:
                continue  # made by "git submodule update --init", a documented step
            step = setup_step(project, build.context)
            if step is not None:
                # vendor/ is git-ignored: "composer install" makes the folder, as documented
                if setup_steps:
                    yield (
                        context_loc,
                        f'build context "{written}" of service "{service.name}" does not exist '
                        f"in this checkout {step.how}; run the step that makes it before "
                        "building",
                        Severity.INFO,
                    )
                continue
            close = close_names(build.context.parent, build.context.name)
            hint = f' (did you mean "{close[0]}"?)' if close else ""
            yield (
                context_loc,
                f'build context "{written}" of service "{service.name}" does not exist{hint}; '
                f"create the folder or fix the path (it is relative to {relative_to})",
            )
            continue
        if not build.context.is_dir():
            yield (
                context_loc,
                f'build context "{written}" of service "{service.name}" is a file, not a folder; '
                "point it at the folder that holds the Dockerfile and the app's files",
            )
            continue
        if build.inline is not None or "dockerfile_inline" in spec:
            continue
        path = build.dockerfile_path
        if path is None or path.is_file() or unfetched_submodule(path) is not None:
            continue
        if project.partial and "dockerfile" not in spec:
            continue  # the base file it joins may name the Dockerfile
        name = spec.get("dockerfile", "Dockerfile")
        if not isinstance(name, str):
            continue
        where = compose.loc(build.path + ("dockerfile",)) if "dockerfile" in spec else context_loc
        if path.is_dir():
            problem = f'"{name}" is a folder, not a Dockerfile'
        elif name.startswith(("/", "..")):
            problem = f'Dockerfile "{name}" (relative to build context "{written}") does not exist'
        else:
            problem = f'build context "{written}" has no "{name}"'
        yield (
            where,
            f'{problem}{_dockerfile_hint(path)}, so service "{service.name}" cannot be built; '
            "create it, or set build.dockerfile to the Dockerfile to use (a path relative to "
            "the context)",
        )
