"""The guard's gate screen: scan a worker pass, show the verdict at once, the latest scans.

Thin: the verdict is `app.domain.gate.verify_pass` (which logs every scan and
audits refusals); this state keeps the verdict's words, the worker's photo as a
signed link, and the last scans. The gate's name is kept in the browser.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from app.api.evidence import photo_links
from app.db.session import session_scope
from app.domain import gate, homes
from app.state.base import AppState
from app.state.patrols import day_time


@dataclass(frozen=True)
class VerdictCard:
    """The verdict of the last scan, in large words; `verdict` is "" before any scan."""

    verdict: str = ""
    ok: bool = False
    words: str = ""
    name: str = ""
    trade: str = ""
    household: str = ""
    photo: str = ""
    valid: str = ""
    hours: str = ""
    at: str = ""
    permit: bool = False  # a permit's QR or code: its status, not a worker's verdict


@dataclass(frozen=True)
class ScanItem:
    at: str
    gate: str
    verdict: str
    valid: bool
    pass_id: int


class GateState(AppState):
    """One guard's gate: the scan verdict and the recent scans of the community."""

    gate_name: str = rx.LocalStorage("", name="gb_gate", sync=True)
    hot_work: bool = False
    community: str = ""
    verdict: VerdictCard = VerdictCard()
    scans: list[ScanItem] = []

    def _load_scans(self, db, actor) -> None:
        self.scans = [
            ScanItem(day_time(s.at), s.gate, s.verdict, s.verdict == gate.VALID, s.pass_id or 0)
            for s in gate.recent_scans(db, actor, limit=10)
        ]

    @rx.event
    def load(self):
        actor = self._authorize("home.gate")
        if actor is None or actor.community_id is None:
            return
        self.verdict = VerdictCard()
        with session_scope() as db:
            self.community = homes.community_facts(db, actor.community_id).name
            self._load_scans(db, actor)

    @rx.event
    def reload_scans(self):
        """The recent scans again: the phone has just sent the scans it queued offline."""
        actor = self._authorize("gate.scan")
        if actor is None:
            return
        with session_scope() as db:
            self._load_scans(db, actor)

    @rx.event
    def set_gate_name(self, value: str):
        self.gate_name = str(value or "").strip()[:20]

    @rx.event
    def set_hot_work(self, value: bool):
        self.hot_work = bool(value)

    @rx.event
    def scan(self, raw: str):
        def work(db, actor):
            v = gate.verify_pass(db, actor, str(raw or "")[:400], gate=self.gate_name, hot_work=self.hot_work)
            self._load_scans(db, actor)
            return v

        v = self._run("gate.scan", work)
        if v is None:
            self.verdict = VerdictCard()
            return
        thumb, full = photo_links(v.photo_id) if v.photo_id else ("", "")
        self.verdict = VerdictCard(
            verdict=v.verdict, ok=v.ok, words=self._msg(v.message_key), name=v.worker_name or v.permit_no,
            trade=v.trade, household=v.household, photo=full or thumb,
            valid=f"{v.valid_from} – {v.valid_until}" if v.valid_from and v.valid_until else "",
            hours=v.hours, at=day_time(v.at), permit=v.is_permit,
        )
