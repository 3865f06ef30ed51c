"""Staff management: accounts, roles, grids, deactivation, password resets, audit."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from app.db.models import AuthSession, Community, Grid, Staff
from app.domain import auth, grids, roles, staff
from app.domain.errors import DomainError, Refused
from app.seed import DEMO_PASSWORD

from .conftest import (
    ADMIN,
    BUTLER,
    BUTLER_2,
    FRONT_DESK,
    GOLD_BUTLER,
    GUARD,
    SUPERVISOR,
    TEAM_LEAD,
    phone,
)

NEW_PHONE = "13987654321"


def grid_of(db, staff_id: int) -> Grid | None:
    return db.exec(select(Grid).where(Grid.butler_id == staff_id)).first()


def expect(key: str, fn, *args, error=DomainError, **kwargs) -> DomainError:
    with pytest.raises(error) as err:
        fn(*args, **kwargs)
    assert err.value.key == key, (err.value.key, err.value.params)
    return err.value


class TestCreate:
    def test_temp_password_signs_in_and_must_be_changed(self, db, actor_of, entries):
        sup = actor_of(SUPERVISOR)
        sid, temp = staff.create_staff(
            db, sup, name=" 新管家 ", phone="139-8765-4321", role_list=[roles.BUTLER]
        )
        row = db.get(Staff, sid)
        assert (row.name, row.phone, row.community_id) == ("新管家", NEW_PHONE, sup.community_id)
        assert row.must_change_password and row.active
        assert temp not in row.password_hash

        token, actor = auth.sign_in(db, NEW_PHONE, temp)
        assert actor.id == sid and actor.must_change_password
        assert actor.roles == (roles.BUTLER,)
        with pytest.raises(Refused):
            auth.authorize(db, token, "home.grid")
        auth.change_password(db, actor, temp, "fresh-pass-9", "fresh-pass-9")
        assert auth.authorize(db, token, "home.grid").id == sid

        [entry] = entries("staff.create")
        assert (entry.actor_id, entry.subject, entry.before) == (sup.id, f"staff:{sid}", None)
        after = json.loads(entry.after)
        assert after == {
            "name": "新管家",
            "phone": NEW_PHONE,
            "roles": [roles.BUTLER],
            "active": True,
            "gold": False,
            "grid": None,
        }
        assert temp not in entry.after

    def test_temp_passwords_differ(self, db, actor_of):
        sup = actor_of(SUPERVISOR)
        _, t1 = staff.create_staff(db, sup, name="甲", phone="13900000001", role_list=[roles.GUARD])
        _, t2 = staff.create_staff(db, sup, name="乙", phone="13900000002", role_list=[roles.GUARD])
        assert t1 != t2

    def test_with_grid_takes_it_over(self, db, actor_of, staff_of, community_id):
        old = staff_of(BUTLER)
        grid = grid_of(db, old.id)
        sid, _ = staff.create_staff(
            db, actor_of(SUPERVISOR), name="新管家", phone=NEW_PHONE,
            role_list=[roles.BUTLER], grid_id=grid.id, gold=True,
        )
        assert grid_of(db, sid).id == grid.id
        assert grid_of(db, old.id) is None
        assert db.get(Staff, sid).is_gold_butler
        # a grid has exactly one butler
        assert sum(1 for g in grids.grids_of(db, community_id) if g[0] == grid.id) == 1

    def test_gold_only_for_butlers(self, db, actor_of):
        sid, _ = staff.create_staff(
            db, actor_of(SUPERVISOR), name="保安", phone=NEW_PHONE, role_list=[roles.GUARD], gold=True
        )
        assert not db.get(Staff, sid).is_gold_butler

    def test_phone_taken(self, db, actor_of, counts):
        before = counts()
        expect(
            "staff.phone_taken", staff.create_staff, db, actor_of(SUPERVISOR),
            name="重复", phone=phone(BUTLER), role_list=[roles.GUARD],
        )
        assert counts() == before

    @pytest.mark.parametrize(
        ("kwargs", "key"),
        [
            ({"role_list": []}, "staff.role_required"),
            ({"role_list": ["bogus"]}, "form.invalid"),
            ({"role_list": [roles.GUARD, "bogus"]}, "form.invalid"),
            ({"name": "  "}, "form.required"),
            ({"name": "名" * 41}, "form.too_long"),
            ({"phone": "abc"}, "phone.invalid"),
            ({"phone": ""}, "form.required"),
        ],
    )
    def test_invalid(self, db, actor_of, counts, kwargs, key):
        args = {"name": "新人", "phone": NEW_PHONE, "role_list": [roles.GUARD]} | kwargs
        before = counts()
        expect(key, staff.create_staff, db, actor_of(SUPERVISOR), **args)
        assert counts() == before

    def test_supervisor_cannot_grant_admin(self, db, actor_of, counts):
        before = counts()
        expect(
            "staff.admin_only", staff.create_staff, db, actor_of(SUPERVISOR),
            name="新管理员", phone=NEW_PHONE, role_list=[roles.ADMIN], error=Refused,
        )
        assert counts() == before

    def test_admin_can_grant_admin(self, db, actor_of):
        sid, _ = staff.create_staff(
            db, actor_of(ADMIN), name="新管理员", phone=NEW_PHONE, role_list=[roles.ADMIN]
        )
        assert auth.roles_of(db, sid) == (roles.ADMIN,)

    def test_grid_needs_a_butler(self, db, actor_of, staff_of):
        grid = grid_of(db, staff_of(BUTLER).id)
        expect(
            "staff.grid_needs_butler", staff.create_staff, db, actor_of(SUPERVISOR),
            name="保安", phone=NEW_PHONE, role_list=[roles.GUARD], grid_id=grid.id,
        )
        assert grid_of(db, staff_of(BUTLER).id).id == grid.id

    def test_team_lead_may_own_a_grid(self, db, actor_of, staff_of):
        grid = grid_of(db, staff_of(BUTLER).id)
        sid, _ = staff.create_staff(
            db, actor_of(SUPERVISOR), name="组长", phone=NEW_PHONE,
            role_list=[roles.TEAM_LEAD], grid_id=grid.id,
        )
        assert grid_of(db, sid).id == grid.id


def other_community_grid(db) -> Grid:
    other = Community(name="别的小区", code="OTHER")
    db.add(other)
    db.flush()
    grid = Grid(community_id=other.id, name="1号网格")
    db.add(grid)
    db.flush()
    return grid


class TestUpdate:
    def update(self, db, actor, target, **changes):
        row = staff.list_staff(db, actor, target.phone)[0]
        args = {
            "name": row.name, "role_list": list(row.roles), "grid_id": row.grid_id, "gold": row.gold,
        } | changes
        staff.update_staff(db, actor, target.id, **args)

    def test_rename_is_audited_with_before_and_after(self, db, actor_of, staff_of, entries):
        sup = actor_of(SUPERVISOR)
        target = staff_of(BUTLER)
        old_name = target.name
        self.update(db, sup, target, name="王芳芳")
        assert db.get(Staff, target.id).name == "王芳芳"
        [entry] = entries("staff.update")
        assert (entry.actor_id, entry.subject) == (sup.id, f"staff:{target.id}")
        before, after = json.loads(entry.before), json.loads(entry.after)
        assert (before["name"], after["name"]) == (old_name, "王芳芳")
        assert before["grid"] == after["grid"] == "2号网格"
        assert {k for k in before if before[k] != after[k]} == {"name"}

    def test_no_change_writes_nothing(self, db, actor_of, staff_of, counts):
        before = counts()
        self.update(db, actor_of(SUPERVISOR), staff_of(BUTLER))
        assert counts() == before

    def test_move_a_grid_to_another_butler(self, db, actor_of, staff_of, community_id, entries):
        a, b = staff_of(BUTLER), staff_of(BUTLER_2)
        grid_a, grid_b = grid_of(db, a.id), grid_of(db, b.id)
        self.update(db, actor_of(SUPERVISOR), b, grid_id=grid_a.id)
        assert grid_of(db, b.id).id == grid_a.id
        assert grid_of(db, a.id) is None  # the grid's previous butler lost it
        assert db.get(Grid, grid_b.id).butler_id is None  # b's old grid is free now
        states = {r.id: r.state for r in grids.summaries(db, community_id)}
        assert states[grid_b.id] == grids.NO_BUTLER
        [entry] = entries("staff.update")
        assert json.loads(entry.before)["grid"] == grid_b.name
        assert json.loads(entry.after)["grid"] == grid_a.name

    def test_grid_of_another_community(self, db, actor_of, staff_of):
        foreign = other_community_grid(db)
        target = staff_of(BUTLER)
        own = grid_of(db, target.id)
        expect("grid.not_found", self.update, db, actor_of(SUPERVISOR), target, grid_id=foreign.id)
        assert db.get(Grid, foreign.id).butler_id is None
        assert grid_of(db, target.id).id == own.id

    def test_unknown_grid(self, db, actor_of, staff_of):
        expect("grid.not_found", self.update, db, actor_of(SUPERVISOR), staff_of(BUTLER), grid_id=999_999)

    def test_grid_for_a_non_butler(self, db, actor_of, staff_of):
        grid = grid_of(db, staff_of(BUTLER).id)
        expect(
            "staff.grid_needs_butler", self.update, db, actor_of(SUPERVISOR), staff_of(GUARD),
            grid_id=grid.id,
        )
        assert grid.butler_id == staff_of(BUTLER).id

    def test_dropping_the_butler_role_frees_the_grid(self, db, actor_of, staff_of):
        target = staff_of(BUTLER)
        grid = grid_of(db, target.id)
        self.update(db, actor_of(SUPERVISOR), target, role_list=[roles.FRONT_DESK], grid_id=None)
        assert auth.roles_of(db, target.id) == (roles.FRONT_DESK,)
        assert db.get(Grid, grid.id).butler_id is None

    def test_gold_flag(self, db, actor_of, staff_of, community_id):
        gold = staff_of(GOLD_BUTLER)
        self.update(db, actor_of(SUPERVISOR), gold, gold=False)
        assert not db.get(Staff, gold.id).is_gold_butler
        row = next(r for r in grids.summaries(db, community_id) if r.butler_id == gold.id)
        assert row.state == grids.OVER

    def test_supervisor_cannot_edit_an_admin(self, db, actor_of, staff_of, counts):
        admin = staff_of(ADMIN)
        before = counts()
        expect(
            "staff.admin_only", staff.update_staff, db, actor_of(SUPERVISOR), admin.id,
            name="改名", role_list=[roles.ADMIN], grid_id=None, gold=False, error=Refused,
        )
        expect("staff.admin_only", staff.set_active, db, actor_of(SUPERVISOR), admin.id, False, error=Refused)
        expect("staff.admin_only", staff.reset_password, db, actor_of(SUPERVISOR), admin.id, error=Refused)
        assert counts() == before
        assert db.get(Staff, admin.id).name == "系统管理员" and db.get(Staff, admin.id).active

    def test_supervisor_cannot_make_someone_admin(self, db, actor_of, staff_of):
        target = staff_of(FRONT_DESK)
        expect(
            "staff.admin_only", self.update, db, actor_of(SUPERVISOR), target,
            role_list=[roles.FRONT_DESK, roles.ADMIN], error=Refused,
        )
        assert auth.roles_of(db, target.id) == (roles.FRONT_DESK,)

    def test_admin_can_edit_an_admin(self, db, actor_of, staff_of):
        other, _ = staff.create_staff(
            db, actor_of(ADMIN), name="管理员二", phone=NEW_PHONE, role_list=[roles.ADMIN]
        )
        staff.update_staff(
            db, actor_of(ADMIN), other, name="管理员二", role_list=[roles.ADMIN, roles.SUPERVISOR],
            grid_id=None, gold=False,
        )
        assert auth.roles_of(db, other) == (roles.SUPERVISOR, roles.ADMIN)

    def test_admin_cannot_demote_self(self, db, actor_of, staff_of):
        admin = staff_of(ADMIN)
        expect(
            "staff.cannot_demote_self", staff.update_staff, db, actor_of(ADMIN), admin.id,
            name=admin.name, role_list=[roles.SUPERVISOR], grid_id=None, gold=False,
        )
        assert auth.roles_of(db, admin.id) == (roles.ADMIN,)

    def test_staff_of_another_community(self, db, actor_of):
        other = Community(name="别的小区", code="OTHER")
        db.add(other)
        db.flush()
        from app.domain import clock

        stranger = Staff(
            community_id=other.id, name="外人", phone=NEW_PHONE, password_hash="x",
            created_at=clock.now(),
        )
        db.add(stranger)
        db.flush()
        sup = actor_of(SUPERVISOR)
        expect(
            "staff.not_found", staff.update_staff, db, sup, stranger.id, name="改", role_list=[roles.GUARD],
            grid_id=None, gold=False,
        )
        expect("staff.not_found", staff.set_active, db, sup, stranger.id, False)
        expect("staff.not_found", staff.reset_password, db, sup, stranger.id)
        expect("staff.not_found", staff.set_active, db, sup, 999_999, False)
        assert all(r.id != stranger.id for r in staff.list_staff(db, sup))


class TestDeactivate:
    def test_revokes_sessions_and_frees_the_grid(self, db, actor_of, staff_of, entries, community_id):
        target = staff_of(BUTLER)
        grid = grid_of(db, target.id)
        token, _ = auth.sign_in(db, phone(BUTLER), DEMO_PASSWORD)
        sup = actor_of(SUPERVISOR)

        staff.set_active(db, sup, target.id, False)
        assert not db.get(Staff, target.id).active
        assert auth.resolve(db, token) is None
        sessions = db.exec(select(AuthSession).where(AuthSession.staff_id == target.id)).all()
        assert sessions and all(s.revoked_at is not None for s in sessions)
        assert db.get(Grid, grid.id).butler_id is None
        assert next(r for r in grids.summaries(db, community_id) if r.id == grid.id).state == "no_butler"

        [entry] = entries("staff.deactivate")
        assert entry.actor_id == sup.id and entry.subject == f"staff:{target.id}"
        before, after = json.loads(entry.before), json.loads(entry.after)
        assert (before["active"], after["active"]) == (True, False)
        assert (before["grid"], after["grid"]) == (grid.name, None)

        with pytest.raises(DomainError) as err:
            auth.sign_in(db, phone(BUTLER), DEMO_PASSWORD)
        assert err.value.key == "auth.inactive"

    def test_reactivate(self, db, actor_of, staff_of, entries):
        target = staff_of(GUARD)
        staff.set_active(db, actor_of(SUPERVISOR), target.id, False)
        staff.set_active(db, actor_of(SUPERVISOR), target.id, True)
        assert db.get(Staff, target.id).active
        [entry] = entries("staff.activate")
        assert (json.loads(entry.before)["active"], json.loads(entry.after)["active"]) == (False, True)

    def test_no_change_writes_nothing(self, db, actor_of, staff_of, counts):
        before = counts()
        staff.set_active(db, actor_of(SUPERVISOR), staff_of(GUARD).id, True)
        assert counts() == before

    @pytest.mark.parametrize("who", [SUPERVISOR, ADMIN])
    def test_cannot_deactivate_self(self, db, actor_of, staff_of, counts, who):
        before = counts()
        expect("staff.cannot_deactivate_self", staff.set_active, db, actor_of(who), staff_of(who).id, False)
        assert staff_of(who).active
        assert counts() == before


class TestResetPassword:
    def test_revokes_sessions_and_forces_a_change(self, db, actor_of, staff_of, entries):
        token, _ = auth.sign_in(db, phone(TEAM_LEAD), DEMO_PASSWORD)
        sup = actor_of(SUPERVISOR)
        target = staff_of(TEAM_LEAD)
        temp = staff.reset_password(db, sup, target.id)
        assert auth.resolve(db, token) is None
        assert db.get(Staff, target.id).must_change_password

        with pytest.raises(DomainError):
            auth.sign_in(db, phone(TEAM_LEAD), DEMO_PASSWORD)
        new_token, actor = auth.sign_in(db, phone(TEAM_LEAD), temp)
        assert actor.must_change_password
        assert auth.authorize(db, new_token, "account.self").id == target.id

        [entry] = entries("staff.reset_password")
        assert (entry.actor_id, entry.subject) == (sup.id, f"staff:{target.id}")
        for field in (entry.before, entry.after, entry.detail):
            assert temp not in (field or "")


class TestList:
    def test_lists_the_community(self, db, actor_of, staff_of):
        from app.seed import DEMO_STAFF

        rows = staff.list_staff(db, actor_of(SUPERVISOR))
        assert len(rows) == len(DEMO_STAFF)
        by_phone = {r.phone: r for r in rows}
        butler = by_phone[phone(BUTLER)]
        assert butler.roles == (roles.BUTLER,) and butler.grid_name == "2号网格"
        assert by_phone[phone(GOLD_BUTLER)].gold
        assert by_phone[phone(GOLD_BUTLER)].grid_name == "1号网格"
        assert by_phone[phone(GUARD)].grid_id is None
        assert by_phone[phone(ADMIN)].roles == (roles.ADMIN,)

    def test_inactive_last(self, db, actor_of, staff_of):
        staff.set_active(db, actor_of(SUPERVISOR), staff_of(GUARD).id, False)
        rows = staff.list_staff(db, actor_of(SUPERVISOR))
        assert [r.active for r in rows] == [True] * (len(rows) - 1) + [False]
        assert rows[-1].phone == phone(GUARD)

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("王芳", {phone(BUTLER)}),
            ("13800000012", {phone(BUTLER_2)}),
            ("师傅", {phone("31"), phone("32")}),
            ("nobody", set()),
            ("%", set()),
            ("_", set()),
        ],
    )
    def test_search(self, db, actor_of, query, expected):
        assert {r.phone for r in staff.list_staff(db, actor_of(SUPERVISOR), query)} == expected
