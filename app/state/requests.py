"""Request screens: the desk dashboard and register search, intake, one request, phone job lists.

Thin: every handler re-checks the role through AppState, calls
app.domain.requests / request_search in one transaction and keeps only the
rows the screen shows (strings; times in the community's local time).
"""

from __future__ import annotations

from datetime import datetime

import reflex as rx
from sqlmodel import col, select

from app.db.models import Grid, Staff, StaffRole
from app.db.session import session_scope
from app.domain import clock, households, notices, reports, request_search, requests, roles
from app.domain.errors import DomainError
from app.domain.request_search import RequestRow
from app.state.base import AppState, as_id, form_day, form_text, int_or, optional_id
from app.state.patrols import day_time, photo_rows, route_int


def request_row(r: RequestRow) -> dict[str, str]:
    """One register line as every list shows it."""
    return {
        "id": str(r.id),
        "received": day_time(r.received_at),
        "channel": r.channel,
        "category": r.category,
        "status": r.status,
        "major": "1" if r.major else "",
        "acknowledged": "1" if r.acknowledged else "",
        "household": r.household,
        "grid": r.grid_name,
        "contact": r.contact_name,
        "phone": r.contact_phone,
        "content": r.content,
        "assignee": r.assignee,
        "due": day_time(r.due_at),
        "overdue": "1" if r.overdue else "",
    }


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


def _notice_rows(db, actor) -> list[dict[str, str]]:
    """The five newest unread notices (a fresh demo desk holds many; the panels list the rest)."""
    return [
        {"id": str(n.id), "kind": n.kind, "request_id": str(n.request_id or ""),
         "at": day_time(n.created_at), "read": "1" if n.read else ""}
        for n in requests.notices(db, actor, unread_only=True, limit=5)
    ]


def sweep(community_id: int) -> None:
    """Escalate what went overdue since the last look (also run every 30 s by app.background)."""
    with session_scope() as db:
        requests.sweep_overdue(db, community_id)


class RequestDeskState(AppState):
    """The desk dashboard: counts, today's queue, overdue, major, awaiting follow-up, by grid; register search."""

    counts: dict[str, str] = {}
    today: list[dict[str, str]] = []
    overdue: list[dict[str, str]] = []
    major: list[dict[str, str]] = []
    follow: list[dict[str, str]] = []
    loads: list[dict[str, str]] = []
    notices: list[dict[str, str]] = []
    grids: list[dict[str, str]] = []
    results: list[dict[str, str]] = []
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
            self.counts = {
                "today": str(c.today), "open": str(c.open), "overdue": str(c.overdue),
                "major": str(c.major_unacknowledged), "follow": str(c.awaiting_follow_up),
                # follow-up coverage this quarter against the handbook's 100%
                "coverage": reports.percent(
                    reports.quarterly_for(db, cid, reports.quarter_of(clock.today())).total.follow_up_rate
                ),
            }
            self.today = [request_row(r) for r in request_search.today_queue(db, cid, limit=20)]
            self.overdue = [request_row(r) for r in request_search.overdue(db, cid, limit=20)]
            self.major = [request_row(r) for r in request_search.major_open(db, cid, limit=10)]
            self.follow = [request_row(r) for r in request_search.awaiting_follow_up(db, cid, limit=20)]
            self.loads = [
                {"grid_id": str(g.grid_id or ""), "name": g.grid_name, "open": str(g.open),
                 "overdue": str(g.overdue)}
                for g in request_search.by_grid(db, cid)
            ]
            self.notices = _notice_rows(db, actor)
            self.grids = [
                {"id": str(gid), "name": name}
                for gid, name in db.exec(
                    select(Grid.id, Grid.name).where(Grid.community_id == cid).order_by(col(Grid.id))
                ).all()
            ]

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
    def open_notice(self, notice_id: str, request_id: str):
        actor = self._authorize("request.open")
        if actor is None:
            return None
        with session_scope() as db:
            requests.mark_read(db, actor, as_id(notice_id))
        rid = optional_id(request_id)
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


