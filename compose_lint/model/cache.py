"""Facts worked out once per project: the one place a model fact is remembered.

A fact that several rules read (the secrets of a project, each service's facts, the
images it uses) is computed the first time one asks for it and kept on the project
it describes, so it lives exactly as long as that project and no rule recomputes it:

    @per_project
    def scan(project: Project, settings: Settings) -> list[Occurrence]: ...

The function's other arguments (hashable ones: a settings tuple, a name) are part of
the key, so two rules asking with different options each get their own answer.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from typing import Any, Concatenate, ParamSpec, TypeVar

from compose_lint.model import Project

P = ParamSpec("P")
T = TypeVar("T")


def per_project(
    function: Callable[Concatenate[Project, P], T],
) -> Callable[Concatenate[Project, P], T]:
    """`function(project, *args)` computed once per project and arguments."""

    @functools.wraps(function)
    def cached(project: Project, *args: P.args, **kwargs: P.kwargs) -> T:
        key: Hashable = (function, args, tuple(sorted(kwargs.items())))
        facts: dict[Hashable, Any] = project.cache
        try:
            return facts[key]  # type: ignore[no-any-return]
        except KeyError:
            found = facts[key] = function(project, *args, **kwargs)
            return found

    return cached
