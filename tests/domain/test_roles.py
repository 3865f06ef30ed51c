"""Roles: who may do what, and where each lands after sign-in."""

from __future__ import annotations

import pytest

from app.domain import roles


@pytest.mark.parametrize(
    ("held", "action", "expected"),
    [
        ((roles.BUTLER,), "home.grid", True),
        ((roles.TEAM_LEAD,), "home.grid", True),
        ((roles.GUARD,), "home.grid", False),
        ((roles.GUARD,), "home.gate", True),
        ((roles.BUTLER,), "home.gate", False),
        ((roles.TECHNICIAN,), "home.repairs", True),
        ((roles.FRONT_DESK,), "home.desk", True),
        ((roles.BUTLER,), "home.desk", False),
        ((roles.ENGINEERING_MANAGER,), "home.desk", True),
        ((roles.SUPERVISOR,), "staff.manage", True),
        ((roles.ADMIN,), "staff.manage", True),
        ((roles.TEAM_LEAD,), "staff.manage", False),
        ((roles.FRONT_DESK,), "staff.manage", False),
        ((roles.SUPERVISOR,), "staff.grant_admin", False),
        ((roles.ADMIN,), "staff.grant_admin", True),
        ((roles.GENERAL_MANAGER,), "audit.view", True),
        ((roles.BUTLER,), "audit.view", False),
        ((roles.ENGINEERING_MANAGER,), "grid.overview", False),
        ((roles.TEAM_LEAD,), "grid.overview", True),
        ((roles.GUARD, roles.SUPERVISOR), "staff.manage", True),
        ((), "account.self", False),
        (("nobody",), "account.self", False),
        ((roles.ADMIN,), "no.such.action", False),
    ],
)
def test_allowed(held, action, expected):
    assert roles.allowed(held, action) is expected


@pytest.mark.parametrize("role", roles.ALL_ROLES)
def test_every_role_manages_own_account(role):
    assert roles.allowed([role], "account.self")


def test_allowed_accepts_any_iterable():
    assert roles.allowed(iter([roles.BUTLER]), "home.grid")
    assert roles.allowed({roles.ADMIN}, "staff.manage")


@pytest.mark.parametrize(
    ("role", "home"),
    [
        (roles.BUTLER, "/grid"),
        (roles.GUARD, "/gate"),
        (roles.TECHNICIAN, "/repairs"),
        (roles.ADMIN, "/admin/staff"),
        (roles.FRONT_DESK, "/desk"),
        (roles.TEAM_LEAD, "/desk"),
        (roles.SUPERVISOR, "/desk"),
        (roles.ASSISTANT_MANAGER, "/desk"),
        (roles.ENGINEERING_MANAGER, "/desk"),
        (roles.GENERAL_MANAGER, "/desk"),
    ],
)
def test_home_for_each_role(role, home):
    assert roles.home_for([role]) == home


def test_every_role_has_a_home():
    assert {r for r, _ in roles.HOMES} == set(roles.ALL_ROLES)


@pytest.mark.parametrize(
    ("held", "home"),
    [
        ((roles.TEAM_LEAD, roles.BUTLER), "/grid"),  # the team lead keeps a grid of their own
        ((roles.SUPERVISOR, roles.ADMIN), "/admin/staff"),
        ((roles.FRONT_DESK, roles.GUARD), "/gate"),
        ((roles.TECHNICIAN, roles.ENGINEERING_MANAGER), "/repairs"),
        ((roles.GENERAL_MANAGER, roles.SUPERVISOR), "/desk"),
        ((), "/account"),
        (("unknown",), "/account"),
    ],
)
def test_home_for_several_roles(held, home):
    assert roles.home_for(held) == home
    assert roles.home_for(tuple(reversed(held))) == home  # order of holding does not matter


def test_valid_roles():
    assert roles.valid_roles([]) == []
    assert roles.valid_roles(["butler", "bogus", "supervisor", "butler"]) == [
        roles.SUPERVISOR,
        roles.BUTLER,
    ]
    assert roles.valid_roles(reversed(roles.ALL_ROLES)) == list(roles.ALL_ROLES)
    assert roles.valid_roles(["ADMIN", " admin"]) == []
