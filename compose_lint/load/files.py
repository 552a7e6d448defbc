"""Reading user files: size cap, encodings and OS errors become messages."""

from __future__ import annotations

import os
from pathlib import Path

MAX_BYTES = 16 * 1024 * 1024


class ReadError(Exception):
    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line  # where the problem is, when it is on one line


def read_text(path: Path) -> str:
    """The file's text, or ReadError with a message fit for a finding."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise ReadError("is a directory, not a file") from None
    except OSError as exc:
        raise ReadError(f"cannot read the file: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise ReadError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MiB; not linted")
    if b"\x00" in raw[:8192] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError("the file is binary (it contains NUL bytes), not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = exc.start
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    line = raw[:bad].count(b"\n") + 1
    raise ReadError(
        f"the file is not valid UTF-8 (byte 0x{raw[bad]:02x} on line {line}); save it as UTF-8",
        line,
    )


def display_path(path: Path, cwd: Path) -> str:
    """How a path is shown to the user: relative to the working directory."""
    try:
        rel = os.path.relpath(path, cwd)
    except ValueError:  # another drive on Windows
        return str(path)
    return rel.replace(os.sep, "/")


def normalize(path: Path) -> Path:
    """An absolute, normalised path without touching the filesystem (no symlink
    resolution, so a symlink loop cannot hang or crash us)."""
    return Path(os.path.normpath(os.path.abspath(path)))
