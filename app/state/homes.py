"""What each role's home screen shows (data from app.domain.homes)."""

from __future__ import annotations

import reflex as rx

from app.db.session import session_scope
from app.domain import grids, homes
from app.state.base import AppState


def _grid_row(g: grids.GridSummary) -> dict[str, str]:
    return {
        "id": str(g.id),
        "name": g.name,
        "butler": g.butler_name,
        "households": str(g.households),
        "occupied": str(g.occupied),
        "residents": str(g.residents),
        "buildings": "、".join(g.buildings),
        "state": g.state,
        "flagged": "1" if g.flagged else "",
    }


class GridHomeState(AppState):
    """A butler's "my grid today"."""

    grids: list[dict[str, str]] = []

    @rx.event
    def load(self):
        actor = self._authorize("home.grid")
        if actor is None:
            self.grids = []
            return
        with session_scope() as db:
            self.grids = [_grid_row(g) for g in homes.my_grids(db, actor)]


class DeskHomeState(AppState):
    """The front desk dashboard (wide layout)."""

    community: dict[str, str] = {}
    grids: list[dict[str, str]] = []

    @rx.event
    def load(self):
        actor = self._authorize("home.desk")
        if actor is None or actor.community_id is None:
            self.grids = []
            self.community = {}
            return
        with session_scope() as db:
            facts = homes.community_facts(db, actor.community_id)
            self.community = {
                "name": facts.name,
                "households": str(facts.households),
                "residents": str(facts.residents),
                "staff": str(facts.active_staff),
                "phone": facts.front_desk_phone,
                "hours": facts.service_hours,
            }
            self.grids = [_grid_row(g) for g in homes.grid_overview(db, actor)]


class RepairsHomeState(AppState):
    """The technician's repair orders (filled by the requests issue)."""

    @rx.event
    def load(self):
        self._authorize("home.repairs")
