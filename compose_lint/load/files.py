"""Reading user files: only regular files, size cap, encodings and OS errors
become messages; and the boundary of what a project may make us read."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path

MAX_BYTES = 16 * 1024 * 1024

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


class ReadError(Exception):
    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line  # where the problem is, when it is on one line


def not_regular(mode: int) -> str | None:
    """What a file of this `st_mode` is when it is not a regular file."""
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return None if stat.S_ISREG(mode) else "not a regular file"


def read_bytes(path: Path, limit: int = MAX_BYTES) -> bytes:
    """Up to `limit` + 1 bytes of a regular file. A FIFO, socket or device is never
    opened (and is opened non-blocking, so one swapped in meanwhile cannot hang
    the run either). Raises ReadError."""
    try:
        kind = not_regular(os.stat(path).st_mode)
        if kind is None:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | _O_BINARY)
            try:
                kind = not_regular(os.fstat(fd).st_mode)
                if kind is None:
                    with os.fdopen(fd, "rb", closefd=False) as handle:
                        return handle.read(limit + 1)
            finally:
                os.close(fd)
    except OSError as exc:
        raise ReadError(f"cannot read the file: {exc.strerror or exc}") from None
    except ValueError as exc:  # a NUL byte in the path
        raise ReadError(f"cannot read the file: {exc}") from None
    if kind == "a directory":
        raise ReadError("is a directory, not a file")
    raise ReadError(f"is {kind}, not a regular file; not read")


_O_BINARY = getattr(os, "O_BINARY", 0)


def peek_text(path: Path, limit: int) -> str | None:
    """The first `limit` bytes of a regular file as text (bytes that are not UTF-8
    replaced), or None: for a link (not followed), anything but a regular file, or a
    file that cannot be read. Never blocks on a FIFO (`read_bytes`)."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        return read_bytes(path, limit)[:limit].decode("utf-8", errors="replace")
    except (OSError, ReadError, ValueError):
        return None


def read_text(path: Path) -> str:
    """The file's text, or ReadError with a message fit for a finding."""
    raw = read_bytes(path)
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
    normal = os.path.abspath(path)  # abspath normalises too
    if isinstance(path, Path) and normal == str(path):
        return path  # already absolute and normal: paths are immutable
    return Path(normal)


def stat_kind(path: Path) -> str | None:
    """None for a regular file; otherwise what `path` is ("missing" when it does
    not exist or cannot be reached, whatever the reason: a name too long, a NUL)."""
    try:
        return not_regular(os.stat(path).st_mode)
    except (OSError, ValueError):
        return "missing"


def is_dir(path: Path) -> bool:
    """Path.is_dir() that answers False instead of raising (a name too long, a NUL)."""
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def real(path: Path) -> Path:
    """The path with every symlink resolved (a loop or an error leaves it as is)."""
    try:
        return Path(os.path.realpath(path))
    except (OSError, ValueError):
        return normalize(path)


class Realpaths:
    """`real()` for one run, remembering the directories it has resolved: a path whose
    directory is known costs one lstat, not one per component."""

    def __init__(self) -> None:
        self._known: dict[Path, Path] = {}

    def __call__(self, path: Path) -> Path:
        if not path.is_absolute() or ".." in path.parts:
            return real(path)  # resolved as a whole, as realpath does
        found = self._known.get(path)
        if found is not None:
            return found
        parent = path.parent
        if parent == path:
            return real(path)
        try:
            joined = self(parent) / path.name
            # realpath keeps a component that is not a link (or cannot be looked at)
            try:
                is_link = stat.S_ISLNK(os.lstat(joined).st_mode)
            except OSError:
                is_link = False
            found = real(joined) if is_link else joined
        except ValueError:  # a NUL byte: as real() answers it
            found = real(path)
        self._known[path] = found
        return found


def git_root(directory: Path, known: dict[Path, Path | None] | None = None) -> Path | None:
    """The repository root above `directory` (the nearest one holding `.git`).
    `known`: the answers found so far in this run, by directory (filled in on the way)."""
    current = normalize(directory)
    visited: list[Path] = []
    found: Path | None = None
    while True:
        if known is not None and current in known:
            found = known[current]
            break
        visited.append(current)
        try:
            if os.path.lexists(current / ".git"):
                found = current
                break
        except (OSError, ValueError):
            return None
        if current.parent == current:
            break
        current = current.parent
    if known is not None:
        for seen in visited:
            known[seen] = found
    return found


class Boundary:
    """What one project may make compose-lint read: files inside its tree (the
    repository root holding it, or else the directory of its first compose file),
    inside any directory the user widened the boundary to (--root), or named on
    the command line. Symlinks are resolved before the test, so a link inside the
    tree that points out of it is outside."""

    def __init__(
        self,
        roots: Iterable[Path],
        named: Iterable[Path] = (),
        resolve: Callable[[Path], Path] = real,
    ) -> None:
        """`resolve`: how symlinks are resolved (`real`, or a run's `Realpaths`)."""
        self.roots = tuple(dict.fromkeys(resolve(r) for r in roots))
        self.named = frozenset(resolve(p) for p in named)
        self._resolve = resolve
        # "root in target.parents", as text: a parent's text ends with a separator
        self._prefixes = tuple((r, os.path.join(str(r), "")) for r in self.roots)

    def widened(self, roots: Iterable[Path]) -> Boundary:
        return Boundary((*self.roots, *roots), self.named, self._resolve)

    def contains(self, path: Path) -> bool:
        target = self._resolve(path)
        if target in self.named:
            return True
        text = str(target)
        return any(target == root or text.startswith(prefix) for root, prefix in self._prefixes)

    def describe(self) -> str:
        return ", ".join(str(r) for r in self.roots) or "(none)"
