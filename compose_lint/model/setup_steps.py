"""Files a checkout lacks until a local step makes them: when a missing file is the
repository's intended state rather than a mistake in its files.

A fresh clone has no `.env` when the README says "copy .env.example to .env", and no
`target/app.jar` until `mvn package` has run. The repository says so itself: a
template of the file lies beside it, its `.gitignore` leaves the file (or a folder
above it) out, so every checkout makes its own, or the file lies in a git submodule the
checkout has not fetched. Rules that report a missing file
(CL143 `env_file:`, CL502 COPY sources, CL504 build contexts) keep those to an option,
at info level.

Public names

- `SETUP_STEPS`: the name of the option of those rules that reports them too.
- `SetupStep`: why a missing file is a setup step (`template`: the template beside
  it, else None for a git-ignored file), and `how` to make it, for messages.
- `setup_step(project, path)`: the `SetupStep` of a missing `path`, or None.
- `unfetched_submodule(path)`: the git submodule (from `.gitmodules`) that holds
  `path`, when the checkout has not fetched it (its folder is missing or empty).
- `template_beside(path)`: a template of `path` in its folder (`.env.prod-sample`
  for `.env.prod`, `app.env.example` for `app.env`).
- `git_ignored(project, path, is_dir)`: the repository's `.gitignore` files (and
  `.git/info/exclude`) leave `path` or a folder above it out, as git decides it. A
  checkout without `.git` keeps its `.gitignore` files: then those from the project's
  folder down count.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import NamedTuple

from compose_lint.exclude import Exclusion, PatternSet
from compose_lint.load.files import ReadError, git_root, read_text
from compose_lint.model import Project
from compose_lint.model.cache import per_project
from compose_lint.model.secrets import is_env_template

# the option of the rules that report a missing file (CL143, CL502, CL504): also report the
# files a setup step makes, at info level
SETUP_STEPS = "setup-steps"


class SetupStep(NamedTuple):
    """Why a missing file is made by a local step, not forgotten."""

    template: str | None  # the template beside it; None: the repository git-ignores it
    submodule: str | None = None  # the git submodule not checked out that holds it

    @property
    def how(self) -> str:
        """How the file comes to be, to follow "create it" in a message."""
        if self.template is not None:
            return f"from {self.template} beside it"
        if self.submodule is not None:
            return (
                f'(it is in the git submodule "{self.submodule}", which this checkout has not '
                'fetched: "git submodule update --init")'
            )
        return "(it is git-ignored: each checkout makes its own)"


def setup_step(project: Project, path: Path) -> SetupStep | None:
    """Why the missing file `path` is a setup step, or None when nothing says so."""
    template = template_beside(path)
    if template is not None:
        return SetupStep(template)
    submodule = unfetched_submodule(path)
    if submodule is not None:
        return SetupStep(None, submodule)
    # missing, so a file or a folder: a pattern for either (`dist/`) says so
    ignored = git_ignored(project, path, False) or git_ignored(project, path, True)
    return SetupStep(None) if ignored else None


def template_beside(path: Path) -> str | None:
    """A template of `path` in its folder (`.env.prod-sample` for `.env.prod`), the
    shortest name when there are several."""
    try:
        names = sorted(p.name for p in path.parent.iterdir())
    except OSError:
        return None
    candidates = [
        n
        for n in names
        if n.startswith(path.name)
        and n != path.name
        and n[len(path.name)] in ".-_"
        and is_env_template(n)
    ]
    return min(candidates, key=len) if candidates else None


_SUBMODULE_PATH = re.compile(r"^\s*path\s*=\s*(.+?)\s*$", re.MULTILINE)


def unfetched_submodule(path: Path) -> str | None:
    """The git submodule (a `path =` of the repository's `.gitmodules`) that holds
    `path`, when its folder is missing or empty: a clone made without
    `--recurse-submodules` has nothing there until `git submodule update --init`."""
    path = Path(os.path.normpath(path))
    root = git_root(path.parent)
    if root is None:
        return None
    try:
        text = read_text(root / ".gitmodules")
        rel = path.relative_to(root).as_posix()
    except (ReadError, OSError, ValueError):
        return None
    for found in _SUBMODULE_PATH.findall(text):
        folder = found.strip().strip("\"'").strip("/")
        if folder and (rel == folder or rel.startswith(folder + "/")):
            try:
                empty = not any((root / folder).iterdir())
            except OSError:
                empty = True  # not there at all
            return folder if empty else None
    return None


@per_project
def _gitignores(project: Project) -> Exclusion:
    """The .gitignore files of the project's repository, read once per project."""
    return Exclusion(lambda _: (), lambda _: True)


def git_ignored(project: Project, path: Path, is_dir: bool = False) -> bool:
    """Whether git leaves `path` out: a pattern ignores it or a folder above it (a
    folder that is ignored is never entered, whatever is below it)."""
    path = Path(os.path.normpath(path))
    root = git_root(path.parent)
    if root is None:
        return _ignored_outside_git(project, path, is_dir)
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return False
    exclusion = _gitignores(project)
    folder = root
    for part in parts[:-1]:
        folder = folder / part
        if exclusion.walked(folder, True):
            return True
    return bool(parts) and exclusion.walked(path, is_dir)


def _ignored_outside_git(project: Project, path: Path, is_dir: bool) -> bool:
    """Outside a git checkout: the .gitignore files from the project's folder down to
    `path` (a checkout copied without its .git keeps them)."""
    try:
        parts = path.relative_to(project.directory).parts
    except ValueError:
        return False
    sets: list[PatternSet] = []
    for depth in range(len(parts)):
        folder = project.directory.joinpath(*parts[:depth])
        try:
            lines = read_text(folder / ".gitignore").splitlines()
        except (ReadError, OSError, ValueError):
            lines = []
        if lines:
            sets.append(PatternSet.of(folder, lines))
        below = project.directory.joinpath(*parts[: depth + 1])
        last = depth == len(parts) - 1
        verdict = False
        for found in sets:
            said = found.verdict(below, is_dir if last else True)
            verdict = verdict if said is None else said
        if verdict:
            return True
    return False


__all__ = ["SetupStep", "git_ignored", "setup_step", "template_beside", "unfetched_submodule"]
