"""The audit writer: the one way anything is recorded in the append-only log.

`record` appends one entry. `search` reads a community's log for the audit
screen with its filters (person, action family, local day), naming people and
grids instead of `staff:2` / `grid:1`. `record_bounded` is for refusals an anonymous client
can repeat at will (junk poster tokens, random sign-ins, a rate-limited form): it
writes at most one entry per client and action each `BOUND_EVERY`, so a flood costs
the log one row a minute (`app.domain.rate_limits` counts, atomically).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, or_, select

from app.db.models import AuditEntry, Grid, Staff
from app.domain import clock, rate_limits

BOUND_EVERY = timedelta(minutes=1)


def _dump(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def record(
    session: Session,
    action: str,
    *,
    actor_id: int | None = None,
    community_id: int | None = None,
    subject: str = "",
    outcome: str = "ok",
    before: Any = None,
    after: Any = None,
    detail: str = "",
) -> AuditEntry:
    """Append one entry. `before`/`after` are stored as JSON."""
    entry = AuditEntry(
        at=clock.now(),
        actor_id=actor_id,
        community_id=community_id,
        action=action,
        subject=subject[:64],
        outcome=outcome,
        before=_dump(before),
        after=_dump(after),
        detail=detail[:200],
    )
    session.add(entry)
    session.flush()
    return entry


def record_bounded(
    session: Session, action: str, *, client: str, every: timedelta = BOUND_EVERY, **fields: Any
) -> AuditEntry | None:
    """`record`, at most once per `client` and `action` each `every`; None when it was left out."""
    if not rate_limits.first_in_window(session, f"audit:{action}"[:40], client or "-", every):
        return None
    return record(session, action, **fields)


def recent(
    session: Session, community_id: int | None, limit: int = 50, offset: int = 0
) -> list[AuditEntry]:
    """The newest entries of a community (all communities when `None`)."""
    stmt = select(AuditEntry)
    if community_id is not None:
        stmt = stmt.where(AuditEntry.community_id == community_id)
    stmt = stmt.order_by(col(AuditEntry.id).desc()).offset(offset).limit(limit)
    return list(session.exec(stmt))


# --- reading the log ----------------------------------------------------------------------------

# the families of action keys (the part before the first dot), as the screen's filter offers them
FAMILIES: tuple[str, ...] = (
    "auth", "account", "staff", "grid", "patrol", "request", "notice", "report", "workorder",
    "renovation", "gate", "evidence", "token", "notify",
)


@dataclass(frozen=True)
class LogRow:
    """One entry as the audit screen shows it: keys stay keys (the screen words them), ids become names."""

    id: int
    at: datetime
    actor_id: int | None
    actor_name: str
    action: str
    subject: str  # as stored
    subject_kind: str  # "staff", "request", "client", "phone", ... or "" when it is free text
    subject_ref: str  # the id (or the phone, the client hash prefix) after the kind
    subject_name: str  # a person's or a grid's name when the subject names one, else ""
    outcome: str
    detail: str


def _split(subject: str) -> tuple[str, str]:
    kind, sep, ref = subject.partition(":")
    if sep and kind.isascii() and kind.replace("_", "").isalpha():
        return kind, ref
    if subject.isdigit() and 7 <= len(subject) <= 20:
        return "phone", subject
    return "", subject


def search(
    session: Session,
    community_id: int | None,
    *,
    person_id: int | None = None,
    family: str = "",
    day: date | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[LogRow]:
    """The newest entries of a community (all communities when `None`), filtered.

    `person_id`: what this person did, and what was done to their account or tried
    with their phone number; `family`: one of `FAMILIES` (or a full action key);
    `day`: a local calendar day.
    """
    stmt = select(AuditEntry)
    if community_id is not None:
        stmt = stmt.where(AuditEntry.community_id == community_id)
    if person_id is not None:
        person = session.get(Staff, person_id)
        if person is None or (community_id is not None and person.community_id != community_id):
            return []
        stmt = stmt.where(or_(
            AuditEntry.actor_id == person_id,
            AuditEntry.subject == f"staff:{person_id}",
            AuditEntry.subject == person.phone,
        ))
    family = (family or "").strip()[:60]
    if family:
        if "." in family:
            stmt = stmt.where(AuditEntry.action == family)
        elif family in FAMILIES:
            stmt = stmt.where(col(AuditEntry.action).startswith(family + ".", autoescape=True))
        else:
            return []
    if day is not None:
        stmt = stmt.where(AuditEntry.at >= clock.midnight(day),
                          AuditEntry.at < clock.midnight(day + timedelta(days=1)))
    rows = list(session.exec(stmt.order_by(col(AuditEntry.id).desc()).offset(max(0, offset))
                             .limit(max(1, min(limit, 500)))))
    split = {r.id: _split(r.subject) for r in rows}
    staff_ids = {r.actor_id for r in rows if r.actor_id}
    staff_ids |= {int(ref) for kind, ref in split.values() if kind == "staff" and ref.isdigit()}
    phones = {ref for kind, ref in split.values() if kind == "phone"}
    grid_ids = {int(ref) for kind, ref in split.values() if kind == "grid" and ref.isdigit()}
    names: dict[int, str] = {}
    by_phone: dict[str, str] = {}
    if staff_ids or phones:
        for sid, name, phone in session.exec(
            select(Staff.id, Staff.name, Staff.phone).where(or_(col(Staff.id).in_(staff_ids),
                                                                 col(Staff.phone).in_(phones)))
        ).all():
            names[sid] = name
            by_phone[phone] = name
    grid_names = dict(session.exec(select(Grid.id, Grid.name).where(col(Grid.id).in_(grid_ids))).all()) \
        if grid_ids else {}
    out = []
    for r in rows:
        kind, ref = split[r.id]
        if kind == "staff" and ref.isdigit():
            subject_name = names.get(int(ref), "")
        elif kind == "grid" and ref.isdigit():
            subject_name = grid_names.get(int(ref), "")
        elif kind == "phone":
            subject_name = by_phone.get(ref, "")
        else:
            subject_name = ""
        out.append(LogRow(
            id=r.id or 0, at=r.at, actor_id=r.actor_id,
            actor_name=names.get(r.actor_id, "") if r.actor_id else "",
            action=r.action, subject=r.subject, subject_kind=kind, subject_ref=ref,
            subject_name=subject_name, outcome=r.outcome, detail=r.detail,
        ))
    return out


def people(session: Session, community_id: int | None) -> list[tuple[int, str]]:
    """The staff of a community, (id, name) by name: the person filter's choices."""
    stmt = select(Staff.id, Staff.name)
    if community_id is not None:
        stmt = stmt.where(Staff.community_id == community_id)
    return [(i, n) for i, n in session.exec(stmt.order_by(Staff.name, Staff.id)).all() if i is not None]
