"""What a rule reports: a located, ranked message."""

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


class Finding(NamedTuple):
    code: str
    name: str
    severity: Severity
    location: Location
    message: str
    sensitive: bool = False  # the source line holds a secret: mask it wherever it is shown

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
