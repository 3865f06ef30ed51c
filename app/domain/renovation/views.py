"""What the renovation screens show: the renovations a person supervises, overdue notices, which
stage gates may be declared, and the desk's page of one application with what the viewer may do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app.db.models import (
    HotWorkPermission,
    Rectification,
    RenovationApplication,
    RenovationApproval,
    SiteCheck,
    SiteCheckItem,
    Staff,
)
from app.domain import clock, grids, roles
from app.domain.auth import Actor
from app.domain.errors import Refused
from app.domain.renovation import common as renovations
from app.domain.renovation import site_checks, stage_gates
from app.domain.renovation.approval import approvals, waiting_level
from app.domain.renovation.common import (
    APPROVED,
    COMPLETED,
    CONCEALED,
    CONCEALED_ITEMS,
    DECLARED,
    FINISHING,
    OPEN,
    PASSED,
    WATERPROOFING,
    _aware,
)
from app.domain.renovation.work import hold

# --- what the site screens show -----------------------------------------------------------------


def overdue(rect: Rectification, now: datetime | None = None) -> bool:
    """An open rectification notice past its deadline."""
    return rect.status == OPEN and _aware(rect.due_at) < (now or clock.now())

def sees_only_own_grids(actor: Actor) -> bool:
    """A butler (and nothing more) sees the renovations of the grids they answer for; others all."""
    return set(actor.roles) == {roles.BUTLER}

@dataclass(frozen=True)
class SiteRow:
    """One renovation in the phone's site list."""

    id: int
    household: str
    contractor: str
    status: str
    stage: str  # "" unless under way
    hold: str  # message key, "" when the works may go on
    rect_due: datetime | None  # the open rectification's deadline
    overdue: bool

def site_list(session: Session, actor: Actor, *, limit: int = 100) -> list[SiteRow]:
    """Renovations under way or completed that this person supervises on site, newest first: the
    community's, or for a butler those of the grids they answer for today (leave cover included)."""
    if actor.community_id is None:
        raise Refused("auth.no_permission")
    stmt = select(RenovationApplication).where(
        RenovationApplication.community_id == actor.community_id,
        col(RenovationApplication.status).in_([APPROVED, renovations.COMPLETED]))
    if sees_only_own_grids(actor):
        homes = grids.households_answered_for(session, actor.id, clock.today(), community_id=actor.community_id)
        stmt = stmt.where(col(RenovationApplication.household_id).in_(homes or {0}))
    stmt = stmt.order_by(col(RenovationApplication.submitted_at).desc(), col(RenovationApplication.id).desc())
    apps = list(session.exec(stmt.limit(limit)))
    open_rects: dict[int, Rectification] = {}
    if apps:
        for r in session.exec(select(Rectification).where(
                col(Rectification.application_id).in_([a.id for a in apps]), Rectification.status == OPEN)
                .order_by(col(Rectification.id))):
            open_rects.setdefault(r.application_id, r)
    now = clock.now()
    out = []
    for a in apps:
        rect = open_rects.get(a.id or 0)
        out.append(SiteRow(
            id=a.id or 0, household=a.household_label, contractor=a.contractor_company or a.contractor_contact,
            status=a.status, stage=a.stage if a.status == APPROVED else "", hold=hold(session, a),
            rect_due=rect.due_at if rect else None, overdue=bool(rect and overdue(rect, now)),
        ))
    return out


@dataclass(frozen=True)
class GateRow:
    """One stage gate as the site page lists it."""

    id: int
    kind: str
    item: str
    status: str
    label_key: str  # message key of the item
    at: datetime | None  # inspected, else declared
    note: str


@dataclass(frozen=True)
class Declarable:
    """An item the contractor may declare now: the form's value ("kind:item") and its message key."""

    value: str
    key: str


@dataclass(frozen=True)
class StageGateView:
    """The stage gates of a renovation: the list, what is left, and what may be declared now."""

    gates: list[GateRow]
    concealed_left: list[str]
    areas_left: list[str]
    declarable: list[Declarable]


def _label_key(kind: str, item: str) -> str:
    return ("renovation.concealed." if kind == CONCEALED else "renovation.area.") + item


def stage_gate_view(session: Session, app: RenovationApplication) -> StageGateView:
    """What the site page shows of the stage gates. Nothing may be declared unless the works are under
    way and no declared item waits for its inspection; then the items of the current stage not passed
    yet (concealed works, or the waterproofing areas)."""
    rows = stage_gates.gates(session, app.id or 0)
    passed = {(g.kind, g.item) for g in rows if g.status == PASSED}
    concealed_left = [i for i in CONCEALED_ITEMS if (CONCEALED, i) not in passed]
    areas_left = [a for a in renovations.areas(app) if (WATERPROOFING, a) not in passed]
    declarable: list[Declarable] = []
    if app.status == APPROVED and not any(g.status == DECLARED for g in rows):
        if app.stage == CONCEALED:
            declarable = [Declarable(f"{CONCEALED}:{i}", _label_key(CONCEALED, i)) for i in concealed_left]
        elif app.stage == WATERPROOFING:
            declarable = [Declarable(f"{WATERPROOFING}:{a}", _label_key(WATERPROOFING, a)) for a in areas_left]
    return StageGateView(
        gates=[GateRow(id=g.id or 0, kind=g.kind, item=g.item, status=g.status, label_key=_label_key(g.kind, g.item),
                       at=g.inspected_at or g.declared_at, note=g.inspection_note or g.declared_note)
               for g in rows],
        concealed_left=concealed_left, areas_left=areas_left, declarable=declarable,
    )


