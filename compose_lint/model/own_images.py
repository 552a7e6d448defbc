"""The images a repository makes itself, known from its own files: what it builds,
and the registry namespaces it publishes in.

`model.purpose.own_image` reads these besides the folder name. An image is the
repository's own when:

- a compose file of the same repository builds it under that name (`build:` beside
  `image: acme/api`), in any application of this run (`Project.run`): the deployment
  file that pulls `acme/api:latest` pulls what the build file produces;
- a script beside one of those compose files builds it: a literal
  `docker build -t NAME` (also `--tag`, `docker image build`, `docker buildx build`)
  in a `*.sh`, `*.bash` or `*.ps1` file of that folder, read with the one shell
  reading (`model.commands`; the PowerShell lines such scripts hold read the same). A
  name made of a variable proves nothing and is not taken;
- it lies in the registry namespace of an image the repository builds
  (`appflowyinc/gotrue` where a CI compose file builds `appflowyinc/admin_frontend`):
  only the namespace's owners push there. A name without a namespace (`redis`,
  `library/redis`) has none to share, and an image merely named like the checkout
  lends none (`model.purpose.own_image`).

What runs in a run depends on what was named: linting one compose file alone knows
only the builds of its own application.

Public names

- `ImageKey`: (registry, repository) with Docker Hub's spellings made one.
- `image_key(ref)`, `namespace(ref)`: the key of an image and of its namespace (None
  for a name without one).
- `repository_builds(project)`: the keys of every image the repository builds, as
  above (compose files of the run in the same tree, and the scripts beside them).
- `script_builds(folder)`: the names the scripts of one folder build.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from compose_lint.load.files import ReadError, read_text
from compose_lint.model import Project
from compose_lint.model.cache import per_project
from compose_lint.model.commands import basename, shell_commands, unwrap
from compose_lint.model.imageref import ImageRef, parse_image

SCRIPT_SUFFIXES = (".sh", ".bash", ".ps1")
_MAX_SCRIPTS = 64  # per folder
_MAX_SCRIPT_BYTES = 256 * 1024
_HUB = frozenset({None, "docker.io", "index.docker.io", "registry-1.docker.io"})


class ImageKey(NamedTuple):
    registry: str  # "docker.io" for Docker Hub
    repository: str  # "library/" dropped: "redis", "acme/api"


def image_key(ref: ImageRef) -> ImageKey:
    registry = "docker.io" if ref.registry in _HUB else str(ref.registry).lower()
    return ImageKey(registry, ref.short_name if registry == "docker.io" else ref.repository)


def namespace(image: ImageRef | ImageKey) -> ImageKey | None:
    """The namespace an image is published in (`acme` of `acme/api`, `ghcr.io` +
    `acme/tools` of `ghcr.io/acme/tools/cli`), or None for a name without one."""
    key = image if isinstance(image, ImageKey) else image_key(image)
    owner, slash, _ = key.repository.rpartition("/")
    return ImageKey(key.registry, owner) if slash and owner else None


def _tree(project: Project) -> Path:
    return project.tree()


@per_project
def repository_builds(project: Project) -> frozenset[ImageKey]:
    """Every image the repository of `project` builds: the `image:` of each service
    with `build:` in the applications of this run in the same tree, and the names the
    scripts beside their compose files build (worked out once per run and tree)."""
    run = project.run
    if run is None:  # a project no discovery made (a test's model)
        return _builds(project)
    trees = run.cache.get(repository_builds)
    if trees is None:
        grouped: dict[Path, set[ImageKey]] = {}
        for other in run.projects:
            grouped.setdefault(_tree(other), set()).update(_builds(other))
        trees = run.cache[repository_builds] = {k: frozenset(v) for k, v in grouped.items()}
    found: frozenset[ImageKey] = trees.get(_tree(project), frozenset())
    return found | _builds(project)


@per_project
def _builds(project: Project) -> frozenset[ImageKey]:
    """What one application builds: its services' built `image:` names and what the
    scripts in the folders of its compose files build."""
    from compose_lint.model.image import built_images

    found = {image_key(ref) for name in built_images(project) if (ref := parse_image(name))}
    for folder in dict.fromkeys(f.path.parent for f in project.compose_files):
        found |= {image_key(ref) for ref in script_builds(folder)}
    return frozenset(found)


def script_builds(folder: Path) -> list[ImageRef]:
    """The images that the scripts of `folder` build under a literal name."""
    try:
        names = sorted(e.name for e in os.scandir(folder) if e.is_file())
    except OSError:
        return []
    found: list[ImageRef] = []
    for name in [n for n in names if n.lower().endswith(SCRIPT_SUFFIXES)][:_MAX_SCRIPTS]:
        path = folder / name
        try:
            if path.stat().st_size > _MAX_SCRIPT_BYTES:
                continue
            text = read_text(path)
        except (ReadError, OSError, ValueError):
            continue
        for command in shell_commands(text):
            found.extend(_tags(unwrap(command).words))
    return found


def _tags(words: tuple[str, ...]) -> list[ImageRef]:
    """The `-t`/`--tag` names of a `docker build` command, or nothing."""
    if not words or basename(words[0]) not in ("docker", "podman"):
        return []
    rest = list(words[1:])
    if rest[:1] in (["image"], ["buildx"]):
        rest = rest[1:]
    if rest[:1] != ["build"]:
        return []
    found: list[ImageRef] = []
    for i, word in enumerate(rest):
        value: str | None = None
        if word in ("-t", "--tag") and i + 1 < len(rest):
            value = rest[i + 1]
        elif word.startswith("--tag="):
            value = word[len("--tag=") :]
        elif word.startswith("-t") and len(word) > 2 and not word.startswith("--"):
            value = word[2:]
        if not value or value.startswith("-") or any(c in value for c in "%`{}"):
            continue  # no name, or one made of a (PowerShell, batch) variable
        ref = parse_image(value)  # None for a name with a shell variable
        if ref is not None:
            found.append(ref)
    return found


__all__ = [
    "ImageKey",
    "SCRIPT_SUFFIXES",
    "image_key",
    "namespace",
    "repository_builds",
    "script_builds",
]
