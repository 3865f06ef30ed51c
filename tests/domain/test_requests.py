"""Requests and complaints: intake, lifecycle, time limits, escalation, follow-up, the private link."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlmodel import select

from app.db.models import Grid, Household, RequestEvent, ServiceRequest, StaffAlert, WorkOrder
from app.domain import clock, households, request_search, requests
from app.domain.errors import DomainError, Refused
from tests.domain.conftest import BUTLER, FRONT_DESK, SUPERVISOR, TECHNICIAN

ASSISTANT_MANAGER = "43"
TECHNICIAN_2 = "32"


@pytest.fixture
def morning():
    """10:00 in Shanghai on a day ahead, frozen."""
    day = date.today() + timedelta(days=3)
    at = datetime.combine(day, time(10, 0), tzinfo=clock.ZONE).astimezone(UTC)
    clock.freeze(at)
    yield at
    clock.reset()


@pytest.fixture
def desk(actor_of):
    return actor_of(FRONT_DESK)


@pytest.fixture
def tech(actor_of):
    return actor_of(TECHNICIAN)


@pytest.fixture
def home(db, community_id) -> Household:
    return db.exec(select(Household).where(Household.community_id == community_id).order_by(Household.id)).first()


def _phone_complaint(db, desk, home, text="楼道灯不亮，晚上很黑", **kw):
    return requests.intake(
        db, desk, channel=requests.PHONE, content=text, household_id=home.id,
        contact_name="刘先生", contact_phone="139 1234 5678", recording_ref="REC-0001", **kw,
    ).request


def _notices(db, staff_id, kind):
    db.flush()
    return list(db.exec(select(StaffAlert).where(StaffAlert.staff_id == staff_id, StaffAlert.kind == kind)))


def test_household_decides_grid_and_phone_is_normalised(db, desk, home, morning):
    req = _phone_complaint(db, desk, home)
    assert req.grid_id == home.grid_id and req.grid_id is not None
    assert req.contact_phone == "13912345678"
    assert req.status == requests.RECEIVED and req.is_open
    assert req.recording_ref == "REC-0001"
    # triage clock: classified and dispatched within 15 minutes
    assert req.due_at == morning + timedelta(minutes=15)


def test_full_repair_life_with_arrival_measured_from_dispatch(db, desk, tech, home, actor_of, morning):
    req = _phone_complaint(db, desk, home, "厨房水管漏水")
    requests.classify(db, desk, req.id, category=requests.REPAIR_MINOR)
    requests.dispatch(db, desk, req.id, department="technician", assignee_id=tech.id)
    assert req.due_at == morning + timedelta(minutes=5)
    assert _notices(db, tech.id, "dispatched")
    clock.advance(timedelta(minutes=1))
    requests.accept(db, tech, req.id)
    clock.advance(timedelta(minutes=3))
    requests.arrive(db, tech, req.id)
    assert requests.arrival_minutes(req) == pytest.approx(4.0)
    assert req.due_at == morning + timedelta(minutes=4 + 60)
    requests.resolve(db, tech, req.id, "更换阀门")
    assert req.status == requests.RESOLVED
    # cannot close before the follow-up
    with pytest.raises(DomainError) as err:
        requests.close(db, actor_of(BUTLER), req.id)
    assert err.value.key == "request.follow_up_first"
    requests.follow_up(db, actor_of(BUTLER), req.id, method="phone", satisfaction=5, comment="满意")
    assert req.status == requests.FOLLOWED_UP
    requests.close(db, actor_of(BUTLER), req.id)
    assert req.status == requests.CLOSED and not req.is_open and req.due_at is None
    kinds = [e.kind for e in requests.history(db, req.id)]
    assert kinds == ["received", "classified", "dispatched", "accepted", "arrived", "resolved",
                     "followed_up", "closed"]


def test_statuses_cannot_be_skipped_or_done_by_others(db, desk, tech, home, actor_of, morning):
    req = _phone_complaint(db, desk, home, "电梯异响")
    with pytest.raises(DomainError, match="request.classify_first"):
        requests.dispatch(db, desk, req.id, department="technician", assignee_id=tech.id)
    requests.classify(db, desk, req.id, category=requests.REPAIR_URGENT)
    with pytest.raises(DomainError, match="request.repair_needs_technician"):
        requests.dispatch(db, desk, req.id, department="technician", assignee_id=actor_of(BUTLER).id)
    requests.dispatch(db, desk, req.id, department="technician", assignee_id=tech.id)
    with pytest.raises(Refused):
        requests.accept(db, actor_of(TECHNICIAN_2), req.id)
    with pytest.raises(Refused):
        requests.accept(db, desk, req.id)
    with pytest.raises(DomainError, match="request.wrong_status"):
        requests.resolve(db, tech, req.id, "done")  # no arrival record yet
    with pytest.raises(Refused):
        requests.classify(db, tech, req.id, category=requests.COMPLAINT)


def test_urgent_repair_must_be_resolved_the_same_day(db, desk, tech, home, morning):
    req = _phone_complaint(db, desk, home, "停电")
    requests.classify(db, desk, req.id, category=requests.REPAIR_URGENT)
    requests.dispatch(db, desk, req.id, department="technician", assignee_id=tech.id)
    requests.arrive(db, tech, req.id)
    end = datetime.combine(clock.local(morning).date(), time(23, 59, 59), tzinfo=clock.ZONE)
    assert req.due_at == end.astimezone(UTC)


def test_not_ours_is_recorded_with_referral_and_closed(db, desk, home, morning):
    req = _phone_complaint(db, desk, home, "小区外马路施工噪音")
    with pytest.raises(DomainError):
        requests.classify(db, desk, req.id, category=requests.COMPLAINT, ours=False)
    requests.classify(db, desk, req.id, category=requests.COMPLAINT, ours=False,
                      referral_note="属市政施工", referral_channel="12345 市民热线")
    assert req.status == requests.CLOSED and not req.ours
    assert req.referral_channel == "12345 市民热线"


def test_major_complaint_reaches_assistant_manager_who_acknowledges_once(db, desk, home, actor_of, morning):
    req = _phone_complaint(db, desk, home, "物业人员态度恶劣，要求赔偿")
    requests.classify(db, desk, req.id, category=requests.COMPLAINT, major=True)
    am = actor_of(ASSISTANT_MANAGER)
    assert len(_notices(db, am.id, "major")) == 1
    with pytest.raises(Refused):
        requests.acknowledge(db, actor_of(SUPERVISOR), req.id)
    requests.acknowledge(db, am, req.id, "已致电业主")
    assert req.acknowledged_by == am.id
    with pytest.raises(DomainError, match="already_acknowledged"):
        requests.acknowledge(db, am, req.id)
    assert all(n.read_at is not None for n in _notices(db, am.id, "major"))
    assert request_search.major_open(db, req.community_id)[0].acknowledged


def test_overdue_escalates_to_supervisor_once_per_deadline(db, desk, tech, home, actor_of, morning):
    req = _phone_complaint(db, desk, home, "垃圾未清运")
    sup = actor_of(SUPERVISOR)
    clock.advance(timedelta(minutes=14))
    assert requests.sweep_overdue(db, req.community_id) == 0
    clock.advance(timedelta(minutes=2))
    assert requests.sweep_overdue(db, req.community_id) == 1
    assert requests.sweep_overdue(db, req.community_id) == 0  # once
    assert len(_notices(db, sup.id, "overdue")) == 1
    assert [r.id for r in request_search.overdue(db, req.community_id)] == [req.id]
    # a new stage gets a new deadline; missing that one escalates again
    requests.classify(db, desk, req.id, category=requests.REPAIR_MINOR)
    requests.dispatch(db, desk, req.id, department="technician", assignee_id=tech.id)
    assert request_search.overdue(db, req.community_id) == []
    clock.advance(timedelta(minutes=6))
    db.flush()
    assert requests.sweep_overdue(db, req.community_id) == 1
    assert len(_notices(db, sup.id, "overdue")) == 2


def test_limits_are_per_community_and_bounded(db, desk, home, actor_of, morning):
    sup = actor_of(SUPERVISOR)
    with pytest.raises(Refused):
        requests.set_limits(db, desk, arrival_minutes=10)
    with pytest.raises(DomainError, match="request.limit_range"):
        requests.set_limits(db, sup, arrival_minutes=0)
    requests.set_limits(db, sup, classify_minutes=30)
    req = _phone_complaint(db, desk, home)
    assert req.due_at == morning + timedelta(minutes=30)


def test_unsatisfied_follow_up_reopens_to_the_same_person(db, desk, tech, home, actor_of, morning):
    req = _phone_complaint(db, desk, home, "门禁坏了")
    requests.classify(db, desk, req.id, category=requests.REPAIR_MINOR)
    requests.dispatch(db, desk, req.id, department="technician", assignee_id=tech.id)
    requests.arrive(db, tech, req.id)
    requests.resolve(db, tech, req.id, "重启")
    requests.follow_up(db, actor_of(BUTLER), req.id, method="visit", satisfaction=2, comment="还是坏的")
    assert req.status == requests.DISPATCHED and req.reopened == 1
    assert req.assignee_id == tech.id and req.arrived_at is None
    assert len(_notices(db, tech.id, "reopened")) == 1
    # the supervisor is told the resident is unsatisfied; the butler who recorded it is not told
    assert len(_notices(db, actor_of(SUPERVISOR).id, "unsatisfied")) == 1
    assert _notices(db, actor_of(BUTLER).id, "unsatisfied") == []


def test_complaint_with_agreed_reply_time_and_desk_resolution(db, desk, home, actor_of, morning):
    req = _phone_complaint(db, desk, home, "邻居养狗扰民")
    reply = morning + timedelta(hours=4)
    requests.classify(db, desk, req.id, category=requests.COMPLAINT, reply_by=reply)
    requests.dispatch(db, desk, req.id, department="service", assignee_id=actor_of(BUTLER).id)
    assert req.due_at == reply
    requests.resolve(db, desk, req.id, "已上门协调")
    assert req.due_at == req.resolved_at + timedelta(hours=48)
    # an inquiry closes without follow-up
    q = _phone_complaint(db, desk, home, "物业费怎么交")
    requests.classify(db, desk, q.id, category=requests.INQUIRY)
    requests.dispatch(db, desk, q.id, department="service", assignee_id=None)
    requests.resolve(db, desk, q.id, "已告知缴费方式")
    requests.close(db, actor_of(BUTLER), q.id)
    assert q.status == requests.CLOSED


def test_public_intake_is_rate_limited_and_needs_a_real_household(db, community_id, home, morning, entries):
    def file(i, key="k1"):
        return requests.public_intake(
            db, community_id=community_id, household_id=home.id, kind="repair",
            content=f"卫生间漏水 {i}", contact_phone="13900001111", client_key=key,
        )

    with pytest.raises(DomainError, match="request.household_unknown"):
        requests.public_intake(db, community_id=community_id + 999, household_id=home.id, kind="repair",
                               content="x", contact_phone="13900001111", client_key="k1")
    with pytest.raises(DomainError, match="request.bad_kind"):
        requests.public_intake(db, community_id=community_id, household_id=home.id, kind="<script>",
                               content="x", contact_phone="13900001111", client_key="k1")
    with pytest.raises(DomainError, match="form.too_long"):
        requests.public_intake(db, community_id=community_id, household_id=home.id, kind="repair",
                               content="x" * 1001, contact_phone="13900001111", client_key="k1")
    filed = [file(i) for i in range(3)]
    assert all(f.link and f.request.category == requests.REPAIR_MINOR for f in filed)
    with pytest.raises(DomainError) as err:
        file(4)
    assert err.value.key == "request.too_many" and err.value.keep
    file(5, key="k2")  # another client is not affected
    clock.advance(timedelta(minutes=11))
    file(6)


def test_private_link_opens_only_its_request_and_takes_notes(db, community_id, home, morning):
    a = requests.public_intake(db, community_id=community_id, household_id=home.id, kind="complaint",
                               content="<b>噪音</b>", contact_phone="13900001111", client_key="k")
    b = requests.public_intake(db, community_id=community_id, household_id=home.id, kind="inquiry",
                               content="咨询", contact_phone="13900002222", client_key="k")
    assert len(a.link) >= 24 and a.link != b.link
    assert requests.by_link(db, a.link).id == a.request.id
    assert requests.by_link(db, a.link[:-1] + ("A" if a.link[-1] != "A" else "B")) is None
    assert requests.by_link(db, "") is None
    stored = db.get(ServiceRequest, a.request.id)
    assert a.link not in stored.access_hash  # only the hash is kept
    requests.resident_note(db, a.link, "晚上十点以后更严重")
    db.flush()
    notes = db.exec(select(RequestEvent).where(RequestEvent.request_id == a.request.id,
                                               RequestEvent.kind == "resident_note")).all()
    assert [n.note for n in notes] == ["晚上十点以后更严重"]


def test_retried_intake_registers_once(db, desk, home, morning):
    first = _phone_complaint(db, desk, home, client_id="c-intake-1")
    again = _phone_complaint(db, desk, home, client_id="c-intake-1")
    assert first.id == again.id


def test_patrol_finding_registers_once(db, desk, community_id, actor_of, morning):
    grid = db.exec(select(Grid).where(Grid.community_id == community_id)).first()
    order = WorkOrder(community_id=community_id, grid_id=grid.id, department="cleaning", title="垃圾桶满溢",
                      place="3栋东门", created_by=desk.id, created_at=clock.now(), due_at=clock.now())
    db.add(order)
    db.flush()
    filed = requests.from_work_order(db, desk, order.id)
    assert filed.request.channel == requests.PATROL and filed.request.grid_id == grid.id
    with pytest.raises(DomainError, match="already_registered"):
        requests.from_work_order(db, desk, order.id)


def test_search_by_text_phone_household_status_grid_and_day(db, desk, home, community_id, morning):
    a = _phone_complaint(db, desk, home, "地下车库漏水严重")
    b = _phone_complaint(db, desk, home, "车库灯坏了")
    db.flush()
    q = request_search.Query
    assert [r.id for r in request_search.search(db, community_id, q(text="车库"))][:2] == [b.id, a.id]
    assert [r.id for r in request_search.search(db, community_id, q(text="车库漏水"))] == [a.id]
    assert request_search.search(db, community_id, q(text="游泳池")) == []
    assert {r.id for r in request_search.search(db, community_id, q(phone="5678"))} >= {a.id, b.id}
    assert {r.id for r in request_search.search(db, community_id, q(phone="139-1234-5678"))} >= {a.id, b.id}
    assert request_search.search(db, community_id, q(phone="12"))== []
    rows = request_search.search(db, community_id, q(household_id=home.id, grid_id=home.grid_id, status="received"))
    assert {a.id, b.id} <= {r.id for r in rows}
    today = clock.local(morning).date()
    assert request_search.search(db, community_id, q(text="车库", day_from=today + timedelta(days=1))) == []
    assert rows[0].household == households.label(db, home.id)


def test_household_typed_forms(db, community_id, home):
    label = households.label(db, home.id)  # "1栋 1单元 101"
    b, e, room = label.replace("栋", "").replace("单元", "").split()
    assert households.find(db, community_id, f"{b}-{e}-{room}").id == home.id
    assert households.find(db, community_id, f"{b}栋{e}单元{room}").id == home.id
    with pytest.raises(DomainError, match="household.unreadable"):
        households.find(db, community_id, "abc")
    with pytest.raises(DomainError, match="household.not_found"):
        households.find(db, community_id, "99-1-101")


def test_dashboard_counts(db, desk, home, community_id, morning):
    before = request_search.counts(db, community_id)
    req = _phone_complaint(db, desk, home)
    db.flush()
    after = request_search.counts(db, community_id)
    assert after.today == before.today + 1 and after.open == before.open + 1
    loads = {g.grid_id: g for g in request_search.by_grid(db, community_id)}
    assert loads[req.grid_id].open >= 1


def test_allowed_actions_follow_status_role_and_assignment(db, desk, tech, home, actor_of, morning):
    req = _phone_complaint(db, desk, home, "水压不足")
    butler = actor_of(BUTLER)
    assert requests.allowed_actions(req, desk) == ["classify", "photo"]
    assert "classify" not in requests.allowed_actions(req, butler)
    requests.classify(db, desk, req.id, category=requests.REPAIR_MINOR)
    assert requests.allowed_actions(req, desk)[:2] == ["classify", "dispatch"]
    requests.dispatch(db, desk, req.id, department="technician", assignee_id=tech.id)
    assert requests.allowed_actions(req, tech) == ["accept", "arrive", "photo"]
    assert requests.allowed_actions(req, actor_of(TECHNICIAN_2)) == []
    requests.arrive(db, tech, req.id)
    assert requests.allowed_actions(req, tech) == ["resolve", "photo"]
    assert "resolve" not in requests.allowed_actions(req, desk)  # a repair is resolved on site
    requests.resolve(db, tech, req.id, "加压泵复位")
    assert "follow_up" in requests.allowed_actions(req, butler)
    assert "close" not in requests.allowed_actions(req, butler)


def test_technicians_open_only_their_own_jobs(db, desk, tech, home, actor_of, morning):
    req = _phone_complaint(db, desk, home, "路灯不亮")
    with pytest.raises(Refused):
        requests.open_for(db, tech, req.id)
    requests.classify(db, desk, req.id, category=requests.REPAIR_MINOR)
    requests.dispatch(db, desk, req.id, department="technician", assignee_id=tech.id)
    assert requests.open_for(db, tech, req.id).id == req.id
    with pytest.raises(Refused):
        requests.open_for(db, actor_of(TECHNICIAN_2), req.id)
    assert requests.open_for(db, actor_of(BUTLER), req.id).id == req.id


def test_concurrent_moves_apply_once(db_url, community_id, morning):
    """Two sessions accept the same job: one wins, the other is told it changed."""
    from sqlmodel import Session

    from app.db.models import Staff
    from app.db.session import get_engine
    from app.domain import auth

    engine = get_engine(db_url)
    with Session(engine) as s:
        desk = auth.actor_for(s, s.exec(select(Staff).where(Staff.phone == "13800000004")).one())
        tech = auth.actor_for(s, s.exec(select(Staff).where(Staff.phone == "13800000031")).one())
        home = s.exec(select(Household).where(Household.community_id == community_id)).first()
        req = requests.intake(s, desk, channel="phone", content="并发测试", household_id=home.id).request
        requests.classify(s, desk, req.id, category=requests.REPAIR_MINOR)
        requests.dispatch(s, desk, req.id, department="technician", assignee_id=tech.id)
        s.commit()
        rid = req.id
    try:
        with Session(engine) as a, Session(engine) as b:
            ra = requests.accept(a, tech, rid)  # noqa: F841
            b_req = b.get(ServiceRequest, rid)
            assert b_req.status == requests.DISPATCHED
            a.commit()
            with pytest.raises(DomainError, match="request.changed"):
                requests.accept(b, tech, rid)
            b.rollback()
        with Session(engine) as s:
            events = s.exec(select(RequestEvent).where(RequestEvent.request_id == rid,
                                                       RequestEvent.kind == "accepted")).all()
            assert len(events) == 1
    finally:
        with Session(engine) as s:
            for model in (RequestEvent, StaffAlert):
                for row in s.exec(select(model).where(model.request_id == rid)).all():
                    s.delete(row)
            from app.db.models import AuditEntry, RequestTerm

            for row in s.exec(select(RequestTerm).where(RequestTerm.request_id == rid)).all():
                s.delete(row)
            for row in s.exec(select(AuditEntry).where(AuditEntry.subject == f"request:{rid}")).all():
                s.delete(row)
            s.flush()
            s.delete(s.get(ServiceRequest, rid))
            s.commit()


def test_follow_ups_awaiting_follow_leave_cover(db, desk, home, actor_of, morning):
    """Issue 15 #2: the butler's follow-up list tested Grid.butler_id, so a deputy on leave cover
    never saw the covered grid's complaints (and the owner on leave still did)."""
    from app.domain import grid_planning

    from .conftest import BUTLER_2

    req = _phone_complaint(db, desk, home, "电梯噪音大")
    requests.classify(db, desk, req.id, category=requests.COMPLAINT)
    requests.dispatch(db, desk, req.id, department="service", assignee_id=None)
    requests.resolve(db, desk, req.id, "已调整")
    owner_id = db.get(Grid, req.grid_id).butler_id
    owner = next(a for a in (actor_of(BUTLER), actor_of(BUTLER_2), actor_of("14"), actor_of("13"))
                 if a.id == owner_id)
    deputy = actor_of(BUTLER_2) if owner.id != actor_of(BUTLER_2).id else actor_of(BUTLER)
    assert req.id in [r.id for r in requests.follow_ups_awaiting(db, owner)]
    assert req.id not in [r.id for r in requests.follow_ups_awaiting(db, deputy)]
    grid_planning.add_cover(db, actor_of(SUPERVISOR), req.grid_id, deputy.id, clock.today(), clock.today())
    assert req.id in [r.id for r in requests.follow_ups_awaiting(db, deputy)]
    assert req.id not in [r.id for r in requests.follow_ups_awaiting(db, owner)]
