"""The words of renovations (statuses, levels, stages, check items, targets) and the small helpers
every section uses."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col

from app.db.models import (
    RenovationApplication,
)
from app.domain import audit, clock, evidence, roles
from app.domain.auth import Actor
from app.domain.errors import DomainError, Refused

# --- words ------------------------------------------------------------------------------

FIRST_REVIEW = "first_review"
SECOND_REVIEW = "second_review"
SIGN_OFF = "sign_off"
LEVELS: tuple[str, ...] = (FIRST_REVIEW, SECOND_REVIEW, SIGN_OFF)
RETURNED = "returned"
REJECTED = "rejected"
APPROVED = "approved"  # permit issued: works under way
COMPLETED = "completed"  # accepted; revisit and refund to come
CLOSED = "closed"  # deposit refunded
STATUSES: tuple[str, ...] = LEVELS + (RETURNED, REJECTED, APPROVED, COMPLETED, CLOSED)

# an application of a household that blocks a second one
OPEN_STATUSES = frozenset({FIRST_REVIEW, SECOND_REVIEW, SIGN_OFF, RETURNED, APPROVED})

# who decides each level, and where approval leads
LEVEL_ROLE: dict[str, str] = {
    FIRST_REVIEW: roles.SUPERVISOR,
    SECOND_REVIEW: roles.ENGINEERING_MANAGER,
    SIGN_OFF: roles.GENERAL_MANAGER,
}
NEXT: dict[str, str] = {FIRST_REVIEW: SECOND_REVIEW, SECOND_REVIEW: SIGN_OFF, SIGN_OFF: APPROVED}
APPROVE = "approve"
RETURN = "return"
REJECT = "reject"
DECISIONS: tuple[str, ...] = (APPROVE, RETURN, REJECT)
SCOPES: tuple[str, ...] = ("walls", "floors", "electrical", "plumbing", "ceiling", "doors_windows")
WATERPROOFING_AREAS: tuple[str, ...] = ("bathroom", "kitchen", "balcony")
MAX_DEPOSIT_CENTS = 10_000_000  # 100,000 yuan

# evidence photo subjects of this feature
DRAWING_KIND = "renovation_drawing"  # drawings of the application
_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")

# --- small helpers -----------------------------------------------------------------------


def get(session: Session, actor: Actor, application_id: int) -> RenovationApplication:
    """An application of the actor's own community (another community's is as good as missing)."""
    app = session.get(RenovationApplication, application_id)
    if app is None or app.community_id != actor.community_id:
        raise DomainError("renovation.not_found")
    return app

def end_of_day(day: date) -> datetime:
    """The last second of a local day, in UTC (a pass or permit expires then)."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=clock.ZONE).astimezone(UTC)

def check_cents(value: int, field: str, *, most: int = MAX_DEPOSIT_CENTS) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= most:
        raise DomainError("renovation.bad_amount", field=field)
    return value

def in_hours(hours_start: str, hours_end: str, at: datetime) -> bool:
    """Whether a moment is inside daily construction hours ("HH:MM", local time; the end excluded)."""
    return hours_start <= clock.local(at).strftime("%H:%M") < hours_end

def areas(app: RenovationApplication) -> list[str]:
    """The waterproofing areas of an application, in canonical order."""
    held = set(filter(None, app.waterproofing_areas.split(",")))
    return [a for a in WATERPROOFING_AREAS if a in held]

def required_concealed(app: RenovationApplication) -> list[str]:
    """The concealed-works items (隐蔽工程) the scope needs inspected: walls → structure,
    plumbing → water, electrical → electrical."""
    return [item for flag, item in ((app.scope_walls, "structure"), (app.scope_plumbing, "water"),
                                    (app.scope_electrical, "electrical")) if flag]

def _refusal(err: DomainError, actor: Actor, app: RenovationApplication, action: str, level: str) -> DomainError:
    """Attach the audit entry of a refused decision (written even though the transaction rolls back)."""
    detail = f"{err.key} level={level} status={app.status} round={app.round}"
    # plain values now: the entry is written in a new session after this one rolled back
    actor_id, community_id, subject = actor.id, app.community_id, f"renovation:{app.id}"
    return err.keeping(lambda s: audit.record(
        s, action, actor_id=actor_id, community_id=community_id,
        subject=subject, outcome="refused", detail=detail,
    ))

def move(session: Session, app: RenovationApplication, expect: str, **values: object) -> None:
    """Apply `values` to the application if its status is still `expect` (and its round the one read).

    A conditional UPDATE: of two sessions that read the same status only the
    first applies; the other gets `renovation.changed`.
    """
    with session.no_autoflush:
        result = session.execute(
            update(RenovationApplication)
            .where(col(RenovationApplication.id) == app.id,
                   col(RenovationApplication.status) == expect,
                   col(RenovationApplication.round) == app.round)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise DomainError("renovation.changed")
    # the row already holds these values: set them on the object without marking it dirty
    for key, value in values.items():
        set_committed_value(app, key, value)

# --- photos: drawings, as-built drawings, the signed letter, worker photos ----------------------


def app_resolver(permission: str, on_added=None):
    def resolve(session: Session, actor: Actor, application_id: int) -> evidence.SubjectInfo:
        if not actor.can(permission):
            raise Refused("auth.no_permission")
        app = get(session, actor, application_id)
        if app.status in (REJECTED, CLOSED):
            raise DomainError("renovation.closed_for_changes")
        return evidence.SubjectInfo(
            community_id=app.community_id, place=app.household_label,
            on_added=(lambda s, photo: on_added(s, application_id, photo)) if on_added else None,
        )
    return resolve

CHECK_ITEMS: tuple[str, ...] = (
    "structure", "facade", "waterproofing", "illegal_additions", "fire_safety",
    "hot_work", "hours", "noise", "waste",
)
DEFAULT_DEADLINE_DAYS = 3
MAX_DEADLINE_DAYS = 30
OPEN = "open"
RECTIFIED = "rectified"
FAILED = "failed"
CONCEALED = "concealed"
WATERPROOFING = "waterproofing"
FINISHING = "finishing"
STAGES: tuple[str, ...] = (CONCEALED, WATERPROOFING, FINISHING)
CONCEALED_ITEMS: tuple[str, ...] = ("structure", "water", "heating", "electrical")
DECLARED = "declared"
PASSED = "passed"
GATE_FAILED = "failed"
MAX_HOT_WORK_DAYS = 7
CHECK_PHOTO_KIND = "renovation_check"
VIOLATION_TARGET = 0.002  # fewer than two in a thousand households
RECTIFICATION_TARGET = 1.0

def _under_way(session: Session, actor: Actor, application_id: int) -> RenovationApplication:
    app = get(session, actor, application_id)
    if app.status != APPROVED:
        raise DomainError("renovation.not_under_way")
    return app

def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)
