"""Staff accounts: create, change roles and grid, deactivate, reset a password.

Managed by an admin or the supervisor of the same community; only an admin
may grant the admin role or touch an admin's account. Every change audited.

Separation of duties:
- nobody changes their own roles (a supervisor giving herself the engineering
  manager's and the general manager's roles could approve a renovation alone);
  another manager or the admin must do it;
- a password reset shows a one-time password on screen, so it may only be done
  by someone who outranks the person (`RANK`: admin > general manager >
  supervisor, engineering manager, assistant manager > team lead > the rest), or
  by the admin for anyone. A supervisor may reset a butler's password, never a
  manager's; nobody resets their own (they change it on the account page);
- the same rank rule for the rest of an account: a non-admin grants only roles
  below their own rank (a supervisor cannot make a second account of hers, or a
  friend's, an engineering or general manager) and edits or deactivates only
  people they outrank (besides their own name).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, or_, select

from app.db.models import Community, Grid, Staff, StaffRole
from app.domain import audit, auth, clock, passwords, roles
from app.domain.auth import Actor
from app.domain.errors import DomainError, Refused
from app.domain.validation import clean_text, normalize_phone

GRID_ROLES = frozenset({roles.BUTLER, roles.TEAM_LEAD})
# who outranks whom for a password reset (a person's rank: their highest role's)
RANK: dict[str, int] = {
    roles.ADMIN: 4,
    roles.GENERAL_MANAGER: 3,
    roles.SUPERVISOR: 2,
    roles.ENGINEERING_MANAGER: 2,
    roles.ASSISTANT_MANAGER: 2,
    roles.TEAM_LEAD: 1,
}


def rank(held: tuple[str, ...] | list[str]) -> int:
    return max((RANK.get(r, 0) for r in held), default=0)


def may_reset(actor: Actor, target_roles: tuple[str, ...], target_id: int) -> bool:
    """Whether `actor` may reset the password of the person holding `target_roles`."""
    if target_id == actor.id:
        return False
    return roles.ADMIN in actor.roles or rank(actor.roles) > rank(target_roles)


def may_grant(actor: Actor, role: str) -> bool:
    """Whether `actor` may give `role` to someone: the admin any, others only roles below their rank."""
    return roles.ADMIN in actor.roles or RANK.get(role, 0) < rank(actor.roles)


def may_manage(actor: Actor, target_roles: tuple[str, ...], target_id: int) -> bool:
    """Whether `actor` may edit or (de)activate this account (their own: its name only)."""
    return target_id == actor.id or roles.ADMIN in actor.roles or rank(actor.roles) > rank(target_roles)


@dataclass(frozen=True)
class StaffRow:
    id: int
    name: str
    phone: str
    roles: tuple[str, ...]
    active: bool
    gold: bool
    grid_id: int | None
    grid_name: str
    must_change_password: bool


def _snapshot(session: Session, staff: Staff) -> dict:
    assert staff.id is not None
    grid = session.exec(select(Grid).where(Grid.butler_id == staff.id)).first()
    return {
        "name": staff.name,
        "phone": staff.phone,
        "roles": list(auth.roles_of(session, staff.id)),
        "active": staff.active,
        "gold": staff.is_gold_butler,
        "grid": grid.name if grid else None,
    }


def _load(session: Session, actor: Actor, staff_id: int) -> Staff:
    staff = session.get(Staff, staff_id)
    if staff is None or staff.community_id != actor.community_id:
        raise DomainError("staff.not_found")
    if roles.ADMIN in auth.roles_of(session, staff_id) and not actor.can("staff.grant_admin"):
        raise Refused("staff.admin_only")
    return staff


def _check_roles(actor: Actor, wanted: list[str]) -> list[str]:
    chosen = roles.valid_roles(wanted)
    if len(chosen) != len(set(wanted)):
        raise DomainError("form.invalid")
    if not chosen:
        raise DomainError("staff.role_required")
    if roles.ADMIN in chosen and not actor.can("staff.grant_admin"):
        raise Refused("staff.admin_only")
    return chosen


def _set_roles(session: Session, staff_id: int, chosen: list[str]) -> None:
    for row in session.exec(select(StaffRole).where(StaffRole.staff_id == staff_id)).all():
        session.delete(row)
    session.flush()
    for role in chosen:
        session.add(StaffRole(staff_id=staff_id, role=role))


def _set_grid(
    session: Session, actor: Actor, staff_id: int, chosen: list[str], grid_id: int | None
) -> None:
    """Make `staff_id` the butler of `grid_id` (and of no other grid)."""
    if grid_id is not None and not GRID_ROLES.intersection(chosen):
        raise DomainError("staff.grid_needs_butler")
    if grid_id is not None:
        grid = session.get(Grid, grid_id)
        if grid is None or grid.community_id != actor.community_id:
            raise DomainError("grid.not_found")
    for owned in session.exec(select(Grid).where(Grid.butler_id == staff_id)).all():
        if owned.id != grid_id:
            owned.butler_id = None
            session.add(owned)
    if grid_id is not None:
        grid.butler_id = staff_id
        session.add(grid)


def list_staff(
    session: Session, actor: Actor, query: str = "", limit: int = 200
) -> list[StaffRow]:
    """Staff of the actor's community, filtered by name or phone."""
    stmt = select(Staff).where(Staff.community_id == actor.community_id)
    q = (query or "").strip()[:40]
    if q:
        # the query is matched literally: % and _ are not wildcards here
        like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            or_(
                col(Staff.name).like(like, escape="\\"),
                col(Staff.phone).like(like, escape="\\"),
            )
        )
    staff = session.exec(stmt.order_by(col(Staff.active).desc(), Staff.name).limit(limit)).all()
    ids = [s.id for s in staff]
    role_map: dict[int, list[str]] = {}
    for sid, role in session.exec(
        select(StaffRole.staff_id, StaffRole.role).where(col(StaffRole.staff_id).in_(ids))
    ).all():
        role_map.setdefault(sid, []).append(role)
    grid_map = {
        g.butler_id: g
        for g in session.exec(select(Grid).where(col(Grid.butler_id).in_(ids))).all()
    }
    return [
        StaffRow(
            id=s.id,
            name=s.name,
            phone=s.phone,
            roles=tuple(roles.valid_roles(role_map.get(s.id, []))),
            active=s.active,
            gold=s.is_gold_butler,
            grid_id=grid_map[s.id].id if s.id in grid_map else None,
            grid_name=grid_map[s.id].name if s.id in grid_map else "",
            must_change_password=s.must_change_password,
        )
        for s in staff
    ]


