"""Command line: options → run → report → exit code."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from compose_lint import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
FAIL_ON = ("error", "warning", "info", "never")
PLANNED_FORMATS = ("sarif", "github", "gitlab", "junit")


def _split(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "output_format",
    default="text",
    show_default=True,
    help="Output format: text or json.",
)
@click.option(
    "--select",
    multiple=True,
    help="Only these rules (codes, code prefixes or names; comma-separated).",
)
@click.option(
    "--ignore",
    multiple=True,
    help="Skip these rules (codes, code prefixes or names; comma-separated).",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON, case_sensitive=False),
    default="warning",
    show_default=True,
    help="Exit 1 when a finding has this severity or higher.",
)
@click.option("--list-rules", is_flag=True, help="List every rule and exit.")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.version_option(__version__, prog_name="compose-lint")
def main(
    paths: tuple[str, ...],
    output_format: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str,
    list_rules: bool,
    debug: bool,
) -> None:
    """Lint Docker Compose projects: the compose files, the Dockerfiles they
    build and their .dockerignore, checked as one project.

    PATHS are files or directories (default: the current directory)."""
    from compose_lint.registry import all_rules, select_rules

    output_format = output_format.lower()
    if output_format in PLANNED_FORMATS:
        _usage_error(f'--format {output_format} is not available yet; use "text" or "json"')
    from compose_lint.report import FORMATS, formatter

    if output_format not in FORMATS:
        _usage_error(f'unknown format "{output_format}"; choose one of: {", ".join(FORMATS)}')

    if list_rules:
        for r in all_rules():
            state = "" if r.default_enabled else " (off by default)"
            click.echo(f"{r.code}  {r.name:<28} {str(r.severity):<8} {r.summary}{state}")
        sys.exit(EXIT_OK)

    try:
        rules = select_rules(_split(select), _split(ignore))
    except ValueError as exc:
        _usage_error(str(exc))

    from compose_lint.engine import run

    try:
        result = run(list(paths) or ["."], rules, Path.cwd(), debug=debug)
    except Exception as exc:  # a bug of ours: one line, or the traceback with --debug
        if debug:
            raise
        _usage_error(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug)")
    for missing in result.missing:
        click.echo(f"compose-lint: error: {missing}: no such file or directory", err=True)
    for crash in result.crashes:
        click.echo(f"compose-lint: {crash}", err=True)
    if not result.files and not result.missing:
        click.echo("compose-lint: no compose files found", err=True)

    click.echo(formatter(output_format)(result.findings, len(result.files)), nl=False)

    if result.missing or result.crashes:
        sys.exit(EXIT_USAGE)
    if fail_on != "never":
        from compose_lint.findings import Severity

        threshold = Severity.parse(fail_on)
        if any(f.severity >= threshold for f in result.findings):
            sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_OK)


def _usage_error(message: str) -> None:
    click.echo(f"compose-lint: error: {message}", err=True)
    sys.exit(EXIT_USAGE)
