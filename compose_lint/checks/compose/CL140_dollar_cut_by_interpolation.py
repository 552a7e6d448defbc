"""CL140 dollar-cut-by-interpolation: a `$` meant literally — in a password hash, in
the middle of a password, before a name only the container (or nginx, or traefik)
knows — that Compose reads as the start of a variable and replaces with nothing.

The cut is the one `model.dollars.literal_dollars` states: a bare `$NAME` that `.env`
does not set, inside a crypt hash, inside the one word of a secret-named value, or
lower case (exported variables are upper case). `${...}`, an upper-case `$NAME`
(`$HOME`, `$DB_PASSWORD`) and names other rules speak of (CL142's env_file variables,
CL145's container variables) stay silent."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Set

from compose_lint.findings import Location, Severity
from compose_lint.model import Project, Service, YamlPath
from compose_lint.model.dollars import (
    Literal,
    Why,
    env_file_definitions,
    literal_dollars,
    referenced_names,
    template_names,
)
from compose_lint.model.secrets import env_files
from compose_lint.model.values import env_file_entries
from compose_lint.registry import Found, rule

_ITEM_LISTS = frozenset({"environment", "args", "labels", "annotations"})


def _key_and_value(path: YamlPath, text: str) -> tuple[str | None, str]:
    """The key a value is written under, and the value: a `NAME=value` item of a
    list-form environment or labels holds both."""
    last = path[-1] if path else None
    if isinstance(last, str):
        return last, text
    if len(path) >= 2 and path[-2] in _ITEM_LISTS and "=" in text:
        name, _, value = text.partition("=")
        return name.strip(), value
    return None, text


def _fix(found: list[Literal]) -> str:
    """How to keep the `$` in the compose file."""
    first = found[0]
    if first.why is Why.HASH:
        return 'write each "$" of the hash as "$$"'
    if first.why is Why.PASSWORD:
        return 'write the "$" as "$$"'
    return f'write "$${first.name}" to keep the "$"'


def _problem(found: list[Literal], source: str) -> str:
    """What interpolation does to the value, without quoting what it holds."""
    hashes = [f for f in found if f.why is Why.HASH]
    if hashes:
        count = len(hashes)
        return (
            f'Compose reads {count} "$" sign{"s" if count > 1 else ""} of this '
            f"{hashes[0].scheme}... password hash as the start of variables (not set {source}),"
            " so the service gets a shortened hash and the password no longer matches"
        )
    if any(f.why is Why.PASSWORD for f in found):
        first = found[0].start + 1
        return (
            f'Compose reads the "$" at character {first} of this secret as the start of a '
            f"variable (not set {source}), so the service gets a shortened value"
        )
    names = ", ".join(f'"${f.name}"' for f in dict.fromkeys(found))
    plural = len({f.name for f in found}) > 1
    return (
        f"Compose reads {names} as {'its own variables' if plural else 'its own variable'}, "
        f"not set {source}, so {'they become' if plural else 'it becomes'} empty"
    )


def _compose_findings(project: Project, elsewhere: _Names) -> Iterator[tuple[Location, str]]:
    by_path: dict[YamlPath, Service] = {s.path: s for s in project.services}
    reported: set[Location] = set()
    for compose in project.compose_files:
        env = compose.interpolation_env
        for path, text in compose.interpolated():
            known = set(env)
            service = by_path.get(tuple(path[:2])) if path[:1] == ("services",) else None
            if service is not None:
                known |= {e.name for e in service.environment}
            key, value = _key_and_value(path, text)
            found = literal_dollars(key, value, _Either(known, elsewhere))
            if not found:
                continue
            where = compose.loc(path)
            if where in reported:
                continue  # the same text again through a YAML alias
            reported.add(where)
            field = ".".join(str(p) for p in path)
            yield where, f"{field}: {_problem(found, 'in .env')}; {_fix(found)}"


@rule(
    "CL140",
    "dollar-cut-by-interpolation",
    Severity.WARNING,
    "A literal `$` (a password hash, a password) is read by Compose as a variable and cut.",
)
def dollar_cut_by_interpolation(project: Project) -> Found:
    # CL142 speaks of the env_file variables; a template (.env.example) names those
    # the author meant for Compose, in a checkout whose .env is not made yet
    # (worked out only once a `$` is found that they could explain: most projects have none)
    elsewhere = _Names(lambda: set(env_file_definitions(project)) | template_names(project))
    yield from _compose_findings(project, elsewhere)
    yield from _env_file_findings(project, elsewhere)


class _Names:
    """A set of names read only when first asked about."""

    def __init__(self, read: Callable[[], Set[str]]) -> None:
        self._read = read
        self._names: Set[str] | None = None

    def __contains__(self, name: object) -> bool:
        if self._names is None:
            self._names = self._read()
        return name in self._names


class _Either:
    """Names in `first` or in `second` (a `_Names` read only when `first` says no)."""

    def __init__(self, first: Set[str], second: _Names) -> None:
        self.first, self.second = first, second

    def __contains__(self, name: object) -> bool:
        return name in self.first or name in self.second


def _env_file_findings(project: Project, elsewhere: _Names) -> Iterator[tuple[Location, str]]:
    """The `.env` and `env_file:` lines Compose interpolates while reading them: with
    the variables set above the line (and, for an env_file, those of `.env`). A `.env`
    value counts where a compose file uses it (other programs may read `.env` their
    own way); an env_file's always reaches the container."""
    for file in env_files(project):
        above = set() if not file.services else set(project.env)
        source = f"above it in {file.display}" if not file.services else "in .env"
        for entry in env_file_entries(file.text):
            found = literal_dollars(entry.name, entry.value, _Either(above, elsewhere))
            above.add(entry.name)
            if not entry.interpolated or not found:
                continue
            if not file.services and entry.name not in referenced_names(project):
                continue  # a .env value no compose file uses: its cut reaches nobody
            quoted = f"{entry.name}='...'"
            yield (
                Location(file.display, entry.line, entry.column),
                f"{entry.name} in {file.display}: {_problem(found, source)}; put the value in "
                f"single quotes ({quoted}) so Compose takes it as written",
            )
