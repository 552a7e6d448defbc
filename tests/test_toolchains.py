"""CL520 go-version-too-old: the Go of a golang builder image is older than the `go`
line of the go.mod it builds (the official images set GOTOOLCHAIN=local, so go stops)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import catches, catches_not, lint

COMPOSE = "services:\n  api:\n    build: .\n"
GO_MOD = "module example.com/api\n\ngo 1.25.0\n"
COPY_FIRST = (
    "FROM golang:1.23-alpine AS build\n"
    "WORKDIR /src\n"
    "COPY go.mod go.sum ./\n"
    "RUN go mod download\n"
    "COPY . .\n"
    "RUN CGO_ENABLED=0 go build -o /api ./cmd/api\n"
    "FROM alpine:3.22\n"
    "COPY --from=build /api /api\n"
)
FILES = {"go.mod": GO_MOD, "go.sum": "", "cmd/api/main.go": "package main\n"}


def test_reports_the_builder_image_with_both_versions() -> None:
    [message] = catches(
        "CL520", compose=COMPOSE, dockerfile=COPY_FIRST, files=FILES, at="Dockerfile:1:6"
    )
    assert "go.mod requires Go 1.25.0" in message and "golang:1.23-alpine" in message
    assert "GOTOOLCHAIN=local" in message and "line 4" in message
    assert "golang:1.25-alpine" in message  # the fix keeps the variant


@pytest.mark.parametrize(
    "dockerfile",
    [
        # the whole context copied, go run from a folder below the module root
        "FROM golang:1.24.5-bookworm\nWORKDIR /app\nCOPY . .\nWORKDIR /app/cmd/api\n"
        "RUN go build -o /api .\n",
        # docker init's template: go.mod bind-mounted for the download
        "FROM golang:1.24 AS build\nWORKDIR /src\n"
        "RUN --mount=type=bind,source=go.mod,target=go.mod go mod download -x\n",
        # an ARG picks the version
        "ARG GO_VERSION=1.22\nFROM golang:${GO_VERSION}\nWORKDIR /src\nCOPY . .\n"
        "RUN go build ./...\n",
    ],
)
def test_other_ways_the_module_reaches_go(dockerfile: str) -> None:
    catches("CL520", compose=COMPOSE, dockerfile=dockerfile, files=FILES)


@pytest.mark.parametrize(
    ("dockerfile", "go_mod"),
    [
        (COPY_FIRST.replace("golang:1.23-alpine", "golang:1.25-alpine"), GO_MOD),
        (COPY_FIRST.replace("golang:1.23-alpine", "golang:1.25.0-alpine"), GO_MOD),
        (
            COPY_FIRST.replace("golang:1.23-alpine", "golang:1.25"),
            GO_MOD.replace("1.25.0", "1.25.7"),
        ),
        (COPY_FIRST.replace("golang:1.23-alpine", "golang:1.26"), GO_MOD),
        # the builder lets go fetch the toolchain go.mod asks for
        (COPY_FIRST.replace("WORKDIR /src\n", "WORKDIR /src\nENV GOTOOLCHAIN=auto\n"), GO_MOD),
        (COPY_FIRST.replace("RUN go mod", "RUN GOTOOLCHAIN=auto go mod"), GO_MOD),
        # versions it cannot know
        (COPY_FIRST.replace("golang:1.23-alpine", "golang:alpine"), GO_MOD),
        (COPY_FIRST.replace("golang:1.23-alpine", "golang"), GO_MOD),
        (COPY_FIRST.replace("golang:1.23-alpine", "golang:${GO}"), GO_MOD),
        # go before 1.21 does not stop on a newer go line, and knows no GOTOOLCHAIN
        (COPY_FIRST.replace("golang:1.23-alpine", "golang:1.20"), GO_MOD),
        # another image's go: not known to set GOTOOLCHAIN=local
        (COPY_FIRST.replace("golang:1.23-alpine", "cimg/go:1.23"), GO_MOD),
        # go runs after a cd: which module it reads is not followed
        ("FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN cd tools && go build ./...\n", GO_MOD),
        # a go line the module does not have, or one that is met
        (COPY_FIRST, "module example.com/api\n"),
        (COPY_FIRST, GO_MOD.replace("1.25.0", "1.23")),
        (COPY_FIRST, GO_MOD.replace("1.25.0", "1.23.4")),
    ],
)
def test_silent_when_the_builder_is_new_enough_or_it_cannot_know(
    dockerfile: str, go_mod: str
) -> None:
    files = {**FILES, "go.mod": go_mod}
    catches_not("CL520", compose=COMPOSE, dockerfile=dockerfile, files=files)


def test_a_patch_release_older_than_the_go_line_is_reported() -> None:
    dockerfile = COPY_FIRST.replace("golang:1.23-alpine", "golang:1.25.0-alpine")
    files = {**FILES, "go.mod": GO_MOD.replace("1.25.0", "1.25.3")}
    catches("CL520", compose=COMPOSE, dockerfile=dockerfile, files=files, at="Dockerfile:1:6")


def test_a_stage_the_build_does_not_run_is_not_reported() -> None:
    dockerfile = COPY_FIRST + "FROM golang:1.22 AS lint\nWORKDIR /src\nCOPY . .\nRUN go vet ./...\n"
    compose = "services:\n  api:\n    build:\n      context: .\n      target: build\n"
    files = {**FILES, "go.mod": GO_MOD.replace("1.25.0", "1.23")}
    catches_not("CL520", compose=compose, dockerfile=dockerfile, files=files)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_go_mod_that_is_a_fifo_or_a_link_is_never_read(tmp_path: Path) -> None:
    # a FIFO would block a plain open() forever; a link is copied as a link, not read
    (tmp_path / ".git").mkdir()
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    (tmp_path / "Dockerfile").write_text(COPY_FIRST)
    os.mkfifo(tmp_path / "go.mod")
    assert lint(tmp_path, "CL520") == []
    (tmp_path / "go.mod").unlink()
    (tmp_path / "elsewhere.mod").write_text(GO_MOD)
    (tmp_path / "go.mod").symlink_to(tmp_path / "elsewhere.mod")
    assert lint(tmp_path, "CL520") == []
