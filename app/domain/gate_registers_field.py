"""The gate's registers as the phone's outbox sends them: goods in and out, visitors in and out.

The guard's phone writes every register tap (goods registered, visitor registered, visitor
left) to its own store first, with a client id and the phone's time of the tap, and sends the
queue in order when it has a connection (assets/js/field_registers.js through
`POST /api/gate/registers/sync`). Each action is applied here through the registers' own rules
(`gate.register_goods`, `gate.register_visitor`, `gate.visitor_left`): a retried action (same
client id) is applied once; a refused one (a household that does not exist, a visitor the
server never registered) is answered with its reason and the rest of the queue still goes through.

Honest time, as for the patrol walk (`app.domain.patrols.field.PhoneClock`): the server's receipt
time stays the record (`at`, `arrived_at`, `left_at`); the phone's time of the tap is kept beside
it (`phone_at`, `left_phone_at`) with an offline mark and a clock-off mark.

Goods out by permit made offline: the guard judged by the permit list the phone kept (`snapshot`);
if the server finds no renovation under way at sync, the goods are gone already, so the record is
kept and flagged for the supervisor (`permit_disputed`, audited), not refused. Made online, the
server's word stands (refused with `gate.no_permit`).

The snapshot the phone keeps holds only what the guard needs: the community's renovations under
way (household label, permit number, owner, until), today's goods and the visitors inside. Never
the resident list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from app.db.models import Building, Entrance, GoodsPass, Household, RenovationApplication, Visitor
from app.domain import gate, households, renovations
from app.domain.auth import Actor
from app.domain.errors import DomainError
from app.domain.patrols.field import PhoneClock
from app.domain.validation import client_id as check_client_id

GOODS, VISITOR, VISITOR_LEFT = "goods", "visitor", "visitor_left"
KINDS = (GOODS, VISITOR, VISITOR_LEFT)
ACTION_OF = {GOODS: "gate.goods", VISITOR: "gate.visitor", VISITOR_LEFT: "gate.visitor"}


@dataclass(frozen=True)
class PermitEntry:
    """A renovation under way as the phone matches a typed household against it offline."""

    household_id: int
    building: int  # "3栋" -> 3
    entrance: int
    room: str
    label: str  # "3栋 1单元 502"
    permit_no: str
    owner: str
    until: date


@dataclass(frozen=True)
class GoodsEntry:
    id: int
    client_id: str
    at: datetime
    phone_at: datetime | None
    direction: str
    items: str
    household: str
    carrier_name: str
    carrier_phone: str
    confirmed_by: str
    confirmed_name: str
    gate: str
    photo_id: int | None
    offline: bool
    clock_off: bool
    permit_disputed: bool


@dataclass(frozen=True)
class VisitorEntry:
    id: int
    client_id: str
    name: str
    phone: str
    purpose: str
    household: str
    gate: str
    arrived_at: datetime
    phone_at: datetime | None
    offline: bool
    clock_off: bool


@dataclass(frozen=True)
class Applied:
    """What became of one queued action."""

    client_id: str
    kind: str
    record_id: int  # the goods or visitor row
    permit_disputed: bool = False


def permits(session: Session, actor: Actor) -> list[PermitEntry]:
    """The community's renovations under way with their permits (what goods may go out by)."""
    community_id = actor.community_for("gate.goods")
    rows = session.exec(
        select(RenovationApplication, Household.room, Building.name, Entrance.number)
        .join(Household, col(Household.id) == col(RenovationApplication.household_id))
        .join(Building, col(Building.id) == col(Household.building_id))
        .join(Entrance, col(Entrance.id) == col(Household.entrance_id))
        .where(RenovationApplication.community_id == community_id,
               RenovationApplication.status == renovations.APPROVED)
        .order_by(col(RenovationApplication.id))
    ).all()
    out = []
    for app, room, building, entrance in rows:
        number = building.removesuffix("栋")
        if not number.isdigit():
            continue  # a building the typed form cannot name
        out.append(PermitEntry(
            household_id=app.household_id, building=int(number), entrance=entrance, room=room,
            label=f"{building} {entrance}单元 {room}", permit_no=app.permit_no, owner=app.owner_name,
            until=app.planned_end,
        ))
    return out


def goods_today(session: Session, actor: Actor, *, limit: int = 30) -> list[GoodsEntry]:
    """Today's goods (newest first) with the phone's marks, for the phone's list."""
    rows = gate.goods_today(session, actor, limit=limit)
    extra = {
        g.id: g for g in session.exec(select(GoodsPass).where(col(GoodsPass.id).in_([r.id for r in rows])))
    } if rows else {}
    out = []
    for r in rows:
        g = extra[r.id]
        out.append(GoodsEntry(
            id=r.id, client_id=g.client_id or "", at=r.at, phone_at=g.phone_at, direction=r.direction,
            items=r.items, household=r.household, carrier_name=r.carrier_name, carrier_phone=r.carrier_phone,
            confirmed_by=r.confirmed_by, confirmed_name=r.confirmed_name, gate=r.gate, photo_id=r.photo_id,
            offline=g.offline, clock_off=g.clock_off, permit_disputed=g.permit_disputed,
        ))
    return out


def visitors_inside(session: Session, actor: Actor, *, limit: int = 50) -> list[VisitorEntry]:
    rows = gate.visitors_inside(session, actor, limit=limit)
    names = households.labels(session, {v.household_id for v in rows if v.household_id is not None})
    return [
        VisitorEntry(id=v.id or 0, client_id=v.client_id or "", name=v.name, phone=v.phone, purpose=v.purpose,
                     household=names.get(v.household_id, "") if v.household_id is not None else "", gate=v.gate,
                     arrived_at=v.arrived_at, phone_at=v.phone_at, offline=v.offline,
                     clock_off=v.clock_off)
        for v in rows
    ]


