"""What is known of official images' release cycles: `data/eol.json`.

- `eol_table()`: the table by image name; `Product` (an image and its cycles, with
  `.match(tag_word)` and `.newest(day)`), `Cycle` (one release, with `.ends`,
  `.ended(day)`, `.when`).
- `judge(reference, day)`: the `Verdict` on an image reference (its ended cycles, a
  supported tag to move to), None when it is fine, unknown or too vague.
- `product_of(ref)`: the table entry of a parsed reference; `repository_as_written(ref)`.
- `reference_date(options)`: the day support is judged on (a rule's `reference-date`
  option, which $COMPOSE_LINT_EOL_DATE sets, else today).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta
from functools import cache
from typing import Any, NamedTuple

from compose_lint import data as data_files
from compose_lint.model.imageref import ImageRef, parse_image

_ALPINE_SUFFIX = re.compile(r"alpine(\d+\.\d+)(?:\.\d+)*")


#: The CL301 option (`rule-options: eol-base-image: reference-date: ...`) with the same role.
EOL_DATE_OPTION = "reference-date"


def reference_date(options: Mapping[str, Any] | None = None) -> date:
    """The day support is judged on: the rule's `reference-date` option (which
    $COMPOSE_LINT_EOL_DATE sets from the command line), else today."""
    configured = (options or {}).get(EOL_DATE_OPTION)
    if isinstance(configured, date):
        return configured
    return date.today()


# -- the end-of-life table ----------------------------------------------------


class Cycle(NamedTuple):
    """One release cycle of an image: `3.9` of Python, `11`/bullseye of Debian."""

    label: str  # 'Python 3.9', 'Debian 10 "buster"'
    cycle: str  # "3.9"
    codename: str | None  # "buster", also the Node.js LTS names
    eol: str | None  # as the table writes it: YYYY-MM-DD, YYYY-MM, or None
    suggest: bool  # may be proposed as an upgrade target

    @property
    def ends(self) -> date | None:
        """The first day without support; None when no end is announced."""
        if self.eol is None:
            return None
        if len(self.eol) == len("YYYY-MM"):
            import calendar  # only for month-precision dates

            year, month = (int(part) for part in self.eol.split("-"))
            return date(year, month, calendar.monthrange(year, month)[1]) + timedelta(days=1)
        return date.fromisoformat(self.eol)

    def ended(self, today: date) -> bool:
        ends = self.ends
        return ends is not None and today >= ends

    @property
    def when(self) -> str:
        """`on 2025-10-31`, or `in October 2026` when only the month is known."""
        if self.eol is None:
            return "never"
        if len(self.eol) == len("YYYY-MM"):
            import calendar

            year, month = (int(part) for part in self.eol.split("-"))
            return f"in {calendar.month_name[month]} {year}"
        return f"on {self.eol}"

    @property
    def order(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.cycle.split("."))


class Product(NamedTuple):
    """An official image and its release cycles, newest first."""

    key: str  # the image name: "python"
    name: str  # "Python"
    distro: bool  # debian, ubuntu, alpine: their cycles also appear in other images' tags
    cycles: tuple[Cycle, ...]
    renamed: tuple[tuple[str, str], ...] = ()  # (old image name, current name)

    def current_name(self, name: str) -> str:
        """The name the image is published under today."""
        return dict(self.renamed).get(name, name)

    def match(self, word: str) -> Cycle | None:
        """The cycle a tag word names: a version at least as precise as the cycle
        (`3.9`, `3.9.18`, but not `3`), or the cycle's codename."""
        if word[:1].isdigit():
            parts = word.split(".")
            best: Cycle | None = None
            for cycle in self.cycles:
                wanted = cycle.cycle.split(".")
                if parts[: len(wanted)] == wanted and (
                    best is None or len(wanted) > len(best.cycle.split("."))
                ):
                    best = cycle
            return best
        word = word.lower()
        return next((c for c in self.cycles if c.codename == word), None)

    def line(self, word: str) -> Cycle | None:
        """For a tag less precise than the cycles (`mongo:4`, `postgres:9`), the newest
        cycle it covers, which is the one the tag points to (4.4 for `4`); None when
        the tag names a cycle itself or none is under it."""
        if not word[:1].isdigit() or self.match(word) is not None:
            return None
        parts = word.split(".")
        under = [c for c in self.cycles if c.cycle.split(".")[: len(parts)] == parts]
        return max(under, key=lambda c: c.order) if under else None

    def newest(self, today: date) -> Cycle | None:
        """The newest cycle still supported on `today` that is fit to upgrade to."""
        return next((c for c in self.cycles if c.suggest and not c.ended(today)), None)


