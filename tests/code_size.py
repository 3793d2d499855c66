"""Sizes of a render's Python code: lines per module and per function (tests and migrations aside).

The limits are the template's house rule: no module above 400 lines, no function above 60. A
function that could not be split without a measured loss of speed would be listed here with the
measurement; none is (the compiled annealing loop is 43 lines).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

MODULE_LIMIT = 400
FUNCTION_LIMIT = 60
SKIPPED_PARTS = {"tests", "migrations", ".venv", "venv", "__pycache__", ".cache"}


@dataclass(frozen=True, order=True)
class Size:
    lines: int
    where: str  # "path" or "path:qualified.name"


def python_files(project: Path) -> list[Path]:
    return sorted(
        path
        for path in project.rglob("*.py")
        if not SKIPPED_PARTS.intersection(path.relative_to(project).parts)
    )


def module_sizes(project: Path) -> list[Size]:
    sizes = [
        Size(len(path.read_text(encoding="utf-8").splitlines()), str(path.relative_to(project)))
        for path in python_files(project)
    ]
    return sorted(sizes, reverse=True)


def function_sizes(project: Path) -> list[Size]:
    sizes = []
    for path in python_files(project):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = str(path.relative_to(project).with_suffix("")).replace("/", ".")
        sizes += [
            Size(node.end_lineno - node.lineno + 1, f"{module}.{name}")
            for name, node in _functions(tree)
        ]
    return sorted(sizes, reverse=True)


def _functions(node: ast.AST, prefix: str = "") -> list[tuple[str, ast.AST]]:
    found = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            name = f"{prefix}{child.name}"
            if not isinstance(child, ast.ClassDef):
                found.append((name, child))
            found += _functions(child, f"{name}.")
    return found


def over_the_limits(project: Path) -> list[str]:
    """Modules and functions above the limits."""
    problems = [
        f"{size.where}: {size.lines} lines (module limit {MODULE_LIMIT})"
        for size in module_sizes(project)
        if size.lines > MODULE_LIMIT
    ]
    problems += [
        f"{size.where}: {size.lines} lines (function limit {FUNCTION_LIMIT})"
        for size in function_sizes(project)
        if size.lines > FUNCTION_LIMIT
    ]
    return problems


def report(project: Path, top: int = 5) -> str:
    modules, functions = module_sizes(project), function_sizes(project)
    lines = [f"{project.name}: {len(modules)} modules, {len(functions)} functions"]
    lines += [f"  module   {s.lines:4d}  {s.where}" for s in modules[:top]]
    lines += [f"  function {s.lines:4d}  {s.where}" for s in functions[:top]]
    return "\n".join(lines)
