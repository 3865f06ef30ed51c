"""Renovation applications at the desk: the list with the approver's inbox, the application form,
one application (three-level approval, workers and passes, deposit, letter, printed documents).

Thin: every handler re-checks the role through AppState (`_run`/`_authorize`) and calls
app.domain.renovations / renovation_passes in one transaction. A decision is authorized as
`renovation.view` and then judged by the domain, which refuses (and audits) a level the
application is not waiting for or a person without that level's role. The state keeps only
strings for the screen (times local).
"""

from __future__ import annotations

from datetime import date

import reflex as rx
from sqlmodel import select

from app.api import renovation_docs
from app.db.models import Staff
from app.db.session import session_scope
from app.domain import households, money, renovation_passes, renovations
from app.domain.errors import DomainError
from app.state.base import AppState, ReloadsRecord, as_id, form_day, form_text
from app.state.patrols import day_time, photo_rows, route_int


def _day(value: object, field: str = "planned_dates") -> date | None:
    return form_day(value, required=True, error="form.required", field=field)


def _fields(form: dict) -> dict:
    """The application's fields from the form (checkboxes arrive only when ticked)."""
    return dict(
        owner_name=form_text(form, "owner_name"), owner_phone=form_text(form, "owner_phone"),
        contractor_company=form_text(form, "contractor_company"),
        contractor_contact=form_text(form, "contractor_contact"),
        contractor_phone=form_text(form, "contractor_phone"),
        scope=[s for s in renovations.SCOPES if form.get(f"scope_{s}")],
        waterproofing_areas=[a for a in renovations.WATERPROOFING_AREAS if form.get(f"area_{a}")],
        hot_work=bool(form.get("hot_work")), scope_note=form_text(form, "scope_note"),
        planned_start=_day(form.get("planned_start")), planned_end=_day(form.get("planned_end")),
        hours_start=form_text(form, "hours_start") or "08:00", hours_end=form_text(form, "hours_end") or "18:00",
    )


def _row(r: renovations.ApplicationRow) -> dict[str, str]:
    return {"id": str(r.id), "household": r.household, "owner": r.owner_name, "contractor": r.contractor,
            "status": r.status, "round": str(r.round), "planned": f"{r.planned_start} ~ {r.planned_end}",
            "submitted": day_time(r.submitted_at)}


