"""Property-based fuzzing, bounded so it runs with every test run (bench/fuzz.py
runs the long campaign). Each example is a hostile project layout from
tests/fuzzing.py; every run must keep every property `fuzzing.check` tests."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import fuzzing
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compose_lint.load.dockerignore import _Automaton, _translate_parts, parse_dockerignore

BOUNDED = settings(
    max_examples=1500,
    deadline=None,
    database=None,
    derandomize=True,  # the same examples every run: CI failures reproduce
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@BOUNDED
@given(st.data())
def test_hostile_projects_keep_every_property(data: st.DataObject) -> None:
    chooser = fuzzing.HypothesisChooser(data)
    item = fuzzing.case(chooser)
    formats = None if chooser.chance(0.15) else ("text", "json", "github")
    with tempfile.TemporaryDirectory() as scratch:
        problems = fuzzing.check(item, Path(scratch) / "case", formats)
    assert not problems, (problems, item.describe())


@settings(BOUNDED, max_examples=300)
@given(st.data())
def test_mutated_corpus_files_keep_every_property(data: st.DataObject) -> None:
    if not fuzzing.corpus_available():
        pytest.skip(f"{fuzzing.CORPUS} is absent: only fixtures are mutated")
    chooser = fuzzing.HypothesisChooser(data)
    item = fuzzing.case(chooser)
    with tempfile.TemporaryDirectory() as scratch:
        problems = fuzzing.check(item, Path(scratch) / "case", ("text", "sarif"))
    assert not problems, (problems, item.describe())


PIECES = st.sampled_from(["*", "**", "?", "[a-c]", "[^a]", "a", "b", "/", "**/", "\\b", "^", "."])
NAMES = st.text(alphabet="ab/.c", max_size=12)


@settings(BOUNDED, max_examples=3000)
@given(st.lists(PIECES, min_size=1, max_size=8).map("".join), NAMES)
def test_the_linear_matcher_agrees_with_the_regex(pattern: str, path: str) -> None:
    """The automaton used for patterns with several stars matches exactly what
    Docker's regex translation matches (checked on short names, where the
    backtracking regex is still fast)."""
    try:
        text, parts = _translate_parts(pattern)
    except Exception:  # a pattern Docker rejects: the loader reports it
        return
    if parts is None:
        return
    expected = re.compile(text, re.ASCII).fullmatch(path) is not None
    assert (_Automaton(parts).fullmatch(path) is not None) == expected


@settings(BOUNDED, max_examples=500)
@given(st.text(max_size=300), st.lists(NAMES, max_size=5))
def test_any_dockerignore_text_parses_and_matches(text: str, paths: list[str]) -> None:
    ignore = parse_dockerignore(text)
    for path in paths:
        ignore.is_excluded(path)
