"""CL5xx: the compose file, the Dockerfile and the build context agree with each other.

Each rule walks the stages a build really produces (`build.target`, else the last
stage, and the `FROM <stage>` chain below it), with ARG and ENV values tracked the
way the builder substitutes them. What cannot be known statically (an ARG without
a value, a WORKDIR made of unknown variables, a script from the context) makes a
rule stay silent rather than guess.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
import shlex
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from compose_lint.findings import Location, Severity
from compose_lint.load import interpolation
from compose_lint.load.dockerfile import Dockerfile, Instruction, Stage
from compose_lint.model import Build, Project, Service
from compose_lint.model import commands as shell
from compose_lint.model.image import Resolver, declared_args, literal_build_args
from compose_lint.model.imageref import parse_image
from compose_lint.registry import rule

Found = Iterator[tuple[Location, str]]

# How many directory entries a rule may look at per glob (pre-commit must stay fast).
_LISTING_LIMIT = 2000
# Marks a working directory the Dockerfile does not set (it comes from the base image).
_IMAGE_WORKDIR = "\x00image"


# -- walking the stages of one build ------------------------------------------------


class _Step(NamedTuple):
    """One instruction of a stage chain, with what the builder knows before it runs."""

    stage: Stage
    instruction: Instruction
    env: Mapping[str, str]  # ARG and ENV values known here (unknown ones are absent)
    workdir: str  # absolute, or starting with _IMAGE_WORKDIR / another \x00 marker


def _walk(resolver: Resolver, stage: Stage, build: Build | None) -> list[_Step]:
    """The instructions of `stage` and its `FROM <stage>` parents, oldest first."""
    given = literal_build_args(build)
    unknown_given = {a.name for a in build.args if a.name not in given} if build else set()
    envs: dict[str, str] = {}  # ENV carries over into stages built FROM this one
    unknown_envs: set[str] = set()
    workdir = _IMAGE_WORKDIR
    steps: list[_Step] = []
    for current in reversed(resolver.chain(stage)):
        args: dict[str, str] = {}  # ARG values live until the end of their stage
        for instruction in current.instructions:
            scope = {**args, **envs}
            for name in unknown_envs:
                scope.pop(name, None)
            steps.append(_Step(current, instruction, scope, workdir))
            keyword = instruction.keyword
            if keyword == "ARG":
                for name, default in declared_args(instruction.args):
                    value: str | None
                    if name in given:
                        value = given[name]
                    elif name in unknown_given:
                        value = None
                    elif default is not None:
                        value = interpolation.substitute(default, scope)
                    else:
                        value = resolver.env.get(name)
                    if value is None:
                        args.pop(name, None)
                    else:
                        args[name] = value
            elif keyword == "ENV":
                for name, raw in _env_pairs(instruction.args):
                    value = interpolation.substitute(raw, scope)
                    if value is None:
                        envs.pop(name, None)
                        unknown_envs.add(name)
                    else:
                        envs[name] = value
                        unknown_envs.discard(name)
            elif keyword == "WORKDIR":
                path = interpolation.substitute(_unquote(instruction.args.strip()), scope)
                if path is None or not path:
                    workdir = f"\x00workdir{instruction.line}"
                else:
                    workdir = posixpath.normpath(posixpath.join(workdir, path))
    return steps


def _env_pairs(text: str) -> list[tuple[str, str]]:
    """`ENV A=1 B="x y"` or the legacy `ENV A some value`."""
    words = _split_words(text)
    if not words:
        return []
    if "=" not in words[0]:
        name, _, rest = text.strip().partition(" ")
        return [(name, _unquote(rest.strip()))]
    pairs: list[tuple[str, str]] = []
    for word in words:
        name, sep, value = word.partition("=")
        if sep and name:
            pairs.append((name, value))
    return pairs


def _split_words(text: str) -> list[str]:
    try:
        return shlex.split(text, posix=True)
    except ValueError:
        return text.split()


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def _needed_stages(resolver: Resolver, built: Stage, build: Build | None) -> list[Stage]:
    """The stages a build of `built` runs: its chain plus stages it copies or mounts from."""
    needed: list[Stage] = []
    queue = [built]
    while queue:
        stage = queue.pop()
        if stage in needed:
            continue
        needed.append(stage)
        for step in _walk(resolver, stage, build):
            if step.stage is not stage:
                queue.append(step.stage)
                continue
            for ref in step.instruction.stage_refs():
                name = interpolation.substitute(ref, step.env)
                source = resolver.stage(name) if name else None
                if source is not None:
                    queue.append(source)
    needed.sort(key=lambda s: s.index)
    return needed


# -- where things are written --------------------------------------------------------


class _Arg(NamedTuple):
    """One COPY/ADD/RUN argument as written, with its position in the Dockerfile."""

    text: str  # quotes removed
    line: int
    column: int


_TOKEN = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'[^']*'|\S+")
_JSON_STRING = re.compile(r"\"((?:[^\"\\]|\\.)*)\"")


def _arguments(instruction: Instruction, escape: str) -> list[_Arg]:
    """The instruction's arguments after its flags, each with its line and column."""
    last = instruction.end_line
    if instruction.heredocs:
        last = instruction.heredocs[0].start_line - 1
    lines = instruction.lines[: last - instruction.line + 1]
    if instruction.json_args is not None:
        found: list[_Arg] = []
        for offset, text in enumerate(lines):
            for match in _JSON_STRING.finditer(text):
                found.append(_Arg(match.group(1), instruction.line + offset, match.start() + 2))
        values = instruction.json_args
        if len(found) >= len(values):
            found = found[len(found) - len(values) :]
            return [_Arg(v, a.line, a.column) for v, a in zip(values, found, strict=True)]
        return [_Arg(v, instruction.line, instruction.column) for v in values]
    tokens: list[_Arg] = []
    for offset, text in enumerate(lines):
        stripped = text.strip()
        if offset and (not stripped or stripped.startswith("#")):
            continue
        for match in _TOKEN.finditer(text):
            word = match.group(0)
            if match.end() == len(text.rstrip()) and word.endswith(escape):
                word = word[: -len(escape)]
                if not word:
                    continue
            tokens.append(_Arg(_unquote(word), instruction.line + offset, match.start() + 1))
    skip = 1 + (1 if instruction.keyword == "ONBUILD" else 0)
    tokens = tokens[skip:]
    while tokens and tokens[0].text.startswith("--"):
        tokens.pop(0)
    return tokens


