"""The shape of the code, checked statically: no import cycles, no borrowed private names, short files.

import-linter (``.importlinter``, run by ``make test``) enforces the dependency direction between
packages. These tests read every module with :mod:`ast` instead of importing it, so they also see
the imports that run only inside a function, which is where a cycle hides.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "extraction", "studyplans", "cfipros")
# Where the line limit applies: every Python file of the project except migrations.
SOURCE_DIRS = (*APPS, "tests", "bench", "scripts")
MAX_LINES = 500

# Debts being paid while these tests came in: files still over the limit while they are split,
# and private names still borrowed. Each entry fails the test once it is paid, so the lists only
# shrink; they must end empty.
OVERSIZED_ALLOWED: frozenset[str] = frozenset()
PRIVATE_IMPORTS_ALLOWED: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Import:
    importer: str
    module: str  # the module named after ``from`` (or by ``import``), absolute
    names: tuple[str, ...]  # what ``from ... import`` takes; empty for ``import x``
    line: int


def _python_files(top: str) -> Iterator[Path]:
    for path in sorted((ROOT / top).rglob("*.py")):
        if "migrations" not in path.parts and "__pycache__" not in path.parts:
            yield path


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking_block(node: ast.AST) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return isinstance(test, ast.Name | ast.Attribute) and ast.unparse(test).endswith("TYPE_CHECKING")


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node, in functions too, except under ``if TYPE_CHECKING:`` (never run, so no cycle)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking_block(child):
                stack.extend(child.orelse)
            else:
                stack.append(child)


def _imports(path: Path) -> Iterator[Import]:
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(name, alias.name, (), node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield Import(name, base, tuple(alias.name for alias in node.names), node.lineno)


def _project_modules() -> dict[str, Path]:
    return {_module_name(path): path for app in APPS for path in _python_files(app)}


def _edges(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> project modules it imports: ``from pkg import sub`` counts as importing ``pkg.sub``."""
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for imp in _imports(path):
            targets = [f"{imp.module}.{n}" for n in imp.names if f"{imp.module}.{n}" in modules]
            if len(targets) < len(imp.names) or not imp.names:
                module = imp.module
                while module and module not in modules:
                    module = module.rpartition(".")[0]
                if module:
                    targets.append(module)
            graph[name].update(t for t in targets if t != name)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_sees_a_cycle_through_a_function_local_import(tmp_path: Path) -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from x.y import z\n")
    assert [(i.module, i.names) for i in _imports_of_file(source)] == [("x.y", ("z",))]


def _imports_of_file(path: Path) -> list[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        Import("m", node.module or "", tuple(a.name for a in node.names), node.lineno)
        for node in _runtime_nodes(tree)
        if isinstance(node, ast.ImportFrom)
    ]


def test_no_import_cycles_between_modules() -> None:
    cycles = _cycles(_edges(_project_modules()))
    assert not cycles, "import cycles (function-local imports included):\n" + "\n".join(
        " <-> ".join(c) for c in cycles
    )


def test_no_private_name_is_imported_from_another_module() -> None:
    """``from x import _name`` couples to what ``x`` keeps to itself; what is shared is public.

    A private *module* (``from bench import _common``) may be imported by its own package.
    """
    paths = [path for top in SOURCE_DIRS for path in _python_files(top)]
    modules = {_module_name(path) for path in paths}
    offences = {
        f"{_module_name(path)}: from {imp.module} import {name}"
        for path in paths
        for imp in _imports(path)
        for name in imp.names
        if name.startswith("_")
        and not (name.startswith("__") and name.endswith("__"))
        and not (f"{imp.module}.{name}" in modules and _module_name(path).startswith(imp.module + "."))
    }
    assert offences <= PRIVATE_IMPORTS_ALLOWED, "private names imported across modules:\n" + "\n".join(
        sorted(offences - PRIVATE_IMPORTS_ALLOWED)
    )
    assert not PRIVATE_IMPORTS_ALLOWED - offences, "allowed but no longer imported: " + ", ".join(
        sorted(PRIVATE_IMPORTS_ALLOWED - offences)
    )


def test_no_python_file_is_over_the_line_limit() -> None:
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for top in SOURCE_DIRS
        for path in _python_files(top)
    }
    over = {path: lines for path, lines in sizes.items() if lines > MAX_LINES}
    assert set(over) <= OVERSIZED_ALLOWED, f"files over {MAX_LINES} lines: " + ", ".join(
        f"{path} ({lines})" for path, lines in sorted(over.items()) if path not in OVERSIZED_ALLOWED
    )
    assert not OVERSIZED_ALLOWED - set(over), "allowed but no longer oversized: " + ", ".join(
        sorted(OVERSIZED_ALLOWED - set(over))
    )
