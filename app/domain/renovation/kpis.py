"""The supervisor's renovation figures: violation rate (< 0.2%), rectification rate (100%), stages,
passes, gate refusals."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.db.models import (
    GateScan,
    Household,
    Rectification,
    RenovationApplication,
    SiteCheck,
    WorkerPass,
)
from app.domain import clock
from app.domain.errors import DomainError
from app.domain.renovation import common as renovations
from app.domain.renovation.common import (
    APPROVED,
    FAILED,
    RECTIFICATION_TARGET,
    RECTIFIED,
    VIOLATION_TARGET,
    _aware,
)

# --- KPIs -------------------------------------------------------------------------------------


@dataclass
class Kpis:
    """The supervisor's renovation figures for a period (local days, both ends included)."""

    first: date
    last: date
    households: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_stage: dict[str, int] = field(default_factory=dict)
    site_checks: int = 0
    # renovations with at least one violation found in the period
    violating: int = 0
    violation_rate: float = 0.0
    violation_target: float = VIOLATION_TARGET
    rectifications: int = 0
    rectified: int = 0
    failed: int = 0
    open: int = 0
    overdue: int = 0
    # rectified / (rectified + failed + overdue); None when none was due yet
    rectification_rate: float | None = None
    rectification_target: float = RECTIFICATION_TARGET
    passes_active: int = 0
    gate_scans: int = 0
    gate_refusals: int = 0
    refusals_by_verdict: dict[str, int] = field(default_factory=dict)

    @property
    def violation_ok(self) -> bool:
        return self.violation_rate < self.violation_target

    @property
    def rectification_ok(self) -> bool:
        return self.rectification_rate is None or self.rectification_rate >= self.rectification_target

THIS_MONTH = "this_month"
LAST_MONTH = "last_month"
THIS_QUARTER = "this_quarter"
CUSTOM = "custom"
KPI_PERIODS: tuple[str, ...] = (THIS_MONTH, LAST_MONTH, THIS_QUARTER, CUSTOM)

def kpi_period(name: str, today: date, first: date | None = None, last: date | None = None) -> tuple[date, date]:
    """The first and last day of a KPI period: this month or this quarter so far, the whole
    last month, or a custom range (both days given, the first not after the last)."""
    if name == THIS_MONTH:
        return today.replace(day=1), today
    if name == LAST_MONTH:
        end = today.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    if name == THIS_QUARTER:
        return date(today.year, (today.month - 1) // 3 * 3 + 1, 1), today
    if name == CUSTOM:
        if first is None or last is None or last < first:
            raise DomainError("renovation.bad_dates")
        return first, last
    raise DomainError("form.invalid")

def kpis(session: Session, community_id: int, *, first: date | None = None, last: date | None = None) -> Kpis:
    """Figures of a community: rates over the period (default: this month so far), stock figures now."""
    today = clock.today()
    last = last or today
    first = first or last.replace(day=1)
    start, end = renovations.end_of_day(first - timedelta(days=1)), renovations.end_of_day(last)
    out = Kpis(first=first, last=last)
    out.households = session.exec(
        select(func.count()).select_from(Household).where(Household.community_id == community_id)
    ).one()
    for status, n in session.exec(
        select(RenovationApplication.status, func.count()).where(RenovationApplication.community_id == community_id)
        .group_by(col(RenovationApplication.status))
    ).all():
        out.by_status[status] = n
    for stage, n in session.exec(
        select(RenovationApplication.stage, func.count())
        .where(RenovationApplication.community_id == community_id, RenovationApplication.status == APPROVED)
        .group_by(col(RenovationApplication.stage))
    ).all():
        out.by_stage[stage] = n
    in_period = (SiteCheck.community_id == community_id, col(SiteCheck.at) > start, col(SiteCheck.at) <= end)
    out.site_checks = session.exec(select(func.count()).select_from(SiteCheck).where(*in_period)).one()
    out.violating = session.exec(
        select(func.count(func.distinct(SiteCheck.application_id))).where(*in_period, col(SiteCheck.violations) > 0)
    ).one()
    out.violation_rate = out.violating / out.households if out.households else 0.0
    now = clock.now()
    rows = session.exec(
        select(Rectification.status, Rectification.due_at).where(
            Rectification.community_id == community_id, col(Rectification.created_at) > start,
            col(Rectification.created_at) <= end)
    ).all()
    for status, due_at in rows:
        out.rectifications += 1
        if status == RECTIFIED:
            out.rectified += 1
        elif status == FAILED:
            out.failed += 1
        else:
            out.open += 1
            if _aware(due_at) < now:
                out.overdue += 1
    decided = out.rectified + out.failed + out.overdue
    out.rectification_rate = out.rectified / decided if decided else None
    out.passes_active = session.exec(
        select(func.count()).select_from(WorkerPass).where(
            WorkerPass.community_id == community_id, col(WorkerPass.revoked_at).is_(None),
            col(WorkerPass.valid_from) <= today, col(WorkerPass.valid_until) >= today)
    ).one()
    for verdict, n in session.exec(
        select(GateScan.verdict, func.count()).where(
            GateScan.community_id == community_id, col(GateScan.at) > start, col(GateScan.at) <= end)
        .group_by(col(GateScan.verdict))
    ).all():
        out.gate_scans += n
        if verdict != "valid":
            out.gate_refusals += n
            out.refusals_by_verdict[verdict] = n
    return out
