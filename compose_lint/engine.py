"""Run rules over the projects found under some paths."""

from __future__ import annotations

import contextlib
import gc
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any, NamedTuple

from compose_lint.config import (
    Config,
    ConfigError,
    environment_options,
    find_config,
    foreign_note,
    load_config,
    merge_cli,
)
from compose_lint.discover import PRIMARY_NAMES, collect_projects
from compose_lint.exclude import Exclusion, PatternSet
from compose_lint.filter import Suppressed, apply
from compose_lint.findings import Edit, Finding, Fix, Location, Severity
from compose_lint.load.files import Boundary, normalize, stat_kind
from compose_lint.mask import Masker
from compose_lint.model import ModelProblem, Project
from compose_lint.project import Loader
from compose_lint.registry import Rule, select_rules

# What could not be loaded (a reference outside the project tree, a project whose
# model could not be built, a value no rule could check): rule CL009 reports the
# first two from the model; the engine words the third under the same code.
NOT_LOADED = ("CL009", "not-loaded", Severity.WARNING)
MAX_FINDINGS_PER_FILE = 1000
MAX_DETAIL = 300  # characters of an error's text quoted in a finding


@dataclass
class Result:
    findings: list[Finding] = field(default_factory=list)
    files: set[str] = field(default_factory=set)  # every file that was linted
    missing: list[str] = field(default_factory=list)  # paths that do not exist
    crashes: list[str] = field(default_factory=list)  # internal errors, one line each
    failed: bool = False  # some finding is at or above its project's fail-on threshold
    failing: set[Finding] = field(default_factory=set)  # those at or above fail-on
    suppressed: list[Suppressed] = field(default_factory=list)  # silenced by inline comments
    notes: list[str] = field(default_factory=list)  # things to say once on stderr
    # the source lines findings point at, secrets masked: path -> line number -> text
    lines: dict[str, dict[int, str]] = field(default_factory=dict)
    # what --fix needs: the text of every file read (path as shown -> text), and the
    # project tree each file a fix edits lies in (fixes leaving their tree are dropped)
    texts: dict[str, str] = field(default_factory=dict)
    boundaries: dict[str, Boundary] = field(default_factory=dict)


def _detail(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 3] + "..."


def _not_loaded(where: Location, message: str) -> Finding:
    code, name, severity = NOT_LOADED
    return Finding(code, name, severity, where, message)


def _failed_project(loader: Loader, paths: Sequence[Path], exc: Exception) -> Project:
    """What stands for a project whose model could not be built: no file for the
    rules to see, and the error as a problem on its first compose file."""
    project = Project(directory=paths[0].parent)
    message = (
        f"compose-lint could not load this project ({_detail(exc)}), so it was not "
        f"checked; {_UNUSABLE}"
    )
    where = Location(loader.display(paths[0]), 1, 1)
    project.problems.append(ModelProblem("load", (), message, where))
    return project


_UNUSABLE = (
    "a value in it is one compose-lint cannot use (a path too long for the system, a NUL "
    "byte in a path, a number it cannot read): please report it"
)


def _load(loader: Loader, paths: Sequence[Path], partial: bool = False) -> Project:
    try:
        return loader.compose_project(list(paths), partial=partial)
    except (RecursionError, MemoryError):
        raise
    except Exception as exc:  # one bad value must not lose the other projects
        return _failed_project(loader, paths, exc)


