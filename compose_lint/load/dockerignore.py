"""`.dockerignore` files with the semantics BuildKit gives them.

Reading the file (as Docker's ignore-file reader does):

- Lines are split on `\\n`; a `\\r` before it is dropped; a UTF-8 byte-order mark at
  the start of the file is dropped.
- A line whose *first character* is `#` is a comment. The test happens before any
  trimming, so `  # x` is the pattern `# x`, not a comment.
- Whitespace around the line is trimmed, blank lines are skipped. A leading `!` makes
  the line an exception; whitespace after the `!` is trimmed too.
- The pattern is cleaned like Go's `filepath.Clean` (`a//b` -> `a/b`, `a/../b` -> `b`,
  `./a` -> `a`, trailing `/` dropped) and one leading `/` is removed. A pattern that
  cleans to `.` matches nothing.

Matching (as `moby/patternmatcher` does):

- Go `filepath.Match` syntax, checked the same way: `*` is any run of characters
  except `/`, `?` one character except `/`, `[...]` a class with ranges and `^`
  negation (`!` does *not* negate), `\\` escapes the next character. `**` matches any
  number of path segments, zero included.
- Docker does not run `filepath.Match`: it turns each pattern into a Go regular
  expression, and a few corners follow from that translation rather than from the
  documented glob syntax. They are reproduced here: a pattern that starts with `**`
  and has no other wildcard is a plain suffix test (`**.txt` matches `a/b.txt`); `**`
  followed by anything but `/` stands for "any directories" (`a**b` matches `ab` and
  `a/x/b`, not `axb`); `\\d`, `\\w`, `\\s` (and their upper-case forms) are ASCII
  character classes and `\\t`, `\\n`, ... control characters; `\\b`, `\\B`, `\\A`,
  `\\z` are anchors; an unescaped `^` outside a class anchors at the start.
- A path is tested level by level, from its first segment down, the way BuildKit
  walks the context: a pattern that matched a directory counts as matching everything
  below it. The last pattern that matches decides; `!` patterns re-include.

Patterns Docker rejects (the build fails: an unterminated `[`, a trailing `\\`, a bare
`!`, a reversed range, an unknown regex escape) and the few that Docker accepts but
this module does not model (`\\x41`, octal and `\\p{..}` escapes, `*`, `?` or `[:`
inside a class, a Perl class used as a range end) are reported in `problems` and
match nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

# Characters Go's strings.TrimSpace removes (unicode.IsSpace), which is not quite
# Python's str.isspace (that one also counts U+001C..U+001F).
_GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)

# Characters Docker escapes before handing a pattern to the regex engine.
_REGEX_LITERALS = frozenset(".+()|{}$")

# ASCII classes of Go's \d, \s, \w (Go's \s has no \v, unlike Python's).
_PERL_CLASS = {"d": "0-9", "s": "\\t\\n\\f\\r ", "w": "0-9A-Za-z_"}
_CONTROL = {"a": "\a", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_ANCHORS = {"A": r"\A", "z": r"\Z", "b": r"\b", "B": r"\B"}
# Escapes Go's regex engine accepts but whose extent depends on what follows.
_UNMODELLED_ESCAPES = frozenset("xpPQ01234567")

_EXACT, _PREFIX, _SUFFIX, _REGEX = range(4)


class _PatternError(Exception):
    """A pattern that cannot be used; `rejected` when Docker itself refuses it."""

    def __init__(self, reason: str, rejected: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.rejected = rejected


def go_clean(path: str) -> str:
    """Go's `filepath.Clean` for `/`-separated paths."""
    if not path:
        return "."
    rooted = path.startswith("/")
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(part)
    joined = "/".join(parts)
    if rooted:
        return "/" + joined
    return joined or "."


def _normalize(text: str, exclusion: bool) -> str:
    """The pattern Docker ends up matching with, still carrying a `!` if it has one.

    Two passes, like Docker: the file reader cleans the part after `!` and drops a
    leading `/`; the matcher trims and cleans the whole string (with its `!`) again.
    """
    body = text
    if body:
        body = go_clean(body)
        if len(body) > 1 and body.startswith("/"):
            body = body[1:]
    full = ("!" if exclusion else "") + body
    full = full.strip(_GO_SPACE)
    return go_clean(full) if full else full


