"""Command line: options → run → report → exit code."""

from __future__ import annotations

import gc
import os
import stat
import sys
from collections import Counter
from pathlib import Path
from typing import Any, NoReturn

import click

from compose_lint import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
FAIL_ON = ("error", "warning", "info", "never")


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


COLORS = ("auto", "always", "never")


class _LintByDefault(click.Group):
    """`compose-lint [OPTIONS] [PATH]...` lints; `compose-lint explain CODE` explains.
    Anything that is not a subcommand's name is the lint command's arguments."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
            args = ["lint", *args]
        return super().parse_args(ctx, args)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        lint = self.commands["lint"]
        with click.Context(lint, info_name=ctx.info_name, **lint.context_settings) as sub:
            lint.format_help(sub, formatter)
        self.format_commands(ctx, formatter)


@click.group(
    cls=_LintByDefault,
    context_settings={"help_option_names": ["-h", "--help"]},
    add_help_option=True,
)
def main() -> None:
    """Lint Docker Compose projects: the compose files, the Dockerfiles they
    build and their .dockerignore, checked as one project."""


def entry_point() -> None:
    """The `compose-lint` command, in a process of its own that ends after the report.
    Its models live until then, and the garbage it makes is mostly those models (kept
    by reference cycles): the cyclic garbage collector would walk them again and again
    and free almost nothing before the process ends and frees everything, so it is
    left off."""
    gc.disable()
    main()


@main.command(
    context_settings={"help_option_names": ["-h", "--help"]},
    short_help="Lint compose projects (the default command: PATH means lint PATH).",
)
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "--output-format",
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
    "--exclude",
    multiple=True,
    help="Paths to leave out (gitignore-style globs; replaces the configured list).",
)
@click.option("--extend-exclude", multiple=True, help="More paths to leave out.")
@click.option(
    "--respect-gitignore/--no-respect-gitignore",
    default=None,
    help="Leave out what .gitignore files ignore [default: respect].",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON, case_sensitive=False),
    default=None,
    help="Exit 1 when a finding has this severity or higher [default: warning].",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="Use this config file instead of looking for one.",
)
@click.option("--isolated", is_flag=True, help="Ignore every config file.")
@click.option(
    "--stdin-filename",
    help="Read the file from standard input and lint it as this path (its project on disk).",
)
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
@click.option(
    "--color",
    type=click.Choice(COLORS, case_sensitive=False),
    default="auto",
    show_default=True,
    help="Colour the text report (auto: on a terminal, unless NO_COLOR; FORCE_COLOR forces it).",
)
@click.option(
    "--fix",
    "fix",
    is_flag=True,
    help="Apply the safe fixes, then report what remains (writes the files).",
)
@click.option(
    "--unsafe-fixes",
    is_flag=True,
    help="With --fix or --diff, also apply the fixes that can change behaviour.",
)
@click.option(
    "--diff",
    "show_diff",
    is_flag=True,
    help="Print a unified diff of the fixes instead of writing them; exit 1 if any.",
)
@click.option(
    "--show-fixes", is_flag=True, help="List the fixes applied (with --fix) or available."
)
@click.option("--statistics", is_flag=True, help="Print only the number of findings per rule.")
@click.option("-q", "--quiet", is_flag=True, help="Print the findings and nothing else.")
@click.option("--list-rules", is_flag=True, help="List every rule and exit.")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.version_option(__version__, "-V", "--version", prog_name="compose-lint")
def lint(
    paths: tuple[str, ...],
    files: tuple[str, ...],
    output_format: str,
    output: str | None,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    exclude: tuple[str, ...],
    extend_exclude: tuple[str, ...],
    respect_gitignore: bool | None,
    fail_on: str | None,
    exit_zero: bool,
    config_path: str | None,
    isolated: bool,
    stdin_filename: str | None,
    roots: tuple[str, ...],
    show_source: bool | None,
    color: str,
    fix: bool,
    unsafe_fixes: bool,
    show_diff: bool,
    show_fixes: bool,
    statistics: bool,
    quiet: bool,
    list_rules: bool,
    debug: bool,
) -> None:
    """Lint Docker Compose projects: the compose files, the Dockerfiles they
    build and their .dockerignore, checked as one project.

    PATHS are files or directories (default: the current directory); `-` reads
    one file from standard input."""
    from compose_lint.report import FORMATS, formatter

    output_format = output_format.lower()
    if output_format not in FORMATS:
        _usage_error(f'unknown format "{output_format}"; choose one of: {", ".join(FORMATS)}')

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
    stdin: tuple[str, str] | None = None
    if "-" in paths or stdin_filename:
        if [p for p in paths if p != "-"] or files:
            _usage_error("standard input (- or --stdin-filename) cannot be combined with paths")
        if fix or show_diff:
            _usage_error("--fix and --diff work on files; they cannot read standard input")
        stdin = (stdin_filename or "-", sys.stdin.read())
    options = Options(
        select=_split(select),
        ignore=_split(ignore),
        extend_select=_split(extend_select),
        fail_on=fail_on.lower() if fail_on else None,
        config=Path(config_path).resolve() if config_path else None,
        isolated=isolated,
        files=_compose_files(files, paths),
        debug=debug,
        exclude=_split(exclude) if exclude else None,
        extend_exclude=_split(extend_exclude),
        respect_gitignore=respect_gitignore,
        stdin=stdin,
        roots=roots,
    )
    fixed: list[Any] | None = None
    refused: list[str] = []
    try:
        targets = [] if stdin else list(paths) or ([] if options.files else ["."])
        if show_diff:
            _diff(targets, options, unsafe_fixes, quiet)
        if fix:
            fixed, refused = _fix(targets, options, unsafe_fixes)
        result = run(targets, options, Path.cwd())
    except ConfigError as exc:
        _usage_error(exc.message)
    except Exception as exc:  # a bug of ours: one line, or the traceback with --debug
        if debug:
            raise
        _usage_error(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug)")

    from compose_lint.report.text import escape

    if result.missing:  # a usage error: say so, and nothing on stdout
        for missing in result.missing:
            click.echo(
                f"compose-lint: error: {escape(missing)}: no such file or directory", err=True
            )
        sys.exit(EXIT_USAGE)
    for note in result.notes:
        click.echo(f"compose-lint: note: {escape(note)}", err=True)
    for why in refused:
        click.echo(f"compose-lint: warning: {escape(why)}", err=True)
    for crash in result.crashes:
        click.echo(f"compose-lint: {crash if debug else escape(crash)}", err=True)
    if not result.files and not quiet:
        click.echo("compose-lint: no compose files found", err=True)

    terminal = not output and sys.stdout.isatty()
    colored = output_format == "text" and not statistics and _use_color(color.lower(), terminal)
    if statistics:
        report = _statistics(result, as_json=output_format == "json")
    elif output_format == "text":
        report = formatter("text")(
            result.findings,
            len(result.files),
            show_source=terminal if show_source is None else show_source,
            color=colored,
            summary=not quiet,
            lines=result.lines,
            unsafe_fixes=unsafe_fixes,
            fixed=fixed,
            show_fixes=show_fixes,
        )
    elif output_format == "junit":
        report = formatter("junit")(result.findings, len(result.files), failing=result.failing)
    elif output_format in ("sarif", "gitlab"):
        from compose_lint.report.sarif import repository_root

        cwd = Path.cwd()
        root = repository_root(cwd)
        report = formatter(output_format)(result.findings, len(result.files), cwd=cwd, root=root)
    else:
        report = formatter(output_format)(result.findings, len(result.files))
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

    if (output_format != "text" or statistics) and not quiet:
        # the report on stdout is data: what was fixed goes to stderr
        from compose_lint.report.text import fix_lines, fixed_line, fixed_lines

        if show_fixes:
            shown = (
                fix_lines(result.findings, unsafe_fixes) if fixed is None else fixed_lines(fixed)
            )
            for line in shown:
                click.echo(line, err=True)
        if fixed is not None:
            click.echo(f"compose-lint: {fixed_line(len(fixed))}", err=True)

    if result.crashes:
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_FINDINGS if result.failed and not exit_zero else EXIT_OK)


def _diff(targets: list[str], options: Any, unsafe: bool, quiet: bool) -> NoReturn:
    """--diff: the unified diff of every fix on stdout, nothing written; exit 1 when
    there is something to fix."""
    from compose_lint.fix import diff, fix_project
    from compose_lint.report.text import escape

    outcome = fix_project(targets, options, Path.cwd(), unsafe=unsafe)
    for crash in outcome.result.crashes:
        click.echo(f"compose-lint: {escape(crash)}", err=True)
    _write_stdout(diff(outcome).encode("utf-8", "surrogateescape"))
    count = len(outcome.applied)
    if not quiet and count:
        click.echo(f"compose-lint: would fix {count} problem{'s' if count != 1 else ''}", err=True)
    if outcome.result.crashes:
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_FINDINGS if outcome.changed else EXIT_OK)


def _fix(targets: list[str], options: Any, unsafe: bool) -> tuple[list[Any], list[str]]:
    """--fix: apply the fixes and write the files; (the findings fixed, the files left
    alone and why)."""
    from compose_lint.fix import fix_project, write

    outcome = fix_project(targets, options, Path.cwd(), unsafe=unsafe)
    written = set(write(outcome, Path.cwd()))
    fixed = [f for f in outcome.applied if f.fix is not None and set(f.fix.paths) <= written]
    return fixed, outcome.refused


@main.command(
    context_settings={"help_option_names": ["-h", "--help"]}, short_help="Print a rule's page."
)
@click.argument("rules", nargs=-1, required=True, metavar="CODE|NAME...")
def explain(rules: tuple[str, ...]) -> None:
    """Print the page of a rule: what it does, why, an example and its fix."""
    _explain(rules)


def _use_color(choice: str, terminal: bool) -> bool:
    if choice != "auto":
        return choice == "always"
    if os.environ.get("FORCE_COLOR"):
        return True
    return terminal and not os.environ.get("NO_COLOR")


def _statistics(result: Any, *, as_json: bool) -> str:
    """Counts per rule, then what inline comments suppressed, per rule and reason."""
    counts = Counter((f.code, f.name) for f in result.findings)
    silenced = Counter((s.finding.code, s.finding.name, s.reason) for s in result.suppressed)
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    quiet_rows = sorted(silenced.items(), key=lambda kv: (-kv[1], kv[0]))
    if as_json:
        import json

        items: list[dict[str, object]] = [
            {"code": code, "name": name, "count": count, "suppressed": False}
            for (code, name), count in rows
        ]
        items += [
            {"code": code, "name": name, "count": count, "suppressed": True, "reason": reason}
            for (code, name, reason), count in quiet_rows
        ]
        return json.dumps(items, indent=2) + "\n"
    lines = [f"{count:5d}  {code}  {name}" for (code, name), count in rows]
    lines += [
        f"{count:5d}  {code}  {name}  suppressed: {reason or '(no reason given)'}"
        for (code, name, reason), count in quiet_rows
    ]
    from compose_lint.report.text import escape

    return "".join(escape(line) + "\n" for line in lines)


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
                "group": r.group,
                "options": dict(r.options),
            }
            for r in rules
        ]
        click.echo(json.dumps(items, indent=2))
    else:
        for r in rules:
            state = "" if r.default_enabled else " (off by default)"
            if r.group is not None:
                state += f" [group: {r.group}]"
            click.echo(f"{r.code}  {r.name:<28} {str(r.severity):<8} {r.summary}{state}")
    sys.exit(EXIT_OK)


def _explain(idents: tuple[str, ...]) -> None:
    from compose_lint.pages import rule_page
    from compose_lint.registry import find_info

    for ident in idents:
        r = find_info(ident)
        if r is None:
            _usage_error(f'unknown rule "{ident}"; see compose-lint --list-rules')
        assert r is not None
        page = rule_page(r.code)
        if page is None:
            _usage_error(f"{r.code}: this installation has no rule pages (rules/{r.code}.md)")
        click.echo(page, nl=not page.endswith("\n"))
    sys.exit(EXIT_OK)


def _usage_error(message: str) -> NoReturn:
    click.echo(f"compose-lint: error: {message}", err=True)
    sys.exit(EXIT_USAGE)
