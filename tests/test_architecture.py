"""The package graph runs one way: common -> text -> store -> ingest -> rag -> ui.

Read from the source with `ast`, so an import inside a function counts as much as one at the
top of a module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["common", "text", "store", "ingest", "rag", "ui"]   # each may import only those before it


def imports_of(path: Path) -> set[str]:
    """Top-level project packages imported anywhere in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(n.split(".")[0] for n in names if n.split(".")[0] in LAYERS)
    return found


def edges() -> dict[tuple[str, str], list[str]]:
    out: dict[tuple[str, str], list[str]] = {}
    for package in LAYERS:
        for module in sorted((ROOT / package).rglob("*.py")):
            for target in imports_of(module) - {package}:
                out.setdefault((package, target), []).append(str(module.relative_to(ROOT)))
    return out


def test_imports_only_go_down_the_pipeline():
    upward = {(a, b): where for (a, b), where in edges().items() if LAYERS.index(b) > LAYERS.index(a)}
    assert not upward, "imports against the pipeline's direction: " + "; ".join(
        f"{a} -> {b} in {', '.join(where)}" for (a, b), where in upward.items())


def test_text_utilities_stand_alone():
    assert not {b for (a, b) in edges() if a == "text"} - {"common"}


@pytest.mark.parametrize("package", LAYERS)
def test_no_lazy_import_workarounds(package):
    tree = ast.parse((ROOT / package / "__init__.py").read_text(encoding="utf-8"))
    assert not any(isinstance(n, ast.FunctionDef) and n.name == "__getattr__" for n in tree.body)


def test_the_checker_sees_an_upward_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from rag.assistant import Assistant\n    import ui.web\n")
    assert imports_of(module) == {"rag", "ui"}
