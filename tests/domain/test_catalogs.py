"""Guard: the message catalogs are complete in both languages, and every key the code uses exists.

How the code looks keys up (found by reading app/): components index the active catalog,
`T["key"]` (`app.ui.texts.T`), often through small helpers whose
parameter it looks up (`T[label_key]`); states call `self._msg(key)` /
`self._say(key)`; the domain raises `DomainError(key)` / `Refused(key)` / `TokenError(key)`
with a message key; server-side text uses `translate(lang, key)` (and `_zh(key)` in the PDFs).
Keys are often built as `"request.status." + status` or f"renovation.scope.{s}": such a prefix
must start at least one key, and the vocabularies behind the common prefixes are checked whole.

The scan reads the source with `ast` (no import of the UI), so it also sees code paths that no
test runs.
"""

from __future__ import annotations

import ast
import importlib
import re
import string
from dataclasses import dataclass
from pathlib import Path

import pytest

from app import i18n
from app.i18n import CATALOGS

APP = Path(__file__).resolve().parents[2] / "app"
KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
# calls whose string arguments are message keys
KEY_CALLS = {"DomainError", "Refused", "TokenError", "translate", "_msg", "_say", "_zh", "_error"}
FEATURE_MODULES = [m for m in vars(i18n).values() if hasattr(m, "ZH") and hasattr(m, "EN")]


@dataclass(frozen=True)
class Use:
    path: str
    line: int
    key: str
    prefix: bool  # True: the start of a key built at run time


def _is_lookup(node: ast.AST) -> bool:
    return isinstance(node, ast.Subscript) and (
        (isinstance(node.value, ast.Name) and node.value.id == "T")
        or (isinstance(node.value, ast.Attribute) and node.value.attr == "t")
    )


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _key_params(trees: dict[str, ast.Module]) -> dict[str, list[tuple[int, str]]]:
    """Functions (by name) with a parameter that they look up as a message key (`T[label_key]`,
    `self._say(key)`...): {name: [(position, parameter name)]}, position -1 for keyword-only."""
    out: dict[str, list[tuple[int, str]]] = {}
    for tree in trees.values():
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            looked_up: set[str] = set()
            for node in ast.walk(fn):
                if _is_lookup(node) and isinstance(node.slice, ast.Name):
                    looked_up.add(node.slice.id)
                elif isinstance(node, ast.Call) and _call_name(node) in KEY_CALLS:
                    looked_up.update(a.id for a in node.args if isinstance(a, ast.Name))
            positional = [a.arg for a in fn.args.posonlyargs + fn.args.args]
            params = [(i, p) for i, p in enumerate(positional) if p in looked_up]
            params += [(-1, a.arg) for a in fn.args.kwonlyargs if a.arg in looked_up]
            if params:
                out.setdefault(fn.name, []).extend(params)
    return out


def scan(path: str, tree: ast.Module, key_functions: dict[str, list[tuple[int, str]]]) -> list[Use]:
    """Every message key (or key prefix) this module's code looks up."""
    consts = {
        target.id: node.value.value
        for node in tree.body if isinstance(node, ast.Assign | ast.AnnAssign)
        and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    }
    uses: list[Use] = []

    def key_of(expr: ast.expr | None) -> None:
        if expr is None:
            return
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            if expr.value:  # "" means "no message"
                uses.append(Use(path, expr.lineno, expr.value, False))
        elif isinstance(expr, ast.Name) and expr.id in consts and KEY.match(consts[expr.id]):
            uses.append(Use(path, expr.lineno, consts[expr.id], False))
        elif isinstance(expr, ast.JoinedStr) and expr.values and isinstance(expr.values[0], ast.Constant):
            uses.append(Use(path, expr.lineno, str(expr.values[0].value), True))
        elif (isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add)
              and isinstance(expr.left, ast.Constant) and isinstance(expr.left.value, str)):
            uses.append(Use(path, expr.lineno, expr.left.value, True))
        elif isinstance(expr, ast.IfExp):
            key_of(expr.body)
            key_of(expr.orelse)

    for node in ast.walk(tree):
        if _is_lookup(node):
            key_of(node.slice)
        elif isinstance(node, ast.Call):
            name = _call_name(node)
            if name in KEY_CALLS:
                for arg in node.args:
                    # translate(lang, key): the language is a short code, not a key
                    if not (name == "translate" and isinstance(arg, ast.Constant)
                            and isinstance(arg.value, str) and not KEY.match(arg.value)):
                        key_of(arg)
                for kw in node.keywords:
                    if kw.arg in ("key", "error", "missing"):
                        key_of(kw.value)
            # helpers called by name (`_panel("desk.today", ...)`) or as `self._x(...)`; a call
            # on another object (`rx.link("#")`) is someone else's function of the same name
            func = node.func
            on_self = (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                       and func.value.id in ("self", "cls"))
            if not (isinstance(func, ast.Name) or on_self):
                continue
            for position, param in key_functions.get(name, []):
                at = position - 1 if on_self else position
                if 0 <= at < len(node.args) and position >= 0:
                    key_of(node.args[at])
                for kw in node.keywords:
                    if kw.arg == param:
                        key_of(kw.value)
    return uses


def _trees() -> dict[str, ast.Module]:
    return {
        str(p.relative_to(APP.parent)): ast.parse(p.read_text(encoding="utf-8"))
        for p in sorted(APP.rglob("*.py")) if "i18n" not in p.relative_to(APP).parts[:1]
    }


