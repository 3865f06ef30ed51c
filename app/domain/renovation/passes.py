"""Workers, their passes and the documents of a signed-off renovation (二证一书 and the deposit).

Workers are registered with name, phone, trade and a photo (shown at the gate);
the ID number is kept masked only (110***********1234). At sign-off every
active worker gets a pass (`WorkerPass`: valid from the start of the works,
or today, to the planned end); a worker added later gets one at once. The
signed QR text of a pass (`pass_token`) carries its id, version, expiry (end
of its last day) and community; of the permit (`permit_token`) the same for
the application. Revoking a pass (worker left, violation, completion) takes
effect on the next scan; reissuing it (lost card, new dates) bumps the
version so the old card is refused. Each card and the permit also carry a
short code to type (`pass_code`, `permit_code`: app.domain.short_codes). The deposit (amount in fen, receipt
number) and the responsibility letter (signing day, photo of the signed
page) are recorded here too. Functions flush, never commit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.db.models import (
    RenovationApplication,
    RenovationWorker,
    WorkerPass,
)
from app.domain import audit, clock, evidence, short_codes, tokens
from app.domain.auth import Actor
from app.domain.errors import DomainError, Refused
from app.domain.renovation import common as renovations
from app.domain.validation import clean_text, normalize_phone
from app.domain.validation import client_id as check_client_id

TRADES: tuple[str, ...] = (
    "general", "mason", "carpenter", "electrician", "plumber", "painter", "tiler",
    "waterproofing", "welder",
)

# a worker of these trades does hot work: the gate wants a hot-work permission for the day
HOT_WORK_TRADES = frozenset({"welder"})

# while the waterproofing stage waits for its confirmation, only this trade goes in at the gate
WATERPROOFING_TRADE = "waterproofing"
LETTER_KIND = "renovation_letter"  # the signed page of the responsibility letter
WORKER_PHOTO_KIND = "renovation_worker"  # a worker's photo, shown at the gate
_ID_NUMBER = re.compile(r"\d{17}[\dX]|\d{15}")

def mask_id_number(raw: str) -> str:
    """110***********1234 from an ID number (18 or 15 characters); the full number is never kept."""
    text = (raw or "").strip().upper().replace(" ", "")
    if not text:
        return ""
    if not _ID_NUMBER.fullmatch(text):
        raise DomainError("renovation.bad_id_number")
    return text[:3] + "*" * (len(text) - 7) + text[-4:]

def active_workers(session: Session, application_id: int) -> list[RenovationWorker]:
    return list(session.exec(
        select(RenovationWorker)
        .where(RenovationWorker.application_id == application_id, col(RenovationWorker.active).is_(True))
        .order_by(col(RenovationWorker.id))
    ))

def add_worker(
    session: Session,
    actor: Actor,
    application_id: int,
    *,
    name: str,
    phone: str,
    trade: str,
    id_number: str = "",
    client_id: str | None = None,
) -> RenovationWorker:
    """Add a worker (ID number kept masked). Under a permit the worker's pass is issued at once."""
    cid = check_client_id(client_id) if client_id else None
    if cid is not None:
        again = session.exec(select(RenovationWorker).where(RenovationWorker.client_id == cid)).first()
        if again is not None:
            return again
    app = renovations.get(session, actor, application_id)
    if app.status not in renovations.OPEN_STATUSES:
        raise DomainError("renovation.closed_for_changes")
    if trade not in TRADES:
        raise DomainError("renovation.bad_trade")
    worker = RenovationWorker(
        community_id=app.community_id, application_id=app.id,
        name=clean_text(name, field="name", max_length=40),
        phone=normalize_phone(phone),
        trade=trade, id_number_masked=mask_id_number(id_number),
        added_by=actor.id, added_at=clock.now(), client_id=cid,
    )
    session.add(worker)
    session.flush()
    audit.record(session, "renovation.worker_add", actor_id=actor.id, community_id=app.community_id,
                 subject=f"renovation:{app.id}", after={"worker": worker.id, "trade": trade})
    if app.status == renovations.APPROVED:
        _issue(session, actor, app, worker)
    return worker

def _issue(session: Session, actor: Actor, app: RenovationApplication, worker: RenovationWorker) -> WorkerPass:
    valid_from = max(clock.today(), app.planned_start)
    if valid_from > app.planned_end:
        raise DomainError("renovation.planned_end_passed")
    p = WorkerPass(
        community_id=app.community_id, application_id=app.id, worker_id=worker.id,
        valid_from=valid_from, valid_until=app.planned_end,
        issued_by=actor.id, issued_at=clock.now(),
    )
    session.add(p)
    session.flush()
    pass_code(session, p)
    audit.record(session, "renovation.pass_issue", actor_id=actor.id, community_id=app.community_id,
                 subject=f"pass:{p.id}", after={"worker": worker.id, "until": p.valid_until})
    return p

def issue_all(session: Session, actor: Actor, app: RenovationApplication) -> list[WorkerPass]:
    """A pass for every active worker (at sign-off)."""
    return [_issue(session, actor, app, worker) for worker in active_workers(session, app.id or 0)]

