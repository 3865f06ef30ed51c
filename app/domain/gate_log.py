"""The gate log (门岗记录) for supervisors: one local day's scans, who scanned, the verdicts.

`app.domain.gate` writes a `GateScan` for every scan (guard, gate, time,
verdict, the pass when one was found); this module reads them back for the
people who hold `gate.log`: the day's scans newest first with the guard's
name and, where the pass was found, the worker and the household; the day's
count per verdict; refusals only on request. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.db.models import GateScan, RenovationApplication, RenovationWorker, Staff, WorkerPass
from app.domain import clock
from app.domain.auth import Actor
from app.domain.gate import VALID, VERDICTS

LIMIT = 200  # rows shown for a day; the counts cover the whole day


@dataclass(frozen=True)
class LogRow:
    id: int
    at: datetime
    gate: str
    verdict: str
    guard: str
    worker: str = ""
    household: str = ""
    # judged on the phone without signal and sent later (app.domain.gate_snapshot): `at` is then
    # the server's receipt, `verdict` the server's own at the phone's time
    offline: bool = False
    phone_at: datetime | None = None
    offline_verdict: str = ""  # what the phone showed ("stale": its list was too old)
    clock_off: bool = False


@dataclass(frozen=True)
class DayLog:
    day: date
    rows: list[LogRow]
    counts: dict[str, int] = field(default_factory=dict)  # verdict -> scans that day (all of them)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def refused(self) -> int:
        return self.total - self.counts.get(VALID, 0)


def day_log(session: Session, actor: Actor, day: date, *, refused_only: bool = False,
            limit: int = LIMIT) -> DayLog:
    """One local day's scans of the actor's community, newest first, and the day's verdict counts."""
    community_id = actor.community_for("gate.log")
    since, until = clock.midnight(day), clock.midnight(day + timedelta(days=1))
    in_day = (
        col(GateScan.community_id) == community_id,
        col(GateScan.at) >= since,
        col(GateScan.at) < until,
    )
    counts = {v: n for v, n in session.exec(
        select(GateScan.verdict, func.count()).where(*in_day).group_by(GateScan.verdict))}
    stmt = (
        select(GateScan.id, GateScan.at, GateScan.gate, GateScan.verdict, Staff.name,
               RenovationWorker.name, RenovationApplication.household_label,
               GateScan.offline, GateScan.phone_at, GateScan.offline_verdict, GateScan.clock_off)
        .join(Staff, col(Staff.id) == col(GateScan.guard_id))
        .outerjoin(WorkerPass, col(WorkerPass.id) == col(GateScan.pass_id))
        .outerjoin(RenovationWorker, col(RenovationWorker.id) == col(WorkerPass.worker_id))
        .outerjoin(RenovationApplication, col(RenovationApplication.id) == col(WorkerPass.application_id))
        .where(*in_day)
        .order_by(col(GateScan.at).desc(), col(GateScan.id).desc())
        .limit(max(1, min(limit, LIMIT)))
    )
    if refused_only:
        stmt = stmt.where(col(GateScan.verdict) != VALID)
    rows = [
        LogRow(id=i, at=at, gate=g, verdict=v, guard=guard, worker=worker or "", household=home or "",
               offline=bool(off), phone_at=phone_at, offline_verdict=shown or "", clock_off=bool(skewed))
        for i, at, g, v, guard, worker, home, off, phone_at, shown, skewed in session.exec(stmt)
    ]
    return DayLog(day=day, rows=rows, counts={v: counts[v] for v in VERDICTS if v in counts})
