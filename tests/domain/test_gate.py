"""The gate: pass verdicts (valid, expired, not yet valid, revoked, outside hours, hot work, forged,
truncated, other community), every scan logged and refusals audited, goods in/out, visitors."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlmodel import select

from app.db.models import AuditEntry, GateScan, RenovationWorker
from app.domain import (
    clock,
    gate,
    renovation_checks,
    renovation_completion,
    renovation_passes,
    renovations,
    tokens,
)
from app.domain.errors import DomainError, Refused
from tests.domain import test_renovations as reno
from tests.domain.test_renovations import (
    approve_all,
    attach_photo,
    new_application,
    pass_gates,
    under_way,
)

# the same people and frozen Tuesday as the renovation tests
people = reno.people
tuesday = reno.tuesday


@pytest.fixture
def site(db, people, community_id, tuesday):
    """A renovation under way with a mason and a welder: (application, mason pass, welder pass)."""
    app, made = under_way(db, people, community_id, workers=(("孙立新", "mason"), ("曾亮亮", "welder")))
    return app, made[0][1], made[1][1]


def scans(db) -> list[GateScan]:
    db.flush()
    return list(db.exec(select(GateScan).order_by(GateScan.id)))


def audited(db, action: str) -> list[AuditEntry]:
    db.flush()
    return list(db.exec(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_a_valid_pass_shows_the_worker_and_is_logged(db, people, site, tmp_path):
    app, mason, _ = site
    face = attach_photo(db, people.desk, renovation_passes.WORKER_PHOTO_KIND, mason.worker_id, tmp_path, "face-1")
    v = gate.verify_pass(db, people.guard, "https://x/p/" + renovation_passes.pass_token(mason), gate="东门")
    assert v.ok and v.message_key == "gate.verdict.valid"
    assert (v.worker_name, v.trade, v.household, v.photo_id) == ("孙立新", "mason", app.household_label, face.id)
    assert (v.valid_from, v.valid_until, v.hours) == (app.planned_start, app.planned_end, "08:00-18:00")
    last = scans(db)[-1]
    assert (last.id, last.verdict, last.gate, last.guard_id, last.pass_id) == (v.scan_id, "valid", "东门",
                                                                             people.guard.id, mason.id)
    assert len(last.token_hash) == 16 and renovation_passes.pass_token(mason) not in last.token_hash


def test_a_revoked_pass_is_refused_on_the_very_next_scan(db, people, site):
    _, mason, _ = site
    token = renovation_passes.pass_token(mason)
    assert gate.verify_pass(db, people.guard, token).verdict == gate.VALID
    renovation_passes.revoke_pass(db, people.desk, mason.id, "violation")
    v = gate.verify_pass(db, people.guard, token)
    assert v.verdict == gate.REVOKED and v.worker_name == "孙立新"  # the guard still sees who it is
    assert audited(db, "token.refused")[-1].detail.startswith("token.revoked ")


def test_a_reissued_card_voids_the_old_one(db, people, site):
    _, mason, _ = site
    old = renovation_passes.pass_token(mason)
    renovation_passes.reissue_pass(db, people.desk, mason.id)
    assert gate.verify_pass(db, people.guard, old).verdict == gate.REVOKED
    assert gate.verify_pass(db, people.guard, renovation_passes.pass_token(mason)).verdict == gate.VALID


def test_expired_and_not_yet_valid(db, people, site):
    app, mason, _ = site
    token = renovation_passes.pass_token(mason)
    clock.advance(timedelta(days=31))  # past the planned end: the token itself has expired
    assert gate.verify_pass(db, people.guard, token).verdict == gate.EXPIRED
    clock.advance(timedelta(days=-31))
    # a pass shortened by a reissue: the row's dates count too
    renovation_passes.reissue_pass(db, people.desk, mason.id, valid_until=clock.today())
    fresh = renovation_passes.pass_token(mason)
    assert gate.verify_pass(db, people.guard, fresh).verdict == gate.VALID
    later = new_application(db, people, app.community_id, 3, planned_start=clock.today() + timedelta(days=3),
                            planned_end=clock.today() + timedelta(days=9))
    w = renovation_passes.add_worker(db, people.desk, later.id, name="周", phone="13600009999", trade="painter")
    approve_all(db, people, later)
    v = gate.verify_pass(db, people.guard, renovation_passes.pass_token(renovation_passes.live_pass(db, w.id)))
    assert v.verdict == gate.NOT_YET_VALID


def test_outside_construction_hours(db, people, site):
    _, mason, _ = site
    token = renovation_passes.pass_token(mason)
    clock.advance(timedelta(hours=9))  # 19:00 local
    v = gate.verify_pass(db, people.guard, token)
    assert v.verdict == gate.OUTSIDE_HOURS and v.worker_name == "孙立新"
    entry = audited(db, "gate.refused")[-1]
    assert entry.outcome == "refused" and entry.detail.startswith("outside_hours ")
    clock.advance(timedelta(hours=-3, minutes=-5))  # 15:55
    assert gate.verify_pass(db, people.guard, token).verdict == gate.VALID


def test_hot_work_needs_the_days_permission(db, people, site):
    app, mason, welder = site
    assert gate.verify_pass(db, people.guard, renovation_passes.pass_token(welder)).verdict == gate.HOT_WORK_NOT_PERMITTED
    # the guard sees hot-work tools with a mason
    v = gate.verify_pass(db, people.guard, renovation_passes.pass_token(mason), hot_work=True)
    assert v.verdict == gate.HOT_WORK_NOT_PERMITTED
    today = clock.today()
    renovation_checks.grant_hot_work(db, people.engineer, app.id, starts_on=today, ends_on=today,
                                     fire_watch_name="赵磊")
    assert gate.verify_pass(db, people.guard, renovation_passes.pass_token(welder)).verdict == gate.VALID
    clock.advance(timedelta(days=1))
    assert gate.verify_pass(db, people.guard, renovation_passes.pass_token(welder)).verdict == gate.HOT_WORK_NOT_PERMITTED


def _flip(token: str, at: int) -> str:
    c = token[at]
    return token[:at] + ("A" if c != "A" else "B") + token[at + 1:]


def test_forged_truncated_garbage_and_wrong_kind_are_unknown(db, people, site):
    _, mason, _ = site
    token = renovation_passes.pass_token(mason)
    texts = [
        _flip(token, len(token) - 3),  # signature changed
        _flip(token, 3),  # body changed
        token[:-6],  # truncated
        token[:12],
        "",
        "hello 你好",
        "x" * 5000,
        tokens.sign("checkpoint", mason.id, community_id=mason.community_id),  # a tag, not a pass
        tokens.sign("pass", mason.id, community_id=mason.community_id, key=b"someone else's key"),
    ]
    before = len(audited(db, "token.refused"))
    for text in texts:
        v = gate.verify_pass(db, people.guard, text)
        assert v.verdict == gate.UNKNOWN_OR_FORGED, text
        assert v.worker_name == "" and v.pass_id is None
    assert len(audited(db, "token.refused")) - before == len(texts)
    logged = scans(db)[-len(texts):]
    assert all(s.verdict == gate.UNKNOWN_OR_FORGED and s.pass_id is None for s in logged)


def test_a_pass_of_another_community_is_refused(db, people, site):
    _, mason, _ = site
    other = tokens.sign("pass", mason.id, version=mason.version, community_id=mason.community_id + 1000,
                        expires_at=renovations.end_of_day(mason.valid_until))
    v = gate.verify_pass(db, people.guard, other)
    assert v.verdict == gate.OTHER_COMMUNITY and v.worker_name == ""
    nowhere = tokens.sign("pass", 10**9, community_id=mason.community_id)
    assert gate.verify_pass(db, people.guard, nowhere).verdict == gate.UNKNOWN_OR_FORGED


def test_a_finished_renovation_refuses_its_passes(db, people, site, tmp_path):
    app, mason, _ = site
    token = renovation_passes.pass_token(mason)
    attach_photo(db, people.engineer, renovation_completion.ASBUILT_KIND, app.id, tmp_path, "asb-g")
    pass_gates(db, people, app)
    renovation_completion.complete(db, people.engineer, app.id, checklist={i: True for i in renovation_completion.ACCEPTANCE_ITEMS})
    assert gate.verify_pass(db, people.guard, token).verdict == gate.REVOKED


def test_only_guards_scan(db, people, site):
    _, mason, _ = site
    with pytest.raises(Refused):
        gate.verify_pass(db, people.butler, renovation_passes.pass_token(mason))


def test_a_valid_scan_is_one_primary_key_query_and_one_insert(db, people, site):
    _, mason, _ = site
    token = renovation_passes.pass_token(mason)
    db.flush()
    db.expire_all()
    seen: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, *args):
        seen.append((" ".join(statement.split()), parameters))

    engine = db.get_bind().engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        assert gate.verify_pass(db, people.guard, token).verdict == gate.VALID
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    selects = [(s, p) for s, p in seen if s.startswith("SELECT")]
    inserts = [s.split()[2] for s, _ in seen if s.startswith("INSERT")]
    assert len(selects) == 1 and inserts == ["gatescan"], seen
    if engine.dialect.name == "sqlite":  # every table reached by its primary key or an index, none scanned
        plan = [str(r[-1]) for r in db.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + selects[0][0],
                                                                    selects[0][1]).all()]
        searches = [line for line in plan if line.startswith(("SEARCH", "SCAN"))]
        assert sum("PRIMARY KEY" in line for line in searches) == 3, plan
        # the pending-inspection hold: the renovation's stage gates through their index
        assert [line.split()[1] for line in searches if "PRIMARY KEY" not in line] == ["stagegate"], plan
        assert all(line.startswith("SEARCH") and ("PRIMARY KEY" in line or "INDEX" in line)
                   for line in searches), plan


# --- goods and visitors ----------------------------------------------------------------------


def test_goods_out_need_the_permit_or_the_owner(db, people, site, community_id):
    app, _, _ = site
    g = people.guard
    with pytest.raises(DomainError) as err:
        gate.register_goods(db, g, household_id=app.household_id, items="旧木地板", direction="out",
                            carrier_name="搬运工")
    assert err.value.key == "gate.goods_need_confirmation"
    out = gate.register_goods(db, g, household_id=app.household_id, items="旧木地板 20 块", direction="out",
                              carrier_name="搬运工", confirmed_by="permit", client_id="goods-1")
    assert (out.application_id, out.confirmed_by) == (app.id, "permit")
    assert gate.register_goods(db, g, household_id=app.household_id, items="x", direction="out",
                               carrier_name="y", confirmed_by="permit", client_id="goods-1").id == out.id
    other_home = new_application(db, people, community_id, 7).household_id  # no permit yet
    with pytest.raises(DomainError) as no_permit:
        gate.register_goods(db, g, household_id=other_home, items="冰箱", direction="out",
                            carrier_name="师傅", confirmed_by="permit")
    assert no_permit.value.key == "gate.no_permit"
    with pytest.raises(DomainError):  # the owner must be named
        gate.register_goods(db, g, household_id=other_home, items="冰箱", direction="out",
                            carrier_name="师傅", confirmed_by="owner")
    by_owner = gate.register_goods(db, g, household_id=other_home, items="冰箱", direction="out",
                                   carrier_name="师傅", confirmed_by="owner", confirmed_name="业主甲（电话确认）")
    assert by_owner.confirmed_name.startswith("业主甲")
    goods_in = gate.register_goods(db, g, household_id=app.household_id, items="瓷砖 30 箱", direction="in",
                                   carrier_name="送货员", carrier_phone="13500001111")
    assert goods_in.confirmed_by == "" and goods_in.direction == "in"
    with pytest.raises(Refused):
        gate.register_goods(db, people.butler, household_id=app.household_id, items="x", direction="in",
                            carrier_name="y")


def test_visitors_in_and_out(db, people, site):
    app, _, _ = site
    v = gate.register_visitor(db, people.guard, name="访客王", phone="13500002222", purpose="量尺寸",
                              household_id=app.household_id, gate="东门")
    assert v.id in [x.id for x in gate.visitors_inside(db, people.guard)]
    gate.visitor_left(db, people.guard, v.id)
    assert v.left_at == clock.now()
    assert v.id not in [x.id for x in gate.visitors_inside(db, people.guard)]
    with pytest.raises(DomainError):
        gate.register_visitor(db, people.guard, name=" ")


def test_recent_scans_newest_first(db, people, site):
    _, mason, _ = site
    gate.verify_pass(db, people.guard, "junk")
    gate.verify_pass(db, people.guard, renovation_passes.pass_token(mason))
    rows = gate.recent_scans(db, people.guard, limit=2)
    assert [r.verdict for r in rows] == ["valid", "unknown_or_forged"]
    assert db.get(RenovationWorker, mason.worker_id).name == "孙立新"


def test_while_waterproofing_waits_only_waterproofers_go_in(db, people, community_id, tuesday):
    app, made = under_way(db, people, community_id, 3,
                          workers=(("孙立新", "mason"), ("钱防水", renovation_passes.WATERPROOFING_TRADE)))
    mason, waterproofer = (renovation_passes.pass_token(p) for _, p in made)
    for item in renovations.required_concealed(app):
        g = renovation_checks.declare(db, people.desk, app.id, kind="concealed", item=item)
        renovation_checks.inspect(db, people.engineer, g.id, passed=True)
    assert gate.verify_pass(db, people.guard, mason).verdict == gate.VALID  # concealed works passed
    renovation_checks.advance_stage(db, people.engineer, app.id)
    assert app.stage == renovation_checks.WATERPROOFING
    v = gate.verify_pass(db, people.guard, mason)
    assert (v.verdict, v.message_key, v.worker_name) == (gate.ON_HOLD, "gate.verdict.on_hold", "孙立新")
    assert audited(db, "gate.refused")[-1].detail.startswith("on_hold ")
    assert gate.verify_pass(db, people.guard, waterproofer).verdict == gate.VALID
    # one area confirmed is not enough; both are
    for area, expected in (("bathroom", gate.ON_HOLD), ("kitchen", gate.VALID)):
        g = renovation_checks.declare(db, people.desk, app.id, kind="waterproofing", item=area)
        renovation_checks.inspect(db, people.engineer, g.id, passed=True)
        assert gate.verify_pass(db, people.guard, mason).verdict == expected
    assert renovation_checks.hold(db, app) == ""


def test_an_inspection_pending_holds_every_trade_at_the_gate_as_on_the_permit(db, people, community_id, tuesday):
    """#1: the permit prints 停工待验 while an inspection is pending; the gate, the permit and the site
    screens ask one rule (renovation_checks.work_allowed), so no trade gets green then."""
    app, made = under_way(db, people, community_id, 4,
                          workers=(("孙立新", "mason"), ("钱防水", renovation_passes.WATERPROOFING_TRADE),
                                   ("曾亮亮", "welder")))
    passes = {w.trade: renovation_passes.pass_token(p) for w, p in made}
    today = clock.today()
    renovation_checks.grant_hot_work(db, people.engineer, app.id, starts_on=today, ends_on=today,
                                     fire_watch_name="李消防")
    assert all(gate.verify_pass(db, people.guard, t).verdict == gate.VALID for t in passes.values())
    pending = renovation_checks.declare(db, people.desk, app.id, kind="concealed",
                                        item=renovations.required_concealed(app)[0])
    assert renovation_checks.permit(db, people.desk, app.id).hold == renovation_checks.HOLD_INSPECTION
    for trade, token in passes.items():
        v = gate.verify_pass(db, people.guard, token)
        assert (v.verdict, v.message_key) == (gate.AWAITING_INSPECTION, "gate.verdict.awaiting_inspection"), trade
        work = renovation_checks.work_allowed(db, app, trade, clock.now())
        assert (work.allowed, work.reason, work.on_hold) == (False, renovation_checks.HOLD_INSPECTION, True)
    assert not renovation_checks.work_allowed(db, app, None, clock.now()).allowed
    renovation_checks.inspect(db, people.engineer, pending.id, passed=True)
    assert renovation_checks.permit(db, people.desk, app.id).hold == ""
    assert all(gate.verify_pass(db, people.guard, t).verdict == gate.VALID for t in passes.values())
    assert renovation_checks.work_allowed(db, app, "mason", clock.now()).allowed