def live_pass(session: Session, worker_id: int) -> WorkerPass | None:
    """The worker's pass that is not revoked, if any."""
    return session.exec(
        select(WorkerPass).where(WorkerPass.worker_id == worker_id, col(WorkerPass.revoked_at).is_(None))
        .order_by(col(WorkerPass.id).desc())
    ).first()

def reissue_pass(session: Session, actor: Actor, pass_id: int, *, valid_from: date | None = None,
                 valid_until: date | None = None) -> WorkerPass:
    """A new card for a pass (lost card, other dates): the version goes up, older cards are refused.

    The dates default to the pass's own and must lie within the permit's planned dates.
    """
    p = session.get(WorkerPass, pass_id)
    if p is None or p.community_id != actor.community_id:
        raise DomainError("renovation.pass_not_found")
    if p.revoked_at is not None:
        raise DomainError("renovation.pass_revoked")
    app = renovations.get(session, actor, p.application_id)
    if app.status != renovations.APPROVED:
        raise DomainError("renovation.not_under_way")
    since = valid_from or p.valid_from
    until = valid_until or p.valid_until
    if not app.planned_start <= since <= until <= app.planned_end:
        raise DomainError("renovation.bad_dates")
    before = {"version": p.version, "from": p.valid_from, "until": p.valid_until}
    p.version += 1
    p.valid_from, p.valid_until = since, until
    session.add(p)
    session.flush()
    pass_code(session, p)  # the new card's code; the old card's names the old version (superseded)
    audit.record(session, "renovation.pass_reissue", actor_id=actor.id, community_id=p.community_id,
                 subject=f"pass:{p.id}", before=before, after={"version": p.version, "from": since, "until": until})
    return p

def revoke_pass(session: Session, actor: Actor, pass_id: int, reason: str) -> WorkerPass:
    """Revoke a pass at once; the next scan of it is refused. Revoking twice changes nothing."""
    p = session.get(WorkerPass, pass_id)
    if p is None or p.community_id != actor.community_id:
        raise DomainError("renovation.pass_not_found")
    if p.revoked_at is None:
        p.revoked_at = clock.now()
        p.revoked_by = actor.id
        p.revoked_reason = clean_text(reason, field="reason", max_length=120)
        session.add(p)
        session.flush()
        audit.record(session, "renovation.pass_revoke", actor_id=actor.id, community_id=p.community_id,
                     subject=f"pass:{p.id}", after={"reason": p.revoked_reason})
    return p

def remove_worker(session: Session, actor: Actor, worker_id: int, reason: str = "worker_left") -> RenovationWorker:
    """A worker leaves the site: inactive, and the pass revoked."""
    worker = session.get(RenovationWorker, worker_id)
    if worker is None or worker.community_id != actor.community_id:
        raise DomainError("renovation.worker_not_found")
    if worker.active:
        worker.active = False
        worker.left_at = clock.now()
        session.add(worker)
        p = live_pass(session, worker_id)
        if p is not None:
            revoke_pass(session, actor, p.id, reason)
        audit.record(session, "renovation.worker_remove", actor_id=actor.id, community_id=worker.community_id,
                     subject=f"renovation:{worker.application_id}", after={"worker": worker.id})
    return worker

def revoke_all_passes(session: Session, actor: Actor, application_id: int, reason: str) -> int:
    """Revoke every live pass of a renovation (one UPDATE); how many were revoked."""
    result = session.execute(
        update(WorkerPass)
        .where(col(WorkerPass.application_id) == application_id, col(WorkerPass.revoked_at).is_(None))
        .values(revoked_at=clock.now(), revoked_by=actor.id, revoked_reason=reason)
        .execution_options(synchronize_session="fetch")
    )
    n = result.rowcount  # type: ignore[attr-defined]
    audit.record(session, "renovation.pass_revoke_all", actor_id=actor.id, community_id=actor.community_id,
                 subject=f"renovation:{application_id}", after={"revoked": n, "reason": reason})
    return n

@dataclass(frozen=True)
class PassView:
    """One worker and their pass as the desk and the printable card sheet show them."""

    worker_id: int
    name: str
    phone: str
    trade: str
    id_number_masked: str
    photo_id: int | None
    active: bool
    pass_id: int | None
    version: int
    valid_from: date | None
    valid_until: date | None
    revoked: bool
    revoked_reason: str
    token: str  # the signed QR text; "" without a live pass
    short_code: str = ""  # the code printed on the live card (grouped, K7QH-4MXP); "" without one