# ---- applying queued actions ------------------------------------------------------------------


def _text(action: dict, key: str, max_len: int = 400) -> str:
    value = action.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise DomainError("form.invalid")
    if len(value) > max_len:
        raise DomainError("form.too_long", field=key, max=max_len)
    return value


def _goods(session: Session, actor: Actor, action: dict, pc: PhoneClock, cid: str) -> Applied:
    actor.community_for("gate.goods")
    phone_at = pc.phone_at(action.get("at"))
    again = session.exec(select(GoodsPass).where(GoodsPass.client_id == cid)).first()
    if again is not None:
        return Applied(cid, GOODS, again.id or 0, again.permit_disputed)
    offline = pc.made_offline(phone_at, action.get("offline"))
    direction = _text(action, "direction", 4)
    confirmed_by = _text(action, "confirmed_by", 8) if direction == gate.OUT else ""
    home = households.find(session, actor.community_id or 0, _text(action, "household", 40))
    goods = gate.register_goods(
        session, actor, household_id=home.id or 0, items=_text(action, "items"), direction=direction,
        carrier_name=_text(action, "carrier_name", 60), carrier_phone=_text(action, "carrier_phone", 30),
        confirmed_by=confirmed_by, confirmed_name=_text(action, "confirmed_name", 60),
        gate=_text(action, "gate", 40), client_id=cid,
        # let out offline by the permit the phone's list showed: recorded (and flagged if the server disagrees)
        permit_seen=offline and confirmed_by == gate.BY_PERMIT and bool(_text(action, "permit_no", 20)),
    )
    goods.phone_at, goods.offline, goods.clock_off = phone_at, offline, pc.off
    session.add(goods)
    session.flush()
    return Applied(cid, GOODS, goods.id or 0, goods.permit_disputed)


def _visitor(session: Session, actor: Actor, action: dict, pc: PhoneClock, cid: str) -> Applied:
    community_id = actor.community_for("gate.visitor")
    phone_at = pc.phone_at(action.get("at"))
    again = session.exec(select(Visitor).where(Visitor.client_id == cid)).first()
    if again is not None:
        return Applied(cid, VISITOR, again.id or 0)
    text = _text(action, "household", 40).strip()
    home = households.find(session, community_id, text) if text else None
    visitor = gate.register_visitor(
        session, actor, name=_text(action, "name", 60), phone=_text(action, "phone", 30),
        purpose=_text(action, "purpose", 200), household_id=home.id if home else None,
        gate=_text(action, "gate", 40), client_id=cid,
    )
    visitor.phone_at = phone_at
    visitor.offline = pc.made_offline(phone_at, action.get("offline"))
    visitor.clock_off = pc.off
    session.add(visitor)
    session.flush()
    return Applied(cid, VISITOR, visitor.id or 0)


def _visitor_of(session: Session, actor: Actor, action: dict) -> Visitor:
    """The visitor a "left" tap is for: by the server's id, or by the client id of its registration."""
    community_id = actor.community_for("gate.visitor")
    vid = action.get("visitor_id")
    visitor = None
    if isinstance(vid, int) and not isinstance(vid, bool) and vid > 0:
        visitor = session.get(Visitor, vid)
    else:
        raw = action.get("visitor_cid")
        ref = check_client_id(raw) if isinstance(raw, str) and raw else None
        visitor = session.exec(select(Visitor).where(Visitor.client_id == ref)).first() if ref else None
    if visitor is None or visitor.community_id != community_id:
        raise DomainError("gate.visitor_not_found")
    return visitor


def _visitor_left(session: Session, actor: Actor, action: dict, pc: PhoneClock, cid: str) -> Applied:
    phone_at = pc.phone_at(action.get("at"))
    visitor = _visitor_of(session, actor, action)
    first = visitor.left_at is None
    visitor = gate.visitor_left(session, actor, visitor.id or 0)
    if first:  # recorded now, by this tap
        visitor.left_phone_at = phone_at
        visitor.offline = visitor.offline or pc.made_offline(phone_at, action.get("offline"))
        visitor.clock_off = visitor.clock_off or pc.off
        session.add(visitor)
        session.flush()
    return Applied(cid, VISITOR_LEFT, visitor.id or 0)


def action_of(action: object) -> str:
    """The role action a queued entry needs ("gate.goods" / "gate.visitor"); DomainError if unknown."""
    kind = action.get("kind") if isinstance(action, dict) else None
    if kind not in ACTION_OF:
        raise DomainError("form.invalid")
    return ACTION_OF[str(kind)]


def apply(session: Session, actor: Actor, action: object, pc: PhoneClock) -> Applied:
    """Apply one queued register action; a broken rule raises DomainError.

    The caller runs each action in its own transaction, so a refusal rolls back only that action
    and the queue goes on."""
    if not isinstance(action, dict):
        raise DomainError("form.invalid")
    raw = action.get("cid")
    if not isinstance(raw, str) or not raw:
        raise DomainError("form.invalid")
    cid = check_client_id(raw)
    kind = action.get("kind")
    if kind == GOODS:
        return _goods(session, actor, action, pc, cid)
    if kind == VISITOR:
        return _visitor(session, actor, action, pc, cid)
    if kind == VISITOR_LEFT:
        return _visitor_left(session, actor, action, pc, cid)
    raise DomainError("form.invalid")