@cache
def eol_table() -> dict[str, Product]:
    """`compose_lint/data/eol.json`, read once per process, by image name: the
    Docker Hub name of official images (`python`), the full name of others."""
    data: dict[str, Any] = data_files.load("eol.json")
    products: dict[str, Product] = {}
    for key, entry in data["images"].items():
        distro = bool(entry.get("distro", False))
        cycles = []
        for raw in entry["cycles"]:
            codename = raw.get("codename")
            label = f"{raw.get('name', entry['name'])} {raw['cycle']}"
            if distro and codename:
                label += f' "{codename}"'
            suggest = bool(raw.get("suggest", True))
            cycles.append(Cycle(label, raw["cycle"], codename, raw["eol"], suggest))
        cycles.sort(key=lambda c: c.order, reverse=True)
        renamed: dict[str, str] = entry.get("renamed", {})
        product = Product(key, entry["name"], distro, tuple(cycles), tuple(renamed.items()))
        for name in [key, *entry.get("aliases", []), *renamed]:
            products[name] = product
    return products


def product_of(ref: ImageRef) -> Product | None:
    if ref.official:
        return eol_table().get(ref.short_name)
    return eol_table().get(repository_as_written(ref))


# -- judging one image reference ---------------------------------------------


class _Part(NamedTuple):
    """A tag word that names a release cycle."""

    index: int  # type: ignore[assignment]  # position among the tag's "-"-separated words
    cycle: Cycle
    product: Product


class Verdict(NamedTuple):
    ended: tuple[Cycle, ...]  # the image's own release first, then its base distro's
    suggestion: str | None  # a supported tag to move to, when one can be named


def repository_as_written(ref: ImageRef) -> str:
    return f"{ref.registry}/{ref.repository}" if ref.registry else ref.repository


def _tag_parts(ref: ImageRef, words: list[str]) -> list[_Part]:
    """The release cycles a tag names: the image's own version (first word) and,
    for images built on a distribution, the distribution release in the variant
    words (`-buster`, `-jammy`, `-alpine3.17`)."""
    table = eol_table()
    product = product_of(ref)
    found: list[_Part] = []
    if product is not None:
        # `python:3` points to the newest 3.x, reported only once that one has ended
        own = product.match(words[0]) or product.line(words[0])
        if own is not None:
            found.append(_Part(0, own, product))
        if product.distro:
            return found
    for index, word in enumerate(words):
        if found and index == 0:
            continue
        lowered = word.lower()
        alpine = _ALPINE_SUFFIX.fullmatch(lowered)
        if alpine is not None:
            cycle = table["alpine"].match(alpine.group(1))
            if cycle is not None:
                found.append(_Part(index, cycle, table["alpine"]))
            continue
        for distro in ("debian", "ubuntu"):
            cycle = next((c for c in table[distro].cycles if c.codename == lowered), None)
            if cycle is not None:
                found.append(_Part(index, cycle, table[distro]))
                break
    return found


def judge(reference: str, today: date) -> Verdict | None:
    """Whether an official image's tag names a release past its end of life on
    `today`. None for unknown images and versions, untagged and `latest` images, and
    a major-only tag whose newest release is still supported (`python:3`; `mongo:4`
    points to 4.4, which has ended)."""
    ref = parse_image(reference)
    if ref is None or ref.tag is None or ref.tag == "latest":
        return None
    product = product_of(ref)
    if product is None and not ref.official:
        return None  # a third-party image's tag words mean what its publisher wants
    words = ref.tag.split("-")
    ended = [part for part in _tag_parts(ref, words) if part.cycle.ended(today)]
    if not ended:
        return None
    cycles = tuple(part.cycle for part in ended)
    replaced: list[str | None] = list(words)
    for part in ended:
        key = part.product.key
        if (part.index == 0 and part.product is product) or key == "debian":
            newer = part.product.newest(today)
            if newer is None:
                return Verdict(cycles, None)
            by_name = not words[part.index][:1].isdigit() and newer.codename
            replaced[part.index] = newer.codename if by_name else newer.cycle
        elif key == "ubuntu":
            replaced[part.index] = None  # the image's default base follows supported releases
        else:  # alpine3.17 -> alpine, which tracks the newest Alpine the image supports
            replaced[part.index] = "alpine"
    tag = "-".join(word for word in replaced if word)
    name = repository_as_written(ref)
    if product is not None:
        name = product.current_name(name)
    return Verdict(cycles, f"{name}:{tag}" if tag else None)
