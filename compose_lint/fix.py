"""Applying the fixes rules offer: `--fix`, `--diff`, `--show-fixes`.

A round takes the findings' fixes in report order and keeps each one whose edits
touch no text an earlier fix of the round already edits; the others wait for the next
round, which lints the edited text again (in memory: the loader reads it in place of
the file) and so sees the positions as they now are. A few rounds settle every
conflict; applying is idempotent because a fixed finding is not reported again.

Edits are made on the text the loader read, at the positions it reported, and change
nothing else: no YAML is dumped again, so comments, key order, quoting, anchors,
indentation and line endings stay as written. A file is written once, at the end:
to a temporary file beside it, then renamed over it (its mode kept); never when its
bytes changed since they were read, never through a link leading out of the project
tree, and never a file whose line breaks the loaders would count differently (a lone
CR, NEL, or a Unicode line separator). A new file (a `.dockerignore`) is created only
where none exists.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from compose_lint.engine import Options, Result, run
from compose_lint.findings import Edit, Finding, Fix
from compose_lint.load.files import Boundary, ReadError, normalize, read_bytes, real

MAX_ROUNDS = 4
_BREAK = re.compile(r"\r\n|\n")
# line breaks on which the YAML and Dockerfile loaders could number lines differently
_AMBIGUOUS = re.compile("\r(?!\n)|[\x85\u2028\u2029]")
_BOM = b"\xef\xbb\xbf"


@dataclass
class Outcome:
    """What fixing found and did."""

    result: Result  # the last lint: what remains (after writing, for --fix)
    applied: list[Finding] = field(default_factory=list)  # findings whose fix was applied
    originals: dict[str, str] = field(default_factory=dict)  # path -> text before fixing
    texts: dict[str, str] = field(default_factory=dict)  # path -> text after fixing
    created: dict[str, str] = field(default_factory=dict)  # new files: path -> content
    refused: list[str] = field(default_factory=list)  # files not written, and why
    boundaries: dict[str, Boundary] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.created) or any(self.texts[p] != self.originals[p] for p in self.texts)


def wanted(fix: Fix | None, unsafe: bool) -> bool:
    """Does `--fix` (with `--unsafe-fixes`: `unsafe`) apply this fix?"""
    return fix is not None and (fix.safe or unsafe)


# -- positions ------------------------------------------------------------------------


def _line_starts(text: str) -> list[tuple[int, int]]:
    """(offset where each line starts, offset where its content ends)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BREAK.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def _offset(spans: list[tuple[int, int]], line: int, column: int) -> int | None:
    if line == len(spans) + 1 and column == 1:
        return spans[-1][1]  # the end of the file
    if not 1 <= line <= len(spans) or column < 1:
        return None
    start, end = spans[line - 1]
    offset = start + column - 1
    return offset if offset <= end else None


def line_ending(text: str) -> str:
    """The file's line ending: CRLF when its first line ends so, else LF."""
    match = _BREAK.search(text)
    return match.group() if match else "\n"


def span(text: str, edit: Edit) -> tuple[int, int] | None:
    """The character range an edit replaces in `text`; None when its positions are not
    in the text (the edit is then dropped, never guessed)."""
    spans = _line_starts(text)
    start = _offset(spans, edit.line, edit.column)
    end = _offset(spans, edit.end_line, edit.end_column)
    if start is None or end is None or end < start:
        return None
    return start, end


