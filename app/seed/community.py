"""The demo community (people, buildings, grids, patrols) and the scale communities: deterministic rows.

Run through `python -m app.seed` (app/seed/__init__.py has the commands).

The same seed always gives the same rows. Staff accounts of the demo community
are listed in README.md; they all share DEMO_PASSWORD.
"""

from __future__ import annotations

import random

from sqlalchemy import func, insert
from sqlmodel import Session, select

from app.db.models import (
    Building,
    ChecklistItem,
    Checkpoint,
    Community,
    Entrance,
    Grid,
    Household,
    PatrolPlan,
    PatrolRoute,
    Resident,
    RouteStop,
    Staff,
    StaffRole,
)
from app.domain import clock, grids, passwords, roles

DEMO_PASSWORD = "demo1234"
DEMO_CODE = "SUN"

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建国建华志强婷雪梅海燕文博浩然子涵欣怡雨轩"
    "思远晨阳佳怡宇航梓萱俊杰诗涵一鸣嘉怡睿德雅琴春生秋菊冬梅志明永红立新卫东晓东丹丹亮亮"
)

# name, phone suffix, roles, gold
DEMO_STAFF: tuple[tuple[str, str, tuple[str, ...], bool], ...] = (
    ("系统管理员", "01", (roles.ADMIN,), False),
    ("周敏", "02", (roles.SUPERVISOR,), False),
    ("吴婷", "03", (roles.TEAM_LEAD,), False),
    ("郑雪", "04", (roles.FRONT_DESK,), False),
    ("孙悦", "05", (roles.FRONT_DESK,), False),
    ("王芳", "11", (roles.BUTLER,), False),
    ("李娜", "12", (roles.BUTLER,), False),
    ("张伟", "13", (roles.BUTLER,), False),
    ("陈静", "14", (roles.BUTLER,), True),
    ("刘强", "21", (roles.GUARD,), False),
    ("赵磊", "22", (roles.GUARD,), False),
    ("黄军", "23", (roles.GUARD,), False),
    ("杨师傅", "31", (roles.TECHNICIAN,), False),
    ("徐师傅", "32", (roles.TECHNICIAN,), False),
    ("马建国", "41", (roles.ENGINEERING_MANAGER,), False),
    ("朱志强", "42", (roles.GENERAL_MANAGER,), False),
    ("胡海燕", "43", (roles.ASSISTANT_MANAGER,), False),
)
DEMO_PHONE_PREFIX = "138000000"

# (entrances, floors, rooms per floor per entrance) for the demo's 13 buildings
DEMO_BUILDINGS = (
    [(2, 18, 4)] * 6  # high-rise, 144 households each
    + [(3, 11, 2)] * 4  # mid-rise, 66 each
    + [(1, 33, 4)] * 3  # towers, 132 each
)  # 1,524 households
GOLD_GRID_SIZE = 420


