"""A long fuzzing campaign against compose-lint, run by hand.

    python bench/fuzz.py [--cases 200000] [--seed 1] [--minutes 60] [--jobs 2]

Each case is a hostile project layout from tests/fuzzing.py (generated compose
files, Dockerfiles and .dockerignore files, mutations of fixtures/ and of
../shared/corpus, links to /dev/stdin and /proc, named pipes, files outside the
project tree), linted in process and rendered in every format. Prints progress,
then inputs per second and each distinct failure (the broken property with its
first input, as JSON, to turn into a regression test).
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import fuzzing  # noqa: E402


def worker(args: tuple[int, int, float, int, bool]) -> tuple[int, dict[str, tuple[int, str]]]:
    """Run `count` cases from `seed` (stopping at `deadline`): how many ran, and the
    failures seen: problem -> (times, first input)."""
    seed, count, deadline, progress, known_defects = args
    chooser = fuzzing.RandomChooser(seed)
    failures: dict[str, tuple[int, str]] = {}
    done = 0
    shm = Path("/dev/shm")  # a memory file system when there is one: cases are many small files
    with tempfile.TemporaryDirectory(
        prefix="compose-lint-fuzz-", dir=shm if shm.is_dir() else None
    ) as scratch:
        root = Path(scratch) / "case"
        for done in range(1, count + 1):
            item = fuzzing.case(chooser, known_defects)
            # text and json every time; the other formats (slower to render) one case in 8
            formats = None if done % 8 == 0 else ("text", "json")
            for problem in fuzzing.check(item, root, formats):
                times, first = failures.get(problem, (0, item.describe()))
                failures[problem] = (times + 1, first)
            if progress and done % progress == 0:
                print(
                    f"  [seed {seed}] {done} cases, {len(failures)} distinct failures", flush=True
                )
            if time.time() > deadline:
                break
    return done, failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--minutes", type=float, default=120.0, help="stop after this long")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--progress", type=int, default=5000)
    parser.add_argument(
        "--known-defects",
        action="store_true",
        help="also generate inputs that hit rule defects known and being fixed",
    )
    args = parser.parse_args()
    if not fuzzing.corpus_available():
        print(f"note: {fuzzing.CORPUS} is absent; mutating fixtures/ only", flush=True)
    deadline = time.time() + args.minutes * 60
    share = -(-args.cases // args.jobs)
    tasks = [
        (args.seed + i * 1_000_003, share, deadline, args.progress, args.known_defects)
        for i in range(args.jobs)
    ]
    start = time.perf_counter()
    if args.jobs == 1:
        results = [worker(tasks[0])]
    else:
        with multiprocessing.Pool(args.jobs) as pool:
            results = pool.map(worker, tasks)
    elapsed = time.perf_counter() - start
    total = sum(done for done, _ in results)
    merged: dict[str, tuple[int, str]] = {}
    for _, failures in results:
        for problem, (times, first) in failures.items():
            before, kept = merged.get(problem, (0, first))
            merged[problem] = (before + times, kept)
    print(
        f"{total} cases in {elapsed:.0f} s: {total / elapsed:.1f} inputs/s "
        f"({args.jobs} process{'es' if args.jobs != 1 else ''}); "
        f"{len(merged)} distinct failures"
    )
    by_count = Counter({p: t for p, (t, _) in merged.items()})
    for problem, times in by_count.most_common():
        print(f"\n{times:7d}  {problem}\n         first input: {merged[problem][1]}")
    sys.exit(1 if merged else 0)


if __name__ == "__main__":
    main()
