"""Command line: options → run → report → exit code."""

from __future__ import annotations

import os
import stat
import sys
from collections import Counter
from pathlib import Path

import click

from compose_lint import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
FAIL_ON = ("error", "warning", "info", "never")


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "output_format",
    default="text",
    show_default=True,
    help="Output format: text, json, sarif, github, gitlab or junit.",
)
@click.option(
    "-f",
    "--file",
    "files",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="Compose files that make one application, merged in order (like docker compose -f).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to FILE.")
@click.option(
    "--select", multiple=True, help="Only these rules (codes, prefixes or names; comma-separated)."
)
@click.option("--extend-select", multiple=True, help="Add these rules to the selection.")
@click.option("--ignore", multiple=True, help="Skip these rules (codes, prefixes or names).")
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON, case_sensitive=False),
    default=None,
    help="Exit 1 when a finding has this severity or higher [default: warning].",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="Use this config file instead of looking for one.",
)
@click.option("--isolated", is_flag=True, help="Ignore every config file.")
@click.option(
    "--root",
    "roots",
    multiple=True,
    type=click.Path(file_okay=False),
    help="Also read files under DIR (a monorepo's root) when a project refers to them.",
)
@click.option(
    "--show-source/--no-show-source",
    default=None,
    help="Show each finding's source line with a caret (text format; default: on a terminal).",
)
@click.option("--statistics", is_flag=True, help="Print the number of findings per rule.")
@click.option("--list-rules", is_flag=True, help="List every rule and exit.")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.version_option(__version__, prog_name="compose-lint")
def main(
    paths: tuple[str, ...],
    files: tuple[str, ...],
    output_format: str,
    output: str | None,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str | None,
    config_path: str | None,
    isolated: bool,
    roots: tuple[str, ...],
    show_source: bool | None,
    statistics: bool,
    list_rules: bool,
    debug: bool,
) -> None:
    """Lint Docker Compose projects: the compose files, the Dockerfiles they
    build and their .dockerignore, checked as one project.

    PATHS are files or directories (default: the current directory).
    `compose-lint explain CODE` prints the page of a rule."""
    from compose_lint.report import FORMATS, formatter

    output_format = output_format.lower()
    if output_format not in FORMATS:
        _usage_error(f'unknown format "{output_format}"; choose one of: {", ".join(FORMATS)}')

    if paths[:1] == ("explain",):
        _explain(paths[1:])
    if list_rules:
        _list_rules(output_format)

    from compose_lint.config import EOL_DATE_VARIABLE, ConfigError
    from compose_lint.engine import Options, run

    eol_date = os.environ.get(EOL_DATE_VARIABLE, "").strip()
    if eol_date:
        import datetime

        try:
            datetime.date.fromisoformat(eol_date)
        except ValueError:
            _usage_error(f'COMPOSE_LINT_EOL_DATE must be a date like 2026-01-31, not "{eol_date}"')
    if config_path is not None and not Path(config_path).is_file():
        _usage_error(f"{config_path}: config file not found")
    options = Options(
        select=_split(select),
        ignore=_split(ignore),
        extend_select=_split(extend_select),
        fail_on=fail_on.lower() if fail_on else None,
        config=Path(config_path).resolve() if config_path else None,
        isolated=isolated,
        files=_compose_files(files, paths),
        debug=debug,
        roots=roots,
    )
    try:
        result = run(list(paths) or ([] if options.files else ["."]), options, Path.cwd())
    except ConfigError as exc:
        _usage_error(exc.message)
    except Exception as exc:  # a bug of ours: one line, or the traceback with --debug
        if debug:
            raise
        _usage_error(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug)")

    from compose_lint.report.text import escape

    for missing in result.missing:
        click.echo(f"compose-lint: error: {escape(missing)}: no such file or directory", err=True)
    for crash in result.crashes:
        click.echo(f"compose-lint: {crash if debug else escape(crash)}", err=True)
    if not result.files and not result.missing:
        click.echo("compose-lint: no compose files found", err=True)

    render = formatter(output_format)
    if output_format == "text":
        terminal = not output and sys.stdout.isatty()
        report = render(
            result.findings,
            len(result.files),
            show_source=terminal if show_source is None else show_source,
            color=terminal and not os.environ.get("NO_COLOR"),
            lines=result.lines,
        )
    else:
        report = render(result.findings, len(result.files))
    # what a format could not represent (a lone surrogate, a file name that is not
    # UTF-8) is written as a backslash escape rather than crash the run
    data = report.encode("utf-8", "backslashreplace")
    if output:
        try:
            _write_report(output, data)
        except OSError as exc:
            _usage_error(f"{output}: cannot write the report: {exc.strerror or exc}")
    else:
        _write_stdout(data)
    if statistics:
        counts = Counter((f.code, f.name) for f in result.findings)
        for (code, name), count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            click.echo(
                escape(f"{count:5d}  {code}  {name}"),
                err=bool(not output and output_format != "text"),
            )

    if result.missing or result.crashes:
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_FINDINGS if result.failed else EXIT_OK)


def _write_stdout(data: bytes) -> None:
    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:  # a text-only stream (an embedding test harness)
        sys.stdout.write(data.decode("utf-8"))
        sys.stdout.flush()
        return
    sys.stdout.flush()
    stream.write(data)
    stream.flush()


def _write_report(output: str, data: bytes) -> None:
    """Write the report to `output` without ever blocking on opening it: a named
    pipe nobody reads is an error (ENXIO) instead of a hang."""
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(output, flags, 0o666)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISREG(mode):
            os.ftruncate(fd, 0)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)  # a reader is there: let it drain the pipe
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    finally:
        os.close(fd)


def _compose_files(files: tuple[str, ...], paths: tuple[str, ...]) -> tuple[str, ...]:
    """-f files, else COMPOSE_FILE (as docker compose reads it) when no path is given."""
    if files or paths:
        return files
    value = os.environ.get("COMPOSE_FILE", "")
    separator = os.environ.get("COMPOSE_PATH_SEPARATOR", os.pathsep)
    return tuple(f for f in value.split(separator) if f)


def _list_rules(output_format: str) -> None:
    from compose_lint.registry import known_rules

    rules = known_rules()
    if output_format == "json":
        import json

        items = [
            {
                "code": r.code,
                "name": r.name,
                "severity": str(r.severity),
                "summary": r.summary,
                "default_enabled": r.default_enabled,
                "options": dict(r.options),
            }
            for r in rules
        ]
        click.echo(json.dumps(items, indent=2))
    else:
        for r in rules:
            state = "" if r.default_enabled else " (off by default)"
            click.echo(f"{r.code}  {r.name:<28} {str(r.severity):<8} {r.summary}{state}")
    sys.exit(EXIT_OK)


def _explain(idents: tuple[str, ...]) -> None:
    from importlib.resources import files

    from compose_lint.registry import find_info

    if not idents:
        _usage_error("explain needs a rule code or name, e.g. compose-lint explain CL501")
    for ident in idents:
        r = find_info(ident)
        if r is None:
            _usage_error(f'unknown rule "{ident}"; see compose-lint --list-rules')
        assert r is not None
        try:
            page = files("compose_lint.rulepages").joinpath(f"{r.code}.md")
            click.echo(page.read_text(encoding="utf-8"))
        except (ModuleNotFoundError, OSError):
            click.echo(f"# {r.code} {r.name}\n\n{r.summary}\n")
    sys.exit(EXIT_OK)


def _usage_error(message: str) -> None:
    click.echo(f"compose-lint: error: {message}", err=True)
    sys.exit(EXIT_USAGE)