def _apply(text: str, edits: Iterable[tuple[int, int, str]]) -> str:
    ending = line_ending(text)
    out: list[str] = []
    last = 0
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1])):
        out.append(text[last:start])
        out.append(replacement.replace("\n", ending) if ending != "\n" else replacement)
        last = end
    out.append(text[last:])
    return "".join(out)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Two ranges that overlap or touch: their order would be a guess."""
    return a[0] <= b[1] and b[0] <= a[1]


# -- rounds ---------------------------------------------------------------------------


@dataclass
class _Round:
    texts: dict[str, str]  # path -> edited text
    created: dict[str, str]
    applied: list[Finding]


def plan(
    findings: Sequence[Finding],
    texts: dict[str, str],
    unsafe: bool,
    exists: Callable[[str], bool] | None = None,
    created: Iterable[str] = (),
) -> _Round:
    """One round: the fixes of `findings` that do not conflict, applied to `texts`
    (path -> text as read). `exists(path)` tells whether a file to create exists;
    `created`, the files earlier rounds create."""
    exists_fn = exists or (lambda _path: False)
    taken: dict[str, list[tuple[int, int]]] = {}
    edits: dict[str, list[tuple[int, int, str]]] = {}
    new_files: dict[str, str] = {}
    applied: list[Finding] = []
    skip_create = set(created)
    for finding in findings:
        fix = finding.fix
        if fix is None or not wanted(fix, unsafe):
            continue
        chosen: list[tuple[str, int, int, str]] = []
        ok = True
        for edit in fix.edits:
            if edit.create:
                if (
                    edit.path in texts
                    or edit.path in new_files
                    or edit.path in skip_create
                    or exists_fn(edit.path)
                ):
                    ok = False
                    break
                chosen.append((edit.path, -1, -1, edit.text))
                continue
            text = texts.get(edit.path)
            if text is None or _AMBIGUOUS.search(text):
                ok = False
                break
            where = span(text, edit)
            if where is None or any(_overlaps(where, t) for t in taken.get(edit.path, ())):
                ok = False
                break
            if any(p == edit.path and _overlaps(where, (s, e)) for p, s, e, _ in chosen):
                ok = False
                break
            chosen.append((edit.path, where[0], where[1], edit.text))
        if not ok or not chosen:
            continue
        for path, start, end, replacement in chosen:
            if start < 0:
                new_files[path] = replacement
            else:
                taken.setdefault(path, []).append((start, end))
                edits.setdefault(path, []).append((start, end, replacement))
        applied.append(finding)
    return _Round({p: _apply(texts[p], e) for p, e in edits.items()}, new_files, applied)


def fix_project(
    paths: Sequence[str],
    options: Options,
    cwd: Path,
    *,
    unsafe: bool = False,
    rounds: int = MAX_ROUNDS,
) -> Outcome:
    """Lint, apply the wanted fixes in memory round by round, linting again after
    each. Nothing is written (see `write`)."""
    result = run(paths, options, cwd)
    outcome = Outcome(result)

    def exists(path: str) -> bool:
        return os.path.lexists(normalize(cwd / path))

    for _ in range(rounds):
        texts = {**result.texts, **outcome.texts}
        step = plan(result.findings, texts, unsafe, exists, outcome.created)
        if not step.applied:
            break
        for path, text in step.texts.items():
            outcome.originals.setdefault(path, texts[path])
            outcome.texts[path] = text
        outcome.created.update(step.created)
        outcome.applied.extend(step.applied)
        for f in step.applied:
            assert f.fix is not None
            outcome.boundaries.update(
                (p, result.boundaries[p]) for p in f.fix.paths if p in result.boundaries
            )
        buffers = tuple((path, text) for path, text in outcome.texts.items())
        result = run(paths, options._replace(buffers=buffers), cwd)
        outcome.result = result
    return outcome


# -- output ---------------------------------------------------------------------------


def diff(outcome: Outcome) -> str:
    """A unified diff of every change, file by file (new files against /dev/null)."""
    out: list[str] = []
    for path in sorted({*outcome.texts, *outcome.created}):
        if path in outcome.created:
            before, after, old = "", outcome.created[path], "/dev/null"
        else:
            before, after, old = outcome.originals[path], outcome.texts[path], f"a/{path}"
        if before == after:
            continue
        lines = difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=old,
            tofile=f"b/{path}",
        )
        for line in lines:
            out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


# -- writing --------------------------------------------------------------------------


def write(outcome: Outcome, cwd: Path) -> list[str]:
    """Write every changed file and create the new ones; the paths written. Files that
    cannot be written safely are left as they are, with the reason in `refused`."""
    written: list[str] = []
    for path in sorted(outcome.texts):
        if outcome.texts[path] == outcome.originals[path]:
            continue
        problem = _replace(
            normalize(cwd / path),
            outcome.originals[path],
            outcome.texts[path],
            outcome.boundaries.get(path),
        )
        if problem is None:
            written.append(path)
        else:
            outcome.refused.append(f"{path}: not fixed: {problem}")
    for path in sorted(outcome.created):
        problem = _create(
            normalize(cwd / path), outcome.created[path], outcome.boundaries.get(path)
        )
        if problem is None:
            written.append(path)
        else:
            outcome.refused.append(f"{path}: not created: {problem}")
    return written


def _inside(boundary: Boundary | None, destination: Path) -> bool:
    """Is `destination` (links resolved) inside the project tree or a --root? A file
    named on the command line may be read wherever it is, but is written only there."""
    if boundary is None:
        return False
    return any(destination == r or r in destination.parents for r in boundary.roots)


def _decoded(raw: bytes) -> str | None:
    """The text as the loaders read it (UTF-8, a BOM dropped); None for anything else."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _replace(target: Path, before: str, after: str, boundary: Boundary | None) -> str | None:
    """Write `after` over the file `target` held `before`; None, or why it was not."""
    destination = real(target)
    if not _inside(boundary, destination):
        return "it lies outside the project tree"
    try:
        raw = read_bytes(destination)
    except ReadError as exc:
        return exc.message
    if _decoded(raw) != before:
        return "it changed since compose-lint read it; run again"
    data = (_BOM if raw.startswith(_BOM) else b"") + after.encode("utf-8", "surrogatepass")
    try:
        mode = os.stat(destination).st_mode & 0o7777
        return _atomic(destination, data, mode, raw)
    except OSError as exc:
        return f"cannot write it: {exc.strerror or exc}"


def _atomic(destination: Path, data: bytes, mode: int, expected: bytes | None) -> str | None:
    """`data` into `destination` through a temporary file in its directory and a rename.
    With `expected`, the file must still hold those bytes just before the rename; with
    None, it must not exist (then it is linked in place, never renamed over)."""
    fd, temporary = tempfile.mkstemp(
        dir=destination.parent, prefix=f".{destination.name}.", suffix=".compose-lint"
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        if expected is None:
            try:
                os.link(temporary, destination)
            except FileExistsError:
                return "the file exists now"
            except OSError:  # a file system without hard links: create it exclusively
                try:
                    out = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
                except FileExistsError:
                    return "the file exists now"
                with os.fdopen(out, "wb") as handle:
                    handle.write(data)
            return None
        try:
            current = read_bytes(destination)
        except ReadError as exc:
            return exc.message
        if current != expected:
            return "it changed since compose-lint read it; run again"
        os.replace(temporary, destination)
        temporary = ""
        return None
    finally:
        if temporary:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _create(target: Path, content: str, boundary: Boundary | None) -> str | None:
    destination = real(target.parent) / target.name
    if not _inside(boundary, destination):
        return "it would lie outside the project tree"
    if os.path.lexists(destination):
        return "the file exists now"
    umask = os.umask(0)
    os.umask(umask)
    try:
        return _atomic(destination, content.encode("utf-8"), 0o666 & ~umask, None)
    except OSError as exc:
        return f"cannot write it: {exc.strerror or exc}"
