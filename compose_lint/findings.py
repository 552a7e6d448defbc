"""What a rule reports: a located, ranked message, and the fix it may offer."""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple


class Severity(IntEnum):
    INFO = 0
    WARNING = 1
    ERROR = 2

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f'unknown severity "{text}"; use error, warning or info') from None


class Location(NamedTuple):
    """A 1-based line and column in a file (path as shown to the user)."""

    path: str
    line: int = 1
    column: int = 1


class Edit(NamedTuple):
    """Replace the text from `line`:`column` up to (not including) `end_line`:`end_column`
    of the file at `path` (as shown, like Location.path) with `text`. Positions are the
    loaders' (1-based lines, columns in code points); the line after the last one, column
    1, is the end of the file. An empty range inserts; an empty `text` deletes. A "\n" in
    `text` is written with the file's own line ending. With `create`, `path` is a new
    file whose whole content is `text`: the edit is refused when the file exists."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    text: str
    create: bool = False


class Fix(NamedTuple):
    """What a rule offers to change so that its finding goes away. `safe`: the change
    cannot alter what the project runs (`--fix` applies it); otherwise only
    `--fix --unsafe-fixes` does. The edits of one fix are applied all together or not
    at all."""

    title: str  # what it does, one short line: 'add "-y" to "apt-get install"'
    edits: tuple[Edit, ...]
    safe: bool = True

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e.path for e in self.edits))


class Finding(NamedTuple):
    code: str
    name: str
    severity: Severity
    location: Location
    message: str
    sensitive: bool = False  # the source line holds a secret: mask it wherever it is shown
    # the fix the rule offers; it takes no part in equality, so a finding reported by
    # two projects (a shared Dockerfile) is still one finding
    fix: Fix | None = None

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Finding):
            return self[:6] == other[:6]
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(self[:6])

    @property
    def path(self) -> str:
        return self.location.path

    @property
    def line(self) -> int:
        return self.location.line

    @property
    def column(self) -> int:
        return self.location.column

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)