def _escape_outside(char: str) -> str:
    """Python regex for Docker's `\\<char>` outside a class (a Go regex escape)."""
    if char.isascii() and not char.isalnum():
        return re.escape(char)
    if char.lower() in _PERL_CLASS:
        negate = "^" if char.isupper() else ""
        return f"[{negate}{_PERL_CLASS[char.lower()]}]"
    if char in _CONTROL:
        return re.escape(_CONTROL[char])
    if char in _ANCHORS:
        return _ANCHORS[char]
    raise _escape_error(char)


def _escape_error(char: str) -> _PatternError:
    if char in _UNMODELLED_ESCAPES:
        return _PatternError(
            f"'\\{char}' is a regular-expression escape in Docker's matcher, which "
            "compose-lint does not evaluate",
            rejected=False,
        )
    return _PatternError(f"'\\{char}' is not a valid escape for Docker's regex matcher")


def _class_char(pattern: str, pos: int) -> tuple[str, bool, int]:
    """One class member as Go's `filepath.Match` reads it: (char, escaped, next pos)."""
    end = len(pattern)
    if pos >= end:
        raise _PatternError("unterminated character class '['")
    if pattern[pos] == "-":
        raise _PatternError(
            "'-' in a character class must be escaped or sit between two characters"
        )
    if pattern[pos] == "]":
        raise _PatternError("empty character class or range without an end")
    escaped = pattern[pos] == "\\"
    if escaped:
        pos += 1
        if pos >= end:
            raise _PatternError("unterminated character class '['")
    char = pattern[pos]
    pos += 1
    if pos >= end:
        raise _PatternError("unterminated character class '['")
    if not escaped and char in "*?":
        raise _PatternError(
            f"'{char}' inside a character class is rewritten by Docker into a broken "
            f"expression; escape it (\\{char})",
            rejected=False,
        )
    if not escaped and char == "[" and pattern[pos] == ":" and ":]" in pattern[pos + 1 :]:
        raise _PatternError(
            "'[:' inside a character class is read by Docker's regex engine as a POSIX "
            "class, which compose-lint does not evaluate",
            rejected=False,
        )
    return char, escaped, pos


def _class_member(char: str, escaped: bool) -> tuple[str, str | None]:
    """(Python class text, the single character or None for a Perl class)."""
    if not escaped or (char.isascii() and not char.isalnum()):
        return re.escape(char), char
    if char.lower() in _PERL_CLASS:
        if char.isupper():
            # Python's ASCII \S also leaves out \v, which Go's does not; harmless.
            return "\\" + char, None
        return _PERL_CLASS[char], None
    if char in _CONTROL:
        return re.escape(_CONTROL[char]), _CONTROL[char]
    raise _escape_error(char)


def _char_class(pattern: str, pos: int) -> tuple[str, int]:
    """Translate the class whose `[` ends just before `pos`: (regex, next pos)."""
    negate = pos < len(pattern) and pattern[pos] == "^"
    if negate:
        pos += 1
    members: list[str] = []
    while True:
        if members and pattern[pos] == "]":
            pos += 1
            break
        low, low_escaped, pos = _class_char(pattern, pos)
        low_text, low_char = _class_member(low, low_escaped)
        if pattern[pos] != "-":
            members.append(low_text)
            continue
        high, high_escaped, pos = _class_char(pattern, pos + 1)
        high_text, high_char = _class_member(high, high_escaped)
        if low_char is None or high_char is None:
            raise _PatternError(
                "a character range with a \\d, \\s or \\w end means something else to "
                "Docker's regex engine",
                rejected=low_char is not None,
            )
        if high_char < low_char:
            raise _PatternError(f"character range '{low_char}-{high_char}' is reversed")
        members.append(f"{low_text}-{high_text}")
    return "[" + ("^" if negate else "") + "".join(members) + "]", pos


def _translate(pattern: str) -> str:
    """Python regex (for `fullmatch`) equivalent to Docker's handling of `pattern`."""
    return _translate_parts(pattern)[0]