def _staff_options(db, community_id: int) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(technicians, everyone active) of the community, for the dispatch form."""
    rows = db.exec(
        select(Staff.id, Staff.name, StaffRole.role)
        .join(StaffRole, col(StaffRole.staff_id) == col(Staff.id))
        .where(Staff.community_id == community_id, Staff.active == True)  # noqa: E712
        .order_by(col(Staff.id))
    ).all()
    techs: dict[int, str] = {}
    everyone: dict[int, str] = {}
    for sid, name, role in rows:
        everyone.setdefault(sid, name)
        if role == roles.TECHNICIAN:
            techs[sid] = name
    return (
        [{"id": str(k), "name": v} for k, v in techs.items()],
        [{"id": str(k), "name": v} for k, v in everyone.items()],
    )


# events whose note is a code: the catalog prefix that turns it into words
_CODED_NOTES = {
    "received": "request.channel.",
    "classified": "request.category.",
    "dispatched": "request.dept.",
}


class RequestState(AppState):
    """One request (desk page and phone page): its line, history, follow-ups, photos, the actions offered."""

    req: dict[str, str] = {}
    history: list[dict[str, str]] = []
    follow_ups: list[dict[str, str]] = []
    photos: list[dict] = []
    actions: list[str] = []
    technicians: list[dict[str, str]] = []
    staff: list[dict[str, str]] = []
    not_ours: bool = False
    missing: bool = False
    # notice-board announcements that answer this request
    answered_by: list[str] = []

    def _id(self) -> int:
        return route_int(self, "request_id")

    def _refresh(self, db, actor) -> None:
        r = requests.open_for(db, actor, self._id())
        lim = requests.limits(db, r.community_id)
        arrival = requests.arrival_minutes(r)
        person = db.get(Staff, r.assignee_id) if r.assignee_id is not None else None
        now = clock.now()
        self.req = {
            "id": str(r.id),
            "channel": r.channel,
            "recording_ref": r.recording_ref,
            "received": day_time(r.received_at),
            "household": households.label(db, r.household_id),
            "grid": requests.grid_name(db, r.grid_id),
            "contact": r.contact_name,
            "phone": r.contact_phone,
            "content": r.content,
            "category": r.category,
            "status": r.status,
            "major": "1" if r.major else "",
            "acknowledged": day_time(r.acknowledged_at),
            "ours": "1" if r.ours else "",
            "referral_note": r.referral_note,
            "referral_channel": r.referral_channel,
            "department": r.department,
            "assignee": person.name if person else "",
            "reply_by": day_time(r.reply_by),
            "due": day_time(r.due_at),
            "overdue": "1" if r.is_open and r.due_at is not None and r.due_at < now else "",
            "arrival": f"{arrival:.1f}" if arrival is not None else "",
            "arrival_late": "1" if arrival is not None and arrival > lim.arrival_minutes else "",
            "arrival_limit": str(lim.arrival_minutes),
            "resolution": r.resolution,
            "reopened": str(r.reopened) if r.reopened else "",
            "is_repair": "1" if r.category in requests.REPAIRS else "",
        }
        self.history = [
            {"at": day_time(e.at), "kind": e.kind, "actor": e.actor, "note": self._note(e),
             "to": e.to_status}
            for e in requests.history(db, r.id)
        ]
        self.follow_ups = [
            {"at": day_time(f.at), "by": f.by, "method": f.method, "satisfaction": str(f.satisfaction),
             "satisfied": "1" if f.satisfied else "", "comment": f.comment}
            for f in requests.follow_ups(db, r.id)
        ]
        self.photos = photo_rows(db, actor, requests.PHOTO_KIND, r.id)
        self.answered_by = [str(i) for i in notices.linked_to(db, r.id)]
        self.actions = requests.allowed_actions(r, actor)
        if "dispatch" in self.actions:
            self.technicians, self.staff = _staff_options(db, r.community_id)

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
            self.req = {}
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
    """Phone lists: a technician's jobs, a butler's requests awaiting follow-up, and unread notices."""

    jobs: list[dict[str, str]] = []
    follow: list[dict[str, str]] = []
    notices: list[dict[str, str]] = []

    @rx.event
    def load_jobs(self):
        actor = self._authorize("request.work")
        if actor is None:
            return
        with session_scope() as db:
            self.jobs = [request_row(r) for r in request_search.assigned_to(db, actor.id)]
            self.notices = _notice_rows(db, actor)

    @rx.event
    def load_follow(self):
        actor = self._authorize("request.follow_up")
        if actor is None or actor.community_id is None:
            return
        with session_scope() as db:
            grid_ids = db.exec(select(Grid.id).where(Grid.butler_id == actor.id)).all()
            rows: list[RequestRow] = []
            for gid in grid_ids:
                rows += request_search.awaiting_follow_up(db, actor.community_id, grid_id=gid)
            self.follow = [request_row(r) for r in rows]
            self.notices = _notice_rows(db, actor)

    @rx.event
    def open_notice(self, notice_id: str, request_id: str):
        actor = self._authorize("request.open")
        if actor is None:
            return None
        with session_scope() as db:
            requests.mark_read(db, actor, as_id(notice_id))
        return rx.redirect(f"/m/requests/{as_id(request_id)}")


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