class Options(NamedTuple):
    """What the command line asks for; a config file fills in the rest."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    fail_on: str | None = None
    config: Path | None = None  # --config FILE: use it instead of discovering one
    isolated: bool = False  # --isolated: no config file at all
    files: tuple[str, ...] = ()  # -f/--file: these files make one application, in order
    debug: bool = False
    exclude: tuple[str, ...] | None = None  # --exclude: replaces the configured list
    extend_exclude: tuple[str, ...] = ()  # --extend-exclude: adds to it
    respect_gitignore: bool | None = None  # --[no-]respect-gitignore; None: the config's
    # lint this text as the file at this path (relative to cwd), instead of the paths
    stdin: tuple[str, str] | None = None
    roots: tuple[str, ...] = ()  # --root: directories every project may also read
    # option values that win over every config file, for each rule that declares the
    # option: (("reference-date", date),); None: those COMPOSE_LINT_EOL_DATE sets
    rule_options: tuple[tuple[str, Any], ...] | None = None
    # (path relative to cwd, text) pairs that stand in for files on disk: what --fix
    # and --diff lint again after applying a round of fixes in memory
    buffers: tuple[tuple[str, str], ...] = ()


class Configs:
    """The configuration of each project directory, read once per file, with the
    rules it selects and the options each of them runs with."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self._given = (
            environment_options() if options.rule_options is None else options.rule_options
        )
        self._by_file: dict[Path | None, tuple[Config, list[tuple[Rule, dict[str, Any]]]]] = {}
        # the config file found from each directory (and from those above it, looked
        # at on the way)
        self._paths: dict[Path, Path | None] = {}
        self.foreign: list[Path] = []  # legacy-named config files of another tool

    def config_path(self, directory: Path) -> Path | None:
        o = self.options
        if o.isolated:
            return None
        if o.config is not None:
            return o.config
        if directory not in self._paths:
            return find_config(directory, self.foreign, self._paths)
        return self._paths[directory]

    def for_directory(self, directory: Path) -> tuple[Config, list[tuple[Rule, dict[str, Any]]]]:
        o = self.options
        path = self.config_path(directory)
        if path not in self._by_file:
            base = load_config(path) if path is not None else Config()
            config = merge_cli(base, o.select, o.ignore, o.extend_select, o.fail_on)
            try:
                rules = select_rules(config.select or (), config.ignore, config.extend_select)
            except ValueError as exc:
                raise ConfigError(str(exc)) from None
            self._by_file[path] = config, [(r, self._rule_options(r, config)) for r in rules]
        return self._by_file[path]

    def _rule_options(self, r: Rule, config: Config) -> dict[str, Any]:
        """The options rule `r` runs with: its config file's, then the command line's."""
        values = dict(config.settings.get(r.code, {}))
        values.update((k, v) for k, v in self._given if k in r.options)
        return values


def exclusion(configs: Configs, cwd: Path) -> Exclusion:
    """What keeps paths out of this run: each directory's config, then the command line."""
    o = configs.options
    sets: dict[Path, list[PatternSet]] = {}
    cli_extend = PatternSet.of(cwd, o.extend_exclude)

    def sets_for(directory: Path) -> list[PatternSet]:
        if directory not in sets:
            config = configs.for_directory(directory)[0]
            # a config file's patterns are relative to its folder; without one, the
            # defaults (`.github`, `node_modules`...) are names that apply at any depth,
            # in any tree, wherever the run started
            base = config.path.parent if config.path is not None else Path(directory.anchor)
            if o.exclude is not None:
                found = [PatternSet.of(cwd, o.exclude), PatternSet.of(base, config.extend_exclude)]
            else:
                found = [PatternSet.of(base, config.excludes)]
            sets[directory] = [*found, cli_extend]
        return sets[directory]

    def respect_gitignore(directory: Path) -> bool:
        if o.respect_gitignore is not None:
            return o.respect_gitignore
        return configs.for_directory(directory)[0].respect_gitignore is not False

    return Exclusion(sets_for, respect_gitignore)


def _guarded(
    r: Rule, args: tuple[Any, ...], where: str, options: Options, result: Result
) -> list[Finding]:
    """The findings of one rule (`r(project, options)`, or for a rule that reads
    something else, `r.check(*args)`); a bug in it is reported and must not hide the others."""
    try:
        found = r(*args) if r.reads == "project" else r.check(*args)
        return [
            Finding(
                r.code, r.name, _severity_of(item, r), item[0], item[1], r.sensitive, _fix_of(item)
            )
            for item in found
        ]
    except (OSError, ValueError) as exc:  # a value no check can use: a path too long...
        message = f"{r.code} ({r.name}) could not check this project ({_detail(exc)}); {_UNUSABLE}"
        return [_not_loaded(Location(where), message)]
    except Exception as exc:
        if options.debug:
            import traceback  # only for --debug: most runs never need it

            detail = traceback.format_exc()
        else:
            detail = f"{type(exc).__name__}: {exc}"
        result.crashes.append(f"internal error in {r.code} ({r.name}) on {where}: {detail}")
        return []