def _location(build: Build, line: int, column: int) -> Location:
    """A position in the Dockerfile a build uses (its compose entry for dockerfile_inline)."""
    if build.inline is not None or build.dockerfile is None:
        compose = build.service.file
        return compose.loc(build.path + ("dockerfile_inline",))
    return build.dockerfile.loc(line, column)


def _dockerfile_name(build: Build) -> str:
    if build.inline is not None or build.dockerfile is None:
        return f'the dockerfile_inline of service "{build.service.name}"'
    return build.dockerfile.display


def _stage_label(dockerfile: Dockerfile, stage: Stage) -> str:
    """` (stage "x")` when the Dockerfile has several stages, else ""."""
    if len(dockerfile.stages) < 2:
        return ""
    if stage.name:
        return f' (stage "{stage.name}")'
    return f" (the stage starting on line {stage.from_instruction.line})"


# -- COPY sources ---------------------------------------------------------------------


_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@)", re.I)
_MAGIC = re.compile(r"[*?\[]")


def _context_relpath(source: str) -> str:
    """A COPY source as a path relative to the context root ("." for the root itself);
    starts with ".." when it climbs out of the context."""
    path = posixpath.normpath(source.lstrip("/") or ".")
    return path


def _segment_pattern(segment: str) -> str:
    """Go's filepath.Match syntax in fnmatch's: `[^a]` → `[!a]`."""
    return segment.replace("[^", "[!")


@dataclass
class _GlobResult:
    matches: list[str] = field(default_factory=list)  # context-relative paths
    missing_dir: str | None = None  # a fixed directory before the first wildcard is absent
    truncated: bool = False  # gave up listing: assume it matches


