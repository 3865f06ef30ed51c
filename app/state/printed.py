"""The public pages a printed QR opens: the permit (/p/<token>), a pass card (/w/<token>), a checkpoint
tag (/c/<token>).

Thin: each load calls `app.domain.printed_pages` in one transaction (which audits a refused token,
at most once a minute per client) and keeps what the screen shows. No sign-in is needed; when the
browser holds a sign-in the server resolves it (`auth.resolve`) to offer staff their next step: the
site check of the permit's renovation (for who may do site checks), or the patrol that holds the
tag (for who walks it today, started or resumed through `_run`, which re-checks the role).
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from app.db.session import session_scope
from app.domain import auth, printed_pages
from app.state import client
from app.state.base import AppState


def _path_tail(state: rx.State, prefix: str) -> str:
    path = str(state.router.url.path or "")
    return path.rstrip("/").rsplit("/", 1)[-1][:2048] if path.startswith(prefix) else ""


@dataclass(frozen=True)
class PermitRow:
    """The permit as its page shows it (keys stay keys: the page words them in the visitor's language)."""

    application_id: int = 0
    community: str = ""
    permit_no: str = ""
    household: str = ""
    hot_work_scope: bool = False
    dates: str = ""
    hours: str = ""
    stage: str = ""  # renovation.stage.<stage>, "" when not under way
    status: str = ""  # printed.permit.status.<verdict>
    hold: str = ""  # message key, "" when none
    hot_work_today: bool = False
    open_rectifications: int = 0
    short_code: str = ""


@dataclass(frozen=True)
class PassRow:
    community: str = ""
    worker: str = ""  # masked
    trade: str = ""
    state: str = ""
    valid: bool = False
    dates: str = ""


@dataclass(frozen=True)
class TagRow:
    community: str = ""
    grid: str = ""
    name: str = ""
    place: str = ""


class _PrintedPage(AppState):
    view_state: str = ""  # "" loading, "ok", "refused"
    refusal: str = ""  # the token.* key of a refused token

    def _refused(self, found: object) -> bool:
        if isinstance(found, printed_pages.Refusal):
            self.view_state = "refused"
            self.refusal = found.reason
            return True
        self.view_state = "ok"
        self.refusal = ""
        return False


class PermitPageState(_PrintedPage):
    """/p/<token>: the permit on the door, with its live status."""

    permit: PermitRow = PermitRow()
    scope_keys: list[str] = []
    area_keys: list[str] = []
    can_check: bool = False

    @rx.event
    def load(self):
        self.view_state = ""
        self.can_check = False
        with session_scope() as db:  # commits the audit entry of a refused token
            page = printed_pages.permit_page(db, _path_tail(self, "/p/"), client.client_key(self))
            actor = auth.resolve(db, self.token) if self.token else None
            # staff who may do site checks here get the button (the site page checks again)
            may_check = isinstance(page, printed_pages.PermitPage) and printed_pages.may_site_check(db, actor, page)
        if self._refused(page):
            self.permit = PermitRow()
            return
        assert isinstance(page, printed_pages.PermitPage)
        self.permit = PermitRow(
            application_id=page.application_id, community=page.community_name, permit_no=page.permit_no,
            household=page.household, hot_work_scope=page.hot_work_scope,
            dates=f"{page.planned_start} – {page.planned_end}", hours=page.hours,
            stage=f"renovation.stage.{page.stage}" if page.stage else "",
            status=f"printed.permit.status.{page.status}", hold=page.hold, hot_work_today=page.hot_work_today,
            open_rectifications=page.open_rectifications, short_code=page.short_code,
        )
        self.scope_keys = [f"renovation.scope.{s}" for s in page.scope]
        self.area_keys = [f"renovation.area.{a}" for a in page.waterproofing]
        self.can_check = may_check


class PassPageState(_PrintedPage):
    """/w/<token>: what a worker pass card is and whether it is valid now."""

    card: PassRow = PassRow()

    @rx.event
    def load(self):
        self.view_state = ""
        with session_scope() as db:
            page = printed_pages.pass_page(db, _path_tail(self, "/w/"), client.client_key(self))
        if self._refused(page):
            self.card = PassRow()
            return
        assert isinstance(page, printed_pages.PassPage)
        self.card = PassRow(
            community=page.community_name, worker=page.masked_name,
            trade=f"renovation.trade.{page.trade}" if page.trade else "", state=f"printed.pass.state.{page.state}",
            valid=page.valid, dates=f"{page.valid_from} – {page.valid_until}",
        )


class TagPageState(_PrintedPage):
    """/c/<token>: a checkpoint tag; its butler is sent into today's patrol that holds it."""

    tag: TagRow = TagRow()
    note: str = ""  # why a signed-in walker was not sent into a patrol
    opening: bool = False

    @rx.event
    def load(self):
        self.view_state = ""
        self.note = ""
        self.opening = False
        with session_scope() as db:
            page = printed_pages.tag_page(db, _path_tail(self, "/c/"), client.client_key(self))
            actor = auth.resolve(db, self.token) if self.token else None
        if self._refused(page):
            self.tag = TagRow()
            return None
        assert isinstance(page, printed_pages.TagPage)
        self.tag = TagRow(community=page.community_name, grid=page.grid_name, name=page.name, place=page.place)
        if actor is None or actor.community_id != page.community_id or not actor.can("patrol.walk"):
            return None  # anyone else is told what the tag is
        patrol_id = self._run("patrol.walk", printed_pages.patrol_at_tag, page.checkpoint_id)
        if patrol_id is None:
            self.note, self.flash = self.flash, ""  # said on the page, beside what the tag is
            return None
        self.opening = True
        return rx.redirect(f"/patrol/{patrol_id}", replace=True)