def _severity_of(item: tuple[Any, ...], r: Rule) -> Severity:
    """The severity a rule gives one finding: its own, or a lower one it names."""
    given = item[2] if len(item) > 2 else None
    return given if isinstance(given, Severity) and given <= r.severity else r.severity


def _fix_of(item: tuple[Any, ...]) -> Fix | None:
    fix = item[2] if len(item) > 2 else None
    return fix if isinstance(fix, Fix) and fix.edits else None


def _fixes_within(
    findings: list[Finding], boundary: Boundary, cwd: Path, boundaries: dict[str, Boundary]
) -> list[Finding]:
    """The findings, a fix that would write outside the project tree taken off."""
    kept: list[Finding] = []
    for f in findings:
        if f.fix is not None:
            if all(boundary.contains(normalize(cwd / p)) for p in f.fix.paths):
                boundaries.update((p, boundary) for p in f.fix.paths)
            else:
                f = f._replace(fix=None)
        kept.append(f)
    return kept


# A run builds a model of every project and keeps them all until the report: tens of
# thousands of objects that live to the end, which every collection of the cyclic
# garbage collector walks again as they pile up, to find little garbage. With the
# default first threshold (700) the collections took a fifth of a run over a few
# hundred compose files; a run makes them rarer while it lasts. (Pausing the collector
# instead costs as much at the end: the first collection after it then walks every
# object the run made. The command line, whose process ends after its report, leaves
# the collector off: see cli.entry_point.)
RUN_GC_THRESHOLD = 10_000


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    before = gc.get_threshold()
    if not gc.isenabled() or before[0] == 0 or before[0] >= RUN_GC_THRESHOLD:
        yield  # off, or already as rare: the caller's choice
        return
    gc.set_threshold(RUN_GC_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def run(paths: Sequence[str], options: Options | None = None, cwd: Path | None = None) -> Result:
    """Lint `paths`. Raises ConfigError for a bad configuration."""
    with _fewer_collections():
        return _run(paths, options, cwd)


def _run(paths: Sequence[str], options: Options | None, cwd: Path | None) -> Result:
    options = options or Options()
    cwd = cwd or Path.cwd()
    stdin: Path | None = None
    buffers: dict[Path, str] = {}
    if options.stdin is not None:
        stdin = normalize(cwd / options.stdin[0])
        buffers[stdin] = options.stdin[1]
    for path, text in options.buffers:
        buffers[normalize(cwd / path)] = text
    named = [p for p in (*paths, *options.files) if stat_kind(cwd / p) != "a directory"]
    if stdin is not None:
        named.append(str(stdin))
    folders = [Path(p) for p in paths if stat_kind(cwd / p) == "a directory"]
    loader = Loader(
        cwd,
        buffers,
        roots=[Path(r) for r in options.roots],
        named=[Path(n) for n in named],
        folders=folders,
    )
    configs = Configs(options)
    projects, missing = collect_projects(
        paths,
        loader,
        lambda key, partial: _load(loader, key, partial),
        options.files,
        exclusion(configs, cwd),
        stdin,
    )
    result = Result(missing=missing)
    seen: set[Finding] = set()
    # (rule, place) -> the project that reported it first: a Dockerfile that several
    # compose files build is one file with one fix, whichever services each names
    placed: dict[tuple[str, Location], int] = {}
    known: list[Finding] = []  # every finding before filtering: what is secret
    for number, project in enumerate(projects):
        config, selected = configs.for_directory(project.directory)
        sources = project.sources()
        result.files.update(source.display for source in sources)
        where = sources[0].display if sources else str(project.directory)
        result.files.update(p.where.path for p in project.problems if p.kind == "load" and p.where)
        raw: list[Finding] = []
        for r, rule_options in selected:
            if r.reads == "project":
                raw.extend(_guarded(r, (project, rule_options), where, options, result))
        boundary = loader.boundary_of(project.directory)
        raw = _fixes_within(raw, boundary, cwd, result.boundaries)
        known.extend(raw)
        inline = config.inline_suppressions
        ignored = {s.display: config.ignored_for(s.path) for s in sources}
        enabled = [r for r, _ in selected]
        filtered = apply(
            raw,
            severity=config.severity,
            ignored=ignored,
            directives={s.display: s.directives for s in sources if s.directives and inline},
            enabled=enabled,
        )
        # rules that judge the suppression comments themselves (CL007) run once the
        # filter knows which comments silenced nothing; per-file-ignores and the
        # configured severity apply to their findings as to any other
        late = [
            finding
            for r in enabled
            if r.reads == "suppressions"
            for finding in _guarded(r, (filtered.unused,), where, options, result)
        ]
        if late:
            again = apply(
                late, severity=config.severity, ignored=ignored, directives={}, enabled=()
            )
            filtered.findings.extend(again.findings)
        threshold = config.fail_on or "warning"
        for finding in filtered.findings:
            first = placed.setdefault((finding.code, finding.location), number)
            if finding not in seen and first == number:
                seen.add(finding)
                result.findings.append(finding)
                if threshold != "never" and finding.severity >= Severity.parse(threshold):
                    result.failed = True
                    result.failing.add(finding)
        result.suppressed.extend(s for s in filtered.suppressed if s.finding not in seen)
        seen.update(s.finding for s in filtered.suppressed)
    result.findings = _one_per_fix(sorted(result.findings, key=Finding.sort_key))
    result.suppressed.sort(key=lambda s: s.finding.sort_key())
    result.notes.extend(foreign_note(p) for p in configs.foreign)
    result.findings = _capped(result.findings)
    _mask(result, known, loader.texts, loader.yaml)
    result.texts = loader.texts
    return result


def _one_per_fix(findings: list[Finding]) -> list[Finding]:
    """The findings (sorted), less those of a rule that offer the very fix another of its
    findings offers: two compose files that build one context without a .dockerignore are
    one mistake with one fix, not two. The one kept is in the file Compose reads by
    default (compose.yaml, docker-compose.yml...), or else the first by path."""
    chosen: dict[tuple[str, tuple[Edit, ...]], Finding] = {}
    for f in findings:
        if f.fix is None:
            continue
        key = (f.code, f.fix.edits)
        other = chosen.get(key)
        if other is None or (_default_file(f.path) and not _default_file(other.path)):
            chosen[key] = f
    return [f for f in findings if f.fix is None or chosen[(f.code, f.fix.edits)] is f]


def _default_file(path: str) -> bool:
    return PurePath(path).name in PRIMARY_NAMES


def _capped(findings: list[Finding]) -> list[Finding]:
    """At most MAX_FINDINGS_PER_FILE findings per file (sorted), then one that
    says how many more there are: a generated file must not flood the report."""
    per_file = Counter(f.path for f in findings)
    if max(per_file.values(), default=0) <= MAX_FINDINGS_PER_FILE:
        return findings
    kept: list[Finding] = []
    shown: Counter[str] = Counter()
    for f in findings:
        shown[f.path] += 1
        if shown[f.path] <= MAX_FINDINGS_PER_FILE:
            kept.append(f)
        elif shown[f.path] == MAX_FINDINGS_PER_FILE + 1:
            more = per_file[f.path] - MAX_FINDINGS_PER_FILE
            message = (
                f"{more} more findings in this file are not shown (the report keeps the "
                f"first {MAX_FINDINGS_PER_FILE} per file); fix or ignore these first"
            )
            code, name, _ = NOT_LOADED
            kept.append(Finding(code, name, Severity.INFO, f.location, message))
    return kept


def _mask(result: Result, known: list[Finding], texts: dict[str, str], yaml: set[str]) -> None:
    """Mask every known secret in the findings' messages, and keep the lines the
    findings point at, masked, for the report."""
    wanted = {f.path for f in result.findings} | {f.path for f in known if f.sensitive}
    lines = {path: _split_lines(texts[path], path in yaml) for path in wanted if path in texts}
    from compose_lint.model.secrets import well_known

    masker = Masker(known, lines, well_known)
    result.findings = [masker.finding(f) for f in result.findings]
    for f in result.findings:
        text = masker.line(f.path, f.line)
        if text is not None:
            result.lines.setdefault(f.path, {})[f.line] = text


def _split_lines(text: str, yaml: bool) -> list[str]:
    """Lines as the loader of that file numbers them: in YAML a lone CR ends a line
    too; a Dockerfile and a .dockerignore end lines at LF only (a CR before it is
    dropped), as BuildKit reads them."""
    if yaml:
        return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [line.removesuffix("\r") for line in text.split("\n")]
