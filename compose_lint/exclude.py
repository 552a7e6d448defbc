"""Which paths are kept out of a run: gitignore-style patterns.

Patterns follow .gitignore's syntax: `#` comments, `!` re-includes, a trailing
`/` matches directories only, a pattern with a `/` at its start or middle is
anchored to its base directory (else it matches a name at any depth), `*` and
`?` stay inside one path segment, `**` spans segments. The last matching
pattern wins; a directory that is excluded is not entered, so nothing below it
can be re-included (as in git).

Three sources, each with its own base directory: the configuration's `exclude`
and `extend-exclude` (relative to the config file), `--exclude` and
`--extend-exclude` (relative to the working directory), and the `.gitignore`
files of a git repository (relative to the directory holding each one, plus
`.git/info/exclude`)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple


class Pattern(NamedTuple):
    regex: re.Pattern[str]
    negated: bool
    dir_only: bool


@lru_cache(maxsize=4096)
def compile_pattern(text: str) -> Pattern | None:
    """One gitignore line; None for a blank line or a comment (each line text is
    compiled once per run, however many directories share the default list)."""
    line = text.rstrip("\n").rstrip("\r")
    if not line.strip() or line.startswith("#"):
        return None
    # trailing spaces are dropped unless escaped
    stripped = line.rstrip(" ")
    if stripped.endswith("\\") and len(stripped) < len(line):
        stripped += " "
    line = stripped
    negated = line.startswith("!")
    if negated or line.startswith("\\!") or line.startswith("\\#"):
        line = line[1:]
    dir_only = line.endswith("/")
    line = line.rstrip("/")
    if not line:
        return None
    anchored = "/" in line
    line = line.lstrip("/")
    body = _translate(line)
    prefix = "^" if anchored else "^(?:.*/)?"
    return Pattern(re.compile(prefix + body + "$", re.S), negated, dir_only)


def _translate(pattern: str) -> str:
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        if pattern.startswith("**/", i) and (i == 0 or pattern[i - 1] == "/"):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i) and i + 2 == n and (i == 0 or pattern[i - 1] == "/"):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[":
            end = pattern.find("]", i + 2 if pattern[i + 1 : i + 2] in ("!", "^") else i + 1)
            if end == -1:
                out.append(re.escape("["))
                i += 1
                continue
            inner = pattern[i + 1 : end]
            if inner[:1] in ("!", "^"):
                inner = "^" + inner[1:]
            out.append("[" + inner.replace("\\", "\\\\") + "]")
            i = end + 1
        elif pattern[i] == "\\" and i + 1 < n:
            out.append(re.escape(pattern[i + 1]))
            i += 2
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return "".join(out)


class PatternSet(NamedTuple):
    """Patterns that share a base directory."""

    base: Path
    patterns: tuple[Pattern, ...]

    @classmethod
    def of(cls, base: Path, lines: Iterable[str]) -> PatternSet:
        compiled = (compile_pattern(line) for line in lines)
        return cls(base, tuple(p for p in compiled if p is not None))

    def verdict(self, path: Path, is_dir: bool) -> bool | None:
        """True: excluded, False: re-included, None: no pattern speaks of `path`."""
        rel = self.relative(path)
        if rel is None or rel in ("", "."):
            return None
        return self.verdict_of(rel, is_dir)

    def relative(self, path: Path) -> str | None:
        """`path` relative to the base, with `/` ("." for the base); None outside it."""
        try:
            return path.relative_to(self.base).as_posix()
        except ValueError:
            return None

    def verdict_of(self, rel: str, is_dir: bool) -> bool | None:
        """The verdict on the path `rel` (relative to the base, not the base itself)."""
        result: bool | None = None
        for p in self.patterns:
            if p.dir_only and not is_dir:
                continue
            if p.regex.match(rel):
                result = not p.negated
        return result


class Exclusion:
    """Decides, for every directory entered and file found, whether it is excluded.

    `sets_for(directory)` gives the configured pattern sets that apply in a
    directory (the config found from it, and the command line's); gitignore files
    are read as the walk meets them."""

    def __init__(
        self,
        sets_for: Callable[[Path], Sequence[PatternSet]],
        respect_gitignore: Callable[[Path], bool],
    ) -> None:
        self._sets_for = sets_for
        self._respect_gitignore = respect_gitignore
        self._gitignores: dict[Path, PatternSet | None] = {}
        self._roots: dict[Path, Path | None] = {}
        # per directory walked: the sets that apply in it, each with the directory's
        # path relative to the set's base (None: outside it)
        self._walked: dict[Path, list[tuple[PatternSet, str | None]]] = {}

    def configured(self, path: Path, is_dir: bool) -> bool:
        """Excluded by the configuration or the command line (not by .gitignore)."""
        return self._excluded(path, is_dir, self._sets_for(path.parent))

    def walked(self, path: Path, is_dir: bool) -> bool:
        """Excluded while walking a directory: configured patterns, then .gitignore."""
        return self.entry(path.parent, path.name, is_dir)

    def entry(self, directory: Path, name: str, is_dir: bool) -> bool:
        """`walked(directory / name)`, without making the path (what applies in each
        directory is worked out once, for all its entries)."""
        applying = self._walked.get(directory)
        if applying is None:
            sets = list(self._sets_for(directory))
            if self._respect_gitignore(directory):
                sets = self._gitignore_sets(directory) + sets
            applying = [(s, s.relative(directory)) for s in sets if s.patterns]
            self._walked[directory] = applying
        result = False
        for s, above in applying:
            if above is None:
                continue  # the directory is outside the set's base, and so is `path`
            verdict = s.verdict_of(name if above in ("", ".") else f"{above}/{name}", is_dir)
            if verdict is not None:
                result = verdict
        return result

    def named(self, path: Path) -> bool:
        """A path named on the command line: the configured patterns apply to it and
        to the directories above it (so pre-commit's file lists obey them)."""
        sets = self._sets_for(path.parent)
        if self._excluded(path, path.is_dir(), sets):
            return True
        return any(self._excluded(parent, True, sets) for parent in path.parents)

    @staticmethod
    def _excluded(path: Path, is_dir: bool, sets: Sequence[PatternSet]) -> bool:
        result = False
        for s in sets:
            verdict = s.verdict(path, is_dir)
            if verdict is not None:
                result = verdict
        return result

    def _repository_root(self, directory: Path) -> Path | None:
        """The nearest directory at or above `directory` holding `.git` (each
        directory is looked at once per run, whatever the depth of the walk)."""
        unknown: list[Path] = []
        found: Path | None = None
        for candidate in (directory, *directory.parents):
            if candidate in self._roots:
                found = self._roots[candidate]
                break
            unknown.append(candidate)
            if (candidate / ".git").exists():
                found = candidate
                break
        for candidate in unknown:
            self._roots[candidate] = found
        return found

    def _gitignore_sets(self, directory: Path) -> list[PatternSet]:
        """The .gitignore files that apply in `directory`, outermost first."""
        root = self._repository_root(directory)
        if root is None:
            return []
        chain = [directory, *directory.parents]
        chain = chain[: chain.index(root) + 1]
        sets: list[PatternSet] = []
        info = self._gitignore(root / ".git" / "info" / "exclude", root)
        if info is not None:
            sets.append(info)
        for folder in reversed(chain):
            found = self._gitignore(folder / ".gitignore", folder)
            if found is not None:
                sets.append(found)
        return sets

    def _gitignore(self, path: Path, base: Path) -> PatternSet | None:
        if path not in self._gitignores:
            try:
                with open(path, encoding="utf-8", errors="replace") as handle:
                    lines = handle.read(1024 * 1024).splitlines()
            except OSError:
                self._gitignores[path] = None
            else:
                found = PatternSet.of(base, lines)
                self._gitignores[path] = found if found.patterns else None
        return self._gitignores[path]


def is_virtualenv(directory: str) -> bool:
    return os.path.isfile(os.path.join(directory, "pyvenv.cfg"))


def is_vendored(parent: str, name: str) -> bool:
    """Whether the folder `name` in `parent` holds third-party code a package manager
    copied there, by what that manager leaves behind (a bare name proves nothing: a
    repository may keep its own files in `vendor/`):

    - Go: `vendor/` holding `modules.txt` (`go mod vendor` writes it), or beside `go.mod`;
    - PHP: `vendor/` holding `autoload.php` (Composer writes it), or beside `composer.json`;
    - Ruby: `vendor/bundle/` holding `ruby/` (Bundler's `<version>/gems` layout), or in
      a `vendor/` beside `Gemfile`.
    """
    folder = os.path.join(parent, name)
    if name == "vendor":
        return any(
            os.path.isfile(os.path.join(folder, marker))
            for marker in ("modules.txt", "autoload.php")
        ) or any(os.path.isfile(os.path.join(parent, m)) for m in ("go.mod", "composer.json"))
    if name == "bundle" and os.path.basename(parent) == "vendor":
        above = os.path.dirname(parent)
        return os.path.isdir(os.path.join(folder, "ruby")) or os.path.isfile(
            os.path.join(above, "Gemfile")
        )
    return False


def is_tool_fragments(parent: str, name: str) -> bool:
    """Whether the folder `name` in `parent` holds compose fragments a development tool
    merges into a project it generates itself, never run on their own: DDEV's `.ddev/`
    (with its `config.yaml`), whose `docker-compose.*.yaml` add-on files DDEV writes
    and rewrites; or a project template's folder, named by a Jinja placeholder
    (cookiecutter's and copier's `{{cookiecutter.project_slug}}/`), whose files are
    YAML only once the tool has rendered them."""
    if "{{" in name and "}}" in name:
        return True
    return name == ".ddev" and os.path.isfile(os.path.join(parent, name, "config.yaml"))
