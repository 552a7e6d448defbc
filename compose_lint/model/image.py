"""The built image: what a Dockerfile produces for one build, computed once.

A Dockerfile is read by `load.dockerfile`; this module says what it *means* for a
build: which stage is built, what each FROM resolves to once ARG defaults and compose
`build.args` are applied, the chain of `FROM <stage>` parents down to an external
image, and what is in effect at every step (ARG/ENV values, WORKDIR, USER, SHELL,
ENTRYPOINT, CMD, HEALTHCHECK). Everything is computed lazily and cached on the parsed
Dockerfile, so every rule asking the same question gets the same, already computed
answer.

Public names (kept stable: other rules build on them)

- `image_of(build)`: the `BuiltImage` of a compose build (None without a parsed
  Dockerfile with stages); `lone_image(dockerfile)`: the same for a Dockerfile no
  compose service builds (its last stage, its own ARG defaults).
- `BuiltImage`: `.resolver`, `.build`, `.stage` (the built stage, None for an unknown
  `build.target`), `.chain`, `.steps`, `.end` (the `State` after the last step),
  `.root` (the external image at the bottom), `.exposed` (`Exposed` words with
  positions and values), `.dockerfile_user`, `.user`/`.entrypoint`/`.command`/
  `.healthcheck` (effective after the service's `user:`/`entrypoint:`/`command:`/
  `healthcheck:`; no CMD runs when compose sets `entrypoint:` alone, and
  `.dropped_cmd` is the CMD it drops), `.compose_healthcheck`, `.windows`.
- `Resolver.of(dockerfile, build=None)`: one Dockerfile as one set of build args sees
  it (cached per Dockerfile and build args). `.env` (global ARG values), `.base(stage)`,
  `.stage(ref, before)`, `.built(target)`, `.parent(stage)`, `.chain(stage)`,
  `.root_image(stage)`, `.steps(stage)` (the chain's), `.own_steps(stage)` (the
  stage's own), `.end(stage)`, `.needed_stages(stage)`.
- `Step` (`.stage`, `.instruction`, `.before`, and `.env`/`.cwd`/`.workdir`/`.user`/
  `.shell` of the state before it); `copy_destination(step, dest)`: a COPY destination
  as an absolute path in the image; `arg_in_image(image, name)`: where a build
  argument's value stays in the image (`ArgInImage`: an ENV, or a RUN's history);
  `State`, `Workdir`, `Exposed`, `Override`;
  `IMAGE_WORKDIR`, the `cwd` prefix of a working directory the base image decides.
- `resolvers(dockerfile, builds)`: one resolver per distinct set of build args.
- `project_images(project)`: every external image a project pulls (`ProjectImage`:
  location, reference resolved, as written, from a Dockerfile or not); FROM lines
  naming an image the project builds itself are not pulled and left out.
- `built_images(project)`: the project's own images, `image:` name -> the builds that
  produce it (a FROM or `image:` naming one is a known image, not a registry pull).
- `image_facts(reference)`: what data/images.json records about a well-known image
  (`ImageFacts`: default `user`/`uid`, `unprivileged_user`, `drops` (`Drop`: it starts
  as root and gives root up itself), `shell`, `tools`, `ports` from
  data/image_ports.json, `source`, `recorded`); None for an image it does not know.
- `copy_from_refs(dockerfile)`: each `COPY --from=` with the stage it names
  (`CopyFrom`).
- `replaced(stage, keyword)`: (instruction, the last one) for each instruction of
  `keyword` that a later one in the same stage replaces (CMD, ENTRYPOINT...).
- `is_absolute_path(path)`: absolute for WORKDIR/COPY (`/x`, `C:\\x`, `$VAR/x`).
- `stage_of(dockerfile, instruction)`: the stage an instruction is written in.
- `is_windows_image(reference)`: whether an image reference names a Windows image;
  `non_posix_shell(shell)`: whether a SHELL argv runs cmd or PowerShell
  (`NON_POSIX_SHELLS`).
- `declared_args(text)`, `literal_build_args(build)`.
- `table_keys(reference)`: the keys an image table (named like data/images.json) is
  searched with, most precise first, and the tag.

Typed instruction arguments (COPY/ADD operands and flags, ENV/ARG pairs, USER,
ONBUILD's inner instruction, words with positions) live on
`load.dockerfile.Instruction`; release cycles of official images in `model.eol`.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cache, cached_property
from typing import Any, NamedTuple

from compose_lint import data
from compose_lint.findings import Location
from compose_lint.load import interpolation
from compose_lint.load.dockerfile import (
    Dockerfile,
    Instruction,
    Stage,
    Word,
    arg_pairs,
    unquote_pair,
)
from compose_lint.model import Build, DockerfileSource, Project, Service
from compose_lint.model.cache import per_project

# ARGs every build has without declaring them globally (BuildKit sets them).
_AUTOMATIC = ("TARGETPLATFORM", "TARGETOS", "TARGETARCH", "BUILDPLATFORM", "BUILDOS", "BUILDARCH")
# Words in an image reference that mark a Windows image (which has no root user and
# no POSIX shell): mcr.microsoft.com/windows:ltsc2019, windows/servercore,
# dotnet/framework/sdk:4.8-windowsservercore-ltsc2022, powershell:nanoserver-1809.
_WINDOWS_MARKERS = ("windows/", "/windows:", "nanoserver", "servercore")
# Shells a SHELL instruction may name that are not POSIX shells (Windows images).
NON_POSIX_SHELLS = frozenset({"cmd", "cmd.exe", "powershell", "powershell.exe", "pwsh", "pwsh.exe"})
# Marks a working directory the Dockerfile does not set (it comes from the base image).
IMAGE_WORKDIR = "\x00image"


def declared_args(args_text: str) -> list[tuple[str, str | None]]:
    """`ARG A=1 B` → [("A", "1"), ("B", None)] (`Instruction.arg_pairs` of the text)."""
    return list(arg_pairs(args_text))


def literal_build_args(build: Build | None) -> dict[str, str]:
    """The compose `build.args` whose values are known without the shell."""
    if build is None:
        return {}
    return {
        arg.name: arg.value
        for arg in build.args
        if arg.value is not None and not interpolation.has_interpolation(arg.value)
    }


def is_windows_image(reference: str | None) -> bool:
    """Whether an image reference names a Windows image (by Microsoft's naming)."""
    lowered = (reference or "").lower()
    return any(marker in lowered for marker in _WINDOWS_MARKERS)


def non_posix_shell(shell: Sequence[str] | None) -> bool:
    """Whether a SHELL (its argv) runs cmd or PowerShell rather than a POSIX shell;
    the program is named with a Unix or a Windows path, or bare (`pwsh`,
    `C:\\Windows\\System32\\cmd.exe`)."""
    if not shell:
        return False
    program = shell[0].replace("\\", "/").rsplit("/", 1)[-1].lower()
    return program in NON_POSIX_SHELLS


def is_absolute_path(path: str) -> bool:
    """An absolute path, a Windows drive path (`C:\\app`, `c:/app`) or one that starts
    with a variable (its value is not known here)."""
    if path.startswith(("/", "$")):
        return True
    return len(path) >= 2 and path[0].isalpha() and path[1] == ":"


def stage_of(dockerfile: Dockerfile, instruction: Instruction) -> Stage | None:
    """The stage `instruction` is written in (None before the first FROM)."""
    for stage in reversed(dockerfile.stages):
        if stage.from_instruction.line <= instruction.line:
            return stage
    return None


def replaced(stage: Stage, keyword: str) -> list[tuple[Instruction, Instruction]]:
    """Each instruction of `keyword` in `stage` that a later one replaces, paired with
    the last one, which is the one that counts."""
    found = [i for i in stage.instructions if i.keyword == keyword]
    return [(instruction, found[-1]) for instruction in found[:-1]]


class CopyFrom(NamedTuple):
    """One `COPY --from=<stage or image>`."""

    stage: Stage  # the stage the COPY is in
    instruction: Instruction
    ref: str  # the --from value, quotes removed
    target: Stage | None  # the stage it names, if any (earlier ones first, then later)
    by_index: bool  # written as a stage number

    @property
    def where(self) -> tuple[int, int]:
        """Line and column of `--from`."""
        return self.instruction.find("--from")


def copy_from_refs(dockerfile: Dockerfile) -> Iterator[CopyFrom]:
    """Each `COPY --from=<stage or image>` of the Dockerfile, with the stage it names
    (a variable in `--from` names none: BuildKit does not expand it there)."""
    stages = dockerfile.stages
    for stage in stages:
        for instruction in stage.instructions:
            if instruction.keyword != "COPY":
                continue
            value = instruction.flag("from")
            ref = value.strip("\"'") if value else ""
            if not ref:
                continue
            if "$" in ref:
                yield CopyFrom(stage, instruction, ref, None, False)
                continue
            if ref.isdigit():
                index = int(ref)
                target = stages[index] if index < len(stages) else None
                yield CopyFrom(stage, instruction, ref, target, True)
                continue
            key = ref.lower()
            named = [s for s in stages if s.name == key]
            earlier = [s for s in named if s.index < stage.index]
            target = earlier[0] if earlier else (named[0] if named else None)
            yield CopyFrom(stage, instruction, ref, target, False)


class Workdir(NamedTuple):
    """The working directory as the WORKDIR lines write it (no variable substituted)."""

    set: bool  # a WORKDIR was seen in the stage or the stages it is built from
    path: str  # the directory, taking the base image's to be "/" when it matters
    known: bool  # `path` follows from an absolute WORKDIR, not from that guess
    line: int | None  # the WORKDIR that set it

    def after(self, instruction: Instruction) -> Workdir:
        value = instruction.args.strip().strip("\"'")
        if not value:
            return self
        if is_absolute_path(value):
            return Workdir(True, value, True, instruction.line)
        path = posixpath.normpath(posixpath.join(self.path, value))
        return Workdir(True, path, self.known, instruction.line)


NO_WORKDIR = Workdir(False, "/", False, None)


class State(NamedTuple):
    """What the builder knows at one point of a stage chain."""

    env: Mapping[str, str]  # ARG and ENV values known here (unknown ones are absent)
    # the working directory, variables substituted: absolute, or IMAGE_WORKDIR (plus a
    # relative part) when the base image's, or "\x00workdir<line>" when unknown
    cwd: str
    workdir: Workdir  # as written
    user: Instruction | None  # the USER in effect
    shell: tuple[str, ...] | None  # the SHELL in effect; None: the default /bin/sh -c
    entrypoint: Instruction | None
    cmd: Instruction | None
    healthcheck: Instruction | None


class Step(NamedTuple):
    """One instruction of a stage chain, with the state before it runs."""

    stage: Stage  # the stage the instruction is written in
    instruction: Instruction
    before: State

    @property
    def env(self) -> Mapping[str, str]:
        return self.before.env

    @property
    def cwd(self) -> str:
        return self.before.cwd

    @property
    def workdir(self) -> Workdir:
        return self.before.workdir

    @property
    def user(self) -> Instruction | None:
        return self.before.user

    @property
    def shell(self) -> tuple[str, ...] | None:
        return self.before.shell


_START = State({}, IMAGE_WORKDIR, NO_WORKDIR, None, None, None, None, None)


def copy_destination(step: Step, dest: str) -> str | None:
    """A COPY destination as an absolute path in the image (ARG/ENV values applied);
    None when it depends on something unknown."""
    value = interpolation.substitute(dest, step.env)
    if value is None or not value:
        return None
    if value.startswith("/"):
        return value
    if step.cwd.startswith("/"):
        return posixpath.join(step.cwd, value) + ("/" if value.endswith("/") else "")
    return None


class ArgInImage(NamedTuple):
    """Where the value of a build argument stays in a built image."""

    arg: Instruction  # the ARG that declares it in a stage of the image's chain
    kept_by: Instruction  # an ENV that copies it, or a RUN whose history records it
    how: str  # "env" (the image's configuration) or "history" (the RUN's history entry)


def arg_in_image(image: BuiltImage, name: str) -> ArgInImage | None:
    """The first place where the build argument `name`, declared with ARG in a stage
    of the image's chain (build-only stages left out), stays in the image: an ENV that
    refers to it, else a RUN that refers to it while it is in scope. None when no
    stage of the chain keeps it."""
    used = re.compile(rf"\$(?:\{{)?{re.escape(name)}(?![A-Za-z0-9_])")
    first_run: tuple[Instruction, Instruction] | None = None
    for stage in image.chain:
        declared: Instruction | None = None
        for instruction in stage.instructions:
            keyword = instruction.keyword
            if keyword == "ARG" and any(n == name for n, _ in instruction.arg_pairs):
                declared = instruction
            elif declared is None or not used.search(instruction.args):
                continue
            elif keyword == "ENV":
                return ArgInImage(declared, instruction, "env")
            elif keyword == "RUN" and first_run is None:
                first_run = (declared, instruction)
    if first_run is not None:
        return ArgInImage(first_run[0], first_run[1], "history")
    return None


class Exposed(NamedTuple):
    """One EXPOSE word of the built stage chain."""

    step: Step
    word: Word  # as written, with its position
    value: str | None  # ARG/ENV values substituted; None when one is unknown


class Resolver:
    """One Dockerfile as one set of compose build args sees it."""

    def __init__(
        self, dockerfile: Dockerfile, given: Mapping[str, str], unknown: Iterable[str]
    ) -> None:
        self.dockerfile = dockerfile
        self.given = dict(given)  # compose build args with known values
        self.unknown = frozenset(unknown)  # compose build args with unknown values
        env: dict[str, str] = {}
        for instruction in dockerfile.global_args:
            for name, default in instruction.arg_pairs:
                if name in self.given:
                    env[name] = self.given[name]
                elif default is not None:
                    value = interpolation.substitute(default, env)
                    if value is not None:
                        env[name] = value
        self.env = env  # the global ARG values
        self._parents: dict[int, Stage | None] = {}
        self._roots: dict[int, str | None] = {}  # by the index of a chain's last stage
        self._bottoms: dict[int, Stage] = {}  # stage index -> the last stage of its chain
        self._own: dict[int, tuple[Step, ...]] = {}  # each stage's own steps
        self._steps: dict[int, tuple[Step, ...]] = {}  # the whole chain's, when asked
        self._ends: dict[int, State] = {}
        self._carry: dict[int, tuple[dict[str, str], frozenset[str]]] = {}

    @classmethod
    def of(cls, dockerfile: Dockerfile, build: Build | None = None) -> Resolver:
        """The resolver for `build` (None: the Dockerfile's own ARG defaults), shared
        by every build with the same args."""
        given = literal_build_args(build)
        unknown = {a.name for a in build.args if a.name not in given} if build else set()
        key = ("resolver", tuple(sorted(given.items())), tuple(sorted(unknown)))
        found = dockerfile.cache.get(key)
        if not isinstance(found, Resolver):
            found = dockerfile.cache[key] = cls(dockerfile, given, unknown)
        return found

    def base(self, stage: Stage) -> str | None:
        """The stage's FROM reference with ARGs applied; None when it stays unknown."""
        if any(a in stage.base for a in _AUTOMATIC):
            return None
        return interpolation.substitute(stage.base, self.env)

    def stage(self, ref: str, before: int | None = None) -> Stage | None:
        """The stage named `ref` (or numbered), defined before index `before`."""
        stages = self.dockerfile.stages
        limit = len(stages) if before is None else min(max(before, 0), len(stages))
        key = ref.lower()
        named = self._first_named.get(key)
        if named is not None and named.index < limit:
            return named
        if key.isdigit() and int(key) < limit:
            return stages[int(key)]
        return None

    @cached_property
    def _first_named(self) -> dict[str, Stage]:
        first: dict[str, Stage] = {}
        for stage in self.dockerfile.stages:
            if stage.name is not None:
                first.setdefault(stage.name, stage)
        return first

    def built(self, target: str | None) -> Stage | None:
        """The stage a build produces: `build.target` (a stage name; BuildKit does
        not take numbers there), else the last one."""
        if target:
            return self._first_named.get(target.lower())
        return self.dockerfile.stages[-1] if self.dockerfile.stages else None

    def parent(self, stage: Stage) -> Stage | None:
        """The earlier stage this one is built FROM, if any."""
        if stage.index not in self._parents:
            base = self.base(stage)
            self._parents[stage.index] = self.stage(base, stage.index) if base is not None else None
        return self._parents[stage.index]

    def chain(self, stage: Stage) -> list[Stage]:
        """The stage, its parent stage, and so on down to the first stage
        whose FROM is an external image (or unknown). A parent is always an earlier
        stage, so the chain ends."""
        result = [stage]
        while (parent := self.parent(result[-1])) is not None:
            result.append(parent)
        return result

    def root_image(self, stage: Stage) -> str | None:
        """The external image at the bottom of the chain; None when unknown."""
        last = self._bottom(stage)
        if last.index not in self._roots:
            base = self.base(last)
            unknown = base is None or self.stage(base, last.index) is not None
            self._roots[last.index] = None if unknown else base
        return self._roots[last.index]

    def _bottom(self, stage: Stage) -> Stage:
        """The last stage of `stage`'s chain (remembered for every stage on the way)."""
        path = [stage]
        while path[-1].index not in self._bottoms and (parent := self.parent(path[-1])):
            path.append(parent)
        bottom = self._bottoms.get(path[-1].index, path[-1])
        for link in path:
            self._bottoms[link.index] = bottom
        return bottom

    def steps(self, stage: Stage) -> tuple[Step, ...]:
        """The instructions of `stage` and its `FROM <stage>` parents, oldest first,
        each with the state before it. ARG values live until the end of their stage;
        ENV, WORKDIR, USER, SHELL, ENTRYPOINT, CMD and HEALTHCHECK carry over into the
        stages built FROM it."""
        found = self._steps.get(stage.index)
        if found is None:
            chain = self.chain(stage)
            self._walk(chain)
            found = tuple(step for link in reversed(chain) for step in self._own[link.index])
            self._steps[stage.index] = found
        return found

    def own_steps(self, stage: Stage) -> tuple[Step, ...]:
        """The steps of `stage`'s own instructions (the end of `steps(stage)`)."""
        if stage.index not in self._own:
            self._walk(self._unwalked(stage))
        return self._own[stage.index]

    def end(self, stage: Stage) -> State:
        """The state after the last instruction of `stage`."""
        if stage.index not in self._ends:
            self._walk(self._unwalked(stage))
        return self._ends[stage.index]

    def _unwalked(self, stage: Stage) -> list[Stage]:
        """`stage` and its parents down to the first one already walked (kept last)."""
        result = [stage]
        while result[-1].index not in self._own and (parent := self.parent(result[-1])):
            result.append(parent)
        return result

    def _walk(self, chain: list[Stage]) -> None:
        """Work out the steps of each stage of `chain` (newest first) not yet known,
        oldest first, each starting from the state its parent ends in."""
        for position in range(len(chain) - 1, -1, -1):
            stage = chain[position]
            if stage.index in self._own:
                continue
            current = _START
            envs: dict[str, str] = {}  # ENV carries over into stages built FROM this one
            unknown_envs: set[str] = set()
            if position + 1 < len(chain):
                parent = chain[position + 1]
                current = self._ends[parent.index]
                carried_envs, carried_unknown = self._carry[parent.index]
                envs, unknown_envs = dict(carried_envs), set(carried_unknown)
            args: dict[str, str] = {}  # ARG values live until the end of their stage
            steps: list[Step] = []
            for instruction in stage.instructions:
                scope = {**args, **envs}
                for name in unknown_envs:
                    scope.pop(name, None)
                current = current._replace(env=scope)
                steps.append(Step(stage, instruction, current))
                current = self._after(instruction, current, args, envs, unknown_envs, scope)
            scope = {**args, **envs}
            for name in unknown_envs:
                scope.pop(name, None)
            self._own[stage.index] = tuple(steps)
            self._ends[stage.index] = current._replace(env=scope)
            self._carry[stage.index] = (envs, frozenset(unknown_envs))

    def _after(
        self,
        instruction: Instruction,
        state: State,
        args: dict[str, str],
        envs: dict[str, str],
        unknown_envs: set[str],
        scope: Mapping[str, str],
    ) -> State:
        keyword = instruction.keyword
        if keyword == "ARG":
            for name, default in instruction.arg_pairs:
                value: str | None
                if name in self.given:
                    value = self.given[name]
                elif name in self.unknown:
                    value = None
                elif default is not None:
                    value = interpolation.substitute(default, scope)
                else:
                    value = self.env.get(name)
                if value is None:
                    args.pop(name, None)
                else:
                    args[name] = value
        elif keyword == "ENV":
            for name, raw in instruction.env_pairs:
                value = interpolation.substitute(raw, scope)
                if value is None:
                    envs.pop(name, None)
                    unknown_envs.add(name)
                else:
                    envs[name] = value
                    unknown_envs.discard(name)
        elif keyword == "WORKDIR":
            path = interpolation.substitute(unquote_pair(instruction.args.strip()), scope)
            if path is None or not path:
                cwd = f"\x00workdir{instruction.line}"
            else:
                cwd = posixpath.normpath(posixpath.join(state.cwd, path))
            return state._replace(cwd=cwd, workdir=state.workdir.after(instruction))
        elif keyword == "USER":
            return state._replace(user=instruction)
        elif keyword == "SHELL" and instruction.json_args:
            return state._replace(shell=tuple(instruction.json_args))
        elif keyword == "ENTRYPOINT":
            return state._replace(entrypoint=instruction)
        elif keyword == "CMD":
            return state._replace(cmd=instruction)
        elif keyword == "HEALTHCHECK":
            return state._replace(healthcheck=instruction)
        return state

    def needed_stages(self, built: Stage) -> list[Stage]:
        """The stages a build of `built` runs: its chain plus the stages it copies or
        mounts from (`COPY --from`, `RUN --mount=from=`), in file order."""
        needed: list[Stage] = []
        queue = [built]
        while queue:
            stage = queue.pop()
            if stage in needed:
                continue
            needed.append(stage)
            for step in self.steps(stage):
                if step.stage is not stage:
                    queue.append(step.stage)
                    continue
                for ref in step.instruction.stage_refs():
                    name = interpolation.substitute(ref, step.env)
                    source = self.stage(name) if name else None
                    if source is not None:
                        queue.append(source)
        needed.sort(key=lambda s: s.index)
        return needed


def resolvers(dockerfile: Dockerfile, builds: Iterable[Build]) -> list[Resolver]:
    """One resolver per distinct set of build args among `builds` (compose build args
    change FROM lines), or the Dockerfile's own ARG defaults when there are none."""
    found: dict[int, Resolver] = {}
    for build in builds:
        resolver = Resolver.of(dockerfile, build)
        found.setdefault(id(resolver), resolver)
    return list(found.values()) or [Resolver.of(dockerfile)]


_TRUE_WORDS = frozenset({"true", "yes", "on", "1"})
# compose's `entrypoint:` / `command:`: a shell string or an exec list, as written
Override = str | list[str]


def _override(value: object) -> Override | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return [str(item) for item in value]
    return None


class BuiltImage:
    """The image one compose build (or a lone Dockerfile) produces."""

    def __init__(self, resolver: Resolver, build: Build | None) -> None:
        self.resolver = resolver
        self.build = build
        dockerfile = resolver.dockerfile
        if build is not None:
            self.stage: Stage | None = resolver.built(build.target)
        else:
            self.stage = dockerfile.stages[-1] if dockerfile.stages else None

    @property
    def dockerfile(self) -> Dockerfile:
        return self.resolver.dockerfile

    @cached_property
    def chain(self) -> list[Stage]:
        """The built stage and the stages it is built FROM (newest first)."""
        return self.resolver.chain(self.stage) if self.stage is not None else []

    @property
    def steps(self) -> tuple[Step, ...]:
        """Every instruction of the chain, oldest first, with the state before it."""
        return self.resolver.steps(self.stage) if self.stage is not None else ()

    @property
    def end(self) -> State:
        """The state the image is left in."""
        return self.resolver.end(self.stage) if self.stage is not None else _START

    @cached_property
    def root(self) -> str | None:
        """The external image at the bottom of the chain; None when unknown."""
        return self.resolver.root_image(self.stage) if self.stage is not None else None

    @cached_property
    def windows(self) -> bool:
        """Built on a Windows image (no root user, no POSIX shell by default)."""
        return is_windows_image(self.root)

    @cached_property
    def exposed(self) -> tuple[Exposed, ...]:
        """The EXPOSE words of the chain, values substituted (port grammar is not
        applied here: see model.values)."""
        found: list[Exposed] = []
        for step in self.steps:
            if step.instruction.keyword != "EXPOSE":
                continue
            for word in step.instruction.arguments:
                value = interpolation.substitute(word.text, step.env)
                found.append(Exposed(step, word, value))
        return tuple(found)

    # -- after the compose service's overrides ---------------------------------------

    def _service_data(self) -> Mapping[str, Any]:
        return self.build.service.data if self.build is not None else {}

    @property
    def dockerfile_user(self) -> Instruction | None:
        """The last USER of the chain (the image's user, before compose's `user:`)."""
        return self.end.user

    @property
    def compose_user(self) -> str | None:
        """The service's `user:`, when it sets a non-empty one."""
        value = self._service_data().get("user")
        if value is None or str(value).strip() == "":
            return None
        return str(value)

    @property
    def user(self) -> str | None:
        """Who the container runs as: compose `user:`, else the last USER's user
        (None: the base image's default)."""
        if self.compose_user is not None:
            return self.compose_user
        spec = self.dockerfile_user.user if self.dockerfile_user is not None else None
        return spec[0] if spec is not None else None

    @property
    def entrypoint(self) -> Instruction | Override | None:
        """The service's `entrypoint:` when set (a string or a list, as written), else
        the chain's last ENTRYPOINT instruction (None when there is none)."""
        value = _override(self._service_data().get("entrypoint"))
        return value if value is not None else self.end.entrypoint

    @property
    def command(self) -> Instruction | Override | None:
        """The service's `command:` when set, else the chain's last CMD instruction.
        A service that sets `entrypoint:` without `command:` runs no CMD at all: the
        engine drops the image's CMD when the entrypoint is overridden."""
        data = self._service_data()
        value = _override(data.get("command"))
        if value is not None:
            return value
        if _override(data.get("entrypoint")) is not None:
            return None
        return self.end.cmd

    @property
    def dropped_cmd(self) -> Instruction | None:
        """The image's CMD that the service's `entrypoint:` (without `command:`) drops;
        None when nothing is dropped."""
        data = self._service_data()
        if _override(data.get("entrypoint")) is None or "command" in data:
            return None
        return self.end.cmd

    @property
    def compose_healthcheck(self) -> str:
        """What the service's `healthcheck:` decides: "set" (a test, or disabled on
        purpose; also when it `extends` a service that may define one), "empty"
        (options but no test) or "none"."""
        data = self._service_data()
        if "extends" in data:
            return "set"
        raw = data.get("healthcheck")
        if not isinstance(raw, dict):
            return "none"
        disable = raw.get("disable")
        if disable is True or (isinstance(disable, str) and disable.strip().lower() in _TRUE_WORDS):
            return "set"
        if "test" in raw or isinstance(disable, str):
            return "set"
        return "empty"

    @property
    def healthcheck(self) -> Instruction | dict[str, Any] | None:
        """The service's `healthcheck:` when it sets a test (or disables it), else
        the chain's last HEALTHCHECK instruction (None when there is none)."""
        raw = self._service_data().get("healthcheck")
        if self.compose_healthcheck == "set" and isinstance(raw, dict):
            return raw
        return self.end.healthcheck


def image_of(build: Build) -> BuiltImage | None:
    """The image `build` produces (cached); None without a parsed Dockerfile."""
    dockerfile = build.parsed
    if dockerfile is None or not dockerfile.stages:
        return None
    key = ("image", id(build))
    found = dockerfile.cache.get(key)
    if isinstance(found, BuiltImage) and found.build is build:
        return found
    image = BuiltImage(Resolver.of(dockerfile, build), build)
    dockerfile.cache[key] = image
    return image


def lone_image(dockerfile: Dockerfile) -> BuiltImage | None:
    """The image a plain `docker build` of the Dockerfile produces (cached)."""
    if not dockerfile.stages:
        return None
    found = dockerfile.cache.get("lone-image")
    if not isinstance(found, BuiltImage):
        found = dockerfile.cache["lone-image"] = BuiltImage(Resolver.of(dockerfile), None)
    return found


# -- the external images a project uses ---------------------------------------------


class ProjectImage(NamedTuple):
    """An external image a project pulls: a service's `image:` or a FROM."""

    location: Location
    reference: str  # interpolated / ARG-resolved
    written: str  # as the file writes it
    from_dockerfile: bool
    service: Service | None = None  # the service whose `image:` it is
    source: DockerfileSource | None = None  # the Dockerfile whose FROM it is

    def shown(self, quote: str = "") -> str:
        """The reference for a message, saying where it came from if resolved."""
        text = f"{quote}{self.reference}{quote}"
        return text if self.written == self.reference else f'{text} (from "{self.written}")'


@per_project
def built_images(project: Project) -> Mapping[str, tuple[Build, ...]]:
    """The project's own images: each `image:` name a service builds (interpolated),
    with the builds that produce it. Other services may run them and Dockerfiles may
    build FROM them; they come from this project, not from a registry. Worked out once
    per project."""
    names: dict[str, list[Build]] = {}
    for service in project.services:
        if service.build is not None and service.image is not None:
            value = interpolation.substitute(service.image, service.file.interpolation_env)
            if value and value.strip():
                names.setdefault(value.strip(), []).append(service.build)
    return {k: tuple(v) for k, v in names.items()}


def _built_image_names(project: Project) -> set[str]:
    """`image:` names that a service builds: other services may run them."""
    return set(built_images(project))


def _from_location(source: DockerfileSource, stage: Stage) -> Location:
    """Where the image word of a stage's FROM is written."""
    words = stage.from_instruction.arguments
    if words and words[0].raw == stage.base:
        return source.loc(words[0].line, words[0].column)
    return source.loc(stage.from_instruction.line, stage.from_instruction.column)


@per_project
def project_images(project: Project) -> tuple[ProjectImage, ...]:
    """Every external image the project uses: the `image:` of each service that does
    not build (and is not built by another service), and each FROM of each Dockerfile
    that names no earlier stage, once per distinct value (build args applied).
    Worked out once per project."""
    return tuple(_project_images(project))


def _project_images(project: Project) -> Iterator[ProjectImage]:
    built = _built_image_names(project)
    for service in project.services:
        if service.build is not None or service.image is None:
            continue  # with build:, image: names the result, not something pulled
        value = interpolation.substitute(service.image, service.file.interpolation_env)
        if value is None or not value.strip() or value.strip() in built:
            continue
        location = service.file.loc(service.path + ("image",))
        yield ProjectImage(location, value.strip(), service.image.strip(), False, service)
    for source in project.dockerfiles:
        parsed = source.parsed
        if parsed is None:
            continue
        seen: set[tuple[int, str]] = set()
        for resolver in resolvers(parsed, source.builds):
            for stage in parsed.stages:
                value = resolver.base(stage)
                if not value or resolver.stage(value, stage.index) is not None:
                    continue  # unknown, or FROM an earlier stage
                if value.strip() in built:
                    continue  # FROM an image this project builds: nothing is pulled
                if (stage.index, value) in seen:
                    continue
                seen.add((stage.index, value))
                location = _from_location(source, stage)
                yield ProjectImage(location, value, stage.base, True, source=source)


# -- facts about well-known images (data/images.json) ---------------------------------


class Drop(NamedTuple):
    """An image that starts as root on purpose and gives root up itself."""

    kind: str  # "entrypoint": its ENTRYPOINT re-executes as `to`; "server": workers run as `to`
    to: str  # the unprivileged user
    programs: tuple[str, ...]  # the commands for which that holds
    how: str  # one sentence saying how, for messages


class ImageFacts(NamedTuple):
    """What data/images.json records about one image (tag variants applied)."""

    name: str  # the table's key that matched
    reference: str  # the reference asked about
    user: str | None  # the default user ("root", a name or a UID); None: not recorded
    uid: int | None
    unprivileged_user: str | None  # a user the image creates for applications
    drops: Drop | None
    shell: str | None  # the POSIX shell; None: none (or not recorded, see `has_shell`)
    has_shell: bool | None  # None: not recorded
    tools: Mapping[str, bool]  # curl / wget / bash: present or not; absent key: unknown
    source: str
    recorded: str
    sh: str | None = None  # the program /bin/sh is ("busybox"); None: not recorded
    release_in_name: bool = False  # releases are named in the repository, not in tags

    @property
    def root(self) -> bool | None:
        """Whether the image runs as root by default (None: not recorded)."""
        if self.uid is not None:
            return self.uid == 0
        if self.user is None:
            return None
        return self.user in ("root", "0") or self.user.startswith(("root:", "0:"))

    @property
    def ports(self) -> list[Any] | None:
        """What the image EXPOSEs (`values.PortSpan`s, from data/image_ports.json);
        None when that table does not know it."""
        from compose_lint.model.values import image_ports

        return image_ports(self.reference)


@cache
def _images_table() -> dict[str, Any]:
    images = data.load("images.json")["images"]
    return images if isinstance(images, dict) else {}


def _table_key(reference: str) -> tuple[list[str], str] | None:
    """The keys to look up for `reference`, most precise first, and its tag."""
    from compose_lint.model.imageref import parse_image

    text = reference.strip()
    if text.lower() == "scratch":
        return ["scratch"], "latest"
    ref = parse_image(text)
    if ref is None:
        return None
    tag = (ref.tag or "latest").lower()
    if ref.official:
        return [ref.short_name], tag
    hub = ref.registry in (None, "docker.io", "index.docker.io", "registry-1.docker.io")
    name = (
        ref.repository
        if hub
        else f"{ref.registry.lower() if ref.registry else ''}/{ref.repository}"
    )
    keys = [name]
    parts = name.split("/")
    keys.extend("/".join(parts[:i]) + "/*" for i in range(len(parts) - 1, 0, -1))
    return keys, tag


def table_keys(reference: str) -> tuple[list[str], str] | None:
    """The keys a data table of images (named like data/images.json) is searched with
    for `reference`, most precise first, and its tag (`latest` when none is written);
    None for a reference that is not an image name."""
    return _table_key(reference)


def _drop(raw: object) -> Drop | None:
    if not isinstance(raw, dict):
        return None
    return Drop(
        str(raw.get("kind", "")),
        str(raw.get("to", "")),
        tuple(str(p) for p in raw.get("programs", [])),
        str(raw.get("how", "")),
    )


def image_facts(reference: str | None) -> ImageFacts | None:
    """What the shipped table (data/images.json) records about the image `reference`
    names, with the first matching tag variant applied; None when it is not there
    (or the reference is unknown)."""
    if reference is None:
        return None
    found = _table_key(reference)
    if found is None:
        return None
    keys, tag = found
    table = _images_table()
    key = next((k for k in keys if isinstance(table.get(k), dict)), None)
    if key is None:
        return None
    entry: dict[str, Any] = dict(table[key])
    for variant in entry.get("variants", []):
        if isinstance(variant, dict) and str(variant.get("tag_contains", "\x00")) in tag:
            entry.update({k: v for k, v in variant.items() if k != "tag_contains"})
            break
    uid = entry.get("uid")
    tools = entry.get("tools")
    return ImageFacts(
        name=key,
        reference=reference.strip(),
        user=str(entry["user"]) if entry.get("user") is not None else None,
        uid=uid if isinstance(uid, int) else None,
        unprivileged_user=entry.get("unprivileged_user"),
        drops=_drop(entry.get("drops_privileges")),
        shell=entry.get("shell") if isinstance(entry.get("shell"), str) else None,
        has_shell=(entry["shell"] is not None) if "shell" in entry else None,
        tools={str(k): bool(v) for k, v in tools.items()} if isinstance(tools, dict) else {},
        source=str(entry.get("source", "")),
        recorded=str(entry.get("recorded", "")),
        sh=entry.get("sh") if isinstance(entry.get("sh"), str) else None,
        release_in_name=entry.get("release_in_name") is True,
    )
