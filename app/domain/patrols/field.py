"""The walk as the phone's outbox sends it: queued actions applied once each, the phone's time kept.

The phone writes every action of the walk (check-in, checklist tick, finish) to its
own store first, with a client id and the phone's time of the tap, and sends the
queue in order when it has a connection (assets/js/field_walk.js through
`POST /api/field/sync`). Here each action is applied through the walk's own rules
(`walk.scan`, `walk.check`, `walk.finish`): a retried action (same client id) is
applied once; a refused one is answered with its reason and the rest of the queue
still goes through.

Honest time: the server's receipt time stays the record (`scanned_at`, `at`,
`finished_at`); the phone's time of the tap is kept beside it (`phone_at`). The
phone also says its own clock when it sends the batch: the difference to the
server's clock is the phone clock's error. An action that reached the server more
than `OFFLINE_AFTER` after it was made (by the corrected phone clock) was made
offline; a phone clock off by more than the configured margin
(`APP_CLOCK_MARGIN_MINUTES`) flags what it made. A patrol finished offline is late
or on time by when it was finished on the phone, corrected for the clock's error,
unless that clock was off: then the receipt time decides.

Photos are not actions here: the phone sends each through `POST /api/evidence` for
the visit its check-in created, bound by the visit's client id made on the phone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from app import settings
from app.db.models import Patrol, PatrolCheck, PatrolVisit
from app.domain import clock
from app.domain.auth import Actor
from app.domain.errors import DomainError
from app.domain.patrols.common import _client_id
from app.domain.patrols.vocabulary import FINISHED
from app.domain.patrols.walk import _my_patrol, check, finish, scan

OFFLINE_AFTER = timedelta(seconds=60)
SCAN, CHECK, FINISH = "scan", "check", "finish"
KINDS = (SCAN, CHECK, FINISH)
# a phone time this far from the server's is not a clock, it is garbage
_SANE = timedelta(days=2)


@dataclass(frozen=True)
class PhoneClock:
    """The phone's clock as measured when a batch arrived."""

    skew: timedelta  # server time minus phone time
    received: datetime

    @property
    def off(self) -> bool:
        return abs(self.skew) > timedelta(minutes=settings.SETTINGS.clock_margin_minutes)

    def phone_at(self, ms: object) -> datetime:
        """The phone's own time of a tap (ms since the epoch), as the phone said it."""
        if isinstance(ms, bool) or not isinstance(ms, int | float):
            raise DomainError("field.bad_time")
        at = datetime.fromtimestamp(ms / 1000, UTC)
        if abs(at + self.skew - self.received) > _SANE and not self.off:
            raise DomainError("field.bad_time")
        return at

    def made_offline(self, phone_at: datetime, said_offline: object = False) -> bool:
        """Made without a connection: the phone says so, or it reached the server late."""
        return said_offline is True or self.received - (phone_at + self.skew) > OFFLINE_AFTER

    def true_at(self, phone_at: datetime) -> datetime:
        """When the tap happened by the server's clock: the phone's time corrected for its error."""
        return phone_at + self.skew


