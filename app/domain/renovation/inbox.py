"""The approver's inbox (待我审批): the renovation applications waiting for a level the viewer decides.

A level is decided by the holders of its role (`common.LEVEL_ROLE`: first review the supervisor
(客服主管, the service manager), second review the engineering manager, sign-off the general
manager). The inbox lists the applications of the viewer's community waiting for one of her levels,
oldest wait first, less those where she decided another level already (one person, one level:
`approval.decide` refuses it). An application waits for its level since the level before approved
it (`decided_at`), or since it was submitted or resubmitted for first review. Someone who holds no
level has no inbox. This is the one place that says which applications wait for whom; the desk's
renovation list (`application.awaiting`) shows the same ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.db.models import RenovationApplication, RenovationApproval
from app.domain import clock
from app.domain.auth import Actor
from app.domain.renovation.common import LEVEL_ROLE, _aware

MAX_ROWS = 500


@dataclass(frozen=True)
class InboxRow:
    id: int
    household: str
    owner_name: str
    level: str  # the level it waits for (= its status)
    round: int
    waiting_since: datetime


def levels_of(actor: Actor) -> list[str]:
    """The approval levels the actor decides, in order."""
    return [level for level, role in LEVEL_ROLE.items() if role in actor.roles]


def waiting_for(session: Session, actor: Actor) -> list[InboxRow]:
    """The applications waiting for a level the actor decides, oldest wait first."""
    mine = levels_of(actor)
    if not mine:
        return []
    since = func.coalesce(col(RenovationApplication.decided_at), col(RenovationApplication.submitted_at))
    apps = session.exec(
        select(RenovationApplication)
        .where(RenovationApplication.community_id == actor.community_id,
               col(RenovationApplication.status).in_(mine))
        .order_by(since, col(RenovationApplication.id))
        .limit(MAX_ROWS)
    ).all()
    if len(mine) > 1 and apps:
        decided = session.exec(select(RenovationApproval.application_id, RenovationApproval.level).where(
            RenovationApproval.by_id == actor.id,
            col(RenovationApproval.application_id).in_([a.id for a in apps]))).all()
        status = {a.id: a.status for a in apps}
        other = {app_id for app_id, level in decided if level != status[app_id]}
        apps = [a for a in apps if a.id not in other]
    return [
        InboxRow(id=a.id or 0, household=a.household_label, owner_name=a.owner_name, level=a.status,
                 round=a.round, waiting_since=_aware(a.decided_at or a.submitted_at))
        for a in apps
    ]


def count(session: Session, actor: Actor) -> int:
    """How many applications wait for the actor (the sidebar's figure)."""
    return len(waiting_for(session, actor))


def waited(since: datetime, now: datetime | None = None) -> tuple[int, str]:
    """How long an application has waited, as (amount, unit): under an hour in minutes, under two
    days in hours, else in days."""
    minutes = max(0, int(((now or clock.now()) - _aware(since)).total_seconds() // 60))
    if minutes < 60:
        return minutes, "minutes"
    if minutes < 48 * 60:
        return minutes // 60, "hours"
    return minutes // (24 * 60), "days"