def _glob(context: Path, pattern: str) -> _GlobResult:
    """Match a wildcard COPY source against the context, one path segment at a time."""
    result = _GlobResult()
    current: list[tuple[str, Path]] = [("", context)]
    budget = _LISTING_LIMIT
    seen_magic = False
    segments = pattern.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        following: list[tuple[str, Path]] = []
        if _MAGIC.search(segment):
            seen_magic = True
            matcher = _segment_pattern(segment)
            for rel, path in current:
                if not path.is_dir():
                    continue
                try:
                    entries = list(path.iterdir())
                except OSError:
                    continue
                budget -= len(entries)
                if budget < 0:
                    result.truncated = True
                    return result
                for entry in entries:
                    if fnmatch.fnmatchcase(entry.name, matcher):
                        name = posixpath.join(rel, entry.name) if rel else entry.name
                        following.append((name, entry))
        else:
            for rel, path in current:
                name = posixpath.join(rel, segment) if rel else segment
                candidate = path / segment
                if candidate.exists():
                    following.append((name, candidate))
                elif not seen_magic and not last:
                    result.missing_dir = name  # BuildKit fails: lstat of the folder
                    return result
        current = following
        if not current:
            break
    result.matches = [rel for rel, _ in current]
    return result


def _excluded_by(build: Build, relpath: str) -> str | None:
    """`.dockerignore line 3 ("*.txt")` when the ignore file leaves `relpath` out."""
    ignore = build.ignore
    if ignore is None or ignore.parsed is None:
        return None
    pattern = ignore.parsed.matching_pattern(relpath)
    if pattern is None or pattern.exclusion:
        return None
    return f'{ignore.display} line {pattern.line} ("{pattern.text}")'


def _copy_sources(step: _Step, escape: str) -> tuple[list[_Arg], _Arg | None]:
    """(sources, destination) of a COPY/ADD; heredoc sources left out."""
    words = _arguments(step.instruction, escape)
    if len(words) < 2:
        return [], None
    sources = [w for w in words[:-1] if not w.text.startswith("<<")]
    return sources, words[-1]


# -- CL503 ------------------------------------------------------------------------------

_PYTHON = "python"
_NODE = "node"
_PIP = re.compile(r"^pip(?:\d+(?:\.\d+)?)?$")
_PYTHON_EXE = re.compile(r"^python(?:\d+(?:\.\d+)?)?$")
_REQUIREMENTS = re.compile(r"^requirements[^/]*\.txt$", re.I)
_PACKAGING_TOOLS = frozenset(
    {"pip", "setuptools", "wheel", "poetry", "pipenv", "uv", "virtualenv", "pip-tools"}
)
# pip options whose value is the next word (so that word is not a package).
_PIP_VALUE_OPTIONS = frozenset(
    {"-c", "--constraint", "-i", "--index-url", "--extra-index-url", "-t", "--target"}
    | {"--prefix", "--root", "-f", "--find-links", "--src", "--python", "--platform"}
)
_WRAPPERS = frozenset({"sudo", "exec", "time", "nice", "nohup", "command", "env", "gosu"})
_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh"})
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
_FETCHERS = frozenset({"git", "wget", "curl", "svn", "hg", "rsync", "scp", "tar", "unzip"})


class _Install(NamedTuple):
    """A command that installs dependencies from a manifest."""

    ecosystem: str
    needs: tuple[str, ...]  # one of these paths (relative to `cwd`) must exist; () = none
    cwd: str | None  # where it runs; None when unknown
    command: str  # as written, for messages
    after_producer: bool = False  # an earlier command of the same RUN may have made the file


@dataclass
class _Commands:
    """What the shell commands of some instructions do, as far as we can tell."""

    installs: list[_Install] = field(default_factory=list)
    programs: set[str] = field(default_factory=set)  # first words run
    mentions: set[str] = field(default_factory=set)  # basenames of every word
    fetches: bool = False  # git clone, curl, tar...: files may appear from elsewhere
    opaque: bool = False  # runs a script or a make target: it may install anything


def _shell_commands(text: str, line: int = 1) -> list[list[str]]:
    """The simple commands of shell text (`sh -c` bodies included), as word lists."""
    return [list(c.words) for c in shell.parse(shell.Script.plain(text, line)) if c.words]


def _exec_commands(words: list[str]) -> list[list[str]]:
    """An exec-form command, plus what it runs when it is `sh -c "..."`."""
    commands = [words]
    if len(words) > 2 and posixpath.basename(words[0]) in _SHELLS and words[1] == "-c":
        commands.extend(_shell_commands(words[2]))
    return commands


