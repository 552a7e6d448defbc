"""Mounts over what an image holds: the directories a built image fills while it is
built, and the service volume that decides what the container sees there.

A container sees at a path whatever its deepest mount over that path holds: a bind
mount shows the host folder, a volume its own content (which Docker copies from the
image only into an empty volume, on first use). Rules that ask "does this mount hide
what the image installed?" (CL512 bind-mount-hides-dependencies) and "does this
volume keep serving an old build?" (CL513 named-volume-over-image-content) read the
same facts here, so they cannot disagree about where `npm ci` put node_modules.

Public names:

- `DepsDir`: one directory a step of the built chain fills with dependencies:
  `.path` (absolute, in the image), `.name` (`node_modules`, `.venv`, `vendor`,
  `vendor/bundle`...), `.ecosystem`, `.how` (the command or COPY, for messages),
  `.instruction`.
- `dependency_dirs(image)`: every `DepsDir` of a `BuiltImage` (cached on it): the
  `node_modules` of npm/yarn/pnpm/bun installs (in WORKDIR, after literal `cd`s of
  the same RUN, or their `--prefix`/`--cwd`/`--modules-folder`), the `.venv` of
  `uv sync`, `python -m venv`/`virtualenv`/`uv venv`, poetry and pipenv told to
  keep it in the project, pip's `--target`, composer's `vendor`, bundler's
  deployment path, and `COPY --from=<stage>` of such a directory. Installs whose
  place depends on something unknown (a variable, yarn's Plug'n'Play, a `.yarnrc`
  that sets `--modules-folder`, a composer.json `vendor-dir`) are left out.
- `Filled`: one directory the image fills: `.path`, `.how` (for messages),
  `.instruction`, `.deps` (a `DepsDir`, or None for copied or built files).
- `filled_under(image, target)`: what the built chain's own steps put at or below
  `target`: COPY/ADD destinations inside it, the part of a COPY from the build
  context that lands there (directories holding more than placeholders), dependency
  directories and `npm run build`/`collectstatic` output below the RUN's directory.
  Content the base image brings is not known and not listed.
- `start_installs(image, ecosystem)`: whether the container installs dependencies of
  that ecosystem as it starts (in compose `command:`/`entrypoint:`, CMD/ENTRYPOINT,
  or the started script read from the context).
- `ContainerMount`: a `values.Mount` with `.target` normalised and `.host`, a bind
  mount's relative host folder resolved against the folder of the compose file
  that writes it (None for absolute, home or Windows paths: they name another
  machine's folders); `.nocopy` (a long-syntax volume with `nocopy: true`).
- `container_mounts(project, service)`: the service's mounts, so resolved.
- `deciding(mounts, path)`: the mount that decides what the container sees at `path`
  (the deepest one at it or above it), or None.
- `within(path, top)`: `path` is `top` or below it.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from compose_lint.load import interpolation
from compose_lint.load.dockerfile import Instruction
from compose_lint.load.files import ReadError, read_text
from compose_lint.model import Project, Service, YamlPath
from compose_lint.model.commands import (
    Command,
    PackageCall,
    basename,
    exec_commands,
    instruction_commands,
    is_versioned,
    package_call,
    run_commands,
    shell_commands,
    unwrap,
)
from compose_lint.model.context import context_entries
from compose_lint.model.image import BuiltImage, Step, copy_destination
from compose_lint.model.installs import dependency_install
from compose_lint.model.values import Mount, host_path, is_true

_TRUE = frozenset({"1", "true", "yes", "on"})
# the names a dependency directory has, for COPY --from=<stage> of one
_DEPS_NAMES = {"node_modules": "node", ".venv": "python", "venv": "python", "vendor": "php"}
# files that keep an otherwise empty folder in a repository
_PLACEHOLDERS = frozenset({".gitkeep", ".keep", ".gitignore", ".empty", ".placeholder"})
# the folders a Node build script writes below the project
_BUILD_OUTPUTS = frozenset({"dist", "build", ".next", "out", ".nuxt", ".output"})
_NODE_MANAGERS = frozenset({"npm", "yarn", "pnpm", "bun"})
_MAX_MANIFEST = 1024 * 1024  # a package.json or composer.json larger than this is not read


def within(path: str, top: str) -> bool:
    """`path` is `top` or inside it (both absolute and normalised)."""
    return path == top or top == "/" or path.startswith(top.rstrip("/") + "/")


def _normal(path: str) -> str:
    return "/" + posixpath.normpath(path).lstrip("/")


# -- where the image installed dependencies ------------------------------------------


class DepsDir(NamedTuple):
    """A directory a step of the built image fills with dependencies."""

    path: str  # absolute, in the image
    name: str  # node_modules, .venv, vendor, vendor/bundle, or the folder as given
    ecosystem: str
    how: str  # for messages: "npm ci", "COPY --from=deps /app/node_modules ."
    instruction: Instruction


def _join(cwd: str | None, path: str | None) -> str | None:
    """`path` in the image from directory `cwd`; None when either is unknown."""
    if path is None or "$" in path or not path.strip():
        return None
    if path.startswith("/"):
        return _normal(path)
    if cwd is None or not cwd.startswith("/"):
        return None
    return _normal(posixpath.join(cwd, path))


def _env_true(step: Step, name: str) -> bool:
    return step.env.get(name, "").strip().lower() in _TRUE


def _venv_target(command: Command) -> str | None:
    """The folder `python -m venv DIR`, `virtualenv DIR` or `uv venv [DIR]` creates."""
    words = list(command.words)
    if not words:
        return None
    program = basename(words[0])
    if is_versioned(program, "python") and len(words) > 2 and words[1] == "-m":
        if words[2] not in ("venv", "virtualenv"):
            return None
        rest = words[3:]
    elif program == "virtualenv":
        rest = words[1:]
    elif program == "uv" and len(words) > 1 and words[1] == "venv":
        rest = words[2:]
        operands = _operands(rest, ("--prompt", "-p", "--python", "--seed", "--index-url"))
        return operands[0] if operands else ".venv"
    else:
        return None
    operands = _operands(rest, ("--prompt", "-p", "--python", "--activators"))
    return operands[0] if operands else None


def _operands(words: Sequence[str], valued: Sequence[str]) -> list[str]:
    found: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word in valued:
            skip = True
        elif not word.startswith("-"):
            found.append(word)
    return found


def _install_dir(command: Command, cwd: str | None, step: Step) -> tuple[str, str, str] | None:
    """(path, name, ecosystem) of the dependency directory `command` fills."""
    venv = _venv_target(unwrap(command))
    if venv is not None:
        path = _join(cwd, venv)
        return (path, posixpath.basename(venv.rstrip("/")) or venv, "python") if path else None
    install = dependency_install(command)
    if install is None or install.call is None:
        return None
    call = install.call
    tool = install.tool
    if install.ecosystem == "node" and tool in _NODE_MANAGERS and install.action != "fetch":
        folder = call.values("--modules-folder")
        if folder:
            path = _join(cwd, folder[0])
            return (path, folder[0], "node") if path else None
        base = _join(cwd, install.directory) if install.directory else cwd
        path = _join(base, "node_modules")
        return (path, "node_modules", "node") if path else None
    if tool == "uv" and install.action == "sync":
        given = call.values("--directory", "--project")
        base = _join(cwd, given[0]) if given else cwd
        where = step.env.get("UV_PROJECT_ENVIRONMENT", ".venv")
        path = _join(base, where)
        return (path, where, "python") if path else None
    if tool == "poetry" and _env_true(step, "POETRY_VIRTUALENVS_IN_PROJECT"):
        if step.env.get("POETRY_VIRTUALENVS_CREATE", "").strip().lower() in ("0", "false"):
            return None
        path = _join(_join(cwd, install.directory) if install.directory else cwd, ".venv")
        return (path, ".venv", "python") if path else None
    if tool == "pipenv" and _env_true(step, "PIPENV_VENV_IN_PROJECT") and not call.has("--system"):
        path = _join(cwd, ".venv")
        return (path, ".venv", "python") if path else None
    if tool == "pip":
        target = call.values("-t", "--target")
        path = _join(cwd, target[0]) if target else None
        return (path, target[0], "python") if path and target else None
    if tool == "composer":
        if "COMPOSER_VENDOR_DIR" in step.env:
            return None
        given = call.values("-d", "--working-dir")
        path = _join(_join(cwd, given[0]) if given else cwd, "vendor")
        return (path, "vendor", "php") if path else None
    if tool == "bundle":
        given = call.values("--path")
        if given:
            path = _join(cwd, given[0])
            return (path, given[0], "ruby") if path else None
        if "BUNDLE_PATH" in step.env:
            where = step.env["BUNDLE_PATH"]
            path = _join(cwd, where)
            return (path, where, "ruby") if path else None
        if call.has("--deployment") or _env_true(step, "BUNDLE_DEPLOYMENT"):
            path = _join(cwd, "vendor/bundle")
            return (path, "vendor/bundle", "ruby") if path else None
    return None


def _expanded(word: str, step: Step) -> str:
    """`word` with the ARG/ENV values known at `step` (as is when one is unknown)."""
    if "$" not in word:
        return word
    value = interpolation.substitute(word, step.env)
    return value if value is not None else word


def _cd(command: Command, cwd: str | None) -> str | None:
    """The directory after a `cd` (None when it cannot be known)."""
    words = command.words
    if len(words) != 2 or words[1].startswith("-") or "$" in words[1] or "~" in words[1]:
        return None
    return _join(cwd, words[1])


def _moved(command: Command, cwd: str | None, dirs: list[DepsDir]) -> list[DepsDir]:
    """`dirs` after a `mv` or `rm -r` that moves or removes one of them (the image's
    node_modules moved to /node_modules, where Node still finds it)."""
    words = unwrap(command).words
    operands = [w for w in words[1:] if not w.startswith("-")]
    recursive = any(
        w == "--recursive" or (w.startswith("-") and not w.startswith("--") and "r" in w.lower())
        for w in words[1:]
    )
    if command.name == "rm" and recursive:
        gone = [p for p in (_join(cwd, o) for o in operands) if p is not None]
        return [d for d in dirs if not any(within(d.path, g) for g in gone)]
    if command.name != "mv" or len(operands) != 2:
        return dirs
    source, dest = _join(cwd, operands[0]), _join(cwd, operands[1])
    moved: list[DepsDir] = []
    for deps in dirs:
        if source is not None and deps.path == source:
            if dest is None:
                continue  # moved somewhere not known: no longer claimed
            if operands[1].endswith("/"):
                dest = posixpath.join(dest, basename(source))
            deps = deps._replace(path=dest)
        moved.append(deps)
    return moved


def _in_directories(step: Step) -> Iterator[tuple[Command, str | None]]:
    """Each command of the RUN of `step` but `cd`, with the directory it runs in
    (WORKDIR, then literal `cd`s; None once unknown)."""
    cwd: str | None = step.cwd if step.cwd.startswith("/") else None
    for command in run_commands(step.instruction):
        if any("$" in w for w in command.words):
            command = command._replace(words=tuple(_expanded(w, step) for w in command.words))
        if command.name == "cd":
            cwd = _cd(command, cwd)
        else:
            yield command, cwd


def _run_dirs(step: Step, dirs: list[DepsDir]) -> list[DepsDir]:
    """`dirs` after the RUN of `step`: what it installs added, what it moves moved."""
    instruction = step.instruction
    for command, cwd in _in_directories(step):
        if command.name in ("mv", "rm"):
            dirs = _moved(command, cwd, dirs)
            continue
        found = _install_dir(command, cwd, step)
        if found is not None:
            path, name, ecosystem = found
            how = " ".join(unwrap(command).words)
            dirs = [*dirs, DepsDir(path, name, ecosystem, how, instruction)]
    return dirs


def _copied_dirs(step: Step) -> Iterator[DepsDir]:
    """`COPY --from=<stage> /app/node_modules ./node_modules`: dependencies installed
    in another stage."""
    copy = step.instruction.copy
    if copy is None or not copy.from_stage or len(copy.files) != 1:
        return
    source = basename(copy.files[0].text.rstrip("/"))
    if source not in _DEPS_NAMES:
        return
    dest = copy_destination(step, copy.dest.text)
    if dest is None:
        return
    path = _normal(dest)
    if basename(path) != source:
        return  # a folder's content lands in the destination: not a folder of that name
    ecosystem = _DEPS_NAMES[source]
    how = f"COPY --from={copy.from_stage} {copy.files[0].text} {copy.dest.text}"
    yield DepsDir(path, source, ecosystem, how, step.instruction)


def dependency_dirs(image: BuiltImage) -> tuple[DepsDir, ...]:
    """Every dependency directory the built chain's steps fill (cached on the image)."""
    kept = vars(image)
    found = kept.get("_deps_dirs")
    if isinstance(found, tuple):
        return found
    dirs: list[DepsDir] = []
    for step in image.steps:
        keyword = step.instruction.keyword
        if keyword == "RUN":
            dirs = _run_dirs(step, dirs)
        elif keyword == "COPY":
            dirs.extend(_copied_dirs(step))
    if any(d.ecosystem == "node" and "yarn" in d.how for d in dirs) and (
        _yarn_berry(image) or _yarnrc_moves_modules(image)
    ):
        dirs = [d for d in dirs if not (d.ecosystem == "node" and "yarn" in d.how)]
    if any(d.name == "vendor" for d in dirs) and _composer_vendor_dir(image):
        dirs = [d for d in dirs if d.name != "vendor"]
    result = tuple(dirs)
    kept["_deps_dirs"] = result
    return result


