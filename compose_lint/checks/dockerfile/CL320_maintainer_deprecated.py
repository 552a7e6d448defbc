"""CL320 maintainer-deprecated: MAINTAINER instead of an authors LABEL."""

from __future__ import annotations

from compose_lint.findings import Edit, Fix, Severity
from compose_lint.model import Project
from compose_lint.model.edits import delete_instruction, replace_instruction
from compose_lint.registry import Found, rule

_AUTHORS_LABEL = "org.opencontainers.image.authors"


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def _dockerfile_quote(text: str) -> str:
    """`text` as a double-quoted Dockerfile word (text with backslashes is taken as
    already escaped)."""
    if "\\" in text:
        return f'"{text}"'
    return '"' + text.replace('"', '\\"').replace("$", "\\$") + '"'


@rule(
    "CL320",
    "maintainer-deprecated",
    Severity.WARNING,
    "MAINTAINER is deprecated; name the authors with a LABEL.",
)
def maintainer_deprecated(project: Project) -> Found:
    for source, dockerfile, _ in project.parsed_dockerfiles():
        for stage in dockerfile.stages:
            labels = [
                i
                for i in stage.instructions
                if any(key == _AUTHORS_LABEL for key, _ in i.label_pairs)
            ]
            for instruction in stage.instructions:
                if instruction.keyword != "MAINTAINER":
                    continue
                edit: Edit | None = None
                if labels:
                    fix = (
                        f"remove it: the LABEL on line {labels[0].line} already sets "
                        f"{_AUTHORS_LABEL}"
                    )
                    edit = delete_instruction(source, instruction)
                    title = "remove the MAINTAINER line"
                else:
                    value = (
                        _dockerfile_quote(_unquote(instruction.args))
                        if instruction.args
                        else '"..."'
                    )
                    fix = f"replace it with LABEL {_AUTHORS_LABEL}={value}"
                    label = f"LABEL {_AUTHORS_LABEL}={value}"
                    title = f"replace MAINTAINER with {label}"
                    plain = not any(c in instruction.args for c in '\\$"`')
                    if instruction.args and (dockerfile.escape == "\\" or plain):
                        edit = replace_instruction(source, instruction, label)
                yield (
                    source.loc(instruction.line, instruction.column),
                    "MAINTAINER is deprecated: it only fills the image's legacy Author field, "
                    f"which current tools do not show; {fix}",
                    Fix(title, (edit,)) if edit is not None else None,
                )
