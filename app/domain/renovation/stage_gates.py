"""Stage gates: concealed works (隐蔽工程) then waterproofing (闭水试验), each item declared and inspected
before the works go on."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.db.models import (
    RenovationApplication,
    StageGate,
)
from app.domain import audit, clock
from app.domain.auth import Actor
from app.domain.errors import DomainError
from app.domain.renovation import common as renovations
from app.domain.renovation.common import (
    APPROVED,
    CONCEALED,
    CONCEALED_ITEMS,
    DECLARED,
    FINISHING,
    GATE_FAILED,
    PASSED,
    STAGES,
    WATERPROOFING,
    _under_way,
    required_concealed,
)
from app.domain.validation import clean_text

# --- stage gates ------------------------------------------------------------------------------


def gates(session: Session, application_id: int) -> list[StageGate]:
    return list(session.exec(select(StageGate).where(StageGate.application_id == application_id)
                             .order_by(col(StageGate.id))))

def _pending(session: Session, application_id: int) -> StageGate | None:
    return session.exec(
        select(StageGate).where(StageGate.application_id == application_id, StageGate.status == DECLARED)
    ).first()

def _passed(session: Session, application_id: int, kind: str) -> set[str]:
    rows = session.exec(
        select(StageGate.item).where(StageGate.application_id == application_id, StageGate.kind == kind,
                                     StageGate.status == PASSED)
    ).all()
    return set(rows)

def declare(session: Session, actor: Actor, application_id: int, *, kind: str, item: str,
            note: str = "") -> StageGate:
    """The contractor declares an item ready for inspection (through the desk or the engineer).

    One at a time: while a declared item waits for its inspection nothing else is declared.
    """
    app = _under_way(session, actor, application_id)
    if kind == CONCEALED:
        if item not in CONCEALED_ITEMS:
            raise DomainError("renovation.bad_gate")
        if app.stage != CONCEALED:
            raise DomainError("renovation.wrong_stage", stage=app.stage)
        if item in _passed(session, app.id or 0, CONCEALED):
            raise DomainError("renovation.gate_already_passed")
    elif kind == WATERPROOFING:
        if item not in renovations.areas(app):
            raise DomainError("renovation.bad_gate")
        if app.stage != WATERPROOFING:
            raise DomainError("renovation.wrong_stage", stage=app.stage)
        if item in _passed(session, app.id or 0, WATERPROOFING):
            raise DomainError("renovation.gate_already_passed")
    else:
        raise DomainError("renovation.bad_gate")
    if _pending(session, app.id or 0) is not None:
        raise DomainError("renovation.gate_pending")
    gate = StageGate(community_id=app.community_id, application_id=app.id or 0, kind=kind, item=item,
                     declared_by=actor.id, declared_at=clock.now(),
                     declared_note=clean_text(note, field="note", max_length=200, required=False))
    session.add(gate)
    session.flush()
    audit.record(session, "renovation.gate_declare", actor_id=actor.id, community_id=app.community_id,
                 subject=f"renovation:{app.id}", after={"gate": gate.id, "kind": kind, "item": item})
    return gate

def inspect(session: Session, actor: Actor, gate_id: int, *, passed: bool, note: str = "") -> StageGate:
    """Inspect a declared item: passed, or failed with a note (fix it and declare it again)."""
    gate = session.get(StageGate, gate_id)
    if gate is None or gate.community_id != actor.community_id:
        raise DomainError("renovation.gate_not_found")
    if gate.status != DECLARED:
        raise DomainError("renovation.gate_inspected")
    text = clean_text(note, field="note", max_length=200, required=not passed)
    status = PASSED if passed else GATE_FAILED
    with session.no_autoflush:
        result = session.execute(
            update(StageGate).where(col(StageGate.id) == gate.id, col(StageGate.status) == DECLARED)
            .values(status=status, inspected_by=actor.id, inspected_at=clock.now(), inspection_note=text)
            .execution_options(synchronize_session=False)
        )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise DomainError("renovation.changed")
    session.refresh(gate)
    audit.record(session, "renovation.gate_inspect", actor_id=actor.id, community_id=gate.community_id,
                 subject=f"renovation:{gate.application_id}",
                 after={"gate": gate.id, "kind": gate.kind, "item": gate.item, "status": status})
    return gate

def waterproofing_open(session: Session, application_id: int, areas_csv: str) -> bool:
    """Some waterproofing area of the works is not confirmed yet: at the waterproofing stage the
    works are on hold (the permit shows it; the gate lets only waterproofers in)."""
    return bool(set(filter(None, areas_csv.split(","))) - _passed(session, application_id, WATERPROOFING))

def advance_stage(session: Session, actor: Actor, application_id: int) -> str:
    """Move the works on to the next stage, if its gates allow. Returns the new stage."""
    app = _under_way(session, actor, application_id)
    if app.stage not in STAGES or app.stage == FINISHING:
        raise DomainError("renovation.last_stage")
    if _pending(session, app.id or 0) is not None:
        raise DomainError("renovation.gate_pending")
    if app.stage == CONCEALED:
        missing = [i for i in required_concealed(app) if i not in _passed(session, app.id or 0, CONCEALED)]
        if missing:
            raise DomainError("renovation.concealed_uninspected", items=",".join(missing))
        nxt = WATERPROOFING if renovations.areas(app) else FINISHING
    else:
        missing = [a for a in renovations.areas(app) if a not in _passed(session, app.id or 0, WATERPROOFING)]
        if missing:
            raise DomainError("renovation.waterproofing_unconfirmed", items=",".join(missing))
        nxt = FINISHING
    before = app.stage
    with session.no_autoflush:
        result = session.execute(
            update(RenovationApplication)
            .where(col(RenovationApplication.id) == app.id, col(RenovationApplication.stage) == before,
                   col(RenovationApplication.status) == APPROVED)
            .values(stage=nxt).execution_options(synchronize_session=False)
        )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise DomainError("renovation.changed")
    session.refresh(app)
    audit.record(session, "renovation.stage", actor_id=actor.id, community_id=app.community_id,
                 subject=f"renovation:{app.id}", before={"stage": before}, after={"stage": nxt})
    return nxt
