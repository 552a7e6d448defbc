"""Dependency installs: which manifest files a package-manager call reads.

Built on the one reading of package-manager calls (`model.commands.package_call`,
wrappers taken off, value-taking options consuming their value). A rule that asks
"does this RUN install the project's dependencies, and from which file?" (CL503
dependencies-not-installed, CL328 dependency-cache-busted) asks here, so they
cannot disagree about `pnpm fetch` (it reads pnpm-lock.yaml alone) or about
`pip install -e .` (it reads the project's pyproject.toml / setup.py / setup.cfg).

Public names:

- `dependency_install(command)` -> `DependencyInstall | None`.
- `supplies(image, program)`: a step of a built image's chain provides `program`: a
  package install that names it (`apt-get install curl`, `apk add bash`), a COPY or
  ADD of a file with that name, or a command whose effect is not read (a script run
  by path, a download naming it), which is not guessed at.
- `DependencyInstall`: `.ecosystem` ("python", "node", "ruby", "go", "php"), `.tool`
  (pip, uv, pip-sync, poetry, pdm, pipenv, hatch, flit, conda, setup.py, npm, yarn,
  pnpm, bun, bundle, go, composer, xargs), `.action`, `.manifests` (the files it
  reads, as written or by convention; () when it installs packages named on the
  command line or reads nothing a linter can name), `.any_of` (True when any one of
  the manifests is enough, as for a local project), `.lockfiles` (lock files it
  reads when present), `.directory` (a `-C`/`--cwd`/`--prefix`/`--directory`/`--project` value,
  as written), `.named` (packages are named on the command line), `.call` (the
  `PackageCall`, None for tools read by name), `.command` (the program's command,
  wrappers taken off), `.text` (the command as written, wrappers left out).
"""

from __future__ import annotations

import posixpath
from typing import NamedTuple

from compose_lint.model.commands import (
    SHELLS,
    Command,
    PackageCall,
    basename,
    is_versioned,
    package_call,
    package_name,
    run_commands,
    unwrap,
)
from compose_lint.model.image import BuiltImage

PYTHON = "python"
NODE = "node"

# Installing one of these names a tool, not the project's dependencies.
_PACKAGING_TOOLS = frozenset(
    {"pip", "setuptools", "wheel", "poetry", "pipenv", "uv", "virtualenv", "pip-tools"}
)
_PROJECT_FILES = ("pyproject.toml", "setup.py", "setup.cfg")
# Where these tools are told to find the project (pip's --prefix is not that).
_DIRECTORY_OPTIONS = {
    "poetry": ("--directory", "-C", "--project", "-P"),
    "pdm": ("--project", "-p"),
    "uv": ("--project", "--directory"),
    "npm": ("--prefix", "-C"),
    "yarn": ("--cwd",),
    "pnpm": ("--dir", "-C"),
    "bun": ("--cwd",),
}
_NODE_TOOLS = frozenset({"npm", "yarn", "pnpm", "bun"})
_NODE_LOCKS = {
    "npm": ("package-lock.json", "npm-shrinkwrap.json"),
    "yarn": ("yarn.lock", ".yarnrc.yml"),
    "pnpm": ("pnpm-lock.yaml",),
    "bun": ("bun.lockb", "bun.lock"),
}


class DependencyInstall(NamedTuple):
    """A command that installs dependencies, and the files it reads to do so."""

    ecosystem: str
    tool: str
    action: str
    manifests: tuple[str, ...]
    any_of: bool  # any one of `manifests` is enough (a local project's files)
    lockfiles: tuple[str, ...]
    directory: str | None  # where the tool is told to run (-C/--cwd/--prefix...)
    named: bool  # packages are named on the command line
    call: PackageCall | None
    command: Command  # wrappers taken off

    @property
    def text(self) -> str:
        """The command as written, wrappers and assignments left out."""
        return " ".join(self.command.words)


def dependency_install(command: Command) -> DependencyInstall | None:
    """The dependency install `command` performs (behind any wrapper), or None."""
    call = package_call(command)
    if call is not None:
        return _from_call(call)
    return _by_name(unwrap(command))


