"""Configuration: `.compose-project-lint.yaml` or `[tool.compose-project-lint]` in
pyproject.toml.

Found by walking up from each linted project's directory to the repository
root (the first directory holding `.git`), or given with `--config FILE`.
The older names `.compose-lint.yaml`/`.yml` and `[tool.compose-lint]` are read
only when their content is this tool's schema: another tool (the PyPI
`compose-lint` security linter) uses the same names for a different schema,
and its file is then ignored with one note.

    select: [CL1, CL5]              # replaces the default rule set
    extend-select: [CL327]          # adds to it
    ignore: [obsolete-version]
    per-file-ignores:
      "legacy/**": [CL101]
    severity:
      CL101: error
    fail-on: warning
    rule-options:
      eol-base-image:
        reference-date: "2026-01-01"
    exclude: [".git", "vendor/"]    # gitignore-style; replaces the default list
    extend-exclude: ["testdata/"]   # adds to it
    respect-gitignore: true
    inline-suppressions: true       # false: every "# compose-lint:" comment is ignored
"""

from __future__ import annotations

import datetime
import fnmatch
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compose_lint.discover import SKIP_DIRS
from compose_lint.findings import Severity

TOOL = "compose-project-lint"  # the distribution's name: [tool.compose-project-lint]
LEGACY_TOOL = "compose-lint"  # also another tool's name: read only when it is our schema
_TOOL_TABLE = re.compile(
    r'^\s*\[\s*tool\s*\.\s*"?(?P<name>compose-project-lint|compose-lint)"?\s*[\].]', re.M
)
CONFIG_NAMES = (".compose-project-lint.yaml", ".compose-project-lint.yml")
LEGACY_NAMES = (".compose-lint.yaml", ".compose-lint.yml")
FAIL_ON = ("error", "warning", "info", "never")
KEYS = (
    "select",
    "extend-select",
    "ignore",
    "per-file-ignores",
    "severity",
    "fail-on",
    "rule-options",
    "exclude",
    "extend-exclude",
    "respect-gitignore",
    "inline-suppressions",
)
# searched for compose files by no one: version control, dependencies, caches (the
# folders discovery never enters), and CI definitions
DEFAULT_EXCLUDE: tuple[str, ...] = (*sorted(SKIP_DIRS), ".github")


#: Set to YYYY-MM-DD to judge end of life as of that day (reproducible CI runs): the
#: `reference-date` of every rule that takes one, over any config file.
EOL_DATE_VARIABLE = "COMPOSE_LINT_EOL_DATE"


def environment_options() -> tuple[tuple[str, Any], ...]:
    """Rule options set by the environment (the CLI rejects a malformed value first;
    here it is ignored)."""
    text = os.environ.get(EOL_DATE_VARIABLE, "").strip()
    try:
        return (("reference-date", datetime.date.fromisoformat(text)),) if text else ()
    except ValueError:
        return ()


class ConfigError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)  # rule code -> severity
    fail_on: str | None = None
    settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # code -> options
    exclude: tuple[str, ...] | None = None  # None: DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    respect_gitignore: bool | None = None  # None: yes
    inline_suppressions: bool = True

    @property
    def excludes(self) -> tuple[str, ...]:
        """The gitignore-style patterns that keep paths out, relative to the config."""
        return (DEFAULT_EXCLUDE if self.exclude is None else self.exclude) + self.extend_exclude

    def ignored_for(self, path: Path) -> tuple[str, ...]:
        """Rules `per-file-ignores` turns off for `path` (globs relative to the config)."""
        if not self.per_file_ignores or self.path is None:
            return ()
        try:
            rel = os.path.relpath(path, self.path.parent).replace(os.sep, "/")
        except ValueError:
            return ()
        found: list[str] = []
        for pattern, rules in self.per_file_ignores:
            if fnmatch.fnmatchcase(rel, pattern) or fnmatch.fnmatchcase(rel, f"{pattern}/*"):
                found.extend(rules)
        return tuple(found)


