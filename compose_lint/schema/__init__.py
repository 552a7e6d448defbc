"""Validate a loaded Compose document against compose-lint's own Compose schema.

The schema (``compose.schema.json``, draft-07) is written for this project from the
Compose Specification and checked against Docker Compose 2.40.

Two validators share that one schema:

* a small, fast yes/no validator compiled once per process into closures. It knows
  exactly the JSON Schema keywords the schema uses (see ``_SUPPORTED``) and is all a
  valid file ever costs;
* only when a document is invalid, ``jsonschema``'s ``Draft7Validator`` (imported
  lazily, extended with the same interpolation rule) explains every violation, and
  the explanations are mapped to :class:`SchemaError`.

Values are validated before interpolation: a string holding a ``${VAR}`` or ``$VAR``
reference (``$$`` is a literal dollar) stands for "some value" and satisfies every
scalar constraint (type string/number/integer/boolean, enum, const, pattern,
minimum, maximum).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import Any, NamedTuple, cast

__all__ = ["SchemaError", "dotted", "is_interpolated", "is_valid", "load_schema", "validate"]

Path = tuple[str | int, ...]
Check = Callable[[object], bool]


class SchemaError(NamedTuple):
    """One schema violation.

    ``path`` is where the fix belongs, e.g. ``("services", "web", "portz")``.
    ``at_key`` is True when the key itself is the problem (an unknown key), so a
    report points at the key rather than at its value.
    """

    path: Path
    at_key: bool
    message: str


# ``$`` followed by ``{`` or a name start, not escaped as ``$$``: the lookbehind makes
# the match begin at the start of a run of ``$`` so that pairs are consumed first.
_INTERPOLATION = re.compile(r"(?<!\$)(?:\$\$)*\$(?:\{|[A-Za-z_])")


def is_interpolated(value: object) -> bool:
    """True for a string whose value is only known after interpolation."""
    return isinstance(value, str) and "$" in value and _INTERPOLATION.search(value) is not None


@cache
def load_schema() -> dict[str, Any]:
    """The packaged Compose schema (parsed once per process)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "compose.schema.json")
    with open(path, encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


# --------------------------------------------------------------------------------------
# Fast validator
# --------------------------------------------------------------------------------------

# Keywords that change the verdict and that the compiler implements. Anything else in the
# schema is an annotation; an unknown assertion keyword is a compile error, not ignored.
_SUPPORTED = frozenset(
    {
        "$ref",
        "type",
        "enum",
        "const",
        "pattern",
        "minimum",
        "maximum",
        "properties",
        "patternProperties",
        "additionalProperties",
        "required",
        "items",
        "additionalItems",
        "anyOf",
    }
)
_ANNOTATIONS = frozenset(
    {"$schema", "$id", "title", "description", "definitions", "expected", "$comment"}
)
_SCALAR_TYPES = frozenset({"string", "number", "integer", "boolean"})


def _is_integer(v: object) -> bool:
    if isinstance(v, bool):
        return False
    return isinstance(v, int) or (isinstance(v, float) and v.is_integer())


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


_TYPE_TESTS: dict[str, Check] = {
    "string": lambda v: isinstance(v, str),
    "integer": _is_integer,
    "number": _is_number,
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
}


def _json_equal(a: object, b: object) -> bool:
    """JSON equality: booleans are not numbers, 1 == 1.0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return bool(a == b)


def _string_keys(v: object) -> bool:
    """Free-form content (x-* values, opaque mappings): only its keys are checked, since
    Compose refuses a non-string mapping key anywhere in the file."""
    if isinstance(v, dict):
        for key, value in v.items():
            if not isinstance(key, str) or not _string_keys(value):
                return False
    elif isinstance(v, list):
        for value in v:  # noqa: SIM110 - hot loop
            if not _string_keys(value):
                return False
    return True


def _never(_: object) -> bool:
    return False


class _Compiler:
    """Turns the schema into nested closures; each closure answers "is this valid?"."""

    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.refs: dict[str, Check] = {}

    def ref(self, pointer: str) -> Check:
        """A check for the definition at `pointer`, compiled the first time a value
        needs it: most files touch a small part of the schema, and compiling all of
        it would cost more than a typical file's whole check. Also ends recursion."""
        if pointer not in self.refs:
            cell: list[Check] = []

            def lazy(value: object) -> bool:
                if not cell:
                    cell.append(self.compile(self.resolve(pointer)))
                return cell[0](value)

            self.refs[pointer] = lazy
        return self.refs[pointer]

    def lazy(self, schema: Any) -> Check:
        """`compile(schema)`, done when a value first needs it (a file uses few keys)."""
        cell: list[Check] = []

        def check(value: object) -> bool:
            if not cell:
                cell.append(self.compile(schema))
            return cell[0](value)

        return check

    def resolve(self, pointer: str) -> Any:
        if not pointer.startswith("#"):
            raise ValueError(f"only local $ref is supported: {pointer}")
        node: Any = self.root
        for part in pointer[1:].split("/"):
            if part:
                node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def compile(self, schema: Any) -> Check:
        if schema is False:
            return _never
        if schema is True or set(schema) <= _ANNOTATIONS:
            return _string_keys
        unknown = set(schema) - _SUPPORTED - _ANNOTATIONS
        if unknown:
            raise ValueError(
                f"schema keyword(s) not supported by the fast validator: {sorted(unknown)}"
            )
        checks: list[Check] = []
        if "$ref" in schema:
            # draft-07: siblings of $ref are ignored
            return self.ref(schema["$ref"])
        if "type" in schema:
            checks.append(self._type(schema["type"]))
        if "enum" in schema:
            checks.append(self._enum(list(schema["enum"])))
        if "const" in schema:
            checks.append(self._enum([schema["const"]]))
        if "pattern" in schema:
            checks.append(self._pattern(schema["pattern"]))
        if "minimum" in schema or "maximum" in schema:
            checks.append(self._range(schema.get("minimum"), schema.get("maximum")))
        if {"properties", "patternProperties", "additionalProperties", "required"} & set(schema):
            checks.append(self._object(schema))
        elif "object" in (
            [schema["type"]] if isinstance(schema.get("type"), str) else schema.get("type", [])
        ):
            checks.append(_string_keys)  # an opaque mapping
        if "items" in schema:
            checks.append(self._items(schema["items"], schema.get("additionalItems", True)))
        if "anyOf" in schema:
            checks.append(self._any_of(schema["anyOf"]))
        if not checks:
            return _string_keys
        if len(checks) == 1:
            return checks[0]
        if len(checks) == 2:
            first, second = checks
            return lambda v: first(v) and second(v)
        return lambda v: all(c(v) for c in checks)

    @staticmethod
    def _type(types: str | list[str]) -> Check:
        names = [types] if isinstance(types, str) else list(types)
        tests = [_TYPE_TESTS[n] for n in names]
        scalar = bool(_SCALAR_TYPES & set(names))
        if names == ["string"]:
            return lambda v: isinstance(v, str)
        if names == ["object"]:
            return lambda v: isinstance(v, dict)
        if names == ["array"]:
            return lambda v: isinstance(v, list)

        def check(v: object) -> bool:
            for test in tests:
                if test(v):
                    return True
            return scalar and is_interpolated(v)

        return check

    @staticmethod
    def _enum(values: list[Any]) -> Check:
        if all(isinstance(x, str) for x in values):
            allowed = frozenset(values)
            return lambda v: (isinstance(v, str) and v in allowed) or is_interpolated(v)
        return lambda v: any(_json_equal(v, x) for x in values) or is_interpolated(v)

    @staticmethod
    def _pattern(pattern: str) -> Check:
        search = re.compile(pattern).search
        return lambda v: not isinstance(v, str) or search(v) is not None or is_interpolated(v)

    @staticmethod
    def _range(low: float | None, high: float | None) -> Check:
        def check(v: object) -> bool:
            if not _is_number(v):
                return True
            return (low is None or v >= low) and (high is None or v <= high)  # type: ignore[operator]

        return check

    def _object(self, schema: dict[str, Any]) -> Check:
        props = {k: self.lazy(s) for k, s in schema.get("properties", {}).items()}
        patterns = [
            (re.compile(p).search, self.compile(s))
            for p, s in schema.get("patternProperties", {}).items()
        ]
        extra = schema.get("additionalProperties", True)
        extra_check = None if extra is False else self.compile(extra)
        required = tuple(schema.get("required", ()))
        # A declared property that also matches a pattern must satisfy both: rare, so such
        # names take the slow path and every other declared name costs one dict lookup.
        shadowed = {k for k in props if any(search(k) for search, _ in patterns)}
        fast_props = {k: f for k, f in props.items() if k not in shadowed}

        def check(v: object) -> bool:
            if not isinstance(v, dict):
                return True
            for key, value in v.items():
                f = fast_props.get(key)
                if f is not None:
                    if not f(value):
                        return False
                    continue
                if not isinstance(key, str):
                    return False  # Compose refuses non-string keys
                matched = False
                if key in props:
                    matched = True
                    if not props[key](value):
                        return False
                for search, sub in patterns:
                    if search(key) is not None:
                        matched = True
                        if not sub(value):
                            return False
                if not matched and (extra_check is None or not extra_check(value)):
                    return False
            for name in required:  # noqa: SIM110 - a plain loop beats all() + genexpr here
                if name not in v:
                    return False
            return True

        return check

    def _items(self, items: Any, additional: Any) -> Check:
        if isinstance(items, list):
            # tuple form: one schema per leading position, additionalItems for the rest
            heads = [self.compile(s) for s in items]
            rest = self.compile(additional)
            count = len(heads)

            def check_tuple(v: object) -> bool:
                if not isinstance(v, list):
                    return True
                for i, x in enumerate(v):  # noqa: SIM110 - hot loop
                    if not (heads[i] if i < count else rest)(x):
                        return False
                return True

            return check_tuple
        sub = self.compile(items)

        def check(v: object) -> bool:
            if not isinstance(v, list):
                return True
            for x in v:  # noqa: SIM110 - hot loop
                if not sub(x):
                    return False
            return True

        return check

    def _any_of(self, branches: list[Any]) -> Check:
        subs = [self.compile(b) for b in branches]

        def check(v: object) -> bool:
            for sub in subs:  # noqa: SIM110 - hot loop
                if sub(v):
                    return True
            return False

        return check


@cache
def _fast_validator() -> Check:
    schema = load_schema()
    return _Compiler(schema).compile(schema)


def is_valid(data: object) -> bool:
    """The schema verdict alone, without explanations (fast path)."""
    return _fast_validator()(data)


# --------------------------------------------------------------------------------------
# Detailed errors (slow path, jsonschema)
# --------------------------------------------------------------------------------------


@cache
def _detailed_validator() -> Any:
    """Draft7Validator for our schema, taught the interpolation rule (built once)."""
    from jsonschema import Draft7Validator, validators

    base = Draft7Validator.VALIDATORS

    def tolerant(keyword: str) -> Callable[..., Iterator[Any]]:
        original = base[keyword]

        def check(validator: Any, value: Any, instance: Any, schema: Any) -> Iterator[Any]:
            if is_interpolated(instance):
                if keyword != "type":
                    return
                names = [value] if isinstance(value, str) else value
                if _SCALAR_TYPES & set(names):
                    return
            yield from original(validator, value, instance, schema)

        return check

    cls = validators.extend(
        Draft7Validator,
        {k: tolerant(k) for k in ("type", "enum", "const", "pattern", "minimum", "maximum")},
    )
    return cls(load_schema())


def _normalized(data: object) -> object:
    """Mapping keys as strings, so that jsonschema can check the rest of the document
    (non-string keys are reported on their own, see ``_non_string_keys``)."""
    if isinstance(data, dict):
        if all(isinstance(k, str) for k in data):
            if not any(isinstance(x, (dict, list)) for x in data.values()):
                return data
            return {k: _normalized(x) for k, x in data.items()}
        return {str(k): _normalized(x) for k, x in data.items()}
    if isinstance(data, list):
        return [_normalized(x) for x in data]
    return data


def _original_path(data: object, path: Iterable[str | int]) -> Path:
    """Map a path through the normalized copy back to the document's own keys."""
    out: list[str | int] = []
    node = data
    for part in path:
        if isinstance(node, dict) and part not in node:
            part = next((k for k in node if str(k) == part), part)
        out.append(part)
        try:
            node = node[part]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            node = None
    return tuple(out)


def dotted(path: Iterable[str | int]) -> str:
    """``("services", "web", "ports", 0)`` -> ``services.web.ports[0]``."""
    text = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _describe(value: object) -> str:
    """What the user wrote, for "got ..." in messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean {'true' if value else 'false'}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"string {json.dumps(shown)}"
    if isinstance(value, int):
        return f"integer {value}"
    if isinstance(value, float):
        return f"number {value:g}"
    return type(value).__name__


_TYPE_WORDS = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "null": "null",
    "object": "a mapping",
    "array": "a list",
}


_PLURALS = {
    "string": "strings",
    "integer": "integers",
    "number": "numbers",
    "boolean": "booleans",
    "null": "nulls",
    "object": "mappings",
    "array": "lists",
}


def _join(words: list[str]) -> str:
    unique = list(dict.fromkeys(w for w in words if w))
    if len(unique) <= 1:
        return unique[0] if unique else "something else"
    return ", ".join(unique[:-1]) + " or " + unique[-1]


class _Explainer:
    """Turns jsonschema errors into SchemaErrors that name the user's actual mistake."""

    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root

    # -- what a schema expects, in words -------------------------------------------------
    def expected(self, schema: Any, depth: int = 0) -> str:
        if not isinstance(schema, dict) or depth > 8:
            return "something else"
        if "expected" in schema:
            return str(schema["expected"])
        if "$ref" in schema:
            return self.expected(_Compiler(self.root).resolve(schema["$ref"]), depth + 1)
        if "anyOf" in schema:
            return _join([self.expected(b, depth + 1) for b in schema["anyOf"]])
        if "const" in schema:
            return json.dumps(schema["const"])
        if "enum" in schema:
            return "one of " + ", ".join(json.dumps(x) for x in schema["enum"])
        if "pattern" in schema:
            return f"a string matching {schema['pattern']}"
        types = schema.get("type")
        if types is None:
            return "something else"
        names = [types] if isinstance(types, str) else list(types)
        items = schema.get("items")
        if names == ["array"] and isinstance(items, dict):
            simple = items.get("type") if set(items) <= {"type", "description"} else None
            if isinstance(simple, str):
                return f"a list of {_PLURALS[simple]}"
            return f"a list, each item {self.expected(items, depth + 1)}"
        return _join([_TYPE_WORDS[n] for n in names])

    # -- error selection ----------------------------------------------------------------
    def leaves(self, error: Any) -> list[Any]:
        """The errors to report for one top-level error, descending into anyOf."""
        if error.validator != "anyOf" or not error.context:
            return [error]
        branches: dict[int, list[Any]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        # A branch "fits" when the value has the right shape for it and it failed deeper
        # down (wrong key inside a mapping, wrong item in a list): that is the mistake.
        fitting = {
            i: errs for i, errs in branches.items() if not any(self.shallow(e) for e in errs)
        }
        if not fitting or all(self.missing_only(errs) for errs in branches.values()):
            return [error]
        # Prefer the branch with the fewest, then the deepest, complaints.
        best = min(
            fitting.values(),
            key=lambda errs: (len(errs), -max(len(e.absolute_path) for e in errs)),
        )
        out: list[Any] = []
        for sub in best:
            out.extend(self.leaves(sub))
        return out

    @staticmethod
    def missing_only(errors: list[Any]) -> bool:
        """The branch only lacks a key (``anyOf`` of ``required``: "one of these keys")."""
        return all(e.validator == "required" and len(e.relative_path) == 0 for e in errors)

    @staticmethod
    def shallow(error: Any) -> bool:
        """A complaint about the value's own type or form, not about its contents."""
        if len(error.relative_path) != 0:
            return False
        if error.validator in ("type", "enum", "const", "pattern", "minimum", "maximum"):
            return True
        if error.validator == "anyOf":
            return all(_Explainer.shallow(e) for e in error.context)
        return False

    # -- messages -------------------------------------------------------------------------
    def explain(self, error: Any, data: object) -> Iterator[SchemaError]:
        path = _original_path(data, error.absolute_path)
        where = dotted(path)
        kind = error.validator
        if kind == "additionalProperties":
            yield from self.unknown_keys(error, data, path)
            return
        if kind == "required":
            missing = re.findall(r"'([^']*)' is a required property", error.message)
            name = missing[0] if missing else str(error.validator_value)
            yield SchemaError(path, False, f'{where or "the file"}: missing required key "{name}"')
            return
        if kind == "anyOf" and error.context and self.missing_only(list(error.context)):
            keys = [str(name) for sub in error.context for name in sub.validator_value]
            listed = ", ".join(f'"{k}"' for k in dict.fromkeys(keys))
            yield SchemaError(path, False, f"{where}: needs one of the keys {listed}")
            return
        if kind in ("type", "anyOf", "enum", "const", "pattern", "minimum", "maximum"):
            expected = self.expected(error.schema)
            got = _describe(error.instance)
            hint = ""
            if kind == "enum" and isinstance(error.instance, str):
                close = _closest(error.instance, [str(x) for x in error.validator_value])
                hint = f'; did you mean "{close}"?' if close else ""
            if kind in ("minimum", "maximum"):
                bound = "at least" if kind == "minimum" else "at most"
                expected = f"a number {bound} {error.validator_value}"
            if not where:
                yield SchemaError(
                    path, False, f"the top level of a Compose file must be a mapping, got {got}"
                )
                return
            yield SchemaError(path, False, f"{where}: expected {expected}, got {got}{hint}")
            return
        yield SchemaError(path, False, f"{where or 'the file'}: {error.message}")

    def unknown_keys(self, error: Any, data: object, path: Path) -> Iterator[SchemaError]:
        schema = error.schema
        props = list(schema.get("properties", {}))
        patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
        instance = error.instance
        where = dotted(path)
        originals = {str(k): k for k in (_resolve(data, path) or {})}
        for key in instance:
            if key in props or any(p.search(key) for p in patterns):
                continue
            key_path = (*path, originals.get(key, key))
            if not props:
                rules = [
                    _NAME_RULES.get(p.pattern, p.pattern) for p in patterns if p.pattern != "^x-"
                ]
                rule = " or ".join(rules) or "nothing"
                yield SchemaError(key_path, True, f'invalid name "{key}" in {where}: {rule}')
                continue
            close = _closest(key, props)
            hint = f'; did you mean "{close}"?' if close else ""
            if not hint and any(p.pattern == "^x-" for p in patterns):
                hint = '; custom keys must start with "x-"'
            place = f"in {where}" if where else "at the top level"
            yield SchemaError(key_path, True, f'unknown key "{key}" {place}{hint}')


def _closest(word: str, choices: list[str]) -> str | None:
    """The valid spelling the user most likely meant (difflib, then ignoring case)."""
    import difflib  # only when a name is misspelt

    close = difflib.get_close_matches(word, choices, 1, 0.6)
    if close:
        return close[0]
    lowered = {c.lower(): c for c in choices}
    if word.lower() in lowered:
        return lowered[word.lower()]
    close = difflib.get_close_matches(word.lower(), list(lowered), 1, 0.6)
    return lowered[close[0]] if close else None


_NAME_RULES = {
    "^[a-zA-Z0-9._-]+$": "a name may only contain letters, digits, '.', '_' and '-'",
}


def _resolve(data: object, path: Path) -> Any:
    node = data
    for part in path:
        try:
            node = node[part]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _non_string_keys(data: object, path: Path = ()) -> Iterator[tuple[Path, object]]:
    """(path of the mapping, key) for every key that is not a string."""
    if isinstance(data, dict):
        for key, value in data.items():
            if not isinstance(key, str):
                yield path, key
            yield from _non_string_keys(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _non_string_keys(value, (*path, index))


def _key_text(key: object) -> str:
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def _detailed_is_valid(data: object) -> bool:
    """The slow path's verdict (tests compare it with the fast validator)."""
    if next(_non_string_keys(data), None) is not None:
        return False
    return bool(_detailed_validator().is_valid(_normalized(data)))


def _explain(data: object) -> list[SchemaError]:
    explainer = _Explainer(load_schema())
    found: dict[tuple[Path, bool], SchemaError] = {}
    for path, key in _non_string_keys(data):
        text = _key_text(key)
        where = dotted(path) or "the top level"
        message = f'{where}: key {text} is not a string; Compose refuses it, write "{text}"'
        at = cast(Path, (*path, key))  # the key is the offending value, whatever its type
        found[(at, True)] = SchemaError(at, True, message)
    for error in _detailed_validator().iter_errors(_normalized(data)):
        for leaf in explainer.leaves(error):
            for problem in explainer.explain(leaf, data):
                found.setdefault((problem.path, problem.at_key), problem)
    return sorted(
        found.values(),
        key=lambda e: [(0, x) if isinstance(x, int) else (1, str(x)) for x in e.path],
    )


def _is_empty(data: object) -> bool:
    """Compose refuses a file with nothing but (obsolete) ``version`` in it."""
    return data is None or (isinstance(data, dict) and all(k == "version" for k in data))


def validate(data: object) -> list[SchemaError]:
    """Every schema violation in a loaded Compose document; empty when it is valid."""
    problems: list[SchemaError] = []
    if _is_empty(data):
        problems.append(
            SchemaError(
                (),
                False,
                "empty compose file: define at least one of services, networks, volumes, ...",
            )
        )
        if data is None:
            return problems
    if not _fast_validator()(data):
        problems.extend(_explain(data))
    return problems
