"""Hot work (动火作业): its own permission, a date window and a named fire watch."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from app.db.models import (
    HotWorkPermission,
)
from app.domain import audit, clock
from app.domain.auth import Actor
from app.domain.errors import DomainError
from app.domain.renovation.common import MAX_HOT_WORK_DAYS, _under_way
from app.domain.validation import clean_text, normalize_phone

# --- hot work ---------------------------------------------------------------------------------


def grant_hot_work(session: Session, actor: Actor, application_id: int, *, starts_on: date, ends_on: date,
                   fire_watch_name: str, fire_watch_phone: str = "", note: str = "") -> HotWorkPermission:
    """Permit hot work on a renovation whose scope declared it: a date window and a named fire watch."""
    app = _under_way(session, actor, application_id)
    if not app.hot_work:
        raise DomainError("renovation.hot_work_not_in_scope")
    if ends_on < starts_on or starts_on < app.planned_start or ends_on > app.planned_end \
            or ends_on < clock.today():
        raise DomainError("renovation.bad_dates")
    if (ends_on - starts_on).days + 1 > MAX_HOT_WORK_DAYS:
        raise DomainError("renovation.hot_work_window", most=MAX_HOT_WORK_DAYS)
    phone = fire_watch_phone.strip()
    permission = HotWorkPermission(
        community_id=app.community_id, application_id=app.id or 0, starts_on=starts_on, ends_on=ends_on,
        fire_watch_name=clean_text(fire_watch_name, field="fire_watch", max_length=40),
        fire_watch_phone=normalize_phone(phone) if phone else "",
        note=clean_text(note, field="note", max_length=200, required=False),
        granted_by=actor.id, granted_at=clock.now(),
    )
    session.add(permission)
    session.flush()
    audit.record(session, "renovation.hot_work", actor_id=actor.id, community_id=app.community_id,
                 subject=f"renovation:{app.id}",
                 after={"permission": permission.id, "from": starts_on, "to": ends_on,
                        "fire_watch": permission.fire_watch_name})
    return permission

def revoke_hot_work(session: Session, actor: Actor, permission_id: int) -> HotWorkPermission:
    permission = session.get(HotWorkPermission, permission_id)
    if permission is None or permission.community_id != actor.community_id:
        raise DomainError("renovation.not_found")
    if permission.revoked_at is None:
        permission.revoked_at = clock.now()
        permission.revoked_by = actor.id
        session.add(permission)
        session.flush()
        audit.record(session, "renovation.hot_work_revoke", actor_id=actor.id,
                     community_id=permission.community_id, subject=f"renovation:{permission.application_id}",
                     after={"permission": permission.id})
    return permission

def hot_work_allowed(session: Session, application_id: int, day: date) -> bool:
    """Whether a live hot-work permission covers this local day."""
    return session.exec(
        select(HotWorkPermission.id).where(
            HotWorkPermission.application_id == application_id,
            col(HotWorkPermission.starts_on) <= day,
            col(HotWorkPermission.ends_on) >= day,
            col(HotWorkPermission.revoked_at).is_(None),
        )
    ).first() is not None
