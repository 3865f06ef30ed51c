"""Live alerts: a new alert reaches the open app within seconds, without a reload.

Two parts, both in each backend worker:

- the watcher (`_watch`, one asyncio task per worker, started by the first open app): every
  `POLL_SECONDS` it asks the database for the newest alert id (one cheap indexed query for
  everyone; the database is shared, so several workers and PostgreSQL see the same alerts) and,
  when it moved, who was told since; it wakes the listeners of those people;
- the listener (`LiveState.listen`, a background task per browser tab, started when the shell's
  badge mounts): woken, it counts her unread alerts, shows a banner for the newest one, asks the
  browser for a short sound (assets/js/alert_sound.js) and yields the refresh handlers of the page
  she is on (`refresh_on_alert`). One per tab: a second start (another page of the same tab, a
  reload, a reconnect) only recounts. It ends when her tab has been disconnected from this worker
  for `GRACE_SECONDS`, or when she signed out; the badge starts it again when the connection
  comes back, and it catches up then.

Where an alert leads (`alert_href`): a request's page for the person's role (the desk's
request page, else the phone's), a renovation's page, else the alerts list.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import reflex as rx
from reflex.event import EventHandler

from app.db.session import session_scope
from app.domain import alerts, auth
from app.domain.auth import Actor
from app.state.base import AppState, as_id

log = logging.getLogger("app.state.live")

POLL_SECONDS = 1.0  # the watcher's look at the newest alert id
TICK_SECONDS = 1.0  # a listener checks its tab's connection this often
RECHECK_SECONDS = 10.0  # ... and that she is still signed in this often (a sign-out ends it)
GRACE_SECONDS = 15.0  # a tab disconnected this long has its listener ended
BANNER_SECONDS = 10.0  # a banner goes away by itself after this long
BEEP = "window.gbAlertBeep && window.gbAlertBeep()"


@dataclass(frozen=True)
class _Refresh:
    handler: EventHandler
    paths: tuple[str, ...]


# page states that want to be shown again when an alert of theirs arrives
_REFRESH: list[_Refresh] = []


def refresh_on_alert(handler: EventHandler, *, paths: Iterable[str] = ()) -> None:
    """Yield `handler` (an event handler of a page state, e.g. a queue's `refresh`) after a new
    alert has reached the person, when her tab shows one of `paths` (route patterns, e.g.
    "/repairs"; none: on every page, so the handler must then suit every role silently)."""
    entry = _Refresh(handler, tuple(paths))
    if entry not in _REFRESH:
        _REFRESH.append(entry)


def refreshers_for(path: str) -> list[EventHandler]:
    return [r.handler for r in _REFRESH if not r.paths or path in r.paths]


def alert_href(actor: Actor, request_id: int | None, subject: str) -> str:
    """Where tapping an alert leads this person."""
    if request_id:
        return f"/desk/requests/{request_id}" if actor.can("home.desk") else f"/m/requests/{request_id}"
    kind, _, ident = subject.partition(":")
    if kind == "renovation" and ident.isdigit():
        if actor.can("home.desk") and actor.can("renovation.view"):
            return f"/desk/renovations/{ident}"
        if actor.can("renovation.check"):
            return f"/m/renovations/{ident}"
    return "/alerts"


# ---- the listeners of this worker and the watcher that wakes them ------------------------------


@dataclass
class _Listener:
    staff_id: int
    wake: asyncio.Event = field(default_factory=asyncio.Event)


_listeners: dict[str, _Listener] = {}  # client token (one browser tab) -> its listener
_watcher: asyncio.Task | None = None


def listening() -> int:
    """How many tabs this worker pushes alerts to (tests and the bench read it)."""
    return len(_listeners)


def _newest() -> int:
    with session_scope() as db:
        return alerts.newest_id(db)


def _told_since(after_id: int) -> set[int]:
    with session_scope() as db:
        return alerts.told_since(db, after_id)


async def _watch() -> None:
    last = await asyncio.to_thread(_newest)
    while True:
        await asyncio.sleep(POLL_SECONDS)
        try:
            newest = await asyncio.to_thread(_newest)
            if newest <= last:
                continue
            told = await asyncio.to_thread(_told_since, last)
            last = newest
            for listener in list(_listeners.values()):
                if listener.staff_id in told:
                    listener.wake.set()
        except Exception:  # noqa: BLE001 - a failed look must not end the watcher
            log.exception("alert watcher: look failed")


def _ensure_watcher() -> None:
    global _watcher
    if _watcher is None or _watcher.done():
        _watcher = asyncio.get_running_loop().create_task(_watch(), name="gb-alert-watcher")


_namespace = None


def _connected(client_token: str) -> bool:
    """Whether this tab's websocket is open on this worker."""
    global _namespace
    try:
        if _namespace is None:
            from reflex.utils import prerequisites

            _namespace = prerequisites.get_app().app.event_namespace
        manager = _namespace._token_manager
        record = manager.token_to_socket.get(client_token)
        return record is not None and record.instance_id == manager.instance_id
    except Exception:  # noqa: BLE001 - no socket layer (a unit test): nobody to push to
        return False


def _actor(token: str, *, slide: bool = True) -> Actor | None:
    """Who is signed in with `token`; `slide=False` for the listener's own looks, which must not
    keep an idle session alive."""
    with session_scope() as db:
        actor = auth.resolve(db, token, slide=slide)
    return actor if actor is not None and actor.id is not None else None


class LiveState(AppState):
    """The badge (unread count) and the banner of the newest alert, on every signed-in screen."""

    unread: int = 0
    banner_id: int = 0
    banner_kind: str = ""
    banner_summary: str = ""
    banner_urgent: bool = False
    # backend-only: the newest alert already counted here (a banner only for newer ones)
    _seen_id: int = 0

    def _recount(self, actor: Actor, *, announce: bool) -> bool:
        """Count her unread alerts; with `announce`, a banner for the newest unread one not seen
        here yet. True when there is such a new one."""
        with session_scope() as db:
            count = alerts.unread_count(db, actor)
            newest = alerts.listing(db, actor, unread_only=True, limit=1)
        if self.unread != count:
            self.unread = count
        fresh = bool(newest) and newest[0].id > self._seen_id
        if newest:
            self._seen_id = max(self._seen_id, newest[0].id)
        if fresh and announce:
            a = newest[0]
            self.banner_id, self.banner_kind, self.banner_summary, self.banner_urgent = (
                a.id, a.kind, a.summary, a.urgent)
        return fresh and announce

    @rx.event(background=True)
    async def listen(self):
        """Started by the badge's mount: recount, and push new alerts to this tab until it goes."""
        async with self:
            client = self.router.session.client_token
            actor = _actor(self.token)
            if actor is None:
                self.unread = 0
                return
            self._recount(actor, announce=False)
        running = _listeners.get(client)
        if running is not None:  # this tab is served already: the count above was all it needed
            running.staff_id = actor.id or 0
            return
        listener = _listeners[client] = _Listener(actor.id or 0)
        _ensure_watcher()
        try:
            async for event in _serve(self, client, listener):
                yield event
        finally:
            if _listeners.get(client) is listener:
                del _listeners[client]

    @rx.event
    def recount(self):
        """Count again now (after reading alerts on this tab)."""
        actor = _actor(self.token)
        if actor is None:
            self.unread = 0
            return
        self._recount(actor, announce=False)

    @rx.event
    def dismiss_banner(self):
        self.banner_id = 0

    @rx.event
    def open_banner(self):
        """Tap on the banner: its alert is read, and its record opens."""
        alert_id = self.banner_id
        self.banner_id = 0
        if alert_id:
            return open_alert_of(self, alert_id)
        return None


async def _serve(state: LiveState, client: str, listener: _Listener):
    """The listener's loop (a module function: `state` is the background task's proxy)."""
    checked = time.monotonic()
    away_since: float | None = None
    behind = False  # an alert came (or may have come) while the tab was away
    banner_until = 0.0
    while True:
        try:
            await asyncio.wait_for(listener.wake.wait(), timeout=TICK_SECONDS)
        except TimeoutError:
            pass
        woke = listener.wake.is_set()
        listener.wake.clear()
        now = time.monotonic()
        if not _connected(client):
            away_since = away_since or now
            behind = True
            if now - away_since > GRACE_SECONDS:
                return
            continue
        away_since = None
        expired = bool(banner_until) and now > banner_until
        if not (woke or behind or expired or now - checked > RECHECK_SECONDS):
            continue
        checked, behind = now, False
        async with state:
            actor = _actor(state.token, slide=False)
            if actor is None or actor.id != listener.staff_id:  # signed out (or someone else)
                state.unread, state.banner_id = 0, 0
                return
            if expired:
                state.banner_id, banner_until = 0, 0.0
            fresh = state._recount(actor, announce=True)
            path = state.router.page.path
        if fresh:
            banner_until = time.monotonic() + BANNER_SECONDS
            yield rx.call_script(BEEP)
            for handler in refreshers_for(path):
                yield handler


def open_alert_of(state: AppState, alert_id: int):
    """Mark one of the signed-in person's alerts read and open what it is about."""
    actor = state._authorize("account.self")
    if actor is None:
        return None
    with session_scope() as db:
        row = alerts.get_own(db, actor, as_id(alert_id))
        alerts.mark_read(db, actor, row.id)
    return [LiveState.recount, rx.redirect(alert_href(actor, row.request_id, row.subject))]
