"""Who is told what (谁被通知): the one table that says which people an event reaches.

Every step that must tell someone calls `tell(session, event, ...)` inside its own
transaction; `tell` looks the event up in `RULES`, resolves each audience to the
people of the community holding it today, and writes one `StaffAlert` per person
(`app.domain.alerts`). The alert is what the in-app badge, list and banner show;
the messages that leave the app (WeCom robot, SMS, Web Push) are written from
those same rows into the outbox in the same transaction, so an event and its
messages are committed together or not at all.

The audiences:

- `grid_butler`: whoever answers for the record's grid today: the deputy on a
  cover day (leave cover, 代管), else the grid's butler (`grids.answerer`);
- `front_desk`, `supervisors`, `assistant_managers`: everyone active in the
  community with that role;
- `assignee`: the technician a request is dispatched to;
- `level_approvers`: the holders of the role that decides the renovation level
  waiting (the caller passes it from `renovation.common.LEVEL_ROLE`: first
  review supervisor, second review engineering manager, sign-off general manager).

The person whose action caused the event is never told of it. The supervisor
reads this table on the notifications screen (`rules_table`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.db.models import Staff, StaffAlert, StaffRole
from app.domain import alerts, clock, grids, roles

GRID_BUTLER = "grid_butler"
FRONT_DESK = "front_desk"
ASSIGNEE = "assignee"
SUPERVISORS = "supervisors"
ASSISTANT_MANAGERS = "assistant_managers"
LEVEL_APPROVERS = "level_approvers"
AUDIENCES: tuple[str, ...] = (GRID_BUTLER, FRONT_DESK, ASSIGNEE, SUPERVISORS, ASSISTANT_MANAGERS, LEVEL_APPROVERS)

_ROLE_OF = {FRONT_DESK: roles.FRONT_DESK, SUPERVISORS: roles.SUPERVISOR, ASSISTANT_MANAGERS: roles.ASSISTANT_MANAGER}


@dataclass(frozen=True)
class Rule:
    """One line of the table: an event, who is told, and whether it is always urgent."""

    event: str  # an alert kind (app.domain.alerts.KINDS)
    told: tuple[str, ...]  # audiences, in the order they are listed
    # always delivered in quiet hours (otherwise only when the caller says the record is urgent:
    # an urgent repair, a major complaint)
    always_urgent: bool = False


RULES: tuple[Rule, ...] = (
    Rule("new_request", (GRID_BUTLER, FRONT_DESK)),
    Rule("dispatched", (ASSIGNEE,)),
    Rule("overdue", (GRID_BUTLER, SUPERVISORS)),
    Rule("major", (ASSISTANT_MANAGERS,), always_urgent=True),
    Rule("reopened", (ASSIGNEE,)),
    Rule("resident_note", (ASSIGNEE, GRID_BUTLER)),
    Rule("not_fixed", (ASSIGNEE, GRID_BUTLER)),
    Rule("unsatisfied", (SUPERVISORS, GRID_BUTLER)),
    Rule("renovation_waiting", (LEVEL_APPROVERS,)),
    Rule("rectification_overdue", (GRID_BUTLER,)),
    Rule("handed_to_desk", (FRONT_DESK,)),
)
_BY_EVENT = {r.event: r for r in RULES}


def rule(event: str) -> Rule:
    try:
        return _BY_EVENT[event]
    except KeyError:
        raise ValueError(f"no who-is-told rule for {event!r}") from None


def rules_table() -> list[Rule]:
    """The table as the supervisor's screen lists it."""
    return list(RULES)


def _with_role(session: Session, community_id: int, role: str) -> list[int]:
    rows = session.exec(
        select(Staff.id)
        .join(StaffRole, col(StaffRole.staff_id) == col(Staff.id))
        .where(Staff.community_id == community_id, Staff.active == True, StaffRole.role == role)  # noqa: E712
        .order_by(col(Staff.id))
    ).all()
    return [r for r in rows if r is not None]


def _active(session: Session, staff_id: int | None) -> int | None:
    if staff_id is None:
        return None
    person = session.get(Staff, staff_id)
    return staff_id if person is not None and person.active else None


def audience(session: Session, who: str, *, community_id: int, grid_id: int | None = None,
             assignee_id: int | None = None, approver_role: str = "") -> list[int]:
    """The people one audience means for this record today (see the module's list)."""
    if who == GRID_BUTLER:
        person = _active(session, grids.answerer(session, grid_id, clock.today())) if grid_id else None
        return [person] if person is not None else []
    if who == ASSIGNEE:
        person = _active(session, assignee_id)
        return [person] if person is not None else []
    if who == LEVEL_APPROVERS:
        return _with_role(session, community_id, approver_role) if approver_role in roles.ALL_ROLES else []
    if who in _ROLE_OF:
        return _with_role(session, community_id, _ROLE_OF[who])
    raise ValueError(f"unknown audience {who!r}")


def recipients(session: Session, event: str, *, community_id: int, grid_id: int | None = None,
               assignee_id: int | None = None, approver_role: str = "",
               exclude: Iterable[int | None] = (), only: tuple[str, ...] | None = None) -> list[int]:
    """Who `event` reaches, each once, in the table's order, less `exclude` (the actor); `only` keeps
    some of the rule's audiences (a request the desk registered itself: its grid's butler only)."""
    skip = {e for e in exclude if e is not None}
    out: list[int] = []
    for who in rule(event).told:
        if only is not None and who not in only:
            continue
        for person in audience(session, who, community_id=community_id, grid_id=grid_id,
                               assignee_id=assignee_id, approver_role=approver_role):
            if person not in skip and person not in out:
                out.append(person)
    return out


def tell(session: Session, event: str, *, community_id: int, grid_id: int | None = None,
         request_id: int | None = None, subject: str = "", summary: str = "",
         assignee_id: int | None = None, approver_role: str = "", urgent: bool = False,
         actor_id: int | None = None, also: Iterable[int] = (),
         only: tuple[str, ...] | None = None) -> list[StaffAlert]:
    """Tell everyone `event` reaches (plus `also`, less the actor) in this transaction.

    Returns the alerts written (one per person, sharing one event key)."""
    people = recipients(session, event, community_id=community_id, grid_id=grid_id, assignee_id=assignee_id,
                        approver_role=approver_role, exclude=(actor_id,), only=only)
    people += [p for p in also if p not in people and p != actor_id]
    if not people:
        return []
    return alerts.send(session, community_id=community_id, staff_ids=people, kind=event, request_id=request_id,
                       grid_id=grid_id,
                       subject=subject, summary=summary, urgent=urgent or rule(event).always_urgent)