def _make(
    ecosystem: str,
    tool: str,
    action: str,
    command: Command,
    manifests: tuple[str, ...] = (),
    *,
    call: PackageCall | None = None,
    any_of: bool = False,
    lockfiles: tuple[str, ...] = (),
    named: bool = False,
) -> DependencyInstall:
    directory = None
    if call is not None and tool in _DIRECTORY_OPTIONS:
        given = call.values(*_DIRECTORY_OPTIONS[tool])
        directory = given[0] if given else None
    return DependencyInstall(
        ecosystem, tool, action, manifests, any_of, lockfiles, directory, named, call, command
    )


def _from_call(call: PackageCall) -> DependencyInstall | None:
    manager, action, command = call.manager, call.action, call.command
    operands = [o.text for o in call.operands]
    if manager == "pip":
        return _pip(call)
    if manager == "uv":
        if action in ("sync", "export"):
            return _make(PYTHON, "uv", action, command, ("pyproject.toml",), call=call,
                         lockfiles=("uv.lock",))  # fmt: skip
        return None
    if manager in ("poetry", "pdm") and action in ("install", "sync", "export"):
        lock = ("poetry.lock",) if manager == "poetry" else ("pdm.lock",)
        return _make(PYTHON, manager, action, command, ("pyproject.toml",), call=call,
                     lockfiles=lock)  # fmt: skip
    if manager == "pipenv" and action in ("install", "sync", "requirements", "lock"):
        if operands:
            return _make(PYTHON, "pipenv", action, command, call=call, named=True)
        return _make(PYTHON, "pipenv", action, command, ("Pipfile",), call=call,
                     lockfiles=("Pipfile.lock",))  # fmt: skip
    if manager in _NODE_TOOLS:
        return _node(call)
    if manager == "bundle" and action in ("install", ""):
        return _make("ruby", "bundle", action, command, ("Gemfile",), call=call,
                     lockfiles=("Gemfile.lock",))  # fmt: skip
    if manager == "go" and action == "mod" and operands[:1] == ["download"]:
        return _make("go", "go", "mod download", command, ("go.mod",), call=call,
                     lockfiles=("go.sum",))  # fmt: skip
    if manager == "composer" and action == "install":
        return _make("php", "composer", action, command, ("composer.json",), call=call,
                     lockfiles=("composer.lock",))  # fmt: skip
    return None


def _pip(call: PackageCall) -> DependencyInstall | None:
    """pip install/wheel/download (and `uv pip sync`): `-r` files, a local project,
    or packages named on the command line."""
    action, command = call.action, call.command
    if action not in ("install", "sync", "wheel", "download"):
        return None
    files = [f for f in call.values("-r", "--requirement") if f]
    words = [o.text for o in call.operands]
    editable = call.values("-e", "--editable")
    if action == "sync":
        files.extend(words)
        words = []
    if files:
        return _make(PYTHON, "pip", action, command, tuple(files), call=call)
    local = bool(editable) or call.has("-e", "--editable")
    project = False
    packages: list[str] = []
    for word in [*editable, *words]:
        name = word.split("[")[0]
        if word.startswith((".", "/", "~")) or "/" in name:
            local = True
            project = project or name in (".", "./")
        else:
            packages.append(package_name(name, "pip"))
    if local:
        manifests = _PROJECT_FILES if project else ()
        return _make(PYTHON, "pip", action, command, manifests, call=call, any_of=True)
    if any(p and p.lower() not in _PACKAGING_TOOLS for p in packages):
        return _make(PYTHON, "pip", action, command, call=call, named=True)
    return None