def phone_clock(sent_ms: object, received: datetime | None = None) -> PhoneClock:
    """Measure the phone's clock from the time it says it sent the batch."""
    received = received or clock.now()
    if isinstance(sent_ms, bool) or not isinstance(sent_ms, int | float) or sent_ms <= 0:
        raise DomainError("field.bad_time")
    try:
        sent = datetime.fromtimestamp(sent_ms / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        raise DomainError("field.bad_time") from None
    return PhoneClock(skew=received - sent, received=received)


@dataclass(frozen=True)
class Applied:
    """What became of one queued action."""

    client_id: str
    ok: bool
    key: str = ""  # the refusal's message key
    params: dict = field(default_factory=dict)
    visit_id: int | None = None
    checkpoint_id: int | None = None


def _visit_of(session: Session, actor: Actor, patrol_id: int, action: dict) -> PatrolVisit:
    """The visit an action is for: by the id the server gave its check-in, or its client id."""
    visit_id = action.get("visit_id")
    if isinstance(visit_id, int) and not isinstance(visit_id, bool) and visit_id > 0:
        visit = session.get(PatrolVisit, visit_id)
    else:
        cid = _client_id(action.get("visit_cid") if isinstance(action.get("visit_cid"), str) else None)
        visit = session.exec(select(PatrolVisit).where(PatrolVisit.client_id == cid)).first() if cid else None
    if visit is None or visit.patrol_id != patrol_id:
        raise DomainError("field.visit_unknown")
    _my_patrol(session, actor, visit.patrol_id, open_only=False)  # the walker's own
    return visit


def _scan(session: Session, actor: Actor, patrol_id: int, action: dict, pc: PhoneClock, cid: str) -> Applied:
    raw = action.get("raw")
    if not isinstance(raw, str):
        raise DomainError("form.invalid")
    phone_at = pc.phone_at(action.get("at"))
    existing = session.exec(select(PatrolVisit).where(PatrolVisit.client_id == cid)).first()
    visit = scan(session, actor, patrol_id, raw, client_id=cid)
    if existing is None and visit.client_id == cid:  # made now, by this action
        visit.phone_at = phone_at
        visit.offline = pc.made_offline(phone_at, action.get("offline"))
        visit.clock_off = pc.off
        session.add(visit)
        patrol = session.get(Patrol, visit.patrol_id)
        if patrol is not None and (visit.offline or visit.clock_off):
            patrol.offline = patrol.offline or visit.offline
            patrol.clock_off = patrol.clock_off or visit.clock_off
            session.add(patrol)
    return Applied(cid, True, visit_id=visit.id, checkpoint_id=visit.checkpoint_id)


def _check(session: Session, actor: Actor, patrol_id: int, action: dict, pc: PhoneClock, cid: str) -> Applied:
    visit = _visit_of(session, actor, patrol_id, action)
    item_id = action.get("item_id")
    passed = action.get("passed")
    if not isinstance(item_id, int) or isinstance(item_id, bool) or not isinstance(passed, bool):
        raise DomainError("form.invalid")
    note, department = action.get("note", ""), action.get("department") or None
    if not isinstance(note, str) or not (department is None or isinstance(department, str)):
        raise DomainError("form.invalid")
    phone_at = pc.phone_at(action.get("at"))
    again = session.exec(select(PatrolCheck).where(PatrolCheck.client_id == cid)).first()
    row = check(session, actor, visit_id=visit.id, item_id=item_id, passed=passed, note=note,
                     department=department, client_id=cid)
    if again is None:
        row.phone_at = phone_at
        session.add(row)
    return Applied(cid, True, visit_id=visit.id, checkpoint_id=visit.checkpoint_id)


def _finish(session: Session, actor: Actor, patrol_id: int, action: dict, pc: PhoneClock, cid: str) -> Applied:
    phone_at = pc.phone_at(action.get("at"))
    offline = pc.made_offline(phone_at, action.get("offline"))
    # finished offline: on time or late by the phone's corrected time, unless its clock was off
    done_at = pc.true_at(phone_at) if offline and not pc.off else None
    patrol = session.get(Patrol, patrol_id)
    already = patrol is not None and patrol.status == FINISHED
    patrol = finish(session, actor, patrol_id, done_at=done_at)
    if not already:
        patrol.finished_phone_at = phone_at
        patrol.offline = patrol.offline or offline
        patrol.clock_off = patrol.clock_off or pc.off
        session.add(patrol)
    return Applied(cid, True)


def apply(session: Session, actor: Actor, patrol_id: int, action: object, pc: PhoneClock) -> Applied:
    """Apply one queued action of the walk of `patrol_id`; a broken rule raises DomainError.

    The caller runs each action in its own transaction, so a refusal rolls back only that
    action and the queue goes on."""
    if not isinstance(action, dict):
        raise DomainError("form.invalid")
    cid = _client_id(action.get("cid") if isinstance(action.get("cid"), str) else "")
    if cid is None:
        raise DomainError("form.invalid")
    kind = action.get("kind")
    if kind == SCAN:
        return _scan(session, actor, patrol_id, action, pc, cid)
    if kind == CHECK:
        return _check(session, actor, patrol_id, action, pc, cid)
    if kind == FINISH:
        return _finish(session, actor, patrol_id, action, pc, cid)
    raise DomainError("form.invalid")