def _context_text(image: BuiltImage, relpath: str) -> str | None:
    root = image.build.context if image.build is not None else None
    if root is None:
        return None
    path = root / relpath
    try:
        if not path.is_file() or path.stat().st_size > _MAX_MANIFEST:
            return None
        return read_text(path)
    except (OSError, ReadError):
        return None


def _yarn_berry(image: BuiltImage) -> bool:
    """The context's project uses Yarn 2 or later, whose default Plug'n'Play install
    writes no node_modules (`.yarnrc.yml`, or `"packageManager": "yarn@4..."`)."""
    root = image.build.context if image.build is not None else None
    if root is not None and os.path.lexists(root / ".yarnrc.yml"):
        return True
    manifest = _context_text(image, "package.json") or ""
    return re.search(r'"packageManager"\s*:\s*"yarn@[2-9]', manifest) is not None


_YARNRC_MODULES = re.compile(r"(?m)^\s*--(?:install\.)?modules-folder\b")


def _yarnrc_moves_modules(image: BuiltImage) -> bool:
    """A `.yarnrc` of the context (yarn 1's settings file, which yarn reads from the
    folder it runs in and those above) sets `--modules-folder`: where yarn's installs
    put node_modules is then not known here (`/node_modules`, outside the app)."""
    build = image.build
    if build is None:
        return False
    return any(
        entry.name == ".yarnrc"
        and _YARNRC_MODULES.search(_context_text(image, entry.relpath) or "")
        for entry in context_entries(build, honor_ignore=False)
    )


