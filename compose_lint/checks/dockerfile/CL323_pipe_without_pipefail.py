"""CL323 pipe-without-pipefail: a RUN pipes commands under a shell without pipefail.

A pipeline fed only by `echo`, `printf`, `yes` or `seq` with literal bounds is fine
(those cannot fail in a way that matters; `yes` even ends with SIGPIPE by design). So
is `cat FILE | grep ...`: a `cat` of one file that fails writes nothing, and a `grep`
reading the pipe exits 1 when it selects no line, so the RUN fails anyway; and so is a
download piped into `apt-key add -`, `gpg --dearmor` or `gpg --import`, which fail on an
empty or cut-off key, and anything piped into a checksum check (`sha256sum -c -`,
`shasum -a 256 -c -`), which fails when no checksum line comes through. A `|` in a
`case` pattern is not a pipe. Nor is a pipeline followed by `;` or a newline and more
commands, without `set -e`: the RUN's status is that of its last command, so a failure
there is hidden whatever the pipe does, and pipefail alone changes nothing (a here-document
script without `set -e` is the common case). `ONBUILD RUN` triggers are left alone: they
run under the SHELL of whichever image builds on this one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.commands import SHELLS, Command, basename, pipelines, unwrap
from compose_lint.model.imageref import parse_image
from compose_lint.model.runs import Context, Run, runs
from compose_lint.registry import Found, rule

_HARMLESS_PRODUCERS = frozenset({"echo", "printf", "yes"})
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_SEQ_FLAGS = frozenset({"-w", "--equal-width"})
# grep's options that take a value (the next word unless glued), that give the
# pattern, and that make it read something else than the pipe or succeed on no input
_GREPS = frozenset({"grep", "egrep", "fgrep"})
_GREP_VALUE_SHORT = frozenset("efmABCdD")
_GREP_VALUE_LONG = frozenset(
    {"--regexp", "--file", "--max-count", "--after-context", "--before-context", "--context"}
    | {"--label", "--binary-files", "--devices", "--directories", "--group-separator"}
    | {"--include", "--exclude", "--exclude-from", "--exclude-dir"}
)
_GREP_PATTERN = frozenset({"-e", "-f", "--regexp", "--file"})
_GREP_ELSEWHERE_SHORT = frozenset("rRL")
_GREP_ELSEWHERE_LONG = frozenset(
    {"--recursive", "--dereference-recursive", "--files-without-match"}
)
_NON_POSIX_SHELLS = frozenset(
    {"cmd", "cmd.exe", "pwsh", "pwsh.exe", "powershell", "powershell.exe"}
)


@rule(
    "CL323",
    "pipe-without-pipefail",
    Severity.WARNING,
    "A RUN pipes commands but its shell does not set `-o pipefail`: failures are hidden.",
)
def pipe_without_pipefail(project: Project) -> Found:
    for run in runs(project):
        if run.onbuild:
            continue
        pipe = _risky_pipeline(run.commands, _errexit(run))
        if pipe is None:
            continue
        producer, consumer = pipe
        problem = f'"{producer.name} ... | {consumer.name} ...": if {producer.name} fails, '
        problem += f"the RUN still succeeds as long as {consumer.name} does"
        exec_form = run.instruction.json_args
        if exec_form is not None:
            if _sets_pipefail(exec_form):
                continue
            shell = exec_form[0] if exec_form else "sh"
            yield (
                run.at(producer),
                f"{problem}; this exec-form RUN runs {shell} without pipefail: write "
                f'["/bin/bash", "-o", "pipefail", "-c", "..."]',
            )
            continue
        if _run_sets_pipefail(run.commands, producer):
            continue
        fixes = []
        for context in run.contexts:
            fix = _pipefail_fix(run, context)
            if fix is not None and fix not in fixes:
                fixes.append(fix)
        if fixes:
            yield run.at(producer), f"{problem}; {fixes[0]}"


def _risky_pipeline(commands: Sequence[Command], errexit: bool) -> tuple[Command, Command] | None:
    """The first and the last command of the first pipeline whose failure would be
    hidden by the pipe: one where a stage before the last runs more than
    echo/printf/yes/seq, that is not a `cat` of one file into a `grep` that fails when
    nothing comes, and whose status can fail the RUN (it is not followed by `;` and more
    commands, unless `set -e` is on)."""
    for group in pipelines(commands):
        stages = group[0].stages
        if stages < 2:
            continue
        if group[-1].then == "condition":
            continue  # `if a | b; then`: the status picks a branch, it fails nothing
        if not errexit and group[-1].then == ";":
            continue  # the commands after it decide the RUN's status
        if any(not _cannot_fail(c) for c in group if c.stage < stages - 1):
            if _failure_shows(group):
                continue
            last = next((c for c in group if c.stage == stages - 1), group[-1])
            return group[0], last
    return None


def _errexit(run: Run) -> bool:
    """Whether the RUN may run under `set -e`: a `set -e` (`-ex`, `-o errexit`) in it,
    or a SHELL or `sh -c` given -e."""
    for command in run.commands:
        if (command.name == "set" or command.name in SHELLS) and _sets_errexit(command.words):
            return True
    return any(
        shell is not None and _sets_errexit(shell)
        for shell in (run.step(context).shell for context in run.contexts)
    )


def _sets_errexit(words: Sequence[str]) -> bool:
    for i, word in enumerate(words[1:], start=1):
        if word.startswith("-") and not word.startswith("--") and "e" in word[1:]:
            return True
        previous = words[i - 1]
        if word == "errexit" and previous.startswith("-") and previous.endswith("o"):
            return True
    return False


def _cannot_fail(command: Command) -> bool:
    """echo, printf, yes, or seq with literal numbers: nothing to hide."""
    if command.name in _HARMLESS_PRODUCERS:
        return True
    if command.name != "seq":
        return False
    bounds = command.words[1:]
    return bool(bounds) and all(_NUMBER.fullmatch(w) or w in _SEQ_FLAGS for w in bounds)


def _failure_shows(group: Sequence[Command]) -> bool:
    """`cat FILE | grep ...`: a cat of one file fails before it writes anything (the
    file is missing or unreadable), and grep, reading only the pipe, then selects no
    line and exits 1, which fails the pipeline without pipefail too. Filters between
    them that print nothing when nothing comes (`php -v | head -n 1 | grep -q 8.3`)
    pass that emptiness on."""
    if len(group) != group[0].stages or len(group) < 2:
        return False  # a stage of several commands (`{ a; b; } | c`): not read here
    producer, *middle, consumer = (unwrap(c) for c in group)
    if not all(_passes_emptiness_on(c) for c in middle):
        return False
    if _imports_a_key(consumer) or _checks_sums(consumer) or _unpacks_compressed(consumer):
        return True
    if producer.name == "cat":  # several files: one may be missing, the others read
        return _reads_one_file(producer) and _fails_on_no_input(consumer)
    return _quiet_check(consumer) and producer.name not in _DOWNLOADERS


_DOWNLOADERS = frozenset({"curl", "wget", "fetch", "aria2c", "http", "https"})
# filters that read only the pipe here and write nothing when it brings nothing
_EMPTY_IN_EMPTY_OUT = frozenset({"head", "tail", "cut", "tr", "sort", "uniq", "sed", "rev"})


def _passes_emptiness_on(command: Command) -> bool:
    """A filter with no file operand, or a grep reading the pipe."""
    if command.name in _GREPS:
        return _fails_on_no_input(command)
    if command.name not in _EMPTY_IN_EMPTY_OUT:
        return False
    words = command.words[1:]
    if command.name == "tr":
        return True  # tr never takes a file
    valued = (
        {"-e", "--expression"} if command.name == "sed" else {"-n", "-c", "-d", "-f", "-k", "-t"}
    )
    operands = [
        w
        for i, w in enumerate(words)
        if not w.startswith("-") and not (i and words[i - 1] in valued)
    ]
    if command.name == "sed" and not valued & set(words):
        operands = operands[1:]  # the first is its script
    return not operands


def _quiet_check(command: Command) -> bool:
    """`php -m | grep -q zip`, `php -m | grep -oiE '^zip$'`: a grep reading the pipe
    is a check that fails when the line is not there, and a local command that failed
    printed no such line (a download is still reported: it can stop after part of its
    output; so is `grep -v`, which any other line satisfies)."""
    inverted = any(
        w == "--invert-match" or (w.startswith("-") and not w.startswith("--") and "v" in w[1:])
        for w in command.words[1:]
    )
    return not inverted and _fails_on_no_input(command)


_COMPRESSION = frozenset("zjJ")
_COMPRESSION_LONG = frozenset({"--gzip", "--gunzip", "--bzip2", "--xz", "--zstd", "--lzma"})


def _unpacks_compressed(command: Command) -> bool:
    """`curl … | tar -xz`: tar extracting a compressed archive from the pipe fails on an
    empty or cut-off input (the decompressor reports the unexpected end), so a download
    that failed fails the RUN anyway."""
    if command.name not in ("tar", "bsdtar"):
        return False
    words = command.words[1:]
    letters = set()
    for i, word in enumerate(words):
        if word.startswith("--"):
            continue
        if word.startswith("-") or i == 0:  # `tar xzf -` writes its letters without a dash
            letters |= set(word.lstrip("-"))
    extracts = "x" in letters or "--extract" in words or "--get" in words
    compressed = bool(letters & _COMPRESSION) or bool(_COMPRESSION_LONG & set(words))
    if not (extracts and compressed):
        return False
    for i, word in enumerate(words):  # an archive file other than the pipe: not read here
        if word.startswith("--file"):
            value = word.partition("=")[2] or (words[i + 1] if i + 1 < len(words) else "")
            return value == "-"
        if not word.startswith("--") and (word.startswith("-") or i == 0) and "f" in word:
            after = words[i + 1] if i + 1 < len(words) else ""
            return word.endswith("f") and after == "-"
    return True


def _imports_a_key(command: Command) -> bool:
    """`apt-key add -`, `gpg --dearmor`, `gpg --import` reading the pipe: an empty or
    cut-off key is no valid OpenPGP data, and they exit 2, so whatever the producer
    did wrong fails the RUN without pipefail too."""
    words = command.words[1:]
    if command.name == "apt-key":
        return words[:1] == ("add",) and words[1:] in (("-",), ("/dev/stdin",))
    if command.name not in ("gpg", "gpg2"):
        return False
    if not {"--dearmor", "--import"} & set(words):
        return False
    operands = [w for w in words if not w.startswith("-")]
    options_with_values = {"-o", "--output", "--keyring", "--homedir"}
    taken = {words[i + 1] for i, w in enumerate(words[:-1]) if w in options_with_values}
    return all(o in taken for o in operands)


_SUM_TOOLS = frozenset(
    {"md5sum", "sha1sum", "sha224sum", "sha256sum", "sha384sum", "sha512sum", "b2sum", "shasum"}
)


def _checks_sums(command: Command) -> bool:
    """`sha256sum -c -`, `shasum -a 256 -c` reading the pipe: with no checksum line in
    its input it exits 1 ("no properly formatted checksum lines found"), so an empty or
    cut-off input fails the RUN without pipefail too."""
    if command.name not in _SUM_TOOLS:
        return False
    words = command.words[1:]
    if not {"-c", "--check"} & set(words):
        return False
    valued = {"-a", "--algorithm"}
    operands = [
        w
        for i, w in enumerate(words)
        if (w == "-" or not w.startswith("-")) and not (i and words[i - 1] in valued)
    ]
    return all(o == "-" for o in operands)


def _reads_one_file(command: Command) -> bool:
    """`cat FILE` (with options, which take no value): all of it, or nothing."""
    if command.name != "cat":
        return False
    words = command.words[1:]
    end = words.index("--") if "--" in words else len(words)
    operands = [w for w in words[:end] if w == "-" or not w.startswith("-")]
    return len(operands) + len(words[end + 1 :]) <= 1


def _fails_on_no_input(command: Command) -> bool:
    """A grep that reads the pipe (no file operand, not recursive) and so exits 1 on
    empty input (not `-L`, which then lists the input and succeeds)."""
    if command.name not in _GREPS:
        return False
    words = command.words[1:]
    operands: list[str] = []
    pattern_given = False
    i = 0
    while i < len(words):
        word = words[i]
        if word == "--":
            operands += words[i + 1 :]
            break
        if word.startswith("--"):
            name, glued, _ = word.partition("=")
            if name in _GREP_ELSEWHERE_LONG:
                return False
            pattern_given = pattern_given or name in _GREP_PATTERN
            if name in _GREP_VALUE_LONG and not glued:
                i += 1
        elif word.startswith("-") and word != "-":
            for at, letter in enumerate(word[1:], start=1):
                if letter in _GREP_ELSEWHERE_SHORT:
                    return False
                if letter in _GREP_VALUE_SHORT:
                    pattern_given = pattern_given or f"-{letter}" in _GREP_PATTERN
                    if at == len(word) - 1:
                        i += 1  # the value is the next word
                    break
        else:
            operands.append(word)
        i += 1
    if not pattern_given and not operands:
        return False
    files = operands if pattern_given else operands[1:]
    return all(f == "-" for f in files)


def _sets_pipefail(words: Sequence[str]) -> bool:
    """`-o pipefail`, `-eo pipefail`, `-euxo pipefail` among the words."""
    for i in range(1, len(words)):
        previous = words[i - 1]
        if (
            words[i] == "pipefail"
            and previous.startswith("-")
            and not previous.startswith("--")
            and "o" in previous
        ):
            return True
    return False


def _run_sets_pipefail(commands: Sequence[Command], producer: Command) -> bool:
    """`set -o pipefail` before the pipe, or a `bash -o pipefail -c` in the RUN."""
    for command in commands:
        if command is producer:
            break
        if command.name == "set" and _sets_pipefail(command.words):
            return True
    return any(c.name in SHELLS and _sets_pipefail(c.words) for c in commands)


def _pipefail_fix(run: Run, context: Context) -> str | None:
    """How to fix the stage's shell for this build, or None when it is fine."""
    shell = run.step(context).shell
    alpine = _is_alpine(context, run)
    wanted = (
        '["/bin/ash", "-o", "pipefail", "-c"]'
        if alpine
        else '["/bin/bash", "-o", "pipefail", "-c"]'
    )
    if shell is None:
        where = "Alpine's /bin/sh (busybox ash)" if alpine else "the default shell /bin/sh"
        return f"{where} runs it without pipefail; add SHELL {wanted} before this RUN"
    program = basename(shell[0]).lower()
    if program in _NON_POSIX_SHELLS or _sets_pipefail(shell):
        return None  # any shell given -o pipefail: it works, or the build fails loudly
    written = json.dumps(list(shell))
    if program in ("bash", "zsh", "ash", "ksh", "mksh"):
        wanted = json.dumps([shell[0], "-o", "pipefail", *shell[1:]])
    return f"SHELL {written} does not set pipefail; use SHELL {wanted}"


def _is_alpine(context: Context, run: Run) -> bool:
    root = context.resolver.root_image(run.stage)
    image = parse_image(root) if root else None
    if image is None:
        return False
    name = image.repository.rsplit("/", 1)[-1]
    return name in ("alpine", "busybox") or "alpine" in (image.tag or "")
