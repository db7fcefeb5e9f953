"""The layout: packages import one another in one direction only, and rules stay plain.

Read from the source, not by importing it: a wrong-way import fails here even if
nothing runs it yet. The graph is printed on failure, and by `-s`.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

SERVER = Path(__file__).resolve().parent.parent / "server"

# Lowest first. A package may import its own layer's packages (features, each other,
# without cycles) and any layer below it, never one above.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"server", "config", "metrics"}),
    frozenset({"core"}),
    frozenset({"i18n"}),
    frozenset({"features.*", "reports"}),
    frozenset({"storage", "seed", "archive"}),
    frozenset({"realtime"}),
    frozenset({"web"}),
    frozenset({"bootstrap", "app", "cli", "wsgi", "__main__", "green"}),
)

# The rules of each feature, and the core's plain vocabulary: no framework, no SQL.
PLAIN_MODULES = (
    "features/*/rules.py",
    "features/polls/counting.py",
    "features/presence/replay.py",
    "core/errors.py",
    "core/events.py",
    "core/ids.py",
    "core/json_input.py",
    "core/text.py",
    "core/times.py",
    "core/lifecycle.py",
    "core/languages.py",
)
FRAMEWORKS = ("flask", "flask_socketio", "flask_babel", "socketio", "sqlalchemy", "eventlet")


def module_name(path: Path) -> str:
    parts = path.relative_to(SERVER.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_of(module: str) -> str:
    """`server.features.polls.service` → `features.polls`; `server.web.api` → `web`."""
    parts = module.split(".")[1:]
    if not parts:
        return "server"
    if parts[0] == "features" and len(parts) > 1:
        return f"features.{parts[1]}"
    return parts[0]


def imported_modules(path: Path) -> Iterator[str]:
    """Every module `path` imports (at the top or inside a function), made absolute."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + [node.module or ""])
            else:
                base = node.module or ""
            yield base.rstrip(".")
            yield from (f"{base.rstrip('.')}.{alias.name}" for alias in node.names)


def sources() -> Iterator[Path]:
    for path in sorted(SERVER.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def package_graph() -> dict[str, dict[str, list[str]]]:
    """`{package: {imported package: [why, …]}}` between different packages of `server`."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    known = {module_name(path) for path in sources()}
    for path in sources():
        importer = module_name(path)
        for imported in imported_modules(path):
            if imported not in known:
                continue
            source, target = package_of(importer), package_of(imported)
            if source != target:
                graph[source][target].append(f"{importer} imports {imported}")
    return graph


def layer_of(package: str) -> int:
    key = "features.*" if package.startswith("features.") else package
    for rank, layer in enumerate(LAYERS):
        if key in layer:
            return rank
    raise AssertionError(f"package {package!r} is in no layer of tests/test_layout.py")


def cycles(graph: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """Strongly connected components of more than one package (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, {}):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def drawn(graph: dict[str, dict[str, list[str]]]) -> str:
    return "\n".join(f"{p} -> {', '.join(sorted(graph[p]))}" for p in sorted(graph))


def test_no_package_imports_one_of_a_higher_layer() -> None:
    graph = package_graph()
    print(drawn(graph))
    wrong = [
        why
        for source, targets in graph.items()
        for target, reasons in targets.items()
        if layer_of(target) > layer_of(source)
        for why in reasons
    ]
    assert wrong == [], "wrong-way imports:\n" + "\n".join(wrong)


def test_no_two_packages_import_each_other_even_through_others() -> None:
    graph = package_graph()
    assert cycles(graph) == [], drawn(graph)


def test_rules_and_the_core_vocabulary_import_no_framework_and_no_sql() -> None:
    offenders = [
        f"{module_name(path)} imports {imported}"
        for pattern in PLAIN_MODULES
        for path in SERVER.glob(pattern)
        for imported in imported_modules(path)
        if imported.split(".")[0] in FRAMEWORKS
    ]
    assert offenders == []


def test_the_check_sees_a_wrong_way_import_and_a_cycle() -> None:
    """The checks above can fail: a core importing a feature, and two features in a ring."""
    assert layer_of("features.polls") > layer_of("core")
    ring = {"features.a": {"features.b": ["a→b"]}, "features.b": {"features.a": ["b→a"]}}
    assert cycles(ring) == [["features.a", "features.b"]]
    assert cycles({"web": {"core": ["web→core"]}}) == []
