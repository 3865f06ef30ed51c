"""Renovations under way on site: checks, re-checks, stage gates, hot work, completion, KPIs.

Thin: every handler re-checks the role through AppState (`_run`/`_authorize`)
and calls app.domain.renovation_checks / renovation_completion in one
transaction; the state keeps only strings for the screen (times local).
Used by the phone pages /m/renovations(/[renovation_id]), the sections on the
desk renovation page and the desk KPI page /desk/renovation-kpis.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from app.api.evidence import PhotoItem
from app.db.session import session_scope
from app.domain import clock, renovation_checks, renovation_completion, renovations
from app.domain.errors import DomainError
from app.domain.money import parse_yuan
from app.state.base import AppState, ReloadsRecord, as_id, form_day, form_text, int_or
from app.state.patrols import day_time, photo_rows, route_int

CHECK_ITEMS = renovation_checks.CHECK_ITEMS
ACCEPTANCE_ITEMS = renovation_completion.ACCEPTANCE_ITEMS


def money(cents: int) -> str:
    return f"¥{cents / 100:.2f}"


def _cents(value: object) -> int:
    """Yuan typed in a form ("200", "200.5") as fen, empty as 0; a bad amount is the domain's message."""
    return parse_yuan(value, field="deduction", required=False, most=renovations.MAX_DEPOSIT_CENTS)


def _percent(rate: float | None, digits: int = 2) -> str:
    return "—" if rate is None else f"{rate * 100:.{digits}f}%"


@dataclass(frozen=True)
class SiteItem:
    """A renovation under way in the phone list, with its hold and the next rectification due."""

    id: int
    household: str
    contractor: str
    status: str
    stage: str
    hold: str  # the message key of a hold, "" when work may go on
    rect_due: str
    overdue: bool


@dataclass(frozen=True)
class SiteView:
    """The renovation's header and money, and which sections the page shows."""

    id: int = 0
    household: str = ""
    owner: str = ""
    contractor: str = ""
    permit_no: str = ""
    status: str = ""
    stage: str = ""
    hold: str = ""
    planned: str = ""
    hours: str = ""
    hot_work_scope: bool = False
    deposit: str = ""
    deducted: str = ""
    refund_due: str = ""
    refunded: str = ""  # the amount once refunded
    revisit_due: str = ""
    revisit_at: str = ""
    revisit_note: str = ""
    under_way: bool = False
    completed: bool = False
    last_stage: bool = False


@dataclass(frozen=True)
class SiteCheckLine:
    id: int
    at: str
    by: str
    violations: int
    failed: str  # the failed items in words


@dataclass(frozen=True)
class RectItem:
    """A rectification notice (`id` a string: it travels back as a form value)."""

    id: str
    what: str  # the items in words
    note: str
    status: str
    due: str
    overdue: bool
    deduction: str
    reason: str
    recheck_note: str
    rechecked: str


@dataclass(frozen=True)
class GateItem:
    id: str
    kind: str
    item: str
    status: str
    label_key: str
    at: str
    note: str


@dataclass(frozen=True)
class DeclarableItem:
    value: str  # "kind:item"
    label_key: str


@dataclass(frozen=True)
class HotWorkItem:
    id: int
    window: str
    fire_watch: str
    phone: str
    revoked: bool


@dataclass(frozen=True)
class EscalationItem:
    id: int
    what: str
    reason: str
    deduction: str
    at: str


