"""AppState: the sign-in token, the language, the role check every handler uses.

Every page state subclasses AppState. The session token lives in the browser's
localStorage so a reload or a phone's reconnect (even onto a fresh server
state) stays signed in; every handler re-resolves it on the server.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from datetime import date
from typing import TypeVar

import reflex as rx
from reflex.event import EventSpec

from app.db.session import session_scope
from app.domain import auth, roles
from app.domain.auth import Actor
from app.domain.errors import DomainError, Refused
from app.domain.validation import as_id, as_int, int_or, optional_id
from app.i18n import CATALOGS, DEFAULT, translate

log = logging.getLogger("app.state")
T = TypeVar("T")
# the safety net's message: 操作失败，请重试 / Something went wrong; please try again
UNEXPECTED = "error.unexpected"

# Actions whose links the shell shows when the person may do them.
NAV_ACTIONS = (
    "home.desk",
    "notify.manage",
    "staff.manage",
    "audit.view",
    "grid.overview",
    "grid.plan",
    "patrol.setup",
    "patrol.coverage",
    "workorder.view",
    "workorder.close",
    "notice.manage",
    "report.view",
    "request.intake",
    "request.limits",
    "renovation.kpi",
    "renovation.view",
    "renovation.inbox",
    "renovation.check",
    "gate.goods",
    "gate.log",
)


def new_form_id() -> str:
    """A fresh client id for the next form submit (a retried tap repeats the one it carries)."""
    return secrets.token_urlsafe(15)


def form_text(form: object, key: str, max_len: int | None = None) -> str:
    """A submitted form's field as text: "" when missing or empty, cut to `max_len` if given."""
    value = form.get(key, "") if hasattr(form, "get") else ""  # type: ignore[union-attr]
    text = str(value or "")
    return text if max_len is None else text[:max_len]


def form_day(value: object, *, required: bool, default: date | None = None,
             error: str = "form.invalid", **params: object) -> date | None:
    """A date input's value ("2026-11-28") as a date.

    Empty or not a date: `DomainError(error, **params)` when `required`, else `default`.
    """
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError as err:
        if required:
            raise DomainError(error, **params) from err
        return default


