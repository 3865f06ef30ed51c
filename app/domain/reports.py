"""Reports on the complaint register: the half-monthly summary and the quarterly report.

Periods are local calendar days in `clock.ZONE`: a request belongs to the
period in which it was received (`received_at`, converted to local time).

Half-monthly summary (半月总结), periods 1st–15th and 16th–end of month:
    *management-caused complaints* are the register lines that are ours
    (`ours=True`) and whose category is a complaint or a repair
    (`requests.FOLLOWED_UP_CATEGORIES`: repair_minor, repair_urgent,
    complaint), i.e. the valid complaints the handbook follows up. They are
    counted by category and by grid, each with how many went **overdue** (an
    "overdue" event exists in their history: a stage deadline was missed and
    escalated) and how many were **unsatisfied** (at least one follow-up with
    satisfaction below 4). The supervisor writes the improvement actions of
    the period (`ImprovementPlan`, one per community and period, rewritten
    with `write_plan`; permission `report.write`).

Quarterly management report for owners (季度管理报告), by month and by category:
    - received: every request registered in the period (all channels and categories);
    - handled: of those, the ones resolved or closed now (status resolved,
      followed_up or closed; a request referred elsewhere is closed, so handled);
    - on time: handled and never late — a request is late when its history
      holds an "overdue" event (`requests.sweep_overdue` writes one per missed
      deadline), whatever stage it was in;
    - follow-up rate: valid complaints (as above) followed up (status
      followed_up or closed) ÷ valid complaints resolved (status resolved,
      followed_up or closed);
    - satisfaction: mean of `FollowUp.satisfaction` (1–5) over every follow-up
      of the period's requests, and the share of those follow-ups that were
      satisfied (4–5).
All figures come from grouped SQL counts (one query per table), never from
loading the register into Python. Reading needs `report.view`.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, exists, func, literal
from sqlmodel import Session, col, select

from app.db.models import FollowUp, Grid, ImprovementPlan, RequestEvent, ServiceRequest, Staff
from app.domain import audit, clock, constants
from app.domain.auth import Actor
from app.domain.errors import DomainError
from app.domain.requests import FOLLOWED_UP_CATEGORIES
from app.domain.validation import clean_text

HANDLED = ("resolved", "followed_up", "closed")
FOLLOWED = ("followed_up", "closed")
ACTIONS_MAX = 2000

# --- periods ------------------------------------------------------------------------------


@dataclass(frozen=True)
class HalfMonth:
    """1st–15th or 16th–end of a month (both days included)."""

    start: date
    end: date

    @property
    def key(self) -> str:
        return self.start.isoformat()


def half_month_of(day: date) -> HalfMonth:
    if day.day <= 15:
        return HalfMonth(day.replace(day=1), day.replace(day=15))
    last = calendar.monthrange(day.year, day.month)[1]
    return HalfMonth(day.replace(day=16), day.replace(day=last))


def parse_half_month(key: str) -> HalfMonth:
    """The half month starting on `key` ("2026-11-01" or "2026-11-16")."""
    try:
        start = date.fromisoformat((key or "").strip())
    except ValueError:
        raise DomainError("report.bad_period") from None
    if start.day not in (1, 16):
        raise DomainError("report.bad_period")
    return half_month_of(start)


def recent_half_months(n: int = 12, today: date | None = None) -> list[HalfMonth]:
    """The current half month and the `n - 1` before it, newest first."""
    out = [half_month_of(today or clock.today())]
    while len(out) < n:
        out.append(half_month_of(out[-1].start - timedelta(days=1)))
    return out


@dataclass(frozen=True)
class Quarter:
    year: int
    q: int

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.q}"

    @property
    def start(self) -> date:
        return self.months[0]

    @property
    def end(self) -> date:
        month = constants.quarter_months(self.q)[-1]
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def months(self) -> list[date]:
        """The first day of each of its months (constants.MONTHS_PER_QUARTER)."""
        return [date(self.year, m, 1) for m in constants.quarter_months(self.q)]


def quarter_of(day: date) -> Quarter:
    return Quarter(day.year, constants.quarter_of_month(day.month))


def parse_quarter(key: str) -> Quarter:
    """"2026-Q3" -> Quarter(2026, 3)."""
    m = re.fullmatch(r"(\d{4})-Q(\d)", (key or "").strip())
    if not m or not 2000 <= int(m.group(1)) <= 2100 or not 1 <= int(m.group(2)) <= constants.QUARTERS_PER_YEAR:
        raise DomainError("report.bad_period")
    return Quarter(int(m.group(1)), int(m.group(2)))


def recent_quarters(n: int = 8, today: date | None = None) -> list[Quarter]:
    """The current quarter and the `n - 1` before it, newest first."""
    out = [quarter_of(today or clock.today())]
    while len(out) < n:
        out.append(quarter_of(out[-1].start - timedelta(days=1)))
    return out



def _overdue_exists():
    return exists().where(
        col(RequestEvent.request_id) == col(ServiceRequest.id), col(RequestEvent.kind) == "overdue"
    )


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


# --- half-monthly summary ---------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One line of the summary: a category (its key) or a grid (its name; "" = no grid)."""

    key: str
    total: int
    overdue: int
    unsatisfied: int


