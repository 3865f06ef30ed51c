"""The walk: start a due patrol, scan checkpoints (QR or typed code), photos, checklist ticks, finish."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from app.db.models import (
    ChecklistItem,
    Checkpoint,
    Patrol,
    PatrolCheck,
    PatrolPlan,
    PatrolRoute,
    PatrolVisit,
    RouteStop,
    WorkOrder,
)
from app.domain import audit, clock, evidence, tokens, work_orders
from app.domain.auth import Actor
from app.domain.errors import DomainError, Refused
from app.domain.patrols.common import _client_id
from app.domain.patrols.schedule import due_at, period_of, walk_grids
from app.domain.patrols.setup import stops_of
from app.domain.patrols.vocabulary import (
    _CODE_RE,
    DEFAULT_DEPARTMENT,
    FINISHED,
    IN_PROGRESS,
    VISIT_PHOTO_KIND,
)
from app.domain.validation import MAX_SCANNED, bounded, clean_text

# --- the walk -----------------------------------------------------------------------------


def _my_patrol(session: Session, actor: Actor, patrol_id: int, *, open_only: bool = True) -> Patrol:
    patrol = session.get(Patrol, patrol_id)
    if patrol is None or patrol.community_id != actor.community_id:
        raise DomainError("patrol.not_found")
    if patrol.walker_id != actor.id:
        raise Refused("patrol.not_yours")
    if open_only and patrol.status != IN_PROGRESS:
        raise DomainError("patrol.already_finished")
    return patrol


def start(session: Session, actor: Actor, plan_id: int, client_id: str | None = None) -> Patrol:
    """Start (or resume) the due patrol of a plan. Retried with the same client id: same patrol."""
    cid = _client_id(client_id)
    if cid is not None:
        again = session.exec(select(Patrol).where(Patrol.client_id == cid)).first()
        if again is not None:
            if again.walker_id != actor.id:
                raise DomainError("form.invalid")
            return again
    plan = session.get(PatrolPlan, plan_id)
    if plan is None or plan.community_id != actor.community_id or not plan.active:
        raise DomainError("patrol.plan_not_found")
    route = session.get(PatrolRoute, plan.route_id)
    assert route is not None
    day = clock.today()
    if route.grid_id not in walk_grids(session, actor, day):
        raise Refused("patrol.not_your_grid")
    period = period_of(plan, day)
    if period is None:
        raise DomainError("patrol.not_due")
    existing = session.exec(
        select(Patrol).where(Patrol.plan_id == plan.id, Patrol.period_start == period)
    ).all()
    for p in existing:
        if p.status == FINISHED:
            raise DomainError("patrol.already_done")
        if p.walker_id == actor.id:
            return p  # resume
    patrol = Patrol(
        community_id=plan.community_id, grid_id=route.grid_id, route_id=route.id, plan_id=plan.id,
        period_start=period, walker_id=actor.id, started_at=clock.now(), client_id=cid,
    )
    session.add(patrol)
    session.flush()
    audit.record(session, "patrol.start", actor_id=actor.id, community_id=patrol.community_id,
                 subject=f"patrol:{patrol.id}", after={"route": route.name, "period": period})
    return patrol


def _resolve_scan(session: Session, actor: Actor, raw: str) -> tuple[Checkpoint, str]:
    """The checkpoint a scan or typed code names, and how it came ("scan" / "typed")."""
    raw = bounded(raw, MAX_SCANNED, field="code")  # no parsing of more than a tag can hold
    text = raw.strip().upper().replace(" ", "")
    if _CODE_RE.fullmatch(text):
        cp = session.exec(
            select(Checkpoint).where(Checkpoint.community_id == actor.community_id,
                                     Checkpoint.code == text, col(Checkpoint.active).is_(True))
        ).first()
        if cp is None:
            raise DomainError("patrol.unknown_code")
        return cp, "typed"
    try:
        claims = tokens.verify(raw, expect_kind="checkpoint")
        cp = session.get(Checkpoint, claims.subject_id)
        if cp is None or claims.community_id != actor.community_id or cp.community_id != actor.community_id:
            raise tokens.TokenError(tokens.FORGED)
        tokens.check_version(claims, cp.version)
        if not cp.active:
            raise tokens.TokenError(tokens.REVOKED)
    except tokens.TokenError as err:
        # the walk's transaction is rolled back; the refusal is logged all the same
        raise err.keeping(lambda s, e=err: tokens.log_refusal(
            s, error=e, kind="checkpoint", actor_id=actor.id,
            community_id=actor.community_id, raw=raw or "",
        )) from None
    return cp, "scan"


def scan(session: Session, actor: Actor, patrol_id: int, raw: str, client_id: str | None = None) -> PatrolVisit:
    """Record arrival at a checkpoint of this patrol's route (server time). Idempotent."""
    cid = _client_id(client_id)
    if cid is not None:
        again = session.exec(select(PatrolVisit).where(PatrolVisit.client_id == cid)).first()
        if again is not None:
            return again
    patrol = _my_patrol(session, actor, patrol_id)
    cp, method = _resolve_scan(session, actor, raw)
    on_route = session.exec(
        select(RouteStop).where(RouteStop.route_id == patrol.route_id, RouteStop.checkpoint_id == cp.id)
    ).first()
    if on_route is None:
        raise DomainError("patrol.not_on_route", name=cp.name)
    visit = session.exec(
        select(PatrolVisit).where(PatrolVisit.patrol_id == patrol.id, PatrolVisit.checkpoint_id == cp.id)
    ).first()
    if visit is not None:
        return visit  # scanned again: the first arrival stands
    visit = PatrolVisit(patrol_id=patrol.id, checkpoint_id=cp.id, scanned_at=clock.now(),
                        method=method, client_id=cid)
    session.add(visit)
    session.flush()
    audit.record(session, "patrol.scan", actor_id=actor.id, community_id=patrol.community_id,
                 subject=f"patrol:{patrol.id}", after={"checkpoint": cp.id, "method": method})
    return visit


