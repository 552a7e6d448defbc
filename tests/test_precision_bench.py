"""bench/precision.py pairs findings with hand verdicts; no clone needed for that."""

from __future__ import annotations

import importlib.util
from pathlib import Path

spec = importlib.util.spec_from_file_location(
    "precision", Path(__file__).parent.parent / "bench" / "precision.py"
)
assert spec and spec.loader
precision = importlib.util.module_from_spec(spec)
spec.loader.exec_module(precision)


def seen(
    line: int, rule: str = "CL501", column: int = 1, message: str = "m", commit: str = "c1"
) -> object:
    return precision.Seen("r", commit, "compose.yaml", line, rule, "warning", column, message)


def verdict(line: int, kind: str, rule: str = "CL501", commit: str = "c1") -> object:
    return precision.Verdict("r", commit, "compose.yaml", line, rule, kind, "why")


def test_pairs_by_key_and_orders_duplicates_by_column() -> None:
    findings = [seen(3, column=9), seen(3, column=2), seen(5, rule="CL101"), seen(7)]
    verdicts = [
        verdict(3, "right"),
        verdict(3, "wrong"),
        verdict(5, "noise", rule="CL101"),
        verdict(9, "right"),
    ]
    judged, unjudged, gone = precision.match(findings, verdicts)
    assert [(f.line, f.column, v.verdict) for f, v in judged] == [
        (3, 2, "right"),
        (3, 9, "wrong"),
        (5, 1, "noise"),
    ]
    assert [f.line for f in unjudged] == [7]
    assert [v.line for v in gone] == [9]


def test_a_verdict_for_another_commit_does_not_apply() -> None:
    judged, unjudged, gone = precision.match(
        [seen(3, commit="new")], [verdict(3, "right", commit="old")]
    )
    assert judged == [] and len(unjudged) == 1 and len(gone) == 1


def test_reads_the_csv(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text(
        'repo,commit,path,line,rule,verdict,reason\nr,c1,compose.yaml,3,CL501,right,"a, b"\n'
    )
    assert precision.read_verdicts(path) == [verdict(3, "right")._replace(reason="a, b")]