def _composer_vendor_dir(image: BuiltImage) -> bool:
    """composer.json of the context moves `vendor` elsewhere (`config.vendor-dir`)."""
    return "vendor-dir" in (_context_text(image, "composer.json") or "")


# -- what the image fills ----------------------------------------------------------------


class Filled(NamedTuple):
    """A directory at or below a mount target that the image fills while built."""

    path: str
    how: str  # for messages: `COPY . /app`, `npm ci`
    instruction: Instruction
    deps: DepsDir | None  # the dependency directory, when it is one


def _holds_content(image: BuiltImage, relpath: str) -> bool:
    """The context folder `relpath` sends something into the image besides
    placeholders (`.gitkeep`) and what the ignore file leaves out."""
    from compose_lint.model.context import BuildContext

    if image.build is None:
        return False
    context = BuildContext.of(image.build)
    if context.root is None or context.excluded(relpath):
        return False
    listed = context.listing(relpath)
    if not listed:
        return False
    return any(
        entry.name not in _PLACEHOLDERS
        and not entry.name.lower().startswith("readme")
        and not context.excluded(f"{relpath}/{entry.name}")
        for entry in listed
    )


def _copied_into(image: BuiltImage, step: Step, target: str) -> Iterator[Filled]:
    instruction = step.instruction
    copy = instruction.copy
    if copy is None:
        return
    dest = copy_destination(step, copy.dest.text)
    if dest is None:
        return
    dest_dir = _normal(dest)
    how = " ".join([instruction.keyword, *(w.text for w in copy.sources), copy.dest.text])
    if within(dest_dir, target):
        yield Filled(dest_dir, how, instruction, None)
        return
    if copy.from_stage or not within(target, dest_dir):
        return  # another stage's folder holds what is not known here
    below = posixpath.relpath(target, dest_dir)
    for source in copy.files:
        text = source.text
        if "$" in text or any(c in text for c in "*?[") or "://" in text:
            continue
        # a folder's content lands in the destination: what is below it lands below
        relpath = posixpath.normpath(posixpath.join(text.lstrip("/"), below))
        if not relpath.startswith("..") and relpath != "." and _holds_content(image, relpath):
            yield Filled(target, how, instruction, None)
            return


