"""CL503 dependencies-not-installed: a manifest is copied but never installed, or
installed before it is copied.

A Python manifest (requirements*.txt, pyproject.toml, Pipfile) or package.json that a
build copies from its context, in an image that runs Python or Node code, needs an
install somewhere: in a RUN of any stage, in CMD/ENTRYPOINT, or in the service's
`command:`. And an install that reads a manifest must come after the COPY that brings
it. Installs are read by `model.installs` (over the one reading of package-manager
calls, wrappers such as `gosu app` or `stdbuf -o0` taken off); the stages, ARG/ENV
values and working directories come from the image model, the context from
`model.context.BuildContext`. A script or make target that may install anything, a
fetch that may bring files from elsewhere, or a value that cannot be known keeps the
rule silent.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from compose_lint.findings import Severity
from compose_lint.load import interpolation
from compose_lint.load.dockerfile import Dockerfile, Instruction, Stage, Word
from compose_lint.model import Build, Project, Service
from compose_lint.model.commands import (
    Command,
    exec_commands,
    instruction_commands,
    is_versioned,
    run_commands,
    shell_commands,
    unwrap,
)
from compose_lint.model.context import (
    BuildContext,
    dockerfile_location,
    has_wildcards,
    local_builds,
    segment_regex,
)
from compose_lint.model.image import Resolver, Step
from compose_lint.model.imageref import is_remote_source, parse_image
from compose_lint.model.installs import (
    NODE,
    PYTHON,
    DependencyInstall,
    dependency_install,
    runs_script,
)
from compose_lint.registry import Found, rule

_REQUIREMENTS = re.compile(r"^requirements[^/]*\.txt$", re.I)
_OPAQUE = frozenset({"make", "just", "task", "invoke", "tox", "nox", "ansible-playbook"})
_PYTHON_PROGRAMS = frozenset(
    {
        "gunicorn",
        "uvicorn",
        "hypercorn",
        "daphne",
        "flask",
        "django-admin",
        "celery",
        "waitress-serve",
        "streamlit",
        "pytest",
        "fastapi",
    }
)
_NODE_PROGRAMS = frozenset(
    {"node", "nodejs", "npm", "npx", "yarn", "pnpm", "bun", "nodemon", "pm2", "next", "ng"}
)
_SCRIPT_RUNNERS = frozenset({"npm", "pnpm", "yarn", "bun"})
_FETCHERS = frozenset({"git", "wget", "curl", "svn", "hg", "rsync", "scp", "tar", "unzip"})
_ARCHIVE = re.compile(r"\.(tar|tgz|gz|bz2|xz)")


@rule(
    "CL503",
    "dependencies-not-installed",
    Severity.WARNING,
    "A dependency manifest is copied into the image but never installed, or installed "
    "before it is copied.",
)
def dependencies_not_installed(project: Project) -> Found:
    # a Dockerfile built by several services gives the same finding more than once:
    # the engine reports each finding once
    for build, image, built, context in local_builds(project):
        yield from _dependency_findings(build, image.resolver, built, context)


def _dependency_findings(
    build: Build, resolver: Resolver, built: Stage, context: BuildContext
) -> Found:
    dockerfile = resolver.dockerfile
    steps = resolver.steps(built)

    manifests = _copied_manifests(context, steps)
    copied_names = {m.name for m in manifests}
    for stage in resolver.needed_stages(built):
        chain = steps if stage is built else resolver.steps(stage)
        yield from _order_findings(build, context, chain, copied_names)

    # Build time: every RUN of every stage (a builder stage may install for the final one).
    build_time = _Commands()
    for instruction in dockerfile.instructions:
        if instruction.keyword in ("RUN", "ONBUILD"):
            _analyse(_instruction_facts(dockerfile, instruction), None, build_time)
    if build_time.opaque:
        return  # a script or make target may install anything
    # Run time: an install in CMD/ENTRYPOINT or the service's command is late, but not missing.
    run_time = _Commands()
    for instruction in dockerfile.instructions:
        if instruction.keyword in ("CMD", "ENTRYPOINT"):
            _analyse(_instruction_facts(dockerfile, instruction), None, run_time)
    # What the built image itself runs, to tell a Python or Node app from, say, a static site.
    image = _Commands()
    for step in steps:
        if step.instruction.keyword in ("RUN", "CMD", "ENTRYPOINT"):
            _analyse(_instruction_facts(dockerfile, step.instruction), None, image)
    _analyse(_service_facts(build.service), None, image)
    installed = {i.ecosystem for i in (*build_time.installs, *run_time.installs, *image.installs)}
    root = resolver.root_image(built)
    if root is not None and "onbuild" in root.lower():
        return  # the base image's ONBUILD triggers install the dependencies
    for ecosystem in (PYTHON, NODE):
        if ecosystem in installed:
            continue
        candidates = [m for m in manifests if m.ecosystem == ecosystem]
        if not candidates or not _uses(ecosystem, root, image.programs):
            continue
        chosen = [m for m in candidates if m.explicit] or candidates
        manifest = min(chosen, key=lambda m: _preference(m.name))
        hint = _install_hint(manifest, context)
        how = ""
        if not manifest.explicit:
            instruction = manifest.step.instruction
            how = f' by "{instruction.keyword} {_shorten(instruction.args)}"'
        yield (
            dockerfile_location(build, manifest.source.line, manifest.source.column),
            f"{manifest.name} is copied into the image{how} but nothing installs the "
            f'dependencies it lists, so the app\'s imports fail at run time; add "{hint}" '
            "after copying it",
        )


# -- what the commands do ---------------------------------------------------------------


class _Install(NamedTuple):
    """An install, with the files it needs where it runs."""

    ecosystem: str
    needs: tuple[str, ...]  # one of these paths (relative to `cwd`) must exist; () = none
    cwd: str | None  # where it runs; None when unknown
    command: str  # as written, for messages
    after_producer: bool  # an earlier command of the same RUN may have made the file


@dataclass
class _Commands:
    """What the shell commands of some instructions do, as far as we can tell."""

    installs: list[_Install] = field(default_factory=list)
    programs: set[str] = field(default_factory=set)  # programs run
    mentions: set[str] = field(default_factory=set)  # basenames of every other word
    fetches: bool = False  # git clone, curl, tar...: files may appear from elsewhere
    opaque: bool = False  # runs a script or a make target: it may install anything
    builds: bool = False  # runs a project script (`npm run build`): it may write any file
    produced: bool = False  # a manifest's name was mentioned, or something fetched


class _Fact(NamedTuple):
    """What one command is, read once per instruction however often it is analysed."""

    command: Command  # wrappers taken off
    install: DependencyInstall | None
    names: frozenset[str]  # basenames of its words
    names_manifest: bool  # one of them is a manifest's name


def _facts(commands: Iterable[Command]) -> tuple[_Fact, ...]:
    found: list[_Fact] = []
    for raw in commands:
        command = unwrap(raw)
        if not command.words:
            continue
        names = frozenset(posixpath.basename(w) for w in command.words)
        manifest = any(_manifest_ecosystem(n) for n in names)
        found.append(_Fact(command, dependency_install(command), names, manifest))
    return tuple(found)


def _analyse(facts: Iterable[_Fact], cwd: str | None, found: _Commands) -> None:
    """Add what these commands do to `found`, tracking `cd` from `cwd`."""
    for fact in facts:
        command = fact.command
        words = command.words
        program = command.name
        found.programs.add(program)
        if program in ("cd", "pushd"):
            target = words[1] if len(words) > 1 else None
            if target is None or "$" in target or target.startswith("~") or cwd is None:
                cwd = None
            else:
                cwd = posixpath.normpath(posixpath.join(cwd, target))
            continue
        if program in _OPAQUE or runs_script(words):
            found.opaque = True  # a script of the project (`bin/uv-install`) may install
        if program in _FETCHERS:
            found.fetches = found.produced = True
        if program in _SCRIPT_RUNNERS and len(words) > 1 and words[1] in ("run", "run-script"):
            found.builds = True
        if fact.install is not None:
            found.installs.append(_needs(fact.install, cwd, found.produced))
        else:
            found.mentions |= fact.names
            found.produced = found.produced or fact.names_manifest


def _needs(install: DependencyInstall, cwd: str | None, after_producer: bool) -> _Install:
    needs = install.manifests if install.any_of else install.manifests[:1]
    where = cwd
    if install.directory is not None:
        directory = install.directory
        where = None if cwd is None or "$" in directory else _join(cwd, directory)
    return _Install(install.ecosystem, needs, where, install.text, after_producer)


def _instruction_facts(dockerfile: Dockerfile, instruction: Instruction) -> tuple[_Fact, ...]:
    """The commands a RUN, CMD, ENTRYPOINT or ONBUILD RUN runs, here-document bodies
    included: a body the shell does not read (`RUN <<EOF bash`, or another
    interpreter) is looked at anyway; an install found in it only silences. Read
    once per instruction (kept with the Dockerfile), however many builds use it."""
    key = ("CL503:facts", id(instruction))
    kept = dockerfile.cache.get(key)
    if isinstance(kept, tuple):
        return kept
    escape = dockerfile.escape
    commands = list(instruction_commands(instruction, escape))
    if instruction.keyword == "RUN" and instruction.json_args is None:
        lines = {c.line for c in run_commands(instruction, escape)}
        for heredoc in instruction.heredocs:
            if not any(heredoc.start_line <= n <= heredoc.end_line for n in lines):
                commands.extend(shell_commands(heredoc.body, heredoc.start_line))
    facts = _facts(commands)
    dockerfile.cache[key] = facts
    return facts


def _service_facts(service: Service) -> tuple[_Fact, ...]:
    commands: list[Command] = []
    for key in ("entrypoint", "command"):
        value = service.data.get(key)
        if isinstance(value, str):
            commands.extend(shell_commands(value))
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            commands.extend(exec_commands(value))
    return _facts(commands)


def _uses(ecosystem: str, root: str | None, programs: set[str]) -> bool:
    """Does the image run this ecosystem's code (judged by its base image and commands)?"""
    image = parse_image(root) if root else None
    text = f"{image.repository}:{image.tag or ''}" if image is not None else ""
    if ecosystem == PYTHON:
        if "python" in text or "pypy" in text:
            return True
        return any(
            is_versioned(p, "python")
            or is_versioned(p, "pip")
            or p in _PYTHON_PROGRAMS
            or p.endswith(".py")
            for p in programs
        )
    if "node" in text:
        return True
    return any(p in _NODE_PROGRAMS or p.endswith((".js", ".mjs", ".cjs")) for p in programs)