def _strip_wrappers(words: list[str]) -> list[str]:
    while words:
        first = words[0]
        if re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", first):
            words = words[1:]
        elif first in _WRAPPERS:
            words = words[1:]
            while words and words[0].startswith("-"):
                words = words[1:]
        else:
            break
    return words


def _analyse(commands: Iterable[list[str]], cwd: str | None, found: _Commands) -> None:
    """Add what these commands do to `found`, tracking `cd` from `cwd`."""
    for raw in commands:
        words = _strip_wrappers(raw)
        if not words:
            continue
        produced = found.fetches or any(_manifest_ecosystem(n) for n in found.mentions)
        program = posixpath.basename(words[0])
        found.programs.add(program)
        if program in ("cd", "pushd"):
            target = words[1] if len(words) > 1 else None
            if target is None or "$" in target or target.startswith("~") or cwd is None:
                cwd = None
            else:
                cwd = posixpath.normpath(posixpath.join(cwd, target))
            continue
        if program in _SHELLS and len(words) > 1 and not words[1].startswith("-"):
            found.opaque = True
        if program in _OPAQUE or words[0].startswith("./") or program.endswith(".sh"):
            found.opaque = True
        if program in _FETCHERS:
            found.fetches = True
        install = _install(words, cwd)
        if install is not None:
            found.installs.append(install._replace(after_producer=produced))
        else:
            found.mentions.update(posixpath.basename(w) for w in words)


def _install(words: list[str], cwd: str | None) -> _Install | None:
    """The dependency install these words perform, if they are one."""
    program = posixpath.basename(words[0])
    rest = words[1:]
    command = " ".join(words)
    if _PYTHON_EXE.match(program) and rest[:2] == ["-m", "pip"]:
        return _pip(rest[2:], cwd, command)
    if _PIP.match(program):
        return _pip(rest, cwd, command)
    if program == "uv":
        if rest[:1] == ["pip"]:
            return _pip(rest[1:], cwd, command)
        if rest[:1] in (["sync"], ["export"]):
            return _Install(_PYTHON, ("pyproject.toml",), cwd, command)
        return None
    if program == "pip-sync":
        files = tuple(w for w in rest if not w.startswith("-")) or ("requirements.txt",)
        return _Install(_PYTHON, files, cwd, command)
    subcommand = next((w for w in rest if not w.startswith("-")), "")
    if program in ("poetry", "pdm") and subcommand in ("install", "sync", "export"):
        return _Install(_PYTHON, ("pyproject.toml",), _project_dir(rest, cwd), command)
    if program == "pipenv" and subcommand in ("install", "sync", "requirements", "lock"):
        named = [w for w in rest[rest.index(subcommand) + 1 :] if not w.startswith("-")]
        return _Install(_PYTHON, () if named else ("Pipfile",), cwd, command)
    if program in ("hatch", "flit"):
        return _Install(_PYTHON, ("pyproject.toml",), cwd, command)
    if program in ("conda", "mamba", "micromamba") and subcommand in ("env", "install", "create"):
        return _Install(_PYTHON, (), cwd, command)
    if _PYTHON_EXE.match(program) and "setup.py" in rest and "install" in rest:
        return _Install(_PYTHON, ("setup.py",), cwd, command)
    if program == "xargs":
        # `xargs -a requirements.txt pip install`, `cat package.json | xargs npm i`...
        tools = {posixpath.basename(w) for w in rest}
        if any(_PIP.match(t) for t in tools) or "uv" in tools:
            return _Install(_PYTHON, (), cwd, command)
        if tools & {"npm", "yarn", "pnpm", "bun"}:
            return _Install(_NODE, (), cwd, command)
    if program in ("npm", "pnpm", "bun", "yarn"):
        return _node(program, rest, cwd, command)
    return None


def _project_dir(args: list[str], cwd: str | None) -> str | None:
    for index, word in enumerate(args):
        for flag in ("--prefix", "--cwd", "--dir", "--directory", "-C"):
            value = None
            if word == flag and index + 1 < len(args):
                value = args[index + 1]
            elif word.startswith(flag + "="):
                value = word[len(flag) + 1 :]
            if value is not None:
                if cwd is None or "$" in value:
                    return None
                return posixpath.normpath(posixpath.join(cwd, value))
    return cwd


