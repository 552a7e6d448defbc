"""CL317 pip-cache-kept: `pip install` without `--no-cache-dir` in a shipped layer.

Any of these keeps the cache out of the image: `--no-cache-dir` (or a prefix pip
accepts, such as `--no-cache`), `PIP_NO_CACHE_DIR=1` (ENV, ARG, `export`, or on the
command), a cache or tmpfs mount over the cache directory, `pip cache purge` or
`rm -rf ~/.cache/pip` in the same RUN. So does an install that downloads nothing:
`--no-index`, or only local wheel files (`pip install /wheels/*.whl`, from a builder
stage). `uv pip` has a cache of its own and is not judged here.
"""

from __future__ import annotations

from compose_lint.findings import Fix, Severity
from compose_lint.model import Project
from compose_lint.model.commands import TRUE_WORDS, PackageCall, package_call, unwrap
from compose_lint.model.edits import add_option
from compose_lint.model.runs import Context, Run, runs
from compose_lint.registry import Found, rule


@rule(
    "CL317",
    "pip-cache-kept",
    Severity.WARNING,
    "`pip install` without `--no-cache-dir` keeps pip's download cache in the image.",
)
def pip_cache_kept(project: Project) -> Found:
    for run in runs(project):
        if not run.shipped or run.practice_unwanted or _run_disables_pip_cache(run):
            # a build stage's cache never reaches the image; an image for tests or CI,
            # or a Dockerfile whose path says it is for local use: its size is not worth
            # a line
            continue
        for command in run.commands:
            call = _pip_install(package_call(command))
            if call is None or _call_disables_pip_cache(call):
                continue
            if all(_env(run, c, "PIP_NO_CACHE_DIR").lower() in TRUE_WORDS for c in run.contexts):
                continue
            if any(_cache_mounted(run, c, call) for c in run.contexts):
                continue
            edit = add_option(run.source, run.instruction, call, "--no-cache-dir")
            yield (
                run.at(command),
                f'"{call.text}" keeps its download and wheel cache (~/.cache/pip) in the '
                f'image layer; add --no-cache-dir ("{call.text} --no-cache-dir ..."), set '
                '"ENV PIP_NO_CACHE_DIR=1" in this stage, or mount the cache: '
                '"RUN --mount=type=cache,target=/root/.cache/pip ..."',
                Fix(f'add --no-cache-dir to "{call.text}"', (edit,)) if edit else None,
            )


def _pip_install(call: PackageCall | None) -> PackageCall | None:
    if call is None or call.manager != "pip" or call.program == "uv pip":
        return None
    return call if call.action == "install" else None


def _run_disables_pip_cache(run: Run) -> bool:
    """`export PIP_NO_CACHE_DIR=1`, or the cache removed in the same RUN."""
    for command in map(unwrap, run.commands):
        name = command.name
        if name in ("export", "declare", "typeset"):
            for word in command.words[1:]:
                variable, _, value = word.partition("=")
                if variable == "PIP_NO_CACHE_DIR" and value.lower() in TRUE_WORDS:
                    return True
        elif name == "rm":
            for word in command.words[1:]:
                path = word.rstrip("*").rstrip("/")
                if path.endswith((".cache/pip", "/.cache")):
                    return True
        else:
            call = package_call(command)
            purges = call is not None and call.manager == "pip" and call.action == "cache"
            if (
                purges
                and call is not None
                and call.operands[:1]
                and call.operands[0].text == "purge"
            ):
                return True
    return False


def _call_disables_pip_cache(call: PackageCall) -> bool:
    """--no-cache-dir or PIP_NO_CACHE_DIR on the command, or an install that downloads
    nothing: `--no-index`, or only local wheel files (`/wheels/*.whl`, which a builder
    stage made with their dependencies)."""
    if call.has("--no-cache-dir", "--no-index"):
        return True
    operands = [o.text for o in call.operands]
    if operands and all(_local_wheel(o) for o in operands) and not call.has("-r", "--requirement"):
        return True
    for assignment in call.command.assignments:
        variable, _, value = assignment.partition("=")
        if variable == "PIP_NO_CACHE_DIR" and value.lower() in TRUE_WORDS:
            return True
    return False


def _local_wheel(operand: str) -> bool:
    return operand.endswith(".whl") and "://" not in operand


def _env(run: Run, context: Context, name: str) -> str:
    """The value `name` has for `run` (ENV of the stage chain, else an ARG), or ""."""
    return run.step(context).env.get(name) or ""


def _cache_mounted(run: Run, context: Context, call: PackageCall) -> bool:
    cache_dirs = {d.rstrip("/") for d in call.values("--cache-dir")}
    configured = _env(run, context, "PIP_CACHE_DIR")
    if configured:
        cache_dirs.add(configured.rstrip("/"))
    for kind, target in run.mounts:
        if kind not in ("cache", "tmpfs"):
            continue
        if target.endswith((".cache/pip", "/.cache")) or target in cache_dirs:
            return True
    return False
