"""CL112 depends-on-cycle: services that depend on each other in a cycle
(depends_on, links, volumes_from, `service:` namespaces)."""

from __future__ import annotations

from compose_lint.findings import Severity
from compose_lint.model import Project
from compose_lint.model.services import Ref, all_references, ref_loc
from compose_lint.registry import Found, rule


@rule(
    "CL112",
    "depends-on-cycle",
    Severity.ERROR,
    "Services depend on each other in a cycle (depends_on, links, volumes_from, service:...).",
)
def depends_on_cycle(project: Project) -> Found:
    if project.partial:
        return
    by_name = {s.name: s for s in project.services}
    order = [s.name for s in project.services]
    edges: dict[str, list[tuple[str, Ref]]] = {}
    for service, ref in all_references(project):
        if ref.dependency and ref.target in by_name:
            edges.setdefault(service.name, []).append((ref.target, ref))
    position = {name: i for i, name in enumerate(order)}
    components = _components(order, edges)
    for component in sorted(components, key=lambda c: min(position[n] for n in c)):
        start = min(component, key=position.__getitem__)
        found = _cycle(start, set(component), edges)
        if found is None:
            continue
        chain, closing = found
        text = " -> ".join(chain)
        if len(chain) == 2:
            problem = f'service "{start}" depends on itself ({closing.via})'
        else:
            problem = f"dependency cycle {text}"
        yield (
            ref_loc(by_name[closing.source], closing),
            f"{problem}: Compose cannot tell which service to start first and refuses the "
            f'project; break the cycle, e.g. remove "{closing.target}" from {closing.via} of '
            f'service "{closing.source}"',
        )


def _components(order: list[str], edges: dict[str, list[tuple[str, Ref]]]) -> list[list[str]]:
    """Strongly connected components (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in order:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, pos = work.pop()
            if pos == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            successors = edges.get(node, [])
            recurse = False
            while pos < len(successors):
                nxt = successors[pos][0]
                pos += 1
                if nxt not in index:
                    work.append((node, pos))
                    work.append((nxt, 0))
                    recurse = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if recurse:
                continue
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                found.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def _cycle(
    start: str, members: set[str], edges: dict[str, list[tuple[str, Ref]]]
) -> tuple[list[str], Ref] | None:
    """The shortest cycle through `start` inside one component, and the edge closing it."""
    parent: dict[str, tuple[str, Ref] | None] = {start: None}
    queue = [start]
    for node in queue:
        for target, ref in edges.get(node, []):
            if target == start:
                chain = [node]
                while parent[chain[-1]] is not None:
                    chain.append(parent[chain[-1]][0])  # type: ignore[index]
                return list(reversed(chain)) + [start], ref
            if target in members and target not in parent:
                parent[target] = (node, ref)
                queue.append(target)
    return None
