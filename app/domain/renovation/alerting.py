"""Who hears of a renovation (装修提醒): an application waiting for a level, a rectification overdue.

- `waiting`: an application that now waits for an approval level (registered, resubmitted, or
  approved by the level before) tells that level's role holders (`common.LEVEL_ROLE`:
  first review the supervisors, second review the engineering managers, sign-off the general
  managers) through the who-is-told table (`app.domain.notify`, event "renovation_waiting").
- `level_decided`: once one holder decides the level (approve, return, reject), every holder's
  waiting alert of that application is settled (marked read): the work is done.
- `sweep_rectifications`: a rectification notice (限期整改) still open past its deadline tells the
  grid's butler (or today's cover) once per missed deadline; each row is claimed with a
  conditional UPDATE on `overdue_noticed_for`, so several workers sweeping at once tell once.
  Re-checking the notice settles that alert.

The alerts' subject names the record: "renovation:<application id>", "rectification:<id>";
`application_of` reads the application back from it (what tapping the alert opens).
Functions flush, never commit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from app.db.models import Household, Rectification, RenovationApplication, StaffAlert
from app.domain import alerts, audit, clock, notify
from app.domain.renovation.common import LEVEL_ROLE, LEVELS, OPEN

WAITING = "renovation_waiting"
RECTIFICATION_OVERDUE = "rectification_overdue"


def subject(application_id: int | None) -> str:
    return f"renovation:{application_id}"


def rectification_subject(rectification_id: int | None) -> str:
    return f"rectification:{rectification_id}"


def waiting(session: Session, app: RenovationApplication, *, actor_id: int | None = None) -> list[StaffAlert]:
    """Tell the holders of the level the application now waits for (none when it waits for none)."""
    level = app.status if app.status in LEVELS else None
    if level is None:
        return []
    return notify.tell(session, WAITING, community_id=app.community_id, subject=subject(app.id),
                       summary=app.household_label, approver_role=LEVEL_ROLE[level], actor_id=actor_id)


def level_decided(session: Session, app: RenovationApplication, *, actor_id: int | None = None) -> None:
    """A level was decided: settle every holder's waiting alert, then tell the next level's holders."""
    alerts.settle_subject(session, subject(app.id), WAITING)
    waiting(session, app, actor_id=actor_id)


# --- rectification past its deadline ------------------------------------------------------------


def _not_noticed(deadline: datetime | object):
    return or_(col(Rectification.overdue_noticed_for).is_(None),
               col(Rectification.overdue_noticed_for) != deadline)


def due_rectifications(session: Session, community_id: int | None = None, limit: int = 500) -> list[Rectification]:
    """Open rectifications past their deadline whose butler has not been told of that deadline."""
    stmt = select(Rectification).where(
        Rectification.status == OPEN,
        col(Rectification.due_at) < clock.now(),
        _not_noticed(col(Rectification.due_at)),
    )
    if community_id is not None:
        stmt = stmt.where(Rectification.community_id == community_id)
    return list(session.exec(stmt.order_by(col(Rectification.due_at)).limit(limit)))


def notice_overdue(session: Session, rect: Rectification) -> bool:
    """Claim one overdue rectification (as read) and tell its grid's butler; False when another
    sweep claimed this deadline first, or it was re-checked meanwhile."""
    with session.no_autoflush:
        claimed = session.execute(
            update(Rectification)
            .where(col(Rectification.id) == rect.id, col(Rectification.status) == OPEN,
                   col(Rectification.due_at) == rect.due_at, _not_noticed(rect.due_at))
            .values(overdue_noticed_for=rect.due_at)
            .execution_options(synchronize_session=False)
        )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return False
    app = session.get(RenovationApplication, rect.application_id)
    home = session.get(Household, app.household_id) if app is not None else None
    notify.tell(session, RECTIFICATION_OVERDUE, community_id=rect.community_id,
                grid_id=home.grid_id if home is not None else None, subject=rectification_subject(rect.id),
                summary=app.household_label if app is not None else "")
    audit.record(session, "renovation.rectification_overdue", community_id=rect.community_id,
                 subject=subject(rect.application_id), after={"rectification": rect.id, "due_at": rect.due_at})
    return True


def sweep_rectifications(session: Session, community_id: int | None = None) -> int:
    """Tell of every open rectification past its deadline, once per deadline; how many were told."""
    return sum(1 for rect in due_rectifications(session, community_id) if notice_overdue(session, rect))


def rectification_closed(session: Session, rect: Rectification) -> None:
    """A re-check answered the notice: its overdue alert is settled."""
    alerts.settle_subject(session, rectification_subject(rect.id), RECTIFICATION_OVERDUE)


def application_of(session: Session, alert_subject: str) -> int | None:
    """The application an alert of this module is about, for the screen that opens it (the desk's
    /desk/renovations/<id>, the butler's /m/renovations/<id>): "renovation:12" → 12,
    "rectification:7" → its application; None for any other subject."""
    kind, _, raw = (alert_subject or "").partition(":")
    if not (raw.isascii() and raw.isdigit() and len(raw) < 19):
        return None
    if kind == "renovation":
        return int(raw)
    if kind == "rectification":
        rect = session.get(Rectification, int(raw))
        return rect.application_id if rect is not None else None
    return None
