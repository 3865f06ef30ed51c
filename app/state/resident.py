"""The resident's screens without an account: the request form on the poster page, the private status page.

Thin: each handler calls app.domain.resident_requests (or requests) in one
transaction and keeps only what the screen shows. No role check applies (the
resident has no account): what guards these screens is the signed poster token
(the form), the private link (the status page), the per-client rate limit of
`requests.public_intake`, and the caps of `resident_requests`. The client is
named by a hash of its address and the server secret (`client_key`), never the
address. The links this browser filed are kept in its localStorage
("gb_my_requests", a JSON list) and shown under the form.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

import reflex as rx

from app.api.evidence import PhotoItem, photo_items
from app.db.session import session_scope
from app.domain import clock, requests
from app.domain import resident_requests as rr
from app.domain.errors import DomainError
from app.domain.requests import resident_loop as loop
from app.state import client
from app.state.base import AppState

UPLOAD_STATUS_ID = "res-upload-status"


def _when(at) -> str:
    return clock.local(at).strftime("%Y-%m-%d %H:%M") if at else ""


def _path_tail(state: rx.State, prefix: str) -> str:
    """The last part of the page's path when it starts with `prefix` (e.g. the token of /r/<token>)."""
    path = str(state.router.url.path or "")
    return path.rstrip("/").rsplit("/", 1)[-1][:2048] if path.startswith(prefix) else ""


@dataclass(frozen=True)
class MyRequest:
    """One of the resident's own requests (remembered by this browser), newest first."""

    link: str
    id: int
    category: str
    status: str
    received: str


@dataclass(frozen=True)
class LinkStep:
    """A step of the request's history as the resident's private link shows it."""

    at: str
    kind: str
    who: str  # "resident", "staff", a role, or "" for the system
    note: str
    note_key: str


class _Resident(AppState):
    """What both resident screens share: the client key, the links this browser keeps."""

    my_links: str = rx.LocalStorage("[]", name="gb_my_requests", sync=True)

    def _client_key(self) -> str:
        return client.client_key(self)

    def _links(self) -> list[str]:
        try:
            value = json.loads(self.my_links or "[]")
        except ValueError:
            return []
        return [v for v in value if isinstance(v, str) and 0 < len(v) <= 64] if isinstance(value, list) else []

    def _keep_link(self, link: str) -> None:
        links = [link, *[v for v in self._links() if v != link]][: rr.RECENT_MAX]
        self.my_links = json.dumps(links)

    def _apply_kept(self, err: DomainError) -> None:
        for write in err.keep:  # e.g. the audit entry of a rate-limited submit
            with session_scope() as db:
                write(db)