def _is_build_script(command: Command) -> str | None:
    """`npm run build`, `yarn build`, `pnpm run build`: the tool; `manage.py
    collectstatic`: "collectstatic"."""
    words = unwrap(command).words
    if "collectstatic" in words and any(w.endswith("manage.py") for w in words):
        return "collectstatic"
    call = package_call(command)
    if call is None or call.manager not in _NODE_MANAGERS:
        return None
    names = [o.text for o in call.operands]
    if call.action == "build" or (call.action == "run" and names[:1] == ["build"]):
        return call.manager
    return None


def _built_into(step: Step, target: str) -> Iterator[Filled]:
    instruction = step.instruction
    for command, cwd in _in_directories(step):
        tool = _is_build_script(command)
        if tool is None or cwd is None or not within(target, cwd) or target == cwd:
            continue
        first = posixpath.relpath(target, cwd).split("/")[0]
        if tool == "collectstatic":
            output = "static" in basename(target).lower()  # STATIC_ROOT is not read
        else:
            output = first in _BUILD_OUTPUTS
        if output:
            yield Filled(target, " ".join(unwrap(command).words), instruction, None)


def filled_under(image: BuiltImage, target: str) -> list[Filled]:
    """What the built chain's own steps put at or below `target` (see the module's
    description); the base image's content is not known here."""
    found: list[Filled] = []
    for deps in dependency_dirs(image):
        if within(deps.path, target):
            found.append(Filled(deps.path, deps.how, deps.instruction, deps))
    for step in image.steps:
        keyword = step.instruction.keyword
        if keyword in ("COPY", "ADD"):
            found.extend(_copied_into(image, step, target))
        elif keyword == "RUN":
            found.extend(_built_into(step, target))
    return found


