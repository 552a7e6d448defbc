"""Structure-aware hostile inputs for compose-lint, and the properties every run keeps.

A case is a project layout: a compose file, Dockerfiles, `.dockerignore` files, a
`.env`, links and named pipes, written into a fresh folder. Cases are generated
(compose data with hostile values, Dockerfiles, ignore patterns) or made by
mutating the files of `fixtures/` and of `../shared/corpus` when it is there.

Generation draws from a `Chooser`, which the property tests back with hypothesis
(`HypothesisChooser`: shrinking, the example database) and the long campaign of
`bench/fuzz.py` with `random.Random` (`RandomChooser`: fast, seeded, reproducible).

`check(case, root)` lints a case in process, renders every format and returns the
broken properties: no exception, no internal error, exit code in {0, 1, 2}, a time
and memory budget, no planted secret and no canary from a file outside the project
in any output, no control character in the text output.
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import shutil
import signal
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

import yaml

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CORPUS = ROOT.parent / "shared" / "corpus"
SECRET = "Zq8vT3kR9mW2xP7nL4"  # planted as a password: never in any output
CANARY = "CANARYoutsideTREE"  # in a file outside the project: never read, never printed
TIME_BUDGET = 5.0  # seconds per case (the goal is well under one; CI machines are shared)
MEMORY_BUDGET = 200 * 1024  # KiB of peak RSS growth during one case
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class OverBudget(BaseException):
    """Raised by the alarm inside a case that runs past TIME_BUDGET."""


class Chooser(Protocol):
    def choice(self, options: Sequence[T]) -> T: ...
    def integer(self, low: int, high: int) -> int: ...
    def chance(self, probability: float) -> bool: ...


class RandomChooser:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def choice(self, options: Sequence[T]) -> T:
        return options[self.rng.randrange(len(options))]

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability


class HypothesisChooser:
    """Draws from hypothesis' `st.data()`, so failures shrink."""

    def __init__(self, data: Any) -> None:
        from hypothesis import strategies as st

        self.data, self.st = data, st

    def choice(self, options: Sequence[T]) -> T:
        return options[self.data.draw(self.st.integers(0, len(options) - 1))]

    def integer(self, low: int, high: int) -> int:
        return int(self.data.draw(self.st.integers(low, high)))

    def chance(self, probability: float) -> bool:
        return bool(self.data.draw(self.st.integers(0, 999)) < probability * 1000)


# -- hostile values -------------------------------------------------------------------

NASTY_TEXT = [
    "\x1b]0;pwned\x07",
    "\x1b[2J",
    "a\rb",
    "line\nCL999 forged",
    "\u202eevil",
    "\ud800",
    "\udcff",
    "\x00",
    "\x7f\x9b",
    "\ufeff",
    "²",
    "٣",
    "x" * 300,
    "%0A::error::forged",
    "<![CDATA[ ]]>&amp;",
    "${VAR:-${NESTED}}",
    "$$",
    "${",
]
HOSTILE_PATHS = [
    "/etc/passwd",
    "/proc/self/environ",
    "/dev/stdin",
    "/dev/zero",
    "../outside/secret.yaml",
    "../../../../../../etc/hostname",
    "outside-link",
    "fifo",
    "a" * 300,
    "x/" * 200 + "y",
    "bad\x00name",
    "dir/",
    ".",
    "",
]
# Inputs that hit defects of rules being fixed where the rules now live (checks/): a
# port range CL501 iterates port by port. `known_defects=False` leaves them out.
KNOWN_DEFECT_PORTS = ["1-99999999999", "1-4294967295"]
PORTS: list[Any] = [
    "8080:80",
    "80",
    "0-65535",
    "1" * 5000,
    "²²",
    "٣٠٠٠",
    "127.0.0.1:5000:5000/udp",
    "[::1]:80:80",
    "${PORT:-80}:80",
    99999999999999999999,
    -1,
    {"target": "1" * 5000},
    {"target": 80, "published": "1-99999999999"},
    {"target": "²"},
]
DURATIONS = ["1" * 5000 + "!", "1m30s", "1" * 10000, "10" + "µs" * 1000, "1.5h", "-1s"]
SIZES = ["1" * 5000 + "x", "1.5gb", "9" * 20000, "1_000", "12e3"]
SECRET_NAMES = ["POSTGRES_PASSWORD", "API_TOKEN", "AWS_SECRET_ACCESS_KEY", "DB_PASS"]
WORDS = ["web", "db", "app", "api", "x", "a-b", "_", "1"]
IMAGES = ["python:3.9-slim-buster", "node:16", "nginx", "redis:latest", "a" * 300, "x@sha256:0"]