# -- what the COPY instructions bring ----------------------------------------------------


class _Source(NamedTuple):
    """A COPY/ADD source as written (quotes removed), where its text starts."""

    text: str
    line: int
    column: int


class _Manifest(NamedTuple):
    name: str  # file name, e.g. requirements.txt
    ecosystem: str
    step: Step  # the COPY that brings it
    source: _Source  # the source word that brings it
    dest: str  # its path in the image
    explicit: bool  # named by the COPY (not brought by copying a whole folder)


def _manifest_ecosystem(name: str) -> str | None:
    if _REQUIREMENTS.match(name) or name in ("pyproject.toml", "Pipfile"):
        return PYTHON
    if name == "package.json":
        return NODE
    return None


def _join(base: str, path: str) -> str:
    return posixpath.normpath(posixpath.join(base, path))


def _relpath(source: str) -> str:
    """A COPY source relative to the context root ("." for the root; ".." leaves it)."""
    return posixpath.normpath(source.lstrip("/") or ".")


def _copy_operands(instruction: Instruction) -> tuple[list[_Source], _Source | None]:
    """(sources, destination) of a COPY/ADD, here-documents left out."""
    copy = instruction.copy
    if copy is None:
        return [], None
    exec_form = instruction.json_args is not None

    def at(word: Word) -> _Source:
        inside = exec_form and (word.line, word.column) != (instruction.line, instruction.column)
        return _Source(word.text, word.line, word.column + inside)  # past the quote

    return [at(w) for w in copy.files], at(copy.dest)


