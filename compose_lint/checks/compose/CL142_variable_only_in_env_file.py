"""CL142 variable-only-in-env-file: a `${VAR}` (or `$VAR`) in the compose file names a
variable that only a service's `env_file:` sets. Env files give variables to the
container; Compose's own interpolation reads the shell and `.env` (or `--env-file`),
so it replaces the reference with an empty string.

A reference with a default or an alternative (`${VAR:-x}`, `${VAR:+x}`) says what it
wants when VAR is unset and stays silent; so does a required one (`${VAR:?}`: CL119's).
A variable `.env` also sets stays silent."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.load import interpolation
from compose_lint.model import Project
from compose_lint.model.dollars import EnvFileDefinition, env_file_definitions
from compose_lint.model.secrets import EnvFile, env_files
from compose_lint.registry import Found, rule

# where the container's shell could expand the variable itself, given "$$"
_SHELL_FIELDS = (("command",), ("entrypoint",), ("healthcheck", "test"))


def _where(definitions: list[EnvFileDefinition]) -> str:
    first = definitions[0]
    readers = " and ".join(f'"{s}"' for s in first.file.services)
    others = len({d.file.path for d in definitions}) - 1
    more = f" (and {others} more env file{'s' if others > 1 else ''})" if others else ""
    return (
        f"{first.file.display} line {first.entry.line}{more}, the env_file of "
        f"{'service' if len(first.file.services) == 1 else 'services'} {readers}"
    )


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
            seen: set[str] = set()
            for ref in found:
                item = ref.ref
                definitions = defined.get(item.name)
                if item.op or not definitions or item.name in env or item.name in seen:
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
                    compose.loc(path),
                    f"{field}: {written} is set only in {_where(definitions)}; env_file gives "
                    "variables to the container, not to Compose's interpolation (the shell "
                    f"and .env), so {written} becomes an empty string; {fix}add "
                    f"{item.name}=... to the .env beside the compose file, or run Compose with "
                    f"{_env_file_flags(project, definitions[0].file)}",
                )
