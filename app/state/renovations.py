"""Renovation applications at the desk: the list with the approver's inbox, the application form,
one application (three-level approval, workers and passes, deposit, letter, printed documents).

Thin: every handler re-checks the role through AppState (`_run`/`_authorize`) and calls
app.domain.renovations / renovation_passes in one transaction. A decision is authorized as
`renovation.view` and then judged by the domain, which refuses (and audits) a level the
application is not waiting for or a person without that level's role. The state keeps only
typed rows for the screen (times local); what the viewer may do comes from the domain's page view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import reflex as rx

from app.api import renovation_docs
from app.api.evidence import PhotoItem
from app.db.session import session_scope
from app.domain import constants, households, money, renovation_passes, renovations
from app.domain.errors import DomainError
from app.domain.renovation import views as renovation_views
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
        hours_start=form_text(form, "hours_start") or constants.CONSTRUCTION_START,
        hours_end=form_text(form, "hours_end") or constants.CONSTRUCTION_END,
    )


@dataclass(frozen=True)
class ApplicationItem:
    """An application in the desk's lists."""

    id: int
    household: str
    owner: str
    contractor: str
    status: str
    round: int
    planned: str
    submitted: str


def _row(r: renovations.ApplicationRow) -> ApplicationItem:
    return ApplicationItem(r.id, r.household, r.owner_name, r.contractor, r.status, r.round,
                           f"{r.planned_start} ~ {r.planned_end}", day_time(r.submitted_at))


@dataclass(frozen=True)
class ApplicationView:
    """One application's page; the raw values feed the resubmit form and the reissue pickers."""

    id: int = 0
    household: str = ""
    status: str = ""
    round: int = 0
    owner: str = ""
    resident: str = ""
    company: str = ""
    contact: str = ""
    hot_work: bool = False
    note: str = ""
    planned: str = ""
    hours: str = ""
    stage: str = ""
    permit_no: str = ""
    permitted: bool = False
    deposit: str = ""  # "¥2000.00" once paid
    receipt: str = ""
    letter_signed: str = ""
    has_letter_photo: bool = False
    open: bool = False
    under_way: bool = False
    submitted: str = ""
    by: str = ""
    contractor_company: str = ""
    contractor_contact: str = ""
    contractor_phone: str = ""
    planned_start: str = ""
    planned_end: str = ""
    hours_start: str = ""
    hours_end: str = ""


@dataclass(frozen=True)
class DecisionItem:
    level: str
    decision: str
    round: int
    reasons: str
    by: str
    at: str


@dataclass(frozen=True)
class WorkerItem:
    """A worker and their pass (ids are strings: they travel back as form values)."""

    id: str
    name: str
    phone: str
    trade: str
    id_number: str
    active: bool
    pass_id: str
    version: int
    valid: str
    valid_from: str
    valid_until: str
    revoked: bool
    revoked_reason: str
    live: bool
    has_photo: bool
    code: str = ""  # the short code printed on the live card (read out to a guard whose camera fails)


class RenovationsState(ReloadsRecord, AppState):
    """The desk's renovation applications."""

    inbox: list[ApplicationItem] = []
    rows: list[ApplicationItem] = []
    status_filter: str = "all"
    created_id: str = ""

    # one application
    app: ApplicationView = ApplicationView()
    scope: list[str] = []
    areas: list[str] = []
    history: list[DecisionItem] = []
    workers: list[WorkerItem] = []
    letter_photos: list[PhotoItem] = []
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
        return self.app.id

    def _reload(self, rid: int) -> None:
        actor = self._authorize("renovation.view")
        if actor is None:
            return
        try:
            with session_scope() as db:
                page = renovation_views.application_page(db, actor, rid)
                a = page.app
                self.app = ApplicationView(
                    id=a.id, household=a.household_label, status=a.status, round=a.round,
                    owner=f"{a.owner_name} {a.owner_phone}",
                    resident=f"{a.resident_name} {a.resident_phone}".strip(),
                    company=a.contractor_company, contact=f"{a.contractor_contact} {a.contractor_phone}",
                    hot_work=a.hot_work, note=a.scope_note, planned=f"{a.planned_start} ~ {a.planned_end}",
                    hours=f"{a.hours_start}-{a.hours_end}", stage=a.stage, permit_no=a.permit_no,
                    permitted=page.permitted,
                    deposit=f"¥{a.deposit_cents / 100:.2f}" if a.deposit_paid_at else "",
                    receipt=a.deposit_receipt_no, letter_signed=str(a.letter_signed_on or ""),
                    has_letter_photo=a.letter_photo_id is not None, open=page.open, under_way=page.under_way,
                    submitted=day_time(a.submitted_at), by=page.submitted_by,
                    contractor_company=a.contractor_company, contractor_contact=a.contractor_contact,
                    contractor_phone=a.contractor_phone,
                    planned_start=str(a.planned_start), planned_end=str(a.planned_end),
                    hours_start=a.hours_start, hours_end=a.hours_end,
                )
                self.areas = renovations.areas(a)
                self.scope = [s for s in renovations.SCOPES if getattr(a, f"scope_{s}")]
                self.history = [
                    DecisionItem(d.level, d.decision, d.round, d.reasons, d.by, day_time(d.at)) for d in page.decisions
                ]
                self.waiting = page.waiting_level or ""
                self.can_decide = page.may_decide
                self.can_documents = actor.can("renovation.documents")
                self.can_resubmit = page.may_resubmit
                self.workers = [
                    WorkerItem(
                        id=str(w.worker_id), name=w.name, phone=w.phone, trade=w.trade, id_number=w.id_number_masked,
                        active=w.active, pass_id=str(w.pass_id or ""), version=w.version,
                        valid=f"{w.valid_from} ~ {w.valid_until}" if w.valid_from else "",
                        valid_from=str(w.valid_from or ""), valid_until=str(w.valid_until or ""),
                        revoked=w.revoked, revoked_reason=w.revoked_reason, live=bool(w.token),
                        has_photo=w.photo_id is not None, code=w.short_code,
                    )
                    for w in renovation_passes.workers_and_passes(db, actor, rid)
                ]
                self.letter_photos = (photo_rows(db, actor, renovation_passes.LETTER_KIND, rid)
                                      if self.can_documents else [])
                permitted = page.permitted
                self.permit_link = renovation_docs.link(rid, "permit") if permitted else ""
                self.letter_link = renovation_docs.link(rid, "letter")
                self.passes_link = renovation_docs.link(rid, "passes") if permitted else ""
            self.missing = False
        except DomainError as err:
            self.missing = True
            self.app = ApplicationView()
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
