"""What a file or a service is for, as far as the tree and the compose file say it
plainly (the words and folders are in data/purpose.json, with their sources).

Rules about production hygiene (pinning, root, image size) stay silent on what is
plainly for local use: a throwaway test runner or the mail catcher of a development
override is not worth a line. Nothing here guesses from a service's content.

Public names

- `Use`: `TEST` (tests and CI), `DEVELOPMENT`, or `RETIRED` (kept for backward
  compatibility: started only by a profile named `deprecated`, `legacy`...).
- `is_retired(service)`: the service runs only behind profiles whose names say they
  are kept for backward compatibility (`deprecated`, `legacy-v1`).
- `is_test_data(display)`: a compose file in a test-data folder (`tests/`,
  `testdata/`, `fixtures/`) below where the run started: a test parses it, and it is
  often never built or run.
- `is_test_data_below(folder, base)`: the same, judged between two folders.
- `file_use(display)`: what a file is for by its path: a folder such as `tests/`,
  `ci/`, `e2e/`, `.devcontainer/`, or a word of its name (`compose.dev.yml`,
  `Dockerfile.test`); None for anything else. `is_local_file(display)`: not None.
- `service_use(service)`: what a service is for: its compose file says so, only the
  automatic override file adds it (`compose.override.yaml`, which Compose applies to
  local runs), it sits behind a retired profile (RETIRED) or any other profile, its
  compose file has a production sibling (`compose.yml` beside `compose.prod.yml` is
  the development file), it is an interactive shell users attach to (`command: /bin/sh`
  with `stdin_open` and `tty`), or it builds a local Dockerfile or a test/development stage.
- `compose_use(file)`: what a compose file is for, by its path or because it is a
  development file (the automatic override, a production sibling, an opening comment,
  a mount of its own folder, or the one compose file a dev container configuration
  names as its environment); a file another one includes is for what that one is for.
- `written_use(service, path)`: what one value of a service is for: `service_use`, or
  what the file that writes it says (a development override adding `ports:` to a
  service of the base file).
- `stage_use(build)`: what the target stage is for, by its name (`dev`, `test`), or
  by the local file that picks a stage before the last.
- `declared_use(source)`: what a Dockerfile says it is for: its path, or its opening
  comment ("intended for development purposes only").
- `dockerfile_use(source, builds)`: what a Dockerfile is for: it says so
  (`declared_use`), it has a production sibling (`Dockerfile` beside
  `Dockerfile.prod`), every build of it targets a test/development stage, or every
  service that builds it runs only behind a profile (RETIRED when each is retired), is
  an interactive shell, or starts with its own `command:` an image that starts nothing
  of its own (no CMD or ENTRYPOINT, on a shell or language base: `made_for_compose`).
  Who else builds it does not count: the application's Dockerfile stays the
  application's when only a test or development compose file builds it here (its
  image is pushed from CI).
- `made_for_compose(builds)`: every build of a Dockerfile makes an image that starts
  nothing of its own (no CMD or ENTRYPOINT, on a shell or language base) and is run by
  its service's `command:`: nobody ships it (the image-size rules leave it alone too).
- `is_stand_in(image)`: an echo server or mail catcher standing in for the user's own,
  or a placeholder name on a domain or namespace reserved for examples.
- `image_use(project, image)`: what an image the project pulls is used for (the
  service that runs it, or the Dockerfile that builds FROM it).
- `own_image(project, image)`: the image is one this project publishes: a part of
  the repository path is the project tree's folder name
  (`ghcr.io/umami-software/umami` in a checkout named `umami`), alone or before a `_`
  or `-` (`samples/shop_vote` in `shop`); or the repository builds it, or it lies in
  the namespace of an image the repository builds (`model.own_images`). Its `latest`
  is the project's release channel, chosen by the people who push it.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from enum import Enum
from functools import cache, lru_cache
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from compose_lint import data
from compose_lint.load.dockerfile import Dockerfile
from compose_lint.model import (
    Build,
    ComposeFile,
    DockerfileSource,
    IgnoreSource,
    Project,
    Service,
    YamlPath,
)
from compose_lint.model.image import ProjectImage
from compose_lint.model.imageref import ImageRef, parse_image
from compose_lint.model.own_images import image_key, namespace, repository_builds

_WORDS = re.compile(r"[.\-_]+")
_NOT_NAME = re.compile(r"[^a-z0-9]+")
_OVERRIDE = re.compile(r"^(?:docker-)?compose\.override\.ya?ml$", re.IGNORECASE)


class Use(Enum):
    TEST = "test"
    DEVELOPMENT = "development"
    RETIRED = "retired"  # kept for backward compatibility, not started by new deployments


class _Words(NamedTuple):
    test_data: frozenset[str]
    directories: tuple[tuple[Use, frozenset[str]], ...]
    names: tuple[tuple[Use, frozenset[str]], ...]
    stages: tuple[tuple[Use, frozenset[str]], ...]
    production: frozenset[str]
    retired_profiles: frozenset[str]
    development_headers: tuple[str, ...]
    defaults_headers: tuple[str, ...]
    partial_start: tuple[str, ...]
    stand_ins: frozenset[str]
    placeholder_profiles: frozenset[str]
    toolbox_bases: frozenset[str]
    placeholder_domains: frozenset[str]
    placeholder_suffixes: tuple[str, ...]
    placeholder_namespaces: frozenset[str]
    placeholder_prefixes: tuple[str, ...]


@cache
def _words() -> _Words:
    table = data.load("purpose.json")
    local = table["local_use"]

    def words(items: object) -> frozenset[str]:
        return frozenset(str(w).lower() for w in items)  # type: ignore[attr-defined]

    uses = (Use.TEST, Use.DEVELOPMENT)
    return _Words(
        test_data=words(table["test_data_directories"]),
        directories=tuple((u, words(local[u.value]["directories"])) for u in uses),
        names=tuple((u, words(local[u.value]["name_words"])) for u in uses),
        stages=tuple((u, words(table["local_stage_words"][u.value])) for u in uses),
        production=words(table["production_words"]),
        retired_profiles=words(table["retired_profile_words"]),
        development_headers=tuple(str(p) for p in table["development_header_phrases"]),
        defaults_headers=tuple(str(p) for p in table["defaults_file_phrases"]),
        partial_start=tuple(str(p) for p in table["partial_start_phrases"]),
        stand_ins=words(table["stand_in_images"]),
        placeholder_profiles=words(table["placeholder_profiles"]),
        toolbox_bases=words(table["toolbox_bases"]),
        placeholder_domains=words(table["placeholder_image_domains"]),
        placeholder_suffixes=tuple(words(table["placeholder_image_domain_suffixes"])),
        placeholder_namespaces=words(table["placeholder_image_namespaces"]),
        placeholder_prefixes=tuple(words(table["placeholder_image_namespace_prefixes"])),
    )


def _first(table: tuple[tuple[Use, frozenset[str]], ...], found: set[str]) -> Use | None:
    return next((use for use, words in table if words & found), None)


def is_test_data(display: str) -> bool:
    """`display` (a path as findings show it, relative to where the run started) lies
    in a test-data folder: `tests/resources/docker/compose.yml`, `pkg/testdata/x.yml`.
    The file's own name does not count, and neither does a folder above the start."""
    parts = PurePosixPath(display.replace("\\", "/")).parts[:-1]
    test_data = _words().test_data
    return any(part.lower() in test_data for part in parts if part not in ("..", "/"))