class ResidentRequestState(_Resident):
    """The request form under the butler's card on /r/<token>, and "my requests" of this browser."""

    form_ready: bool = False
    # the write id of the form on screen: a double tap (or a retried event) sends it twice, files once;
    # a new one for every fresh form. (A browser-made id in the JSX would be fixed at the page's first
    # render: Reflex keeps both branches of a cond as elements, so a remounted form kept the old one.)
    form_id: str = ""
    kind: str = "repair"
    error: str = ""
    household_note: str = ""
    household_other: bool = False
    household_prefill: str = ""
    filed_id: int = 0
    filed_link: str = ""
    filed_url: str = ""
    filed_note: str = ""
    copied: bool = False
    mine: list[MyRequest] = []

    @rx.var
    def filed_path(self) -> str:
        return f"/q/{self.filed_link}" if self.filed_link else ""

    def _poster(self, db) -> rr.PosterGrid | None:
        return rr.poster_grid(db, _path_tail(self, "/r/"))

    def _load_mine(self, db) -> None:
        self.mine = [
            MyRequest(r.link, r.id, r.category, r.status, _when(r.received_at)) for r in rr.recent(db, self._links())
        ]

    @rx.event
    def load(self):
        self.error = ""
        self.household_note = ""
        self.household_other = False
        self.filed_id = 0
        self.filed_link = ""
        self.filed_note = ""
        self.copied = False
        self.form_id = secrets.token_urlsafe(15)
        # 提交新问题 on a request's private page opens this form with its household (?home=3-2-1601)
        self.household_prefill = str(self.router.url.query_parameters.get("home", "") or "")[:40]
        with session_scope() as db:
            poster = self._poster(db)
            self.form_ready = poster is not None
            self._load_mine(db)
            if poster is None or not self.household_prefill:
                return
            try:
                pick = rr.find_household(db, poster, self.household_prefill)
            except DomainError:
                self.household_prefill = ""
                return
        self._show_pick(pick)

    @rx.event
    def set_kind(self, value: str | list[str]):
        value = value if isinstance(value, str) else (value[0] if value else "")
        if value in requests.RESIDENT_KINDS:
            self.kind = value

    @rx.event
    def check_household(self, text: str):
        """Say whose grid the typed household is in (or why it is not found), before sending."""
        self.household_note = ""
        self.household_other = False
        text = text if isinstance(text, str) else ""
        if not text.strip():
            return
        with session_scope() as db:
            poster = self._poster(db)
            if poster is None:
                return
            try:
                pick = rr.find_household(db, poster, str(text)[:40])
            except DomainError as err:
                self.household_note = self._msg(err.key, **err.params)
                self.household_other = True
                return
        self._show_pick(pick)

    def _show_pick(self, pick: rr.HouseholdPick) -> None:
        if pick.in_poster_grid:
            self.household_note = self._msg("rr.household_ok", household=pick.label, grid=pick.grid_name)
            self.household_other = False
        else:
            self.household_note = self._msg("rr.household_other_grid", grid=pick.grid_name or "-")
            self.household_other = True

    @rx.event
    def submit(self, form: dict):
        if self.filed_id:
            return None  # a second tap while the first one's answer is shown
        self.error = ""
        client_id = str(form.get("client_id", ""))[:40] or None
        try:
            with session_scope() as db:
                poster = self._poster(db)
                if poster is None:
                    raise DomainError("rr.unavailable")
                filing = rr.file_request(
                    db,
                    poster,
                    kind=self.kind,
                    content=str(form.get("content", ""))[:5000],
                    household_text=str(form.get("household", ""))[:40],
                    contact_phone=str(form.get("phone", ""))[:40],
                    contact_name=str(form.get("name", ""))[:80],
                    client_key=self._client_key(),
                    client_id=client_id,
                )
        except DomainError as err:
            self._apply_kept(err)
            self.error = self._msg(err.key, **err.params)
            return None
        self._show_pick(filing.household)
        self.filed_id = filing.request_id
        if not filing.link:
            # the same submit arrived again (double tap, reconnect): the link was shown the first time
            self.filed_note = self._msg("rr.filed_again", id=filing.request_id)
            return None
        self.filed_link = filing.link
        self.filed_url = f"{self.router.url.origin}/q/{filing.link}"
        self.filed_note = ""
        self.copied = False
        self._keep_link(filing.link)
        with session_scope() as db:
            self._load_mine(db)
        return rx.call_script(
            f"window.gbUploadPending && window.gbUploadPending({json.dumps(filing.link)}, "
            f"{filing.request_id}, {json.dumps(UPLOAD_STATUS_ID)}, '')"
        )

    @rx.event
    def copy_link(self):
        if not self.filed_link:
            return None
        self.copied = True
        path = json.dumps(self.filed_path)
        return rx.call_script(
            "(function(){var u=window.location.origin+" + path + ";"
            "if(navigator.clipboard&&window.isSecureContext){"
            "navigator.clipboard.writeText(u).catch(function(){});}"
            "else{var t=document.createElement('textarea');t.value=u;"
            "document.body.appendChild(t);t.select();"
            "try{document.execCommand('copy');}catch(e){}document.body.removeChild(t);}})()"
        )

    @rx.event
    def again(self):
        """Another request: a fresh form (and with it a fresh client id)."""
        self.filed_id = 0
        self.filed_link = ""
        self.filed_url = ""
        self.filed_note = ""
        self.copied = False
        self.form_id = secrets.token_urlsafe(15)
        self.error = ""
        self.household_note = ""
        self.household_other = False