def _unknown(uses: list[Use]) -> list[Use]:
    keys = set(CATALOGS["zh"]) & set(CATALOGS["en"])
    return [u for u in uses if (not any(k.startswith(u.key) for k in keys) if u.prefix else u.key not in keys)]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


# ------------------------------------------------------------------------------------------


def test_every_key_exists_in_both_languages():
    zh, en = CATALOGS["zh"], CATALOGS["en"]
    assert sorted(set(zh) - set(en)) == [], "keys with no English text"
    assert sorted(set(en) - set(zh)) == [], "keys with no Chinese text"
    for module in FEATURE_MODULES:
        assert set(module.ZH) == set(module.EN), module.__name__
    assert [k for k in zh if not zh[k].strip() or not en[k].strip()] == []


def test_both_languages_take_the_same_parameters():
    zh, en = CATALOGS["zh"], CATALOGS["en"]
    differ = {k: (_fields(zh[k]), _fields(en[k])) for k in zh if k in en and _fields(zh[k]) != _fields(en[k])}
    assert differ == {}


def test_no_feature_module_redefines_a_key_of_another():
    seen: dict[str, str] = {}
    clashes = []
    for module in FEATURE_MODULES:
        for key in module.ZH:
            if key in seen and module.ZH[key] != CATALOGS["zh"][key]:
                clashes.append((key, seen[key], module.__name__))
            seen.setdefault(key, module.__name__)
    assert clashes == []


def test_every_key_used_in_code_exists():
    trees = _trees()
    functions = _key_params(trees)
    uses = [u for path, tree in trees.items() for u in scan(path, tree, functions)]
    assert len(uses) > 1000  # the scan finds the code's lookups (about 1,100 today)
    assert _unknown(uses) == []


def test_the_scan_reports_a_missing_key():
    source = '''
T = AppState.t
LABEL = "gate.no_such_label"
def field(label_key: str, name: str):
    return T[label_key]
def page():
    field("staff.no_such_field", "x")
    T["nav.no_such_tab"]
    T["request.no_such_prefix." + status]
    T[f"request.category.{c}"]
    raise DomainError(LABEL)
def handler(self):
    self._say("auth.no_such_message", ok=True)
'''
    tree = ast.parse(source)
    found = sorted(u.key for u in _unknown(scan("probe.py", tree, _key_params({"probe.py": tree}))))
    assert found == ["auth.no_such_message", "gate.no_such_label", "nav.no_such_tab",
                     "request.no_such_prefix.", "staff.no_such_field"]


VOCABULARIES = [
    ("request.category.", "app.domain.requests", "CATEGORIES"),
    ("request.status.", "app.domain.requests", "STATUSES"),
    ("request.channel.", "app.domain.requests", "CHANNELS"),
    ("request.dept.", "app.domain.requests", "DEPARTMENTS"),
    ("request.method.", "app.domain.requests", "FOLLOW_UP_METHODS"),
    ("role.", "app.domain.roles", "ALL_ROLES"),
    ("workorder.dept.", "app.domain.work_orders", "DEPARTMENTS"),
    ("patrol.category.", "app.domain.patrols", "CATEGORIES"),
    ("patrol.setup.cadence.", "app.domain.patrols", "CADENCES"),
    ("gate.verdict.", "app.domain.gate", "VERDICTS"),
    ("renovation.level.", "app.domain.renovations", "LEVELS"),
    ("renovation.decision.", "app.domain.renovations", "DECISIONS"),
    ("renovation.scope.", "app.domain.renovations", "SCOPES"),
    ("renovation.area.", "app.domain.renovations", "WATERPROOFING_AREAS"),
    ("renovation.trade.", "app.domain.renovation_passes", "TRADES"),
    ("renovation.stage.", "app.domain.renovation_checks", "STAGES"),
    ("renovation.check.", "app.domain.renovation_checks", "CHECK_ITEMS"),
    ("renovation.acceptance.", "app.domain.renovation_completion", "ACCEPTANCE_ITEMS"),
    ("site.kpi_period.", "app.domain.renovation_checks", "KPI_PERIODS"),
    ("rr.step.", "app.domain.resident_requests", "STEPS"),
]


@pytest.mark.parametrize(("prefix", "module", "name"), VOCABULARIES)
def test_every_word_of_a_vocabulary_has_a_label(prefix, module, name):
    """Keys built at run time (`"request.status." + status`): every value the domain can hold."""
    try:
        values = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        pytest.fail(f"{module}.{name} moved: point this guard at its new home")
    missing = [f"{prefix}{v}" for v in values
               if f"{prefix}{v}" not in CATALOGS["zh"] or f"{prefix}{v}" not in CATALOGS["en"]]
    assert missing == []


def test_every_request_event_written_has_a_label():
    """The request history shows `T["request.event." + kind]`; the kinds are the constants the
    domain passes to `_event(session, req, kind, ...)` and `_move(session, actor, req, status, kind)`."""
    positions = {"_event": 2, "_move": 4}
    kinds = set()
    for path in sorted((APP / "domain" / "requests").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _call_name(node) in positions:
                at = positions[_call_name(node)]
                arg = node.args[at] if len(node.args) > at else None
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    kinds.add(arg.value)
    assert {"received", "overdue", "closed"} <= kinds
    assert sorted(k for k in kinds if f"request.event.{k}" not in CATALOGS["zh"]
                  or f"request.event.{k}" not in CATALOGS["en"]) == []
