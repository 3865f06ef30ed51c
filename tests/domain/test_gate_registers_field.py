"""The gate's registers as the phone's outbox sends them (app.domain.gate_registers_field): each client id
applied once, refusals with their reasons (the rest unaffected), the phone's time beside the server's, the
offline and clock-off marks, goods let out offline by the phone's permit list flagged when the server
disagrees, and the permit list the phone keeps."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from app.db.models import AuditEntry, GoodsPass, Visitor
from app.domain import clock, households, renovations
from app.domain import gate_registers_field as reg
from app.domain.errors import DomainError, Refused
from app.domain.patrols.field import phone_clock
from tests.domain import test_renovations as reno
from tests.domain.test_renovations import household, under_way

people = reno.people
tuesday = reno.tuesday


def _ms(at) -> int:
    return int(at.timestamp() * 1000)


def _typed(db, household_id: int) -> str:
    return households.label(db, household_id)  # "3栋 1单元 502" is typed form too


def _goods(db, home_text: str, cid: str, *, at_ms: int, offline: bool = True, **kw) -> dict:
    return {"cid": cid, "kind": "goods", "at": at_ms, "offline": offline, "household": home_text,
            "items": kw.pop("items", "旧地板 20 块"), "direction": kw.pop("direction", "out"),
            "confirmed_by": kw.pop("confirmed_by", "permit"), "carrier_name": "装修工人", "gate": "东门", **kw}


def test_goods_out_by_permit_queued_offline_is_applied_once_with_both_times(db, people, community_id, tuesday):
    app, _ = under_way(db, people, community_id)
    tapped = clock.now() - timedelta(minutes=20)  # registered in the car park, sent 20 minutes later
    pc = phone_clock(_ms(clock.now()))
    action = _goods(db, _typed(db, app.household_id), "g-once-1", at_ms=_ms(tapped), offline=False,
                    permit_no=app.permit_no)
    first = reg.apply(db, people.guard, action, pc)
    again = reg.apply(db, people.guard, dict(action), phone_clock(_ms(clock.now())))
    assert first.record_id == again.record_id and not first.permit_disputed
    rows = db.exec(select(GoodsPass).where(GoodsPass.client_id == "g-once-1")).all()
    assert len(rows) == 1
    g = rows[0]
    assert (g.direction, g.confirmed_by, g.application_id, g.gate) == ("out", "permit", app.id, "东门")
    assert g.at == clock.now() and g.phone_at == tapped  # the server's receipt time is the record
    assert g.offline is True, "reached the server 20 minutes after the tap: made offline"
    assert g.clock_off is False and g.permit_disputed is False


def test_goods_out_by_a_permit_the_server_no_longer_finds(db, people, community_id, tuesday):
    plain = household(db, community_id, 7)
    text = _typed(db, plain)
    now = _ms(clock.now())
    # made offline, by the permit the phone's list showed: the goods are gone, so recorded and flagged
    done = reg.apply(db, people.guard, _goods(db, text, "g-disputed", at_ms=now, permit_no="ZX0001"),
                     phone_clock(now))
    assert done.permit_disputed
    g = db.get(GoodsPass, done.record_id)
    assert g.permit_disputed and g.application_id is None and g.offline
    assert db.exec(select(AuditEntry).where(AuditEntry.action == "gate.goods_permit_disputed",
                                            AuditEntry.subject == f"goods:{g.id}")).first() is not None
    # made online: the server's word stands
    with pytest.raises(DomainError) as err:
        reg.apply(db, people.guard, _goods(db, text, "g-online", at_ms=now, offline=False, permit_no="ZX0001"),
                  phone_clock(now))
    assert err.value.key == "gate.no_permit"
    # offline but no permit shown on the phone: not a permit confirmation at all
    with pytest.raises(DomainError) as err:
        reg.apply(db, people.guard, _goods(db, text, "g-no-permit-shown", at_ms=now), phone_clock(now))
    assert err.value.key == "gate.no_permit"
    assert db.exec(select(GoodsPass).where(GoodsPass.client_id.in_(["g-online", "g-no-permit-shown"]))).all() == []


def test_refusals_carry_their_reason_and_write_nothing(db, people, community_id, tuesday):
    now = _ms(clock.now())
    pc = phone_clock(now)
    home = _typed(db, household(db, community_id, 3))
    cases = [
        (_goods(db, "99-9-9999", "g-r1", at_ms=now, direction="in", confirmed_by=""), "household.not_found"),
        (_goods(db, "not a room", "g-r2", at_ms=now, direction="in", confirmed_by=""), "household.unreadable"),
        (_goods(db, home, "g-r3", at_ms=now, confirmed_by=""), "gate.goods_need_confirmation"),
        (_goods(db, home, "g-r4", at_ms=now, confirmed_by="owner", confirmed_name=""), "form.required"),
        (_goods(db, home, "g-r5", at_ms=now, direction="in", confirmed_by="", items=""), "form.required"),
        ({"cid": "v-r6", "kind": "visitor", "at": now, "name": "", "gate": ""}, "form.required"),
        ({"cid": "v-r7", "kind": "visitor", "at": now, "name": "张三", "phone": "abc"}, "phone.invalid"),
        ({"cid": "l-r8", "kind": "visitor_left", "at": now, "visitor_cid": "v-never"}, "gate.visitor_not_found"),
        ({"cid": "x-r9", "kind": "party", "at": now}, "form.invalid"),
        ({"cid": "bad id!", "kind": "visitor", "at": now, "name": "张三"}, "form.invalid"),
        ({"cid": "v-r10", "kind": "visitor", "at": "noon", "name": "张三"}, "field.bad_time"),
        ({"cid": "g-r11", "kind": "goods", "at": now, "household": ["3-1-502"]}, "form.invalid"),
    ]
    for action, key in cases:
        with pytest.raises(DomainError) as err:
            reg.apply(db, people.guard, action, pc)
        assert err.value.key == key, action
    assert db.exec(select(GoodsPass)).all() == []
    assert db.exec(select(Visitor)).all() == []
    # a butler keeps no gate register
    with pytest.raises(Refused):
        reg.apply(db, people.butler, _goods(db, home, "g-butler", at_ms=now, direction="in", confirmed_by=""), pc)


def test_a_visitor_queued_and_marked_left_offline(db, people, community_id, tuesday):
    home_id = household(db, community_id, 2)
    came = clock.now() - timedelta(minutes=50)
    went = clock.now() - timedelta(minutes=5)
    pc = phone_clock(_ms(clock.now()))
    arrive = {"cid": "v-visit-1", "kind": "visitor", "at": _ms(came), "offline": True, "name": "访客甲",
              "phone": "135 0000 2222", "household": _typed(db, home_id), "purpose": "送快递", "gate": "东门"}
    done = reg.apply(db, people.desk, arrive, pc)
    # the leaving tap names the visitor by the client id made on the phone (never seen by the server before)
    left = {"cid": "l-visit-1", "kind": "visitor_left", "at": _ms(went), "offline": True, "visitor_cid": "v-visit-1"}
    assert reg.apply(db, people.guard, left, pc).record_id == done.record_id
    later = phone_clock(_ms(clock.now() + timedelta(minutes=3)), clock.now() + timedelta(minutes=3))
    assert reg.apply(db, people.guard, dict(left, at=_ms(went + timedelta(minutes=3))), later).record_id == done.record_id
    assert reg.apply(db, people.guard, arrive, later).record_id == done.record_id
    rows = db.exec(select(Visitor).where(Visitor.name == "访客甲")).all()
    assert len(rows) == 1
    v = rows[0]
    assert (v.household_id, v.phone, v.purpose, v.gate) == (home_id, "13500002222", "送快递", "东门")
    assert v.arrived_at == clock.now() and v.phone_at == came
    assert v.left_at == clock.now() and v.left_phone_at == went, "the first leaving tap stands"
    assert v.offline and not v.clock_off
    assert reg.visitors_inside(db, people.guard) == []


def test_a_phone_clock_off_by_more_than_the_margin_is_flagged(db, people, community_id, tuesday):
    phone_now = clock.now() - timedelta(minutes=45)  # the phone's clock is 45 minutes slow
    pc = phone_clock(_ms(phone_now))
    assert pc.off
    done = reg.apply(db, people.guard, {"cid": "v-skew", "kind": "visitor", "at": _ms(phone_now), "name": "访客乙"}, pc)
    v = db.get(Visitor, done.record_id)
    assert v.clock_off and v.phone_at == phone_now and v.arrived_at == clock.now()
    assert not v.offline, "sent at once, by the corrected clock"


def test_the_permit_list_the_phone_keeps(db, people, community_id, tuesday):
    app, _ = under_way(db, people, community_id)
    waiting = reno.new_application(db, people, community_id, 5)  # not signed off: no permit
    assert waiting.status != renovations.APPROVED
    rows = reg.permits(db, people.guard)
    assert [(p.household_id, p.permit_no, p.owner) for p in rows] == [(app.household_id, app.permit_no, "业主甲")]
    p = rows[0]
    assert p.label == households.label(db, app.household_id)
    assert households.find(db, community_id, f"{p.building}-{p.entrance}-{p.room}").id == app.household_id
    assert p.until == app.planned_end
    with pytest.raises(Refused):
        reg.permits(db, people.butler)
