"""What each role's home screen shows: the queries behind the landing pages."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.db.models import Community, Household, Resident, Staff
from app.domain import clock, grids
from app.domain.auth import Actor


@dataclass(frozen=True)
class CommunityFacts:
    name: str
    front_desk_phone: str
    service_hours: str
    households: int
    residents: int
    active_staff: int


def community_facts(session: Session, community_id: int) -> CommunityFacts:
    community = session.get(Community, community_id)
    households = session.exec(
        select(func.count()).select_from(Household).where(Household.community_id == community_id)
    ).one()
    residents = session.exec(
        select(func.count(col(Resident.id)))
        .join(Household, col(Household.id) == col(Resident.household_id))
        .where(Household.community_id == community_id)
    ).one()
    staff = session.exec(
        select(func.count())
        .select_from(Staff)
        .where(Staff.community_id == community_id, col(Staff.active).is_(True))
    ).one()
    return CommunityFacts(
        name=community.name if community else "",
        front_desk_phone=community.front_desk_phone if community else "",
        service_hours=community.service_hours if community else "",
        households=households,
        residents=residents,
        active_staff=staff,
    )


def my_grids(session: Session, actor: Actor) -> list[grids.GridSummary]:
    """The grid(s) the butler answers for today, for "my grid today": their own, unless a deputy
    covers it, and those they cover (`grids.grids_answered_for`)."""
    if actor.community_id is None:
        return []
    ids = grids.grids_answered_for(session, actor.id, clock.today(), community_id=actor.community_id)
    return grids.summaries(session, actor.community_id, grid_ids=ids)


def grid_overview(session: Session, actor: Actor) -> list[grids.GridSummary]:
    """Every grid of the actor's community, for the desk and the supervisor."""
    if actor.community_id is None:
        return []
    return grids.summaries(session, actor.community_id)