def workers_and_passes(session: Session, actor: Actor, application_id: int) -> list[PassView]:
    """Every worker of a renovation with their newest pass (and its QR text while it is live)."""
    app = renovations.get(session, actor, application_id)
    workers = session.exec(
        select(RenovationWorker).where(RenovationWorker.application_id == app.id).order_by(col(RenovationWorker.id))
    ).all()
    newest: dict[int, WorkerPass] = {}
    for p in session.exec(select(WorkerPass).where(WorkerPass.application_id == app.id)
                          .order_by(col(WorkerPass.id))):
        newest[p.worker_id] = p
    out = []
    for w in workers:
        p = newest.get(w.id or 0)
        live = p is not None and p.revoked_at is None
        out.append(PassView(
            worker_id=w.id or 0, name=w.name, phone=w.phone, trade=w.trade, id_number_masked=w.id_number_masked,
            photo_id=w.photo_id, active=w.active, pass_id=p.id if p else None, version=p.version if p else 0,
            valid_from=p.valid_from if p else None, valid_until=p.valid_until if p else None,
            revoked=p is not None and p.revoked_at is not None, revoked_reason=p.revoked_reason if p else "",
            token=pass_token(p) if live and p is not None else "",
            short_code=short_codes.group(pass_code(session, p)) if live and p is not None else "",
        ))
    return out

def pass_token(p: WorkerPass) -> str:
    """The signed QR text of a pass: id, version, expiry (end of its last day), community."""
    return tokens.sign("pass", p.id or 0, version=p.version, expires_at=renovations.end_of_day(p.valid_until),
                       community_id=p.community_id)

def pass_code(session: Session, p: WorkerPass) -> str:
    """The short code printed on this card of the pass (its version), issued the first time."""
    return short_codes.code_for(session, short_codes.PASS, p.id or 0, p.version, p.community_id)

def permit_code(session: Session, app: RenovationApplication) -> str:
    """The short code printed on the permit (its version), issued the first time; only once signed off."""
    if app.permit_version < 1:
        raise DomainError("renovation.no_permit")
    return short_codes.code_for(session, short_codes.PERMIT, app.id or 0, app.permit_version, app.community_id)

def permit_token(app: RenovationApplication) -> str:
    """The signed QR text of a permit (for the door); only once signed off."""
    if app.permit_version < 1:
        raise DomainError("renovation.no_permit")
    return tokens.sign("permit", app.id or 0, version=app.permit_version,
                       expires_at=renovations.end_of_day(app.planned_end), community_id=app.community_id)

# --- deposit and letter ------------------------------------------------------------------


def record_deposit(session: Session, actor: Actor, application_id: int, *, amount_cents: int,
                   receipt_no: str) -> RenovationApplication:
    """The deposit paid: amount (fen) and receipt number; recorded once."""
    app = renovations.get(session, actor, application_id)
    if app.status not in renovations.OPEN_STATUSES:
        raise DomainError("renovation.closed_for_changes")
    if app.deposit_paid_at is not None:
        raise DomainError("renovation.deposit_recorded")
    amount = renovations.check_cents(amount_cents, "deposit")
    if amount == 0:
        raise DomainError("renovation.bad_amount", field="deposit")
    app.deposit_cents = amount
    app.deposit_receipt_no = clean_text(receipt_no, field="receipt_no", max_length=40)
    app.deposit_paid_at = clock.now()
    session.add(app)
    session.flush()
    audit.record(session, "renovation.deposit", actor_id=actor.id, community_id=app.community_id,
                 subject=f"renovation:{app.id}",
                 after={"cents": amount, "receipt": app.deposit_receipt_no})
    return app

def record_letter(session: Session, actor: Actor, application_id: int, *, signed_on: date) -> RenovationApplication:
    """The responsibility letter signed on a day; a photo of the signed page must be attached first."""
    app = renovations.get(session, actor, application_id)
    if app.status not in renovations.OPEN_STATUSES:
        raise DomainError("renovation.closed_for_changes")
    if app.letter_photo_id is None:
        raise DomainError("renovation.letter_photo_needed")
    if not isinstance(signed_on, date) or signed_on > clock.today():
        raise DomainError("renovation.bad_dates")
    app.letter_signed_on = signed_on
    app.letter_recorded_by = actor.id
    session.add(app)
    session.flush()
    audit.record(session, "renovation.letter", actor_id=actor.id, community_id=app.community_id,
                 subject=f"renovation:{app.id}", after={"signed_on": signed_on, "photo": app.letter_photo_id})
    return app

# --- photos: the signed letter, worker photos ------------------------------------------


def _letter_added(session: Session, application_id: int, photo) -> None:
    app = session.get(RenovationApplication, application_id)
    if app is not None:
        app.letter_photo_id = photo.id
        session.add(app)

def _worker_resolver(session: Session, actor: Actor, worker_id: int) -> evidence.SubjectInfo:
    if not actor.can("renovation.documents"):
        raise Refused("auth.no_permission")
    worker = session.get(RenovationWorker, worker_id)
    if worker is None or worker.community_id != actor.community_id:
        raise DomainError("renovation.worker_not_found")
    app = renovations.get(session, actor, worker.application_id)

    def added(s: Session, photo) -> None:
        worker.photo_id = photo.id
        s.add(worker)

    return evidence.SubjectInfo(community_id=worker.community_id,
                                place=f"{app.household_label} {worker.name}", on_added=added)

evidence.register_subject(LETTER_KIND, renovations.app_resolver("renovation.documents", _letter_added))

evidence.register_subject(WORKER_PHOTO_KIND, _worker_resolver)
