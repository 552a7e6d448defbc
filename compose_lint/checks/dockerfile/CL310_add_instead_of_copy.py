"""CL310 add-instead-of-copy: ADD copies local files, which is COPY's job."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.load.dockerfile import Instruction
from compose_lint.model import Project
from compose_lint.model.context import instruction_text
from compose_lint.model.imageref import is_archive, is_remote_source
from compose_lint.registry import Found, rule


def _as_copy(instruction: Instruction) -> str:
    """The ADD line rewritten with COPY, trimmed for a message."""
    text = instruction_text(instruction)
    return "COPY" + text[3:] if text[:3].upper() == "ADD" else text


@rule(
    "CL310",
    "add-instead-of-copy",
    Severity.INFO,
    "ADD is used to copy local files or directories; COPY does only that.",
    default_enabled=False,
)
def add_instead_of_copy(project: Project) -> Found:
    for source, dockerfile, _ in project.parsed_dockerfiles():
        for stage in dockerfile.stages:
            for instruction in stage.instructions:
                copy = instruction.copy
                if (
                    instruction.keyword != "ADD"
                    or copy is None
                    or instruction.flag("from") is not None
                ):
                    continue
                files = [w.text for w in copy.files]
                local = [
                    s
                    for s in files
                    if "$" not in s and not is_remote_source(s) and not is_archive(s)
                ]
                if not local:
                    continue
                names = ", ".join(f'"{s}"' for s in local)
                zips = [s for s in local if s.lower().endswith(".zip")]
                note = (
                    " (ADD does not unpack .zip files: they are copied as they are)" if zips else ""
                )
                paths = "path" if len(local) == 1 else "paths"
                fix = (
                    "move them into a COPY of their own"
                    if len(local) < len(files)
                    else f'write "{_as_copy(instruction)}"'
                )
                yield (
                    source.loc(instruction.line, instruction.column),
                    f"ADD copies the local {paths} {names}{note}; use "
                    f"COPY for local files: ADD also fetches URLs and unpacks archives, "
                    f"which hides what the line does; {fix}",
                )
