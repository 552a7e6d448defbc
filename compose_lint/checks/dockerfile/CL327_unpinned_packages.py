"""CL327 unpinned-packages: a package is installed without a version.

Reads `apt-get install`, `apk add`, `pip install` (no finding when a constraints
file gives the versions) and `npm install/i/add`; each unpinned package is reported
where it is written.
"""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.commands import Command, Operand, PackageCall, package_call
from compose_lint.model.runs import runs
from compose_lint.registry import Found, rule

_PIP_VERSION_OPERATORS = ("==", ">=", "<=", "~=", "!=", "<", ">")
_PIP_VCS_PREFIXES = ("git+", "hg+", "svn+", "bzr+", "git://")
_PIP_ARCHIVE_SUFFIXES = (".whl", ".tar.gz", ".tgz", ".tar.bz2", ".zip")


@rule(
    "CL327",
    "unpinned-packages",
    Severity.INFO,
    "A package is installed without a version (apt-get, apk, pip, npm).",
    default_enabled=False,
)
def unpinned_packages(project: Project) -> Found:
    for run in runs(project):
        for command in run.commands:
            found = _unpinned(command)
            if found is None:
                continue
            call, manager, packages = found
            for package in packages:
                yield (
                    run.source.loc(package.line, package.column),
                    _message(manager, call, package.text),
                )


def _unpinned(command: Command) -> tuple[PackageCall, str, list[Operand]] | None:
    """The packages `command` installs without a version, by manager."""
    call = package_call(command)
    if call is None:
        return None
    operands = call.operands
    if call.manager == "apt-get" and call.action == "install":
        return call, "apt", [o for o in operands if not _apt_pinned(o.text)]
    if call.manager == "apk" and call.action == "add":
        return call, "apk", [o for o in operands if not _apk_pinned(o.text)]
    if call.manager == "pip" and call.program != "uv pip" and call.action == "install":
        if call.has("-c", "--constraint"):
            return None  # versions come from the constraints file
        return call, "pip", [o for o in operands if not _pip_pinned(o.text)]
    if call.manager == "npm" and call.action in ("install", "i", "add"):
        return call, "npm", [o for o in operands if not _npm_pinned(o.text)]
    return None


def _apt_pinned(word: str) -> bool:
    # pkg=1.2-3, pkg/bookworm-backports (a release), ./local.deb
    return "$" in word or "=" in word or "/" in word or word.endswith(".deb")


def _apk_pinned(word: str) -> bool:
    return "$" in word or any(c in word for c in "=~<>") or word.endswith(".apk")


def _pip_pinned(word: str) -> bool:
    if "$" in word or any(op in word for op in _PIP_VERSION_OPERATORS):
        return True
    if word.startswith(_PIP_VCS_PREFIXES):
        return "@" in word.split("://", 1)[-1]  # git+https://host/repo@v1.2
    # a URL, a local path (".", "./pkg", "/wheels/x.whl") or an archive
    return "/" in word or word.startswith(".") or word.endswith(_PIP_ARCHIVE_SUFFIXES)


def _npm_pinned(word: str) -> bool:
    if "$" in word:
        return True
    if word.startswith(("git:", "git+", "github:")):
        return "#" in word
    if word.startswith(("/", "./", "../", "~/", "file:", "http:", "https:")):
        return True
    if word.endswith((".tgz", ".tar.gz", ".tar")):
        return True
    name = word[1:] if word.startswith("@") else word  # @scope/name@1.2
    _, at, version = name.partition("@")
    return bool(at) and version not in ("", "latest", "next")


def _message(manager: str, call: PackageCall, package: str) -> str:
    name = package.split("[", 1)[0] if manager == "pip" else package
    if manager == "apt":
        pin = f"{package}=<version>"
        hint = f' (find it with "apt-cache policy {package}")'
    elif manager == "apk":
        pin = f"{package}=<version>"
        hint = f' (or "{package}~<major.minor>" to accept patch releases)'
    elif manager == "pip":
        pin = f"{package}==<version>"
        hint = " (or list it with its version in a requirements file)"
    else:
        pin = f"{package}@<version>"
        hint = " (or add it to package.json and use npm ci)"
    return (
        f'"{name}" is installed by "{call.text}" without a version, so each build may get '
        f'a different one; pin it: "{pin}"{hint}'
    )
