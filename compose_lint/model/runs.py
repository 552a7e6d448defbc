"""The RUN instructions of a project, each with its commands and the builds it is in.

The combinator the RUN rules share ("for each RUN command of the built image"):
`runs(project)` yields every RUN (and `ONBUILD RUN`, checked like a RUN at that
place: it runs in every image built `FROM` this one) of every parsed Dockerfile,
with its simple commands (`model.commands`), the builds whose image carries its
layers, and the state in effect before it in each of them (`model.image.Step`).
Computed once per Dockerfile and set of builds, however many rules ask.

Public names:

- `runs(project)` -> iterator of `Run`.
- `Run`: `.source`, `.dockerfile`, `.stage`, `.position` (index in the stage),
  `.instruction` (for ONBUILD RUN: the RUN it registers), `.commands`, `.onbuild`,
  `.contexts` (the builds that ship it; every build of the file when none does,
  and for ONBUILD triggers), `.shipped`, `.at(command)` (its Location),
  `.use` (what the image it goes into is plainly for, `model.purpose.Use`, or None),
  `.practice_unwanted` (the image is for tests or CI, kept for backward compatibility,
  or its Dockerfile's path says it is for local use: practice advice is not worth a line),
  `.step(context)` (the `Step` of this RUN in that build: ENV/ARG, USER, SHELL,
  WORKDIR before it), `.earlier(context)` (the RUNs before it in that build's
  stage chain, oldest first), `.mounts` ((type, target) of each `--mount`).
- `apt_configured(run, key, values)`: did earlier RUNs write the APT option `key`
  with one of `values` into /etc/apt in every build of `run`?
- `Context`: one way the Dockerfile is built: `.resolver`, `.build` (None when
  built alone).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from compose_lint.findings import Location
from compose_lint.load.dockerfile import Dockerfile, Instruction, Stage
from compose_lint.model import Build, DockerfileSource, Project
from compose_lint.model.commands import Command, apt_option, run_commands, unwrap
from compose_lint.model.image import Resolver, Step
from compose_lint.model.purpose import Use, declared_use, dockerfile_use, made_for_compose


class Context(NamedTuple):
    """One way a Dockerfile is built: by a compose build, or alone (build None)."""

    resolver: Resolver
    build: Build | None


class Run(NamedTuple):
    """One RUN (or ONBUILD RUN) with its commands and where it sits."""

    source: DockerfileSource
    dockerfile: Dockerfile
    stage: Stage
    position: int  # index in stage.instructions
    instruction: Instruction  # for ONBUILD RUN: the RUN it registers
    commands: tuple[Command, ...]
    onbuild: bool
    # the builds that produce an image containing this stage's layers; for a
    # stage no build ships (or an ONBUILD trigger): every build of the file
    contexts: tuple[Context, ...]
    shipped: bool

    def at(self, command: Command) -> Location:
        return self.source.loc(command.line, command.column)

    @property
    def use(self) -> Use | None:
        """What the image this RUN goes into is plainly for (tests, development), as
        its Dockerfile and the services that ship it say; None: anything else."""
        builds = [c.build for c in self.contexts if c.build is not None]
        return dockerfile_use(self.source, builds)

    @property
    def practice_unwanted(self) -> bool:
        """The image this RUN goes into is for tests or CI, is kept for backward
        compatibility, or its Dockerfile says it is for local use, by its path
        (`.devcontainer/`, `Dockerfile.dev`, `tests/`) or its opening comment: the
        image-size and practice rules leave it alone."""
        builds = [c.build for c in self.contexts if c.build is not None]
        return (
            self.use in (Use.TEST, Use.RETIRED)
            or declared_use(self.source) is not None
            or made_for_compose(builds)
        )

    def step(self, context: Context) -> Step:
        """This RUN's step in the stage chain `context` builds: the state before it."""
        steps = context.resolver.steps(self.stage)
        return steps[len(steps) - len(self.stage.instructions) + self.position]

    def earlier(self, context: Context) -> tuple[Run, ...]:
        """The RUNs that run before this one in `context`'s stage chain, oldest first
        (ONBUILD triggers left out: they run in other images)."""
        order = _chain_runs(self, context)
        index = order.places.get((self.stage.index, self.position), 0)
        return order.runs[:index]

    def _index(self, context: Context) -> int:
        return _chain_runs(self, context).places.get((self.stage.index, self.position), 0)

    @property
    def mounts(self) -> list[tuple[str, str]]:
        """(type, target) of each `--mount=` flag."""
        found: list[tuple[str, str]] = []
        for fields in self.instruction.mounts():
            target = fields.get("target") or fields.get("dst") or fields.get("destination") or ""
            found.append((fields["type"], target.rstrip("/") or "/"))
        return found


class _ChainRuns(NamedTuple):
    runs: tuple[Run, ...]
    places: dict[tuple[int, int], int]  # (stage index, position) -> index in runs


