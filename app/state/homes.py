"""What each role's home screen shows (data from app.domain.homes)."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from app.db.session import session_scope
from app.domain import grids, homes
from app.state.base import AppState


@dataclass(frozen=True)
class GridCard:
    """A grid as the home screens show it: size against the 350-400 band."""

    id: int
    name: str
    butler: str
    households: int
    occupied: int
    residents: int
    buildings: str
    state: str
    flagged: bool


@dataclass(frozen=True)
class CommunityFacts:
    name: str = ""
    households: int = 0
    residents: int = 0
    staff: int = 0
    phone: str = ""
    hours: str = ""


def _grid_row(g: grids.GridSummary) -> GridCard:
    return GridCard(g.id, g.name, g.butler_name, g.households, g.occupied, g.residents, "、".join(g.buildings),
                    g.state, g.flagged)


class GridHomeState(AppState):
    """A butler's "my grid today"."""

    grids: list[GridCard] = []

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

    community: CommunityFacts = CommunityFacts()
    grids: list[GridCard] = []

    @rx.event
    def load(self):
        actor = self._authorize("home.desk")
        if actor is None or actor.community_id is None:
            self.grids = []
            self.community = CommunityFacts()
            return
        with session_scope() as db:
            facts = homes.community_facts(db, actor.community_id)
            self.community = CommunityFacts(facts.name, facts.households, facts.residents, facts.active_staff,
                                            facts.front_desk_phone, facts.service_hours)
            self.grids = [_grid_row(g) for g in homes.grid_overview(db, actor)]


class RepairsHomeState(AppState):
    """The technician's repair orders (filled by the requests issue)."""

    @rx.event
    def load(self):
        self._authorize("home.repairs")
