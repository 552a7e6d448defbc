"""Read a Compose YAML file the way Docker Compose does, keeping positions.

Compose uses a YAML 1.2 parser: `22:22` is a string (not the YAML 1.1 base-60
integer 1342) and `yes`/`on`/`no` are strings. Duplicate keys are an error in
Compose; here they are collected so a rule can report them at the repeat.

Values come out as plain Python data (dict, list, str, int, float, bool, None).
Positions travel beside them in a map keyed by the value's path, e.g.
`("services", "web", "ports", 0)`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

try:  # libyaml's C parser: an order of magnitude faster than the pure-Python one
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)


Path = tuple[str | int, ...]

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"
MERGE = "tag:yaml.org,2002:merge"
SEQ = "tag:yaml.org,2002:seq"
_NOT_STRING = frozenset(
    {
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:null",
    }
)
MAP = "tag:yaml.org,2002:map"
RESET = "!reset"

# Expanding aliases may multiply a small file into a huge tree ("billion
# laughs"). Past this many values per document we stop and report the file.
MAX_VALUES = 500_000
# Values that aliases may add beyond those written in the file: a file that repeats
# a block through anchors stays well under it, and expanding it stays well under a
# second (at 500,000 it took seconds and 180 MB).
MAX_ALIAS_VALUES = 100_000
MAX_DEPTH = 200


_IMPLICIT = (
    (BOOL, r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    (INT, r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        FLOAT,
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    (NULL, r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    (MERGE, r"^(?:<<)$", "<"),
)
# first character of a plain scalar -> the (tag, pattern) pairs that may apply
_BY_FIRST: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
for _tag, _regexp, _first in _IMPLICIT:
    for _char in _first:
        _BY_FIRST.setdefault(_char, []).append((_tag, re.compile(_regexp)))


class _Resolver(BaseResolver):
    """The YAML 1.2 core schema, plus merge keys (which Compose supports).

    libyaml's parser asks the resolver for the tag of every untagged node, so
    this is on the hot path: a dictionary lookup by first character replaces
    PyYAML's general resolver (which also walks path resolvers we never use)."""

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass  # no path resolvers: nothing to track

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in _BY_FIRST.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return STR
        return SEQ if kind is SequenceNode else MAP


class _Loader(_Parser, _Resolver):
    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        _Resolver.__init__(self)


class Mark(NamedTuple):
    """1-based positions of a value and of the key that holds it (a tuple: one
    is made for every value of every file)."""

    line: int
    column: int
    key_line: int
    key_column: int


class DuplicateKey(NamedTuple):
    path: Path  # path of the repeated key
    line: int
    column: int
    first_line: int


@dataclass
class YamlDocument:
    data: Any = None
    marks: dict[Path, Mark] = field(default_factory=dict)
    duplicates: list[DuplicateKey] = field(default_factory=list)
    # keys written as numbers, booleans or null (`80:`, `true:`): Compose refuses them
    nonstring_keys: list[DuplicateKey] = field(default_factory=list)
    tags: dict[Path, str] = field(default_factory=dict)  # custom tags such as !reset
    # string values holding a "$" (interpolation candidates), noted while building
    dollars: list[tuple[Path, str]] = field(default_factory=list)

    def mark(self, path: Path) -> Mark:
        """The mark of `path`, or of its nearest ancestor that has one."""
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, Mark(1, 1, 1, 1))


class YamlError(Exception):
    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def load_yaml(text: str) -> list[YamlDocument]:
    """Parse every document of `text`. Raises YamlError (never anything else)."""
    try:
        if text.count("[") + text.count("{") > _DEEP_FLOW_HINT:
            _check_flow_depth(text)  # libyaml's composer recurses in C
        loader = _Loader(text)
        try:
            nodes: list[Node] = []
            while loader.check_node():
                node = loader.get_node()
                if node is not None:
                    nodes.append(node)
        finally:
            dispose = getattr(loader, "dispose", None)
            if dispose is not None:
                dispose()
    except yaml.MarkedYAMLError as exc:
        raise _error(exc, text) from None
    except yaml.YAMLError as exc:  # e.g. ReaderError on control characters
        raise YamlError(str(exc).splitlines()[0] if str(exc) else "invalid YAML") from None
    except RecursionError:
        raise YamlError(f"YAML nesting deeper than {MAX_DEPTH} levels") from None
    if "*" in text:  # only aliases can expand a document beyond its text
        for node in nodes:
            _check_expansion(node)
    return [_Builder().build(node) for node in nodes]