class AppState(rx.State):
    """Signed-in person, language, page-level refusal and messages."""

    token: str = rx.LocalStorage("", name="gb_session", sync=True)
    lang: str = rx.LocalStorage(DEFAULT, name="gb_lang", sync=True)

    user_name: str = ""
    user_roles: list[str] = []
    user_gold: bool = False
    home: str = "/login"
    perms: list[str] = []
    page_refused: bool = False
    page_ready: bool = False
    # the client id the page's forms send (hidden input): new at each page load and after each
    # successful action, so a retried submit writes once and the next entry is a new record
    form_id: str = ""
    flash: str = ""
    flash_ok: bool = False
    # the form field the message is about (a DomainError's `field`), so the form shows it beside
    # that field too: `field_error(name)` in app.ui.components.shell
    flash_field: str = ""
    # backend-only: the action this page load was refused for (audited once)
    _refused_action: str = ""

    @rx.var
    def signed_in(self) -> bool:
        return self.user_name != ""

    # ---- helpers used by every page state -------------------------------------------

    def _msg(self, key: str, **params: object) -> str:
        return translate(self.lang, key, **params)

    def _say(self, key: str, ok: bool = False, **params: object) -> None:
        field = params.get("field")
        self.flash = self._msg(key, **params)
        self.flash_ok = ok
        self.flash_field = field if isinstance(field, str) and not ok else ""

    def _show_actor(self, actor: Actor) -> None:
        # assigned only when changed: every handler calls this, and an assignment puts the
        # var in the update sent to the browser even when its value is the same
        shown = {
            "user_name": actor.name,
            "user_roles": list(actor.roles),
            "user_gold": actor.is_gold_butler,
            "home": actor.home,
            "perms": [a for a in NAV_ACTIONS if actor.can(a)],
        }
        for name, value in shown.items():
            if getattr(self, name) != value:
                setattr(self, name, value)

    def _clear_actor(self) -> None:
        self.user_name = ""
        self.user_roles = []
        self.user_gold = False
        self.perms = []
        self.home = "/login"

    def _authorize(self, action: str) -> Actor | None:
        """The server-side role check. None (with the message set) when refused.

        A refusal for a missing role is audited; the audit entry is committed
        even though the action does not run.
        """
        if self.page_refused and action == self._refused_action:
            return None  # the page guard refused and audited this load already
        refusal: Refused | None = None
        with session_scope() as db:
            try:
                actor = auth.authorize(db, self.token, action)
            except Refused as err:
                refusal = err
        if refusal is not None:
            if refusal.key == "auth.signed_out":
                self._clear_actor()
            self._say(refusal.key)
            return None
        self._show_actor(actor)
        return actor

    def _run(self, action: str, work: Callable[..., T], *args, ok_key: str = "", **kw) -> T | None:
        """Authorize, run `work(db, actor, *args)` in one transaction, report the outcome.

        Domain errors become a message in the user's language; the transaction
        is rolled back so nothing is half-written.
        """
        actor = self._authorize(action)
        if actor is None:
            return None
        try:
            with session_scope() as db:
                result = work(db, actor, *args, **kw)
        except DomainError as err:
            _keep(err)  # e.g. the audit entry of a refused scan
            self._say(err.key, **err.params)
            return None
        except Exception:  # the safety net: logged with its traceback, never a silent failure
            log.exception("unexpected failure in %s (%s)", action, getattr(work, "__qualname__", work))
            self._say(UNEXPECTED)
            return None
        if ok_key:
            self._say(ok_key, ok=True)
        elif self.flash:
            self.flash = ""
        self.form_id = new_form_id()
        return result

    # ---- events ------------------------------------------------------------------------

    @rx.event
    def show_failure(self, key: str = UNEXPECTED, params: dict | None = None):
        """What the safety net (`on_backend_exception`) answers a handler that raised: a catalog
        message in the user's language. Only catalog keys are shown (a forged call shows no text)."""
        if not isinstance(key, str) or key not in CATALOGS[DEFAULT]:
            key = UNEXPECTED
        shown = {k: v for k, v in params.items() if isinstance(k, str) and isinstance(v, (str, int))} \
            if isinstance(params, dict) else {}
        try:
            self._say(key, **shown)
        except Exception:  # never let the net itself fail
            self._say(UNEXPECTED)

    @rx.event
    def guard(self, action: str):
        """on_load of every protected page: signed in, password current, role held."""
        self.page_refused = False
        self._refused_action = ""
        self.page_ready = False
        self.flash = ""
        with session_scope() as db:
            actor = auth.resolve(db, self.token)
        if actor is None:
            self._clear_actor()
            self.token = ""
            return rx.redirect("/login", replace=True)
        if actor.must_change_password and action != "account.self":
            self._show_actor(actor)
            return rx.redirect("/account/password", replace=True)
        if self._authorize(action) is None:
            self.page_refused = True
            self._refused_action = action
            self.flash = ""  # the refusal panel says it
            return None
        self.page_ready = True
        self.form_id = new_form_id()
        return None

    @rx.event
    def go_home(self):
        """Landing: to the person's home, or to sign-in."""
        with session_scope() as db:
            actor = auth.resolve(db, self.token)
        if actor is None:
            return rx.redirect("/login", replace=True)
        self._show_actor(actor)
        if actor.must_change_password:
            return rx.redirect("/account/password", replace=True)
        return rx.redirect(actor.home, replace=True)

    @rx.event
    def toggle_language(self):
        self._apply_language("en" if self.lang == "zh" else "zh")

    @rx.event
    def set_language(self, lang: str | list[str]):
        self._apply_language(lang if isinstance(lang, str) else (lang[0] if lang else ""))

    def _apply_language(self, lang: str) -> None:
        """Switch the UI language and remember it for the signed-in person."""
        if lang not in CATALOGS:
            return
        self.lang = lang
        with session_scope() as db:
            actor = auth.resolve(db, self.token)
            if actor is not None:
                auth.set_language(db, actor, lang)
        if self.flash:
            self.flash = ""

    @rx.event
    def sign_out(self):
        with session_scope() as db:
            auth.sign_out(db, self.token)
        self.token = ""
        self._clear_actor()
        # the phone keeps nobody's work after a sign-out (assets/js/field_shell.js)
        return [rx.call_script("window.gbSignOutWipe && window.gbSignOutWipe()"),
                rx.redirect("/login", replace=True)]

    @rx.event
    def dismiss_flash(self):
        self.flash = ""


def _keep(err: DomainError) -> None:
    """Apply the writes a refusal keeps (each in its own transaction, after the rollback)."""
    for write in err.keep:
        with session_scope() as db:
            write(db)


def on_backend_exception(exception: Exception) -> EventSpec | None:
    """rx.App's `backend_exception_handler`: any exception that escapes an event handler.

    A `DomainError` (an argument `as_id` refused before `_run`) is a refusal: its message is
    shown, nothing logged as a failure. Anything else is logged with its traceback and answered
    with the generic 操作失败，请重试 in the user's language, instead of Reflex's English toast
    (which this app's overlay does not even show: a silent failure).
    """
    if isinstance(exception, DomainError):
        log.info("refused in an event handler: %s %s", exception.key, exception.params)
        try:
            _keep(exception)
        except Exception:
            log.exception("could not keep the writes of a refusal")
        params = {k: v for k, v in exception.params.items() if isinstance(v, (str, int))}
        return AppState.show_failure(exception.key, params)
    log.error("unexpected exception in an event handler", exc_info=exception)
    return AppState.show_failure(UNEXPECTED, {})


class ReloadsRecord:
    """For a page state about one record (it defines `_rid()` and `_reload(rid)`): `_act` runs a
    domain step through `_run` and shows the record again when the step went through."""

    def _act(self, action: str, work: Callable[..., T], ok_key: str = "") -> T | None:
        rid = self._rid()  # type: ignore[attr-defined]
        done = self._run(action, work, ok_key=ok_key)  # type: ignore[attr-defined]
        if done is not None:
            self._reload(rid)  # type: ignore[attr-defined]
        return done


async def in_thread(func: Callable[[], T]) -> T:
    """Run blocking work (password hashing) off the event loop."""
    return await asyncio.to_thread(func)


__all__ = ["AppState", "ReloadsRecord", "as_id", "as_int", "form_day", "form_text", "in_thread", "int_or", "new_form_id",
           "on_backend_exception", "optional_id", "roles"]