@dataclass(frozen=True)
class SiteHeader:
    """The facts at the top of a renovation's site page."""

    stage: str  # "" unless under way
    hold: str  # message key, "" when the works may go on
    under_way: bool
    completed: bool
    last_stage: bool
    deducted_cents: int
    refund_due_cents: int  # the deposit less the deductions, never below zero


def site_header(session: Session, app: RenovationApplication) -> SiteHeader:
    deducted = site_checks.deductions(session, app.id or 0)
    return SiteHeader(
        stage=app.stage if app.status == APPROVED else "", hold=hold(session, app),
        under_way=app.status == APPROVED, completed=app.status == COMPLETED, last_stage=app.stage == FINISHING,
        deducted_cents=deducted, refund_due_cents=max(0, app.deposit_cents - deducted),
    )


@dataclass(frozen=True)
class CheckRow:
    """One site check, newest first on the page: who, when, the items found in violation."""

    id: int
    at: datetime
    inspector: str
    violations: int
    failed_items: tuple[str, ...]


def site_checks_of(session: Session, app: RenovationApplication) -> list[CheckRow]:
    checks = list(session.exec(select(SiteCheck).where(SiteCheck.application_id == app.id)
                               .order_by(col(SiteCheck.id).desc())))
    if not checks:
        return []
    names = dict(session.exec(select(Staff.id, Staff.name).where(
        col(Staff.id).in_({c.inspector_id for c in checks}))).all())
    failed: dict[int, list[str]] = {}
    for check_id, item in session.exec(
            select(SiteCheckItem.check_id, SiteCheckItem.item)
            .where(col(SiteCheckItem.check_id).in_([c.id for c in checks]), col(SiteCheckItem.ok).is_(False))
            .order_by(col(SiteCheckItem.id))):
        failed.setdefault(check_id, []).append(item)
    return [CheckRow(id=c.id or 0, at=c.at, inspector=names.get(c.inspector_id, ""), violations=c.violations,
                     failed_items=tuple(failed.get(c.id or 0, ()))) for c in checks]


def hot_work_of(session: Session, app: RenovationApplication) -> list[HotWorkPermission]:
    """The hot-work permissions of a renovation, newest first (revoked ones too)."""
    return list(session.exec(select(HotWorkPermission).where(HotWorkPermission.application_id == app.id)
                             .order_by(col(HotWorkPermission.id).desc())))


def escalations_of(session: Session, app: RenovationApplication) -> list[Rectification]:
    """This renovation's failed re-checks (escalated), newest first."""
    return [r for r in site_checks.escalations(session, app.community_id) if r.application_id == app.id]


# --- the desk's page of one application -------------------------------------------------------


@dataclass(frozen=True)
class DecisionRow:
    level: str
    decision: str
    round: int
    reasons: str
    by: str
    at: datetime


@dataclass(frozen=True)
class ApplicationPage:
    """One application as its desk page shows it, with what the viewer may do there."""

    app: RenovationApplication
    submitted_by: str
    decisions: list[DecisionRow]
    waiting_level: str | None
    may_decide: bool  # the level waited for is the viewer's, and they decided no other level
    may_resubmit: bool
    open: bool  # not rejected, completed or closed: documents may still change
    under_way: bool
    permitted: bool


def may_decide(session: Session, actor: Actor, app: RenovationApplication) -> bool:
    """Whether the actor may decide the level the application waits for (`approval.decide` judges
    the same: the level's role, and one person one level)."""
    level = waiting_level(app)
    if level is None or renovations.LEVEL_ROLE[level] not in actor.roles:
        return False
    other = session.exec(
        select(RenovationApproval.id).where(
            RenovationApproval.application_id == app.id,
            RenovationApproval.by_id == actor.id,
            RenovationApproval.level != level,
        )
    ).first()
    return other is None


def application_page(session: Session, actor: Actor, application_id: int) -> ApplicationPage:
    """The application (refused as `get` refuses) with its decisions and who made them."""
    app = renovations.get(session, actor, application_id)
    names = dict(session.exec(select(Staff.id, Staff.name).where(Staff.community_id == app.community_id)).all())
    level = waiting_level(app)
    return ApplicationPage(
        app=app,
        submitted_by=names.get(app.submitted_by, ""),
        decisions=[DecisionRow(d.level, d.decision, d.round, d.reasons, names.get(d.by_id, ""), d.at)
                   for d in approvals(session, application_id)],
        waiting_level=level,
        may_decide=may_decide(session, actor, app),
        may_resubmit=app.status == renovations.RETURNED and actor.can("renovation.apply"),
        open=app.status in renovations.OPEN_STATUSES,
        under_way=app.status == APPROVED,
        permitted=app.permit_version > 0,
    )