def _pip(args: list[str], cwd: str | None, command: str) -> _Install | None:
    subcommand = _subcommand(args, _PIP_VALUE_OPTIONS)
    if subcommand not in ("install", "sync", "wheel", "download"):
        return None
    files: list[str] = []
    local = False
    packages: list[str] = []
    after = args[args.index(subcommand) + 1 :]
    skip_next = False
    for index, word in enumerate(after):
        if skip_next:
            skip_next = False
            continue
        if word in ("-r", "--requirement"):
            if index + 1 < len(after):
                files.append(after[index + 1])
            skip_next = True
        elif word.startswith("--requirement="):
            files.append(word.split("=", 1)[1])
        elif word.startswith("-r") and len(word) > 2:
            files.append(word[2:])
        elif word in ("-e", "--editable"):
            local = True
        elif word in _PIP_VALUE_OPTIONS:
            skip_next = True
        elif word.startswith("-"):
            continue
        elif subcommand == "sync":
            files.append(word)
        elif word.startswith((".", "/", "~")) or "/" in word.split("[")[0]:
            local = True
            if word.split("[")[0] in (".", "./"):
                packages.append("")
        else:
            packages.append(word.split("[")[0].split("=")[0].split(">")[0].split("<")[0])
    if files:
        return _Install(_PYTHON, tuple(files[:1]), cwd, command)
    if local:
        needs = ("pyproject.toml", "setup.py", "setup.cfg") if "" in packages else ()
        return _Install(_PYTHON, needs, cwd, command)
    named = [p for p in packages if p and p.lower() not in _PACKAGING_TOOLS]
    if named:
        return _Install(_PYTHON, (), cwd, command)  # packages named inline: deps handled
    return None


_NODE_VALUE_OPTIONS = frozenset(
    {"--prefix", "--cwd", "--dir", "-C", "--filter", "-F", "--workspace", "-w", "--registry"}
)


def _subcommand(args: list[str], value_options: frozenset[str]) -> str:
    """The first word that is neither an option nor an option's value."""
    skip = False
    for word in args:
        if skip:
            skip = False
        elif word in value_options:
            skip = True
        elif not word.startswith("-"):
            return word
    return ""


def _node(program: str, args: list[str], cwd: str | None, command: str) -> _Install | None:
    if "-g" in args or "--global" in args or args[:1] == ["global"]:
        return None
    subcommand = _subcommand(args, _NODE_VALUE_OPTIONS)
    where = _project_dir(args, cwd)
    if program == "yarn":
        if subcommand in ("", "install"):
            return _Install(_NODE, ("package.json",), where, command)
        if subcommand == "add":
            return _Install(_NODE, (), where, command)
        return None
    if subcommand == "ci" or (program == "pnpm" and subcommand == "fetch"):
        return _Install(_NODE, ("package.json",), where, command)
    if subcommand in ("install", "i", "add", "isntall"):
        positional = [w for w in args[args.index(subcommand) + 1 :] if not w.startswith("-")]
        return _Install(_NODE, () if positional else ("package.json",), where, command)
    return None


def _instruction_commands(instruction: Instruction, escape: str) -> list[list[str]]:
    """The commands a RUN, CMD or ENTRYPOINT runs (here-document bodies included)."""
    keyword, args, json_args = instruction.keyword, instruction.args, instruction.json_args
    if keyword == "ONBUILD":
        keyword, _, args = args.partition(" ")
        return _shell_commands(args, instruction.line) if keyword.upper() == "RUN" else []
    if keyword not in ("RUN", "CMD", "ENTRYPOINT"):
        return []
    if json_args is not None:
        return _exec_commands(list(json_args)) if json_args else []
    if keyword != "RUN":
        return _shell_commands(args, instruction.line)
    parsed = shell.run_commands(instruction, escape)
    commands = [list(c.words) for c in parsed if c.words]
    lines = {c.line for c in parsed}
    for heredoc in instruction.heredocs:
        if not any(heredoc.start_line <= n <= heredoc.end_line for n in lines):
            # A body the shell parser left alone (`RUN <<EOF bash`, or another
            # interpreter): look at it anyway; an install found in it only silences.
            commands.extend(_shell_commands(heredoc.body, heredoc.start_line))
    return commands