class RenovationSiteState(ReloadsRecord, AppState):
    """One renovation on site (and the list of those under way)."""

    rows: list[SiteItem] = []
    reno: SiteView = SiteView()
    checks: list[SiteCheckLine] = []
    last_check_id: int = 0
    check_photos: list[PhotoItem] = []
    rects: list[RectItem] = []
    gates: list[GateItem] = []
    concealed_left: list[str] = []
    areas_left: list[str] = []
    # what may be declared now
    declarable: list[DeclarableItem] = []
    hot_work: list[HotWorkItem] = []
    asbuilt_photos: list[PhotoItem] = []
    escalated: list[EscalationItem] = []
    # which checklist items the inspector marked as a violation (the rest pass)
    failing: list[str] = []
    missing: bool = False

    # ---- the list ------------------------------------------------------------------------

    @rx.event
    def load_list(self):
        actor = self._authorize("renovation.view")
        if actor is None:
            return
        with session_scope() as db:
            self.rows = [
                SiteItem(r.id, r.household, r.contractor, r.status, r.stage, r.hold,
                         day_time(r.rect_due) if r.rect_due else "", r.overdue)
                for r in renovation_checks.site_list(db, actor)
            ]

    # ---- one renovation ----------------------------------------------------------------

    @rx.event
    def load(self):
        rid = route_int(self, "renovation_id")
        actor = self._authorize("renovation.view")
        if actor is None:
            return
        self.failing = []
        self._reload(rid)

    def _reload(self, rid: int) -> None:
        actor = self._authorize("renovation.view")
        if actor is None:
            return
        try:
            with session_scope() as db:
                app = renovations.get(db, actor, rid)
                head = renovation_checks.site_header(db, app)
                self.reno = SiteView(
                    id=app.id, household=app.household_label, owner=app.owner_name,
                    contractor=app.contractor_company or app.contractor_contact, permit_no=app.permit_no,
                    status=app.status, stage=head.stage, hold=head.hold,
                    planned=f"{app.planned_start} ~ {app.planned_end}", hours=f"{app.hours_start}-{app.hours_end}",
                    hot_work_scope=app.hot_work, deposit=money(app.deposit_cents),
                    deducted=money(head.deducted_cents), refund_due=money(head.refund_due_cents),
                    refunded=money(app.refund_cents) if app.refunded_at else "",
                    revisit_due=str(app.revisit_due or ""), revisit_at=day_time(app.revisit_at),
                    revisit_note=app.revisit_note or "", under_way=head.under_way, completed=head.completed,
                    last_stage=head.last_stage,
                )
                checks = renovation_checks.site_checks_of(db, app)
                self.checks = [
                    SiteCheckLine(c.id, day_time(c.at), c.inspector, c.violations, self._items(c.failed_items))
                    for c in checks
                ]
                self.last_check_id = checks[0].id if checks else 0
                self.check_photos = (photo_rows(db, actor, renovation_checks.CHECK_PHOTO_KIND, self.last_check_id)
                                     if self.last_check_id and actor.can("renovation.check") else [])
                self.rects = [
                    RectItem(str(r.id), self._items(r.items.split(",")), r.note, r.status, day_time(r.due_at),
                             renovation_checks.overdue(r), money(r.deduction_cents) if r.deduction_cents else "",
                             r.deduction_reason, r.recheck_note, day_time(r.rechecked_at))
                    for r in renovation_checks.rectifications(db, actor, rid)
                ]
                view = renovation_checks.stage_gate_view(db, app)
                self.gates = [
                    GateItem(str(g.id), g.kind, g.item, g.status, g.label_key, day_time(g.at), g.note)
                    for g in view.gates
                ]
                self.concealed_left = view.concealed_left
                self.areas_left = view.areas_left
                self.declarable = [DeclarableItem(d.value, d.key) for d in view.declarable]
                self.hot_work = [
                    HotWorkItem(h.id, f"{h.starts_on} ~ {h.ends_on}", h.fire_watch_name, h.fire_watch_phone,
                                h.revoked_at is not None)
                    for h in renovation_checks.hot_work_of(db, app)
                ]
                self.asbuilt_photos = (photo_rows(db, actor, renovation_completion.ASBUILT_KIND, rid)
                                       if actor.can("renovation.complete") else [])
                self.escalated = [
                    EscalationItem(r.id, self._items(r.items.split(",")), r.deduction_reason, money(r.deduction_cents),
                                   day_time(r.escalated_at))
                    for r in renovation_checks.escalations_of(db, app)
                ]
            self.missing = False
        except DomainError as err:
            self.missing = True
            self.reno = SiteView()
            self._say(err.key, **err.params)

    def _items(self, items) -> str:
        return "、".join(self._msg("renovation.check." + i) for i in items if i)

    def _rid(self) -> int:
        return self.reno.id

    # ---- site check ----------------------------------------------------------------------

    @rx.event
    def toggle_item(self, item: str):
        if item in self.failing:
            self.failing = [i for i in self.failing if i != item]
        elif item in CHECK_ITEMS:
            self.failing = [*self.failing, item]

    @rx.event
    def submit_check(self, form: dict):
        rid = self._rid()
        failing = set(self.failing)

        def work(db, actor):
            days = form_text(form, "deadline_days").strip()
            return renovation_checks.site_check(
                db, actor, rid,
                results={i: i not in failing for i in CHECK_ITEMS},
                notes={i: form_text(form, "note_" + i) for i in CHECK_ITEMS},
                note=form_text(form, "note"),
                deadline_days=int_or(days, renovation_checks.DEFAULT_DEADLINE_DAYS),
                client_id=form_text(form, "client_id", 40) or None,
            )

        if self._act("renovation.check", work, ok_key="site.check_saved") is not None:
            self.failing = []

    @rx.event
    def photos_done(self):
        self._reload(self._rid())

    @rx.event
    def submit_recheck(self, form: dict):
        rect_id = form_text(form, "rect_id")
        rectified = form_text(form, "outcome") == "rectified"

        def work(db, actor):
            return renovation_checks.recheck(
                db, actor, as_id(rect_id), rectified=rectified,
                note=form_text(form, "recheck_note"),
                deduction_cents=0 if rectified else _cents(form_text(form, "deduction")),
                deduction_reason=form_text(form, "deduction_reason"),
            )

        self._act("renovation.check", work, ok_key="site.recheck_saved")

    # ---- stage gates ---------------------------------------------------------------------

    @rx.event
    def declare(self, form: dict):
        rid = self._rid()
        value = form_text(form, "gate_item")
        kind, _, item = value.partition(":")

        def work(db, actor):
            return renovation_checks.declare(db, actor, rid, kind=kind, item=item,
                                             note=form_text(form, "declare_note"))

        self._act("renovation.check", work, ok_key="site.declared")

    @rx.event
    def inspect(self, form: dict):
        gate_id = form_text(form, "gate_id")
        passed = form_text(form, "outcome") == "passed"

        def work(db, actor):
            return renovation_checks.inspect(db, actor, as_id(gate_id),
                                             passed=passed, note=form_text(form, "inspect_note"))

        self._act("renovation.check", work, ok_key="site.inspected")

    @rx.event
    def advance(self):
        rid = self._rid()
        stage = self._run("renovation.check",
                          lambda db, actor: renovation_checks.advance_stage(db, actor, rid))
        if stage is not None:
            self._say("site.advanced", ok=True, stage=self._msg("renovation.stage." + stage))
        self._reload(rid)

    # ---- hot work ----------------------------------------------------------------------------

    @rx.event
    def grant_hot_work(self, form: dict):
        rid = self._rid()

        def work(db, actor):
            return renovation_checks.grant_hot_work(
                db, actor, rid,
                starts_on=form_day(form.get("hw_from"), required=True, error="renovation.bad_dates"),
                ends_on=form_day(form.get("hw_to"), required=True, error="renovation.bad_dates"),
                fire_watch_name=form_text(form, "fire_watch"),
                fire_watch_phone=form_text(form, "fire_watch_phone"),
            )

        self._act("renovation.hot_work", work, ok_key="site.hot_work_granted")

    @rx.event
    def revoke_hot_work(self, permission_id: str):
        self._act("renovation.hot_work", lambda db, actor: renovation_checks.revoke_hot_work(
            db, actor, as_id(permission_id)), ok_key="site.hot_work_revoked")

    # ---- completion ------------------------------------------------------------------------

    @rx.event
    def complete(self, form: dict):
        rid = self._rid()

        def work(db, actor):
            return renovation_completion.complete(
                db, actor, rid, checklist={i: bool(form.get("acc_" + i)) for i in ACCEPTANCE_ITEMS},
                note=form_text(form, "acceptance_note"))

        self._act("renovation.complete", work, ok_key="site.completed")

    @rx.event
    def revisit(self, form: dict):
        rid = self._rid()
        self._act("renovation.revisit", lambda db, actor: renovation_completion.record_revisit(
            db, actor, rid, form_text(form, "revisit_note")), ok_key="site.revisited")

    @rx.event
    def refund(self):
        rid = self._rid()
        amount = self._run("renovation.refund", lambda db, actor: renovation_completion.refund(db, actor, rid))
        if amount is not None:
            self._say("site.refunded", ok=True, amount=money(amount))
        self._reload(rid)


