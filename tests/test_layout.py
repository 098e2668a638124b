"""The code's layout, as docs/architecture.md states it: wings by concept whose imports point one way,
no view imported across wings, modules and functions small enough to read."""

import ast
from pathlib import Path

import pytest

SCORING = Path(__file__).resolve().parent.parent / "scoring"
WINGS = (
    "accounts",
    "rubrics",
    "evidence",
    "sheets",
    "exports",
    "review",
    "reports",
    "history",
    "pledges",
    "awards",
    "province",
)
# The shared floor: everything may use it, it uses no wing.
FLOOR = ("models", "rollup", "notation", "workbooks", "files", "signing", "jobs", "notifications", "demo")
# The order in which wings may depend on each other: a wing imports only wings before it.
ORDER = {
    "floor": 0,
    "accounts": 1,
    "rubrics": 2,
    "evidence": 2,
    "sheets": 3,
    "exports": 4,
    "review": 5,
    "reports": 5,
    "history": 6,
    "pledges": 6,
    "awards": 6,
    # the province's pages come last: its desk, set-up, people and imports use every wing of the year
    "province": 7,
    "top": 8,
}


def modules():
    for path in sorted(SCORING.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def module_name(path: Path) -> str:
    parts = path.relative_to(SCORING.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def wing_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) < 2:
        return "top"
    if parts[1] in WINGS:
        return parts[1]
    return "floor" if parts[1] in FLOOR else "top"


def imported(path: Path) -> set[str]:
    """Every `scoring…` module the file imports, at any level of the file."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("scoring")}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join([*base, node.module] if node.module else base)
            if not target.startswith("scoring"):
                continue
            if target != "scoring":  # `from .. import rollup` imports scoring.rollup, not the package
                found.add(target)
            found |= {f"{target}.{a.name}" for a in node.names}  # `from . import services`
    return found


def known(module: str) -> bool:
    path = SCORING.parent / Path(*module.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def wing_edges() -> set[tuple[str, str, str, str]]:
    edges = set()
    for path in modules():
        source = module_name(path)
        for target in filter(known, imported(path)):
            if wing_of(source) != wing_of(target):
                edges.add((wing_of(source), wing_of(target), source, target))
    return edges


def test_it_finds_the_imports_it_checks():
    """The checks below would pass on nothing: make sure they see the real imports."""
    targets = {(s, t) for s, t, *_ in wing_edges()}
    assert ("sheets", "rubrics") in targets
    assert ("review", "exports") in targets
    assert ("reports", "sheets") in targets


def test_wings_import_only_the_wings_below_them():
    wrong = sorted(
        f"{source} imports {target}"
        for s, t, source, target in wing_edges()
        if ORDER[t] >= ORDER[s] and s != "top"
    )
    assert wrong == []


def test_no_wing_imports_a_view_of_another_wing():
    wrong = sorted(
        f"{source} imports {target}"
        for s, t, source, target in wing_edges()
        if target.endswith(".views") and s != "top"
    )
    assert wrong == []


def code_files():
    yield from modules()
    for folder in ("vpub", "scripts"):
        yield from sorted((SCORING.parent / folder).rglob("*.py"))


@pytest.mark.parametrize("path", list(code_files()), ids=lambda p: str(p.relative_to(SCORING.parent)))
def test_modules_and_functions_stay_small(path):
    source = path.read_text()
    lines = len(source.splitlines())
    assert lines <= 400, f"{lines} lines"
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno - node.lineno + 1 > 60
    ]
    assert long == []