@dataclass
class HalfMonthSummary:
    period: HalfMonth
    total: int = 0
    overdue: int = 0
    unsatisfied: int = 0
    by_category: list[Line] = field(default_factory=list)
    by_grid: list[Line] = field(default_factory=list)
    actions: str = ""
    actions_by: str = ""
    actions_at: datetime | None = None


def summary_for(session: Session, community_id: int, period: HalfMonth) -> HalfMonthSummary:
    """The half-monthly summary of management-caused complaints (see the module docstring)."""
    unsatisfied = exists().where(
        col(FollowUp.request_id) == col(ServiceRequest.id), col(FollowUp.satisfied).is_(False)
    )
    where = (
        col(ServiceRequest.community_id) == community_id,
        col(ServiceRequest.ours).is_(True),
        col(ServiceRequest.category).in_(sorted(FOLLOWED_UP_CATEGORIES)),
        col(ServiceRequest.received_at) >= clock.midnight(period.start),
        col(ServiceRequest.received_at) < clock.midnight(period.end + timedelta(days=1)),
    )
    figures = (func.count(), _count_if(_overdue_exists()), _count_if(unsatisfied))
    out = HalfMonthSummary(period)
    for category, n, late, unhappy in session.exec(
        select(ServiceRequest.category, *figures).where(*where)
        .group_by(col(ServiceRequest.category)).order_by(col(ServiceRequest.category))
    ).all():
        out.by_category.append(Line(category, int(n), int(late), int(unhappy)))
    grid_rows = session.exec(
        select(Grid.name, *figures)
        .select_from(ServiceRequest)
        .join(Grid, col(Grid.id) == col(ServiceRequest.grid_id), isouter=True)
        .where(*where)
        .group_by(col(Grid.name))
    ).all()
    out.by_grid = sorted(
        (Line(name or "", int(n), int(late), int(unhappy)) for name, n, late, unhappy in grid_rows),
        key=lambda line: (-line.total, line.key == "", line.key),
    )
    out.total = sum(line.total for line in out.by_category)
    out.overdue = sum(line.overdue for line in out.by_category)
    out.unsatisfied = sum(line.unsatisfied for line in out.by_category)
    plan = session.exec(
        select(ImprovementPlan, Staff.name)
        .join(Staff, col(Staff.id) == col(ImprovementPlan.written_by))
        .where(ImprovementPlan.community_id == community_id, ImprovementPlan.period_start == period.start)
    ).first()
    if plan is not None:
        out.actions, out.actions_by, out.actions_at = plan[0].actions, plan[1], plan[0].written_at
    return out


def half_month_summary(session: Session, actor: Actor, key: str) -> HalfMonthSummary:
    """The summary of the half month starting `key` ("2026-11-16"), for someone with report.view."""
    return summary_for(session, actor.community_for("report.view"), parse_half_month(key))


def write_plan(session: Session, actor: Actor, key: str, actions: str) -> ImprovementPlan:
    """Write (or rewrite) the improvement actions of a half month; audited with before and after."""
    community_id = actor.community_for("report.write")
    period = parse_half_month(key)
    if period.start > clock.today():
        raise DomainError("report.future_period")
    text = clean_text(actions, field="actions", max_length=ACTIONS_MAX)
    row = session.exec(
        select(ImprovementPlan).where(
            ImprovementPlan.community_id == community_id, ImprovementPlan.period_start == period.start
        )
    ).first()
    before = row.actions if row is not None else None
    if row is None:
        row = ImprovementPlan(community_id=community_id, period_start=period.start,
                              period_end=period.end, actions=text, written_by=actor.id,
                              written_at=clock.now())
    else:
        row.actions, row.written_by, row.written_at = text, actor.id, clock.now()
    session.add(row)
    session.flush()
    audit.record(
        session, "report.plan_written", actor_id=actor.id, community_id=community_id,
        subject=f"plan:{period.key}", before=before, after=text,
    )
    return row


