"""CL328 dependency-cache-busted: `COPY . .` comes before the dependency install, so
any change to any file reinstalls every dependency.

Installs are read the way CL503 reads them (`model.installs.dependency_install`, over
the one package-manager reader, which takes wrappers such as `sudo`, `gosu app` or
`stdbuf -o0` off and knows which options take a value); the stage chain comes from the
image model. A Dockerfile that only services kept for backward compatibility build
(behind a `deprecated` or `legacy` profile, `model.purpose.dockerfile_use`) is left alone,
and so is a Node install that runs the project's install scripts (`postinstall`,
`prepare`...), which read the sources, and an install whose manifests a RUN after the
copy generates (`pip-compile --output-file=requirements.txt`, `poetry export > ...`).
"""

from __future__ import annotations

import json
import posixpath
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from compose_lint.findings import Severity
from compose_lint.load.dockerfile import Dockerfile, Instruction, Stage
from compose_lint.load.files import peek_text
from compose_lint.model import Build, DockerfileSource, Project
from compose_lint.model.commands import Command, run_commands
from compose_lint.model.context import instruction_text, is_whole_context_copy
from compose_lint.model.image import image_of, resolvers
from compose_lint.model.installs import dependency_install
from compose_lint.model.purpose import Use, dockerfile_use
from compose_lint.registry import Found, rule

# Calls that read a manifest without installing from it (CL503 still counts them).
_NOT_INSTALLING = frozenset({"export", "requirements", "lock"})
# What to add to the install before `COPY . .` so it does not need the project's source.
_WITHOUT_PROJECT = {"poetry": "--no-root", "uv": "--no-install-project", "pdm": "--no-self"}


_MANIFEST_PEEK = 256 * 1024  # of a package.json, at most


class _Install(NamedTuple):
    """A dependency install that reads a manifest, and how to do it before `COPY . .`."""

    tool: str  # what installs: "pip", "npm", ... (same tool = same dependencies)
    manifests: tuple[str, ...]  # the files it reads, as written (pip -r) or by convention
    optional: tuple[str, ...]  # lock files to copy too when the context has them
    first_run: str  # the RUN to put before `COPY . .`

    @property
    def keys(self) -> frozenset[tuple[str, str]]:
        """What it installs: each requirements file for pip, the project's for the others."""
        if self.tool == "pip":
            return frozenset(("pip", name) for name in self.manifests)
        return frozenset({(self.tool, "")})


def _install(command: Command) -> _Install | None:
    """The install of a manifest `command` makes (`model.installs`, the reading CL503
    shares): packages named on the command line, a local project (`pip install .`)
    and installers read by name only (`hatch`, `setup.py`) are not such installs."""
    found = dependency_install(command)
    if found is None or found.call is None or found.named or found.any_of:
        return None
    if not found.manifests or found.action in _NOT_INSTALLING:
        return None
    shown = " ".join(command.words)
    flag = _WITHOUT_PROJECT.get(found.tool)
    first = shown if flag is None or found.call.has(flag) else f"{shown} {flag}"
    return _Install(found.tool, found.manifests, found.lockfiles, first)


_EXAMPLE_WORDS = ("example", "sample", "dist", "template")


def _examples_of(name: str) -> list[str]:
    """The names a shipped example of file `name` takes: `requirements.example.txt`,
    `requirements.txt.example`, `.sample`, `.dist`, `.template`."""
    stem, dot, ext = name.rpartition(".")
    out = [f"{name}.{word}" for word in _EXAMPLE_WORDS]
    if dot and stem:
        out += [f"{stem}.{word}.{ext}" for word in _EXAMPLE_WORDS]
    return out


def _user_created(install: _Install, context: Path | None) -> bool:
    """Does this pip install read only requirements files the user creates from an
    example the context ships? True when none of its files is in the context under
    any tail of the written path (`/usr/src/app/requirements.txt` may be the context's
    `requirements.txt`) and an example of each sits there (`requirements.example.txt`):
    there is then no manifest to copy before the whole context."""
    if install.tool != "pip" or context is None or not install.manifests:
        return False
    for written in install.manifests:
        if "$" in written:
            return False
        parts = PurePosixPath(written).parts
        parts = parts[1:] if parts and parts[0] == "/" else parts
        if not parts or ".." in parts:
            return False
        tails = [parts[i:] for i in range(len(parts))]
        if any(context.joinpath(*tail).exists() for tail in tails):
            return False
        if not any(
            context.joinpath(*tail[:-1], example).is_file()
            for tail in tails
            for example in _examples_of(tail[-1])
        ):
            return False
    return True


_NODE_TOOLS = frozenset({"npm", "yarn", "pnpm", "bun"})
# package.json scripts the package managers run on a plain install of the project
_INSTALL_SCRIPTS = ("preinstall", "install", "postinstall", "prepare")


# the options with which generators and exporters name the file they write
_OUTPUT_OPTIONS = ("--output-file", "--output", "-o")


def _written_files(command: Command) -> set[str]:
    """The base names of the files `command` writes: an output option's value
    (`pip-compile --output-file=requirements.txt`, `uv export -o r.txt`) or a
    redirection (`poetry export > requirements.txt`)."""
    found: set[str] = set()
    words = command.words
    for i, word in enumerate(words[1:], start=1):
        name, glued, value = word.partition("=")
        if name in _OUTPUT_OPTIONS and glued:
            found.add(posixpath.basename(value))
        elif word in _OUTPUT_OPTIONS and i + 1 < len(words):
            found.add(posixpath.basename(words[i + 1]))
    for redirect in command.redirects:
        target = redirect.lstrip("0123456789")
        if target.startswith(">") and not target.startswith(">&"):
            found.add(posixpath.basename(target.lstrip(">|").strip()))
    return found


