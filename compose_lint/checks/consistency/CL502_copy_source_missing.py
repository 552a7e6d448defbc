"""CL502 copy-source-missing: a COPY/ADD source the build context cannot provide.

Only the stages a build runs are looked at (`build.target`, else the last stage, the
`FROM <stage>` chain below it and the stages it copies or mounts from), with ARG and
ENV values substituted the way the builder does; a source whose value stays unknown,
a glob past the listing caps or a Windows path keeps the rule silent.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import NamedTuple

from compose_lint.findings import Location, Severity
from compose_lint.load import interpolation
from compose_lint.model import Build, Project
from compose_lint.model.context import (
    BuildContext,
    context_display,
    dockerfile_location,
    has_wildcards,
    local_builds,
)
from compose_lint.model.image import Step
from compose_lint.model.imageref import is_remote_source
from compose_lint.registry import Found, rule


class _Source(NamedTuple):
    text: str  # ARG/ENV values substituted
    written: str  # as written
    line: int
    column: int


def _outside(rel: str) -> bool:
    return rel == ".." or rel.startswith("../")


def _source_problem(
    build: Build, context: BuildContext, source: _Source, is_add: bool
) -> str | None:
    """Why this COPY/ADD source breaks the build, or None."""
    text = source.text
    if is_remote_source(text):
        if is_add:
            return None
        return (
            f'COPY cannot fetch "{text}": it only copies files from the build context; '
            "use ADD for a URL, or download it in a RUN step"
        )
    rel = posixpath.normpath(text.lstrip("/") or ".")
    shown = f'"{text}"' if source.written == text else f'"{source.written}" (= "{text}")'
    where = f'the build context "{context_display(build)}"'
    if _outside(rel):
        return (
            f"{shown} is outside {where}: COPY and ADD only see files inside the context; "
            "widen build.context to a folder that holds both and adjust the path, "
            "or name the folder in build.additional_contexts and use COPY --from"
        )
    if rel == "." or "\\" in rel or has_wildcards(rel):
        return None  # the whole context, a Windows path, or a glob (judged per instruction)
    if not context.exists(rel):
        close = context.close_names(rel)
        hint = (
            f' (did you mean "{posixpath.join(posixpath.dirname(rel), close[0])}"?)'
            if close
            else ""
        )
        return (
            f"{shown} does not exist in {where}{hint}, so the build fails here; "
            "create it or correct the path (it is relative to the context, not to the Dockerfile)"
        )
    pattern = context.excluded_by(rel)
    if pattern is None or build.ignore is None:
        return None
    if context.has_exceptions and context.root is not None and (context.root / rel).is_dir():
        return None  # an exception may send part of the folder
    return (
        f"{shown} is excluded from {where} by {build.ignore.display} line {pattern.line} "
        f'("{pattern.text}"), so the build fails here; '
        f'remove that pattern or add an exception line "!{rel}" after it'
    )


def _glob_problem(
    build: Build, context: BuildContext, sources: list[_Source]
) -> tuple[_Source, str] | None:
    """A wildcard source that fails the build: its fixed folder is missing, or every
    source of the instruction is a wildcard and none matches a file that is sent."""
    wildcards = [s for s in sources if has_wildcards(s.text) and "$" not in s.text]
    if not wildcards:
        return None
    where = f'the build context "{context_display(build)}"'
    empty: list[_Source] = []
    for source in wildcards:
        rel = posixpath.normpath(source.text.lstrip("/") or ".")
        if _outside(rel):
            continue  # reported by _source_problem
        found = context.glob(rel)
        if found.truncated:
            return None
        if found.missing_dir is not None:
            return source, (
                f'"{source.text}": the folder "{found.missing_dir}" does not exist in {where}, '
                "so the build fails here; create it or correct the path"
            )
        if all(context.excluded(m) for m in found.matches):
            empty.append(source)
    if empty and len(empty) == len(sources):
        names = ", ".join(f'"{s.text}"' for s in empty)
        return empty[0], (
            f"{names} matches no file in {where} (after .dockerignore), so this instruction "
            "copies nothing (the classic builder fails on it); fix the pattern or add the files"
        )
    return None


def _step_findings(
    build: Build, context: BuildContext, step: Step
) -> Iterator[tuple[Location, str]]:
    instruction = step.instruction
    copy = instruction.copy
    if copy is None or instruction.flag("from") is not None:
        return
    exec_form = instruction.json_args is not None
    resolved: list[_Source] = []
    for word in copy.files:
        text: str | None = word.text
        if text is not None and "$" in text:
            text = interpolation.substitute(text, step.env)
        if not text:
            continue
        inside = exec_form and (word.line, word.column) != (instruction.line, instruction.column)
        source = _Source(text, word.text, word.line, word.column + inside)  # past the quote
        resolved.append(source)
        problem = _source_problem(build, context, source, instruction.keyword == "ADD")
        if problem is not None:
            yield dockerfile_location(build, source.line, source.column), problem
    if len(resolved) == len(copy.files):
        found = _glob_problem(build, context, resolved)
        if found is not None:
            source, problem = found
            yield dockerfile_location(build, source.line, source.column), problem


@rule(
    "CL502",
    "copy-source-missing",
    Severity.ERROR,
    "A COPY or ADD source is missing from the build context, outside it, or excluded by "
    ".dockerignore.",
)
def copy_source_missing(project: Project) -> Found:
    # a Dockerfile built by several services gives the same finding more than once:
    # the engine reports each finding once
    for build, image, built, context in local_builds(project):
        resolver = image.resolver
        for stage in resolver.needed_stages(built):
            for step in resolver.steps(stage):
                if step.stage is not stage or step.instruction.keyword not in ("COPY", "ADD"):
                    continue
                yield from _step_findings(build, context, step)
