"""Site checks of a renovation under way and the rectification they issue (限期整改), re-checks,
deductions, escalation."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from app.db.models import (
    Rectification,
    SiteCheck,
    SiteCheckItem,
)
from app.domain import audit, clock, evidence
from app.domain.auth import Actor
from app.domain.errors import DomainError, Refused
from app.domain.renovation import alerting
from app.domain.renovation import common as renovations
from app.domain.renovation.common import (
    CHECK_ITEMS,
    CHECK_PHOTO_KIND,
    DEFAULT_DEADLINE_DAYS,
    FAILED,
    MAX_DEADLINE_DAYS,
    OPEN,
    RECTIFIED,
    _under_way,
    get,
)
from app.domain.validation import clean_text
from app.domain.validation import client_id as check_client_id

# --- site checks and rectification -------------------------------------------------------


def site_check(
    session: Session,
    actor: Actor,
    application_id: int,
    *,
    results: dict[str, bool],
    notes: dict[str, str] | None = None,
    note: str = "",
    deadline_days: int = DEFAULT_DEADLINE_DAYS,
    client_id: str | None = None,
) -> SiteCheck:
    """Record a check of every item; violations (with a note each) issue a rectification notice."""
    cid = check_client_id(client_id) if client_id else None
    if cid is not None:
        again = session.exec(select(SiteCheck).where(SiteCheck.client_id == cid)).first()
        if again is not None:
            return again
    app = _under_way(session, actor, application_id)
    if set(results) != set(CHECK_ITEMS) or not all(isinstance(v, bool) for v in results.values()):
        raise DomainError("renovation.check_incomplete")
    notes = notes or {}
    failed = [item for item in CHECK_ITEMS if not results[item]]
    lines = {item: clean_text(notes.get(item, ""), field="note", max_length=200, required=item in failed)
             for item in CHECK_ITEMS}
    if failed and not 1 <= deadline_days <= MAX_DEADLINE_DAYS:
        raise DomainError("renovation.bad_deadline", most=MAX_DEADLINE_DAYS)
    now = clock.now()
    check = SiteCheck(community_id=app.community_id, application_id=app.id, inspector_id=actor.id, at=now,
                      stage=app.stage, violations=len(failed),
                      note=clean_text(note, field="note", max_length=300, required=False), client_id=cid)
    session.add(check)
    session.flush()
    for item in CHECK_ITEMS:
        session.add(SiteCheckItem(check_id=check.id, item=item, ok=results[item], note=lines[item]))
    audit.record(session, "renovation.site_check", actor_id=actor.id, community_id=app.community_id,
                 subject=f"renovation:{app.id}", after={"check": check.id, "violations": failed})
    if failed:
        rect = Rectification(
            community_id=app.community_id, application_id=app.id or 0, site_check_id=check.id or 0,
            items=",".join(failed), note="; ".join(f"{i}: {lines[i]}" for i in failed)[:300],
            created_by=actor.id, created_at=now, due_at=now + timedelta(days=deadline_days),
        )
        session.add(rect)
        session.flush()
        audit.record(session, "renovation.rectification", actor_id=actor.id, community_id=app.community_id,
                     subject=f"renovation:{app.id}", after={"rectification": rect.id, "due_at": rect.due_at})
    session.flush()
    return check

def check_items(session: Session, check_id: int) -> list[SiteCheckItem]:
    return list(session.exec(select(SiteCheckItem).where(SiteCheckItem.check_id == check_id)
                             .order_by(col(SiteCheckItem.id))))

def rectifications(session: Session, actor: Actor, application_id: int) -> list[Rectification]:
    app = get(session, actor, application_id)
    return list(session.exec(select(Rectification).where(Rectification.application_id == app.id)
                             .order_by(col(Rectification.id))))

def deductions(session: Session, application_id: int) -> int:
    """The deposit deductions of a renovation so far, in fen."""
    return session.exec(
        select(func.coalesce(func.sum(Rectification.deduction_cents), 0))
        .where(Rectification.application_id == application_id)
    ).one()

def recheck(
    session: Session,
    actor: Actor,
    rectification_id: int,
    *,
    rectified: bool,
    note: str = "",
    deduction_cents: int = 0,
    deduction_reason: str = "",
) -> Rectification:
    """The re-check of a notice: rectified closes it; not rectified fails it, records the
    deduction from the deposit (amount ≤ what is left of it, a reason when above zero) and
    escalates it. Decided once (a conditional UPDATE on its open status)."""
    rect = session.get(Rectification, rectification_id)
    if rect is None or rect.community_id != actor.community_id:
        raise DomainError("renovation.rectification_not_found")
    if rect.status != OPEN:
        raise DomainError("renovation.rectification_closed")
    app = get(session, actor, rect.application_id)
    text = clean_text(note, field="note", max_length=300, required=not rectified)
    now = clock.now()
    values: dict[str, object] = {"rechecked_at": now, "rechecked_by": actor.id, "recheck_note": text}
    if rectified:
        if deduction_cents:
            raise DomainError("renovation.bad_amount", field="deduction")
        values["status"] = RECTIFIED
    else:
        amount = renovations.check_cents(deduction_cents, "deduction")
        reason = clean_text(deduction_reason, field="reason", max_length=200, required=amount > 0)
        if amount > 0 and not actor.can("renovation.deduct"):
            raise Refused("renovation.deduct_refused")
        left = app.deposit_cents - deductions(session, app.id or 0)
        if amount > left:
            raise DomainError("renovation.deduction_too_large", left=left)
        values.update(status=FAILED, deduction_cents=amount, deduction_reason=reason, escalated_at=now)
    with session.no_autoflush:
        result = session.execute(
            update(Rectification).where(col(Rectification.id) == rect.id, col(Rectification.status) == OPEN)
            .values(**values).execution_options(synchronize_session=False)
        )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise DomainError("renovation.changed")
    session.refresh(rect)
    alerting.rectification_closed(session, rect)
    audit.record(session, "renovation.recheck", actor_id=actor.id, community_id=rect.community_id,
                 subject=f"renovation:{app.id}",
                 after={"rectification": rect.id, "status": rect.status, "deduction": rect.deduction_cents})
    if rect.status == FAILED:
        audit.record(session, "renovation.escalate", actor_id=actor.id, community_id=rect.community_id,
                     subject=f"renovation:{app.id}",
                     after={"rectification": rect.id, "items": rect.items, "reason": rect.deduction_reason})
    return rect

def escalations(session: Session, community_id: int) -> list[Rectification]:
    """Failed re-checks (escalated), newest first: the supervisor's follow-up list."""
    return list(session.exec(
        select(Rectification).where(Rectification.community_id == community_id, Rectification.status == FAILED)
        .order_by(col(Rectification.escalated_at).desc())
    ))

def _check_resolver(session: Session, actor: Actor, check_id: int) -> evidence.SubjectInfo:
    if not actor.can("renovation.check"):
        raise Refused("auth.no_permission")
    check = session.get(SiteCheck, check_id)
    if check is None or check.community_id != actor.community_id:
        raise DomainError("renovation.not_found")
    app = get(session, actor, check.application_id)
    return evidence.SubjectInfo(community_id=check.community_id, place=app.household_label)

evidence.register_subject(CHECK_PHOTO_KIND, _check_resolver)