def _node(call: PackageCall) -> DependencyInstall | None:
    manager, action, command = call.manager, call.action, call.command
    if call.has("-g", "--global") or action == "global":
        return None
    locks = _NODE_LOCKS.get(manager, ())
    if manager == "yarn":
        if action in ("", "install"):
            return _make(NODE, manager, action, command, ("package.json",), call=call,
                         lockfiles=locks)  # fmt: skip
        if action == "add":
            return _make(NODE, manager, action, command, call=call, named=True)
        if action == "workspaces" and call.operands and call.operands[0].text == "focus":
            # Yarn 2+: installs the dependencies of the workspaces it names
            return _make(NODE, manager, action, command, ("package.json",), call=call,
                         lockfiles=locks)  # fmt: skip
        return None
    if manager == "pnpm" and action == "fetch":
        # `pnpm fetch` fills the store from the lock file alone, for `install --offline`
        return _make(NODE, manager, action, command, ("pnpm-lock.yaml",), call=call)
    if action == "ci":
        return _make(NODE, manager, action, command, ("package.json",), call=call,
                     lockfiles=locks)  # fmt: skip
    if action in ("install", "i", "add", "isntall"):
        if call.operands:
            return _make(NODE, manager, action, command, call=call, named=True)
        return _make(NODE, manager, action, command, ("package.json",), call=call,
                     lockfiles=locks)  # fmt: skip
    return None


def _by_name(command: Command) -> DependencyInstall | None:
    """Installers that are not package managers of their own."""
    words = command.words
    if not words:
        return None
    program, rest = basename(words[0]), words[1:]
    subcommand = next((w for w in rest if not w.startswith("-")), "")
    if program == "pip-sync":
        files = tuple(w for w in rest if not w.startswith("-")) or ("requirements.txt",)
        return _make(PYTHON, "pip-sync", "", command, files)
    if program in ("hatch", "flit"):
        return _make(PYTHON, program, subcommand, command, ("pyproject.toml",))
    if program in ("conda", "mamba", "micromamba") and subcommand in ("env", "install", "create"):
        return _make(PYTHON, "conda", subcommand, command)
    if is_versioned(program, "python") and "setup.py" in rest and "install" in rest:
        return _make(PYTHON, "setup.py", "install", command, ("setup.py",))
    if program == "xargs":
        # `xargs -a requirements.txt pip install`, `cat package.json | xargs npm i`...
        tools = {posixpath.basename(w) for w in rest}
        if any(is_versioned(t, "pip") for t in tools) or "uv" in tools:
            return _make(PYTHON, "xargs", "", command)
        if tools & _NODE_TOOLS:
            return _make(NODE, "xargs", "", command)
    return None


_SHELLS = SHELLS - {"busybox"}  # `busybox wget` runs an applet, not a script


_SYSTEM_BINARIES = ("/bin/", "/sbin/", "/usr/bin/", "/usr/sbin/")


def runs_script(words: tuple[str, ...]) -> bool:
    """A command whose effect on the image is not read: a script or installer run by its
    path (`bin/uv-install`, `./install.sh`, `/opt/app/setup/install`; not a packaged
    program such as `/usr/bin/make`), or a shell given a script file (`sh setup.sh`)."""
    if not words:
        return False
    if basename(words[0]) in _SHELLS and len(words) > 1 and not words[1].startswith("-"):
        return True
    program = words[0]
    return program.endswith(".sh") or ("/" in program and not program.startswith(_SYSTEM_BINARIES))


def _opaque(words: tuple[str, ...], program: str) -> bool:
    """`runs_script`, or a command that names `program` (a download of it, a build of it)."""
    return runs_script(words) or program in (basename(w) for w in words[1:])


def supplies(image: BuiltImage, program: str) -> bool:
    """Whether a step of `image`'s chain installs `program`, copies a file of that name
    in, or does something not read here that may (see the module's description)."""
    for step in image.steps:
        instruction = step.instruction
        copy = instruction.copy
        if instruction.keyword in ("COPY", "ADD") and copy is not None:
            names = [w.text for w in copy.files] + [copy.dest.text]
            if any(basename(n.rstrip("/")) == program for n in names):
                return True
        for command in run_commands(instruction):
            call = package_call(command)
            if call is None or call.action not in ("install", "add"):
                if _opaque(command.words, program):
                    return True
            elif program in call.package_names:
                return True
    return False