def _service_commands(service: Service) -> list[list[str]]:
    commands: list[list[str]] = []
    for key in ("entrypoint", "command"):
        value = service.data.get(key)
        if isinstance(value, str):
            commands.extend(_shell_commands(value))
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            commands.extend(_exec_commands(list(value)))
    return commands


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


def _join(base: str, path: str) -> str:
    return posixpath.normpath(posixpath.join(base, path))


class _Manifest(NamedTuple):
    name: str  # file name, e.g. requirements.txt
    ecosystem: str
    step: _Step  # the COPY that brings it
    source: _Arg  # the source word that brings it
    dest: str  # its path in the image
    explicit: bool  # named by the COPY (not brought by copying a whole folder)


def _manifest_ecosystem(name: str) -> str | None:
    if _REQUIREMENTS.match(name) or name in ("pyproject.toml", "Pipfile"):
        return _PYTHON
    if name == "package.json":
        return _NODE
    return None


def _manifests_in(build: Build, context: Path, rel: str) -> list[str]:
    """Manifest files directly inside the context folder `rel`, not ignored."""
    folder = context if rel == "." else context / rel
    names: list[str] = []
    try:
        entries = [p for _, p in zip(range(_LISTING_LIMIT), folder.iterdir(), strict=False)]
    except OSError:
        return []
    for entry in entries:
        if _manifest_ecosystem(entry.name) is None or not entry.is_file():
            continue
        relpath = entry.name if rel == "." else posixpath.join(rel, entry.name)
        if _excluded_by(build, relpath) is None:
            names.append(entry.name)
    return sorted(names)


def _preference(name: str) -> tuple[int, str]:
    order = {"requirements.txt": 0, "pyproject.toml": 1, "Pipfile": 2, "package.json": 0}
    return order.get(name, 3), name


def _install_hint(manifest: _Manifest, context: Path) -> str:
    name = manifest.name
    workdir = manifest.step.workdir
    shown = posixpath.basename(manifest.dest)
    if posixpath.dirname(manifest.dest) != workdir and not manifest.dest.startswith("\x00"):
        shown = manifest.dest
    if manifest.ecosystem == _NODE:
        folder = posixpath.dirname(manifest.dest)
        prefix = "" if folder == workdir or folder.startswith("\x00") else f"cd {folder} && "
        if (context / "yarn.lock").is_file():
            return f"RUN {prefix}yarn install --frozen-lockfile"
        if (context / "pnpm-lock.yaml").is_file():
            return f"RUN {prefix}pnpm install --frozen-lockfile"
        if (context / "package-lock.json").is_file():
            return f"RUN {prefix}npm ci"
        return f"RUN {prefix}npm install"
    if name == "pyproject.toml":
        folder = posixpath.dirname(manifest.dest)
        target = "." if folder == workdir or folder.startswith("\x00") else folder
        return f"RUN pip install --no-cache-dir {target}"
    if name == "Pipfile":
        return "RUN pipenv install --system --deploy"
    return f"RUN pip install --no-cache-dir -r {shown}"


def _copied_manifests(
    build: Build, context: Path, steps: list[_Step], escape: str
) -> list[_Manifest]:
    found: list[_Manifest] = []
    for step in steps:
        instruction = step.instruction
        if instruction.keyword not in ("COPY", "ADD") or instruction.flag("from") is not None:
            continue
        sources, dest_arg = _copy_sources(step, escape)
        if dest_arg is None:
            continue
        dest_text = interpolation.substitute(dest_arg.text, step.env)
        if dest_text is None:
            continue
        dest = _join(step.workdir, dest_text)
        into_folder = dest_text.endswith("/") or len(sources) > 1 or dest == step.workdir
        for source in sources:
            text = interpolation.substitute(source.text, step.env)
            if not text or _URL.search(text):
                continue
            rel = _context_relpath(text)
            if rel == ".." or rel.startswith("../"):
                continue
            if _MAGIC.search(rel):
                matched = _glob(context, rel)
                files = [] if matched.truncated else matched.matches
            elif rel == "." or (context / rel).is_dir():
                for name in _manifests_in(build, context, rel):
                    ecosystem = _manifest_ecosystem(name)
                    assert ecosystem is not None
                    found.append(_Manifest(name, ecosystem, step, source, _join(dest, name), False))
                continue
            else:
                files = [rel]
            for relpath in files:
                name = posixpath.basename(relpath)
                ecosystem = _manifest_ecosystem(name)
                if ecosystem is None or not (context / relpath).is_file():
                    continue
                if _excluded_by(build, relpath) is not None:
                    continue
                landing = _join(dest, name) if into_folder or _MAGIC.search(rel) else dest
                found.append(_Manifest(name, ecosystem, step, source, landing, True))
    return found


