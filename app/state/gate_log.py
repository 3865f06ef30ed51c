"""The supervisor's gate log screen: a picked local day's scans and verdict counts, refusals only on request.

Thin: `app.domain.gate_log.day_log` reads and checks `gate.log`; this state
keeps the picked day, the filter and the rows as the screen shows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import reflex as rx

from app.db.session import session_scope
from app.domain import clock, gate_log
from app.state.base import AppState, as_int, form_day


@dataclass(frozen=True)
class ScanLine:
    """One gate scan of the day as the log lists it."""

    at: str
    gate: str
    verdict: str
    valid: bool
    guard: str
    worker: str
    household: str
    offline: bool = False
    phone_time: str = ""  # the phone's time of an offline scan (with the day when it differs)
    shown_key: str = ""  # message key of what the phone showed offline
    shown_valid: bool = False
    clock_off: bool = False


def _line(r: gate_log.LogRow) -> ScanLine:
    phone = ""
    if r.offline and r.phone_at is not None:
        local = clock.local(r.phone_at)
        same_day = local.date() == clock.local(r.at).date()
        phone = local.strftime("%H:%M:%S" if same_day else "%m-%d %H:%M:%S")
    shown = ("gate_offline.shown_stale" if r.offline_verdict == "stale"
             else f"gate.verdict.{r.offline_verdict}" if r.offline_verdict else "")
    return ScanLine(clock.local(r.at).strftime("%H:%M:%S"), r.gate, r.verdict, r.verdict == gate_log.VALID, r.guard,
                    r.worker, r.household, offline=r.offline, phone_time=phone, shown_key=shown,
                    shown_valid=r.offline_verdict == gate_log.VALID, clock_off=r.clock_off)


@dataclass(frozen=True)
class VerdictCount:
    verdict: str
    valid: bool
    n: int


class GateLogState(AppState):
    """One day of the community's gate scans."""

    day: str = ""  # ISO date picked; "" until the page loads (then today)
    refused_only: bool = False
    rows: list[ScanLine] = []
    counts: list[VerdictCount] = []  # in the domain's verdict order
    total: int = 0
    refused: int = 0

    def _fill(self) -> None:
        actor = self._authorize("gate.log")
        if actor is None:
            return
        day = form_day(self.day, required=False, default=clock.today()) or clock.today()
        self.day = day.isoformat()
        with session_scope() as db:
            log = gate_log.day_log(db, actor, day, refused_only=self.refused_only)
        self.rows = [_line(r) for r in log.rows]
        self.counts = [VerdictCount(v, v == gate_log.VALID, n) for v, n in log.counts.items()]
        self.total, self.refused = log.total, log.refused

    @rx.event
    def load(self):
        self.day = ""
        self.refused_only = False
        self._fill()

    @rx.event
    def set_day(self, value: str):
        self.day = str(value or "")[:10]
        self._fill()

    @rx.event
    def shift_day(self, days: int):
        day = form_day(self.day, required=False, default=clock.today()) or clock.today()
        self.day = (day + timedelta(days=as_int(days, lo=-1, hi=1))).isoformat()
        self._fill()

    @rx.event
    def set_refused_only(self, value: bool):
        self.refused_only = bool(value)
        self._fill()
