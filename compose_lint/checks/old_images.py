"""CL3xx: the images a project runs and builds on.

Both rules look at the same images: every `FROM` of every Dockerfile the project
builds (ARG defaults and compose `build.args` applied, stage references skipped)
and the `image:` of every service that does not build its own image.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from functools import cache
from typing import Any, NamedTuple

from compose_lint import data as data_files
from compose_lint.findings import Location, Severity
from compose_lint.load import interpolation
from compose_lint.load.dockerfile import Stage
from compose_lint.model import DockerfileSource, Project
from compose_lint.model.image import Resolver
from compose_lint.model.imageref import ImageRef, parse_image
from compose_lint.registry import rule

Found = Iterator[tuple[Location, str]]


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


def _product(ref: ImageRef) -> Product | None:
    if ref.official:
        return eol_table().get(ref.short_name)
    return eol_table().get(_repository_as_written(ref))


# -- judging one image reference ---------------------------------------------


class _Part(NamedTuple):
    """A tag word that names a release cycle."""

    index: int  # position among the tag's "-"-separated words
    cycle: Cycle
    product: Product


class Verdict(NamedTuple):
    ended: tuple[Cycle, ...]  # the image's own release first, then its base distro's
    suggestion: str | None  # a supported tag to move to, when one can be named


def _repository_as_written(ref: ImageRef) -> str:
    return f"{ref.registry}/{ref.repository}" if ref.registry else ref.repository


def _tag_parts(ref: ImageRef, words: list[str]) -> list[_Part]:
    """The release cycles a tag names: the image's own version (first word) and,
    for images built on a distribution, the distribution release in the variant
    words (`-buster`, `-jammy`, `-alpine3.17`)."""
    table = eol_table()
    product = _product(ref)
    found: list[_Part] = []
    if product is not None:
        own = product.match(words[0])
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
    `today`. None for unknown images and versions, untagged and `latest` images,
    and tags too vague to tell (`python:3`)."""
    ref = parse_image(reference)
    if ref is None or ref.tag is None or ref.tag == "latest":
        return None
    product = _product(ref)
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
    name = _repository_as_written(ref)
    if product is not None:
        name = product.current_name(name)
    return Verdict(cycles, f"{name}:{tag}" if tag else None)


def eol_message(reference: str, verdict: Verdict) -> str:
    first, *rest = verdict.ended
    facts = f"{first.label} reached end of life {first.when}"
    if rest:
        others = [f"{cycle.label} {cycle.when}" for cycle in rest]
        facts += ", " * (len(others) > 1) + ", ".join(others[:-1]) + " and " + others[-1]
    fix = (
        f"move to a supported tag such as {verdict.suggestion}"
        if verdict.suggestion
        else "move to a supported release"
    )
    return f"{reference}: {facts}; {fix}"


# -- the images of a project ---------------------------------------------------


class _Image(NamedTuple):
    location: Location
    reference: str  # interpolated / ARG-resolved
    written: str  # as the file writes it
    from_dockerfile: bool

    def shown(self, quote: str = "") -> str:
        """The reference for a message, saying where it came from if resolved."""
        text = f"{quote}{self.reference}{quote}"
        return text if self.written == self.reference else f'{text} (from "{self.written}")'


def _word_column(line: str, word: str, start: int) -> int | None:
    """0-based column of `word` standing alone (between blanks) in `line`."""
    at = line.find(word, start)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or line[at - 1].isspace()) and (end == len(line) or line[end].isspace()):
            return at
        at = line.find(word, at + 1)
    return None


def _from_location(source: DockerfileSource, stage: Stage) -> Location:
    """Where the image word of a stage's FROM is written (it may sit on a
    continuation line); the instruction itself when it cannot be found."""
    instruction = stage.from_instruction
    for offset, line in enumerate(instruction.lines):
        start = instruction.column - 1 + len(instruction.keyword) if offset == 0 else 0
        column = _word_column(line, stage.base, start)
        if column is not None:
            return source.loc(instruction.line + offset, column + 1)
    return source.loc(instruction.line, instruction.column)


def _built_image_names(project: Project) -> set[str]:
    """`image:` names that a service builds: other services may run them."""
    names: set[str] = set()
    for service in project.services:
        if service.build is not None and service.image is not None:
            value = interpolation.substitute(service.image, service.file.interpolation_env)
            if value:
                names.add(value.strip())
    return names


def project_images(project: Project) -> Iterator[_Image]:
    """Every external image the project uses, each FROM once per distinct value."""
    built = _built_image_names(project)
    for service in project.services:
        if service.build is not None or service.image is None:
            continue  # with build:, image: names the result, not something pulled
        value = interpolation.substitute(service.image, service.file.interpolation_env)
        if value is None or not value.strip() or value.strip() in built:
            continue
        location = service.file.loc(service.path + ("image",))
        yield _Image(location, value.strip(), service.image.strip(), False)
    for source in project.dockerfiles:
        parsed = source.parsed
        if parsed is None:
            continue
        seen: set[tuple[int, str]] = set()
        for build in source.builds or [None]:
            resolver = Resolver.of(parsed, build)
            for stage in parsed.stages:
                value = resolver.base(stage)
                if not value or resolver.stage(value, stage.index) is not None:
                    continue  # unknown, or FROM an earlier stage
                if (stage.index, value) in seen:
                    continue
                seen.add((stage.index, value))
                location = _from_location(source, stage)
                yield _Image(location, value, stage.base, True)


# -- the rules -------------------------------------------------------------------


@rule(
    "CL301",
    "eol-base-image",
    Severity.WARNING,
    "An image is a release past its end of life (Python 3.8, Node 16, Debian buster...).",
    options={EOL_DATE_OPTION: "date"},
)
def eol_base_image(project: Project, options: Mapping[str, Any]) -> Found:
    today = reference_date(options)
    for image in project_images(project):
        verdict = judge(image.reference, today)
        if verdict is not None:
            yield image.location, eol_message(image.shown(), verdict)


def _pin_example(ref: ImageRef, today: date) -> str:
    name = _repository_as_written(ref)
    product = _product(ref)
    newest = product.newest(today) if product is not None else None
    if product is None or newest is None:
        return f"{name}:<version>"
    return f"{product.current_name(name)}:{newest.cycle}"


@rule(
    "CL302",
    "unpinned-image",
    Severity.WARNING,
    "An image has no tag or the `latest` tag, so what runs changes without notice.",
    options={EOL_DATE_OPTION: "date"},
)
def unpinned_image(project: Project, options: Mapping[str, Any]) -> Found:
    today = reference_date(options)
    for image in project_images(project):
        ref = parse_image(image.reference)
        if ref is None or ref.digest is not None:
            continue
        if image.from_dockerfile and ref.registry is None and ref.repository == "scratch":
            continue
        if ref.tag is not None and ref.tag != "latest":
            continue
        what = 'has no tag, so it pulls "latest"' if ref.tag is None else 'uses the "latest" tag'
        name = _repository_as_written(ref)
        shown = image.shown(quote='"')
        yield (
            image.location,
            f"image {shown} {what}, which moves to a new release whenever one is "
            f"pushed; pin a version tag such as {_pin_example(ref, today)} "
            f"or a digest ({name}@sha256:...)",
        )