def _uses(ecosystem: str, root: str | None, programs: set[str]) -> bool:
    """Does the image run this ecosystem's code (judged by its base image and commands)?"""
    image = parse_image(root) if root else None
    text = f"{image.repository}:{image.tag or ''}" if image is not None else ""
    if ecosystem == _PYTHON:
        if "python" in text or "pypy" in text:
            return True
        return any(
            _PYTHON_EXE.match(p) or _PIP.match(p) or p in _PYTHON_PROGRAMS or p.endswith(".py")
            for p in programs
        )
    if "node" in text:
        return True
    return any(p in _NODE_PROGRAMS or p.endswith((".js", ".mjs", ".cjs")) for p in programs)


def _copy_presence(step: _Step, escape: str, context: Path, presence: _Presence) -> None:
    """Record what a COPY/ADD puts into the image."""
    sources, dest_arg = _copy_sources(step, escape)
    if dest_arg is None:
        if step.instruction.heredocs:
            presence.unknown = True
        return
    dest_text = interpolation.substitute(dest_arg.text, step.env)
    if dest_text is None:
        presence.unknown = True
        return
    dest = _join(step.workdir, dest_text)
    into_folder = dest_text.endswith("/") or len(sources) > 1 or dest == step.workdir
    if step.instruction.flag("from") is not None or step.instruction.heredocs:
        presence.trees.append(dest)
        return
    for source in sources:
        text = interpolation.substitute(source.text, step.env)
        if text is None:
            presence.trees.append(dest)
            continue
        rel = _context_relpath(text)
        is_archive = step.instruction.keyword == "ADD" and re.search(r"\.(tar|tgz|gz|bz2|xz)", rel)
        if rel == "." or _MAGIC.search(rel) or is_archive or (context / rel).is_dir():
            presence.trees.append(dest)
        elif into_folder:
            presence.files.add(_join(dest, posixpath.basename(rel)))
        else:
            presence.files.add(dest)
            presence.files.add(_join(dest, posixpath.basename(rel)))


def _mount_presence(step: _Step, context: Path) -> _Presence:
    """The files a RUN's bind mounts make visible to it."""
    presence = _Presence()
    for options in step.instruction.mounts():
        if options.get("type") != "bind":
            continue
        target = options.get("target") or options.get("dst") or options.get("destination")
        if not target:
            continue
        target = _join(step.workdir, target)
        source = options.get("source") or options.get("src") or "."
        rel = _context_relpath(source)
        if "from" in options or rel == "." or (context / rel).is_dir():
            presence.trees.append(target)
        else:
            presence.files.add(target)
    return presence


def _held_by_context(context: Path, needed: str, copied_names: set[str]) -> bool:
    """Is the file an install needs one the user has in the context (so copying it
    first is the fix), rather than something from elsewhere?"""
    name = posixpath.basename(needed)
    if name in copied_names:
        return True
    if not needed.startswith("/") and (context / needed).is_file():
        return True
    return (context / name).is_file()