_DEEP_FLOW_HINT = 2_000


def _error(exc: yaml.MarkedYAMLError, text: str) -> YamlError:
    mark = exc.problem_mark or exc.context_mark
    if mark is not None and _char_at(text, mark.line, mark.column) == "\t":
        return YamlError(
            "a tab indents this line, and YAML allows only spaces for indentation; "
            "indent with spaces",
            mark.line + 1,
            mark.column + 1,
        )
    problem = exc.problem or "invalid YAML"
    opened = exc.context_mark
    if (
        opened is not None
        and exc.context == "while scanning a quoted scalar"
        and "end of stream" in problem
    ):
        # the quote is never closed: the mistake is where it opens, not at the end
        quote = _char_at(text, opened.line, opened.column) or '"'
        return YamlError(
            f"the {quote} opened here is never closed, so YAML reads the rest of the file "
            f"as one string; close the quote on this line",
            opened.line + 1,
            opened.column + 1,
        )
    if exc.context:
        problem = f"{problem} ({exc.context}"
        if exc.context_mark is not None and exc.context_mark is not mark:
            problem += f" at line {exc.context_mark.line + 1}"
        problem += ")"
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return YamlError(problem, line, col)


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.splitlines()
    if line < len(lines) and column < len(lines[line]):
        return lines[line][column]
    return ""


def _check_flow_depth(text: str) -> None:
    """Reject absurd nesting from the event stream, which uses no recursion."""
    loader = _Loader(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    m = event.start_mark
                    line, column = (m.line + 1, m.column + 1) if m is not None else (1, 1)
                    raise YamlError(f"YAML nesting deeper than {MAX_DEPTH} levels", line, column)
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    finally:
        dispose = getattr(loader, "dispose", None)
        if dispose is not None:
            dispose()


def _check_expansion(root: Node) -> None:
    """Measure the tree that aliases would expand to, without expanding it.

    A "billion laughs" file is a few lines of nested aliases that stand for
    billions of values; sizes are memoised per node so this costs one pass
    over the nodes actually written in the file.
    """
    size: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in size:
            continue
        if isinstance(node, ScalarNode):
            size[id(node)] = 1
            continue
        children = (
            [n for pair in node.value for n in pair]
            if isinstance(node, MappingNode)
            else list(node.value)
        )
        if children_done:
            open_nodes.discard(id(node))
            size[id(node)] = 1 + sum(size[id(c)] for c in children)
            if size[id(node)] > MAX_VALUES:
                m = node.start_mark
                raise YamlError(
                    f"aliases expand this document to more than {MAX_VALUES:,} values; "
                    "flatten the anchors",
                    m.line + 1,
                    m.column + 1,
                )
            continue
        if id(node) in open_nodes:
            m = node.start_mark
            raise YamlError("an alias refers to its own anchor", m.line + 1, m.column + 1)
        open_nodes.add(id(node))
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in size)
    if size.get(id(root), 0) - len(size) > MAX_ALIAS_VALUES:
        m = root.start_mark
        raise YamlError(
            f"aliases add more than {MAX_ALIAS_VALUES:,} values to this document "
            f"({size[id(root)]:,} in all from {len(size):,} written); flatten the anchors",
            m.line + 1,
            m.column + 1,
        )


