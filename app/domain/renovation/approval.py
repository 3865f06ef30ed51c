"""The three-level approval of a renovation application (二次装修), up to the permit.

An application (`RenovationApplication`) is registered by the desk for a
household and goes through three levels, strictly in order:

    first_review (supervisor, 客服主管 as the customer-service manager)
      → second_review (engineering manager) → sign_off (general manager)

Each level may approve, return with reasons (back to the applicant; the
resubmission starts a new round at first review) or reject. The level a
decision is for is named by the caller (what the screen showed); a decision
for another level than the one the application waits for, or by someone
without that level's role, is refused and audited. The status moves by a
conditional UPDATE on the status and round it was read with, and a decision
row is unique per (application, level, round): two clicks or two managers at
once cannot decide a level twice nor skip one, on SQLite and PostgreSQL.

One person decides at most one level of an application (in any round), whatever roles they
hold. Sign-off issues the permit (number and a version signed into its QR) and a pass for
every worker (`passes.issue_all`). Functions flush, never commit.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.db.models import (
    RenovationApplication,
    RenovationApproval,
)
from app.domain import audit, clock
from app.domain.auth import Actor
from app.domain.errors import DomainError, Refused
from app.domain.renovation import alerting
from app.domain.renovation import passes as renovation_passes
from app.domain.renovation.common import (
    APPROVE,
    APPROVED,
    DECISIONS,
    LEVEL_ROLE,
    LEVELS,
    NEXT,
    REJECTED,
    RETURN,
    RETURNED,
    _refusal,
    get,
    move,
)
from app.domain.validation import clean_text


def waiting_level(app: RenovationApplication) -> str | None:
    """The approval level the application waits for, or None."""
    return app.status if app.status in LEVELS else None

def decide(
    session: Session,
    actor: Actor,
    application_id: int,
    *,
    level: str,
    decision: str,
    reasons: str = "",
) -> RenovationApplication:
    """One level's decision: approve (on to the next level; sign-off issues the permit and passes),
    return with reasons (back to the applicant) or reject (with reasons).

    `level` is the level the screen showed. Refused, and audited: a level the
    application is not waiting for (out of order, skipped or already passed)
    an actor without that level's role, and one who decided another level of this application
    (separation of duties: three levels, three people). A repeated click gets
    `renovation.already_decided`; a decision that lost a race `renovation.changed`.
    """
    if level not in LEVELS or decision not in DECISIONS:
        raise DomainError("form.invalid")
    app = get(session, actor, application_id)
    done = session.exec(
        select(RenovationApproval.id).where(
            RenovationApproval.application_id == app.id,
            RenovationApproval.level == level,
            RenovationApproval.round == app.round,
        )
    ).first()
    if done is not None:
        raise DomainError("renovation.already_decided")
    if app.status != level:
        raise _refusal(DomainError("renovation.out_of_order", level=level, status=app.status),
                       actor, app, "renovation.out_of_order", level)
    if LEVEL_ROLE[level] not in actor.roles:
        raise _refusal(Refused("renovation.wrong_role", level=level),
                       actor, app, "renovation.wrong_role", level)
    # separation of duties: one person decides at most one level of an application (in any round),
    # whatever roles they hold
    other = session.exec(
        select(RenovationApproval.level).where(
            RenovationApproval.application_id == app.id,
            RenovationApproval.by_id == actor.id,
            RenovationApproval.level != level,
        )
    ).first()
    if other is not None:
        raise _refusal(Refused("renovation.decided_other_level", level=other),
                       actor, app, "renovation.decided_other_level", level)
    text = clean_text(reasons, field="reasons", max_length=500, required=decision != APPROVE)
    now = clock.now()
    status = NEXT[level] if decision == APPROVE else (RETURNED if decision == RETURN else REJECTED)
    values: dict[str, object] = {"status": status, "decided_at": now}
    if status == APPROVED:
        year = clock.local(now).year
        values.update(permit_no=f"ZX{year}{app.id:05d}", permit_version=1, permit_issued_at=now)
    move(session, app, level, **values)
    try:
        with session.begin_nested():
            session.add(RenovationApproval(application_id=app.id, level=level, round=app.round,
                                           decision=decision, reasons=text, by_id=actor.id, at=now))
    except IntegrityError:
        raise DomainError("renovation.already_decided") from None
    audit.record(session, f"renovation.{decision}", actor_id=actor.id, community_id=app.community_id,
                 subject=f"renovation:{app.id}", before={"status": level, "round": app.round},
                 after={"status": status, "reasons": text})
    # the level is done for all its holders; the next level's holders are told
    alerting.level_decided(session, app, actor_id=actor.id)
    if status == APPROVED:
        renovation_passes.permit_code(session, app)  # the short code printed on the permit
        renovation_passes.issue_all(session, actor, app)
    return app

def approvals(session: Session, application_id: int) -> list[RenovationApproval]:
    """The decisions on an application, oldest first (every round)."""
    return list(session.exec(
        select(RenovationApproval).where(RenovationApproval.application_id == application_id)
        .order_by(col(RenovationApproval.at), col(RenovationApproval.id))
    ))
