from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import worldpool

SRC = Path(worldpool.__file__).parent
HARD_LIMIT = 450
FUNCTION_LIMIT = 60


def modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_module_within_size_budget(path: Path) -> None:
    """No module exceeds the 450-line hard limit of STYLE.md."""
    assert len(path.read_text().splitlines()) <= HARD_LIMIT


def packages() -> list[str]:
    names = ["worldpool"]
    for info in pkgutil.walk_packages(worldpool.__path__, "worldpool."):
        if info.ispkg and "migrations" not in info.name:
            names.append(info.name)
    return names


@pytest.mark.parametrize("name", packages())
def test_dunder_all_sorted_and_complete(name: str) -> None:
    """Each package's __all__ is sorted, and every name in it exists."""
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    if exported is None:
        pytest.skip(f"{name} exports nothing")
    assert list(exported) == sorted(exported)
    assert all(hasattr(module, n) for n in exported)


def test_every_public_function_has_docstring() -> None:
    """Every public function and class in the package has a docstring."""
    missing = []
    for path in modules():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.FunctionDef | ast.ClassDef)
                and not node.name.startswith("_")
                and ast.get_docstring(node) is None
            ):
                missing.append(f"{path.relative_to(SRC)}:{node.lineno} {node.name}")
    assert missing == []


def test_functions_within_budget() -> None:
    """No function or method in the package runs over 60 lines."""
    long = []
    for path in modules():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                if size > FUNCTION_LIMIT:
                    long.append(f"{path.relative_to(SRC)}:{node.lineno} {node.name}")
    assert long == []
