"""Precision of compose-lint on real repositories nobody here wrote, against hand verdicts.

Run by hand (CI has no clones; see bench/realworld/README.md for which repositories, at
which commits, and how to clone them):

    python bench/precision.py [--root /work/realworld] [--verdicts bench/realworld/verdicts.csv]

Each directory under --root is one repository (its name is the repository column of the
CSV; its commit is the checked-out HEAD). compose-lint runs in process on each, with the
default rule set, no config file, and a pinned end-of-life reference date. Every finding
is matched with the verdicts recorded for (repo, commit, path, line, rule); when several
findings share that key, they are taken in order of column then message and matched with
that key's rows in file order. A verdict is one of

    right  the finding is true and worth acting on, at its severity
    wrong  the finding is false (or claims something false, e.g. an overstated severity)
    noise  true, but not worth a line by default

Prints precision (right / judged) overall, per severity and per rule, the share of noise,
then the findings not yet judged and the verdicts whose finding disappeared.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
VERDICTS = ROOT / "bench" / "realworld" / "verdicts.csv"
COLUMNS = ["repo", "commit", "path", "line", "rule", "verdict", "reason"]
KINDS = ("right", "wrong", "noise")
# End-of-life checks depend on the day they run; judge them as of the day the verdicts were made.
REFERENCE_DATE = "2026-12-01"


class Seen(NamedTuple):
    """One finding as the benchmark sees it."""

    repo: str
    commit: str
    path: str
    line: int
    rule: str
    severity: str
    column: int
    message: str

    @property
    def key(self) -> tuple[str, str, str, int, str]:
        return (self.repo, self.commit, self.path, self.line, self.rule)


class Verdict(NamedTuple):
    repo: str
    commit: str
    path: str
    line: int
    rule: str
    verdict: str
    reason: str

    @property
    def key(self) -> tuple[str, str, str, int, str]:
        return (self.repo, self.commit, self.path, self.line, self.rule)


def read_verdicts(path: Path) -> list[Verdict]:
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    verdicts = []
    for number, row in enumerate(rows, start=2):
        if row.get("verdict") not in KINDS:
            sys.exit(
                f"{path}:{number}: verdict must be one of {', '.join(KINDS)}, "
                f"not {row.get('verdict')!r}"
            )
        verdicts.append(
            Verdict(
                row["repo"],
                row["commit"],
                row["path"],
                int(row["line"]),
                row["rule"],
                row["verdict"],
                row["reason"],
            )
        )
    return verdicts


def match(
    findings: Sequence[Seen], verdicts: Sequence[Verdict]
) -> tuple[list[tuple[Seen, Verdict]], list[Seen], list[Verdict]]:
    """Pair findings with verdicts: (judged pairs, findings without a verdict, verdicts
    without a finding)."""
    rows: dict[tuple[str, str, str, int, str], list[Verdict]] = defaultdict(list)
    for v in verdicts:
        rows[v.key].append(v)
    groups: dict[tuple[str, str, str, int, str], list[Seen]] = defaultdict(list)
    for f in findings:
        groups[f.key].append(f)
    judged: list[tuple[Seen, Verdict]] = []
    unjudged: list[Seen] = []
    gone: list[Verdict] = []
    for key, group in groups.items():
        group.sort(key=lambda f: (f.column, f.message))
        mine = rows.get(key, [])
        judged += zip(group, mine, strict=False)
        unjudged += group[len(mine) :]
        gone += mine[len(group) :]
    gone += [v for key, vs in rows.items() if key not in groups for v in vs]
    return judged, unjudged, gone


def head(repo: Path) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or "unknown"


def lint(root: Path, reference_date: str) -> list[Seen]:
    sys.path.insert(0, str(ROOT))
    from compose_lint.engine import Options, run

    options = Options(
        isolated=True,
        rule_options=(("reference-date", datetime.date.fromisoformat(reference_date)),),
    )
    seen = []
    for repo in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        commit = head(repo)
        result = run([str(repo)], options, cwd=repo)
        for crash in result.crashes:
            print(f"{repo.name}: {crash}", file=sys.stderr)
        seen += [
            Seen(repo.name, commit, f.path, f.line, f.code, str(f.severity), f.column, f.message)
            for f in result.findings
        ]
    return seen


def ratio(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "  -  "


def table(title: str, groups: Iterable[tuple[str, Counter[str]]]) -> None:
    rows = list(groups)
    width = max([len(title), *(len(name) for name, _ in rows)])
    print(
        f"\n{title:<{width}} {'judged':>6} {'right':>6} {'wrong':>6} {'noise':>6} "
        f"{'precision':>9} {'noise %':>7}"
    )
    for name, c in rows:
        n = sum(c[k] for k in KINDS)
        noise = f"{100 * c['noise'] / n:.0f}" if n else "-"
        print(
            f"{name:<{width}} {n:>6} {c['right']:>6} {c['wrong']:>6} {c['noise']:>6} "
            f"{ratio(c['right'], n):>9} {noise:>7}"
        )


def report(findings: Sequence[Seen], verdicts: Sequence[Verdict]) -> None:
    judged, unjudged, gone = match(findings, verdicts)
    overall: Counter[str] = Counter(v.verdict for _, v in judged)
    by_severity: dict[str, Counter[str]] = defaultdict(Counter)
    by_rule: dict[str, Counter[str]] = defaultdict(Counter)
    by_repo: dict[str, Counter[str]] = defaultdict(Counter)
    for f, v in judged:
        by_severity[f.severity][v.verdict] += 1
        by_rule[f.rule][v.verdict] += 1
        by_repo[f.repo][v.verdict] += 1
    n = sum(overall.values())
    repos = sorted({f.repo for f in findings})
    print(
        f"{len(findings)} findings in {len(repos)} repositories; "
        f"{n} judged, {len(unjudged)} not yet judged"
    )
    right, wrong, noise = (overall[k] for k in KINDS)
    if n:
        print(
            f"precision (right / judged) {ratio(right, n)}; noise {ratio(noise, n)}; "
            f"wrong {ratio(wrong, n)}; true (right + noise) {ratio(right + noise, n)}; "
            f"right / (right + wrong) {ratio(right, right + wrong)}"
        )
    order = ["error", "warning", "info"]
    table("severity", [(s, by_severity[s]) for s in order if s in by_severity])
    table("rule", sorted(by_rule.items()))
    table("repository", sorted(by_repo.items()))
    if unjudged:
        print(f"\nnot yet judged ({len(unjudged)}): repo,commit,path,line,rule  [severity] message")
        for f in sorted(unjudged):
            print(f"{f.repo},{f.commit},{f.path},{f.line},{f.rule}  [{f.severity}] {f.message}")
    if gone:
        print(f"\nverdicts whose finding disappeared ({len(gone)}):")
        for v in gone:
            print(f"{v.repo},{v.commit[:12]},{v.path},{v.line},{v.rule},{v.verdict}: {v.reason}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--root", type=Path, default=Path("/work/realworld"), help="the clones, one directory each"
    )
    parser.add_argument("--verdicts", type=Path, default=VERDICTS)
    parser.add_argument(
        "--reference-date", default=REFERENCE_DATE, help="end-of-life reference date (YYYY-MM-DD)"
    )
    options = parser.parse_args(argv)
    if not options.root.is_dir():
        sys.exit(
            f"{options.root} not found: clone there the repositories "
            "bench/realworld/README.md lists"
        )
    report(lint(options.root, options.reference_date), read_verdicts(options.verdicts))


if __name__ == "__main__":
    main()
