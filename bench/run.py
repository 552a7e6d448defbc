"""Time compose-lint on the real-world corpus in ../shared/corpus.

Run by hand (tests never assert on time):

    python bench/run.py [--repeat 7]

Prints, as medians over the repeats (these machines are shared and noisy):
  * the whole CLI, one process, over every compose file of the corpus: files per
    second and peak memory (RSS of the child process);
  * the tutorial project linted end to end, interpreter start-up included;
  * in-process cost per compose file, for comparison with the bare libyaml parse;
  * with --peer EXE, a peer linter over the same compose files in the same run (one
    process for all of them), e.g. the PyPI "compose-lint" 0.36.2 installed in a
    separate virtualenv (it owns the same command name):
        python -m venv /tmp/peer && /tmp/peer/bin/pip install compose-lint==0.36.2
        python bench/run.py --peer "/tmp/peer/bin/compose-lint check"
    It reads compose files only; compose-lint also follows every build into its
    Dockerfile, context and .dockerignore.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Measure as users run it: with Python's bytecode cache. (Some sandboxes set
# PYTHONDONTWRITEBYTECODE, which makes every run recompile every module.)
USER_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
CORPUS = ROOT.parent / "shared" / "corpus"


def child_run(args: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one compose-lint process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "compose_lint", *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
        env=USER_ENV,
    )
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before)


def compose_files() -> list[Path]:
    from compose_lint.discover import discover

    return discover([str(CORPUS)]).compose_files


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--peer", help="command line of a peer linter, run on the same files")
    options = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"{CORPUS} not found: the benchmark needs ../shared/corpus beside the checkout")
    sys.path.insert(0, str(ROOT))
    files = compose_files()
    n = len(files)
    print(f"corpus: {n} compose files under {CORPUS}")

    walls, peaks = [], []
    for _ in range(options.repeat):
        wall, peak = child_run([str(CORPUS), "--fail-on", "never"])
        walls.append(wall)
        peaks.append(peak)
    wall = statistics.median(walls)
    print(
        f"CLI, whole corpus, one process: median {wall * 1000:.0f} ms "
        f"({n / wall:.0f} compose files/s incl. start-up), peak RSS {max(peaks) / 1024:.0f} MiB"
    )

    if options.peer:
        command = [*options.peer.split(), *map(str, files)]
        peer_walls = []
        for _ in range(options.repeat):
            start = time.perf_counter()
            subprocess.run(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
            )
            peer_walls.append(time.perf_counter() - start)
        peer = statistics.median(peer_walls)
        print(
            f"peer ({options.peer}), same files, one process: median {peer * 1000:.0f} ms "
            f"({n / peer:.0f} compose files/s); compose-lint/peer time ratio {wall / peer:.2f}"
        )

    tutorial = [child_run(["fixtures/tutorial"])[0] for _ in range(options.repeat * 3)]
    sample = [child_run(["sample_project"])[0] for _ in range(options.repeat * 3)]
    print(
        f"CLI, tutorial project end to end: median {statistics.median(tutorial) * 1000:.0f} ms; "
        f"sample_project: median {statistics.median(sample) * 1000:.0f} ms"
    )

    from compose_lint.engine import Options, run

    lint_options = Options(isolated=True)
    run([str(files[0])], lint_options, ROOT)  # warm imports
    times = []
    for _ in range(options.repeat):
        start = time.perf_counter()
        run([str(CORPUS)], lint_options, ROOT)
        times.append(time.perf_counter() - start)
    t = statistics.median(times)
    print(
        f"in process, whole corpus: median {t * 1000:.0f} ms = {n / t:.0f} compose files/s "
        f"({t / n * 1e6:.0f} us per file, Dockerfiles and contexts included)"
    )

    import yaml

    texts = [f.read_text(errors="replace") for f in files]
    times = []
    for _ in range(options.repeat):
        start = time.perf_counter()
        for text in texts:
            with contextlib.suppress(yaml.YAMLError):
                yaml.compose(text, Loader=yaml.CSafeLoader)
        times.append(time.perf_counter() - start)
    t = statistics.median(times)
    print(f"floor, bare libyaml compose of the same files: {n / t:.0f} files/s")
    print(f"(machine: {os.cpu_count()} cores; medians of {options.repeat} runs)")


if __name__ == "__main__":
    main()
