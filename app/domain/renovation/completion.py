"""Completion of a renovation (竣工): final acceptance, revisit (回访) and the deposit refund.

Final acceptance checks the handbook's list with the as-built drawings (竣工图纸)
attached as evidence photos, nothing left open (rectification notices, stage
gates: the concealed works the scope needs and every waterproofing area), then
revokes every worker pass at once and sets the revisit due within two months.
After the revisit the deposit is refunded less the deductions of failed
re-checks, and the renovation is closed. Functions flush, never commit.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlmodel import Session, select

from app.db.models import (
    Rectification,
    RenovationApplication,
    StageGate,
)
from app.domain import audit, clock, evidence
from app.domain.auth import Actor
from app.domain.errors import DomainError
from app.domain.renovation import common as renovations
from app.domain.renovation import passes as renovation_passes
from app.domain.renovation import site_checks as renovation_checks
from app.domain.validation import clean_text

# the final acceptance checklist (竣工验收)
ACCEPTANCE_ITEMS: tuple[str, ...] = (
    "structure", "facade", "waterproofing", "electrical", "fire_safety", "public_areas", "waste_cleared",
)
REVISIT_MONTHS = 2
ASBUILT_KIND = "renovation_asbuilt"  # as-built drawings, attached before final acceptance

def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return min(day.replace(year=year, month=month, day=1) + timedelta(days=day.day - 1),
               nxt - timedelta(days=1))

def complete(session: Session, actor: Actor, application_id: int, *, checklist: dict[str, bool],
             note: str = "") -> RenovationApplication:
    """Final acceptance: every checklist item passed, as-built drawings attached, nothing open.

    Revokes every pass, and schedules the revisit within two months.
    """
    app = renovations.get(session, actor, application_id)
    if app.status != renovations.APPROVED:
        raise DomainError("renovation.not_under_way")
    failed = [item for item in ACCEPTANCE_ITEMS if checklist.get(item) is not True]
    if failed or set(checklist) - set(ACCEPTANCE_ITEMS):
        raise DomainError("renovation.acceptance_failed", items=",".join(failed))
    if not evidence.for_subject(session, app.community_id, ASBUILT_KIND, app.id or 0):
        raise DomainError("renovation.asbuilt_needed")
    open_rect = session.exec(
        select(Rectification.id).where(Rectification.application_id == app.id, Rectification.status == "open")
    ).first()
    if open_rect is not None:
        raise DomainError("renovation.rectification_open")
    gates = session.exec(
        select(StageGate.kind, StageGate.item, StageGate.status).where(StageGate.application_id == app.id)
    ).all()
    if any(status == "declared" for _k, _i, status in gates):
        raise DomainError("renovation.gate_pending")
    # the stage gates hold at the end too: concealed works the scope needs, and every waterproofing area
    passed = {(kind, item) for kind, item, status in gates if status == "passed"}
    missing = [item for item in renovations.required_concealed(app) if ("concealed", item) not in passed]
    if missing:
        raise DomainError("renovation.concealed_uninspected", items=",".join(missing))
    missing = [area for area in renovations.areas(app) if ("waterproofing", area) not in passed]
    if missing:
        raise DomainError("renovation.waterproofing_unconfirmed", items=",".join(missing))
    text = clean_text(note, field="note", max_length=300, required=False)
    now = clock.now()
    due = add_months(clock.today(), REVISIT_MONTHS)
    acceptance = json.dumps({"items": {k: True for k in ACCEPTANCE_ITEMS}, "note": text}, ensure_ascii=False)
    renovations.move(session, app, renovations.APPROVED, status=renovations.COMPLETED, completed_at=now,
                     completed_by=actor.id, acceptance=acceptance, revisit_due=due)
    revoked = renovation_passes.revoke_all_passes(session, actor, app.id or 0, "completion")
    audit.record(session, "renovation.complete", actor_id=actor.id, community_id=app.community_id,
                 subject=f"renovation:{app.id}", before={"status": renovations.APPROVED},
                 after={"status": renovations.COMPLETED, "revisit_due": due, "passes_revoked": revoked})
    return app

def record_revisit(session: Session, actor: Actor, application_id: int, note: str) -> RenovationApplication:
    """The revisit (回访) after completion, with what the household said."""
    app = renovations.get(session, actor, application_id)
    if app.status != renovations.COMPLETED:
        raise DomainError("renovation.not_completed")
    if app.revisit_at is not None:
        raise DomainError("renovation.revisit_recorded")
    app.revisit_at = clock.now()
    app.revisit_by = actor.id
    app.revisit_note = clean_text(note, field="note", max_length=300)
    session.add(app)
    session.flush()
    audit.record(session, "renovation.revisit", actor_id=actor.id, community_id=app.community_id,
                 subject=f"renovation:{app.id}",
                 after={"late": bool(app.revisit_due and clock.today() > app.revisit_due)})
    return app

def refund(session: Session, actor: Actor, application_id: int) -> int:
    """Refund the deposit after the revisit: deposit − deductions (never below zero), in fen. Closes it."""
    app = renovations.get(session, actor, application_id)
    if app.status != renovations.COMPLETED:
        raise DomainError("renovation.not_completed")
    if app.revisit_at is None:
        raise DomainError("renovation.revisit_first")
    amount = max(0, app.deposit_cents - renovation_checks.deductions(session, app.id or 0))
    renovations.move(session, app, renovations.COMPLETED, status=renovations.CLOSED, refund_cents=amount,
                     refunded_at=clock.now(),
          refunded_by=actor.id)
    audit.record(session, "renovation.refund", actor_id=actor.id, community_id=app.community_id,
                 subject=f"renovation:{app.id}",
                 after={"deposit": app.deposit_cents, "refund": amount})
    return amount

evidence.register_subject(ASBUILT_KIND, renovations.app_resolver("renovation.complete"))