def create_staff(
    session: Session,
    actor: Actor,
    *,
    name: str,
    phone: str,
    role_list: list[str],
    grid_id: int | None = None,
    gold: bool = False,
) -> tuple[int, str]:
    """Create an account. Returns (staff id, one-time password to hand over)."""
    name = clean_text(name, field="name", max_length=40)
    phone = normalize_phone(phone)
    chosen = _check_roles(actor, role_list)
    if not all(may_grant(actor, r) for r in chosen):
        raise Refused("staff.role_above_rank")
    if session.exec(select(Staff.id).where(Staff.phone == phone)).first() is not None:
        raise DomainError("staff.phone_taken")
    temp = passwords.temporary_password()
    staff = Staff(
        community_id=actor.community_id,
        name=name,
        phone=phone,
        password_hash=passwords.hash_password(temp),
        is_gold_butler=bool(gold) and roles.BUTLER in chosen,
        must_change_password=True,
        created_at=clock.now(),
    )
    session.add(staff)
    session.flush()
    _set_roles(session, staff.id, chosen)
    _set_grid(session, actor, staff.id, chosen, grid_id)
    session.flush()
    audit.record(
        session, "staff.create", actor_id=actor.id, community_id=actor.community_id,
        subject=f"staff:{staff.id}", after=_snapshot(session, staff),
    )
    return staff.id, temp


def update_staff(
    session: Session,
    actor: Actor,
    staff_id: int,
    *,
    name: str,
    role_list: list[str],
    grid_id: int | None,
    gold: bool,
) -> None:
    """Change name, roles, grid and gold flag of an account."""
    staff = _load(session, actor, staff_id)
    name = clean_text(name, field="name", max_length=40)
    chosen = _check_roles(actor, role_list)
    if staff_id == actor.id and roles.ADMIN in actor.roles and roles.ADMIN not in chosen:
        raise DomainError("staff.cannot_demote_self")
    held = auth.roles_of(session, staff_id)
    if staff_id == actor.id and set(chosen) != set(held):
        raise Refused("staff.cannot_change_own_roles")
    if not may_manage(actor, held, staff_id):
        raise Refused("staff.needs_higher_rank")
    if not all(may_grant(actor, r) for r in set(chosen) - set(held)):
        raise Refused("staff.role_above_rank")
    before = _snapshot(session, staff)
    staff.name = name
    staff.is_gold_butler = bool(gold) and roles.BUTLER in chosen
    session.add(staff)
    _set_roles(session, staff_id, chosen)
    _set_grid(session, actor, staff_id, chosen, grid_id)
    session.flush()
    after = _snapshot(session, staff)
    if after != before:
        audit.record(
            session, "staff.update", actor_id=actor.id, community_id=actor.community_id,
            subject=f"staff:{staff_id}", before=before, after=after,
        )


def set_active(session: Session, actor: Actor, staff_id: int, active: bool) -> None:
    """Deactivate (signs the person out everywhere, frees their grid) or reactivate."""
    staff = _load(session, actor, staff_id)
    if staff_id == actor.id:
        raise DomainError("staff.cannot_deactivate_self")
    if not may_manage(actor, auth.roles_of(session, staff_id), staff_id):
        raise Refused("staff.needs_higher_rank")
    if staff.active == active:
        return
    before = _snapshot(session, staff)
    staff.active = active
    session.add(staff)
    if not active:
        auth.revoke_all(session, staff_id)
        for owned in session.exec(select(Grid).where(Grid.butler_id == staff_id)).all():
            owned.butler_id = None
            session.add(owned)
    session.flush()
    audit.record(
        session, "staff.activate" if active else "staff.deactivate", actor_id=actor.id,
        community_id=actor.community_id, subject=f"staff:{staff_id}",
        before=before, after=_snapshot(session, staff),
    )


def reset_password(session: Session, actor: Actor, staff_id: int) -> str:
    """Issue a one-time password; the person must change it at next sign-in."""
    staff = _load(session, actor, staff_id)
    if staff_id == actor.id:
        raise DomainError("staff.cannot_reset_self")
    if not may_reset(actor, auth.roles_of(session, staff_id), staff_id):
        raise Refused("staff.reset_needs_higher_rank")
    before = {"must_change_password": staff.must_change_password}
    temp = passwords.temporary_password()
    staff.password_hash = passwords.hash_password(temp)
    staff.must_change_password = True
    session.add(staff)
    auth.revoke_all(session, staff_id)
    audit.record(
        session, "staff.reset_password", actor_id=actor.id, community_id=actor.community_id,
        subject=f"staff:{staff_id}", before=before, after={"must_change_password": True},
    )
    return temp


def community_name(session: Session, actor: Actor) -> str:
    """The name of the community the actor works in ("" for an admin of none)."""
    if actor.community_id is None:
        return ""
    community = session.get(Community, actor.community_id)
    return community.name if community else ""
