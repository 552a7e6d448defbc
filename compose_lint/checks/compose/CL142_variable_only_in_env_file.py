"""CL142 variable-only-in-env-file: a `${VAR}` (or `$VAR`) in the compose file names a
variable that only a service's `env_file:` sets. Env files give variables to the
container; Compose's own interpolation reads the shell and `.env` (or `--env-file`),
so it replaces the reference with an empty string.

A reference with a default or an alternative (`${VAR:-x}`, `${VAR:+x}`) says what it
wants when VAR is unset and stays silent; so does a required one (`${VAR:?}`: CL119's).
A variable `.env` also sets stays silent."""

from __future__ import annotations

from compose_lint.findings import Location, Severity
from compose_lint.load import interpolation
from compose_lint.model import Project, Service
from compose_lint.model.dollars import EnvFileDefinition, env_file_definitions, template_names
from compose_lint.model.secrets import EnvFile, env_files
from compose_lint.registry import Found, rule

# where the container's shell could expand the variable itself, given "$$"
_SHELL_FIELDS = (("command",), ("entrypoint",), ("healthcheck", "test"))


def _where(definitions: list[EnvFileDefinition]) -> str:
    """The env file (and line) that sets the variable: the same words from every
    project that reads the compose file, so a file linted twice reports once."""
    first = definitions[0]
    others = len({d.file.path for d in definitions}) - 1
    more = f" and {others} more env file{'s' if others > 1 else ''}" if others else ""
    return f"env_file {first.file.display} (line {first.entry.line}{more})"


def _set_by_environment(service: Service | None) -> set[str]:
    """The names the service's `environment:` gives a value of its own (not the
    shell's passed on, as `USER: ${USER}` does)."""
    names: set[str] = set()
    for env in service.environment if service is not None else ():
        try:
            passed = env.value is None or env.name in {
                r.name for r in interpolation.references(env.value)
            }
        except interpolation.InterpolationError:
            continue
        if not passed:
            names.add(env.name)
    return names


def _env_file_flags(project: Project, file: EnvFile) -> str:
    """The flags that make Compose read `file` too: --env-file replaces .env."""
    dotenv = next((f for f in env_files(project) if not f.services), None)
    keep = f"--env-file {dotenv.display} " if dotenv is not None else ""
    return f"{keep}--env-file {file.display}"


@rule(
    "CL142",
    "variable-only-in-env-file",
    Severity.WARNING,
    "A `${VAR}` in the compose file is set only in an `env_file`, which interpolation never reads.",
)
def variable_only_in_env_file(project: Project) -> Found:
    defined = env_file_definitions(project)
    if not defined:
        return
    # a name the .env template lists is one the author means .env to set, once made
    planned = template_names(project, dotenv_only=True)
    services = {s.name: s for s in project.services}
    reported: set[Location] = set()
    for compose in project.compose_files:
        env = compose.interpolation_env
        for path, text in compose.interpolated():
            try:
                found = interpolation.located(text)
            except interpolation.InterpolationError:
                continue  # CL005 reports it
            in_shell = path[:1] == ("services",) and any(
                tuple(path[2 : 2 + len(f)]) == f for f in _SHELL_FIELDS
            )
            # there, a variable the service's environment: sets is CL145's
            taken = _set_by_environment(services.get(str(path[1]))) if in_shell else set()
            where = compose.loc(path)
            if where in reported:
                continue  # the same text again through a YAML alias
            reported.add(where)
            seen: set[str] = set()
            for ref in found:
                item = ref.ref
                definitions = defined.get(item.name)
                skip = item.op or item.name in env or item.name in seen or item.name in taken
                skip = skip or item.name in planned
                if skip or not definitions:
                    continue
                seen.add(item.name)
                written = text[ref.start : ref.end]
                fix = (
                    f'where a shell runs it (sh -c, CMD-SHELL) write "$${item.name}" for the '
                    "container's shell to expand, or "
                    if in_shell
                    else ""
                )
                field = ".".join(str(p) for p in path)
                yield (
                    where,
                    f"{field}: {written} is set only in {_where(definitions)}; env_file gives "
                    "variables to the container, not to Compose's interpolation (the shell "
                    f"and .env), so {written} becomes an empty string; {fix}add "
                    f"{item.name}=... to the .env beside the compose file, or run Compose with "
                    f"{_env_file_flags(project, definitions[0].file)}",
                )
