"""CL211 secret-file-in-image: a COPY or ADD puts a file holding credentials into the
image (a `.env` with secrets, a private key, a registry token), by name or with the
whole build context.

Which files hold credentials and which copies take them is `model.leaks`
(`secret_copies`, over data/leaks.json); a copy into a build stage that the image does
not inherit, and whose result no shipped stage copies back, is left alone, and so is a
private key in an image whose Dockerfile's path says it is for local use
(`docker/devenv/`, `Dockerfile.test`): the development certificate's key exposes nothing.
"""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.context import context_display, dockerfile_location, instruction_text
from compose_lint.model.leaks import MAX_NAMED, secret_copies
from compose_lint.model.purpose import declared_use
from compose_lint.registry import Found, rule


@rule(
    "CL211",
    "secret-file-in-image",
    Severity.ERROR,
    "A COPY or ADD puts a file holding credentials (.env, a private key, a token) into the image.",
)
def secret_file_in_image(project: Project) -> Found:
    for found in secret_copies(project):
        if not found.shipped:
            continue
        build = found.build
        source = build.dockerfile if build.inline is None else None
        if source is not None and declared_use(source) is not None:
            # an image for local use (docker/devenv/, Dockerfile.test): its keys are the
            # development certificates nobody trusts; a provider's credential still counts
            kept = [
                (f, k)
                for f, k in zip(found.files, found.kinds, strict=False)
                if k.secret != "private-key"
            ]
            if not kept:
                continue
            found = found._replace(files=tuple(f for f, _ in kept), kinds=tuple(k for _, k in kept))
        named = [
            f"{path} ({kind.reason})"
            for path, kind in zip(found.files[:MAX_NAMED], found.kinds, strict=False)
        ]
        rest = len(found.files) - len(named)
        what = "; ".join(named) + (f"; and {rest} more" if rest else "")
        copy = f'"{instruction_text(found.instruction)}"'
        image = "the image"
        if found.via is not None:
            image = (
                f'a build stage, which line {found.via.line} ("{instruction_text(found.via)}") '
                "copies on into the image"
            )
        keep_out = (
            "pass it at run time instead (env_file:, a Compose secret or a bind mount) or, "
            'if the build needs it, as a build secret ("build.secrets" and '
            '"RUN --mount=type=secret")'
        )
        if found.word is None:
            context = context_display(build)
            ignore = ".dockerignore" if context == "." else f"{context}/.dockerignore"
            patterns = ", ".join(f'"{p}"' for p in found.files[:MAX_NAMED])
            where = dockerfile_location(build, found.instruction.line, found.instruction.column)
            yield (
                where,
                (
                    f'{copy} copies the whole build context "{context}" into {image}, with '
                    f"{what}: anyone who can pull the image can read it; add {patterns} to "
                    f"{ignore} and {keep_out}"
                ),
            )
        else:
            word = found.word
            where = dockerfile_location(build, word.line, word.column)
            yield (
                where,
                (
                    f"{copy} copies {what} into {image}: anyone who can pull the image can "
                    f"read it; remove it from the COPY and {keep_out}"
                ),
            )