def nasty(c: Chooser) -> str:
    if c.chance(0.5):
        return c.choice(NASTY_TEXT)
    return c.choice(WORDS) + c.choice(NASTY_TEXT)


def scalar(c: Chooser) -> Any:
    kind = c.integer(0, 6)
    if kind == 0:
        return nasty(c)
    if kind == 1:
        return c.integer(-(2**70), 2**70)
    if kind == 2:
        return c.choice([True, False, None, 1.5, float("inf")])
    if kind == 3:
        return c.choice(HOSTILE_PATHS)
    if kind == 4:
        return c.choice(PORTS) if c.chance(0.5) else c.choice(DURATIONS + SIZES)
    return c.choice(WORDS)


def environment(c: Chooser) -> Any:
    entries = {c.choice(SECRET_NAMES + WORDS): scalar(c) for _ in range(c.integer(0, 3))}
    if c.chance(0.6):
        entries[c.choice(SECRET_NAMES)] = SECRET
    if c.chance(0.4):
        return [f"{k}={v}" for k, v in entries.items()]
    return entries


def build(c: Chooser) -> Any:
    if c.chance(0.3):
        return c.choice([".", "ctx", *HOSTILE_PATHS])
    spec: dict[str, Any] = {"context": c.choice([".", "ctx", "ctx", *HOSTILE_PATHS])}
    if c.chance(0.5):
        spec["dockerfile"] = c.choice(["Dockerfile", "Dockerfile", *HOSTILE_PATHS])
    if c.chance(0.3):
        spec["args"] = environment(c)
    if c.chance(0.2):
        spec["target"] = nasty(c)
    if c.chance(0.15):
        spec["dockerfile_inline"] = dockerfile(c)
    return spec


def service(c: Chooser) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if c.chance(0.6):
        data["image"] = c.choice(IMAGES) if c.chance(0.8) else nasty(c)
    if c.chance(0.7):
        data["build"] = build(c)
    if c.chance(0.6):
        data["ports"] = [c.choice(PORTS) for _ in range(c.integer(1, 3))]
    if c.chance(0.6):
        data["environment"] = environment(c)
    if c.chance(0.15):
        data["extends"] = (
            {"file": c.choice(HOSTILE_PATHS), "service": c.choice(WORDS)}
            if c.chance(0.7)
            else c.choice(WORDS)
        )
    if c.chance(0.15):
        data["env_file"] = c.choice(HOSTILE_PATHS)
    if c.chance(0.2):
        data["healthcheck"] = {"test": nasty(c), "interval": c.choice(DURATIONS)}
    if c.chance(0.15):
        data["mem_limit"] = c.choice(SIZES)
    if c.chance(0.15):
        data["depends_on"] = [c.choice(WORDS) for _ in range(c.integer(0, 3))]
    if c.chance(0.1):
        data["volumes"] = [f"{c.choice(HOSTILE_PATHS)}:/data"]
    for _ in range(c.integer(0, 2)):
        data[c.choice(["command", "user", "restart", "container_name", nasty(c)])] = scalar(c)
    return data


def compose_data(c: Chooser) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if c.chance(0.2):
        data["version"] = c.choice(["3.9", "2", nasty(c)])
    services = {}
    for _ in range(c.integer(0, 3)):
        services[c.choice(WORDS) if c.chance(0.8) else nasty(c)] = service(c)
    data["services"] = services
    if c.chance(0.15):
        data["include"] = [c.choice(HOSTILE_PATHS) for _ in range(c.integer(1, 2))]
    if c.chance(0.1):
        data[c.choice(["networks", "volumes", "secrets", "x-" + nasty(c)])] = {
            c.choice(WORDS): scalar(c)
        }
    return data


