"""CL212 secret-build-arg-in-image: a secret-named build argument passed from compose
stays in the image the build ships (in an ENV, or in the history of a RUN that uses it).

Where an ARG's value stays is `model.image.arg_in_image` (the image's stage chain only:
a build-only stage is not shipped); what a secret-shaped name is, `model.secrets`. A
hard-coded value is CL201's or CL215's already, which say the same about build args.
"""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.load.interpolation import has_interpolation
from compose_lint.model import Project
from compose_lint.model.context import dockerfile_display
from compose_lint.model.image import arg_in_image, image_of
from compose_lint.model.secrets import Kind, is_secret_name, judge
from compose_lint.registry import Found, rule


@rule(
    "CL212",
    "secret-build-arg-in-image",
    Severity.WARNING,
    "A secret passed as a build argument stays in the image (an ENV keeps it, or its history).",
)
def secret_build_arg_in_image(project: Project) -> Found:
    for service in project.services:
        build = service.build
        if build is None or not build.args:
            continue
        image = image_of(build)
        if image is None or image.stage is None:
            continue
        for arg in build.args:
            if not is_secret_name(arg.name):
                continue
            value = arg.value
            if value is not None and not has_interpolation(value):
                verdict = judge(arg.name, value, True)
                if verdict is not None and verdict.kind >= Kind.LITERAL:
                    continue  # a hard-coded secret: CL201 / CL215 report it
            kept = arg_in_image(image, arg.name)
            if kept is None:
                continue
            dockerfile = dockerfile_display(build)
            line = kept.kept_by.line
            if kept.how == "env":
                where = (
                    f"{dockerfile} line {line} copies it into an ENV, so every container "
                    'and "docker inspect" of the image show it'
                )
            else:
                where = (
                    f"the RUN on {dockerfile} line {line} uses it, so the image's history "
                    'records its value ("docker history" shows it)'
                )
            compose = service.file
            at = compose.loc(arg.path) if arg.in_list else compose.key_loc(arg.path)
            secret_id = arg.name.lower()
            yield (
                at,
                (
                    f'service "{service.name}" passes build argument "{arg.name}" and {where}; '
                    f'pass it as a build secret instead: list it under "build.secrets" '
                    f'(for example "{secret_id}: environment: {arg.name}" under the top-level '
                    f'"secrets:") and read it in the one step that needs it with '
                    f'"RUN --mount=type=secret,id={secret_id}"'
                ),
            )