class _Builder:
    """Plain values and their marks from a composed node tree.

    This runs once for every value of every file, so the common cases are written
    out inline: a string scalar, a mark made without NamedTuple's Python-level
    constructor, a child's path and mark built where its parent meets it."""

    def __init__(self) -> None:
        self.doc = YamlDocument()
        # key positions already reported: a mapping under an anchor is built once
        # per alias that merges it, but its mistakes are written (and reported) once
        self._built: set[int] = set()  # ids of the mapping nodes built so far

    def build(self, node: Node) -> YamlDocument:
        m = node.start_mark
        self.doc.marks[()] = Mark(m.line + 1, m.column + 1, m.line + 1, m.column + 1)
        self.doc.data = self.value(node, (), 0)
        return self.doc

    def value(self, node: Node, path: Path, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise YamlError(
                f"YAML nesting deeper than {MAX_DEPTH} levels",
                node.start_mark.line + 1,
                node.start_mark.column + 1,
            )
        tag = node.tag
        if path and tag and tag[0] == "!":
            self.doc.tags[path] = tag
        kind = type(node)
        if kind is ScalarNode:
            value = node.value if tag == STR else _scalar(node)  # type: ignore[arg-type]
            if type(value) is str and "$" in value:
                self.doc.dollars.append((path, value))
            return value
        if kind is SequenceNode:
            items: list[Any] = []
            marks = self.doc.marks
            for item in node.value:
                if item.tag == RESET:  # Compose drops the item (see mapping())
                    continue
                child = (*path, len(items))
                m = item.start_mark
                line, column = m.line + 1, m.column + 1
                marks[child] = _mark(Mark, (line, column, line, column))
                items.append(self.value(item, child, depth + 1))
            return items
        if kind is MappingNode:
            return self.mapping(node, path, depth)  # type: ignore[arg-type]
        return None  # pragma: no cover

    def mapping(self, node: MappingNode, path: Path, depth: int) -> dict[str, Any]:
        # `<<: *base` fills in keys the mapping does not set itself; with a
        # list of bases, earlier bases win over later ones.
        result: dict[str, Any] = {}
        report = id(node) not in self._built
        self._built.add(id(node))
        pairs = node.value
        merges = [pair for pair in pairs if pair[0].tag == MERGE]
        merge_line = 0
        for key_node, value_node in merges:
            if merge_line and report:  # Compose refuses a second `<<` like any repeated key
                self._duplicate((*path, "<<"), key_node, merge_line)
            merge_line = merge_line or key_node.start_mark.line + 1
            bases = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
            for base in reversed(bases):
                if isinstance(base, MappingNode):
                    result.update(self.mapping(base, path, depth))
        first_line: dict[str, int] = {}
        doc = self.doc
        marks = doc.marks
        for key_node, value_node in pairs:
            key_tag = key_node.tag
            if key_tag == MERGE:
                continue
            key = key_node.value if type(key_node) is ScalarNode else _key(key_node)
            child = (*path, key)
            k = key_node.start_mark
            key_line, key_column = k.line + 1, k.column + 1
            if report:
                if key_tag != STR and key_tag in _NOT_STRING:
                    doc.nonstring_keys.append(
                        _duplicate(DuplicateKey, (child, key_line, key_column, key_line))
                    )
                if key in first_line:
                    self._duplicate(child, key_node, first_line[key])
            first_line[key] = key_line
            if value_node.tag == RESET:
                # Compose drops a `!reset` value from its own file (whatever it is
                # written with) and, merging files, removes what earlier ones set
                # (load.merge); a value merged in with `<<` stays, and keeps its place
                doc.tags[child] = RESET
                continue
            v = value_node.start_mark
            marks[child] = _mark(Mark, (v.line + 1, v.column + 1, key_line, key_column))
            result[key] = self.value(value_node, child, depth + 1)
        return result

    def _duplicate(self, path: Path, key_node: Node, first_line: int) -> None:
        mark = key_node.start_mark
        self.doc.duplicates.append(DuplicateKey(path, mark.line + 1, mark.column + 1, first_line))


# tuple.__new__ makes a NamedTuple without the Python-level __new__ it is given
_mark = tuple.__new__
_duplicate = tuple.__new__


def _key(node: Node) -> str:
    if isinstance(node, ScalarNode):
        return str(node.value)
    kind = "sequence" if isinstance(node, SequenceNode) else "mapping"
    return f"<{kind} key at line {node.start_mark.line + 1}>"


def _scalar(node: ScalarNode) -> Any:
    tag, text = node.tag, node.value
    try:
        if tag == STR:
            return text
        if tag == NULL:
            return None
        if tag == BOOL:
            return text.lower() == "true"
        if tag == INT:
            if text.startswith(("0o", "0x")):
                return int(text[2:], 8 if text[1] == "o" else 16)
            return int(text)
        if tag == FLOAT:
            return float(
                text.lower().replace(".", "", 1)
                if text.lower().lstrip("+-") in (".inf", ".nan")
                else text
            )
    except ValueError:
        return text
    return text