def dump_compose(c: Chooser, data: dict[str, Any]) -> str:
    """As YAML, as pretty JSON or as minified one-line JSON (JSON escapes what YAML
    cannot write, such as lone surrogates)."""
    style = c.integer(0, 2)
    if style == 0:
        try:
            return str(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=4096))
        except (yaml.YAMLError, UnicodeEncodeError):
            pass
    if style == 1:
        return json.dumps(data, indent=2, default=str)
    return json.dumps(data, separators=(",", ":"), default=str)


INSTRUCTIONS: list[Callable[[Chooser], str]] = [
    lambda c: f"FROM {c.choice(IMAGES)}" + (" AS build" if c.chance(0.3) else ""),
    lambda c: f"RUN {c.choice(RUNS)}",
    lambda c: (
        f"COPY {c.choice(['.', 'req.txt', 'src', *HOSTILE_PATHS])} {c.choice(['.', '/app', 'a b'])}"
    ),
    lambda c: f"ADD {c.choice(HOSTILE_PATHS)} /x",
    lambda c: f"EXPOSE {c.choice([str(p) for p in PORTS if not isinstance(p, dict)])}",
    lambda c: f"ENV {c.choice(SECRET_NAMES)}={SECRET}",
    lambda c: f"ARG {c.choice(SECRET_NAMES)}={SECRET}",
    lambda c: f"USER {c.choice(['root', '1000', nasty(c)])}",
    lambda c: f"WORKDIR {c.choice(['app', '/app', nasty(c)])}",
    lambda c: 'CMD ["\\ud800", "' + c.choice(WORDS) + '"]',
    lambda c: f"CMD {nasty(c)}",
    lambda c: f"ENTRYPOINT {c.choice(['[', '[]', 'x'])}",
    lambda c: f"HEALTHCHECK --interval={c.choice(DURATIONS)} CMD true",
    lambda c: "ONBUILD " + c.choice(["RUN x", "ONBUILD RUN x", "FROM a"]),
    lambda c: "RUN <<EOF\n" + nasty(c) + "\nEOF",
    lambda c: "RUN " + " && ".join(c.choice(RUNS) for _ in range(c.integer(1, 30))),
    lambda c: nasty(c).upper() + " x",
    lambda c: "# syntax=docker/dockerfile:1\n# escape=`",
    lambda c: "RUN a \\\n  b \\",
    lambda c: f"LABEL {nasty(c)}={nasty(c)}",
]
RUNS = [
    "apt-get update && apt-get install curl",
    "pip install flask",
    "cd /app && make",
    "sudo x",
    "curl x | sh",
    "npm install",
    "apk add --no-cache git",
    'sh -c "$(x)"',
    "case a in a) b;; esac",
    "if x; then y; fi",
    "for i in 1 2; do echo $i; done",
    "echo " + "x" * 2000,
]


def dockerfile(c: Chooser) -> str:
    lines = [INSTRUCTIONS[0](c)] if c.chance(0.9) else []
    lines += [c.choice(INSTRUCTIONS)(c) for _ in range(c.integer(0, 12))]
    return "\n".join(lines) + ("\n" if c.chance(0.8) else "")


IGNORE_PIECES = ["*", "**", "?", "[a-z]", "[^a]", "\\", "!", "a", "b", "/", ".", "..", "#", " "]


def dockerignore(c: Chooser) -> str:
    lines = []
    for _ in range(c.integer(0, 8)):
        if c.chance(0.15):
            lines.append("*a" * c.integer(2, 12) + "b")
        elif c.chance(0.1):
            lines.append(nasty(c))
        else:
            lines.append("".join(c.choice(IGNORE_PIECES) for _ in range(c.integer(1, 8))))
    return "\n".join(lines) + "\n"


# -- mutations of real files -------------------------------------------------------------


def _bases() -> list[tuple[str, str]]:
    """(kind, text) of every fixture and corpus file worth mutating (cached)."""
    if _BASES:
        return _BASES
    roots = [FIXTURES] + ([CORPUS / "awesome-compose"] if CORPUS.is_dir() else [])
    for root in roots:
        for path in sorted(root.rglob("*")):
            name = path.name
            kind = (
                "compose"
                if re.search(r"compose.*\.ya?ml$", name)
                else "dockerfile"
                if name.startswith("Dockerfile")
                else "dockerignore"
                if name == ".dockerignore"
                else None
            )
            if kind is None or not path.is_file() or path.stat().st_size > 20_000:
                continue
            try:
                _BASES.append((kind, path.read_text(encoding="utf-8")))
            except (UnicodeDecodeError, OSError):
                continue
    return _BASES


