"""Issue 15 #13 (staff part): nobody changes their own roles; a reset never shows a higher role's password."""

from __future__ import annotations

import pytest

from app.db.models import Staff
from app.domain import auth, roles, staff
from app.domain.errors import DomainError, Refused
from app.seed import DEMO_PASSWORD

from .conftest import ADMIN, BUTLER, FRONT_DESK, SUPERVISOR, TEAM_LEAD, phone

ENGINEERING_MANAGER = "41"
GENERAL_MANAGER = "42"
ASSISTANT_MANAGER = "43"


def expect(key: str, fn, *args, error=DomainError, **kwargs) -> None:
    with pytest.raises(error) as err:
        fn(*args, **kwargs)
    assert err.value.key == key, (err.value.key, err.value.params)


@pytest.mark.parametrize(
    "wanted",
    [
        [roles.SUPERVISOR, roles.ENGINEERING_MANAGER, roles.GENERAL_MANAGER],  # the tried escalation
        [roles.SUPERVISOR, roles.ENGINEERING_MANAGER],
        [roles.FRONT_DESK],  # nor down, nor sideways
    ],
)
def test_supervisor_cannot_change_her_own_roles(db, actor_of, staff_of, counts, wanted):
    me = staff_of(SUPERVISOR)
    before = counts()
    expect("staff.cannot_change_own_roles", staff.update_staff, db, actor_of(SUPERVISOR), me.id,
           name=me.name, role_list=wanted, grid_id=None, gold=False, error=Refused)
    assert auth.roles_of(db, me.id) == (roles.SUPERVISOR,)
    assert counts() == before


def test_admin_cannot_change_own_roles_either(db, actor_of, staff_of):
    me = staff_of(ADMIN)
    expect("staff.cannot_change_own_roles", staff.update_staff, db, actor_of(ADMIN), me.id,
           name=me.name, role_list=[roles.ADMIN, roles.GENERAL_MANAGER], grid_id=None, gold=False, error=Refused)


def test_own_name_may_still_change(db, actor_of, staff_of):
    me = staff_of(SUPERVISOR)
    staff.update_staff(db, actor_of(SUPERVISOR), me.id, name="周敏（主管）",
                       role_list=[roles.SUPERVISOR], grid_id=None, gold=False)
    assert db.get(Staff, me.id).name == "周敏（主管）"


def test_another_manager_may_change_her_roles(db, actor_of, staff_of):
    me = staff_of(SUPERVISOR)
    staff.update_staff(db, actor_of(ADMIN), me.id, name=me.name,
                       role_list=[roles.SUPERVISOR, roles.ASSISTANT_MANAGER], grid_id=None, gold=False)
    assert auth.roles_of(db, me.id) == (roles.SUPERVISOR, roles.ASSISTANT_MANAGER)


@pytest.mark.parametrize("target", [GENERAL_MANAGER, ENGINEERING_MANAGER, ASSISTANT_MANAGER, SUPERVISOR])
def test_supervisor_cannot_reset_a_managers_password(db, actor_of, staff_of, counts, target):
    person = staff_of(target) if target != SUPERVISOR else None
    if person is None:  # a second supervisor: a peer, not below her
        person, _ = _new(db, actor_of(ADMIN), [roles.SUPERVISOR])
    before_hash, before_flag = person.password_hash, person.must_change_password
    before = counts()
    expect("staff.reset_needs_higher_rank", staff.reset_password, db, actor_of(SUPERVISOR), person.id, error=Refused)
    db.refresh(person)
    assert (person.password_hash, person.must_change_password) == (before_hash, before_flag)
    assert counts() == before
    if target != SUPERVISOR:  # the old password still signs them in: nothing was issued
        auth.sign_in(db, person.phone, DEMO_PASSWORD)


def _new(db, actor, role_list):
    sid, temp = staff.create_staff(db, actor, name="第二主管", phone="13987650001", role_list=role_list)
    return db.get(Staff, sid), temp


@pytest.mark.parametrize("target", [BUTLER, FRONT_DESK, TEAM_LEAD])
def test_supervisor_may_reset_below_her(db, actor_of, staff_of, target):
    person = staff_of(target)
    temp = staff.reset_password(db, actor_of(SUPERVISOR), person.id)
    assert temp and auth.sign_in(db, phone(target), temp)[1].must_change_password


@pytest.mark.parametrize("target", [GENERAL_MANAGER, SUPERVISOR, ENGINEERING_MANAGER])
def test_admin_resets_managers(db, actor_of, staff_of, target):
    assert staff.reset_password(db, actor_of(ADMIN), staff_of(target).id)


def test_team_lead_outranks_nobody_above_and_nobody_resets_their_own(db, actor_of, staff_of):
    assert staff.may_reset(actor_of(TEAM_LEAD), (roles.BUTLER,), staff_of(BUTLER).id)
    assert not staff.may_reset(actor_of(TEAM_LEAD), (roles.TEAM_LEAD,), -1)
    assert not staff.may_reset(actor_of(TEAM_LEAD), (roles.SUPERVISOR,), -1)
    for who in (SUPERVISOR, ADMIN):
        expect("staff.cannot_reset_self", staff.reset_password, db, actor_of(who), staff_of(who).id)


@pytest.mark.parametrize("role", [roles.GENERAL_MANAGER, roles.ENGINEERING_MANAGER, roles.SUPERVISOR])
def test_supervisor_cannot_create_a_manager_account(db, actor_of, counts, role):
    """A second account (hers, or a friend's) with a manager's role would decide the other levels."""
    before = counts()
    expect("staff.role_above_rank", staff.create_staff, db, actor_of(SUPERVISOR), name="小号",
           phone="13987650002", role_list=[role], error=Refused)
    assert counts() == before


def test_supervisor_cannot_give_a_butler_a_managers_role(db, actor_of, staff_of):
    b = staff_of(BUTLER)
    expect("staff.role_above_rank", staff.update_staff, db, actor_of(SUPERVISOR), b.id, name=b.name,
           role_list=[roles.BUTLER, roles.GENERAL_MANAGER], grid_id=None, gold=False, error=Refused)
    assert auth.roles_of(db, b.id) == (roles.BUTLER,)


def test_supervisor_cannot_edit_or_deactivate_the_general_manager(db, actor_of, staff_of):
    gm = staff_of(GENERAL_MANAGER)
    expect("staff.needs_higher_rank", staff.update_staff, db, actor_of(SUPERVISOR), gm.id, name=gm.name,
           role_list=[roles.FRONT_DESK], grid_id=None, gold=False, error=Refused)
    expect("staff.needs_higher_rank", staff.set_active, db, actor_of(SUPERVISOR), gm.id, False, error=Refused)
    assert auth.roles_of(db, gm.id) == (roles.GENERAL_MANAGER,) and db.get(Staff, gm.id).active


def test_the_admin_grants_manager_roles(db, actor_of):
    sid, _ = staff.create_staff(db, actor_of(ADMIN), name="新总经理", phone="13987650003",
                                role_list=[roles.GENERAL_MANAGER])
    assert auth.roles_of(db, sid) == (roles.GENERAL_MANAGER,)
