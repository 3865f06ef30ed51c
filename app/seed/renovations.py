"""Demo renovations of the demo community: one in every stage of its life, with workers and passes.

    seed_renovations(session)   # after seed_demo; returns the application ids (seeding twice adds nothing)

Everything goes through the domain functions (as the desk and the managers
would), with the demo staff as actors: supervisor 02, engineering manager 41,
general manager 42, front desk 04, butler 11. Dates are relative to the day
it runs. The completed one is marked accepted directly (final acceptance
needs an as-built drawing photo, and the seed writes no files).
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, col, select

from app.db.models import Community, Household, RenovationApplication, Staff
from app.domain import (
    auth,
    clock,
    renovation_checks,
    renovation_completion,
    renovation_passes,
    renovations,
)

_PREFIX = "demo-reno-"


def _actor(session: Session, suffix: str) -> auth.Actor:
    from app.seed.community import DEMO_PHONE_PREFIX

    return auth.actor_for(session, session.exec(select(Staff).where(Staff.phone == DEMO_PHONE_PREFIX + suffix)).one())


def seed_renovations(session: Session) -> list[int]:
    """Six demo applications: first review, sign-off, returned, two under way, completed."""
    from app.seed.community import DEMO_CODE

    existing = session.exec(
        select(RenovationApplication.id).where(col(RenovationApplication.client_id).startswith(_PREFIX))
        .order_by(col(RenovationApplication.id))
    ).all()
    if existing:
        return list(existing)
    cid = session.exec(select(Community.id).where(Community.code == DEMO_CODE)).one()
    desk, sup, eng, gm, butler = (_actor(session, s) for s in ("04", "02", "41", "42", "11"))
    # one household per renovation, spread over the first buildings
    homes = session.exec(
        select(Household.id).where(Household.community_id == cid).order_by(col(Household.id))
    ).all()[5::151][:6]
    today = clock.today()

    def apply(n: int, owner: str, phone: str, company: str, contact: str, **kw) -> RenovationApplication:
        args = dict(
            household_id=homes[n], owner_name=owner, owner_phone=phone, contractor_company=company,
            contractor_contact=contact, contractor_phone=f"1370000{n:04d}",
            planned_start=today - timedelta(days=5), planned_end=today + timedelta(days=40),
            scope=["walls", "floors", "electrical", "plumbing"], waterproofing_areas=["bathroom", "kitchen"],
            client_id=f"{_PREFIX}{n + 1}",
        )
        args.update(kw)
        return renovations.apply(session, desk, **args)

    def worker(app: RenovationApplication, name: str, trade: str, n: int) -> None:
        renovation_passes.add_worker(session, desk, app.id or 0, name=name, phone=f"1360000{n:04d}", trade=trade,
                               id_number=f"3201021985{n:04d}1234"[:17] + "X")

    def up_to(app: RenovationApplication, level: str) -> None:
        for lv, actor in ((renovations.FIRST_REVIEW, sup), (renovations.SECOND_REVIEW, eng),
                          (renovations.SIGN_OFF, gm)):
            if lv == level:
                return
            renovations.decide(session, actor, app.id or 0, level=lv, decision=renovations.APPROVE)

    made = []
    # 1. waiting for the supervisor's first review
    a1 = apply(0, "林晓东", "13912340001", "美家装饰", "高工", planned_start=today + timedelta(days=7),
               planned_end=today + timedelta(days=60))
    worker(a1, "陈建军", "mason", 1)
    made.append(a1)
    # 2. waiting for the general manager's sign-off
    a2 = apply(1, "郭雅琴", "13912340002", "匠心装修", "罗工", scope=["floors", "ceiling"], waterproofing_areas=[])
    worker(a2, "何志明", "carpenter", 2)
    up_to(a2, renovations.SIGN_OFF)
    made.append(a2)
    # 3. returned by the engineering manager, with reasons
    a3 = apply(2, "唐思远", "13912340003", "", "宋工", scope=["walls"], waterproofing_areas=["balcony"])
    renovations.decide(session, sup, a3.id or 0, level=renovations.FIRST_REVIEW, decision=renovations.APPROVE)
    renovations.decide(session, eng, a3.id or 0, level=renovations.SECOND_REVIEW, decision=renovations.RETURN,
                       reasons="阳台封闭方案涉及外立面，请补充图纸")
    made.append(a3)
    # 4. under way, concealed works: three workers (one welder), deposit, hot work tomorrow
    a4 = apply(3, "许文博", "13912340004", "安居装饰", "钱工", hot_work=True)
    for i, (name, trade) in enumerate((("孙立新", "electrician"), ("冯卫东", "plumber"), ("曾亮亮", "welder"))):
        worker(a4, name, trade, 10 + i)
    up_to(a4, "")
    renovation_passes.record_deposit(session, desk, a4.id or 0, amount_cents=300_000, receipt_no="SJ2026-0041")
    renovation_checks.grant_hot_work(session, eng, a4.id or 0, starts_on=today + timedelta(days=1),
                                     ends_on=today + timedelta(days=2), fire_watch_name="赵磊",
                                     fire_watch_phone="13800000022")
    renovation_checks.site_check(session, butler, a4.id or 0,
                                 results={i: True for i in renovation_checks.CHECK_ITEMS})
    made.append(a4)
    # 5. under way, held at the waterproofing check, with an open rectification
    a5 = apply(4, "彭春生", "13912340005", "家和装饰", "肖工", scope=["electrical", "plumbing"])
    for i, (name, trade) in enumerate((("田秋菊", "waterproofing"), ("董志强", "tiler"))):
        worker(a5, name, trade, 20 + i)
    up_to(a5, "")
    renovation_passes.record_deposit(session, desk, a5.id or 0, amount_cents=200_000, receipt_no="SJ2026-0042")
    for item in renovation_checks.required_concealed(a5):
        gate = renovation_checks.declare(session, desk, a5.id or 0, kind=renovation_checks.CONCEALED, item=item)
        renovation_checks.inspect(session, eng, gate.id or 0, passed=True)
    renovation_checks.advance_stage(session, eng, a5.id or 0)
    renovation_checks.declare(session, desk, a5.id or 0, kind=renovation_checks.WATERPROOFING, item="bathroom")
    renovation_checks.site_check(session, butler, a5.id or 0,
                                 results={**{i: True for i in renovation_checks.CHECK_ITEMS}, "waste": False},
                                 notes={"waste": "建筑垃圾堆放在楼道"}, deadline_days=2)
    made.append(a5)
    # 6. completed ahead of plan: accepted last week, passes revoked, revisit due, deposit waiting for the refund
    a6 = apply(5, "袁嘉怡", "13912340006", "美家装饰", "高工", planned_start=today - timedelta(days=50),
               planned_end=today + timedelta(days=10), scope=["walls", "floors"], waterproofing_areas=[])
    worker(a6, "潘永红", "painter", 30)
    up_to(a6, "")
    renovation_passes.record_deposit(session, desk, a6.id or 0, amount_cents=200_000, receipt_no="SJ2026-0031")
    renovation_passes.revoke_all_passes(session, eng, a6.id or 0, "completion")
    a6.status = renovations.COMPLETED
    a6.stage = renovation_checks.FINISHING
    a6.completed_at = clock.now() - timedelta(days=7)
    a6.completed_by = eng.id
    a6.revisit_due = renovation_completion.add_months(today - timedelta(days=7), renovation_completion.REVISIT_MONTHS)
    session.add(a6)
    made.append(a6)
    session.flush()
    return [a.id or 0 for a in made]
