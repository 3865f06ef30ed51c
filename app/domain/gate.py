"""The gate (门岗): worker passes scanned to a verdict, goods in and out, visitors.

`verify_pass` turns the text a guard's scanner read (or the guard typed) into
a verdict with one query by primary keys (the pass joined to its worker and
renovation): the token is checked first
(`app.domain.tokens`: readable, signed by us, a pass, not expired), then the
community, the pass row (revoked? the version on the card still the current
one?), its dates, then the works' own rule `renovation_checks.work_allowed`
(the one the permit and the site screens use): daily hours, the hold (an
inspection pending holds every trade; while the waterproofing stage waits
for its confirmation only waterproofers go in) and, for hot work, the day's
permission. The worker's name, trade, household and photo come with it, so
the guard can compare faces. Every scan is logged as a `GateScan` (guard,
gate, time, verdict, hash prefix of the text, never the text); a refusal is
also audited (`tokens.log_refusal` for token refusals, `gate.refused` for the
rest). Refusals are verdicts, not errors: the transaction commits.

The guard's text (a QR's, or a short code typed) is read by `app.domain.gate_reading`; a permit
shown instead of a pass gets its status (`permit_*`), never "forged".

Goods moving out need the permit's or the owner's confirmation; visitors are
registered in and out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, exists
from sqlmodel import Session, col, select

from app.db.models import (
    GateScan,
    GoodsPass,
    Household,
    RenovationApplication,
    RenovationWorker,
    StageGate,
    Visitor,
    WorkerPass,
)
from app.domain import (
    audit,
    clock,
    evidence,
    renovation_checks,
    renovations,
    tokens,
)
from app.domain.auth import Actor
from app.domain.errors import DomainError, Refused

# the verdicts and the reading of the guard's text live in gate_reading; all its names stay here for callers
from app.domain.gate_reading import *  # noqa: F403,E402
from app.domain.gate_reading import (  # noqa: E402
    AWAITING_INSPECTION,
    BAD_CODE,
    EXPIRED,
    HOT_WORK_NOT_PERMITTED,
    NOT_YET_VALID,
    ON_HOLD,
    OTHER_COMMUNITY,
    OUTSIDE_HOURS,
    PERMIT_VERDICTS,
    QR,
    REVOKED,
    UNKNOWN_OR_FORGED,
    VALID,
    judge_permit,
    qr_text,
    typed_code,
)
from app.domain.validation import clean_text, normalize_phone
from app.domain.validation import client_id as check_client_id

IN = "in"
OUT = "out"
BY_PERMIT = "permit"
BY_OWNER = "owner"
GOODS_PHOTO_KIND = "goods_pass"


@dataclass(frozen=True)
class Verdict:
    """What the guard sees: the verdict (message key `gate.verdict.<verdict>`) and who it is."""

    verdict: str
    scan_id: int
    at: datetime
    pass_id: int | None = None
    worker_name: str = ""
    trade: str = ""
    household: str = ""
    # EvidencePhoto id of the worker's photo (the screen makes a signed link to it)
    photo_id: int | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    hours: str = ""  # "08:00-18:00"
    method: str = QR  # "qr" or "typed" (a short code)
    # a permit shown instead of a pass: its number and renovation (valid_* are its planned dates)
    permit_no: str = ""
    application_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.verdict == VALID

    @property
    def is_permit(self) -> bool:
        return self.verdict in PERMIT_VERDICTS

    @property
    def message_key(self) -> str:
        return f"gate.verdict.{self.verdict}"



@dataclass(frozen=True)
class _Row:
    """What one scan needs of a pass, its worker and its renovation (one query by primary keys)."""

    pass_id: int
    community_id: int
    application_id: int
    version: int
    valid_from: date
    valid_until: date
    revoked: bool
    worker_name: str
    trade: str
    photo_id: int | None
    status: str
    household: str
    hours_start: str
    hours_end: str
    stage: str
    waterproofing_areas: str
    inspection_pending: bool

    def site(self) -> renovation_checks.Site:
        return renovation_checks.Site(
            application_id=self.application_id, status=self.status, stage=self.stage,
            hours_start=self.hours_start, hours_end=self.hours_end,
            waterproofing_areas=self.waterproofing_areas, inspection_pending=self.inspection_pending)


# the works' answer (renovation_checks.work_allowed) as the guard's verdict
_WORK_VERDICT = {
    renovation_checks.NOT_UNDER_WAY: REVOKED,
    renovation_checks.OUTSIDE_HOURS: OUTSIDE_HOURS,
    renovation_checks.HOLD_INSPECTION: AWAITING_INSPECTION,
    renovation_checks.HOLD_WATERPROOFING: ON_HOLD,
    renovation_checks.HOT_WORK_NOT_PERMITTED: HOT_WORK_NOT_PERMITTED,
}

# built once: the scan path pays no statement construction (parameters are bound per call)
_ROW = (
    select(
        WorkerPass.id, WorkerPass.community_id, WorkerPass.application_id, WorkerPass.version,
        WorkerPass.valid_from, WorkerPass.valid_until, col(WorkerPass.revoked_at).is_not(None),
        RenovationWorker.name, RenovationWorker.trade, RenovationWorker.photo_id,
        RenovationApplication.status, RenovationApplication.household_label,
        RenovationApplication.hours_start, RenovationApplication.hours_end,
        RenovationApplication.stage, RenovationApplication.waterproofing_areas,
        # an inspection pending holds every trade: the same query answers it (an index search)
        exists().where(col(StageGate.application_id) == col(WorkerPass.application_id),
                       col(StageGate.status) == renovation_checks.DECLARED),
    )
    .join(RenovationWorker, col(RenovationWorker.id) == col(WorkerPass.worker_id))
    .join(RenovationApplication, col(RenovationApplication.id) == col(WorkerPass.application_id))
    .where(col(WorkerPass.id) == bindparam("pass_id"))
)
_SCAN = GateScan.__table__.insert()  # type: ignore[attr-defined]


def _row(session: Session, pass_id: int) -> _Row | None:
    found = session.connection().execute(_ROW, {"pass_id": pass_id}).first()
    return _Row(*found) if found is not None else None


def _judge(
    session: Session, community_id: int, claims: tokens.Claims, now: datetime, hot_work: bool
) -> tuple[str, _Row | None, tokens.TokenError | None]:
    """(verdict, what was found, token error) of an authentic, unexpired pass token."""
    if claims.community_id != community_id:
        return OTHER_COMMUNITY, None, None
    row = _row(session, claims.subject_id)
    if row is None:
        return UNKNOWN_OR_FORGED, None, None
    if row.community_id != community_id:
        return OTHER_COMMUNITY, None, None
    if row.revoked:
        return REVOKED, row, tokens.TokenError(tokens.REVOKED)
    try:
        tokens.check_version(claims, row.version)
    except tokens.TokenError as err:
        return REVOKED, row, err
    today = clock.local(now).date()
    if today < row.valid_from:
        return NOT_YET_VALID, row, None
    if today > row.valid_until:
        return EXPIRED, row, None
    work = renovation_checks.work_allowed(session, row.site(), row.trade, now, hot_work=hot_work)
    if not work.allowed:
        return _WORK_VERDICT[work.reason], row, None
    return VALID, row, None


def verify_pass(
    session: Session, guard_actor: Actor, scanned_text: str, *, gate: str = "", hot_work: bool = False,
    judged_at: datetime | None = None, log_extra: dict[str, object] | None = None,
) -> Verdict:
    """The verdict on a scanned or typed worker pass; every scan is logged, refusals audited.

    `hot_work`: the guard sees hot-work tools (a welder's trade implies it).
    One SELECT (the pass joined to its worker and renovation by primary keys)
    and one INSERT (the scan) for a valid pass; a typed short code costs one index search more.
    A permit's QR or code gives its status (`Verdict.is_permit`). A scan judged offline on the
    phone (`app.domain.gate_snapshot.record_offline`) is judged again here at
    the phone's time (`judged_at`) and logged at the receipt with `log_extra`
    (the offline columns of `GateScan`).
    """
    community_id = guard_actor.community_for("gate.scan")
    gate_name = clean_text(gate, field="gate", max_length=40, required=False)
    raw = scanned_text if isinstance(scanned_text, str) else ""
    logged_at = clock.now()
    now = judged_at if judged_at is not None else logged_at
    row: _Row | None = None
    app: RenovationApplication | None = None
    session.flush()  # what this session changed (a pass just revoked) counts: the queries below bypass the ORM
    given = typed_code(session, community_id, raw) or qr_text(raw, now)
    claims = given.claims
    if claims is None:
        verdict, token_error = given.verdict, given.error
    elif claims.kind == "permit":
        verdict, app, token_error = judge_permit(session, community_id, claims, now)
    else:
        verdict, row, token_error = _judge(session, community_id, claims, now, hot_work)
    fingerprint = tokens.fingerprint(raw)
    # a Core INSERT: the scan log is written on every scan and never read back in this session
    scan_id = session.connection().execute(_SCAN, {
        "community_id": community_id, "guard_id": guard_actor.id, "gate": gate_name, "at": logged_at,
        "verdict": verdict, "pass_id": row.pass_id if row is not None else None, "token_hash": fingerprint,
        "method": given.method,
        **(log_extra or {}),
    }).inserted_primary_key[0]
    if token_error is not None:
        tokens.log_refusal(session, error=token_error, kind=claims.kind if claims is not None else given.kind,
                           actor_id=guard_actor.id, community_id=community_id, raw=raw)
    elif verdict not in (VALID, BAD_CODE, *PERMIT_VERDICTS):  # a typo and a permit's status are no refusal
        audit.record(session, "gate.refused", actor_id=guard_actor.id, community_id=community_id,
                     subject=f"pass:{row.pass_id}" if row is not None else "pass", outcome="refused",
                     detail=f"{verdict} {fingerprint}")
    if app is not None:
        return Verdict(
            verdict=verdict, scan_id=scan_id, at=now, household=app.household_label,
            valid_from=app.planned_start, valid_until=app.planned_end,
            hours=f"{app.hours_start}-{app.hours_end}", method=given.method, permit_no=app.permit_no,
            application_id=app.id,
        )
    if row is None:
        return Verdict(verdict=verdict, scan_id=scan_id, at=now, method=given.method)
    return Verdict(
        verdict=verdict, scan_id=scan_id, at=now, pass_id=row.pass_id, worker_name=row.worker_name,
        trade=row.trade, household=row.household, photo_id=row.photo_id,
        valid_from=row.valid_from, valid_until=row.valid_until, hours=f"{row.hours_start}-{row.hours_end}",
        method=given.method,
    )


@dataclass(frozen=True)
class ScanRow:
    id: int
    at: datetime
    gate: str
    verdict: str
    pass_id: int | None


def recent_scans(session: Session, actor: Actor, *, limit: int = 20) -> list[ScanRow]:
    """The community's latest scans, newest first (the guard's list, the supervisor's log)."""
    if actor.community_id is None:
        raise Refused("auth.no_permission")
    rows = session.exec(
        select(GateScan).where(GateScan.community_id == actor.community_id)
        .order_by(col(GateScan.at).desc(), col(GateScan.id).desc()).limit(limit)
    )
    return [ScanRow(id=s.id or 0, at=s.at, gate=s.gate, verdict=s.verdict, pass_id=s.pass_id) for s in rows]


# --- goods in and out -------------------------------------------------------------------


def _under_way_of(session: Session, community_id: int, household_id: int) -> RenovationApplication | None:
    return session.exec(
        select(RenovationApplication).where(
            RenovationApplication.community_id == community_id,
            RenovationApplication.household_id == household_id,
            RenovationApplication.status == renovations.APPROVED,
        )
    ).first()


def register_goods(
    session: Session,
    actor: Actor,
    *,
    household_id: int,
    items: str,
    direction: str,
    carrier_name: str,
    carrier_phone: str = "",
    confirmed_by: str = "",
    confirmed_name: str = "",
    gate: str = "",
    client_id: str | None = None,
    permit_seen: bool = False,
) -> GoodsPass:
    """Register goods through the gate. Out needs confirmation: the household's permit (a
    renovation under way) or the owner (named, e.g. reached by phone).

    `permit_seen`: the guard let the goods out offline by the permit the phone's snapshot showed
    (`app.domain.gate_registers_field`); if the server finds no renovation under way now, the goods
    are gone already: they are recorded, flagged `permit_disputed` for the supervisor, not refused."""
    community_id = actor.community_for("gate.goods")
    cid = check_client_id(client_id) if client_id else None
    if cid is not None:
        again = session.exec(select(GoodsPass).where(GoodsPass.client_id == cid)).first()
        if again is not None:
            return again
    home = session.get(Household, household_id)
    if home is None or home.community_id != community_id:
        raise DomainError("household.not_found")
    if direction not in (IN, OUT):
        raise DomainError("form.invalid")
    app = _under_way_of(session, community_id, household_id)
    name = ""
    disputed = False
    if direction == OUT:
        if confirmed_by == BY_PERMIT:
            if app is None and not permit_seen:
                raise DomainError("gate.no_permit")
            disputed = app is None
        elif confirmed_by == BY_OWNER:
            name = clean_text(confirmed_name, field="confirmed_name", max_length=40)
        else:
            raise DomainError("gate.goods_need_confirmation")
    elif confirmed_by:
        raise DomainError("form.invalid")
    phone = carrier_phone.strip()
    goods = GoodsPass(
        community_id=community_id, household_id=household_id, application_id=app.id if app else None,
        items=clean_text(items, field="items", max_length=300), direction=direction,
        confirmed_by=confirmed_by if direction == OUT else "", confirmed_name=name,
        carrier_name=clean_text(carrier_name, field="name", max_length=40),
        carrier_phone=normalize_phone(phone) if phone else "",
        guard_id=actor.id, gate=clean_text(gate, field="gate", max_length=40, required=False),
        at=clock.now(), client_id=cid, permit_disputed=disputed,
    )
    session.add(goods)
    session.flush()
    audit.record(session, "gate.goods", actor_id=actor.id, community_id=community_id,
                 subject=f"goods:{goods.id}",
                 after={"household": household_id, "direction": direction, "confirmed_by": goods.confirmed_by})
    if disputed:
        audit.record(session, "gate.goods_permit_disputed", actor_id=actor.id, community_id=community_id,
                     subject=f"goods:{goods.id}", after={"household": household_id})
    return goods


def _goods_resolver(session: Session, actor: Actor, goods_id: int) -> evidence.SubjectInfo:
    community_id = actor.community_for("gate.goods")
    goods = session.get(GoodsPass, goods_id)
    if goods is None or goods.community_id != community_id:
        raise DomainError("gate.goods_not_found")

    def added(s: Session, photo) -> None:
        if goods.photo_id is None:
            goods.photo_id = photo.id
            s.add(goods)

    return evidence.SubjectInfo(community_id=community_id, place=goods.gate, on_added=added)


@dataclass(frozen=True)
class PermitInfo:
    """The permit of a household's renovation under way: what a guard needs to let goods out by it."""

    application_id: int
    permit_no: str
    owner_name: str
    household: str
    planned_end: date


def permit_for(session: Session, actor: Actor, household_id: int) -> PermitInfo | None:
    """The household's renovation under way (its permit confirms goods going out), or None."""
    community_id = actor.community_for("gate.goods")
    app = _under_way_of(session, community_id, household_id)
    if app is None or app.id is None:
        return None
    return PermitInfo(application_id=app.id, permit_no=app.permit_no, owner_name=app.owner_name,
                      household=app.household_label, planned_end=app.planned_end)


@dataclass(frozen=True)
class GoodsRow:
    """One goods record as the gate's list shows it."""

    id: int
    at: datetime
    direction: str
    items: str
    household: str
    carrier_name: str
    carrier_phone: str
    confirmed_by: str
    confirmed_name: str
    gate: str
    photo_id: int | None


def goods_today(session: Session, actor: Actor, *, limit: int = 30) -> list[GoodsRow]:
    """Goods registered at the community's gates since local midnight, newest first."""
    from app.domain.households import labels

    community_id = actor.community_for("gate.goods")
    since = clock.midnight(clock.today())
    rows = list(session.exec(
        select(GoodsPass).where(GoodsPass.community_id == community_id, col(GoodsPass.at) >= since)
        .order_by(col(GoodsPass.at).desc(), col(GoodsPass.id).desc()).limit(limit)
    ))
    names = labels(session, {g.household_id for g in rows})
    return [
        GoodsRow(id=g.id or 0, at=g.at, direction=g.direction, items=g.items,
                 household=names.get(g.household_id, ""), carrier_name=g.carrier_name,
                 carrier_phone=g.carrier_phone, confirmed_by=g.confirmed_by, confirmed_name=g.confirmed_name,
                 gate=g.gate, photo_id=g.photo_id)
        for g in rows
    ]


# --- visitors -----------------------------------------------------------------------------


def register_visitor(
    session: Session,
    actor: Actor,
    *,
    name: str,
    phone: str = "",
    purpose: str = "",
    household_id: int | None = None,
    gate: str = "",
    client_id: str | None = None,
) -> Visitor:
    """Register an outsider coming in (to a household, or to the management office)."""
    community_id = actor.community_for("gate.visitor")
    cid = check_client_id(client_id) if client_id else None
    if cid is not None:
        again = session.exec(select(Visitor).where(Visitor.client_id == cid)).first()
        if again is not None:
            return again
    if household_id is not None:
        home = session.get(Household, household_id)
        if home is None or home.community_id != community_id:
            raise DomainError("household.not_found")
    number = phone.strip()
    visitor = Visitor(
        community_id=community_id, household_id=household_id,
        name=clean_text(name, field="name", max_length=40),
        phone=normalize_phone(number) if number else "",
        purpose=clean_text(purpose, field="purpose", max_length=120, required=False),
        guard_id=actor.id, gate=clean_text(gate, field="gate", max_length=40, required=False),
        arrived_at=clock.now(), client_id=cid,
    )
    session.add(visitor)
    session.flush()
    audit.record(session, "gate.visitor", actor_id=actor.id, community_id=community_id,
                 subject=f"visitor:{visitor.id}", after={"household": household_id})
    return visitor


def visitor_left(session: Session, actor: Actor, visitor_id: int) -> Visitor:
    """Record that a visitor went out (once)."""
    community_id = actor.community_for("gate.visitor")
    visitor = session.get(Visitor, visitor_id)
    if visitor is None or visitor.community_id != community_id:
        raise DomainError("gate.visitor_not_found")
    if visitor.left_at is None:
        visitor.left_at = clock.now()
        session.add(visitor)
        session.flush()
        audit.record(session, "gate.visitor_left", actor_id=actor.id, community_id=community_id,
                     subject=f"visitor:{visitor.id}")
    return visitor


def visitors_inside(session: Session, actor: Actor, *, limit: int = 50) -> list[Visitor]:
    """Visitors registered in and not yet out, newest first."""
    community_id = actor.community_for("gate.visitor")
    return list(session.exec(
        select(Visitor).where(Visitor.community_id == community_id, col(Visitor.left_at).is_(None))
        .order_by(col(Visitor.arrived_at).desc()).limit(limit)
    ))


evidence.register_subject(GOODS_PHOTO_KIND, _goods_resolver)
