"""Renovations: three-level approval in order, the return loop, races, documents, workers and passes,
site checks and rectification, stage gates, hot work, completion, revisit and refund, KPIs, the demo seed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlmodel import Session, select

from app.db.models import (
    AuditEntry,
    GateScan,
    Household,
    Rectification,
    RenovationApplication,
    RenovationApproval,
    RenovationWorker,
    Staff,
    StaffAlert,
    WorkerPass,
)
from app.domain import (
    clock,
    evidence,
    gate,
    renovation_checks,
    renovation_completion,
    renovation_passes,
    renovations,
    roles,
)
from app.domain.errors import DomainError, Refused
from app.seed.renovations import seed_renovations
from tests.domain.conftest import BUTLER, FRONT_DESK, GUARD, SUPERVISOR, TECHNICIAN
from tests.domain.test_evidence import photo

ENGINEERING_MANAGER = "41"
GENERAL_MANAGER = "42"
ALL_OK = {item: True for item in renovation_checks.CHECK_ITEMS}
ACCEPTED = {item: True for item in renovation_completion.ACCEPTANCE_ITEMS}


@pytest.fixture
def tuesday():
    """A Tuesday 10:00 in Shanghai, a week or more ahead: inside the usual construction hours."""
    day = date.today() + timedelta(days=7)
    day += timedelta(days=(1 - day.weekday()) % 7)
    clock.freeze(datetime.combine(day, time(10, 0), tzinfo=clock.ZONE).astimezone(UTC))
    yield day
    clock.reset()


@pytest.fixture
def people(actor_of):
    class People:
        desk = actor_of(FRONT_DESK)
        supervisor = actor_of(SUPERVISOR)
        engineer = actor_of(ENGINEERING_MANAGER)
        gm = actor_of(GENERAL_MANAGER)
        guard = actor_of(GUARD)
        butler = actor_of(BUTLER)
        technician = actor_of(TECHNICIAN)

    return People


def household(db: Session, community_id: int, n: int = 0) -> int:
    """The n-th household of the demo community (far from the ones the demo seed uses)."""
    return db.exec(
        select(Household.id).where(Household.community_id == community_id)
        .order_by(Household.id.desc()).offset(n)  # type: ignore[union-attr]
    ).first()


def new_application(db, people, community_id, n: int = 0, **kw) -> RenovationApplication:
    today = clock.today()
    args = dict(
        household_id=household(db, community_id, n), owner_name="业主甲", owner_phone="13911112222",
        contractor_company="安居装饰", contractor_contact="钱工", contractor_phone="13733334444",
        planned_start=today, planned_end=today + timedelta(days=30),
        scope=["walls", "electrical", "plumbing"], waterproofing_areas=["bathroom", "kitchen"],
        hot_work=True,
    )
    args.update(kw)
    return renovations.apply(db, people.desk, **args)


def approve_all(db, people, app) -> RenovationApplication:
    renovations.decide(db, people.supervisor, app.id, level=renovations.FIRST_REVIEW, decision="approve")
    renovations.decide(db, people.engineer, app.id, level=renovations.SECOND_REVIEW, decision="approve")
    return renovations.decide(db, people.gm, app.id, level=renovations.SIGN_OFF, decision="approve")


def under_way(db, people, community_id, n: int = 0, workers=(("孙师傅", "electrician"),), **kw):
    """An application with workers, signed off: (application, [(worker, pass)])."""
    app = new_application(db, people, community_id, n, **kw)
    made = [renovation_passes.add_worker(db, people.desk, app.id, name=name, phone="13600001111", trade=trade,
                                   id_number="110101199001011234")
            for name, trade in workers]
    approve_all(db, people, app)
    return app, [(w, renovation_passes.live_pass(db, w.id)) for w in made]


def pass_gates(db, people, app) -> None:
    """Declare and pass every stage gate the scope needs, up to the finishing stage."""
    for item in renovations.required_concealed(app):
        g = renovation_checks.declare(db, people.desk, app.id, kind="concealed", item=item)
        renovation_checks.inspect(db, people.engineer, g.id, passed=True)
    renovation_checks.advance_stage(db, people.engineer, app.id)
    if app.stage == renovation_checks.WATERPROOFING:
        for area in renovations.areas(app):
            g = renovation_checks.declare(db, people.desk, app.id, kind="waterproofing", item=area)
            renovation_checks.inspect(db, people.engineer, g.id, passed=True)
        renovation_checks.advance_stage(db, people.engineer, app.id)
    assert app.stage == renovation_checks.FINISHING


def attach_photo(db, actor, kind, subject_id, tmp_path, client_id):
    return evidence.attach(db, actor, kind=kind, subject_id=subject_id, data=photo(size=(640, 480)),
                           client_id=client_id, claimed_at_ms=None, root=tmp_path)


def keep(db, err: DomainError) -> None:
    """Apply what a refusal keeps (as the state layer does after its rollback)."""
    for write in err.keep:
        write(db)
    db.flush()


def refusals(db, action: str) -> list[AuditEntry]:
    db.flush()
    return list(db.exec(select(AuditEntry).where(AuditEntry.action == action, AuditEntry.outcome == "refused")))


# --- approval ---------------------------------------------------------------------------------


def test_three_levels_in_order_issue_permit_and_passes(db, people, community_id, tuesday):
    app = new_application(db, people, community_id)
    w = renovation_passes.add_worker(db, people.desk, app.id, name="孙师傅", phone="13600001111", trade="electrician")
    assert app.status == renovations.FIRST_REVIEW and app.round == 1
    assert renovation_passes.live_pass(db, w.id) is None  # no pass before sign-off
    assert app.id in [r.id for r in renovations.awaiting(db, people.supervisor)]
    assert app.id not in [r.id for r in renovations.awaiting(db, people.engineer)]
    renovations.decide(db, people.supervisor, app.id, level="first_review", decision="approve")
    assert app.status == renovations.SECOND_REVIEW and app.permit_version == 0
    renovations.decide(db, people.engineer, app.id, level="second_review", decision="approve")
    assert app.status == renovations.SIGN_OFF
    renovations.decide(db, people.gm, app.id, level="sign_off", decision="approve")
    db.refresh(app)
    assert app.status == renovations.APPROVED and app.permit_version == 1
    assert app.permit_no.startswith("ZX") and app.permit_issued_at == clock.now()
    p = renovation_passes.live_pass(db, w.id)
    assert p is not None and (p.valid_from, p.valid_until) == (app.planned_start, app.planned_end)
    assert [a.level for a in renovations.approvals(db, app.id)] == list(renovations.LEVELS)
    assert renovation_passes.permit_token(app).startswith("1")


def test_skipping_a_level_is_refused_and_audited(db, people, community_id, tuesday):
    app = new_application(db, people, community_id)
    with pytest.raises(DomainError) as err:
        renovations.decide(db, people.engineer, app.id, level="second_review", decision="approve")
    assert err.value.key == "renovation.out_of_order"
    with pytest.raises(DomainError) as err2:
        renovations.decide(db, people.gm, app.id, level="sign_off", decision="approve")
    keep(db, err.value)
    keep(db, err2.value)
    found = refusals(db, "renovation.out_of_order")
    assert [e.actor_id for e in found] == [people.engineer.id, people.gm.id]
    assert found[0].subject == f"renovation:{app.id}"
    assert app.status == renovations.FIRST_REVIEW


def test_wrong_role_is_refused_and_audited(db, people, community_id, tuesday):
    app = new_application(db, people, community_id)
    for actor in (people.gm, people.desk, people.engineer):
        with pytest.raises(Refused) as err:
            renovations.decide(db, actor, app.id, level="first_review", decision="approve")
        assert err.value.key == "renovation.wrong_role"
        keep(db, err.value)
    assert len(refusals(db, "renovation.wrong_role")) == 3
    renovations.decide(db, people.supervisor, app.id, level="first_review", decision="approve")
    with pytest.raises(Refused):  # the supervisor cannot do the engineer's level either
        renovations.decide(db, people.supervisor, app.id, level="second_review", decision="approve")


def test_one_person_never_decides_two_levels_of_one_application(db, people, community_id, tuesday):
    """#13: a supervisor who gave herself the engineering manager's and the general manager's roles
    approved all three levels alone. Whatever roles one holds, one level per application, any round."""
    from dataclasses import replace

    alone = replace(people.supervisor, roles=(*people.supervisor.roles, roles.ENGINEERING_MANAGER,
                                              roles.GENERAL_MANAGER))
    app = new_application(db, people, community_id)
    renovations.decide(db, alone, app.id, level=renovations.FIRST_REVIEW, decision="approve")
    assert app.id not in [r.id for r in renovations.awaiting(db, alone)]  # not in her inbox either
    assert app.id in [r.id for r in renovations.awaiting(db, people.engineer)]
    with pytest.raises(Refused) as err:
        renovations.decide(db, alone, app.id, level=renovations.SECOND_REVIEW, decision="approve")
    assert err.value.key == "renovation.decided_other_level"
    keep(db, err.value)
    assert [e.actor_id for e in refusals(db, "renovation.decided_other_level")] == [alone.id]
    assert app.status == renovations.SECOND_REVIEW
    renovations.decide(db, people.engineer, app.id, level=renovations.SECOND_REVIEW, decision="approve")
    with pytest.raises(Refused):  # nor the sign-off
        renovations.decide(db, alone, app.id, level=renovations.SIGN_OFF, decision="approve")
    # returned and resubmitted: a new round, and still not a second level for the same person
    renovations.decide(db, people.gm, app.id, level=renovations.SIGN_OFF, decision="return", reasons="补图纸")
    renovations.resubmit(db, people.desk, app.id)
    renovations.decide(db, alone, app.id, level=renovations.FIRST_REVIEW, decision="approve")  # her own level
    with pytest.raises(Refused):
        renovations.decide(db, alone, app.id, level=renovations.SECOND_REVIEW, decision="approve")
    renovations.decide(db, people.engineer, app.id, level=renovations.SECOND_REVIEW, decision="approve")
    renovations.decide(db, people.gm, app.id, level=renovations.SIGN_OFF, decision="approve")
    assert app.status == renovations.APPROVED
    assert len({a.by_id for a in renovations.approvals(db, app.id)}) == 3


def test_return_loop_starts_a_new_round_at_first_review(db, people, community_id, tuesday):
    app = new_application(db, people, community_id)
    renovations.decide(db, people.supervisor, app.id, level="first_review", decision="approve")
    with pytest.raises(DomainError) as err:  # a return needs reasons
        renovations.decide(db, people.engineer, app.id, level="second_review", decision="return")
    assert err.value.key == "form.required"
    renovations.decide(db, people.engineer, app.id, level="second_review", decision="return",
                       reasons="请补充卫生间防水做法")
    assert app.status == renovations.RETURNED
    with pytest.raises(DomainError):
        renovations.decide(db, people.gm, app.id, level="sign_off", decision="approve")
    renovations.resubmit(db, people.desk, app.id, scope_note="卫生间两遍防水涂料，闭水48小时")
    assert (app.status, app.round, app.scope_note) == (renovations.FIRST_REVIEW, 2, "卫生间两遍防水涂料，闭水48小时")
    with pytest.raises(DomainError) as again:  # round 2 starts at first review again
        renovations.decide(db, people.engineer, app.id, level="second_review", decision="approve")
    assert again.value.key == "renovation.out_of_order"
    approve_all(db, people, app)
    assert app.status == renovations.APPROVED
    rows = [(a.round, a.level, a.decision) for a in renovations.approvals(db, app.id)]
    assert rows == [(1, "first_review", "approve"), (1, "second_review", "return"),
                    (2, "first_review", "approve"), (2, "second_review", "approve"), (2, "sign_off", "approve")]


def test_resubmit_may_change_dates_hours_scope_and_contractor_checked_as_at_application(db, people, community_id,
                                                                                       tuesday):
    app = new_application(db, people, community_id)
    renovations.decide(db, people.supervisor, app.id, level="first_review", decision="return", reasons="工期太长")
    start, end = clock.today() + timedelta(days=3), clock.today() + timedelta(days=20)
    bad = [
        (dict(planned_start=end, planned_end=start), "renovation.bad_dates"),
        (dict(hours_start="18:00", hours_end="08:00"), "renovation.bad_hours"),
        (dict(hours_start="8点"), "renovation.bad_hours"),
        (dict(scope=["walls", "roof"]), "renovation.bad_scope"),
        (dict(contractor_contact=""), "form.required"),
        (dict(contractor_phone="12"), "phone.invalid"),
        (dict(household_id=app.household_id), "form.invalid"),
    ]
    for changes, key in bad:
        with pytest.raises(DomainError) as err:
            with db.begin_nested():
                renovations.resubmit(db, people.desk, app.id, **changes)
        assert err.value.key == key, changes
    assert (app.status, app.round) == (renovations.RETURNED, 1)
    renovations.resubmit(
        db, people.desk, app.id, planned_start=start, planned_end=end, hours_start="09:00", hours_end="17:30",
        scope=["floors", "walls"], waterproofing_areas=["bathroom"], contractor_contact="孙工",
        contractor_phone="137 1234 5678", contractor_company="安居装饰", hot_work=True)
    assert (app.status, app.round) == (renovations.FIRST_REVIEW, 2)
    assert (app.planned_start, app.planned_end, app.hours_start, app.hours_end) == (start, end, "09:00", "17:30")
    assert [s for s in renovations.SCOPES if getattr(app, f"scope_{s}")] == ["walls", "floors"]
    assert renovations.areas(app) == ["bathroom"]
    assert (app.contractor_contact, app.contractor_phone) == ("孙工", "13712345678")
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "renovation.resubmit",
                                             AuditEntry.subject == f"renovation:{app.id}")).one()
    # the fields sent unchanged (company, hot work) are not named
    for name in ("planned_start", "planned_end", "hours_start", "hours_end", "scope", "waterproofing_areas",
                 "contractor_contact", "contractor_phone"):
        assert name in entry.after, entry.after
    assert "contractor_company" not in entry.after and "hot_work" not in entry.after


def test_reject_is_final_and_frees_the_household(db, people, community_id, tuesday):
    app = new_application(db, people, community_id)
    with pytest.raises(DomainError) as busy:
        new_application(db, people, community_id)
    assert busy.value.key == "renovation.household_busy"
    renovations.decide(db, people.supervisor, app.id, level="first_review", decision="reject", reasons="承重墙拆改")
    assert app.status == renovations.REJECTED
    with pytest.raises(DomainError):
        renovations.resubmit(db, people.desk, app.id)
    assert new_application(db, people, community_id).id != app.id


def test_a_repeated_click_cannot_decide_twice(db, people, community_id, tuesday):
    app = new_application(db, people, community_id)
    renovations.decide(db, people.supervisor, app.id, level="first_review", decision="approve")
    with pytest.raises(DomainError) as err:
        renovations.decide(db, people.supervisor, app.id, level="first_review", decision="approve")
    assert err.value.key == "renovation.already_decided"
    n = db.exec(select(RenovationApproval).where(RenovationApproval.application_id == app.id)).all()
    assert len(n) == 1


@pytest.fixture
def committed(db_url, people):
    """Rows committed for real (two sessions must see them); removed afterwards."""
    from app.db.session import get_engine

    engine = get_engine(db_url)
    made: list[int] = []
    yield engine, made
    with Session(engine) as s:
        for app_id in made:
            for model in (RenovationApproval, WorkerPass, RenovationWorker):
                for row in s.exec(select(model).where(model.application_id == app_id)):
                    s.delete(row)
            s.flush()
            for model in (AuditEntry, StaffAlert):  # what it wrote about itself (audit, who was told)
                for row in s.exec(select(model).where(model.subject == f"renovation:{app_id}")):
                    s.delete(row)
            s.delete(s.get(RenovationApplication, app_id))
        s.commit()


def test_two_sessions_approving_at_once_approve_once(committed, people, community_id, tuesday):
    engine, made = committed
    with Session(engine) as s:
        app = new_application(s, people, community_id, 5)
        s.commit()
        made.append(app.id)
    one, two = Session(engine), Session(engine)
    try:
        # both screens read the application waiting for first review
        assert one.get(RenovationApplication, made[0]).status == two.get(RenovationApplication, made[0]).status
        renovations.decide(one, people.supervisor, made[0], level="first_review", decision="approve")
        one.commit()
        with pytest.raises(DomainError) as err:
            renovations.decide(two, people.supervisor, made[0], level="first_review", decision="approve")
        assert err.value.key in ("renovation.changed", "renovation.already_decided")
        two.rollback()
        # and a stale screen cannot skip: the engineer's approval of the old status goes nowhere
        rows = two.exec(select(RenovationApproval).where(RenovationApproval.application_id == made[0])).all()
        assert [(r.level, r.round) for r in rows] == [("first_review", 1)]
        assert two.get(RenovationApplication, made[0]).status == renovations.SECOND_REVIEW
    finally:
        one.close()
        two.close()


def test_two_managers_at_the_same_moment_decide_once_on_postgres(committed, people, community_id, tuesday):
    """Truly concurrent on PostgreSQL: the second UPDATE waits for the first commit, then matches no row."""
    import threading

    engine, made = committed
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers; the stale-read test covers it")
    with Session(engine) as s:
        made.append(new_application(s, people, community_id, 6).id)
        s.commit()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def click() -> None:
        with Session(engine) as s:
            s.get(RenovationApplication, made[0])  # the screen's read
            barrier.wait()
            try:
                renovations.decide(s, people.supervisor, made[0], level="first_review", decision="approve")
                s.commit()
                outcomes.append("ok")
            except DomainError as err:
                s.rollback()
                outcomes.append(err.key)

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(outcomes) == 2 and outcomes.count("ok") == 1, outcomes
    assert set(outcomes) - {"ok"} <= {"renovation.changed", "renovation.already_decided"}
    with Session(engine) as s:
        rows = s.exec(select(RenovationApproval).where(RenovationApproval.application_id == made[0])).all()
        assert len(rows) == 1 and s.get(RenovationApplication, made[0]).status == renovations.SECOND_REVIEW


def test_the_unique_decision_row_holds_even_without_the_status_check(db, people, community_id, tuesday):
    app = new_application(db, people, community_id)
    db.add(RenovationApproval(application_id=app.id, level="first_review", round=1, decision="approve",
                              by_id=people.supervisor.id, at=clock.now()))
    db.flush()
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), db.begin_nested():
        db.add(RenovationApproval(application_id=app.id, level="first_review", round=1, decision="approve",
                                  by_id=people.supervisor.id, at=clock.now()))
        db.flush()


# --- workers, passes, documents ------------------------------------------------------------------


def test_worker_id_number_is_kept_masked_only(db, people, community_id, tuesday):
    app = new_application(db, people, community_id)
    w = renovation_passes.add_worker(db, people.desk, app.id, name="李师傅", phone="13600002222", trade="tiler",
                               id_number="11010119900101123x")
    assert w.id_number_masked == "110***********123X"
    assert renovation_passes.mask_id_number("110101900101123") == "110********1123"
    with pytest.raises(DomainError) as err:
        renovation_passes.add_worker(db, people.desk, app.id, name="王", phone="13600002222", trade="tiler",
                               id_number="12345")
    assert err.value.key == "renovation.bad_id_number"
    with pytest.raises(DomainError):
        renovation_passes.add_worker(db, people.desk, app.id, name="王", phone="13600002222", trade="astronaut")


def test_worker_added_under_a_permit_gets_a_pass_and_leaving_revokes_it(db, people, community_id, tuesday):
    app, _ = under_way(db, people, community_id)
    w = renovation_passes.add_worker(db, people.desk, app.id, name="周师傅", phone="13600003333", trade="painter")
    p = renovation_passes.live_pass(db, w.id)
    assert p is not None and p.version == 1
    renovation_passes.reissue_pass(db, people.desk, p.id)
    assert p.version == 2
    renovation_passes.remove_worker(db, people.desk, w.id)
    assert p.revoked_at == clock.now() and p.revoked_reason == "worker_left"
    assert renovation_passes.live_pass(db, w.id) is None
    views = {v.name: v for v in renovation_passes.workers_and_passes(db, people.desk, app.id)}
    assert views["孙师傅"].token and not views["孙师傅"].revoked and views["孙师傅"].version == 1
    gone = views["周师傅"]
    assert (gone.active, gone.revoked, gone.revoked_reason, gone.token) == (False, True, "worker_left", "")


def test_reissue_with_other_dates_within_the_planned_dates(db, people, community_id, tuesday):
    app, [(_, p)] = under_way(db, people, community_id)
    start, end = app.planned_start, app.planned_end
    assert (p.valid_from, p.valid_until) == (start, end)
    for since, until in ((start - timedelta(days=1), end), (start, end + timedelta(days=1)),
                         (start + timedelta(days=5), start + timedelta(days=4))):
        with pytest.raises(DomainError) as err:
            renovation_passes.reissue_pass(db, people.desk, p.id, valid_from=since, valid_until=until)
        assert err.value.key == "renovation.bad_dates"
    assert p.version == 1
    renovation_passes.reissue_pass(db, people.desk, p.id, valid_from=start + timedelta(days=2),
                                   valid_until=start + timedelta(days=9))
    assert (p.version, p.valid_from, p.valid_until) == (2, start + timedelta(days=2), start + timedelta(days=9))
    renovation_passes.reissue_pass(db, people.desk, p.id, valid_until=end)  # the start kept
    assert (p.version, p.valid_from, p.valid_until) == (3, start + timedelta(days=2), end)
    entries = db.exec(select(AuditEntry).where(AuditEntry.action == "renovation.pass_reissue",
                                               AuditEntry.subject == f"pass:{p.id}")
                      .order_by(AuditEntry.id)).all()  # type: ignore[arg-type]
    assert len(entries) == 2 and str(start + timedelta(days=2)) in (entries[0].after or "")


def test_deposit_and_letter_records(db, people, community_id, tuesday, tmp_path):
    app, _ = under_way(db, people, community_id)
    renovation_passes.record_deposit(db, people.desk, app.id, amount_cents=300_000, receipt_no="SJ-0001")
    assert (app.deposit_cents, app.deposit_receipt_no) == (300_000, "SJ-0001")
    with pytest.raises(DomainError) as twice:
        renovation_passes.record_deposit(db, people.desk, app.id, amount_cents=1, receipt_no="x")
    assert twice.value.key == "renovation.deposit_recorded"
    with pytest.raises(DomainError) as no_photo:
        renovation_passes.record_letter(db, people.desk, app.id, signed_on=clock.today())
    assert no_photo.value.key == "renovation.letter_photo_needed"
    page = attach_photo(db, people.desk, renovation_passes.LETTER_KIND, app.id, tmp_path, "letter-1")
    renovation_passes.record_letter(db, people.desk, app.id, signed_on=clock.today())
    assert (app.letter_photo_id, app.letter_signed_on) == (page.id, clock.today())


# --- site checks, rectification, deposit deduction -----------------------------------------------


def test_violation_rectification_recheck_deducts_and_escalates(db, people, community_id, tuesday):
    app, _ = under_way(db, people, community_id)
    renovation_passes.record_deposit(db, people.desk, app.id, amount_cents=500_000, receipt_no="SJ-0002")
    with pytest.raises(DomainError) as incomplete:
        renovation_checks.site_check(db, people.butler, app.id, results={"structure": True})
    assert incomplete.value.key == "renovation.check_incomplete"
    with pytest.raises(DomainError):  # a violation needs its note
        renovation_checks.site_check(db, people.butler, app.id, results={**ALL_OK, "noise": False})
    check = renovation_checks.site_check(
        db, people.butler, app.id, results={**ALL_OK, "hours": False, "waste": False},
        notes={"hours": "21:30仍在施工", "waste": "建筑垃圾堆放楼道"}, deadline_days=2)
    assert check.violations == 2
    rect = db.exec(select(Rectification).where(Rectification.site_check_id == check.id)).one()
    assert (rect.items, rect.status, rect.due_at) == ("hours,waste", "open", clock.now() + timedelta(days=2))
    # a butler may re-check but not deduct from the deposit
    with pytest.raises(Refused):
        renovation_checks.recheck(db, people.butler, rect.id, rectified=False, note="未整改",
                                  deduction_cents=100_000, deduction_reason="逾期未清运")
    with pytest.raises(DomainError) as too_much:
        renovation_checks.recheck(db, people.supervisor, rect.id, rectified=False, note="未整改",
                                  deduction_cents=600_000, deduction_reason="逾期未清运")
    assert too_much.value.key == "renovation.deduction_too_large"
    renovation_checks.recheck(db, people.supervisor, rect.id, rectified=False, note="未整改",
                              deduction_cents=100_000, deduction_reason="逾期未清运")
    assert (rect.status, rect.deduction_cents, rect.escalated_at) == ("failed", 100_000, clock.now())
    assert renovation_checks.deductions(db, app.id) == 100_000
    assert [r.id for r in renovation_checks.escalations(db, community_id)] == [rect.id]
    with pytest.raises(DomainError) as closed:
        renovation_checks.recheck(db, people.supervisor, rect.id, rectified=True)
    assert closed.value.key == "renovation.rectification_closed"


def test_a_passed_recheck_closes_the_notice(db, people, community_id, tuesday):
    app, _ = under_way(db, people, community_id)
    check = renovation_checks.site_check(db, people.technician, app.id, results={**ALL_OK, "facade": False},
                                         notes={"facade": "外立面私开窗"})
    rect = db.exec(select(Rectification).where(Rectification.site_check_id == check.id)).one()
    renovation_checks.recheck(db, people.butler, rect.id, rectified=True, note="已恢复")
    assert (rect.status, rect.deduction_cents, rect.escalated_at) == ("rectified", 0, None)
    clean = renovation_checks.site_check(db, people.butler, app.id, results=ALL_OK)
    assert clean.violations == 0
    assert db.exec(select(Rectification).where(Rectification.site_check_id == clean.id)).first() is None


# --- stage gates and hot work ---------------------------------------------------------------------


def test_stage_gates_concealed_then_waterproofing_hold(db, people, community_id, tuesday):
    app, _ = under_way(db, people, community_id)  # walls, electrical, plumbing; bathroom + kitchen
    e = people.engineer
    assert app.stage == renovation_checks.CONCEALED
    with pytest.raises(DomainError) as early:
        renovation_checks.advance_stage(db, e, app.id)
    assert early.value.key == "renovation.concealed_uninspected"
    g1 = renovation_checks.declare(db, people.desk, app.id, kind="concealed", item="electrical")
    assert renovation_checks.hold(db, app) == "renovation.hold.inspection"
    with pytest.raises(DomainError) as pending:  # the next item waits for this one's inspection
        renovation_checks.declare(db, people.desk, app.id, kind="concealed", item="water")
    assert pending.value.key == "renovation.gate_pending"
    with pytest.raises(DomainError):  # waterproofing is not this stage's
        renovation_checks.declare(db, people.desk, app.id, kind="waterproofing", item="bathroom")
    renovation_checks.inspect(db, e, g1.id, passed=False, note="线管未固定")
    g1b = renovation_checks.declare(db, people.desk, app.id, kind="concealed", item="electrical")
    renovation_checks.inspect(db, e, g1b.id, passed=True)
    with pytest.raises(DomainError):
        renovation_checks.declare(db, people.desk, app.id, kind="concealed", item="electrical")
    for item in ("structure", "water"):
        g = renovation_checks.declare(db, people.desk, app.id, kind="concealed", item=item)
        renovation_checks.inspect(db, e, g.id, passed=True)
    assert renovation_checks.advance_stage(db, e, app.id) == renovation_checks.WATERPROOFING
    # waterproofing: works are held until every area is confirmed
    assert renovation_checks.hold(db, app) == "renovation.hold.waterproofing"
    wb = renovation_checks.declare(db, people.desk, app.id, kind="waterproofing", item="bathroom")
    renovation_checks.inspect(db, e, wb.id, passed=True, note="闭水48小时无渗漏")
    with pytest.raises(DomainError) as held:
        renovation_checks.advance_stage(db, e, app.id)
    assert (held.value.key, held.value.params["items"]) == ("renovation.waterproofing_unconfirmed", "kitchen")
    with pytest.raises(DomainError):  # not an area of this application
        renovation_checks.declare(db, people.desk, app.id, kind="waterproofing", item="balcony")
    wk = renovation_checks.declare(db, people.desk, app.id, kind="waterproofing", item="kitchen")
    renovation_checks.inspect(db, e, wk.id, passed=True)
    assert renovation_checks.hold(db, app) == ""
    assert renovation_checks.advance_stage(db, e, app.id) == renovation_checks.FINISHING
    with pytest.raises(DomainError) as last:
        renovation_checks.advance_stage(db, e, app.id)
    assert last.value.key == "renovation.last_stage"


def test_completion_needs_waterproofing_confirmed(db, people, community_id, tuesday, tmp_path):
    app, _ = under_way(db, people, community_id, scope=["floors"], waterproofing_areas=["bathroom"])
    renovation_checks.advance_stage(db, people.engineer, app.id)  # nothing concealed in this scope
    attach_photo(db, people.engineer, renovation_completion.ASBUILT_KIND, app.id, tmp_path, "asbuilt-w")
    with pytest.raises(DomainError) as held:
        renovation_completion.complete(db, people.engineer, app.id, checklist=ACCEPTED)
    assert held.value.key == "renovation.waterproofing_unconfirmed"
    view = renovation_checks.permit(db, people.desk, app.id)
    assert (view.stage, view.hold) == ("waterproofing", "renovation.hold.waterproofing")
    assert view.permit_no == app.permit_no and view.token.startswith("1")


def test_hot_work_needs_scope_a_short_window_and_a_fire_watch(db, people, community_id, tuesday):
    app, _ = under_way(db, people, community_id)
    plain, _ = under_way(db, people, community_id, 1, hot_work=False)
    today = clock.today()
    with pytest.raises(DomainError) as scope:
        renovation_checks.grant_hot_work(db, people.engineer, plain.id, starts_on=today, ends_on=today,
                                         fire_watch_name="赵")
    assert scope.value.key == "renovation.hot_work_not_in_scope"
    with pytest.raises(DomainError) as window:
        renovation_checks.grant_hot_work(db, people.engineer, app.id, starts_on=today,
                                         ends_on=today + timedelta(days=7), fire_watch_name="赵")
    assert window.value.key == "renovation.hot_work_window"
    with pytest.raises(DomainError):
        renovation_checks.grant_hot_work(db, people.engineer, app.id, starts_on=today, ends_on=today,
                                         fire_watch_name=" ")
    perm = renovation_checks.grant_hot_work(db, people.engineer, app.id, starts_on=today,
                                            ends_on=today + timedelta(days=1), fire_watch_name="赵磊")
    assert renovation_checks.hot_work_allowed(db, app.id, today)
    assert not renovation_checks.hot_work_allowed(db, app.id, today + timedelta(days=2))
    renovation_checks.revoke_hot_work(db, people.engineer, perm.id)
    assert not renovation_checks.hot_work_allowed(db, app.id, today)


# --- completion, revisit, refund -------------------------------------------------------------------


def test_completion_revokes_passes_and_schedules_the_revisit(db, people, community_id, tuesday, tmp_path):
    app, made = under_way(db, people, community_id, workers=(("甲", "mason"), ("乙", "painter")))
    renovation_passes.record_deposit(db, people.desk, app.id, amount_cents=200_000, receipt_no="SJ-3")
    with pytest.raises(DomainError) as failed:
        renovation_completion.complete(db, people.engineer, app.id, checklist={**ACCEPTED, "facade": False})
    assert failed.value.key == "renovation.acceptance_failed"
    with pytest.raises(DomainError) as drawings:
        renovation_completion.complete(db, people.engineer, app.id, checklist=ACCEPTED)
    assert drawings.value.key == "renovation.asbuilt_needed"
    attach_photo(db, people.engineer, renovation_completion.ASBUILT_KIND, app.id, tmp_path, "asbuilt-1")
    with pytest.raises(DomainError) as gates:  # the stage gates hold at the end too
        renovation_completion.complete(db, people.engineer, app.id, checklist=ACCEPTED)
    assert gates.value.key == "renovation.concealed_uninspected"
    pass_gates(db, people, app)
    token = renovation_passes.pass_token(made[0][1])
    assert gate.verify_pass(db, people.guard, token).verdict == gate.VALID
    renovation_completion.complete(db, people.engineer, app.id, checklist=ACCEPTED, note="验收合格")
    assert app.status == renovations.COMPLETED and app.completed_at == clock.now()
    assert app.revisit_due == renovation_completion.add_months(clock.today(), 2)
    for _w, p in made:
        db.refresh(p)
        assert p.revoked_at is not None and p.revoked_reason == "completion"
    assert gate.verify_pass(db, people.guard, token).verdict == gate.REVOKED
    with pytest.raises(DomainError) as early:
        renovation_completion.refund(db, people.supervisor, app.id)
    assert early.value.key == "renovation.revisit_first"
    clock.advance(timedelta(days=40))
    renovation_completion.record_revisit(db, people.butler, app.id, "业主满意，无渗漏")
    assert renovation_completion.refund(db, people.supervisor, app.id) == 200_000
    assert app.status == renovations.CLOSED and app.refund_cents == 200_000


def test_refund_is_deposit_less_deductions_and_never_negative(db, people, community_id, tuesday, tmp_path):
    app, _ = under_way(db, people, community_id)
    renovation_passes.record_deposit(db, people.desk, app.id, amount_cents=300_000, receipt_no="SJ-4")
    for n, amount in enumerate((50_000, 70_000)):
        check = renovation_checks.site_check(db, people.butler, app.id, results={**ALL_OK, "noise": False},
                                             notes={"noise": f"午休时间电钻 {n}"})
        rect = db.exec(select(Rectification).where(Rectification.site_check_id == check.id)).one()
        renovation_checks.recheck(db, people.engineer, rect.id, rectified=False, note="仍噪音",
                                  deduction_cents=amount, deduction_reason="噪音扰民")
    attach_photo(db, people.engineer, renovation_completion.ASBUILT_KIND, app.id, tmp_path, "asbuilt-2")
    pass_gates(db, people, app)
    renovation_completion.complete(db, people.engineer, app.id, checklist=ACCEPTED)
    renovation_completion.record_revisit(db, people.butler, app.id, "回访完成")
    assert renovation_completion.refund(db, people.supervisor, app.id) == 300_000 - 120_000


def test_completion_waits_for_open_rectifications(db, people, community_id, tuesday, tmp_path):
    app, _ = under_way(db, people, community_id)
    renovation_checks.site_check(db, people.butler, app.id, results={**ALL_OK, "fire_safety": False},
                                 notes={"fire_safety": "无灭火器"})
    attach_photo(db, people.engineer, renovation_completion.ASBUILT_KIND, app.id, tmp_path, "asbuilt-3")
    with pytest.raises(DomainError) as err:
        renovation_completion.complete(db, people.engineer, app.id, checklist=ACCEPTED)
    assert err.value.key == "renovation.rectification_open"


def test_add_months_keeps_the_day_or_the_month_end():
    assert renovation_completion.add_months(date(2026, 3, 15), 2) == date(2026, 5, 15)
    assert renovation_completion.add_months(date(2026, 12, 31), 2) == date(2027, 2, 28)
    assert renovation_completion.add_months(date(2027, 12, 31), 2) == date(2028, 2, 29)
    assert renovation_completion.add_months(date(2026, 11, 30), 2) == date(2027, 1, 30)


# --- KPIs -----------------------------------------------------------------------------------------


def test_kpis_figures(db, people, community_id, tuesday):
    before = renovation_checks.kpis(db, community_id)
    a, made_a = under_way(db, people, community_id, 0, workers=(("甲", "mason"), ("乙", "welder")))
    b, _ = under_way(db, people, community_id, 1)
    new_application(db, people, community_id, 2)
    for app in (a, b):
        renovation_passes.record_deposit(db, people.desk, app.id, amount_cents=100_000, receipt_no=f"K{app.id}")
    bad = renovation_checks.site_check(db, people.butler, a.id, results={**ALL_OK, "waste": False},
                                       notes={"waste": "垃圾未清"})
    renovation_checks.site_check(db, people.butler, b.id, results=ALL_OK)
    rect = db.exec(select(Rectification).where(Rectification.site_check_id == bad.id)).one()
    renovation_checks.recheck(db, people.butler, rect.id, rectified=True)
    gate.verify_pass(db, people.guard, renovation_passes.pass_token(made_a[0][1]))  # valid
    gate.verify_pass(db, people.guard, renovation_passes.pass_token(made_a[1][1]))  # welder, no hot-work permission
    gate.verify_pass(db, people.guard, "not a pass")
    k = renovation_checks.kpis(db, community_id)
    assert k.households == 1524
    assert k.site_checks - before.site_checks == 2
    assert k.violating - before.violating == 1
    assert k.violation_rate == pytest.approx(k.violating / 1524)
    assert k.rectified - before.rectified == 1 and k.rectification_rate is not None
    assert k.by_status.get("approved", 0) - before.by_status.get("approved", 0) == 2
    assert k.by_status.get("first_review", 0) - before.by_status.get("first_review", 0) == 1
    assert k.by_stage.get("concealed", 0) - before.by_stage.get("concealed", 0) == 2
    assert k.passes_active - before.passes_active == 3
    assert (k.gate_scans - before.gate_scans, k.gate_refusals - before.gate_refusals) == (3, 2)
    assert k.refusals_by_verdict.get("hot_work_not_permitted", 0) >= 1
    # a rectification past its deadline, not re-checked, counts against the rate
    late = renovation_checks.site_check(db, people.butler, b.id, results={**ALL_OK, "noise": False},
                                        notes={"noise": "噪音"}, deadline_days=1)
    clock.advance(timedelta(days=2))
    k2 = renovation_checks.kpis(db, community_id, first=clock.today() - timedelta(days=10))
    assert k2.overdue >= 1 and k2.rectification_rate is not None and k2.rectification_rate < 1.0
    assert late.violations == 1
    assert db.exec(select(GateScan).where(GateScan.community_id == community_id)).first() is not None


def test_kpi_periods():
    today = date(2026, 11, 28)
    k = renovation_checks.kpi_period
    assert k("this_month", today) == (date(2026, 11, 1), today)
    assert k("last_month", today) == (date(2026, 10, 1), date(2026, 10, 31))
    assert k("last_month", date(2026, 1, 15)) == (date(2025, 12, 1), date(2025, 12, 31))
    assert k("this_quarter", today) == (date(2026, 10, 1), today)
    assert k("this_quarter", date(2026, 3, 31)) == (date(2026, 1, 1), date(2026, 3, 31))
    assert k("custom", today, date(2026, 9, 5), date(2026, 9, 5)) == (date(2026, 9, 5), date(2026, 9, 5))
    for first, last in ((None, today), (today, None), (today, today - timedelta(days=1))):
        with pytest.raises(DomainError) as err:
            k("custom", today, first, last)
        assert err.value.key == "renovation.bad_dates"
    with pytest.raises(DomainError):
        k("fortnight", today)


# --- the demo seed ---------------------------------------------------------------------------------


def test_demo_seed_gives_renovations_in_every_stage(db, community_id, people):
    made = seed_renovations(db)
    statuses = sorted(renovations.get(db, people.supervisor, i).status for i in made)
    assert statuses == sorted(["first_review", "sign_off", "returned", "approved", "approved", "completed"])
    k = renovation_checks.kpis(db, community_id)
    assert k.passes_active >= 3
    assert seed_renovations(db) == made  # seeding twice adds nothing


def test_every_message_key_has_chinese_and_english():
    import re
    from pathlib import Path

    from app.i18n import CATALOGS
    from app.i18n import renovations as messages

    assert set(messages.ZH) == set(messages.EN)
    root = Path(renovations.__file__).parent
    files = [root / "gate.py", *sorted((root / "renovation").glob("*.py"))]
    source = "".join(f.read_text() for f in files)
    keys = set(re.findall(r'(?:DomainError|Refused)\("([a-z_.]+)"', source))
    keys |= set(re.findall(r'"(renovation\.(?:hold|work)\.[a-z_]+)"', source))
    keys |= {f"gate.verdict.{v}" for v in gate.VERDICTS}
    keys |= {f"renovation.status.{s}" for s in renovations.STATUSES}
    keys |= {f"renovation.trade.{t}" for t in renovation_passes.TRADES}
    keys |= {f"renovation.check.{i}" for i in renovation_checks.CHECK_ITEMS}
    keys |= {f"field.{f}" for f in re.findall(r'field="([a-z_]+)"', source)}
    for lang in ("zh", "en"):
        missing = sorted(k for k in keys if k not in CATALOGS[lang])
        assert missing == [], (lang, missing)


def test_site_page_views_gates_declarable_header_and_checks(db, people, community_id, tuesday):
    """The site page reads its rules from domain views (no SQL or rule in the state): which stage gates
    may be declared, what is left, the header facts, the checks with their violations."""
    from app.domain.renovation import views

    app, _ = under_way(db, people, community_id, 6)
    view = views.stage_gate_view(db, app)
    assert [d.value for d in view.declarable] == [f"concealed:{i}" for i in view.concealed_left]
    assert view.areas_left == ["bathroom", "kitchen"] and view.gates == []
    g = renovation_checks.declare(db, people.desk, app.id, kind="concealed", item="structure")
    view = views.stage_gate_view(db, app)
    assert view.declarable == []  # one waits for its inspection
    assert [(r.item, r.status, r.label_key) for r in view.gates] == [
        ("structure", "declared", "renovation.concealed.structure")]
    head = views.site_header(db, app)
    assert (head.under_way, head.completed, head.hold, head.stage) == (True, False, "renovation.hold.inspection",
                                                                        "concealed")
    renovation_checks.inspect(db, people.engineer, g.id, passed=True)
    assert "concealed:structure" not in [d.value for d in views.stage_gate_view(db, app).declarable]
    renovation_checks.site_check(db, people.butler, app.id, results={**ALL_OK, "noise": False},
                                 notes={"noise": "午休时间电钻"})
    (row,) = views.site_checks_of(db, app)
    assert (row.violations, row.failed_items, row.inspector) == (1, ("noise",), db.get(Staff, people.butler.id).name)