def _made_in_the_image(install: _Install, written: set[str]) -> bool:
    """Every manifest the install reads was written by a RUN after the whole-context
    copy (generated from the sources): there is no file to copy on its own first."""
    return all(posixpath.basename(m) in written for m in install.manifests)


def _scripts_need_sources(command: Command, install: _Install, context: Path | None) -> bool:
    """A Node install that runs the project's own install scripts (package.json's
    `postinstall: npm run build`, `prepare`...): they read the sources, so the install
    needs the whole context, and moving it above `COPY . .` would break the build.
    Not with `--ignore-scripts`."""
    if install.tool not in _NODE_TOOLS or context is None or "--ignore-scripts" in command.words:
        return False
    text = peek_text(context / "package.json", _MANIFEST_PEEK)
    try:
        manifest = json.loads(text) if text else None
    except ValueError:
        return False
    scripts = manifest.get("scripts") if isinstance(manifest, dict) else None
    return isinstance(scripts, dict) and any(scripts.get(name) for name in _INSTALL_SCRIPTS)


def _stages_in_scope(dockerfile: Dockerfile, builds: list[Build]) -> list[Stage]:
    """The stages a build can reach: up to the last `build.target` (all without builds)."""
    stages = dockerfile.stages
    if not builds:
        return list(stages)
    last = -1
    for build in builds:
        if not build.target:
            return list(stages)
        image = image_of(build)
        if image is not None and image.stage is not None:
            last = max(last, image.stage.index)
    return list(stages[: last + 1])


def _context_dir(source: DockerfileSource, builds: list[Build]) -> Path | None:
    for build in builds:
        if build.context is not None:
            return build.context
    return None if builds else source.path.parent


def _copy_line(whole: Instruction, install: _Install, context: Path | None) -> str:
    files = list(install.manifests)
    for name in install.optional:
        if context is None or (context / name).exists():
            files.append(name)
            if context is None:
                break  # without a context, suggest only the usual lock file
    flags = [f for f in whole.flags if not f.startswith("--exclude")]
    dest = whole.copy.dest.text if whole.copy is not None else "."
    sources: list[str] = []
    for name in files:
        cleaned = name
        if cleaned.startswith("/"):
            relative = posixpath.relpath(cleaned, dest) if dest.startswith("/") else None
            cleaned = (
                relative
                if relative and not relative.startswith("..")
                else posixpath.basename(cleaned)
            )
        sources.append(posixpath.normpath(cleaned))
    if len(sources) == 1 and "/" in sources[0]:
        target = posixpath.join(dest, posixpath.dirname(sources[0])) + "/"
    else:
        target = dest if dest.endswith("/") or len(sources) == 1 else dest + "/"
    return " ".join(["COPY", *flags, *sources, target])


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _message(whole: Instruction, command: Command, install: _Install, context: Path | None) -> str:
    copied = _short(instruction_text(whole), 40)
    shown = _short(" ".join(command.words), 60)
    first_run = _short(install.first_run, 70)
    return (
        f'"{copied}" copies the whole build context before "{shown}" on line {command.line} '
        "installs the dependencies, so any change to any file invalidates the cache and "
        "every build reinstalls them all; copy the dependency manifest on its own and "
        f'install first: "{_copy_line(whole, install, context)}" and "RUN {first_run}" '
        f'above "{copied}"'
    )


@rule(
    "CL328",
    "dependency-cache-busted",
    Severity.WARNING,
    "`COPY . .` comes before the dependency install, so every code change reinstalls them.",
)
def dependency_cache_busted(project: Project) -> Found:
    for source, dockerfile, builds in project.parsed_dockerfiles():
        if builds and dockerfile_use(source, builds) is Use.RETIRED:
            continue
        resolver = resolvers(dockerfile, builds)[0]
        context = _context_dir(source, builds)
        reported: set[int] = set()
        # stage index -> (the whole-context copy so far, what was installed before it),
        # after the stage's chain: a stage goes on from where its parent stage ends
        ends: dict[int, tuple[Instruction | None, frozenset[tuple[str, str]]]] = {}
        for stage in _stages_in_scope(dockerfile, builds):
            parent = resolver.parent(stage)
            start = ends.get(parent.index) if parent is not None else None
            whole, installed = start if start is not None else (None, frozenset())
            before = set(installed)  # installed before the whole-context copy
            written: set[str] = set()  # files RUNs after that copy write
            for step in resolver.own_steps(stage):
                instruction = step.instruction
                if whole is None and is_whole_context_copy(instruction):
                    whole = instruction
                    continue
                if instruction.keyword != "RUN":
                    continue
                for command in run_commands(instruction, dockerfile.escape):
                    install = _install(command)
                    if whole is None:
                        if install is not None:
                            before |= install.keys
                        continue
                    if (
                        install is not None
                        and not install.keys <= before
                        and whole.line not in reported
                        and not _user_created(install, context)
                        and not _made_in_the_image(install, written)
                        and not _scripts_need_sources(command, install, context)
                    ):
                        reported.add(whole.line)
                        yield (
                            source.loc(whole.line, whole.column),
                            _message(whole, command, install, context),
                        )
                    written |= _written_files(command)
            ends[stage.index] = (whole, frozenset(before))