def _translate_parts(pattern: str) -> tuple[str, list[str] | None]:
    """The regex of `_translate`, and for a wildcard pattern the pieces it is made
    of (each one character, one repetition or one anchor), for `_Automaton`."""
    parts: list[str] = []
    kind = _EXACT
    pos = 0
    end = len(pattern)
    first = True
    while pos < end:
        char = pattern[pos]
        pos += 1
        if char == "*":
            if pos < end and pattern[pos] == "*":
                pos += 1
                if pos < end and pattern[pos] == "/":
                    pos += 1
                if pos >= end:
                    if kind == _EXACT:
                        kind = _PREFIX
                    else:
                        parts.append(".*")
                        kind = _REGEX
                else:
                    parts.append("(?:.*/)?")
                    kind = _REGEX
                if first:
                    kind = _SUFFIX
            else:
                parts.append("[^/]*")
                kind = _REGEX
        elif char == "?":
            parts.append("[^/]")
            kind = _REGEX
        elif char in _REGEX_LITERALS:
            parts.append(re.escape(char))
        elif char == "\\":
            if pos >= end:
                raise _PatternError("the pattern ends with an unescaped '\\'")
            parts.append(_escape_outside(pattern[pos]))
            pos += 1
            kind = _REGEX
        elif char == "[":
            text, pos = _char_class(pattern, pos)
            parts.append(text)
            kind = _REGEX
        elif char == "]":
            parts.append(r"\]")
            kind = _REGEX
        elif char == "^":
            parts.append(r"\A")  # only used in regex mode, where Go reads it as an anchor
        else:
            parts.append(re.escape(char))
        first = False
    if kind == _EXACT:
        return re.escape(pattern), None
    if kind == _PREFIX:
        return re.escape(pattern[:-2]) + "(?s:.*)", None
    if kind == _SUFFIX:
        suffix = pattern[2:]
        if suffix.startswith("/"):
            return "(?s:.*/)?" + re.escape(suffix[1:]), None
        return "(?s:.*)" + re.escape(suffix), None
    return "".join(parts), parts


# -- matching without backtracking ----------------------------------------------------
#
# Python's regex engine backtracks: `*a*a*a*a*a*b` against a long name of `a`s takes
# time exponential in the number of stars. Docker's (Go's) engine is linear. A pattern
# with more than one repetition is therefore matched by simulating all the positions
# the pattern could be at in step (a Thompson automaton): time is the name's length
# times the pattern's, whatever the pattern.

_STARS = {"[^/]*": "[^/]", ".*": "."}  # a repetition of one character class
_OPTIONAL_DIRS = "(?:.*/)?"  # nothing, or any run of characters ending with '/'
_WORD = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")


class _Automaton:
    """`fullmatch` of a translated pattern, in time linear in the path's length."""

    def __init__(self, parts: list[str]) -> None:
        # each step: (kind, single-character regex or anchor); kinds:
        # "one" one character, "star" any run of them, "dirs" _OPTIONAL_DIRS, "anchor"
        self.steps: list[tuple[str, re.Pattern[str] | str]] = []
        for part in parts:
            if part in _STARS:
                self.steps.append(("star", re.compile(_STARS[part], re.ASCII)))
            elif part == _OPTIONAL_DIRS:
                self.steps.append(("dirs", re.compile(".", re.ASCII)))
            elif part in _ANCHORS.values():
                self.steps.append(("anchor", part))
            else:
                self.steps.append(("one", re.compile(part, re.ASCII)))

    def _closure(self, states: set[int], text: str, pos: int) -> set[int]:
        """`states` plus every state reachable from them without reading a character.
        State i means "steps before i are matched"; -(i + 1) means "inside the
        optional directories of step i"."""
        steps, end = self.steps, len(self.steps)
        todo = list(states)
        seen = set(states)
        while todo:
            state = todo.pop()
            if state < 0 or state >= end:
                continue
            kind, what = steps[state]
            follow = False
            if kind in ("star", "dirs"):
                follow = True
            elif kind == "anchor":
                follow = _anchor_holds(str(what), text, pos)
            if follow and state + 1 not in seen:
                seen.add(state + 1)
                todo.append(state + 1)
        return seen

    def fullmatch(self, text: str) -> bool | None:
        """True when the whole of `text` matches, else None (as `re` answers)."""
        steps, end = self.steps, len(self.steps)
        states = self._closure({0}, text, 0)
        for pos, char in enumerate(text):
            following: set[int] = set()
            for state in states:
                if state < 0:  # inside optional directories: any character but newline
                    index = -state - 1
                    if char != "\n":
                        following.add(state)
                        if char == "/":
                            following.add(index + 1)
                    continue
                if state >= end:
                    continue
                kind, what = steps[state]
                if kind == "anchor":
                    continue
                assert isinstance(what, re.Pattern)
                if what.match(char) is None:
                    continue
                if kind == "one":
                    following.add(state + 1)
                elif kind == "star":
                    following.add(state)
                else:  # dirs: a character starts the directories part
                    following.add(-state - 1)
                    if char == "/":
                        following.add(state + 1)
            if not following:
                return None
            states = self._closure(following, text, pos + 1)
        return True if end in states else None