def declared_volumes(image: BuiltImage) -> set[str]:
    """The paths the chain's VOLUME instructions declare (values substituted)."""
    found: set[str] = set()
    for step in image.steps:
        if step.instruction.keyword != "VOLUME":
            continue
        instruction = step.instruction
        words = instruction.json_args or [w.text for w in instruction.arguments]
        for word in words:
            value = interpolation.substitute(word, step.env)
            if value and value.startswith("/"):
                found.add(_normal(value))
    return found


# -- what the container runs as it starts ----------------------------------------------


def _started_commands(image: BuiltImage) -> Iterator[Command]:
    from compose_lint.model.entrypoint import entrypoint_script, started_script

    for value in (image.entrypoint, image.command):
        if value is None:
            continue
        if isinstance(value, str):
            yield from shell_commands(value)
        elif isinstance(value, list):
            yield from exec_commands([str(w) for w in value])
        else:
            yield from instruction_commands(value)
    for script in (entrypoint_script(image), started_script(image)):
        if script is not None:
            yield from script.commands


def start_installs(image: BuiltImage, ecosystem: str) -> bool:
    """Whether the container installs `ecosystem` dependencies as it starts (`uv run`
    syncs the project's environment before it runs the program, unless `--no-sync`)."""
    for command in _started_commands(image):
        install = dependency_install(command)
        if install is not None and install.ecosystem == ecosystem:
            return True
        if ecosystem == "python" and _venv_target(unwrap(command)) is not None:
            return True
        call = package_call(command)
        if ecosystem == "python" and call is not None and _uv_run_syncs(call):
            return True
    return False