def plan_grids(total: int, gold: bool) -> list[int]:
    """Cut `total` households into grids inside the 350-400 band (gold grid first)."""
    sizes: list[int] = []
    rest = total
    if gold and total >= GOLD_GRID_SIZE + grids.BAND_MIN:
        sizes.append(GOLD_GRID_SIZE)
        rest -= GOLD_GRID_SIZE
    target = (grids.BAND_MIN + grids.BAND_MAX) / 2
    n = max(1, round(rest / target))
    # rounding to the target size can leave the band (2801 -> 7 grids of 400.1);
    # keep n inside the grid counts that fit whenever there are any
    fewest, most = -(-rest // grids.BAND_MAX), rest // grids.BAND_MIN
    if 0 < fewest <= most:
        n = min(max(n, fewest), most)
    base, extra = divmod(rest, n)
    sizes += [base + (1 if i < extra else 0) for i in range(n)]
    return sizes


def _name(rng: random.Random) -> str:
    surname = rng.choice(SURNAMES)
    given = rng.choice(GIVEN)
    if rng.random() < 0.6:
        given += rng.choice(GIVEN)
    return surname + given[:2]


def _phone(rng: random.Random) -> str:
    return rng.choice(("139", "137", "136", "135", "158", "186", "189")) + f"{rng.randrange(10**8):08d}"


def seed_community(
    session: Session,
    *,
    code: str,
    name: str,
    buildings: list[tuple[int, int, int]],
    seed: int,
    staff_spec: tuple[tuple[str, str, tuple[str, ...], bool], ...],
    phone_prefix: str,
    password_hash: str,
    gold: bool,
) -> int:
    """Insert one community with its buildings, households, residents, grids and staff."""
    rng = random.Random(seed)
    now = clock.now()
    community = Community(
        name=name,
        code=code,
        address=f"杭州市西湖区文三路{rng.randrange(100, 999)}号",
        front_desk_phone="0571-8888" + f"{rng.randrange(1000, 9999)}",
        service_hours="08:00-20:00",
    )
    session.add(community)
    session.flush()
    cid = community.id

    # staff first: butlers own the grids
    staff_ids: dict[str, int] = {}
    butler_ids: list[int] = []
    gold_id: int | None = None
    for sname, suffix, sroles, is_gold in staff_spec:
        member = Staff(
            community_id=cid,
            name=sname,
            phone=phone_prefix + suffix,
            password_hash=password_hash,
            is_gold_butler=is_gold,
            created_at=now,
        )
        session.add(member)
        session.flush()
        staff_ids[suffix] = member.id
        for role in sroles:
            session.add(StaffRole(staff_id=member.id, role=role))
        if roles.BUTLER in sroles:
            if is_gold:
                gold_id = member.id
            else:
                butler_ids.append(member.id)

    total = sum(e * f * r for e, f, r in buildings)
    sizes = plan_grids(total, gold and gold_id is not None)
    owners = ([gold_id] if gold and gold_id is not None else []) + butler_ids
    grid_ids = []
    for i, _size in enumerate(sizes):
        grid = Grid(
            community_id=cid,
            name=f"{i + 1}号网格",
            butler_id=owners[i] if i < len(owners) else None,
        )
        session.add(grid)
        session.flush()
        grid_ids.append(grid.id)
    # which grid the n-th household (in walking order) belongs to
    bounds = []
    acc = 0
    for gid, size in zip(grid_ids, sizes, strict=True):
        acc += size
        bounds.append((acc, gid))

    rows = []
    n = 0
    bi = 0
    for b_no, (entrances, floors, per_floor) in enumerate(buildings, start=1):
        building = Building(community_id=cid, name=f"{b_no}栋", floors=floors)
        session.add(building)
        session.flush()
        for e_no in range(1, entrances + 1):
            entrance = Entrance(building_id=building.id, number=e_no)
            session.add(entrance)
            session.flush()
            for floor in range(1, floors + 1):
                for room in range(1, per_floor + 1):
                    while n >= bounds[bi][0]:
                        bi += 1
                    roll = rng.random()
                    rows.append(
                        {
                            "community_id": cid,
                            "building_id": building.id,
                            "entrance_id": entrance.id,
                            "floor": floor,
                            "room": f"{floor}{room:02d}",
                            "area_m2": float(rng.choice((68, 89, 96, 108, 118, 125, 143))),
                            "occupancy": "occupied"
                            if roll < 0.85
                            else ("vacant" if roll < 0.95 else "renovating"),
                            "grid_id": bounds[bi][1],
                        }
                    )
                    n += 1
    ids = session.execute(
        insert(Household).returning(Household.id, sort_by_parameter_order=True), rows
    ).scalars().all()

    residents = []
    for hid, row in zip(ids, rows, strict=True):
        residents.append(
            {"household_id": hid, "name": _name(rng), "phone": _phone(rng), "role": "owner"}
        )
        if row["occupancy"] == "occupied":
            for _ in range(rng.choice((0, 1, 1, 2))):
                residents.append(
                    {
                        "household_id": hid,
                        "name": _name(rng),
                        "phone": _phone(rng),
                        "role": "tenant" if rng.random() < 0.2 else "owner",
                    }
                )
    session.execute(insert(Resident), residents)
    session.flush()
    return cid


# checkpoint names of a demo grid: (name, place) per building of the grid
DEMO_CHECKPOINTS = (
    ("{b}大堂", "{b}1单元一楼"),
    ("{b}消防通道", "{b}楼梯间顶层"),
    ("{b}地库入口", "{b}地下一层"),
)


def seed_patrols(session: Session, community_id: int, seed: int) -> None:
    """Checkpoints (with the handbook checklist), one daily route and plan per grid of a community."""
    from app.domain import patrols  # the template and codes live there

    rng = random.Random(seed)
    now = clock.now()
    lines = patrols.template(session, community_id)
    grid_rows = session.exec(select(Grid).where(Grid.community_id == community_id).order_by(Grid.id)).all()
    used: set[str] = set()
    for grid in grid_rows:
        names = session.exec(
            select(Building.name)
            .join(Household, Household.building_id == Building.id)
            .where(Household.grid_id == grid.id)
            .group_by(Building.id, Building.name)
            .order_by(Building.id)
        ).all()
        spots = [(n.format(b=b), p.format(b=b)) for b in names[:2] for n, p in DEMO_CHECKPOINTS][:4]
        spots.append(("垃圾分类投放点", f"{names[0]}东侧" if names else ""))
        route = PatrolRoute(community_id=community_id, grid_id=grid.id, name="日常巡查")
        session.add(route)
        session.flush()
        for pos, (name, place) in enumerate(spots):
            code = "".join(rng.choice(patrols.CODE_ALPHABET) for _ in range(patrols.CODE_LEN))
            while code in used:
                code = "".join(rng.choice(patrols.CODE_ALPHABET) for _ in range(patrols.CODE_LEN))
            used.add(code)
            cp = Checkpoint(community_id=community_id, grid_id=grid.id, name=name, place=place,
                            code=code, position=pos)
            session.add(cp)
            session.flush()
            for line in lines:
                session.add(ChecklistItem(checkpoint_id=cp.id, category=line.category,
                                          text=line.text, position=line.position))
            session.add(RouteStop(route_id=route.id, checkpoint_id=cp.id, position=pos))
        session.add(PatrolPlan(community_id=community_id, route_id=route.id, cadence="daily",
                               due_by="18:00", created_at=now))
    session.flush()


def seed_demo(session: Session) -> int:
    """The demo community 阳光花园 with staff for every role. Returns its id."""
    cid = seed_community(
        session,
        code=DEMO_CODE,
        name="阳光花园",
        buildings=DEMO_BUILDINGS,
        seed=2026,
        staff_spec=DEMO_STAFF,
        phone_prefix=DEMO_PHONE_PREFIX,
        password_hash=passwords.hash_password(DEMO_PASSWORD),
        gold=True,
    )
    seed_patrols(session, cid, seed=2027)
    return cid


def seed_scale(session: Session, households: int) -> list[int]:
    """Add communities of about 1,800-1,950 households (five grids each) until `households` exist."""
    have = session.exec(select(func.count()).select_from(Household)).one()
    pw = passwords.hash_password(DEMO_PASSWORD)
    made = []
    k = session.exec(select(func.count()).select_from(Community)).one()
    while have < households:
        k += 1
        rng = random.Random(1000 + k)
        want = min(1800, households - have)
        buildings = []
        size = 0
        while size < want:
            spec = rng.choice(((2, 18, 4), (3, 11, 2), (1, 33, 4), (2, 26, 2)))
            per_floor = spec[0] * spec[2]
            floors = min(spec[1], max(1, -(-(want - size) // per_floor)))
            spec = (spec[0], floors, spec[2])
            buildings.append(spec)
            size += spec[0] * spec[1] * spec[2]
        n_grids = len(plan_grids(size, False))
        staff_spec = (
            ("主管" + str(k), "02", (roles.SUPERVISOR,), False),
            ("前台" + str(k), "04", (roles.FRONT_DESK,), False),
            ("保安" + str(k), "21", (roles.GUARD,), False),
        ) + tuple((f"管家{k}-{i + 1}", f"{50 + i:02d}", (roles.BUTLER,), False) for i in range(n_grids))
        made.append(
            seed_community(
                session,
                code=f"S{k:03d}",
                name=f"规模测试小区{k}",
                buildings=buildings,
                seed=1000 + k,
                staff_spec=staff_spec,
                phone_prefix=f"170{k:04d}",
                password_hash=pw,
                gold=False,
            )
        )
        have += size
    return made


def print_accounts() -> None:
    """The demo sign-ins, as README.md lists them."""
    print(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for sname, suffix, sroles, gold in DEMO_STAFF:
        label = ", ".join(sroles) + (" (gold)" if gold else "")
        print(f"  {DEMO_PHONE_PREFIX}{suffix}  {sname}  {label}")