def _anchor_holds(anchor: str, text: str, pos: int) -> bool:
    if anchor == r"\A":
        return pos == 0
    if anchor == r"\Z":
        return pos == len(text)
    before = pos > 0 and text[pos - 1] in _WORD
    after = pos < len(text) and text[pos] in _WORD
    boundary = before != after
    return boundary if anchor == r"\b" else not boundary


@dataclass(frozen=True)
class IgnorePattern:
    """One pattern line. `cleaned`, `regex` and `error` are derived from the rest."""

    text: str  # as written (trimmed), without the leading '!'
    exclusion: bool  # True for '!' exception lines
    line: int  # 1-based line in the file
    cleaned: str = field(init=False)  # what Docker matches with ('.' matches nothing)
    regex: re.Pattern[str] | _Automaton | None = field(init=False, repr=False, compare=False)
    error: str | None = field(init=False, compare=False)  # why it matches nothing

    def __post_init__(self) -> None:
        cleaned = _normalize(self.text, self.exclusion)
        regex: re.Pattern[str] | _Automaton | None = None
        error: str | None = None
        if self.exclusion:
            cleaned = cleaned[1:]  # the '!' added back by _normalize
        if self.exclusion and not cleaned:
            error = "'!' without a pattern after it; Docker fails the build on this line"
        else:
            try:
                text, parts = _translate_parts(cleaned)
                regex = re.compile(text, re.ASCII)
                repeats = sum(part in _STARS or part == _OPTIONAL_DIRS for part in parts or ())
                if repeats > 1:  # a backtracking regex could take exponential time
                    regex = _Automaton(parts or [])
            except _PatternError as exc:
                if exc.rejected:
                    error = f"{exc.reason}; Docker fails the build on this pattern"
                else:
                    error = f"{exc.reason}; the pattern is treated as matching nothing"
            except re.error as exc:  # pragma: no cover - a translation gap, never expected
                error = f"cannot be evaluated ({exc}); treated as matching nothing"
        object.__setattr__(self, "cleaned", cleaned)
        object.__setattr__(self, "regex", regex)
        object.__setattr__(self, "error", error)

    def matches(self, path: str) -> bool:
        """Whether the pattern matches this exact path (its parents not considered)."""
        return self.regex is not None and self.regex.fullmatch(path) is not None


@dataclass
class DockerIgnore:
    """A parsed `.dockerignore`. Results for directories are cached; the cache is
    dropped whenever `patterns` has changed since it was filled."""

    patterns: list[IgnorePattern]
    problems: list[tuple[int, str]]  # (line, message) for malformed patterns
    _dir_bits: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)
    _cached_for: tuple[IgnorePattern, ...] = field(
        default=(), init=False, repr=False, compare=False
    )

    def is_excluded(self, relpath: str) -> bool:
        """Whether the file or directory at `relpath` (relative to the context root,
        `/`-separated) is left out of the build context."""
        pattern = self.matching_pattern(relpath)
        return pattern is not None and not pattern.exclusion

    def matching_pattern(self, relpath: str) -> IgnorePattern | None:
        """The last pattern that matches `relpath` itself or one of its parent
        directories (exception or not), or None. The context root never matches."""
        patterns = self.patterns
        if not patterns:
            return None
        path = _clean_relpath(relpath)
        if path is None:
            return None
        parent = self._parent_bits(path)
        for index in range(len(patterns) - 1, -1, -1):
            pattern = patterns[index]
            if parent >> index & 1 or (
                pattern.regex is not None and pattern.regex.fullmatch(path) is not None
            ):
                return pattern
        return None

    def _parent_bits(self, path: str) -> int:
        """Bit i set when pattern i counts as matched for the directory holding `path`."""
        cut = path.rfind("/")
        if cut < 0:
            return 0
        if self._cached_for != tuple(self.patterns):
            self._dir_bits.clear()
            self._cached_for = tuple(self.patterns)
        cache = self._dir_bits
        directory = path[:cut]
        bits = cache.get(directory)
        if bits is not None:
            return bits
        pending = [directory]
        bits = 0
        while True:
            cut = directory.rfind("/")
            if cut < 0:
                break
            directory = directory[:cut]
            known = cache.get(directory)
            if known is not None:
                bits = known
                break
            pending.append(directory)
        for directory in reversed(pending):
            bits = self._level_bits(directory, bits)
            cache[directory] = bits
        return bits

    def _level_bits(self, path: str, parent: int) -> int:
        """One step of BuildKit's walk (patternmatcher's MatchesUsingParentResults):
        a pattern matched for the parent stays matched; other patterns are tried on
        this path alone, and skipped when they could not change the outcome so far.
        The skipping is what Docker does and it is visible in the result: a skipped
        pattern is not remembered for the children."""
        matched = False
        bits = 0
        for index, pattern in enumerate(self.patterns):
            bit = 1 << index
            if not parent & bit:
                if pattern.exclusion != matched:
                    continue
                if pattern.regex is None or pattern.regex.fullmatch(path) is None:
                    continue
            bits |= bit
            matched = not pattern.exclusion
        return bits