class RenovationsState(ReloadsRecord, AppState):
    """The desk's renovation applications."""

    inbox: list[dict[str, str]] = []
    rows: list[dict[str, str]] = []
    status_filter: str = "all"
    created_id: str = ""

    # one application
    app: dict[str, str] = {}
    scope: list[str] = []
    areas: list[str] = []
    history: list[dict[str, str]] = []
    workers: list[dict[str, str]] = []
    letter_photos: list[dict] = []
    waiting: str = ""
    reasons: str = ""
    can_decide: bool = False
    can_documents: bool = False
    can_resubmit: bool = False
    permit_link: str = ""
    letter_link: str = ""
    passes_link: str = ""
    missing: bool = False

    # ---- the list ------------------------------------------------------------------------

    @rx.event
    def load_list(self):
        actor = self._authorize("renovation.view")
        if actor is None:
            return
        statuses = None if self.status_filter == "all" else [self.status_filter]
        with session_scope() as db:
            self.inbox = [_row(r) for r in renovations.awaiting(db, actor)]
            self.rows = [_row(r) for r in renovations.listing(db, actor, statuses=statuses)]

    @rx.event
    def set_filter(self, value: str | list[str]):
        value = value if isinstance(value, str) else (value[0] if value else "all")
        self.status_filter = value if value in renovations.STATUSES else "all"
        return RenovationsState.load_list

    # ---- the application form -------------------------------------------------------------

    @rx.event
    def new_form(self):
        self.created_id = ""

    @rx.event
    def submit(self, form: dict):
        def work(db, actor):
            home = households.find(db, actor.community_id, form_text(form, "household").strip())
            return renovations.apply(db, actor, household_id=home.id, client_id=form_text(form, "client_id", 40) or None,
                                     **_fields(form))

        made = self._run("renovation.apply", work, ok_key="reno.applied")
        if made is not None:
            self.created_id = str(made.id)
            return rx.redirect(f"/desk/renovations/{made.id}")

    # ---- one application ---------------------------------------------------------------------

    @rx.event
    def load(self):
        self._reload(route_int(self, "renovation_id"))

    def _rid(self) -> int:
        return int(self.app.get("id", "0") or 0)

    def _reload(self, rid: int) -> None:
        actor = self._authorize("renovation.view")
        if actor is None:
            return
        try:
            with session_scope() as db:
                a = renovations.get(db, actor, rid)
                names = dict(db.exec(select(Staff.id, Staff.name).where(Staff.community_id == a.community_id)).all())
                self.app = {
                    "id": str(a.id), "household": a.household_label, "status": a.status, "round": str(a.round),
                    "owner": f"{a.owner_name} {a.owner_phone}",
                    "resident": f"{a.resident_name} {a.resident_phone}".strip(),
                    "company": a.contractor_company, "contact": f"{a.contractor_contact} {a.contractor_phone}",
                    "areas": ",".join(renovations.areas(a)), "hot_work": "1" if a.hot_work else "",
                    "note": a.scope_note, "planned": f"{a.planned_start} ~ {a.planned_end}",
                    "hours": f"{a.hours_start}-{a.hours_end}", "stage": a.stage,
                    "permit_no": a.permit_no, "permitted": "1" if a.permit_version > 0 else "",
                    "deposit": f"¥{a.deposit_cents / 100:.2f}" if a.deposit_paid_at else "",
                    "receipt": a.deposit_receipt_no, "letter_signed": str(a.letter_signed_on or ""),
                    "has_letter_photo": "1" if a.letter_photo_id else "",
                    "open": "1" if a.status in renovations.OPEN_STATUSES else "",
                    "under_way": "1" if a.status == renovations.APPROVED else "",
                    "submitted": day_time(a.submitted_at), "by": names.get(a.submitted_by, ""),
                    # raw values: the resubmit form's defaults and the reissue pickers' bounds
                    "contractor_company": a.contractor_company, "contractor_contact": a.contractor_contact,
                    "contractor_phone": a.contractor_phone,
                    "planned_start": str(a.planned_start), "planned_end": str(a.planned_end),
                    "hours_start": a.hours_start, "hours_end": a.hours_end,
                }
                self.areas = renovations.areas(a)
                self.scope = [s for s in renovations.SCOPES if getattr(a, f"scope_{s}")]
                self.history = [
                    {"level": d.level, "decision": d.decision, "round": str(d.round), "reasons": d.reasons,
                     "by": names.get(d.by_id, ""), "at": day_time(d.at)}
                    for d in renovations.approvals(db, rid)
                ]
                level = renovations.waiting_level(a)
                self.waiting = level or ""
                self.can_decide = level is not None and renovations.LEVEL_ROLE[level] in actor.roles
                self.can_documents = actor.can("renovation.documents")
                self.can_resubmit = a.status == renovations.RETURNED and actor.can("renovation.apply")
                self.workers = [
                    {"id": str(w.worker_id), "name": w.name, "phone": w.phone, "trade": w.trade,
                     "id_number": w.id_number_masked, "active": "1" if w.active else "",
                     "pass_id": str(w.pass_id or ""), "version": str(w.version),
                     "valid": f"{w.valid_from} ~ {w.valid_until}" if w.valid_from else "",
                     "valid_from": str(w.valid_from or ""), "valid_until": str(w.valid_until or ""),
                     "revoked": "1" if w.revoked else "", "revoked_reason": w.revoked_reason,
                     "live": "1" if w.token else "", "has_photo": "1" if w.photo_id else ""}
                    for w in renovation_passes.workers_and_passes(db, actor, rid)
                ]
                self.letter_photos = (photo_rows(db, actor, renovation_passes.LETTER_KIND, rid)
                                      if self.can_documents else [])
                permitted = a.permit_version > 0
                self.permit_link = renovation_docs.link(rid, "permit") if permitted else ""
                self.letter_link = renovation_docs.link(rid, "letter")
                self.passes_link = renovation_docs.link(rid, "passes") if permitted else ""
            self.missing = False
        except DomainError as err:
            self.missing = True
            self.app = {}
            self._say(err.key, **err.params)

    @rx.event
    def set_reasons(self, value: str):
        self.reasons = str(value or "")[:500]

    @rx.event
    def decide(self, decision: str):
        """A decision for the level the page showed; the domain judges level and role (and audits)."""
        rid = self._rid()
        level = self.waiting

        def work(db, actor):
            return renovations.decide(db, actor, rid, level=level, decision=decision, reasons=self.reasons)

        if self._act("renovation.view", work, ok_key=f"reno.decided.{decision}"
                     if decision in renovations.DECISIONS else "") is not None:
            self.reasons = ""

    @rx.event
    def resubmit(self, form: dict):
        """The returned application sent again with the form's fields (prefilled with the current ones)."""
        rid = self._rid()

        def work(db, actor):
            changes = _fields(form)
            del changes["owner_name"], changes["owner_phone"]  # not on the resubmit form
            return renovations.resubmit(db, actor, rid, **changes)

        self._act("renovation.apply", work, ok_key="reno.resubmitted")

    @rx.event
    def add_worker(self, form: dict):
        rid = self._rid()

        def work(db, actor):
            return renovation_passes.add_worker(
                db, actor, rid, name=form_text(form, "worker_name"), phone=form_text(form, "worker_phone"),
                trade=form_text(form, "worker_trade"), id_number=form_text(form, "worker_id_number"),
                client_id=form_text(form, "client_id", 40) or None)

        self._act("renovation.documents", work, ok_key="reno.worker_added")

    @rx.event
    def remove_worker(self, worker_id: str):
        self._act("renovation.documents", lambda db, actor: renovation_passes.remove_worker(
            db, actor, as_id(worker_id)), ok_key="reno.worker_removed")

    @rx.event
    def revoke_pass(self, form: dict):
        pid = form_text(form, "pass_id")
        self._act("renovation.documents", lambda db, actor: renovation_passes.revoke_pass(
            db, actor, as_id(pid), form_text(form, "reason")), ok_key="reno.revoked_ok")

    @rx.event
    def reissue_pass(self, form: dict):
        """A new card, with the days picked (an empty day keeps the pass's own)."""
        pid = form_text(form, "pass_id")
        since = form_day(form.get("valid_from"), required=False)
        until = form_day(form.get("valid_until"), required=False)
        self._act("renovation.documents", lambda db, actor: renovation_passes.reissue_pass(
            db, actor, as_id(pid), valid_from=since, valid_until=until), ok_key="reno.pass_reissued")

    @rx.event
    def record_deposit(self, form: dict):
        rid = self._rid()

        def work(db, actor):
            cents = money.parse_yuan(form_text(form, "deposit_yuan"), field="deposit",
                                     most=renovations.MAX_DEPOSIT_CENTS)
            return renovation_passes.record_deposit(db, actor, rid, amount_cents=cents,
                                                    receipt_no=form_text(form, "receipt_no"))

        self._act("renovation.documents", work, ok_key="reno.deposit_recorded")

    @rx.event
    def record_letter(self, form: dict):
        rid = self._rid()
        self._act("renovation.documents", lambda db, actor: renovation_passes.record_letter(
            db, actor, rid, signed_on=_day(form.get("signed_on"), "signed_on")), ok_key="reno.letter_recorded")

    @rx.event
    def photos_done(self):
        self._reload(self._rid())