def _order_findings(
    build: Build, context: Path, steps: list[_Step], escape: str, copied_names: set[str]
) -> Found:
    """Installs that run before their manifest is in the image."""
    presence = _Presence()
    for step in steps:
        instruction = step.instruction
        keyword = instruction.keyword
        if keyword in ("COPY", "ADD"):
            _copy_presence(step, escape, context, presence)
            continue
        if keyword != "RUN":
            continue
        found = _Commands()
        _analyse(_instruction_commands(instruction, escape), step.workdir, found)
        mounted = _mount_presence(step, context)
        for install in found.installs:
            if not install.needs or install.cwd is None or install.after_producer:
                continue
            paths = [_join(install.cwd, n) for n in install.needs if "$" not in n]
            if len(paths) < len(install.needs):
                continue
            if any(presence.has(p) or mounted.has(p) for p in paths):
                continue
            held = [n for n in install.needs if _held_by_context(context, n, copied_names)]
            if not held:
                continue
            name = posixpath.basename(held[0])
            later = _later_copy(steps, step, name, escape)
            fix = (
                f"move this RUN below the COPY on line {later}"
                if later is not None
                else f'add "COPY {name} ." before it'
            )
            folder = "" if install.cwd.startswith("\x00") else f" in {install.cwd}"
            yield (
                _location(build, instruction.line, instruction.column),
                f'"{install.command}" needs {name}{folder}, but no COPY has put it there yet, '
                f"so the install fails or installs nothing; {fix}",
            )
        if found.fetches:
            presence.unknown = True
        presence.names.update(n for n in found.mentions if _manifest_ecosystem(n) is not None)


def _later_copy(steps: list[_Step], after: _Step, name: str, escape: str) -> int | None:
    seen = False
    for step in steps:
        if step is after:
            seen = True
            continue
        if not seen or step.instruction.keyword not in ("COPY", "ADD"):
            continue
        sources, _ = _copy_sources(step, escape)
        for source in sources:
            base = posixpath.basename(source.text.rstrip("/"))
            if base in (".", "") or fnmatch.fnmatchcase(name, _segment_pattern(base)):
                return step.instruction.line
    return None


@rule(
    "CL503",
    "dependencies-not-installed",
    Severity.WARNING,
    "A dependency manifest is copied into the image but never installed, or installed "
    "before it is copied.",
)
def dependencies_not_installed(project: Project) -> Found:
    seen: set[tuple[Location, str]] = set()
    for build in project.builds():
        for finding in _dependency_findings(build):
            if finding not in seen:
                seen.add(finding)
                yield finding


def _dependency_findings(build: Build) -> Found:
    context = build.context
    dockerfile = build.parsed
    if context is None or dockerfile is None or not dockerfile.stages or not context.is_dir():
        return
    resolver = Resolver.of(dockerfile, build)
    built = resolver.built(build.target)
    if built is None:
        return
    steps = _walk(resolver, built, build)
    escape = dockerfile.escape

    manifests = _copied_manifests(build, context, steps, escape)
    copied_names = {m.name for m in manifests}
    for stage in _needed_stages(resolver, built, build):
        chain = steps if stage is built else _walk(resolver, stage, build)
        yield from _order_findings(build, context, chain, escape, copied_names)

    # Build time: every RUN of every stage (a builder stage may install for the final one).
    build_time = _Commands()
    for instruction in dockerfile.instructions:
        if instruction.keyword in ("RUN", "ONBUILD"):
            _analyse(_instruction_commands(instruction, escape), None, build_time)
    if build_time.opaque:
        return  # a script or make target may install anything
    # Run time: an install in CMD/ENTRYPOINT or the service's command is late, but not missing.
    run_time = _Commands()
    for instruction in dockerfile.instructions:
        if instruction.keyword in ("CMD", "ENTRYPOINT"):
            _analyse(_instruction_commands(instruction, escape), None, run_time)
    # What the built image itself runs, to tell a Python or Node app from, say, a static site.
    image = _Commands()
    for step in steps:
        if step.instruction.keyword in ("RUN", "CMD", "ENTRYPOINT"):
            _analyse(_instruction_commands(step.instruction, escape), None, image)
    _analyse(_service_commands(build.service), None, image)
    installs = build_time.installs + run_time.installs + image.installs
    installed = {i.ecosystem for i in installs}
    root = resolver.root_image(built)
    if root is not None and "onbuild" in root.lower():
        return  # the base image's ONBUILD triggers install the dependencies
    for ecosystem in (_PYTHON, _NODE):
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
            _location(build, manifest.source.line, manifest.source.column),
            f"{manifest.name} is copied into the image{how} but nothing installs the "
            f'dependencies it lists, so the app\'s imports fail at run time; add "{hint}" '
            "after copying it",
        )


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."