_BASES: list[tuple[str, str]] = []


def corpus_available() -> bool:
    return CORPUS.is_dir()


def mutate(c: Chooser, text: str) -> str:
    lines = text.split("\n")
    for _ in range(c.integer(1, 4)):
        op = c.integer(0, 6)
        at = c.integer(0, max(len(lines) - 1, 0))
        if op == 0 and lines:
            del lines[at]
        elif op == 1 and lines:
            lines.insert(at, lines[c.integer(0, len(lines) - 1)])
        elif op == 2 and lines:
            line = lines[at]
            cut = c.integer(0, len(line))
            lines[at] = line[:cut] + nasty(c) + line[cut:]
        elif op == 3 and lines:
            line = lines[at]
            lines[at] = line[: c.integer(0, len(line))]
        elif op == 4:
            lines.insert(at, f"      {c.choice(SECRET_NAMES)}: {SECRET}")
        elif op == 5 and lines:
            line = lines[at]
            for token in re.findall(r"\b\d+\b", line)[:1]:
                lines[at] = line.replace(token, str(c.choice(PORTS)), 1)
        else:
            lines.insert(at, c.choice(INSTRUCTIONS)(c))
    return "\n".join(lines)


# -- cases -----------------------------------------------------------------------------------


@dataclass
class Case:
    files: dict[str, str] = field(default_factory=dict)  # relative path -> text
    links: dict[str, str] = field(default_factory=dict)  # relative path -> link target
    fifos: list[str] = field(default_factory=list)
    label: str = ""

    def describe(self) -> str:
        return json.dumps(
            {"label": self.label, "files": self.files, "links": self.links, "fifos": self.fifos},
            ensure_ascii=True,
        )


def case(c: Chooser, known_defects: bool = False) -> Case:
    result = Case()
    PORTS[:] = [p for p in PORTS if p not in KNOWN_DEFECT_PORTS]
    if known_defects:
        PORTS.extend(KNOWN_DEFECT_PORTS)
    bases = _bases()
    kind = c.integer(0, 9)
    if kind < 3 and bases:
        base_kind, text = c.choice(bases)
        name = {"compose": "compose.yaml", "dockerfile": "ctx/Dockerfile"}.get(
            base_kind, "ctx/.dockerignore"
        )
        result.files[name] = mutate(c, text)
        result.label = f"mutated {base_kind}"
        if base_kind != "compose":
            result.files["compose.yaml"] = "services:\n  web:\n    build: ctx\n    ports: [80]\n"
    else:
        result.files["compose.yaml"] = dump_compose(c, compose_data(c))
        result.label = "generated"
    result.files.setdefault("ctx/Dockerfile", dockerfile(c))
    if c.chance(0.5):
        result.files.setdefault("ctx/.dockerignore", dockerignore(c))
    if c.chance(0.4):
        result.files["Dockerfile"] = dockerfile(c)
    if c.chance(0.3):
        result.files[".env"] = f"{c.choice(SECRET_NAMES)}={SECRET}\nPORT={c.choice(PORTS)}\n"
    for _ in range(c.integer(0, 2)):  # links and pipes where a project's files are looked for
        where = c.choice(
            [".env", "Dockerfile", "ctx/Dockerfile", "ctx/.dockerignore", "compose.override.yaml"]
        )
        if where in result.files or where in result.links or where in result.fifos:
            continue
        if c.chance(0.3):
            result.fifos.append(where)
        else:
            result.links[where] = c.choice(
                ["/dev/stdin", "/proc/self/environ", "../outside/secret.yaml", "/etc/passwd"]
            )
    if c.chance(0.3):
        result.links["outside-link"] = "../outside/secret.yaml"
    if c.chance(0.2):
        result.fifos.append("fifo")
    return result


