"""The screens of the messages that leave the app: a person's channels and quiet hours on
/account (`NotifyPrefsState`), and the supervisor's /desk/notify (`NotifyDeskState`).

Thin: `app.domain.outbox` decides; the role is checked on the server for every action
(`notify.manage` for the desk screen, `account.self` for one's own choices).
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from app.db.session import session_scope
from app.domain import clock, notify
from app.domain.errors import DomainError
from app.domain.outbox import channels, preferences, supervision
from app.state.base import AppState


class NotifyPrefsState(AppState):
    """The person's own channels and quiet hours, under the "me" tab."""

    sms: bool = False
    webpush: bool = False
    wecom_mention: bool = False
    quiet_start: str = ""
    quiet_end: str = ""
    sms_on: bool = False
    webpush_on: bool = False
    wecom_on: bool = False
    vapid_key: str = ""
    prefs_error: str = ""
    prefs_saved: bool = False

    def _show(self, p: preferences.Preferences) -> None:
        self.sms, self.webpush, self.wecom_mention = p.sms, p.webpush, p.wecom_mention
        self.quiet_start, self.quiet_end = p.quiet_start, p.quiet_end

    @rx.event
    def load(self):
        actor = self._authorize("account.self")
        if actor is None:
            return
        self.prefs_error, self.prefs_saved = "", False
        self.sms_on, self.webpush_on, self.wecom_on = channels.sms_on(), channels.webpush_on(), channels.wecom_on()
        self.vapid_key = channels.vapid_public_key()
        with session_scope() as db:
            self._show(preferences.of(db, actor.id))

    @rx.event
    def set_sms(self, value: bool):
        self.sms, self.prefs_saved = bool(value), False

    @rx.event
    def set_webpush(self, value: bool):
        self.webpush, self.prefs_saved = bool(value), False

    @rx.event
    def set_wecom_mention(self, value: bool):
        self.wecom_mention, self.prefs_saved = bool(value), False

    @rx.event
    def set_quiet_start(self, value: str):
        self.quiet_start, self.prefs_saved = str(value)[:10], False

    @rx.event
    def set_quiet_end(self, value: str):
        self.quiet_end, self.prefs_saved = str(value)[:10], False

    @rx.event
    def save(self):
        """Keep the choices shown; a bad time is said next to the quiet hours, nothing is kept."""
        actor = self._authorize("account.self")
        if actor is None:
            return
        self.prefs_saved = False
        try:
            with session_scope() as db:
                shown = preferences.save(db, actor, sms=self.sms, webpush=self.webpush,
                                         wecom_mention=self.wecom_mention, quiet_start=self.quiet_start,
                                         quiet_end=self.quiet_end)
        except DomainError as err:
            self.prefs_error = self._msg(err.key, **err.params)
            return
        self.prefs_error = ""
        self.prefs_saved = True
        self._show(shown)


@dataclass(frozen=True)
class RuleLine:
    event_key: str  # "alert.kind.new_request"
    told_keys: list[str]  # "notify.audience.grid_butler", ...
    urgent_key: str  # "notify.yes" / "notify.no"


@dataclass(frozen=True)
class ChannelLine:
    label_key: str
    on: bool
    name: str


@dataclass(frozen=True)
class HookLine:
    grid_id: int
    grid: str
    masked: str


@dataclass(frozen=True)
class MessageLine:
    id: int
    channel_key: str
    recipient: str
    kind_key: str
    status: str
    status_key: str
    attempts: int
    error: str
    next_at: str


class NotifyDeskState(AppState):
    """/desk/notify: who is told, the channels, the grids' robots, what was not delivered."""

    rules: list[RuleLine] = []
    channel_lines: list[ChannelLine] = []
    hooks: list[HookLine] = []
    default_hook: str = ""
    messages: list[MessageLine] = []

    def _refresh(self, actor) -> None:
        self.rules = [RuleLine(f"alert.kind.{r.event}", [f"notify.audience.{a}" for a in r.told],
                               "notify.yes" if r.always_urgent else "notify.no") for r in notify.rules_table()]
        self.channel_lines = [ChannelLine(f"notify.channel.{c}", on, c) for c, on in channels.status().items()]
        self.default_hook = supervision.default_masked()
        with session_scope() as db:
            self.hooks = [HookLine(h.grid_id, h.grid, h.masked) for h in supervision.grid_hooks(db, actor)]
            self.messages = [
                MessageLine(m.id, f"notify.channel.{m.channel}", m.to, f"alert.kind.{m.kind}", m.status,
                            f"notify.status.{m.status}", m.attempts, m.last_error,
                            clock.local(m.next_attempt_at).strftime("%m-%d %H:%M:%S"))
                for m in supervision.undelivered(db, actor)]

    @rx.event
    def load(self):
        actor = self._authorize("notify.manage")
        if actor is None:
            return
        self._refresh(actor)

    @rx.event
    def set_webhook(self, form: dict):
        try:
            grid_id = int(str(form.get("grid_id", "")))
        except ValueError:
            return
        url = str(form.get("url", ""))[:700]
        self._run("notify.manage", supervision.set_webhook, grid_id, url, ok_key="notify.webhook.saved")
        self.load()

    @rx.event
    def clear_webhook(self, grid_id: int):
        self._run("notify.manage", supervision.clear_webhook, int(grid_id), ok_key="notify.webhook.cleared")
        self.load()

    @rx.event
    def retry(self, message_id: int):
        self._run("notify.manage", supervision.retry, int(message_id), ok_key="notify.retried")
        self.load()
