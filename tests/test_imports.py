"""No import cycles in src/policytext: a lower layer never imports an upper one, not even lazily.

The imports are read from the source (``ast``), so an import inside a function counts as much as
one at the top of a module; ``if TYPE_CHECKING:`` blocks do not count (they never run).
"""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Callable

from helpers import ROOT

PACKAGE = ROOT / "src" / "policytext"

KNOWN_CYCLES: dict[str, Callable[[set[str]], bool]] = {}
"""Cycles that other work in progress removes, each a test of the modules a cycle holds."""


def _module_names() -> dict[str, tuple[Path, bool]]:
    names = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        names[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return names


def _imports(name: str, path: Path, is_package: bool, modules: set[str]) -> set[str]:
    """The policytext modules that ``name`` imports anywhere in its source (not under TYPE_CHECKING)."""
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(_without_type_checking(ast.parse(path.read_text(encoding="utf-8")))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:  # `from policytext.collect import govuk` imports a module
                found.add(f"{module}.{alias.name}" if f"{module}.{alias.name}" in modules else module)
    return {module for module in found if module in modules and module != name}


def _without_type_checking(tree: ast.Module) -> ast.Module:
    class Drop(ast.NodeTransformer):
        def visit_If(self, node: ast.If):  # noqa: N802 - ast's naming
            return None if "TYPE_CHECKING" in ast.unparse(node.test) else self.generic_visit(node)

    return Drop().visit(tree)


def import_cycles() -> list[set[str]]:
    """Return each set of modules that import one another in a ring (strongly connected, > 1 module)."""
    modules = _module_names()
    graph = {name: _imports(name, path, is_package, set(modules)) for name, (path, is_package) in modules.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[set[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(component)

    for name in graph:
        if name not in index:
            visit(name)
    return cycles


def test_the_import_graph_is_read() -> None:
    modules = _module_names()
    web = _imports("policytext.collect.web", *modules["policytext.collect.web"], set(modules))
    assert "policytext.collect.base" in web and "policytext.collect.fetch" in web


def test_there_are_no_import_cycles() -> None:
    unexpected = [sorted(cycle) for cycle in import_cycles()
                  if not any(known(cycle) for known in KNOWN_CYCLES.values())]
    assert unexpected == [], f"modules that import one another: {unexpected}; move what they share a layer down"


def test_every_module_name_is_the_module() -> None:
    """``policytext.analyse.keyness`` is the keyness module, not a function a package exported over it."""
    import importlib
    import pkgutil

    import policytext

    shadowed = []
    for info in pkgutil.walk_packages(policytext.__path__, "policytext."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        parent, _, leaf = info.name.rpartition(".")
        # pytest's doctest collection (--import-mode=importlib) can import a module without setting
        # it on its package: a missing attribute shadows nothing; only another object under the name does
        if getattr(importlib.import_module(parent), leaf, module) is not module:
            shadowed.append(info.name)
    assert shadowed == [], f"these names do not give their module: {shadowed}"
