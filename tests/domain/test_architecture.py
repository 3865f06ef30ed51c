"""The shape of app/ a newcomer is promised (README, "Architecture"):

- layers import only downward: db < domain < i18n < pdf < api < state < ui;
- no import cycle between modules;
- the domain imports no Reflex; the state runs no SQL and imports no table;
- no domain module over ~500 lines (a package per capability instead).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app"

# rank of each layer: a module may import its own layer and those of lower rank
LAYERS = {
    "settings": 0, "db": 1, "domain": 2, "i18n": 3, "seed": 3, "pdf": 4, "api": 5, "background": 5,
    "state": 6, "ui": 7, "app": 8,
}
MAX_DOMAIN_LINES = 520


def _modules() -> dict[str, Path]:
    out = {}
    for path in APP.rglob("*.py"):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _imports(path: Path, *, top_level_only: bool) -> set[str]:
    """The app modules `path` imports (a `from pkg import name` counts pkg.name when it is a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.If) and top_level_only:
            continue  # `if TYPE_CHECKING:` blocks
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module
            if node.level:
                pkg = here.rsplit(".", node.level)[0]
                base = f"{pkg}.{node.module}"
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in MODULES else base)
    return {m for m in found if m in MODULES}


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "app"


def test_layers_import_only_downward():
    wrong = []
    for module, path in MODULES.items():
        rank = LAYERS[_layer(module)]
        for target in _imports(path, top_level_only=False):
            if LAYERS[_layer(target)] > rank:
                wrong.append(f"{module} -> {target}")
    assert not wrong, "imports from a lower layer to a higher one:\n" + "\n".join(sorted(wrong))


def test_no_import_cycle():
    graph = {m: _imports(p, top_level_only=False) - {m} for m, p in MODULES.items()}
    # a package's __init__ re-exporting its parts is not a cycle with them unless a part imports it back
    index, low, stack, on, cycles = {}, {}, [], set(), []
    counter = [0]

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
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
                cycles.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_domain_does_not_import_reflex():
    wrong = [m for m, p in MODULES.items() if _layer(m) == "domain" and "reflex" in _third_party(p)]
    assert not wrong


def _third_party(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


SQL_CALLS = re.compile(r"\b(db|session)\.(exec|get|execute|query|scalar|add|delete)\(")


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m) == "state"))
def test_state_runs_no_sql(module):
    path = MODULES[module]
    text = path.read_text(encoding="utf-8")
    assert not ({"sqlmodel", "sqlalchemy"} & _third_party(path)), f"{module} imports the ORM"
    assert "app.db.models" not in _imports_text(path), f"{module} imports tables"
    hits = SQL_CALLS.findall(text)
    assert not hits, f"{module} queries the database itself: {hits}"


def _imports_text(path: Path) -> str:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return " ".join(
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    )


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m) == "domain"))
def test_domain_modules_stay_small(module):
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_DOMAIN_LINES, f"{module} has {lines} lines: split it into a package along its sections"
