"""CL502 copy-source-missing: a COPY/ADD source the build context cannot provide.

Only the stages a build runs are looked at (`build.target`, else the last stage, the
`FROM <stage>` chain below it and the stages it copies or mounts from), with ARG and
ENV values substituted the way the builder does; a source whose value stays unknown,
a glob past the listing caps or a Windows path keeps the rule silent.

Sources missing from the context that one folder above it holds, every one, are one
mistake, reported once where the compose file writes the context: the Dockerfile is
written for that folder (a monorepo's root, as another compose file builds it) and this
build gives it a subfolder. A warning, not an error, when the service also names an
`image:`: Compose uses that image when it finds it and builds only when it does not, and
here the image is plainly made elsewhere; silent when that name takes variables the
project does not set (its caller builds the image, and Compose may never build).

A missing source that a local step makes (`model.setup_steps`: the repository's
`.gitignore` leaves it or a folder above it out, as with the jars `mvn package` writes
into `target/`, or a template of it lies beside it) is the repository's intended
flow: reported only with the option `setup-steps`, at info level, as CL143 does.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from compose_lint.findings import Location, Severity
from compose_lint.load import interpolation
from compose_lint.model import Build, Project
from compose_lint.model.context import (
    BuildContext,
    context_display,
    context_location,
    dockerfile_display,
    dockerfile_location,
    has_wildcards,
    local_builds,
)
from compose_lint.model.image import Step
from compose_lint.model.imageref import is_remote_source
from compose_lint.model.setup_steps import SETUP_STEPS, SetupStep, setup_step
from compose_lint.model.values import resolved
from compose_lint.registry import Found, rule


class _Source(NamedTuple):
    text: str  # ARG/ENV values substituted
    written: str  # as written
    line: int
    column: int


class _Problem(NamedTuple):
    message: str
    step: SetupStep | None = None  # a local step makes the source: not a mistake
    missing: str | None = None  # the context-relative path that is not in the context


def _outside(rel: str) -> bool:
    return rel == ".." or rel.startswith("../")


def _setup_step(project: Project, context: BuildContext, rel: str) -> SetupStep | None:
    """The setup step that makes the missing `rel` of the context, or None."""
    return None if context.root is None else setup_step(project, Path(context.root, rel))


def _made_later(shown: str, where: str, step: SetupStep) -> _Problem:
    if step.template is not None:
        how = f"a setup step: create it {step.how} before building"
    elif step.submodule is not None:
        how = (
            f'it is in the git submodule "{step.submodule}", which this checkout has not '
            'fetched; "git submodule update --init" brings it before building'
        )
    else:
        how = (
            "it is git-ignored, so a local build or setup step makes it (a build tool's "
            "output, a file each checkout creates); the build fails here until that step "
            "has run"
        )
    return _Problem(f"{shown} does not exist yet in {where}: {how}", step)


def _source_problem(
    project: Project, build: Build, context: BuildContext, source: _Source, is_add: bool
) -> _Problem | None:
    """Why this COPY/ADD source breaks the build, or None."""
    text = source.text
    if is_remote_source(text):
        if is_add:
            return None
        return _Problem(
            f'COPY cannot fetch "{text}": it only copies files from the build context; '
            "use ADD for a URL, or download it in a RUN step"
        )
    rel = posixpath.normpath(text.lstrip("/") or ".")
    shown = f'"{text}"' if source.written == text else f'"{source.written}" (= "{text}")'
    where = f'the build context "{context_display(build)}"'
    if _outside(rel):
        return _Problem(
            f"{shown} is outside {where}: COPY and ADD only see files inside the context; "
            "widen build.context to a folder that holds both and adjust the path, "
            "or name the folder in build.additional_contexts and use COPY --from"
        )
    if rel == "." or "\\" in rel or has_wildcards(rel):
        return None  # the whole context, a Windows path, or a glob (judged per instruction)
    if not context.exists(rel):
        step = _setup_step(project, context, rel)
        if step is not None:
            return _made_later(shown, where, step)
        close = context.close_names(rel)
        hint = (
            f' (did you mean "{posixpath.join(posixpath.dirname(rel), close[0])}"?)'
            if close
            else ""
        )
        return _Problem(
            f"{shown} does not exist in {where}{hint}, so the build fails here; "
            "create it or correct the path (it is relative to the context, not to the Dockerfile)",
            missing=rel,
        )
    pattern = context.excluded_by(rel)
    if pattern is None or build.ignore is None:
        return None
    if context.has_exceptions and context.root is not None and (context.root / rel).is_dir():
        return None  # an exception may send part of the folder
    return _Problem(
        f"{shown} is excluded from {where} by {build.ignore.display} line {pattern.line} "
        f'("{pattern.text}"), so the build fails here; '
        f'remove that pattern or add an exception line "!{rel}" after it'
    )


def _glob_problem(
    project: Project, build: Build, context: BuildContext, sources: list[_Source]
) -> tuple[_Source, _Problem] | None:
    """A wildcard source that fails the build: its fixed folder is missing, or every
    source of the instruction is a wildcard and none matches a file that is sent."""
    wildcards = [s for s in sources if has_wildcards(s.text) and "$" not in s.text]
    if not wildcards:
        return None
    where = f'the build context "{context_display(build)}"'
    empty: list[_Source] = []
    later: list[SetupStep | None] = []  # for each of `empty`: a local step makes it
    for source in wildcards:
        rel = posixpath.normpath(source.text.lstrip("/") or ".")
        if _outside(rel):
            continue  # reported by _source_problem
        found = context.glob(rel)
        if found.truncated:
            return None
        if found.missing_dir is not None:
            step = _setup_step(project, context, rel)
            if step is not None:
                return source, _made_later(f'"{source.text}"', where, step)
            return source, _Problem(
                f'"{source.text}": the folder "{found.missing_dir}" does not exist in {where}, '
                "so the build fails here; create it or correct the path"
            )
        if all(context.excluded(m) for m in found.matches):
            empty.append(source)
            later.append(None if found.matches else _setup_step(project, context, rel))
    if empty and len(empty) == len(sources):
        names = ", ".join(f'"{s.text}"' for s in empty)
        if later[0] is not None and all(later):
            return empty[0], _made_later(names, where, later[0])
        return empty[0], _Problem(
            f"{names} matches no file in {where} (after .dockerignore), so this instruction "
            "copies nothing (the classic builder fails on it); fix the pattern or add the files"
        )
    return None


def _step_problems(
    project: Project, build: Build, context: BuildContext, step: Step
) -> Iterator[tuple[Location, _Problem]]:
    instruction = step.instruction
    copy = instruction.copy
    if copy is None or instruction.flag("from") is not None:
        return
    exec_form = instruction.json_args is not None
    resolved: list[_Source] = []
    problems: list[tuple[_Source, _Problem]] = []
    for word in copy.files:
        text: str | None = word.text
        if text is not None and "$" in text:
            text = interpolation.substitute(text, step.env)
        if not text:
            continue
        inside = exec_form and (word.line, word.column) != (instruction.line, instruction.column)
        source = _Source(text, word.text, word.line, word.column + inside)  # past the quote
        resolved.append(source)
        problem = _source_problem(project, build, context, source, instruction.keyword == "ADD")
        if problem is not None:
            problems.append((source, problem))
    if len(resolved) == len(copy.files):
        found = _glob_problem(project, build, context, resolved)
        if found is not None:
            problems.append(found)
    for source, problem in problems:
        yield dockerfile_location(build, source.line, source.column), problem


def _build_findings(
    project: Project,
    build: Build,
    context: BuildContext,
    found: list[tuple[Location, _Problem]],
    setup_steps: bool,
) -> Found:
    """The build's findings. Sources missing from the context that a folder above it
    holds, every one, are one mistake: the Dockerfile is written for that folder (a
    monorepo's root) and this build gives it a subfolder. Reported once, where the
    compose file writes the context."""
    missing = list(dict.fromkeys(p.missing for _, p in found if p.missing is not None))
    wider = context.written_for(missing, project.tree()) if len(missing) > 1 else None
    if wider is not None:
        # as build.context is written: relative to the compose file
        relative = os.path.relpath(wider, build.service.file.path.parent).replace(os.sep, "/")
        listed = ", ".join(f'"{m}"' for m in missing[:3]) + (", ..." if len(missing) > 3 else "")
        service = build.service
        message = (
            f"{len(missing)} of the sources {dockerfile_display(build)} copies ({listed}) do "
            f'not exist in the build context "{context_display(build)}" of service '
            f'"{service.name}", so its build fails; all of them are in "{relative}": '
            "the Dockerfile is written for that context. Set build.context to it (and "
            "build.dockerfile to the Dockerfile's path from there)"
        )
        image = resolved(service.image, project.env) if service.image is not None else None
        if service.image is None:
            yield context_location(build), message
        elif image is not None:
            # Compose looks for the named image first and builds only when it finds none:
            # here the image is plainly made elsewhere, and the build is a fallback. (Named
            # by variables the project leaves to its caller, as a Makefile that builds
            # ci/$PROJECT_NAME:$BUILD_NUMBER first: whether Compose ever builds is unknown.)
            yield (
                context_location(build),
                f"{message}, or drop build: if the service runs the image "
                f'"{image}" built elsewhere (Compose builds only when it finds no such '
                "image)",
                Severity.WARNING,
            )
        found = [(where, p) for where, p in found if p.missing is None]
    for where, problem in found:
        if problem.step is None:
            yield where, problem.message
        elif setup_steps:
            yield where, problem.message, Severity.INFO


@rule(
    "CL502",
    "copy-source-missing",
    Severity.ERROR,
    "A COPY or ADD source is missing from the build context, outside it, or excluded by "
    ".dockerignore.",
    options={SETUP_STEPS: "bool"},
)
def copy_source_missing(project: Project, options: Mapping[str, Any]) -> Found:
    setup_steps = bool(options.get(SETUP_STEPS, False))
    # a Dockerfile built by several services gives the same finding more than once:
    # the engine reports each finding once
    for build, image, built, context in local_builds(project):
        resolver = image.resolver
        found = [
            problem
            for stage in resolver.needed_stages(built)
            for step in resolver.steps(stage)
            if step.stage is stage and step.instruction.keyword in ("COPY", "ADD")
            for problem in _step_problems(project, build, context, step)
        ]
        yield from _build_findings(project, build, context, found, setup_steps)
