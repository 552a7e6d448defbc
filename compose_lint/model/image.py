"""Stage semantics shared by the rules: which stage is built, what each FROM
resolves to once ARG defaults and compose `build.args` are applied, and the
chain of `FROM <stage>` parents down to an external image."""

from __future__ import annotations

from typing import NamedTuple

from compose_lint.load import interpolation
from compose_lint.load.dockerfile import Dockerfile, Stage
from compose_lint.model import Build

# ARGs every build has without declaring them globally (BuildKit sets them).
_AUTOMATIC = ("TARGETPLATFORM", "TARGETOS", "TARGETARCH", "BUILDPLATFORM", "BUILDOS", "BUILDARCH")


def declared_args(args_text: str) -> list[tuple[str, str | None]]:
    """`ARG A=1 B` → [("A", "1"), ("B", None)]."""
    result: list[tuple[str, str | None]] = []
    for word in args_text.split():
        name, sep, default = word.partition("=")
        if len(default) >= 2 and default[0] == default[-1] and default[0] in "'\"":
            default = default[1:-1]
        result.append((name, default if sep else None))
    return result


def literal_build_args(build: Build | None) -> dict[str, str]:
    """The compose `build.args` whose values are known without the shell."""
    if build is None:
        return {}
    return {
        arg.name: arg.value
        for arg in build.args
        if arg.value is not None and not interpolation.has_interpolation(arg.value)
    }


class Resolver(NamedTuple):
    """Resolves FROM lines of one Dockerfile for one build."""

    dockerfile: Dockerfile
    env: dict[str, str]

    @classmethod
    def of(cls, dockerfile: Dockerfile, build: Build | None = None) -> Resolver:
        given = literal_build_args(build)
        env: dict[str, str] = {}
        for instruction in dockerfile.global_args:
            for name, default in declared_args(instruction.args):
                if name in given:
                    env[name] = given[name]
                elif default is not None:
                    value = interpolation.substitute(default, env)
                    if value is not None:
                        env[name] = value
        return cls(dockerfile, env)

    def base(self, stage: Stage) -> str | None:
        """The stage's FROM reference with ARGs applied; None when it stays unknown."""
        if any(a in stage.base for a in _AUTOMATIC):
            return None
        return interpolation.substitute(stage.base, self.env)

    def stage(self, ref: str, before: int | None = None) -> Stage | None:
        """The stage named `ref` (or numbered), defined before index `before`."""
        stages = self.dockerfile.stages[:before]
        key = ref.lower()
        for s in stages:
            if s.name == key:
                return s
        if key.isdigit() and int(key) < len(stages):
            return stages[int(key)]
        return None

    def built(self, target: str | None) -> Stage | None:
        """The stage a build produces: `build.target` (a stage name; BuildKit does
        not take numbers there), else the last one."""
        if target:
            key = target.lower()
            return next((s for s in self.dockerfile.stages if s.name == key), None)
        return self.dockerfile.stages[-1] if self.dockerfile.stages else None

    def parent(self, stage: Stage) -> Stage | None:
        """The earlier stage this one is built FROM, if any."""
        base = self.base(stage)
        return self.stage(base, stage.index) if base is not None else None

    def chain(self, stage: Stage) -> list[Stage]:
        """The stage, its parent stage, and so on down to the first stage
        whose FROM is an external image (or unknown)."""
        result = [stage]
        while (parent := self.parent(result[-1])) is not None and parent not in result:
            result.append(parent)
        return result

    def root_image(self, stage: Stage) -> str | None:
        """The external image at the bottom of the chain; None when unknown."""
        last = self.chain(stage)[-1]
        base = self.base(last)
        if base is None or self.stage(base, last.index) is not None:
            return None
        return base
