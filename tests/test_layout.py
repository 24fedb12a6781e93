"""The package layout is the data flow: digest → entries → resolve → store → render / sync.

Each module's imports are read from its source; a module never imports one of a higher
layer, and no modules import each other in a cycle. Modules are small: at most 400 lines,
functions at most 60.
"""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "paper2bib"

#: lowest first; a module may import its own layer and those below it
LAYERS: list[tuple[str, set[str]]] = [
    (
        "foundations",
        {"errors", "models", "text", "titlecase", "limits", "mapdata", "arxiv_ids", "names", "links", "config"},
    ),
    ("network", {"net"}),
    ("sources", {"digest", "resolver", "scholar", "hub", "citekeys"}),
    ("store", {"store"}),
    ("render", {"writers", "texfiles", "bibedit", "bibupdate", "texdocument", "userfile", "output"}),
    ("sync", {"zotero"}),
    ("services", {"services"}),
    ("use cases", {"commands"}),
    ("command line", {"cli", "__init__", "__main__"}),
]


def _name(path: Path) -> str:
    rel = path.relative_to(PACKAGE).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


MODULES = {_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path) -> set[str]:
    """The paper2bib modules ``name`` imports (relative imports resolved)."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            if node.level == 0:
                if not (node.module or "").startswith("paper2bib"):
                    continue
                target = node.module.split(".")[1:]  # type: ignore[union-attr]
            else:
                target = base + (node.module.split(".") if node.module else [])
            for alias in node.names:
                full = ".".join([*target, alias.name])
                out.add(full if full in MODULES else ".".join(target))
        elif isinstance(node, ast.Import):
            out |= {a.name.split(".", 1)[1] for a in node.names if a.name.startswith("paper2bib.")}
    return {m for m in out if m in MODULES and m != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _layer(module: str) -> int:
    top = module.split(".", maxsplit=1)[0] or "__init__"
    return next(i for i, (_, tops) in enumerate(LAYERS) if top in tops)


def test_every_module_has_a_layer():
    for module in MODULES:
        _layer(module)  # StopIteration names a module no layer holds


def test_nothing_imports_upward():
    upward = [
        f"{m} ({LAYERS[_layer(m)][0]}) imports {i} ({LAYERS[_layer(i)][0]})"
        for m, imports in GRAPH.items()
        for i in sorted(imports)
        if _layer(i) > _layer(m)
    ]
    assert upward == []


def test_no_import_cycle():
    graph = {m: {i for i in imports if not (m.startswith(i + ".") or i == "")} for m, imports in GRAPH.items()}
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as e:
        pytest.fail(f"import cycle: {' → '.join(e.args[1])}")


def test_modules_and_functions_are_small():
    big = []
    for name, path in MODULES.items():
        source = path.read_text(encoding="utf-8")
        if source.count("\n") > 400:
            big.append(f"{name}: {source.count(chr(10))} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > 60:
                    big.append(f"{name}.{node.name}: {length} lines")
    assert big == []


def test_the_graph_is_read():
    """The checks above see real edges (a reader that found none would pass them all)."""
    assert "store" in GRAPH["commands.add"] or "store.entries" in GRAPH["commands.add"]
    assert "services" in GRAPH["cli.base"] and "commands.add" in GRAPH["cli.library"]