def find_config(
    directory: Path,
    foreign: list[Path] | None = None,
    known: dict[Path, Path | None] | None = None,
) -> Path | None:
    """The nearest config file at or above `directory`, stopping at the repository root.
    A legacy-named file that holds another tool's configuration is passed over and
    added to `foreign`. `known`: the answers found so far in this run, by directory
    (filled in on the way, so directories that share parents look at each one once)."""
    visited: list[Path] = []
    found = _find_config(directory, foreign, known, visited)
    if known is not None:
        for seen in visited:
            known[seen] = found
    return found


def _find_config(
    current: Path,
    foreign: list[Path] | None,
    known: dict[Path, Path | None] | None,
    visited: list[Path],
) -> Path | None:
    while True:
        if known is not None and current in known:
            return known[current]
        visited.append(current)
        for name in CONFIG_NAMES:
            candidate = current / name
            if candidate.is_file():
                return candidate
        for name in LEGACY_NAMES:
            candidate = current / name
            if candidate.is_file():
                if is_ours(candidate):
                    return candidate
                if foreign is not None and candidate not in foreign:
                    foreign.append(candidate)
        pyproject = current / "pyproject.toml"
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
        if (current / ".git").exists() or current.parent == current:
            return None
        current = current.parent


def foreign_note(path: Path) -> str:
    """What to say, once, about a legacy-named config file that is not ours."""
    return (
        f"{path}: ignored: it is another tool's configuration (keys this tool does not "
        f"know); compose-lint reads {CONFIG_NAMES[0]}"
    )


def is_ours(path: Path) -> bool:
    """A legacy-named config file whose content is this tool's schema: a mapping of
    known keys (or empty). Unreadable or unparseable counts as ours, so its error
    is reported rather than hidden."""
    from compose_lint.load.files import ReadError, read_text
    from compose_lint.load.yaml import YamlError, load_yaml

    try:
        docs = load_yaml(read_text(path))
    except (ReadError, YamlError):
        return True
    data = docs[0].data if docs else None
    if data is None:
        return True
    return isinstance(data, dict) and all(key in KEYS for key in data)


def _has_tool_table(pyproject: Path) -> bool:
    from compose_lint.load.files import ReadError, read_bytes

    try:  # a regular file only: a FIFO named pyproject.toml must not block the run
        text = read_bytes(pyproject).decode("utf-8", errors="replace")
    except ReadError:
        return False
    return _TOOL_TABLE.search(text) is not None


def load_config(path: Path) -> Config:
    """Read and validate a config file. Raises ConfigError naming the file and key."""
    from compose_lint.load.files import ReadError, read_text

    try:
        text = read_text(path)
    except ReadError as exc:
        raise ConfigError(f"{path}: {exc.message}") from None
    if path.name == "pyproject.toml":
        raw = _toml_table(path, text)
        if raw is None:
            return Config(path=path)
    else:
        from compose_lint.load.yaml import YamlError, load_yaml

        try:
            docs = load_yaml(text)
        except YamlError as exc:
            raise ConfigError(f"{path}:{exc.line}:{exc.column}: {exc.message}") from None
        raw = docs[0].data if docs else None
        if raw is None:
            return Config(path=path)
    return parse_config(raw, path)


def _toml_table(path: Path, text: str) -> Any:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        return None
    if TOOL in tool:
        return tool[TOOL]
    legacy = tool.get(LEGACY_TOOL)
    if isinstance(legacy, dict) and all(key in KEYS for key in legacy):
        return legacy
    return None  # [tool.compose-lint] of another tool