class RequestLinkState(_Resident):
    """The private status page /q/<link>: only the request that link opens."""

    view_state: str = ""  # "" loading, "ok", "invalid"
    link: str = ""
    req_id: int = 0
    category: str = ""
    status: str = ""
    step: int = 0
    is_open: bool = False
    received: str = ""
    promised: str = ""
    household: str = ""
    content: str = ""
    resolution: str = ""
    ours: bool = True
    referral: str = ""
    history: list[LinkStep] = []
    follow_up: str = ""
    photos: list[PhotoItem] = []
    note_error: str = ""
    note_ok: str = ""
    # closing the loop (app.domain.requests.resident_loop): 已修好 + rating, or 没修好
    can_answer: bool = False
    # the write id of the answer forms on screen: a retried tap sends it again, recorded once
    answer_id: str = ""
    answer_ok: str = ""
    answer_error: str = ""
    # the contacts card; on an invalid link only the desk phone (the first community's)
    butler_name: str = ""
    butler_phone: str = ""
    butler_covering: bool = False
    desk_phone: str = ""
    new_request_path: str = ""

    def _refresh(self, db) -> bool:
        seen = rr.view(db, self.link)
        if seen is None:
            self.view_state = "invalid"
            self.can_answer = False
            self.butler_name = self.butler_phone = self.new_request_path = ""
            self.desk_phone = loop.fallback_desk_phone(db)
            return False
        req = requests.by_link(db, self.link)
        assert req is not None
        was = self.can_answer
        self.can_answer = loop.answerable(db, req) == ""
        if self.can_answer and (not was or not self.answer_id):
            self.answer_id = secrets.token_urlsafe(15)
        card = loop.contacts(db, req)
        self.butler_name = card.butler_name
        self.butler_phone = card.butler_phone
        self.butler_covering = card.covering
        self.desk_phone = card.desk_phone
        self.new_request_path = card.new_request_path
        self.view_state = "ok"
        self.req_id = seen.id
        self.category = seen.category
        self.status = seen.status
        self.step = seen.step
        self.is_open = seen.is_open
        self.received = _when(seen.received_at)
        self.promised = _when(seen.promised_at)
        self.household = seen.household
        self.content = seen.content
        self.resolution = seen.resolution
        self.ours = seen.ours
        self.referral = " · ".join(p for p in (seen.referral_channel, seen.referral_note) if p)
        self.history = [LinkStep(_when(s.at), s.kind, s.who, s.note, s.note_key) for s in reversed(seen.history)]
        f = seen.follow_up
        if f is not None and f.method == loop.RESIDENT_METHOD:
            word = loop.RATING_OF.get(f.satisfaction, "")
            self.follow_up = self._msg("loop.answered", rating=self._msg(f"loop.rating.{word}")) if word else ""
        else:
            self.follow_up = (
                self._msg("rr.follow_up_text", method=self._msg(f"request.method.{f.method}"), n=f.satisfaction)
                if f else ""
            )
        self.photos = photo_items(seen.photos)
        return True

    @rx.event
    def load(self):
        self.view_state = ""
        self.note_error = ""
        self.note_ok = ""
        self.answer_ok = ""
        self.answer_error = ""
        self.answer_id = ""
        self.link = _path_tail(self, "/q/")[:64]
        with session_scope() as db:
            if not self._refresh(db):
                self.link = ""
                rr.refuse_link(db, _path_tail(self, "/q/"), self._client_key())

    @rx.event
    def add_note(self, form: dict):
        self.note_error = ""
        self.note_ok = ""
        if self.view_state != "ok":
            return
        try:
            with session_scope() as db:
                rr.add_note(db, self.link, str(form.get("note", ""))[:2000])
        except DomainError as err:
            self.note_error = self._msg(err.key, **err.params)
            return
        self.note_ok = self._msg("rr.note_saved")
        with session_scope() as db:
            self._refresh(db)

    @rx.event
    def photos_done(self):
        if self.view_state != "ok":
            return
        with session_scope() as db:
            self._refresh(db)

    def _answer(self, form: dict, record) -> None:
        """Send one answer of the loop; the link comes from the page's path when the state is new
        (a phone that reconnected may get a fresh state), the write id from the form on screen."""
        self.answer_error = ""
        link = self.link or _path_tail(self, "/q/")[:64]
        client_id = str(form.get("answer_id", ""))[:40] or None
        try:
            with session_scope() as db:
                answer = record(db, link, client_id)
        except DomainError as err:
            if err.key == "request.link_unknown":  # a forged or stale link: audited as on load
                with session_scope() as db:
                    rr.refuse_link(db, link, self._client_key())
            self.answer_error = self._msg(err.key, **err.params)
            return
        if answer.again:
            # the same tap again (a double tap, a replay): say so unless its answer is on screen
            self.answer_ok = self.answer_ok or self._msg("loop.again")
        elif answer.kind == loop.NOT_FIXED:
            self.answer_ok = self._msg("loop.not_fixed_ok")
        else:
            unsatisfied = form.get("rating") == "unsatisfied"
            self.answer_ok = self._msg("loop.confirmed_unsatisfied" if unsatisfied else "loop.confirmed_ok")
        self.link = link
        with session_scope() as db:
            self._refresh(db)

    @rx.event
    def confirm_fixed(self, form: dict):
        rating = str(form.get("rating", "") or "")[:20]
        comment = str(form.get("comment", "") or "")[:1000]
        self._answer(form, lambda db, link, cid: loop.confirm_fixed(db, link, rating, client_id=cid,
                                                                     comment=comment))

    @rx.event
    def report_not_fixed(self, form: dict):
        note = str(form.get("note", "") or "")[:1000]
        self._answer(form, lambda db, link, cid: loop.not_fixed(db, link, note, client_id=cid))
