"""What a person's phone lists: the jobs assigned to them, the follow-ups awaiting in their grids."""

from __future__ import annotations

from sqlmodel import Session

from app.domain import clock, grids, request_search
from app.domain.auth import Actor
from app.domain.request_search import RequestRow


def jobs_of(session: Session, actor: Actor) -> list[RequestRow]:
    """The actor's open jobs, earliest deadline first."""
    return request_search.assigned_to(session, actor.id)


def follow_ups_awaiting(session: Session, actor: Actor) -> list[RequestRow]:
    """Resolved complaints awaiting follow-up in the grids the actor answers for today
    (their own, unless a deputy covers it, and those they cover on leave cover)."""
    if actor.community_id is None:
        return []
    rows: list[RequestRow] = []
    for grid_id in grids.grids_answered_for(session, actor.id, clock.today(), community_id=actor.community_id):
        rows += request_search.awaiting_follow_up(session, actor.community_id, grid_id=grid_id)
    return rows