def materialize(item: Case, root: Path) -> Path:
    """Write the case into `root`/project, with a file outside it holding the canary."""
    if root.exists():
        shutil.rmtree(root)
    outside = root / "outside"
    outside.mkdir(parents=True)
    (outside / "secret.yaml").write_text(
        f"services:\n  {CANARY}:\n    image: {CANARY}\n{CANARY}: {CANARY}\n", encoding="utf-8"
    )
    project = root / "project"
    project.mkdir()
    (project / ".git").mkdir()  # the project tree ends here
    for name, text in item.files.items():
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
    for name, target in item.links.items():
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        resolved = target if target.startswith("/") else str(project / target)
        os.symlink(resolved, path)
    for name in item.fifos:
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if hasattr(os, "mkfifo"):
            os.mkfifo(path)
    return project


def _peak_kib() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


def check(item: Case, root: Path, formats: Sequence[str] | None = None) -> list[str]:
    """Lint the case in process and render `formats` (default: every one); the
    broken properties. Memory is judged by the growth of the process's peak RSS
    during this case (the peak only ever rises, so a case that stays under the
    peak of an earlier one costs nothing new)."""
    from compose_lint.engine import Options, run
    from compose_lint.report import FORMATS, formatter

    baseline_kib = _peak_kib()
    project = materialize(item, root)
    problems: list[str] = []
    start = time.perf_counter()
    alarm = hasattr(signal, "setitimer")

    def over_budget(signum: int, frame: Any) -> None:
        raise OverBudget

    if alarm:
        previous = signal.signal(signal.SIGALRM, over_budget)
        signal.setitimer(signal.ITIMER_REAL, TIME_BUDGET)
    try:
        result = run([str(project)], Options(isolated=True), project)
        outputs = {}
        for name in formats or FORMATS:
            render = formatter(name)
            if name == "text":
                report = render(
                    result.findings, len(result.files), show_source=True, lines=result.lines
                )
            else:
                report = render(result.findings, len(result.files))
            outputs[name] = report.encode("utf-8", "backslashreplace").decode("utf-8")
    except OverBudget as exc:
        return [f"over the time budget of {TIME_BUDGET:.0f}s in {_where(exc, innermost=False)}"]
    except Exception as exc:
        return [f"exception {type(exc).__name__} at {_where(exc)}: {str(exc)[:200]}"]
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    elapsed = time.perf_counter() - start
    if elapsed > TIME_BUDGET:
        problems.append(f"slow: {elapsed:.1f}s")
    for crash in result.crashes:
        problems.append("internal error: " + re.sub(r" on \S+:", ":", crash)[:200])
    exit_code = 2 if result.missing or result.crashes else 1 if result.failed else 0
    if exit_code not in (0, 1, 2):
        problems.append(f"exit code {exit_code}")
    flagged = any(
        f.code == "CL201" and _holds_secret(project, f.path, f.line) for f in result.findings
    )
    for name, report in outputs.items():
        if CANARY in report:
            problems.append(f"{name}: content of a file outside the project printed")
        if flagged and SECRET in report:
            problems.append(f"{name}: a secret printed unmasked")
    text = outputs["text"]
    bad = CONTROL.search(text)
    if bad is not None:
        problems.append(f"text: control character {bad.group()!r} printed raw")
    if _peak_kib() - baseline_kib > MEMORY_BUDGET:
        problems.append(f"memory: peak RSS grew by {(_peak_kib() - baseline_kib) // 1024} MiB")
    return problems


def _holds_secret(project: Path, path: str, line: int) -> bool:
    """Whether the line a finding points at holds the planted secret (then the tool
    knows the value is a secret, and must never print it)."""
    try:
        lines = (project / path).read_bytes().split(b"\n")
    except OSError:
        return False
    return 0 < line <= len(lines) and SECRET.encode() in lines[line - 1]


def _where(exc: BaseException, innermost: bool = True) -> str:
    """The innermost frame of compose-lint's own code in the traceback (or the
    innermost rule module, for a case over budget)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "compose_lint" in f.filename]
    if not innermost:
        rules = [f for f in frames if "checks" in f.filename]
        frames = rules[:1] or frames
    if not frames:
        return "?"
    frame = frames[-1]
    return f"{Path(frame.filename).name}:{frame.lineno} ({frame.name})"


def peak_kib() -> int:
    return _peak_kib()