@dataclass(frozen=True)
class KpiFigures:
    period: str = ""
    households: int = 0
    site_checks: int = 0
    violating: int = 0
    violation_rate: str = ""
    violation_target: str = ""
    violation_ok: bool = False
    rectifications: int = 0
    rectified: int = 0
    failed: int = 0
    open: int = 0
    overdue: int = 0
    rectification_rate: str = ""
    rectification_target: str = ""
    rectification_ok: bool = False
    passes_active: int = 0
    gate_scans: int = 0
    gate_refusals: int = 0


@dataclass(frozen=True)
class KpiCount:
    label_key: str
    count: int


class RenovationKpiState(AppState):
    """The supervisor's renovation figures over a period (this month so far unless picked)."""

    figures: KpiFigures = KpiFigures()
    by_stage: list[KpiCount] = []
    refusals: list[KpiCount] = []
    period: str = renovation_checks.THIS_MONTH
    custom_from: str = ""
    custom_to: str = ""

    @rx.event
    def set_period(self, value: str):
        self.period = value if value in renovation_checks.KPI_PERIODS else renovation_checks.THIS_MONTH
        if self.period != renovation_checks.CUSTOM:
            self._load()

    @rx.event
    def set_custom(self, form: dict):
        self.custom_from, self.custom_to = form_text(form, "kpi_from", 10), form_text(form, "kpi_to", 10)
        self._load()

    @rx.event
    def load(self):
        self._load()

    def _load(self) -> None:
        actor = self._authorize("renovation.kpi")
        if actor is None or actor.community_id is None:
            return
        try:
            first, last = renovation_checks.kpi_period(
                self.period, clock.today(), form_day(self.custom_from, required=False),
                form_day(self.custom_to, required=False))
        except DomainError as err:
            self._say(err.key, **err.params)
            return
        self.flash = ""
        with session_scope() as db:
            k = renovation_checks.kpis(db, actor.community_id, first=first, last=last)
        self.figures = KpiFigures(
            period=f"{k.first} ~ {k.last}", households=k.households, site_checks=k.site_checks,
            violating=k.violating, violation_rate=_percent(k.violation_rate),
            violation_target=_percent(k.violation_target, 1), violation_ok=k.violation_ok,
            rectifications=k.rectifications, rectified=k.rectified, failed=k.failed, open=k.open,
            overdue=k.overdue, rectification_rate=_percent(k.rectification_rate, 0),
            rectification_target=_percent(k.rectification_target, 0), rectification_ok=k.rectification_ok,
            passes_active=k.passes_active, gate_scans=k.gate_scans, gate_refusals=k.gate_refusals,
        )
        self.by_stage = [KpiCount("renovation.stage." + s, k.by_stage.get(s, 0)) for s in renovation_checks.STAGES]
        self.by_stage += [KpiCount("renovation.status." + s, k.by_status.get(s, 0))
                          for s in (renovations.COMPLETED, renovations.CLOSED)]
        self.refusals = [KpiCount("gate.verdict." + v, n) for v, n in sorted(k.refusals_by_verdict.items())]