def _chain_runs(run: Run, context: Context) -> _ChainRuns:
    """The RUNs of `run`'s stage chain in `context`, oldest first (cached)."""
    key = ("runs:chain", id(context.resolver), run.stage.index)
    cache = run.dockerfile.cache
    found = cache.get(key)
    if isinstance(found, _ChainRuns):
        return found
    by_place = {(r.stage.index, r.position): r for r in _file_runs(run.source, run.dockerfile)}
    ordered: list[Run] = []
    index: dict[tuple[int, int], int] = {}
    for stage in reversed(context.resolver.chain(run.stage)):
        for position in range(len(stage.instructions)):
            found_run = by_place.get((stage.index, position))
            if found_run is not None and not found_run.onbuild:
                index[(stage.index, position)] = len(ordered)
                ordered.append(found_run)
    result = _ChainRuns(tuple(ordered), index)
    cache[key] = result
    return result


def runs(project: Project) -> Iterator[Run]:
    """Every RUN and ONBUILD RUN of the project's parsed Dockerfiles, in file order."""
    for source in project.dockerfiles:
        parsed = source.parsed
        if parsed is not None:
            yield from _file_runs(source, parsed)


def _file_runs(source: DockerfileSource, dockerfile: Dockerfile) -> tuple[Run, ...]:
    builds = tuple(source.builds)
    cached = dockerfile.cache.get("runs")
    if isinstance(cached, tuple) and len(cached) == 2:
        seen_builds, seen_runs = cached
        if len(seen_builds) == len(builds) and all(
            a is b for a, b in zip(seen_builds, builds, strict=True)
        ):
            return seen_runs  # type: ignore[no-any-return]
    every, shipping = _shipping(dockerfile, builds)
    found: list[Run] = []
    for stage in dockerfile.stages:
        for position, instruction in enumerate(stage.instructions):
            onbuild = instruction.keyword == "ONBUILD"
            run = instruction.inner if onbuild else instruction
            if run is None or run.keyword != "RUN":
                continue
            commands = run_commands(run, dockerfile.escape)
            ships = shipping.get(stage.index, ())
            # an ONBUILD trigger runs in every image built FROM this one
            contexts = every if onbuild or not ships else ships
            shipped = onbuild or bool(ships)
            found.append(
                Run(source, dockerfile, stage, position, run, commands, onbuild, contexts, shipped)
            )
    result = tuple(found)
    dockerfile.cache["runs"] = (builds, result)
    return result


def _shipping(
    dockerfile: Dockerfile, builds: tuple[Build, ...]
) -> tuple[tuple[Context, ...], dict[int, tuple[Context, ...]]]:
    """Every way the file is built, and for each stage index the builds whose image
    carries that stage's layers: the `FROM` chain of each compose build's target,
    and of the last stage (what a plain `docker build` produces) for the stages no
    compose build ships."""
    every = tuple(Context(Resolver.of(dockerfile, b), b) for b in builds)
    shipping: dict[int, list[Context]] = {}
    for context, build in zip(every, builds, strict=True):
        stage = context.resolver.built(build.target)
        if stage is not None:
            for ancestor in context.resolver.chain(stage):
                shipping.setdefault(ancestor.index, []).append(context)
    alone = Context(Resolver.of(dockerfile), None)
    if dockerfile.stages:
        for ancestor in alone.resolver.chain(dockerfile.stages[-1]):
            shipping.setdefault(ancestor.index, [alone])
    return every or (alone,), {index: tuple(c) for index, c in shipping.items()}


# -- APT configuration written by earlier RUNs ----------------------------------------


def apt_configured(run: Run, key: str, values: frozenset[str]) -> bool:
    """Did an earlier RUN of the stage chain write the APT option `key` with one of
    `values` into the apt configuration (`echo '...' > /etc/apt/apt.conf.d/x`, or
    `... | tee /etc/apt/apt.conf.d/x`), in every build of `run`? An `apt-get -o`
    option lasts one command and does not count."""
    for context in run.contexts:
        first = _first_apt_writer(run, context, key, values)
        if first is None or first >= run._index(context):
            return False
    return True


def _first_apt_writer(run: Run, context: Context, key: str, values: frozenset[str]) -> int | None:
    """Index (in the chain's RUNs) of the first RUN that writes the option (cached)."""
    cache_key = ("runs:apt", id(context.resolver), run.stage.index, key, values)
    cache = run.dockerfile.cache
    if cache_key in cache:
        return cache[cache_key]  # type: ignore[return-value]
    first: int | None = None
    for index, earlier in enumerate(_chain_runs(run, context).runs):
        commands = earlier.commands
        if any(_writes_apt_config(commands, i, key, values) for i in range(len(commands))):
            first = index
            break
    cache[cache_key] = first
    return first


def _writes_apt_config(
    commands: tuple[Command, ...], index: int, key: str, values: frozenset[str]
) -> bool:
    command = unwrap(commands[index])
    if not command.words or command.name not in ("echo", "printf"):
        return False
    if not any(apt_option(w, key) in values for w in command.words[1:]):
        return False
    if any("/etc/apt/" in r for r in command.redirects):
        return True
    following = unwrap(commands[index + 1]) if index + 1 < len(commands) else None
    return (
        following is not None
        and command.in_pipeline
        and following.pipeline == command.pipeline
        and following.stage == command.stage + 1
        and following.name == "tee"
        and any(w.startswith("/etc/apt/") for w in following.words[1:])
    )
