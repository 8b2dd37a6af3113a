"""The layout rules, walked over the source with ``ast``: no module imports another's private
names, and no two of our modules import each other, directly or round a longer loop (imports
inside functions count: a cycle hidden in a function is still a cycle).

The one reach into a library's private names is ``addin/recalc.py`` into the ``formulas``
engine, whose version is pinned: it spells the engine's own book keys the way the engine does,
so that no other book is ever loaded (see :func:`addin.recalc._model_class`).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("addin", "calculators", "bench")
LIBRARY_PRIVATES = {("addin.recalc", "formulas.excel"), ("addin.recalc", "formulas.functions.text")}


def _modules() -> dict[str, Path]:
    out = {}
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


def _imports(name: str, path: Path, modules: dict[str, Path]):
    """(imported module, imported name or None) for every import in the module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:
                if f"{module}.{alias.name}" in modules:
                    yield f"{module}.{alias.name}", None  # a submodule, not a name
                else:
                    yield module, alias.name


def _private(imported: str | None) -> bool:
    return bool(imported) and imported.startswith("_") and not imported.startswith("__")


def test_no_module_imports_another_modules_private_names():
    modules = _modules()
    found = []
    for name, path in modules.items():
        for module, imported in _imports(name, path, modules):
            if module == name or not _private(imported):
                continue
            if module in modules or (name, module) not in LIBRARY_PRIVATES:
                found.append(f"{name} imports {module}.{imported}")
    assert found == []


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def _edges() -> dict[str, set[str]]:
    modules = _modules()
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = edges.setdefault(name, set())
        for module, _ in _imports(name, path, modules):
            if module in modules and module != name:
                targets.add(module)
    return edges


def test_no_import_cycles():
    assert _cycles(_edges()) == []


def test_the_cycle_finder_finds_a_cycle():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(edges) == [["a", "b", "c"]]


def test_the_private_rule_sees_a_private_import(tmp_path, monkeypatch):
    """A planted private import is caught, so the walk is not hollow."""
    modules = {"pkg.a": tmp_path / "a.py", "pkg.b": tmp_path / "b.py"}
    modules["pkg.a"].write_text("def f():\n    from pkg.b import _hidden\n", encoding="utf-8")
    modules["pkg.b"].write_text("_hidden = 1\n", encoding="utf-8")
    got = list(_imports("pkg.a", modules["pkg.a"], modules))
    assert ("pkg.b", "_hidden") in got and _private("_hidden")


def test_calculators_never_import_the_add_in_or_xlwings():
    modules = _modules()
    for name, path in modules.items():
        if name.split(".")[0] != "calculators":
            continue
        for module, _ in _imports(name, path, modules):
            assert module.split(".")[0] not in {"addin", "xlwings", "bench"}, (name, module)