def is_test_data_below(folder: Path, base: Path) -> bool:
    """`folder` lies in a test-data folder below `base` (`base/tests/e2e`), judged by
    the folder names between them only; False when it is not below `base`."""
    try:
        parts = folder.resolve().relative_to(base.resolve()).parts
    except (OSError, ValueError):
        return False
    test_data = _words().test_data
    return any(part.lower() in test_data for part in parts)


def file_use(path: str) -> Use | None:
    """What a file is for, by its path as shown: tests/, ci/, e2e/, fixtures/ or a
    name such as compose.ci.yaml, Dockerfile.test (TEST); dev/, .devcontainer/ or
    docker-compose.dev.yml (DEVELOPMENT). For a file outside the working directory
    (`../x/compose.yaml`) only its name counts: where the user keeps a checkout
    (~/dev/shop) says nothing about the file."""
    words = _words()
    parts = [p for p in path.replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts:
        return None
    *directories, name = parts
    if ".." in directories:
        directories = []  # outside the working directory: only the file's name counts
    found = _first(words.directories, {d.lower() for d in directories})
    if found is not None:
        return found
    # folders that say so in a word of their name: integration-tests/, docker-testing/, .dev/
    found = _first(words.names, {w for d in directories for w in _WORDS.split(d.lower())})
    if found is not None:
        return found
    return _first(words.names, set(_WORDS.split(name.lower())))


def is_local_file(path: str) -> bool:
    """Whether a file, by its path as shown, is plainly for local use (`file_use`)."""
    return file_use(path) is not None


@lru_cache(maxsize=256)
def _production_sibling(path: Path) -> bool:
    """`compose.yml` beside `compose.prod.yml`, `Dockerfile` beside `Dockerfile.prod`
    (or `.production`): the plain file is the development variant."""
    name = path.name
    stem, dot, extension = name.rpartition(".")
    if not dot or extension.lower() not in ("yml", "yaml"):
        stem, extension = name, ""
    try:
        siblings = [p.name for p in path.parent.iterdir()]
    except OSError:
        return False
    production = _words().production
    for sibling in siblings:
        if not sibling.startswith(stem + "."):
            continue
        word, _, tail = sibling[len(stem) + 1 :].lower().partition(".")
        if word in production and (tail in ("yml", "yaml") if extension else not tail):
            return True
    return False


def _development_file(file: ComposeFile) -> bool:
    """The automatic override file (Compose applies it to local runs), a file with a
    production sibling (`compose.yml` beside `compose.prod.yml`), one whose opening
    comment says it is the development setup, one that mounts its own folder (the
    source tree) into a container, or the one compose file a dev container runs."""
    return (
        bool(_OVERRIDE.match(file.path.name))
        or _production_sibling(file.path)
        or _says_development(file.text)
        or _mounts_own_folder(file)
        or file.path in _devcontainer_environments(file.path.parent, _levels_inside(file))
    )


def _levels_inside(file: ComposeFile) -> int:
    """How many folders above its own a file may look for a `.devcontainer/`: up to
    `_DEVCONTAINER_LEVELS`, and never above the folder the user named."""
    folders = PurePosixPath(file.inner or file.display).parent.parts
    return min(_DEVCONTAINER_LEVELS, len([f for f in folders if f not in (".", "..", "/")]))


# how far above a compose file a `.devcontainer/` that names it is looked for
_DEVCONTAINER_LEVELS = 3
_COMPOSE_FILE_SETTING = re.compile(r'"dockerComposeFile"\s*:\s*(\[[^\]]*\]|"[^"]*")')
_JSON_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


@lru_cache(maxsize=256)
def _devcontainer_environments(folder: Path, levels: int) -> frozenset[Path]:
    """The compose files that a dev container configuration (`.devcontainer/*.json`,
    `.devcontainer/*/devcontainer.json`, `.devcontainer.json`) in `folder` or one of the
    `levels` folders above it names as its whole environment: `"dockerComposeFile"` with one file
    (laradock's `"../docker-compose.yml"`). With several, the earlier ones are the base
    files the dev container layers its own on: they may be the deployment's too, so
    they are not counted (`["../compose.yaml", "compose.devcontainer.yaml"]`)."""
    found: set[Path] = set()
    for level, base in enumerate([folder, *folder.parents]):
        if level > levels:
            break
        configs = [base / ".devcontainer.json"]
        inner = base / ".devcontainer"
        try:
            entries = list(inner.iterdir()) if inner.is_dir() else []
        except OSError:
            entries = []
        configs += [e for e in entries if e.suffix == ".json"]
        configs += [e / "devcontainer.json" for e in entries if e.is_dir()]
        for config in configs:
            named = _named_compose_files(config)
            if len(named) == 1:
                found.add(Path(posixpath.normpath(config.parent / named[0])))
    return frozenset(found)


def _named_compose_files(config: Path) -> list[str]:
    """The `dockerComposeFile` entries of a dev container configuration (JSON with
    comments, read only as far as that setting), relative to its folder."""
    try:
        if not config.is_file() or config.stat().st_size > 1_000_000:
            return []
        text = config.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    match = _COMPOSE_FILE_SETTING.search(text)
    if match is None:
        return []
    return [m[1] for m in _JSON_STRING.finditer(match[1]) if m[1].strip()]


# where a mounted folder is configuration, not source (`./sentry:/etc/sentry`)
_CONFIG_FOLDERS = ("/etc", "/usr/local/etc", "/config", "/opt/config")


def _mounts_own_folder(file: ComposeFile) -> bool:
    """Whether a service of `file` bind-mounts the folder the file is in (`./:/srv/app`,
    `.:/app:cached`) or its own build context (`..:/app` beside `build: ..`, `./next/:/next/`
    beside `build: ./next`; not a context mounted as configuration, `./sentry:/etc/sentry`):
    the whole source tree, live in the container, is how a development setup runs; a
    deployment mounts folders of it (`./config`) or named volumes."""
    from compose_lint.model.values import parse_mounts

    services = file.data.get("services") if isinstance(file.data, dict) else None
    if not isinstance(services, dict):
        return False
    for name, service in services.items():
        if not isinstance(service, dict):
            continue
        own = {"."}
        below = None  # a build context below this folder
        build = service.get("build")
        context = build.get("context", ".") if isinstance(build, dict) else build
        if isinstance(context, str) and "$" not in context and "://" not in context:
            folder = posixpath.normpath(context.strip() or ".")
            if all(part == ".." for part in folder.split("/")):
                own.add(folder)  # a folder above, holding this one: the source tree
            elif not folder.startswith(("/", "..")):
                below = folder
        mounts = parse_mounts(
            service.get("volumes"), ("services", name, "volumes"), file.interpolation_env
        )
        for m in mounts:
            if m.kind != "bind":
                continue
            source = posixpath.normpath((m.source or "").strip() or "/")
            if source in own:
                return True
            target = posixpath.normpath((m.target or "").strip() or "/")
            if source == below and not target.startswith(_CONFIG_FOLDERS):
                return True  # the service's own source, live where the image runs it
    return False


_NOT_WORDS = re.compile(r"[^a-z0-9]+")


def _says_development(text: str) -> bool:
    """Whether the opening paragraph of the comment before the first key of `text` says
    it is for development ("This configuration file is for the development setup";
    data/purpose.json). The paragraph ends at a blank line or a comment line without a
    word (a rule of `=` signs before it does not count): a list of profiles further
    down that mentions local development says nothing of the file."""
    return _opening_comment_says(text, _words().development_headers, paragraph=True)


_HEADER_LINES = 30
_HEADER_CHARS = 4096


def says_defaults_only(text: str) -> bool:
    """Whether the comment an env file opens with says it holds committed defaults and
    no real secrets (Symfony's `.env`: "DO NOT DEFINE PRODUCTION SECRETS IN THIS FILE",
    the real values going into the uncommitted `.env.local`; data/purpose.json)."""
    return _opening_comment_says(text, _words().defaults_headers)


def says_not_started_whole(file: ComposeFile) -> bool:
    """Whether the comment a compose file opens with says not to start it whole with
    `docker compose up` (weaviate's contributor file, whose scripts start a few services
    at a time; data/purpose.json `partial_start_phrases`)."""
    return _opening_comment_says(file.text, _words().partial_start)


def _opening_comment_says(text: str, phrases: Sequence[str], paragraph: bool = False) -> bool:
    """Whether the comment lines before the first setting of `text` (only their first
    paragraph, with `paragraph`) hold one of `phrases` (lower-cased, every run of other
    characters read as one space)."""
    header: list[str] = []
    for line in text[:_HEADER_CHARS].splitlines()[:_HEADER_LINES]:
        stripped = line.strip()
        if stripped.startswith("#"):
            comment = stripped.lstrip("#")
            if not paragraph or _NOT_WORDS.sub("", comment.lower()):
                header.append(comment)
                continue
        elif stripped == "---" or (not stripped and not paragraph):
            continue
        if not paragraph or header or (stripped and not stripped.startswith("#")):
            break
    said = " " + _NOT_WORDS.sub(" ", " ".join(header).lower()) + " "
    return any(f" {phrase} " in said for phrase in phrases)


def stage_use(build: Build) -> Use | None:
    """What the stage `build.target` picks is for: what its name says (`target: dev`),
    or, for a stage before the last picked by a compose file for local use (a develop/
    stack building the dev-server stage of the production Dockerfile), that file's use.
    None for the last stage or no target."""
    target = build.target
    if not target:
        return None
    use = _first(_words().stages, set(_WORDS.split(target.lower())))
    if use is not None:
        return use
    parsed = build.parsed
    if parsed is None or not parsed.stages or parsed.stages[-1].name == target.lower():
        return None
    return compose_use(build.service.file.file_of(build.path))


def source_use(source: ComposeFile | DockerfileSource | IgnoreSource) -> Use | None:
    """What a file of the project is for by its path below the folder the user named
    (`fixtures/tutorial` named on the command line is an application; found while
    linting the whole checkout, it is test data)."""
    return file_use(source.inner or source.display)


def declared_use(source: DockerfileSource) -> Use | None:
    """What a Dockerfile is for by its path (`source_use`), or by what its opening
    comment says ("This Dockerfile is intended for development purposes only")."""
    use = source_use(source)
    if use is None and source.parsed is not None and _dockerfile_says_development(source.parsed):
        return Use.DEVELOPMENT
    return use


def _dockerfile_says_development(parsed: Dockerfile) -> bool:
    """`_says_development` for the comment lines above a Dockerfile's first instruction
    (parser directives are not comments); a gap between them ends a paragraph."""
    first = parsed.instructions[0].line if parsed.instructions else None
    lines: list[str] = []
    previous = None
    for number, comment in parsed.comments:
        if first is not None and number > first:
            break
        if previous is not None and number != previous + 1:
            lines.append("")
        lines.append("# " + comment)
        previous = number
    return bool(lines) and _says_development("\n".join(lines))


def compose_use(file: ComposeFile) -> Use | None:
    """What a compose file is for: its path says so (`source_use`), or it is a
    development file (the automatic override, a file with a production sibling, or one
    whose opening comment says "for development only")."""
    use = source_use(file)
    if use is None and _development_file(file):
        return Use.DEVELOPMENT
    if use is None and file.included_by is not None and file.included_by is not file:
        return compose_use(file.included_by)  # a piece of the application that includes it
    return use


def defining_file(service: Service) -> ComposeFile:
    """The compose file that first defines `service`."""
    return service.file.file_of(("services", service.name))


def is_retired(service: Service) -> bool:
    """Whether `service` is kept only for backward compatibility: it runs only behind
    profiles, and each profile's name holds a retired word (`deprecated`, `legacy-v1`,
    `old`): new deployments do not start it."""
    retired = _words().retired_profiles
    return bool(service.profiles) and all(
        retired & set(_WORDS.split(profile.lower())) for profile in service.profiles
    )


def service_use(service: Service) -> Use | None:
    """What `service` is plainly for (tests/CI, development, kept for backward
    compatibility), or None."""
    defined = defining_file(service)
    use = source_use(defined)
    if use is not None:
        return use
    if is_retired(service):
        return Use.RETIRED
    included = compose_use(defined)  # a piece an application for local use includes
    if included is not None:
        return included
    if service.profiles or _interactive_shell(service):
        return Use.DEVELOPMENT
    build = service.build
    if build is None:
        return None
    source = build.dockerfile
    if source is not None and build.inline is None:
        use = declared_use(source)
    return use or stage_use(build)


def _interactive_shell(service: Service) -> bool:
    """A container users attach to: its `command:` is a bare shell (`/bin/sh`, `bash`,
    `bash -l`) and it keeps a terminal open (`stdin_open` and `tty`): a tool, not a
    service that serves anything."""
    from compose_lint.model.commands import SHELLS, basename
    from compose_lint.model.entrypoint import argv

    data = service.data
    if data.get("stdin_open") is not True or data.get("tty") is not True:
        return False
    command = data.get("command")
    words = argv(command) if isinstance(command, (str, list)) else None
    if not words or basename(words[0]) not in SHELLS:
        return False
    return all(w.startswith("-") and "c" not in w for w in words[1:])


def written_use(service: Service, path: YamlPath) -> Use | None:
    """What the value at `path` of `service` is for: `service_use`, or what the file
    that writes it says (a development override that adds `ports:` to a service the
    base file defines: `compose.override.yaml`, `compose.dev.yaml`, a test file)."""
    use = service_use(service)
    if use is not None:
        return use
    written = service.file.file_of(path)
    if written is defining_file(service):
        return None
    return compose_use(written)


def dockerfile_use(source: DockerfileSource, builds: Sequence[Build]) -> Use | None:
    """What a Dockerfile is plainly for, or None (see the module's description)."""
    use = declared_use(source)
    if use is not None:
        return use
    if _production_sibling(source.path):
        return Use.DEVELOPMENT
    if not builds:
        return None
    stages = {stage_use(b) for b in builds}
    if None not in stages:
        return Use.TEST if stages == {Use.TEST} else Use.DEVELOPMENT
    if all(is_retired(b.service) for b in builds):
        return Use.RETIRED  # kept for backward compatibility only
    if all(b.service.profiles or _interactive_shell(b.service) for b in builds):
        return Use.DEVELOPMENT  # a one-off job or tool, started only when asked for
    if made_for_compose(builds):
        return Use.DEVELOPMENT
    return None


def made_for_compose(builds: Sequence[Build]) -> bool:
    """Every build of a Dockerfile makes an image that starts nothing of its own and is
    run by its service's `command:` (`_started_only_by_compose`): nobody ships it."""
    return bool(builds) and all(_started_only_by_compose(b) for b in builds)


def _started_only_by_compose(build: Build) -> bool:
    """The image starts nothing of its own: it is built on an official image whose
    default command is a shell or a language's prompt (data/purpose.json
    `toolbox_bases`), no stage of its chain sets CMD or ENTRYPOINT, and the service's
    `command:` says what to run: an image made for this compose file (a development
    container), not one to ship."""
    from compose_lint.model.image import image_of

    image = image_of(build)
    if image is None or image.root is None or build.service.data.get("command") is None:
        return False
    base = parse_image(image.root)
    if base is None or not base.official or base.short_name not in _words().toolbox_bases:
        return False
    return not any(
        i.keyword in ("CMD", "ENTRYPOINT") for stage in image.chain for i in stage.instructions
    )


def image_use(project: Project, image: ProjectImage) -> Use | None:
    """What an image the project pulls is used for: the `service_use` of the service
    whose `image:` it is, or the `dockerfile_use` of the Dockerfile whose FROM it is."""
    if image.service is not None:
        return service_use(image.service)
    if image.source is not None:
        builds = [b for b in project.builds() if b.dockerfile is image.source]
        return dockerfile_use(image.source, builds)
    return None


def is_placeholder_profile(profile: str) -> bool:
    """Whether `profile` only keeps a service from starting (`profiles: [none]` on a
    template that others extend): no run a user makes enables it."""
    return profile.lower() in _words().placeholder_profiles


def is_stand_in(image: ImageRef) -> bool:
    """Whether `image` is an echo or demo server that stands in for the user's own app
    in an example (`traefik/whoami` behind the router), or a placeholder name the user
    replaces with their own image (`ghcr.io/example/proxy`, `your-registry/app`): it
    holds nothing."""
    key = image_key(image)
    words = _words()
    if key.registry == "docker.io" and key.repository.lower() in words.stand_ins:
        return True
    registry = key.registry.lower().partition(":")[0]
    domain = registry.rsplit(".", 2)[-2:]  # example.com of registry.example.com
    if ".".join(domain) in words.placeholder_domains or registry.endswith(
        words.placeholder_suffixes
    ):
        return True
    namespaces = [n.lower() for n in key.repository.split("/")[:-1]]
    return any(
        n in words.placeholder_namespaces or n.startswith(words.placeholder_prefixes)
        for n in namespaces
    )


def own_image(project: Project, image: ImageRef | str) -> bool:
    """Whether `image` (a reference, or an image's path without registry or tag) is
    one this project's repository publishes: it is named like the project tree's
    folder (one of its parts is the folder name, alone or followed by `_`/`-` and
    more, `shop_vote`, compared without punctuation), the repository builds it, or
    it lies in the namespace of an image the repository builds (`model.own_images`).
    A name like the folder lends no namespace: an app store's `bookstack/` folder
    pulls `linuxserver/bookstack` beside `linuxserver/mariadb`, both someone else's."""
    ref = parse_image(image) if isinstance(image, str) else image
    if ref is None:
        return False
    if _named_like_tree(project, ref.repository) or image_key(ref) in repository_builds(project):
        return True
    space = namespace(ref)
    return space is not None and space in {namespace(k) for k in repository_builds(project)}


def _named_like_tree(project: Project, repository: str) -> bool:
    """A part of `repository` is the project tree's folder name (see `own_image`)."""
    tree = project.tree()
    folder = _NOT_NAME.sub("", tree.name.lower())
    if len(folder) < 3:
        return False  # "app", "x": too short to say anything
    for part in repository.lower().split("/"):
        words = [w for w in _WORDS.split(part) if w]
        for n in range(1, len(words) + 1):
            if _NOT_NAME.sub("", "".join(words[:n])) == folder:
                return True
    return False


__all__ = [
    "Use",
    "declared_use",
    "dockerfile_use",
    "defining_file",
    "file_use",
    "image_use",
    "is_local_file",
    "is_placeholder_profile",
    "is_stand_in",
    "is_retired",
    "is_test_data",
    "is_test_data_below",
    "made_for_compose",
    "own_image",
    "service_use",
    "source_use",
    "stage_use",
    "written_use",
]
