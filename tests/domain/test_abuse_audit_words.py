"""Issue 15 #11: the audit log in words, and filtered by person, kind of action and day.

The guard test reads the code: every action key passed to `audit.record` (or
`record_bounded`), including the ones built from a vocabulary (`renovation.<decision>`,
`request.<event>`, the work-order and refusal helpers), has a word in both languages.
"""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

import pytest

from app.domain import audit, auth, clock, renovations, staff
from app.i18n import CATALOGS
from app.seed import DEMO_PASSWORD

from .conftest import ADMIN, BUTLER, SUPERVISOR, phone

APP = Path(__file__).resolve().parents[2] / "app"
# helpers that take the action key as an argument: name -> index of that argument
HELPERS = {"record": 1, "record_bounded": 1, "_refusal": 3, "_set_status": 4}


def _constants(tree: ast.Module) -> dict[str, str]:
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            out.update({t.id: node.value.value for t in node.targets if isinstance(t, ast.Name)})
    return out


def written_actions() -> set[str]:
    """Every audit action key the code under app/ can write."""
    found: set[str] = set()
    unresolved: list[str] = []
    for path in sorted(APP.rglob("*.py")):
        tree = ast.parse(path.read_text())
        consts = _constants(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name == "_move" and len(node.args) >= 5 and isinstance(node.args[4], ast.Constant):
                found.add(f"request.{node.args[4].value}")  # requests' transitions: request.<event>
                continue
            if name not in HELPERS or len(node.args) <= HELPERS[name]:
                continue
            if name == "record" and not (isinstance(node.func, ast.Attribute)
                                         and getattr(node.func.value, "id", "") == "audit"):
                continue
            arg = node.args[HELPERS[name]]
            values = [arg.body, arg.orelse] if isinstance(arg, ast.IfExp) else [arg]
            for v in values:
                if isinstance(v, ast.Constant) and isinstance(v.value, str):
                    found.add(v.value)
                elif isinstance(v, ast.Name) and v.id in consts:
                    found.add(consts[v.id])
                elif isinstance(v, ast.Name) and v.id == "action":
                    pass  # a helper's parameter: its callers are scanned above
                elif ast.unparse(v) == "f'renovation.{decision}'":
                    found.update(f"renovation.{d}" for d in renovations.DECISIONS)
                elif ast.unparse(v) == "f'request.{kind}'":
                    pass  # `_move` itself: its callers are scanned above
                else:
                    unresolved.append(f"{path.relative_to(APP)}:{node.lineno} {ast.unparse(v)}")
    assert not unresolved, f"action keys the guard cannot read; teach it: {unresolved}"
    return found


def test_the_scan_finds_the_known_families():
    actions = written_actions()
    assert {"auth.sign_in", "staff.update", "staff.deactivate", "renovation.approve", "request.dispatched",
            "workorder.done", "token.refused", "request.public_refused"} <= actions
    assert len(actions) > 60


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_written_action_has_a_word(lang):
    missing = sorted(a for a in written_actions() if f"audit.action.{a}" not in CATALOGS[lang])
    assert not missing, missing
    families = {a.split(".", 1)[0] for a in written_actions()}
    assert families <= set(audit.FAMILIES)
    assert all(f"audit.family.{f}" in CATALOGS[lang] for f in audit.FAMILIES)


def test_words_differ_from_keys_and_between_languages():
    for a in written_actions():
        zh, en = CATALOGS["zh"][f"audit.action.{a}"], CATALOGS["en"][f"audit.action.{a}"]
        assert zh != a and en != a and zh != en


# --- the search behind the screen -------------------------------------------------------------


def test_people_are_named_not_numbered(db, actor_of, staff_of, community_id, frozen):
    sup, butler = actor_of(SUPERVISOR), staff_of(BUTLER)
    staff.update_staff(db, sup, butler.id, name="王芳芳", role_list=["butler"], grid_id=None, gold=False)
    [row] = audit.search(db, community_id, family="staff", limit=1)
    assert (row.action, row.actor_name, row.subject_kind, row.subject_name) == (
        "staff.update", sup.name, "staff", "王芳芳")


def test_sign_in_subject_names_the_person_behind_the_phone(db, community_id, staff_of):
    auth.sign_in(db, phone(BUTLER), DEMO_PASSWORD)
    [row] = audit.search(db, community_id, family="auth", limit=1)
    assert (row.subject_kind, row.subject_ref, row.subject_name) == ("phone", phone(BUTLER), staff_of(BUTLER).name)


def test_filter_by_person_action_and_day(db, actor_of, staff_of, community_id, frozen):
    sup, admin, butler = actor_of(SUPERVISOR), actor_of(ADMIN), staff_of(BUTLER)
    audit.record(db, "test.sup", actor_id=sup.id, community_id=community_id)
    audit.record(db, "test.admin", actor_id=admin.id, community_id=community_id, subject=f"staff:{butler.id}")
    clock.advance(timedelta(days=1))
    audit.record(db, "test.sup_later", actor_id=sup.id, community_id=community_id)

    by_sup = [r.action for r in audit.search(db, community_id, person_id=sup.id, limit=500)]
    assert by_sup[:2] == ["test.sup_later", "test.sup"] and "test.admin" not in by_sup
    # a person's filter also shows what was done to their account
    about = [r.action for r in audit.search(db, community_id, person_id=butler.id, limit=500)]
    assert "test.admin" in about
    today = clock.today()
    on_day = [r.action for r in audit.search(db, community_id, person_id=sup.id, day=today - timedelta(days=1))]
    assert "test.sup" in on_day and "test.sup_later" not in on_day
    assert audit.search(db, community_id, family="test.admin")[0].action == "test.admin"
    assert audit.search(db, community_id, family="no-such-family") == []


def test_person_of_another_community_shows_nothing(db, community_id, staff_of):
    assert audit.search(db, community_id + 999, person_id=staff_of(BUTLER).id) == []
