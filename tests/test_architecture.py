"""The shape of the house, checked: imports point one way, modules and functions stay small.

    app → retrieval, ingest → reportqa (core: types, schema, vocabulary, stores) ← prompts

retrieval and ingest never import each other: what both need (the report vocabulary, the schema,
the stores) is core. Two files are entry points and may import upward: reportqa/cli.py and
reportqa/__main__.py, kept so `python -m reportqa` and old scripts find the CLI in app/.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("reportqa", "ingest", "retrieval", "app", "prompts")
# what each package may import from the others
ALLOWED = {
    "reportqa": set(),
    "prompts": set(),
    "ingest": {"reportqa"},
    "retrieval": {"reportqa", "prompts"},
    "app": {"reportqa", "prompts", "ingest", "retrieval"},
}
ENTRY_POINTS = {"reportqa/cli.py", "reportqa/__main__.py"}
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 60
LONG_REASON = "# long:"  # a function may be longer when its first line says why


def _modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield package, path.relative_to(ROOT).as_posix(), path


def _imported_packages(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(PACKAGES)


@pytest.mark.parametrize("package, name, path", list(_modules()), ids=lambda v: v if isinstance(v, str) else "")
def test_imports_point_one_way(package, name, path):
    if name in ENTRY_POINTS:
        return
    upward = _imported_packages(ast.parse(path.read_text(encoding="utf-8"))) - ALLOWED[package] - {package}
    assert not upward, f"{name} imports {sorted(upward)}: {package} may import only {sorted(ALLOWED[package])}"


def test_modules_are_small():
    big = {name: n for _p, name, path in _modules()
           if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert not big, f"modules over {MAX_MODULE_LINES} lines: {big}"


def test_functions_are_short_or_say_why():
    long = []
    for _p, name, path in _modules():
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                size = node.end_lineno - node.lineno + 1
                first = node.body[0].lineno - 1
                said = any(LONG_REASON in lines[i] for i in range(node.lineno - 2, first + 1))
                if size > MAX_FUNCTION_LINES and not said:
                    long.append(f"{name}:{node.lineno} {node.name} ({size} lines)")
    assert not long, "functions over 60 lines without a reason: " + "; ".join(long)