def parse_config(raw: Any, path: Path) -> Config:
    from compose_lint.registry import find_info, known_rules, matches

    where = f"{path}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: the configuration must be a mapping of keys to values")
    for key in raw:
        if key not in KEYS:
            import difflib

            close = difflib.get_close_matches(str(key), KEYS, n=1)
            hint = f'; did you mean "{close[0]}"?' if close else f"; valid keys: {', '.join(KEYS)}"
            raise ConfigError(f'{where}: unknown key "{key}"{hint}')

    def rule_list(key: str, value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [v for v in value.split(",") if v.strip()]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f'{where}: "{key}" must be a list of rule codes or names')
        for selector in value:
            if not any(matches(r, selector) for r in known_rules()):
                raise ConfigError(f'{where}: "{key}" names an unknown rule "{selector}"')
        return tuple(v.strip() for v in value)

    def one_rule(key: str, ident: Any) -> str:
        r = find_info(str(ident))
        if r is None:
            raise ConfigError(f'{where}: "{key}" names an unknown rule "{ident}"')
        return r.code

    select = rule_list("select", raw["select"]) if "select" in raw else None
    extend = rule_list("extend-select", raw.get("extend-select", []))
    ignore = rule_list("ignore", raw.get("ignore", []))

    per_file: list[tuple[str, tuple[str, ...]]] = []
    pfi = raw.get("per-file-ignores", {})
    if not isinstance(pfi, dict):
        raise ConfigError(f'{where}: "per-file-ignores" must map file globs to lists of rules')
    for pattern, rules in pfi.items():
        per_file.append((str(pattern), rule_list(f"per-file-ignores.{pattern}", rules)))

    severity: dict[str, Severity] = {}
    sev = raw.get("severity", {})
    if not isinstance(sev, dict):
        raise ConfigError(f'{where}: "severity" must map rules to error, warning or info')
    for ident, level in sev.items():
        code = one_rule("severity", ident)
        try:
            severity[code] = Severity.parse(str(level))
        except ValueError as exc:
            raise ConfigError(f"{where}: severity.{ident}: {exc}") from None

    fail_on = raw.get("fail-on")
    if fail_on is not None and str(fail_on).lower() not in FAIL_ON:
        raise ConfigError(f'{where}: "fail-on" must be one of {", ".join(FAIL_ON)}')

    def patterns(key: str) -> tuple[str, ...] | None:
        if key not in raw:
            return None
        value = raw[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f'{where}: "{key}" must be a list of gitignore-style patterns')
        return tuple(value)

    def flag(key: str) -> bool | None:
        value = raw.get(key)
        if value is not None and not isinstance(value, bool):
            raise ConfigError(f'{where}: "{key}" must be true or false')
        return value

    settings: dict[str, dict[str, Any]] = {}
    options = raw.get("rule-options", {})
    if not isinstance(options, dict):
        raise ConfigError(f'{where}: "rule-options" must map rules to their options')
    for ident, values in options.items():
        code = one_rule("rule-options", ident)
        r = find_info(code)
        assert r is not None
        if not isinstance(values, dict):
            raise ConfigError(f"{where}: rule-options.{ident} must be a mapping")
        settings[code] = {
            name: _option_value(where, f"rule-options.{ident}.{name}", r.options, name, value)
            for name, value in values.items()
        }
    return Config(
        path=path,
        select=select,
        extend_select=extend,
        ignore=ignore,
        per_file_ignores=tuple(per_file),
        severity=severity,
        fail_on=str(fail_on).lower() if fail_on is not None else None,
        settings=settings,
        exclude=patterns("exclude"),
        extend_exclude=patterns("extend-exclude") or (),
        respect_gitignore=flag("respect-gitignore"),
        inline_suppressions=flag("inline-suppressions") is not False,
    )


def _option_value(
    where: str, dotted: str, declared: Mapping[str, str], name: str, value: Any
) -> Any:
    kind = declared.get(name)
    if kind is None:
        known = ", ".join(declared) or "none"
        raise ConfigError(f'{where}: unknown option "{dotted}" (this rule\'s options: {known})')
    if kind == "date":
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            raise ConfigError(f"{where}: {dotted} must be a date like 2026-01-31") from None
    if kind == "list[str]":
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        raise ConfigError(f"{where}: {dotted} must be a list of strings")
    if kind == "str":
        if isinstance(value, str):
            return value
        raise ConfigError(f"{where}: {dotted} must be a string")
    if kind == "bool":
        if isinstance(value, bool):
            return value
        raise ConfigError(f"{where}: {dotted} must be true or false")
    return value


def merge_cli(
    config: Config,
    select: Sequence[str],
    ignore: Sequence[str],
    extend_select: Sequence[str] = (),
    fail_on: str | None = None,
) -> Config:
    """Command-line options win over the file: --select replaces, --ignore adds.
    (--exclude and --extend-exclude are relative to the working directory, not to
    the config file: the exclusion applies them separately.)"""
    from dataclasses import replace

    return replace(
        config,
        select=tuple(select) if select else config.select,
        extend_select=config.extend_select + tuple(extend_select),
        ignore=config.ignore + tuple(ignore),
        fail_on=fail_on or config.fail_on,
    )