def _manifests_in(context: BuildContext, rel: str) -> list[str]:
    """Manifest files directly inside the context folder `rel`, not ignored."""
    listed = context.listing("" if rel == "." else rel)
    if listed is None or context.root is None:
        return []
    folder = context.root if rel == "." else context.root / rel
    names: list[str] = []
    for entry in listed:
        if entry.is_dir or _manifest_ecosystem(entry.name) is None:
            continue
        relpath = entry.name if rel == "." else posixpath.join(rel, entry.name)
        if (folder / entry.name).is_file() and context.excluded_by(relpath) is None:
            names.append(entry.name)
    return sorted(names)


def _copied_manifests(context: BuildContext, steps: Iterable[Step]) -> list[_Manifest]:
    root = context.root
    assert root is not None
    found: list[_Manifest] = []
    for step in steps:
        instruction = step.instruction
        if instruction.keyword not in ("COPY", "ADD") or instruction.flag("from") is not None:
            continue
        sources, dest_arg = _copy_operands(instruction)
        if dest_arg is None:
            continue
        dest_text = interpolation.substitute(dest_arg.text, step.env)
        if dest_text is None:
            continue
        dest = _join(step.cwd, dest_text)
        into_folder = dest_text.endswith("/") or len(sources) > 1 or dest == step.cwd
        for source in sources:
            text = interpolation.substitute(source.text, step.env)
            if not text or is_remote_source(text):
                continue
            rel = _relpath(text)
            if rel == ".." or rel.startswith("../"):
                continue
            wildcard = has_wildcards(rel)
            if wildcard:
                matched = context.glob(rel)
                files = [] if matched.truncated else list(matched.matches)
            elif rel == "." or (root / rel).is_dir():
                for name in _manifests_in(context, rel):
                    ecosystem = _manifest_ecosystem(name)
                    assert ecosystem is not None
                    found.append(_Manifest(name, ecosystem, step, source, _join(dest, name), False))
                continue
            else:
                files = [rel]
            for relpath in files:
                name = posixpath.basename(relpath)
                ecosystem = _manifest_ecosystem(name)
                if ecosystem is None or not (root / relpath).is_file():
                    continue
                if context.excluded_by(relpath) is not None:
                    continue
                landing = _join(dest, name) if into_folder or wildcard else dest
                found.append(_Manifest(name, ecosystem, step, source, landing, True))
    return found