# --- quarterly report -------------------------------------------------------------------------


@dataclass
class Figures:
    """The counts of one slice of the quarter (a month, a category, or all of it)."""

    received: int = 0
    handled: int = 0
    on_time: int = 0
    valid_resolved: int = 0
    followed_up: int = 0
    follow_ups: int = 0
    satisfaction_sum: int = 0
    satisfied: int = 0

    def add(self, other: Figures) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def handled_rate(self) -> float | None:
        return self.handled / self.received if self.received else None

    @property
    def on_time_rate(self) -> float | None:
        """On time ÷ handled."""
        return self.on_time / self.handled if self.handled else None

    @property
    def follow_up_rate(self) -> float | None:
        return self.followed_up / self.valid_resolved if self.valid_resolved else None

    @property
    def satisfaction(self) -> float | None:
        """Mean satisfaction, 1–5."""
        return self.satisfaction_sum / self.follow_ups if self.follow_ups else None

    @property
    def satisfied_rate(self) -> float | None:
        return self.satisfied / self.follow_ups if self.follow_ups else None


@dataclass
class QuarterReport:
    period: Quarter
    total: Figures
    # (first day of the month, figures), the three months in order
    by_month: list[tuple[date, Figures]]
    # (category key, "" = not yet classified; figures), in the order of requests.CATEGORIES
    by_category: list[tuple[str, Figures]]


def quarterly_for(session: Session, community_id: int, quarter: Quarter) -> QuarterReport:
    """The quarterly figures (see the module docstring): two grouped queries."""
    m1, m2, m3 = (clock.midnight(d) for d in quarter.months)
    end = clock.midnight(quarter.end + timedelta(days=1))
    received = col(ServiceRequest.received_at)
    month = case((received < m2, literal(0)), (received < m3, literal(1)), else_=literal(2))
    in_period = (col(ServiceRequest.community_id) == community_id, received >= m1, received < end)
    handled = col(ServiceRequest.status).in_(HANDLED)
    valid = and_(col(ServiceRequest.ours).is_(True),
                 col(ServiceRequest.category).in_(sorted(FOLLOWED_UP_CATEGORIES)))
    cells: dict[tuple[int, str], Figures] = {}
    for idx, category, n, done, on_time, resolved, followed in session.exec(
        select(
            month, ServiceRequest.category, func.count(), _count_if(handled),
            _count_if(and_(handled, ~_overdue_exists())),
            _count_if(and_(valid, handled)),
            _count_if(and_(valid, col(ServiceRequest.status).in_(FOLLOWED))),
        ).where(*in_period).group_by(month, col(ServiceRequest.category))
    ).all():
        cells[(int(idx), category)] = Figures(int(n), int(done), int(on_time), int(resolved), int(followed))
    for idx, category, n, total, happy in session.exec(
        select(
            month, ServiceRequest.category, func.count(col(FollowUp.id)),
            func.coalesce(func.sum(col(FollowUp.satisfaction)), 0),
            _count_if(col(FollowUp.satisfied).is_(True)),
        )
        .select_from(FollowUp)
        .join(ServiceRequest, col(ServiceRequest.id) == col(FollowUp.request_id))
        .where(*in_period)
        .group_by(month, col(ServiceRequest.category))
    ).all():
        cell = cells.setdefault((int(idx), category), Figures())
        cell.follow_ups, cell.satisfaction_sum, cell.satisfied = int(n), int(total), int(happy)
    from app.domain.requests import CATEGORIES

    total = Figures()
    months = [Figures() for _ in range(3)]
    per_category: dict[str, Figures] = {}
    for (idx, category), cell in cells.items():
        total.add(cell)
        months[idx].add(cell)
        per_category.setdefault(category, Figures()).add(cell)
    order = {c: i for i, c in enumerate(CATEGORIES)}
    by_category = sorted(per_category.items(), key=lambda kv: order.get(kv[0], len(order)))
    return QuarterReport(quarter, total, list(zip(quarter.months, months, strict=True)), by_category)


def quarterly(session: Session, actor: Actor, key: str) -> QuarterReport:
    """The quarterly report of `key` ("2026-Q3"), for someone with report.view."""
    return quarterly_for(session, actor.community_for("report.view"), parse_quarter(key))


def percent(rate: float | None) -> str:
    """"93%" / "—" (no data)."""
    return "—" if rate is None else f"{round(rate * 100)}%"


def mean(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"