def _uv_run_syncs(call: PackageCall) -> bool:
    return (call.manager, call.action) == ("uv", "run") and not call.has(
        "--no-sync", "--no-project", "--script"
    )


# -- the service's mounts ---------------------------------------------------------------


class ContainerMount(NamedTuple):
    """One mount of a service, its target normalised and a bind's host folder found."""

    mount: Mount
    target: str
    host: Path | None  # a relative bind source, resolved; None otherwise
    nocopy: bool  # a volume that is not filled from the image

    @property
    def path(self) -> YamlPath:
        return self.mount.path


def _nocopy(service: Service, path: YamlPath) -> bool:
    from compose_lint.model.services import dig

    raw = dig(service.data, path[2:])
    volume = raw.get("volume") if isinstance(raw, dict) else None
    return isinstance(volume, dict) and is_true(volume.get("nocopy", False), {})


def container_mounts(project: Project, service: Service) -> list[ContainerMount]:
    """The service's mounts (`ServiceFacts.mounts`), targets normalised and relative
    bind sources resolved against the folder of the compose file that writes them."""
    from compose_lint.model.services import facts

    found: list[ContainerMount] = []
    for mount in facts(project, service).mounts:
        if not mount.target.startswith("/"):
            continue
        host: Path | None = None
        source = mount.source or ""
        if mount.kind == "bind" and source and host_path(source) is None and ":" not in source:
            base = service.file.file_of(mount.path).base_dir
            host = Path(os.path.normpath(base / source))
        nocopy = mount.kind == "volume" and _nocopy(service, mount.path)
        found.append(ContainerMount(mount, _normal(mount.target), host, nocopy))
    return found


def deciding(mounts: Iterable[ContainerMount], path: str) -> ContainerMount | None:
    """The mount that decides what the container sees at `path`: the deepest one whose
    target is `path` or a folder above it."""
    best: ContainerMount | None = None
    for mount in mounts:
        if within(path, mount.target) and (best is None or len(mount.target) > len(best.target)):
            best = mount
    return best


__all__ = [
    "ContainerMount",
    "DepsDir",
    "Filled",
    "container_mounts",
    "deciding",
    "declared_volumes",
    "dependency_dirs",
    "filled_under",
    "start_installs",
    "within",
]