# -- installs before their manifest ---------------------------------------------------------


@dataclass
class _Presence:
    """Which paths of the image exist so far, as far as a linter can tell."""

    files: set[str] = field(default_factory=set)
    trees: list[str] = field(default_factory=list)  # anything below these may exist
    names: set[str] = field(default_factory=set)  # created somewhere by a RUN
    unknown: bool = False

    def has(self, path: str) -> bool:
        if self.unknown or path in self.files:
            return True
        name = posixpath.basename(path)
        if name in self.names or any(
            posixpath.basename(f) == name for f in self.files if f.startswith("\x00")
        ):
            return True
        if path.startswith("\x00"):
            # Relative to a working directory only the base image knows: match by name.
            return bool(self.trees) or any(posixpath.basename(f) == name for f in self.files)
        return any(
            t.startswith("\x00") or path == t or path.startswith(t.rstrip("/") + "/")
            for t in self.trees
        )


def _copy_presence(step: Step, root: Path, presence: _Presence) -> None:
    """Record what a COPY/ADD puts into the image."""
    sources, dest_arg = _copy_operands(step.instruction)
    if dest_arg is None:
        if step.instruction.heredocs:
            presence.unknown = True
        return
    dest_text = interpolation.substitute(dest_arg.text, step.env)
    if dest_text is None:
        presence.unknown = True
        return
    dest = _join(step.cwd, dest_text)
    into_folder = dest_text.endswith("/") or len(sources) > 1 or dest == step.cwd
    if step.instruction.flag("from") is not None or step.instruction.heredocs:
        presence.trees.append(dest)
        return
    for source in sources:
        text = interpolation.substitute(source.text, step.env)
        if text is None:
            presence.trees.append(dest)
            continue
        rel = _relpath(text)
        is_archive = step.instruction.keyword == "ADD" and _ARCHIVE.search(rel)
        if rel == "." or has_wildcards(rel) or is_archive or (root / rel).is_dir():
            presence.trees.append(dest)
        elif into_folder:
            presence.files.add(_join(dest, posixpath.basename(rel)))
        else:
            presence.files.add(dest)
            presence.files.add(_join(dest, posixpath.basename(rel)))


def _mount_presence(step: Step, root: Path) -> _Presence:
    """The files a RUN's bind mounts make visible to it."""
    presence = _Presence()
    for options in step.instruction.mounts():
        if options.get("type") != "bind":
            continue
        target = options.get("target") or options.get("dst") or options.get("destination")
        if not target:
            continue
        target = _join(step.cwd, target)
        source = options.get("source") or options.get("src") or "."
        rel = _relpath(source)
        if "from" in options or rel == "." or (root / rel).is_dir():
            presence.trees.append(target)
        else:
            presence.files.add(target)
    return presence


def _held_by_context(root: Path, needed: str, copied_names: set[str]) -> bool:
    """Is the file an install needs one the user has in the context (so copying it
    first is the fix), rather than something from elsewhere?"""
    name = posixpath.basename(needed)
    if name in copied_names:
        return True
    if not needed.startswith("/") and (root / needed).is_file():
        return True
    return (root / name).is_file()


