"""Seed data of the complaint register: the demo community's history and bulk scale rows.

`seed_demo_requests` writes the requests of 阳光花园 over the local days
before today (14 by default: 42 requests in ~1.3 s on SQLite; `days=100` gives
~300 in ~8.5 s), through `app.domain.requests` itself: every step runs with
the clock frozen at its moment, in time order across all requests, and the
overdue sweep runs when a deadline passes, so the rows, deadlines, history,
notices, audit entries and search terms are exactly what the app would have
written. Nothing is received today: the history ends at local midnight, the
requests still open then stay open at the stage they reached.

`seed_scale_requests` bulk-inserts register lines (with their search terms
and a received/last-step history) into the scale communities of
`app.seed.seed_scale`, for the benchmarks (`bench/request_queries.py`).
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, insert
from sqlmodel import Session, col, select

from app.db.models import (
    Building,
    Community,
    Grid,
    Household,
    RequestEvent,
    RequestTerm,
    Resident,
    ServiceRequest,
    Staff,
    StaffRole,
)
from app.domain import auth, clock, request_terms, requests, roles, work_orders
from app.domain.auth import Actor

# days of demo history by default: the demo seed runs for every test session, so it stays ~2 s
DAYS = 14

# what residents say, per category; {b} a building, {e} an entrance
MINOR = (
    "厨房水龙头滴水，关不紧", "卫生间地漏堵塞，排水很慢", "{b}{e}单元楼道声控灯不亮",
    "入户门门锁不好用，钥匙转不动", "阳台晾衣架绳子断了", "客厅插座没电",
    "马桶水箱一直流水", "单元门禁刷卡没反应", "窗户把手松动关不严",
    "空调冷凝水管脱落，滴到楼下", "{b}楼道窗户玻璃裂了", "信报箱锁坏了",
    "{b}门口路灯不亮", "对讲门铃没有声音", "电梯按钮失灵，按了没反应",
)
URGENT = (
    "家里突然停电，总闸合不上", "水管爆裂，水流到楼道", "电梯困人，{b}{e}单元",
    "下水道反水，卫生间全是污水", "楼上渗水，天花板一直在滴水", "单元门电磁锁失灵，门关不上",
)
COMPLAINTS = (
    "楼上装修噪音太大，中午也在施工", "邻居在楼道堆放杂物，影响通行", "小区里有人遛狗不牵绳",
    "垃圾桶满了没人清理，有异味", "消防通道被车辆长期占用", "快递堆在大堂没人管",
    "夜间巡逻不到位，{b}附近有陌生人", "绿化带被人种菜", "晚上广场舞音乐太吵",
    "电动车在楼道充电，有安全隐患", "{b}{e}单元楼梯扶手有灰，保洁不干净", "地下停车场照明太暗",
)
MAJOR = (
    "报修三天没人上门，家里地板被水泡坏了，要求赔偿并给个说法",
    "保安与业主发生争执推搡，业主受伤，要求物业严肃处理",
)
INQUIRIES = (
    "物业费怎么缴纳，可以线上交吗", "装修需要办理什么手续", "停车月卡怎么办理",
    "小区什么时候停水检修", "快递柜在哪里", "访客车辆怎么登记", "门禁卡丢了怎么补办",
)
SUGGESTIONS = (
    "建议在{b}附近增加电动车充电桩", "希望增加儿童游乐设施", "建议垃圾分类点加装洗手池",
    "建议大堂放几把椅子给老人休息", "建议公告栏张贴停水停电通知时提前一天",
)
PRAISE = (
    "感谢维修师傅及时上门，服务很好", "保洁阿姨很负责，楼道很干净", "管家服务热情，特此表扬",
)
# (what the resident asked, why it is not ours, where they were referred)
NOT_OURS = (
    ("小区外马路施工噪音很大", "属市政道路施工，不归物业管理", "12345 市民热线"),
    ("家里宽带断网了", "属运营商宽带故障", "电信客服 10000"),
    ("燃气费账单有疑问", "燃气费由燃气公司收取", "燃气公司客服 96777"),
    ("自来水水压很低", "属供水管网压力问题", "水务集团客服 96390"),
)
# (work-order department, finding title, place pattern, request category)
PATROL_FINDINGS = (
    ("cleaning", "垃圾桶满溢", "{b}东侧", requests.COMPLAINT),
    ("security", "消防通道堆放杂物", "{b}楼梯间", requests.COMPLAINT),
    ("technician", "路灯不亮", "{b}门口", requests.REPAIR_MINOR),
    ("engineering", "井盖松动", "{b}北侧道路", requests.REPAIR_MINOR),
)
RESOLUTIONS = {
    requests.REPAIR_MINOR: ("已更换配件，试用正常", "已疏通", "已维修，住户确认", "已紧固调整"),
    requests.REPAIR_URGENT: ("已抢修恢复", "已关闭总阀并更换管段", "已解救并报电梯公司检修"),
    requests.COMPLAINT: ("已上门协调，住户认可", "已安排清理", "已张贴提示并加强巡查", "已约谈当事人"),
    requests.INQUIRY: ("已电话告知办理方式",),
    requests.SUGGESTION: ("已记录，纳入下季度改进计划",),
    requests.PRAISE: ("已转达当事员工",),
}
FOLLOW_UP_COMMENTS = {5: "很满意", 4: "满意", 3: "一般", 2: "问题没有彻底解决", 1: "很不满意"}


@dataclass(order=True)
class _Step:
    at: datetime
    seq: int
    key: int = field(compare=False)
    run: Callable[[], None] = field(compare=False)


def _local(day, hour: float) -> datetime:
    """UTC of `hour` (fractional) on the local `day`."""
    at = datetime.combine(day, time(0, 0), tzinfo=clock.ZONE) + timedelta(hours=hour)
    return at.astimezone(UTC)


def seed_demo_requests(session: Session, community_id: int, seed: int = 2028, days: int = DAYS) -> int:
    """The demo community's register history over the past `days` local days; returns how many requests.

    About three requests a day plus seven fixed stories (two major complaints,
    stuck ones); each request costs ~7 domain steps, ~30 ms of SQLite time
    per request: 14 days ~1.3 s, 100 days (~300 requests) ~8.5 s.

    Deterministic for a given seed and day: the same requests at the same local
    times, the same steps and statuses. The clock is moved for every step and
    put back afterwards.
    """
    rng = random.Random(seed)
    prev_fixed, prev_offset = clock._fixed, clock._offset  # put back afterwards
    end = _local(clock.today(), 0)  # local midnight today: nothing is received today
    try:
        n = _DemoHistory(session, community_id, rng, end, days).run()
    finally:
        clock.reset()
        if prev_fixed is not None:
            clock.freeze(prev_fixed)
        else:
            clock.advance(prev_offset)
    return n


class _DemoHistory:
    def __init__(self, session: Session, community_id: int, rng: random.Random, end: datetime, days: int):
        self.s = session
        self.days = days
        self.cid = community_id
        self.rng = rng
        self.end = end
        self.queue: list[_Step] = []
        self.seq = 0
        self.ids: dict[int, int] = {}  # plan key -> request id
        self.rows: dict[int, ServiceRequest] = {}
        self.plans: dict[int, list[tuple[datetime, Callable[[], None]]]] = {}
        self.sweeps: set[datetime] = set()
        staff = {
            st.phone[-2:]: st
            for st in session.exec(select(Staff).where(Staff.community_id == community_id))
        }
        self.actor: dict[str, Actor] = {k: auth.actor_for(session, v) for k, v in staff.items()}
        self.homes = session.exec(
            select(Household.id, Household.grid_id, Household.building_id)
            .where(Household.community_id == community_id)
            .order_by(col(Household.id))
        ).all()
        self.butler_of = {
            g.id: g.butler_id for g in session.exec(select(Grid).where(Grid.community_id == community_id))
        }
        self.contact: dict[int, tuple[str, str]] = {}
        for hid, name, phone in session.exec(
            select(Resident.household_id, Resident.name, Resident.phone)
            .join(Household, col(Household.id) == col(Resident.household_id))
            .where(Household.community_id == community_id)
            .order_by(col(Resident.id).desc())
        ):
            self.contact[hid] = (name, phone)  # the first resident (the owner) wins
        self.bname = {
            b.id: b.name for b in session.exec(select(Building).where(Building.community_id == community_id))
        }
        # a few households call often (their history shows in a household search)
        self.regulars = [self.homes[i] for i in rng.sample(range(len(self.homes)), 25)]

    # --- planning -------------------------------------------------------------------------------

    def _text(self, pattern: str, home) -> str:
        return pattern.format(b=self.bname[home[2]], e=self.rng.randint(1, 2))

    def _home(self):
        return self.rng.choice(self.regulars) if self.rng.random() < 0.3 else self.rng.choice(self.homes)

    def run(self) -> int:
        rng = self.rng
        first = clock.local(self.end).date()
        key = 0
        for back in range(self.days, 0, -1):
            day = first - timedelta(days=back)
            for _ in range(rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5))):
                key += 1
                self._plan(key, day, back)
        # the fixed stories of the demo: two major complaints and some stuck requests
        key += 1
        self._plan(key, first - timedelta(days=2), 2, story="major_acknowledged")
        key += 1
        self._plan(key, first - timedelta(days=1), 1, story="major_waiting")
        for back, story in ((3, "never_arrived"), (5, "reply_missed"), (6, "follow_up_missed"),
                            (1, "not_classified"), (4, "never_arrived")):
            key += 1
            self._plan(key, first - timedelta(days=back), back, story=story)
        self._execute()
        return len(self.ids)

    def _plan(self, key: int, day, back: int, story: str = "") -> None:
        rng = self.rng
        hour = rng.choice((rng.uniform(7.5, 21.5),) * 9 + (rng.uniform(0.2, 7.0),))
        t0 = _local(day, hour)
        home = self._home()
        steps: list[tuple[datetime, Callable[[], None]]] = []
        roll = rng.random()
        channel = (requests.PHONE if roll < 0.45 else requests.VISIT if roll < 0.6
                   else requests.RESIDENT_PAGE if roll < 0.82 else requests.LETTER if roll < 0.85
                   else requests.OTHER if roll < 0.92 else requests.PATROL)
        if story:
            channel = requests.PHONE
        referral = None
        major = story.startswith("major")
        finding = None
        roll = rng.random()
        if major:
            category, text = requests.COMPLAINT, MAJOR[0 if story == "major_acknowledged" else 1]
        elif channel == requests.PATROL:
            finding = rng.choice(PATROL_FINDINGS)
            category, text = finding[3], ""
        elif roll < 0.03 and not story:
            referral = rng.choice(NOT_OURS)
            category, text = requests.COMPLAINT, referral[0]
        elif roll < 0.43 or story == "never_arrived":
            category, text = requests.REPAIR_MINOR, self._text(rng.choice(MINOR), home)
        elif roll < 0.53:
            category, text = requests.REPAIR_URGENT, self._text(rng.choice(URGENT), home)
        elif roll < 0.78 or story in ("reply_missed", "follow_up_missed", "not_classified"):
            category, text = requests.COMPLAINT, self._text(rng.choice(COMPLAINTS), home)
        elif roll < 0.9:
            category, text = requests.INQUIRY, rng.choice(INQUIRIES)
        elif roll < 0.96:
            category, text = requests.SUGGESTION, self._text(rng.choice(SUGGESTIONS), home)
        else:
            category, text = requests.PRAISE, rng.choice(PRAISE)
        desk = self.actor[rng.choice(("04", "05"))]
        name, phone = self.contact[home[0]]

        def intake() -> None:
            if channel == requests.PATROL:
                assert finding is not None
                butler = self.actor["11"]
                order = work_orders.create(
                    self.s, butler, grid_id=home[1], department=finding[0], title=finding[1],
                    detail="巡查发现", place=finding[2].format(b=self.bname[home[2]]),
                    source_kind="patrol_seed", source_id=None,
                )
                filed = requests.from_work_order(self.s, desk, order.id)
                work_orders.close(self.s, desk, order.id)
            elif channel == requests.RESIDENT_PAGE:
                kind = {requests.REPAIR_URGENT: "repair", requests.REPAIR_MINOR: "repair"}.get(
                    category, category if category in requests.RESIDENT_KINDS else "complaint"
                )
                filed = requests.public_intake(
                    self.s, community_id=self.cid, household_id=home[0], kind=kind, content=text,
                    contact_phone=phone, contact_name=name, client_key=f"seed-{home[0]:05d}",
                )
            else:
                by = desk if channel != requests.OTHER else self.actor[self._butler(home)]
                filed = requests.intake(
                    self.s, by, channel=channel, content=text, household_id=home[0],
                    contact_name=name, contact_phone=phone,
                    recording_ref=f"REC-{clock.local(t0):%Y%m%d}-{key:04d}" if channel == requests.PHONE else "",
                )
            self.ids[key] = filed.request.id
            self.rows[key] = filed.request  # held, so the session's identity map keeps it

        steps.append((t0, intake))
        t = t0 + timedelta(minutes=rng.uniform(1, 9) if rng.random() < 0.93 else rng.uniform(16, 50))
        if story == "not_classified":
            self._queue(key, steps)
            return
        rid = lambda: self.ids[key]  # noqa: E731
        if referral is not None:
            steps.append((t, lambda: requests.classify(
                self.s, desk, rid(), category=category, ours=False,
                referral_note=referral[1], referral_channel=referral[2])))
            self._queue(key, steps)
            return
        reply_by = None
        if category == requests.COMPLAINT and (major or rng.random() < 0.4):
            reply_by = t + timedelta(hours=rng.choice((4, 24, 48)) if not major else 72)
        steps.append((t, lambda: requests.classify(
            self.s, desk, rid(), category=category, major=major, reply_by=reply_by)))
        if story == "major_acknowledged":
            steps.append((t + timedelta(minutes=25), lambda: requests.acknowledge(
                self.s, self.actor["43"], rid(), "已致电业主，明天上门")))
        t += timedelta(minutes=rng.uniform(0.5, 4))
        repair = category in requests.REPAIRS
        tech = self.actor[rng.choice(("31", "32"))]
        if repair:
            department = "technician" if rng.random() < 0.85 else "engineering"
            assignee: Actor | None = tech
        elif category == requests.COMPLAINT:
            department = rng.choice(("service", "service", "cleaning", "security"))
            assignee = self.actor[self._butler(home)] if department == "service" else self.actor["03"]
        else:
            department, assignee = "service", None
        steps.append((t, lambda: requests.dispatch(
            self.s, desk, rid(), department=department,
            assignee_id=assignee.id if assignee else None)))
        if story in ("reply_missed", "major_acknowledged", "major_waiting"):
            self._queue(key, steps)
            return
        resolver = assignee if repair or (assignee and rng.random() < 0.6) else desk
        for visit in range(2):
            if repair:
                late = rng.random() < 0.12
                arrive_t = t + timedelta(minutes=rng.uniform(6, 25) if late else rng.uniform(1.5, 4.9))
                steps.append((t + (arrive_t - t) / 3, lambda: requests.accept(self.s, tech, rid())))
                if story == "never_arrived":
                    break
                steps.append((arrive_t, lambda: requests.arrive(self.s, tech, rid())))
                long = rng.random() < 0.08
                t = arrive_t + timedelta(minutes=rng.uniform(70, 180) if long else rng.uniform(10, 55))
                if category == requests.REPAIR_URGENT:  # before the end of the day if at all possible
                    t = max(arrive_t + timedelta(minutes=5), min(t, _local(clock.local(t0).date(), 23.9)))
            elif category == requests.COMPLAINT:
                t += timedelta(hours=rng.uniform(1, 20))
                if visit == 0 and reply_by is not None and t > reply_by and rng.random() < 0.8:
                    t = reply_by - timedelta(minutes=rng.uniform(10, 60))
            else:
                t += timedelta(minutes=rng.uniform(5, 90))
            text_done = rng.choice(RESOLUTIONS[category])
            steps.append((t, lambda text_done=text_done, who=resolver: requests.resolve(
                self.s, who, rid(), text_done)))
            if category not in requests.FOLLOWED_UP_CATEGORIES:
                t += timedelta(hours=rng.uniform(0.2, 12))
                steps.append((t, lambda: requests.close(self.s, desk, rid())))
                break
            if story == "follow_up_missed":
                break
            t += timedelta(hours=rng.uniform(2, 40) if rng.random() < 0.93 else rng.uniform(50, 70))
            score = rng.choice((5, 5, 5, 4, 4)) if visit or rng.random() > 0.07 else rng.choice((2, 3))
            caller = self.actor[self._butler(home)]
            method = "phone" if rng.random() < 0.8 else "visit"
            steps.append((t, lambda score=score, caller=caller, method=method: requests.follow_up(
                self.s, caller, rid(), method=method, satisfaction=score,
                comment=FOLLOW_UP_COMMENTS[score])))
            if score >= 4:
                t += timedelta(hours=rng.uniform(0.1, 24))
                steps.append((t, lambda caller=caller: requests.close(self.s, caller, rid())))
                break
            # reopened: back to the same person, who comes again
            t += timedelta(minutes=rng.uniform(1, 3))
        self._queue(key, steps)

    def _butler(self, home) -> str:
        butler_id = self.butler_of.get(home[1])
        for k, a in self.actor.items():
            if a.id == butler_id:
                return k
        return "11"

    def _queue(self, key: int, steps: list[tuple[datetime, Callable[[], None]]]) -> None:
        steps.sort(key=lambda s: s[0])  # stable: steps at the same moment keep their order
        kept = [(at, run) for at, run in steps if at < self.end]
        self.plans[key] = kept
        if kept:
            self._push(key, 0)

    def _push(self, key: int, i: int) -> None:
        at, run = self.plans[key][i]
        self.seq += 1

        def step(key=key, i=i, run=run) -> None:
            run()
            plan = self.plans[key]
            nxt = plan[i + 1][0] if i + 1 < len(plan) else self.end
            if i + 1 < len(plan):
                self._push(key, i + 1)
            req = self.rows[key]
            if req.is_open and req.due_at is not None and req.due_at < nxt:
                # nobody acted in time: the sweeper notices the missed deadline
                sweep = req.due_at.replace(second=0, microsecond=0) + timedelta(minutes=1)
                if sweep < self.end and sweep not in self.sweeps:
                    self.sweeps.add(sweep)
                    self.seq += 1
                    heapq.heappush(self.queue, _Step(sweep, self.seq, 0, self._sweep))

        heapq.heappush(self.queue, _Step(at, self.seq, key, step))

    def _sweep(self) -> None:
        requests.sweep_overdue(self.s, self.cid)

    def _execute(self) -> None:
        while self.queue:
            item = heapq.heappop(self.queue)
            clock.freeze(item.at)
            item.run()
        clock.freeze(self.end)
        requests.sweep_overdue(self.s, self.cid)
        self.s.flush()


# --- scale data ------------------------------------------------------------------------------

BATCH = 5000
SCALE_YEARS = 2


def seed_scale_requests(session: Session, total: int, seed: int = 4040) -> int:
    """Bulk-insert register lines into the scale communities until they hold `total`; returns how many added.

    Core inserts in batches, not the domain: about 5% stay open (a third of
    those past their deadline), a few complaints are major; received over the
    last two years. Every request gets its search terms and a "received"
    event, and closed ones a "closed" event too.
    """
    from app.seed.community import DEMO_CODE

    communities = session.exec(
        select(Community.id)
        .where(col(Community.code).like("S%"), Community.code != DEMO_CODE)  # S001, S002, ...
        .order_by(col(Community.id))
    ).all()
    if not communities:
        return 0
    have = session.exec(
        select(func.count()).select_from(ServiceRequest).where(
            col(ServiceRequest.community_id).in_(communities)
        )
    ).one()
    want = total - have
    if want <= 0:
        return 0
    rng = random.Random(seed + have)
    now = clock.now()
    span = timedelta(days=365 * SCALE_YEARS).total_seconds()
    homes: dict[int, list[tuple[int, int | None]]] = {c: [] for c in communities}
    for hid, gid, cid in session.exec(
        select(Household.id, Household.grid_id, Household.community_id)
        .where(col(Household.community_id).in_(communities))
        .order_by(col(Household.id))
    ):
        homes[cid].append((hid, gid))
    contact: dict[int, tuple[str, str]] = {}
    for hid, name, phone in session.exec(
        select(Resident.household_id, Resident.name, Resident.phone)
        .join(Household, col(Household.id) == col(Resident.household_id))
        .where(col(Household.community_id).in_(communities))
        .order_by(col(Resident.id).desc())
    ):
        contact[hid] = (name, phone)
    people: dict[int, list[int]] = {c: [] for c in communities}
    for sid, cid in session.exec(
        select(Staff.id, Staff.community_id)
        .join(StaffRole, col(StaffRole.staff_id) == col(Staff.id))
        .where(col(Staff.community_id).in_(communities),
               col(StaffRole.role).in_((roles.BUTLER, roles.FRONT_DESK)))
        .order_by(col(Staff.id))
    ):
        people[cid].append(sid)
    texts = [(requests.REPAIR_MINOR, p) for p in MINOR] * 3 + [(requests.REPAIR_URGENT, p) for p in URGENT]
    texts += [(requests.COMPLAINT, p) for p in COMPLAINTS] * 2 + [(requests.INQUIRY, p) for p in INQUIRIES]
    texts += [(requests.SUGGESTION, p) for p in SUGGESTIONS] + [(requests.PRAISE, p) for p in PRAISE]
    rare = (requests.COMPLAINT, "{b}{e}单元外墙发现马蜂窝")  # about one request in a thousand
    term_cache: dict[str, set[str]] = {}

    def terms_of(text: str) -> set[str]:
        got = term_cache.get(text)
        if got is None:
            got = term_cache[text] = request_terms.terms(text)
        return got

    open_statuses = (
        [requests.RECEIVED] * 2 + [requests.CLASSIFIED] + [requests.DISPATCHED] * 6
        + [requests.ACCEPTED] * 2 + [requests.ON_SITE] * 2 + [requests.RESOLVED] * 7
    )
    added = 0
    while added < want:
        n = min(BATCH, want - added)
        rows = []
        extra = []  # per row: (terms, closed_at or None)
        for _ in range(n):
            cid = communities[rng.randrange(len(communities))]
            hid, gid = rng.choice(homes[cid])
            category, pattern = rare if rng.random() < 0.001 else rng.choice(texts)
            text = pattern.format(b=f"{rng.randint(1, 12)}栋", e=rng.randint(1, 3))
            name, phone = contact.get(hid, ("", ""))
            is_open = rng.random() < 0.05
            if is_open:
                received = now - timedelta(seconds=min(span, rng.expovariate(1 / (3 * 86400))))
                status = rng.choice(open_statuses)
                late = rng.random() < 0.33
                due = now - timedelta(hours=rng.uniform(0.1, 72)) if late else now + timedelta(
                    hours=rng.uniform(0.1, 72))
                closed_at = None
            else:
                received = now - timedelta(seconds=rng.uniform(3 * 86400, span))
                status, due = requests.CLOSED, None
                closed_at = received + timedelta(hours=rng.uniform(1, 96))
            major = category == requests.COMPLAINT and rng.random() < 0.004
            dispatched = status not in (requests.RECEIVED, requests.CLASSIFIED)
            assignee = rng.choice(people[cid]) if dispatched and people[cid] else None
            ours = not (category == requests.COMPLAINT and status == requests.CLOSED and rng.random() < 0.03)
            rows.append({
                "community_id": cid, "household_id": hid, "grid_id": gid,
                "channel": rng.choice(requests.CHANNELS[:4] + (requests.PHONE,) * 3),
                "received_at": received, "contact_name": name, "contact_phone": phone,
                "content": text, "category": "" if status == requests.RECEIVED else category,
                "ours": ours, "major": major and ours,
                "acknowledged_at": received + timedelta(hours=1) if major and rng.random() < 0.5 else None,
                "department": "service" if dispatched else "", "assignee_id": assignee,
                "status": status, "is_open": is_open, "due_at": due,
                "overdue_noticed_for": due if due is not None and due < now else None,
                "dispatched_at": received + timedelta(minutes=8) if dispatched else None,
                "resolved_at": (closed_at or now) - timedelta(minutes=30)
                if status in (requests.RESOLVED, requests.CLOSED) else None,
                "closed_at": closed_at, "resolution": "已处理" if closed_at else "",
            })
            words = terms_of(text) | terms_of(name) | request_terms._phone_terms(phone)
            extra.append((words, closed_at))
        ids = session.execute(
            insert(ServiceRequest).returning(ServiceRequest.id, sort_by_parameter_order=True), rows
        ).scalars().all()
        term_rows = []
        event_rows = []
        for rid, row, (words, closed_at) in zip(ids, rows, extra, strict=True):
            term_rows += [{"community_id": row["community_id"], "term": w, "request_id": rid} for w in words]
            event_rows.append({"request_id": rid, "at": row["received_at"], "kind": "received",
                               "from_status": "", "to_status": requests.RECEIVED, "note": row["channel"]})
            if closed_at is not None:
                event_rows.append({"request_id": rid, "at": closed_at, "kind": "closed",
                                   "from_status": requests.FOLLOWED_UP, "to_status": requests.CLOSED,
                                   "note": ""})
        session.execute(insert(RequestTerm), term_rows)
        session.execute(insert(RequestEvent), event_rows)
        added += n
    session.flush()
    return added