def _clean_relpath(relpath: str) -> str | None:
    """`relpath` as the walker would spell it, or None for the context root."""
    path = relpath
    if (
        not path
        or path.startswith(("/", "./"))
        or path.endswith(("/", "/.", "/.."))
        or "//" in path
        or "/./" in path
        or "/../" in path
        or path in (".", "..")
    ):
        path = go_clean(path).lstrip("/")
    if path in ("", "."):
        return None
    return path


def parse_dockerignore(text: str) -> DockerIgnore:
    """Parse the text of a `.dockerignore` file. Never raises."""
    patterns: list[IgnorePattern] = []
    problems: list[tuple[int, str]] = []
    if text.startswith("\ufeff"):
        text = text[1:]
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw[:-1] if raw.endswith("\r") else raw
        if line.startswith("#"):
            continue
        line = line.strip(_GO_SPACE)
        if not line:
            continue
        exclusion = line.startswith("!")
        written = line[1:].strip(_GO_SPACE) if exclusion else line
        pattern = IgnorePattern(written, exclusion, number)
        patterns.append(pattern)
        if pattern.error is not None:
            problems.append((number, f"pattern '{line}': {pattern.error}"))
    return DockerIgnore(patterns=patterns, problems=problems)


def ignore_file_for(context_dir: Path, dockerfile: Path | None) -> Path | None:
    """The ignore file BuildKit applies to a build, or None.

    `<Dockerfile name>.dockerignore` beside the Dockerfile wins over
    `<context>/.dockerignore`. A relative `dockerfile` is taken relative to the
    context, as Compose does; None means there is no Dockerfile on disk (for example
    `dockerfile_inline`), so only the context's `.dockerignore` can apply.
    """
    candidates: list[Path] = []
    if dockerfile is not None and dockerfile.name:
        located = dockerfile if dockerfile.is_absolute() else context_dir / dockerfile
        candidates.append(located.with_name(located.name + ".dockerignore"))
    candidates.append(context_dir / ".dockerignore")
    for candidate in candidates:
        try:
            if candidate.is_file():
                return candidate
        except OSError:
            continue
    return None


def misplaced_ignore_file(context_dir: Path, dockerfile: Path | None) -> Path | None:
    """A `.dockerignore` beside the Dockerfile that the build does not read: the
    Dockerfile is in another folder than the context root, and BuildKit finds no
    ignore file of its own (`ignore_file_for` is None). None otherwise."""
    if dockerfile is None or not dockerfile.name or ignore_file_for(context_dir, dockerfile):
        return None
    located = dockerfile if dockerfile.is_absolute() else context_dir / dockerfile
    beside = located.parent / ".dockerignore"
    try:
        if located.parent.resolve() == context_dir.resolve() or not beside.is_file():
            return None
    except (OSError, ValueError):
        return None
    return beside


__all__ = [
    "DockerIgnore",
    "IgnorePattern",
    "go_clean",
    "ignore_file_for",
    "misplaced_ignore_file",
    "parse_dockerignore",
]