def _order_findings(
    build: Build, context: BuildContext, steps: tuple[Step, ...], copied_names: set[str]
) -> Found:
    """Installs that run before their manifest is in the image."""
    root = context.root
    assert root is not None
    dockerfile = build.parsed
    assert dockerfile is not None
    presence = _Presence()
    later = _LaterCopies(steps)
    for index, step in enumerate(steps):
        instruction = step.instruction
        keyword = instruction.keyword
        if keyword in ("COPY", "ADD"):
            _copy_presence(step, root, presence)
            continue
        if keyword != "RUN":
            continue
        found = _Commands()
        _analyse(_instruction_facts(dockerfile, instruction), step.cwd, found)
        mounted: _Presence | None = None
        for install in found.installs:
            if not install.needs or install.cwd is None or install.after_producer:
                continue
            paths = [_join(install.cwd, n) for n in install.needs if "$" not in n]
            if len(paths) < len(install.needs):
                continue
            mounted = mounted or _mount_presence(step, root)
            if any(presence.has(p) or mounted.has(p) for p in paths):
                continue
            held = [n for n in install.needs if _held_by_context(root, n, copied_names)]
            if not held:
                continue
            name = posixpath.basename(held[0])
            copy_line = later.first(name, index)
            fix = (
                f"move this RUN below the COPY on line {copy_line}"
                if copy_line is not None
                else f'add "COPY {name} ." before it'
            )
            folder = "" if install.cwd.startswith("\x00") else f" in {install.cwd}"
            yield (
                dockerfile_location(build, instruction.line, instruction.column),
                f'"{install.command}" needs {name}{folder}, but no COPY has put it there yet, '
                f"so the install fails or installs nothing; {fix}",
            )
        if found.fetches or found.opaque or found.builds:
            presence.unknown = True  # what it wrote is not known: a later install may have it
        presence.names.update(n for n in found.mentions if _manifest_ecosystem(n) is not None)


class _LaterCopies:
    """For a file name, the first COPY/ADD after a step that may bring it: each name is
    matched against the COPY sources once, then looked up by position."""

    def __init__(self, steps: tuple[Step, ...]) -> None:
        self._copies: list[tuple[int, Instruction, list[str]]] = []
        for index, step in enumerate(steps):
            if step.instruction.keyword in ("COPY", "ADD"):
                sources, _ = _copy_operands(step.instruction)
                bases = [posixpath.basename(s.text.rstrip("/")) for s in sources]
                self._copies.append((index, step.instruction, bases))
        self._by_name: dict[str, list[tuple[int, int]]] = {}

    def first(self, name: str, after: int) -> int | None:
        """The line of the first COPY/ADD after step `after` that may bring `name`."""
        matches = self._by_name.get(name)
        if matches is None:
            matches = [
                (index, instruction.line)
                for index, instruction, bases in self._copies
                if any(_may_bring(base, name) for base in bases)
            ]
            self._by_name[name] = matches
        return next((line for index, line in matches if index > after), None)


def _may_bring(base: str, name: str) -> bool:
    if base in (".", ""):
        return True
    regex = segment_regex(base)
    return regex is not None and regex.fullmatch(name) is not None


# -- wording --------------------------------------------------------------------------------


def _preference(name: str) -> tuple[int, str]:
    order = {"requirements.txt": 0, "pyproject.toml": 1, "Pipfile": 2, "package.json": 0}
    return order.get(name, 3), name


def _install_hint(manifest: _Manifest, context: BuildContext) -> str:
    root = context.root
    assert root is not None
    name = manifest.name
    workdir = manifest.step.cwd
    shown = posixpath.basename(manifest.dest)
    if posixpath.dirname(manifest.dest) != workdir and not manifest.dest.startswith("\x00"):
        shown = manifest.dest
    if manifest.ecosystem == NODE:
        folder = posixpath.dirname(manifest.dest)
        prefix = "" if folder == workdir or folder.startswith("\x00") else f"cd {folder} && "
        if (root / "yarn.lock").is_file():
            # Yarn 2+ (configured by .yarnrc.yml) renamed --frozen-lockfile to --immutable
            frozen = "--immutable" if (root / ".yarnrc.yml").is_file() else "--frozen-lockfile"
            return f"RUN {prefix}yarn install {frozen}"
        if (root / "pnpm-lock.yaml").is_file():
            return f"RUN {prefix}pnpm install --frozen-lockfile"
        if (root / "package-lock.json").is_file():
            return f"RUN {prefix}npm ci"
        return f"RUN {prefix}npm install"
    if name == "pyproject.toml":
        folder = posixpath.dirname(manifest.dest)
        target = "." if folder == workdir or folder.startswith("\x00") else folder
        return f"RUN pip install --no-cache-dir {target}"
    if name == "Pipfile":
        return "RUN pipenv install --system --deploy"
    return f"RUN pip install --no-cache-dir -r {shown}"


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."