def visit_subject(session: Session, actor: Actor, visit_id: int) -> tuple[int, str]:
    """Who may add a photo to a visit (its walker, patrol still open): (community id, place)."""
    visit = session.get(PatrolVisit, visit_id)
    if visit is None:
        raise DomainError("patrol.not_found")
    patrol = _my_patrol(session, actor, visit.patrol_id)
    cp = session.get(Checkpoint, visit.checkpoint_id)
    assert cp is not None
    place = f"{cp.name} {cp.place}".strip()
    return patrol.community_id, place


def photo_added(session: Session, visit_id: int) -> None:
    """Count a photo for a visit (called by the evidence module after the row is added)."""
    visit = session.get(PatrolVisit, visit_id)
    if visit is not None:
        visit.photos += 1
        session.add(visit)


def check(
    session: Session,
    actor: Actor,
    *,
    visit_id: int,
    item_id: int,
    passed: bool,
    note: str = "",
    department: str | None = None,
    client_id: str | None = None,
) -> PatrolCheck:
    """Tick an item pass or fail. A fail needs a note and opens a work order.

    Re-ticking while the patrol is open changes the answer: a fail turned pass
    withdraws its work order; a pass turned fail opens one.
    """
    cid = _client_id(client_id)
    if cid is not None:
        again = session.exec(select(PatrolCheck).where(PatrolCheck.client_id == cid)).first()
        if again is not None:
            return again
    visit = session.get(PatrolVisit, visit_id)
    if visit is None:
        raise DomainError("patrol.not_found")
    patrol = _my_patrol(session, actor, visit.patrol_id)
    item = session.get(ChecklistItem, item_id)
    if item is None or item.checkpoint_id != visit.checkpoint_id:
        raise DomainError("patrol.item_not_here")
    clean_note = clean_text(note, field="note", max_length=200, required=not passed)
    dept = work_orders.check_department(department or DEFAULT_DEPARTMENT[item.category])
    now = clock.now()
    row = session.exec(
        select(PatrolCheck).where(PatrolCheck.visit_id == visit.id, PatrolCheck.item_id == item.id)
    ).first()
    before = None if row is None else {"passed": row.passed, "note": row.note}
    if row is None:
        row = PatrolCheck(visit_id=visit.id, item_id=item.id, passed=passed, note=clean_note, at=now,
                          client_id=cid)
    else:
        row.passed, row.note, row.at = passed, clean_note, now
    session.add(row)
    session.flush()
    order = session.get(WorkOrder, row.work_order_id) if row.work_order_id else None
    if passed and order is not None:
        work_orders.cancel(session, actor, order)
        row.work_order_id = None
    elif not passed and (order is None or order.status != work_orders.OPEN):
        cp = session.get(Checkpoint, visit.checkpoint_id)
        assert cp is not None
        order = work_orders.create(
            session, actor, grid_id=patrol.grid_id, department=dept, title=item.text,
            detail=clean_note, place=f"{cp.name} {cp.place}".strip(),
            source_kind="patrol_check", source_id=row.id,
        )
        row.work_order_id = order.id
    session.add(row)
    audit.record(session, "patrol.check", actor_id=actor.id, community_id=patrol.community_id,
                 subject=f"patrol:{patrol.id}", before=before,
                 after={"item": item.id, "passed": passed, "note": clean_note})
    return row


def finish(session: Session, actor: Actor, patrol_id: int, *, done_at: datetime | None = None) -> Patrol:
    """End the walk: missed checkpoints (no scan, or no photo there) and lateness recorded.

    `done_at`: when the walk was finished, if not now (a walk finished offline on the phone,
    its time corrected for the phone clock's error: app.domain.patrols.field)."""
    patrol = _my_patrol(session, actor, patrol_id, open_only=False)
    if patrol.status == FINISHED:
        return patrol
    stops = stops_of(session, patrol.route_id)
    visited = {
        v.checkpoint_id
        for v in session.exec(select(PatrolVisit).where(PatrolVisit.patrol_id == patrol.id)).all()
        if v.photos > 0
    }
    now = clock.now()
    plan = session.get(PatrolPlan, patrol.plan_id) if patrol.plan_id else None
    patrol.finished_at = now
    patrol.status = FINISHED
    patrol.missed = sum(1 for s in stops if s.checkpoint_id not in visited)
    patrol.late = plan is not None and (done_at or now) > due_at(plan, patrol.period_start)
    session.add(patrol)
    audit.record(session, "patrol.finish", actor_id=actor.id, community_id=patrol.community_id,
                 subject=f"patrol:{patrol.id}",
                 after={"missed": patrol.missed, "late": patrol.late, "stops": len(stops)})
    return patrol


def _visit_resolver(session: Session, actor: Actor, visit_id: int) -> evidence.SubjectInfo:
    community_id, place = visit_subject(session, actor, visit_id)
    return evidence.SubjectInfo(
        community_id=community_id, place=place,
        on_added=lambda s, _photo: photo_added(s, visit_id),
    )


# photos taken at a checkpoint during a walk count towards "visited"
evidence.register_subject(VISIT_PHOTO_KIND, _visit_resolver)
