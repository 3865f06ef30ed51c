"""Sign-in, password change and the "me" tab."""

from __future__ import annotations

from dataclasses import replace

import reflex as rx

from app.db.session import session_scope
from app.domain import auth, staff
from app.domain.errors import DomainError
from app.state import client
from app.state.base import AppState, in_thread


class SignInState(AppState):
    """The sign-in form."""

    error: str = ""
    busy: bool = False
    # the language was picked on this screen: it is kept at sign-in (and remembered for the person);
    # otherwise the person's own language applies
    lang_picked: bool = False

    @rx.event
    def pick_language(self):
        """The EN/中文 switch of the sign-in screen."""
        self._apply_language("en" if self.lang == "zh" else "zh")
        self.lang_picked = True

    @rx.event
    async def sign_in(self, form: dict):
        """Check phone and password on the server; land on the role's home."""
        phone = str(form.get("phone", ""))[:200]
        password = str(form.get("password", ""))[:1000]
        who = client.client_key(self)
        self.error = ""
        self.busy = True
        yield

        keep = self.lang if self.lang_picked else ""

        def attempt():
            with session_scope() as db:
                try:
                    token, actor = auth.sign_in(db, phone, password, who)
                except DomainError as err:
                    # the audit entry of a failed attempt is committed all the same
                    return None, err
                if keep and keep != actor.language:
                    auth.set_language(db, actor, keep)
                    actor = replace(actor, language=keep)
                return (token, actor), None

        result, err = await in_thread(attempt)
        self.busy = False
        if err is not None:
            self.error = self._msg(err.key, **err.params)
            return
        token, actor = result
        self.token = token
        self.lang = actor.language
        self.lang_picked = False
        self._show_actor(actor)
        if actor.must_change_password:
            yield rx.redirect("/account/password", replace=True)
        else:
            yield rx.redirect(actor.home, replace=True)

    @rx.event
    def check_signed_in(self):
        """on_load of /login: someone already signed in goes straight home."""
        self.error = ""
        self.busy = False
        with session_scope() as db:
            actor = auth.resolve(db, self.token)
        if actor is not None and not actor.must_change_password:
            self._show_actor(actor)
            return rx.redirect(actor.home, replace=True)
        return None


class AccountState(AppState):
    """The "me" tab and the password change."""

    community: str = ""
    error: str = ""
    done: bool = False

    @rx.event
    def load(self):
        actor = self._authorize("account.self")
        if actor is None:
            return
        self.error = ""
        self.done = False
        with session_scope() as db:
            self.community = staff.community_name(db, actor)

    @rx.event
    async def change_password(self, form: dict):
        actor = self._authorize("account.self")
        if actor is None:
            return
        current = str(form.get("current", ""))[:1000]
        new = str(form.get("new", ""))[:1000]
        repeat = str(form.get("repeat", ""))[:1000]

        def attempt():
            with session_scope() as db:
                try:
                    auth.change_password(db, actor, current, new, repeat)
                except DomainError as err:
                    return err
            return None

        err = await in_thread(attempt)
        if err is not None:
            self.error = self._msg(err.key, **err.params)
            self.done = False
            return
        self.error = ""
        self.done = True
        self._say("password.changed", ok=True)
        yield rx.redirect(self.home, replace=True)
