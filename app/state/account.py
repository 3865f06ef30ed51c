"""Sign-in, password change and the "me" tab."""

from __future__ import annotations

import reflex as rx

from app.db.models import Community
from app.db.session import session_scope
from app.domain import auth
from app.domain.errors import DomainError
from app.state import client
from app.state.base import AppState, in_thread


class SignInState(AppState):
    """The sign-in form."""

    error: str = ""
    busy: bool = False

    @rx.event
    async def sign_in(self, form: dict):
        """Check phone and password on the server; land on the role's home."""
        phone = str(form.get("phone", ""))[:200]
        password = str(form.get("password", ""))[:1000]
        who = client.client_key(self)
        self.error = ""
        self.busy = True
        yield

        def attempt():
            with session_scope() as db:
                try:
                    return auth.sign_in(db, phone, password, who), None
                except DomainError as err:
                    # the audit entry of a failed attempt is committed all the same
                    return None, err

        result, err = await in_thread(attempt)
        self.busy = False
        if err is not None:
            self.error = self._msg(err.key, **err.params)
            return
        token, actor = result
        self.token = token
        self.lang = actor.language
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
            c = db.get(Community, actor.community_id) if actor.community_id else None
            self.community = c.name if c else ""

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
