"""Request screens: the desk dashboard and register search, intake, one request, phone job lists.

Thin: every handler re-checks the role through AppState, calls
app.domain.requests / request_search in one transaction and keeps only the
rows the screen shows (strings; times in the community's local time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import reflex as rx

from app.api.evidence import PhotoItem
from app.db.session import session_scope
from app.domain import alerts, clock, households, notices, reports, request_search, requests
from app.domain.errors import DomainError
from app.domain.request_search import RequestRow
from app.state.base import AppState, as_id, form_day, form_text, int_or, optional_id
from app.state.live import refresh_on_alert
from app.state.patrols import day_time, photo_rows, route_int


@dataclass(frozen=True)
class RequestItem:
    """One register line as every list shows it (times in the community's local time)."""

    id: int
    received: str
    channel: str
    category: str
    status: str
    major: bool
    acknowledged: bool
    household: str
    grid: str
    contact: str
    phone: str
    content: str
    assignee: str
    due: str
    overdue: bool


def request_row(r: RequestRow) -> RequestItem:
    return RequestItem(
        id=r.id,
        received=day_time(r.received_at),
        channel=r.channel,
        category=r.category,
        status=r.status,
        major=r.major,
        acknowledged=r.acknowledged,
        household=r.household,
        grid=r.grid_name,
        contact=r.contact_name,
        phone=r.contact_phone,
        content=r.content,
        assignee=r.assignee,
        due=day_time(r.due_at),
        overdue=r.overdue,
    )


@dataclass(frozen=True)
class RequestDetail:
    """The request page's card: the line, its people and clocks, as shown."""

    id: int = 0
    channel: str = ""
    recording_ref: str = ""
    received: str = ""
    household: str = ""
    grid: str = ""
    contact: str = ""
    phone: str = ""
    content: str = ""
    category: str = ""
    status: str = ""
    major: bool = False
    acknowledged: str = ""
    ours: bool = True
    referral_note: str = ""
    referral_channel: str = ""
    department: str = ""
    assignee: str = ""
    reply_by: str = ""
    due: str = ""
    overdue: bool = False
    arrival: str = ""  # minutes to arrive, one decimal; "" before arrival
    arrival_late: bool = False
    arrival_limit: int = 0
    resolution: str = ""
    reopened: int = 0
    is_repair: bool = False


def _detail(p: requests.RequestPage) -> RequestDetail:
    return RequestDetail(
        id=p.id,
        channel=p.channel,
        recording_ref=p.recording_ref,
        received=day_time(p.received_at),
        household=p.household,
        grid=p.grid,
        contact=p.contact_name,
        phone=p.contact_phone,
        content=p.content,
        category=p.category,
        status=p.status,
        major=p.major,
        acknowledged=day_time(p.acknowledged_at),
        ours=p.ours,
        referral_note=p.referral_note,
        referral_channel=p.referral_channel,
        department=p.department,
        assignee=p.assignee,
        reply_by=day_time(p.reply_by),
        due=day_time(p.due_at),
        overdue=p.overdue,
        arrival=f"{p.arrival_minutes:.1f}" if p.arrival_minutes is not None else "",
        arrival_late=p.arrival_late,
        arrival_limit=p.arrival_limit,
        resolution=p.resolution,
        reopened=p.reopened,
        is_repair=p.is_repair,
    )


@dataclass(frozen=True)
class EventItem:
    at: str
    kind: str
    actor: str
    note: str
    to: str


@dataclass(frozen=True)
class FollowUpItem:
    at: str
    by: str
    method: str
    satisfaction: int
    satisfied: bool
    comment: str


def _local_input(value: str) -> datetime | None:
    """A datetime-local input ("2026-11-28T18:00") in the community's zone, as aware UTC."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        naive = datetime.fromisoformat(value)
    except ValueError as err:
        raise DomainError("form.invalid") from err
    return naive.replace(tzinfo=clock.ZONE).astimezone(clock.now().tzinfo)


@dataclass(frozen=True)
class AlertItem:
    """One unread alert as the lists show it: what it is about and when."""

    id: int
    kind: str
    request_id: int
    at: str
    urgent: bool


def _alert_rows(db, actor) -> list[AlertItem]:
    """The five newest unread alerts (a fresh demo desk holds many; the panels list the rest)."""
    return [
        AlertItem(a.id, a.kind, a.request_id or 0, day_time(a.created_at), a.kind in ("overdue", "major"))
        for a in alerts.listing(db, actor, unread_only=True, limit=5)
    ]


def sweep(community_id: int) -> None:
    """Escalate what went overdue since the last look (also run every 30 s by app.background)."""
    with session_scope() as db:
        requests.sweep_overdue(db, community_id)


@dataclass(frozen=True)
class DeskCounts:
    today: int = 0
    open: int = 0
    overdue: int = 0
    major: int = 0  # major complaints not yet acknowledged
    follow: int = 0  # awaiting follow-up
    coverage: str = ""  # follow-up coverage this quarter, "92%"


@dataclass(frozen=True)
class GridLoadItem:
    name: str  # "" for requests with no grid
    open: int
    overdue: int


class RequestDeskState(AppState):
    """The desk dashboard: counts, today's queue, overdue, major, awaiting follow-up, by grid; register search."""

    counts: DeskCounts = DeskCounts()
    today: list[RequestItem] = []
    overdue: list[RequestItem] = []
    major: list[RequestItem] = []
    follow: list[RequestItem] = []
    loads: list[GridLoadItem] = []
    alerts: list[AlertItem] = []
    grids: list[requests.Person] = []
    results: list[RequestItem] = []
    searched: bool = False

    @rx.event
    def load(self):
        actor = self._authorize("request.view")
        if actor is None or actor.community_id is None:
            return
        cid = actor.community_id
        sweep(cid)
        with session_scope() as db:
            c = request_search.counts(db, cid)
            self.counts = DeskCounts(
                today=c.today, open=c.open, overdue=c.overdue, major=c.major_unacknowledged,
                follow=c.awaiting_follow_up,
                # follow-up coverage this quarter against the handbook's 100%
                coverage=reports.percent(
                    reports.quarterly_for(db, cid, reports.quarter_of(clock.today())).total.follow_up_rate
                ),
            )
            self.today = [request_row(r) for r in request_search.today_queue(db, cid, limit=20)]
            self.overdue = [request_row(r) for r in request_search.overdue(db, cid, limit=20)]
            self.major = [request_row(r) for r in request_search.major_open(db, cid, limit=10)]
            self.follow = [request_row(r) for r in request_search.awaiting_follow_up(db, cid, limit=20)]
            self.loads = [GridLoadItem(g.grid_name, g.open, g.overdue) for g in request_search.by_grid(db, cid)]
            self.alerts = _alert_rows(db, actor)
            self.grids = requests.grid_choices(db, cid)

    @rx.event
    def search(self, form: dict):
        actor = self._authorize("request.view")
        if actor is None or actor.community_id is None:
            return
        grid = form_text(form, "grid")
        try:
            with session_scope() as db:
                home_text = form_text(form, "household").strip()
                home_id = households.find(db, actor.community_id, home_text).id if home_text else None
                query = request_search.Query(
                    text=form_text(form, "text", 60),
                    phone=form_text(form, "phone", 20),
                    household_id=home_id,
                    status=form_text(form, "status"),
                    grid_id=optional_id(grid),
                    day_from=form_day(form.get("day_from"), required=False),
                    day_to=form_day(form.get("day_to"), required=False),
                )
                self.results = [request_row(r) for r in request_search.search(db, actor.community_id, query)]
        except DomainError as err:
            self._say(err.key, **err.params)
            self.results = []
            self.searched = False
            return
        self.flash = ""
        self.searched = True

    @rx.event
    def clear_search(self):
        self.results = []
        self.searched = False

    @rx.event
    def open_alert(self, alert_id: int, request_id: int):
        actor = self._authorize("request.open")
        if actor is None:
            return None
        with session_scope() as db:
            alerts.mark_read(db, actor, as_id(alert_id))
        rid = optional_id(request_id or None)
        return rx.redirect(f"/desk/requests/{rid}" if rid else "/desk")


class RequestIntakeState(AppState):
    """The front desk's intake form: phone, visit, letter or other."""

    channel: str = requests.PHONE
    filed_id: str = ""
    filed_link: str = ""

    @rx.event
    def set_channel(self, value: str | list[str]):
        value = value if isinstance(value, str) else (value[0] if value else "")
        if value in requests.DESK_CHANNELS:
            self.channel = value

    @rx.event
    def submit(self, form: dict):
        def work(db, actor):
            text = form_text(form, "household").strip()
            home = households.find(db, actor.community_id, text) if text else None
            return requests.intake(
                db, actor,
                channel=self.channel,
                content=form_text(form, "content"),
                household_id=home.id if home else None,
                contact_name=form_text(form, "contact_name"),
                contact_phone=form_text(form, "contact_phone"),
                recording_ref=form_text(form, "recording_ref"),
                client_id=form_text(form, "client_id", 40) or None,
            )

        filed = self._run("request.intake", work, ok_key="request.filed")
        if filed is None:
            return
        self.filed_id = str(filed.request.id)
        self.filed_link = f"/q/{filed.link}" if filed.link else ""

    @rx.event
    def again(self):
        self.filed_id = ""
        self.filed_link = ""
        self.flash = ""


# events whose note is a code: the catalog prefix that turns it into words
_CODED_NOTES = {
    "received": "request.channel.",
    "classified": "request.category.",
    "dispatched": "request.dept.",
}


class RequestState(AppState):
    """One request (desk page and phone page): its line, history, follow-ups, photos, the actions offered."""

    req: RequestDetail = RequestDetail()
    history: list[EventItem] = []
    follow_ups: list[FollowUpItem] = []
    photos: list[PhotoItem] = []
    actions: list[str] = []
    technicians: list[requests.Person] = []
    staff: list[requests.Person] = []
    not_ours: bool = False
    missing: bool = False
    # notice-board announcements that answer this request
    answered_by: list[str] = []

    def _id(self) -> int:
        return route_int(self, "request_id")

    def _refresh(self, db, actor) -> None:
        page = requests.page(db, actor, self._id())
        self.req = _detail(page)
        self.history = [
            EventItem(day_time(e.at), e.kind, e.actor, self._note(e), e.to_status)
            for e in requests.history(db, page.id)
        ]
        self.follow_ups = [
            FollowUpItem(day_time(f.at), f.by, f.method, f.satisfaction, f.satisfied, f.comment)
            for f in requests.follow_ups(db, page.id)
        ]
        self.photos = photo_rows(db, actor, requests.PHOTO_KIND, page.id)
        self.answered_by = [str(i) for i in notices.linked_to(db, page.id)]
        self.actions = list(page.actions)
        if "dispatch" in self.actions:
            self.technicians, self.staff = requests.dispatch_choices(db, page.community_id)

    def _note(self, e: requests.EventView) -> str:
        """An event's note in words: the channel, category or department it names, else as written."""
        prefix = _CODED_NOTES.get(e.kind)
        return self._msg(prefix + e.note) if prefix and e.note else e.note

    @rx.event
    def load(self):
        self.missing = False
        actor = self._authorize("request.open")
        if actor is None:
            return
        if actor.community_id is not None:
            sweep(actor.community_id)
        try:
            with session_scope() as db:
                self._refresh(db, actor)
        except DomainError as err:
            self.req = RequestDetail()
            self.missing = True
            self._say(err.key, **err.params)

    def _act(self, action: str, work, ok_key: str) -> None:
        def run(db, actor):
            work(db, actor)
            db.flush()
            self._refresh(db, actor)

        self._run(action, run, ok_key=ok_key)

    @rx.event
    def set_not_ours(self, value: bool):
        self.not_ours = bool(value)

    @rx.event
    def classify(self, form: dict):
        ours = not self.not_ours
        self._act(
            "request.dispatch",
            lambda db, actor: requests.classify(
                db, actor, self._id(),
                category=form_text(form, "category"),
                major=bool(form.get("major")),
                ours=ours,
                referral_note=form_text(form, "referral_note"),
                referral_channel=form_text(form, "referral_channel"),
                reply_by=_local_input(form_text(form, "reply_by")),
            ),
            "request.classified",
        )

    @rx.event
    def dispatch(self, form: dict):
        person = form_text(form, "assignee")
        self._act(
            "request.dispatch",
            lambda db, actor: requests.dispatch(
                db, actor, self._id(),
                department=form_text(form, "department"),
                assignee_id=optional_id(person),
                reply_by=_local_input(form_text(form, "reply_by")),
            ),
            "request.dispatched",
        )

    @rx.event
    def accept(self):
        self._act("request.work", lambda db, actor: requests.accept(db, actor, self._id()),
                  "request.accepted")

    @rx.event
    def arrive(self):
        self._act("request.work", lambda db, actor: requests.arrive(db, actor, self._id()),
                  "request.arrived")

    @rx.event
    def resolve(self, form: dict):
        self._act(
            "request.open",
            lambda db, actor: requests.resolve(db, actor, self._id(), form_text(form, "resolution")),
            "request.resolved",
        )

    @rx.event
    def follow_up(self, form: dict):
        raw = form_text(form, "satisfaction")
        self._act(
            "request.follow_up",
            lambda db, actor: requests.follow_up(
                db, actor, self._id(),
                method=form_text(form, "method"),
                satisfaction=int_or(raw, 0),
                comment=form_text(form, "comment"),
                client_id=form_text(form, "client_id", 40) or None,
            ),
            "request.followed_up",
        )

    @rx.event
    def close(self):
        self._act("request.follow_up", lambda db, actor: requests.close(db, actor, self._id()),
                  "request.closed_ok")

    @rx.event
    def acknowledge(self, form: dict):
        self._act(
            "request.acknowledge",
            lambda db, actor: requests.acknowledge(db, actor, self._id(), form_text(form, "note")),
            "request.acknowledged",
        )

    @rx.event
    def photos_done(self):
        actor = self._authorize("request.open")
        if actor is None:
            return
        with session_scope() as db:
            self._refresh(db, actor)


class MyJobsState(AppState):
    """Phone lists: a technician's jobs, a butler's requests awaiting follow-up, and unread alerts."""

    jobs: list[RequestItem] = []
    follow: list[RequestItem] = []
    alerts: list[AlertItem] = []

    @rx.event
    def load_jobs(self):
        actor = self._authorize("request.work")
        if actor is None:
            return
        with session_scope() as db:
            self.jobs = [request_row(r) for r in requests.jobs_of(db, actor)]
            self.alerts = _alert_rows(db, actor)

    @rx.event
    def load_follow(self):
        actor = self._authorize("request.follow_up")
        if actor is None or actor.community_id is None:
            return
        with session_scope() as db:
            self.follow = [request_row(r) for r in requests.follow_ups_awaiting(db, actor)]
            self.alerts = _alert_rows(db, actor)

    @rx.event
    def open_alert(self, alert_id: int, request_id: int):
        actor = self._authorize("request.open")
        if actor is None:
            return None
        with session_scope() as db:
            alerts.mark_read(db, actor, as_id(alert_id))
        rid = optional_id(request_id or None)
        return rx.redirect(f"/m/requests/{rid}" if rid else "/m")


LIMIT_FIELDS = ("classify_minutes", "arrival_minutes", "minor_resolve_minutes", "reply_hours", "follow_up_hours")


class RequestLimitsState(AppState):
    """The community's time limits (supervisor): the handbook's defaults until changed."""

    values: dict[str, str] = {}
    urgent_same_day: bool = True

    def _show(self, lim) -> None:
        self.values = {name: str(getattr(lim, name)) for name in LIMIT_FIELDS}
        self.urgent_same_day = lim.urgent_same_day

    @rx.event
    def load(self):
        actor = self._authorize("request.limits")
        if actor is None or actor.community_id is None:
            return
        with session_scope() as db:
            self._show(requests.limits(db, actor.community_id))

    @rx.event
    def set_urgent_same_day(self, value: bool):
        self.urgent_same_day = bool(value)

    @rx.event
    def save(self, form: dict):
        raw = {name: form_text(form, name).strip() for name in LIMIT_FIELDS}
        values: dict[str, int | bool] = {
            name: int_or(v, -1) for name, v in raw.items()
        }
        values["urgent_same_day"] = self.urgent_same_day
        saved = self._run("request.limits", requests.set_limits, ok_key="request.limits_saved", **values)
        if saved is not None:
            self._show(saved)


# the technician's job list shows a job dispatched to her as soon as its alert reaches her
refresh_on_alert(MyJobsState.load_jobs, paths=("/repairs",))
