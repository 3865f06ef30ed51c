"""Patrols (巡查): checkpoints with QR tags, checklists, routes, plans, the walk, coverage.

Set-up (supervisor / team lead): checkpoints of a grid (a short code and a
signed QR tag each), a checklist per checkpoint copied from the community's
template (hygiene, public order, facilities: the butler's duties in the
handbook), routes through checkpoints, and plans that say when a route is due.

The walk (butler, or the deputy covering the grid): start a due patrol, scan
each checkpoint (QR token, or the typed short code when the camera fails),
take at least one photo there (a scan alone proves little: a photo of the
sticker can be scanned anywhere), tick each item pass or fail; a failed item
becomes a work order. Finishing records the missed checkpoints. The server's
clock is the record. Every write takes a client id, so a retried write is
applied once.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TypeVar

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.db.models import (
    ChecklistItem,
    ChecklistTemplate,
    Checkpoint,
    EvidencePhoto,
    Grid,
    GridCover,
    Patrol,
    PatrolCheck,
    PatrolPlan,
    PatrolRoute,
    PatrolVisit,
    RouteStop,
    Staff,
    WorkOrder,
)
from app.domain import audit, clock, evidence, tokens, validation, work_orders
from app.domain.auth import Actor
from app.domain.errors import DomainError, Refused
from app.domain.validation import clean_text

HYGIENE = "hygiene"
ORDER = "order"
FACILITIES = "facilities"
CATEGORIES: tuple[str, ...] = (HYGIENE, ORDER, FACILITIES)

# which department a failed item of each category goes to by default
DEFAULT_DEPARTMENT = {
    HYGIENE: work_orders.CLEANING,
    ORDER: work_orders.SECURITY,
    FACILITIES: work_orders.ENGINEERING,
}

# the handbook's butler duties, as the template new communities start from
DEFAULT_TEMPLATE: tuple[tuple[str, str], ...] = (
    (HYGIENE, "地面、楼梯清洁，无垃圾杂物"),
    (HYGIENE, "垃圾桶已清运，无满溢异味"),
    (HYGIENE, "墙面、电梯无小广告"),
    (ORDER, "消防通道畅通，无堆物占用"),
    (ORDER, "无可疑人员，无违规停放"),
    (ORDER, "无违规装修、无噪音扰民"),
    (FACILITIES, "照明灯具完好"),
    (FACILITIES, "单元门、门禁正常"),
    (FACILITIES, "消防器材完好在位"),
)

DAILY = "daily"
WEEKLY = "weekly"
WEEKDAYS = "weekdays"
CADENCES: tuple[str, ...] = (DAILY, WEEKLY, WEEKDAYS)

IN_PROGRESS = "in_progress"
FINISHED = "finished"

# due-list states
DUE = "due"
STARTED = "started"
DONE = "done"
LATE = "late"  # not finished and past its due time (still walkable)

CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"  # no 0/O, 1/I/L, 2/Z, 5/S, 8/B
CODE_LEN = 6
# what a typed code looks like (any letters or digits: a mistyped code gets "unknown code")
_CODE_RE = re.compile(rf"[A-Z0-9]{{{CODE_LEN}}}")
_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")

VISIT_PHOTO_KIND = "patrol_visit"


# --- small helpers ----------------------------------------------------------------------


def _client_id(value: str | None) -> str | None:
    """An optional client id (None when the caller sent none)."""
    return None if value is None or value == "" else validation.client_id(value)


M = TypeVar("M", Grid, Checkpoint, PatrolRoute, PatrolPlan, ChecklistTemplate)


def _own(session: Session, actor: Actor, model: type[M], row_id: int, missing_key: str) -> M:
    """A row of the actor's own community; another community's row is as good as missing."""
    row = session.get(model, row_id)
    if row is None or row.community_id is None or row.community_id != actor.community_id:
        raise DomainError(missing_key)
    return row


def _grid(session: Session, actor: Actor, grid_id: int) -> Grid:
    return _own(session, actor, Grid, grid_id, "grid.not_found")


def _checkpoint(session: Session, actor: Actor, checkpoint_id: int) -> Checkpoint:
    return _own(session, actor, Checkpoint, checkpoint_id, "patrol.checkpoint_not_found")


def _route(session: Session, actor: Actor, route_id: int) -> PatrolRoute:
    return _own(session, actor, PatrolRoute, route_id, "patrol.route_not_found")


def _coords(latitude: float | None, longitude: float | None) -> tuple[float | None, float | None]:
    if latitude is None and longitude is None:
        return None, None
    if latitude is None or longitude is None:
        raise DomainError("patrol.bad_gps")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise DomainError("patrol.bad_gps")
    return round(latitude, 6), round(longitude, 6)


# --- set-up: template, checkpoints, items, routes, plans ------------------------------------


def template(session: Session, community_id: int) -> list[ChecklistTemplate]:
    """The community's checklist template, created from the handbook's duties on first use."""
    lines = session.exec(
        select(ChecklistTemplate)
        .where(ChecklistTemplate.community_id == community_id)
        .order_by(col(ChecklistTemplate.position), col(ChecklistTemplate.id))
    ).all()
    if lines:
        return list(lines)
    made = []
    for pos, (category, text) in enumerate(DEFAULT_TEMPLATE):
        line = ChecklistTemplate(community_id=community_id, category=category, text=text, position=pos)
        session.add(line)
        made.append(line)
    session.flush()
    return made


def _category(category: str) -> str:
    if category not in CATEGORIES:
        raise DomainError("patrol.bad_category")
    return category


def add_template_line(session: Session, actor: Actor, category: str, text: str) -> ChecklistTemplate:
    assert actor.community_id is not None
    lines = template(session, actor.community_id)
    line = ChecklistTemplate(
        community_id=actor.community_id,
        category=_category(category),
        text=clean_text(text, field="item", max_length=80),
        position=max((ln.position for ln in lines), default=-1) + 1,
    )
    session.add(line)
    session.flush()
    audit.record(session, "patrol.template_add", actor_id=actor.id, community_id=actor.community_id,
                 subject=f"template:{line.id}", after={"category": category, "text": line.text})
    return line


def set_template_line_active(session: Session, actor: Actor, line_id: int, active: bool) -> None:
    line = _own(session, actor, ChecklistTemplate, line_id, "form.invalid")
    line.active = active
    session.add(line)
    audit.record(session, "patrol.template_active", actor_id=actor.id,
                 community_id=actor.community_id, subject=f"template:{line.id}",
                 after={"active": active})


def _new_code(session: Session, community_id: int) -> str:
    for _ in range(20):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LEN))
        taken = session.exec(
            select(Checkpoint.id).where(Checkpoint.community_id == community_id, Checkpoint.code == code)
        ).first()
        if taken is None:
            return code
    raise DomainError("patrol.code_exhausted")  # pragma: no cover (25^6 codes)


def add_checkpoint(
    session: Session,
    actor: Actor,
    *,
    grid_id: int,
    name: str,
    place: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
) -> Checkpoint:
    """A new checkpoint of a grid with its own copy of the template's active lines."""
    grid = _grid(session, actor, grid_id)
    lat, lng = _coords(latitude, longitude)
    position = session.exec(
        select(func.count()).select_from(Checkpoint).where(Checkpoint.grid_id == grid.id)
    ).one()
    cp = Checkpoint(
        community_id=grid.community_id,
        grid_id=grid.id,
        name=clean_text(name, field="checkpoint_name", max_length=40),
        place=clean_text(place, field="place", max_length=80, required=False),
        latitude=lat,
        longitude=lng,
        code=_new_code(session, grid.community_id),
        position=position,
    )
    session.add(cp)
    session.flush()
    for line in template(session, grid.community_id):
        if line.active:
            session.add(ChecklistItem(checkpoint_id=cp.id, category=line.category, text=line.text,
                                      position=line.position))
    audit.record(session, "patrol.checkpoint_add", actor_id=actor.id, community_id=grid.community_id,
                 subject=f"checkpoint:{cp.id}", after={"grid": grid.name, "name": cp.name,
                                                       "code": cp.code})
    session.flush()
    return cp


def update_checkpoint(
    session: Session,
    actor: Actor,
    checkpoint_id: int,
    *,
    name: str,
    place: str,
    latitude: float | None = None,
    longitude: float | None = None,
    active: bool = True,
) -> Checkpoint:
    cp = _checkpoint(session, actor, checkpoint_id)
    before = {"name": cp.name, "place": cp.place, "active": cp.active}
    cp.name = clean_text(name, field="checkpoint_name", max_length=40)
    cp.place = clean_text(place, field="place", max_length=80, required=False)
    cp.latitude, cp.longitude = _coords(latitude, longitude)
    cp.active = active
    session.add(cp)
    audit.record(session, "patrol.checkpoint_update", actor_id=actor.id,
                 community_id=cp.community_id, subject=f"checkpoint:{cp.id}", before=before,
                 after={"name": cp.name, "place": cp.place, "active": cp.active})
    return cp


def reissue_tag(session: Session, actor: Actor, checkpoint_id: int) -> Checkpoint:
    """A new QR tag and short code for a checkpoint: the old sticker no longer counts."""
    cp = _checkpoint(session, actor, checkpoint_id)
    before = {"version": cp.version, "code": cp.code}
    cp.version += 1
    cp.code = _new_code(session, cp.community_id)
    session.add(cp)
    audit.record(session, "patrol.tag_reissue", actor_id=actor.id, community_id=cp.community_id,
                 subject=f"checkpoint:{cp.id}", before=before,
                 after={"version": cp.version, "code": cp.code})
    return cp


def checkpoint_token(cp: Checkpoint) -> str:
    """What the checkpoint's QR tag carries: signed id + version + community."""
    assert cp.id is not None
    return tokens.sign("checkpoint", cp.id, version=cp.version, community_id=cp.community_id)


def add_item(session: Session, actor: Actor, checkpoint_id: int, category: str, text: str) -> ChecklistItem:
    cp = _checkpoint(session, actor, checkpoint_id)
    last = session.exec(
        select(func.max(ChecklistItem.position)).where(ChecklistItem.checkpoint_id == cp.id)
    ).one()
    item = ChecklistItem(checkpoint_id=cp.id, category=_category(category),
                         text=clean_text(text, field="item", max_length=80),
                         position=(last if last is not None else -1) + 1)
    session.add(item)
    session.flush()
    audit.record(session, "patrol.item_add", actor_id=actor.id, community_id=cp.community_id,
                 subject=f"checkpoint:{cp.id}", after={"item": item.id, "text": item.text})
    return item


def set_item_active(session: Session, actor: Actor, item_id: int, active: bool) -> None:
    item = session.get(ChecklistItem, item_id)
    if item is None:
        raise DomainError("form.invalid")
    cp = _checkpoint(session, actor, item.checkpoint_id)
    item.active = active
    session.add(item)
    audit.record(session, "patrol.item_active", actor_id=actor.id, community_id=cp.community_id,
                 subject=f"checkpoint:{cp.id}", after={"item": item.id, "active": active})


def items_of(session: Session, checkpoint_id: int, *, active_only: bool = True) -> list[ChecklistItem]:
    stmt = select(ChecklistItem).where(ChecklistItem.checkpoint_id == checkpoint_id)
    if active_only:
        stmt = stmt.where(col(ChecklistItem.active).is_(True))
    return list(session.exec(stmt.order_by(col(ChecklistItem.position), col(ChecklistItem.id))).all())


def save_route(
    session: Session,
    actor: Actor,
    *,
    grid_id: int,
    name: str,
    checkpoint_ids: list[int],
    route_id: int | None = None,
) -> PatrolRoute:
    """Create a route (or replace an existing one's stops) through checkpoints of its grid, in order."""
    grid = _grid(session, actor, grid_id)
    if not checkpoint_ids:
        raise DomainError("patrol.route_empty")
    if len(set(checkpoint_ids)) != len(checkpoint_ids):
        raise DomainError("patrol.route_duplicate")
    for cid in checkpoint_ids:
        cp = _checkpoint(session, actor, cid)
        if cp.grid_id != grid.id or not cp.active:
            raise DomainError("patrol.checkpoint_other_grid")
    clean_name = clean_text(name, field="route_name", max_length=40)
    if route_id is None:
        route = PatrolRoute(community_id=grid.community_id, grid_id=grid.id, name=clean_name)
        session.add(route)
        session.flush()
        before = None
    else:
        route = _route(session, actor, route_id)
        if route.grid_id != grid.id:
            raise DomainError("patrol.route_not_found")
        before = {"name": route.name, "stops": [s.checkpoint_id for s in stops_of(session, route.id)]}
        route.name = clean_name
        session.add(route)
        for stop in session.exec(select(RouteStop).where(RouteStop.route_id == route.id)).all():
            session.delete(stop)
        session.flush()
    for pos, cid in enumerate(checkpoint_ids):
        session.add(RouteStop(route_id=route.id, checkpoint_id=cid, position=pos))
    session.flush()
    audit.record(session, "patrol.route_save", actor_id=actor.id, community_id=grid.community_id,
                 subject=f"route:{route.id}", before=before,
                 after={"name": route.name, "stops": checkpoint_ids})
    return route


def stops_of(session: Session, route_id: int) -> list[RouteStop]:
    return list(session.exec(
        select(RouteStop).where(RouteStop.route_id == route_id).order_by(col(RouteStop.position))
    ).all())


def add_plan(
    session: Session,
    actor: Actor,
    *,
    route_id: int,
    cadence: str,
    weekdays: str = "",
    due_by: str = "18:00",
) -> PatrolPlan:
    """When a route is due: daily, weekly, or on given ISO weekdays ("135" = Mon, Wed, Fri)."""
    route = _route(session, actor, route_id)
    if cadence not in CADENCES:
        raise DomainError("patrol.bad_cadence")
    days = "".join(sorted(set(weekdays or "")))
    if cadence == WEEKDAYS:
        if not days or any(d not in "1234567" for d in days):
            raise DomainError("patrol.bad_weekdays")
    else:
        days = ""
    if not _HHMM.fullmatch(due_by or ""):
        raise DomainError("patrol.bad_time")
    plan = PatrolPlan(community_id=route.community_id, route_id=route.id, cadence=cadence,
                      weekdays=days, due_by=due_by, created_at=clock.now())
    session.add(plan)
    session.flush()
    audit.record(session, "patrol.plan_add", actor_id=actor.id, community_id=route.community_id,
                 subject=f"plan:{plan.id}",
                 after={"route": route.name, "cadence": cadence, "weekdays": days, "due_by": due_by})
    return plan


def set_plan_active(session: Session, actor: Actor, plan_id: int, active: bool) -> None:
    plan = _own(session, actor, PatrolPlan, plan_id, "patrol.plan_not_found")
    plan.active = active
    session.add(plan)
    audit.record(session, "patrol.plan_active", actor_id=actor.id, community_id=plan.community_id,
                 subject=f"plan:{plan.id}", after={"active": active})


# --- when plans are due ---------------------------------------------------------------------


def period_of(plan: PatrolPlan, day: date) -> date | None:
    """The period a plan is due for on `day` (that day, or the week's Monday); None if not due."""
    if plan.cadence == DAILY:
        return day
    if plan.cadence == WEEKLY:
        return day - timedelta(days=day.weekday())
    if plan.cadence == WEEKDAYS and str(day.isoweekday()) in plan.weekdays:
        return day
    return None


def due_at(plan: PatrolPlan, period_start: date) -> datetime:
    """The moment a period's patrol counts as late: `due_by` on its last day, local time."""
    last = period_start + timedelta(days=6) if plan.cadence == WEEKLY else period_start
    hh, mm = (int(x) for x in plan.due_by.split(":"))
    return datetime.combine(last, time(hh, mm), tzinfo=clock.ZONE).astimezone(clock.now().tzinfo)


def walk_grids(session: Session, actor: Actor, day: date) -> list[int]:
    """Grids this person walks on `day`: their own (unless a deputy covers it) and those they cover."""
    covers = session.exec(
        select(GridCover).where(
            col(GridCover.cancelled_at).is_(None),
            col(GridCover.starts_on) <= day,
            col(GridCover.ends_on) >= day,
        )
    ).all()
    covered_by = {c.grid_id: c.deputy_id for c in covers}
    own = session.exec(
        select(Grid.id).where(Grid.butler_id == actor.id, Grid.community_id == actor.community_id)
    ).all()
    mine = [g for g in own if covered_by.get(g, actor.id) == actor.id]
    mine += [g for g, deputy in covered_by.items() if deputy == actor.id and g not in mine]
    return sorted(mine)


@dataclass(frozen=True)
class DueItem:
    plan_id: int
    route_id: int
    route_name: str
    grid_name: str
    period_start: date
    due_at: datetime
    stops: int
    state: str
    patrol_id: int | None
    visited: int


def due_today(session: Session, actor: Actor) -> list[DueItem]:
    """"My grid today": the patrols due now for this person, with their state."""
    day = clock.today()
    grid_ids = walk_grids(session, actor, day)
    if not grid_ids:
        return []
    rows = session.exec(
        select(PatrolPlan, PatrolRoute, Grid)
        .join(PatrolRoute, col(PatrolRoute.id) == col(PatrolPlan.route_id))
        .join(Grid, col(Grid.id) == col(PatrolRoute.grid_id))
        .where(col(PatrolRoute.grid_id).in_(grid_ids), col(PatrolPlan.active).is_(True),
               col(PatrolRoute.active).is_(True))
        .order_by(col(PatrolPlan.due_by), col(PatrolPlan.id))
    ).all()
    now = clock.now()
    out = []
    for plan, route, grid in rows:
        period = period_of(plan, day)
        if period is None:
            continue
        patrol = session.exec(
            select(Patrol)
            .where(Patrol.plan_id == plan.id, Patrol.period_start == period)
            .order_by(col(Patrol.finished_at).is_(None), col(Patrol.id).desc())
        ).first()
        deadline = due_at(plan, period)
        visited = 0
        if patrol is None:
            state = LATE if now > deadline else DUE
        elif patrol.status == FINISHED:
            state = DONE
        else:
            state = LATE if now > deadline else STARTED
            visited = _visited_count(session, patrol.id)
        out.append(DueItem(
            plan_id=plan.id, route_id=route.id, route_name=route.name, grid_name=grid.name,
            period_start=period, due_at=deadline, stops=len(stops_of(session, route.id)),
            state=state, patrol_id=patrol.id if patrol else None, visited=visited,
        ))
    return out


# --- the walk -----------------------------------------------------------------------------


def _visited_count(session: Session, patrol_id: int) -> int:
    return session.exec(
        select(func.count()).select_from(PatrolVisit)
        .where(PatrolVisit.patrol_id == patrol_id, col(PatrolVisit.photos) > 0)
    ).one()


def _my_patrol(session: Session, actor: Actor, patrol_id: int, *, open_only: bool = True) -> Patrol:
    patrol = session.get(Patrol, patrol_id)
    if patrol is None or patrol.community_id != actor.community_id:
        raise DomainError("patrol.not_found")
    if patrol.walker_id != actor.id:
        raise Refused("patrol.not_yours")
    if open_only and patrol.status != IN_PROGRESS:
        raise DomainError("patrol.already_finished")
    return patrol


def start(session: Session, actor: Actor, plan_id: int, client_id: str | None = None) -> Patrol:
    """Start (or resume) the due patrol of a plan. Retried with the same client id: same patrol."""
    cid = _client_id(client_id)
    if cid is not None:
        again = session.exec(select(Patrol).where(Patrol.client_id == cid)).first()
        if again is not None:
            if again.walker_id != actor.id:
                raise DomainError("form.invalid")
            return again
    plan = session.get(PatrolPlan, plan_id)
    if plan is None or plan.community_id != actor.community_id or not plan.active:
        raise DomainError("patrol.plan_not_found")
    route = session.get(PatrolRoute, plan.route_id)
    assert route is not None
    day = clock.today()
    if route.grid_id not in walk_grids(session, actor, day):
        raise Refused("patrol.not_your_grid")
    period = period_of(plan, day)
    if period is None:
        raise DomainError("patrol.not_due")
    existing = session.exec(
        select(Patrol).where(Patrol.plan_id == plan.id, Patrol.period_start == period)
    ).all()
    for p in existing:
        if p.status == FINISHED:
            raise DomainError("patrol.already_done")
        if p.walker_id == actor.id:
            return p  # resume
    patrol = Patrol(
        community_id=plan.community_id, grid_id=route.grid_id, route_id=route.id, plan_id=plan.id,
        period_start=period, walker_id=actor.id, started_at=clock.now(), client_id=cid,
    )
    session.add(patrol)
    session.flush()
    audit.record(session, "patrol.start", actor_id=actor.id, community_id=patrol.community_id,
                 subject=f"patrol:{patrol.id}", after={"route": route.name, "period": period})
    return patrol


def _resolve_scan(session: Session, actor: Actor, raw: str) -> tuple[Checkpoint, str]:
    """The checkpoint a scan or typed code names, and how it came ("scan" / "typed")."""
    text = (raw or "").strip().upper().replace(" ", "")
    if _CODE_RE.fullmatch(text):
        cp = session.exec(
            select(Checkpoint).where(Checkpoint.community_id == actor.community_id,
                                     Checkpoint.code == text, col(Checkpoint.active).is_(True))
        ).first()
        if cp is None:
            raise DomainError("patrol.unknown_code")
        return cp, "typed"
    try:
        claims = tokens.verify(raw, expect_kind="checkpoint")
        cp = session.get(Checkpoint, claims.subject_id)
        if cp is None or claims.community_id != actor.community_id or cp.community_id != actor.community_id:
            raise tokens.TokenError(tokens.FORGED)
        tokens.check_version(claims, cp.version)
        if not cp.active:
            raise tokens.TokenError(tokens.REVOKED)
    except tokens.TokenError as err:
        # the walk's transaction is rolled back; the refusal is logged all the same
        raise err.keeping(lambda s, e=err: tokens.log_refusal(
            s, error=e, kind="checkpoint", actor_id=actor.id,
            community_id=actor.community_id, raw=raw or "",
        )) from None
    return cp, "scan"


def scan(session: Session, actor: Actor, patrol_id: int, raw: str, client_id: str | None = None) -> PatrolVisit:
    """Record arrival at a checkpoint of this patrol's route (server time). Idempotent."""
    cid = _client_id(client_id)
    if cid is not None:
        again = session.exec(select(PatrolVisit).where(PatrolVisit.client_id == cid)).first()
        if again is not None:
            return again
    patrol = _my_patrol(session, actor, patrol_id)
    cp, method = _resolve_scan(session, actor, raw)
    on_route = session.exec(
        select(RouteStop).where(RouteStop.route_id == patrol.route_id, RouteStop.checkpoint_id == cp.id)
    ).first()
    if on_route is None:
        raise DomainError("patrol.not_on_route", name=cp.name)
    visit = session.exec(
        select(PatrolVisit).where(PatrolVisit.patrol_id == patrol.id, PatrolVisit.checkpoint_id == cp.id)
    ).first()
    if visit is not None:
        return visit  # scanned again: the first arrival stands
    visit = PatrolVisit(patrol_id=patrol.id, checkpoint_id=cp.id, scanned_at=clock.now(),
                        method=method, client_id=cid)
    session.add(visit)
    session.flush()
    audit.record(session, "patrol.scan", actor_id=actor.id, community_id=patrol.community_id,
                 subject=f"patrol:{patrol.id}", after={"checkpoint": cp.id, "method": method})
    return visit


def visit_subject(session: Session, actor: Actor, visit_id: int) -> tuple[int, str]:
    """Who may add a photo to a visit (its walker, patrol still open): (community id, place)."""
    visit = session.get(PatrolVisit, visit_id)
    if visit is None:
        raise DomainError("patrol.not_found")
    patrol = _my_patrol(session, actor, visit.patrol_id)
    cp = session.get(Checkpoint, visit.checkpoint_id)
    assert cp is not None
    place = f"{cp.name} {cp.place}".strip()
    return patrol.community_id, place


def photo_added(session: Session, visit_id: int) -> None:
    """Count a photo for a visit (called by the evidence module after the row is added)."""
    visit = session.get(PatrolVisit, visit_id)
    if visit is not None:
        visit.photos += 1
        session.add(visit)


def check(
    session: Session,
    actor: Actor,
    *,
    visit_id: int,
    item_id: int,
    passed: bool,
    note: str = "",
    department: str | None = None,
    client_id: str | None = None,
) -> PatrolCheck:
    """Tick an item pass or fail. A fail needs a note and opens a work order.

    Re-ticking while the patrol is open changes the answer: a fail turned pass
    withdraws its work order; a pass turned fail opens one.
    """
    cid = _client_id(client_id)
    if cid is not None:
        again = session.exec(select(PatrolCheck).where(PatrolCheck.client_id == cid)).first()
        if again is not None:
            return again
    visit = session.get(PatrolVisit, visit_id)
    if visit is None:
        raise DomainError("patrol.not_found")
    patrol = _my_patrol(session, actor, visit.patrol_id)
    item = session.get(ChecklistItem, item_id)
    if item is None or item.checkpoint_id != visit.checkpoint_id:
        raise DomainError("patrol.item_not_here")
    clean_note = clean_text(note, field="note", max_length=200, required=not passed)
    dept = work_orders.check_department(department or DEFAULT_DEPARTMENT[item.category])
    now = clock.now()
    row = session.exec(
        select(PatrolCheck).where(PatrolCheck.visit_id == visit.id, PatrolCheck.item_id == item.id)
    ).first()
    before = None if row is None else {"passed": row.passed, "note": row.note}
    if row is None:
        row = PatrolCheck(visit_id=visit.id, item_id=item.id, passed=passed, note=clean_note, at=now,
                          client_id=cid)
    else:
        row.passed, row.note, row.at = passed, clean_note, now
    session.add(row)
    session.flush()
    order = session.get(WorkOrder, row.work_order_id) if row.work_order_id else None
    if passed and order is not None:
        work_orders.cancel(session, actor, order)
        row.work_order_id = None
    elif not passed and (order is None or order.status != work_orders.OPEN):
        cp = session.get(Checkpoint, visit.checkpoint_id)
        assert cp is not None
        order = work_orders.create(
            session, actor, grid_id=patrol.grid_id, department=dept, title=item.text,
            detail=clean_note, place=f"{cp.name} {cp.place}".strip(),
            source_kind="patrol_check", source_id=row.id,
        )
        row.work_order_id = order.id
    session.add(row)
    audit.record(session, "patrol.check", actor_id=actor.id, community_id=patrol.community_id,
                 subject=f"patrol:{patrol.id}", before=before,
                 after={"item": item.id, "passed": passed, "note": clean_note})
    return row


def finish(session: Session, actor: Actor, patrol_id: int) -> Patrol:
    """End the walk: missed checkpoints (no scan, or no photo there) and lateness recorded."""
    patrol = _my_patrol(session, actor, patrol_id, open_only=False)
    if patrol.status == FINISHED:
        return patrol
    stops = stops_of(session, patrol.route_id)
    visited = {
        v.checkpoint_id
        for v in session.exec(select(PatrolVisit).where(PatrolVisit.patrol_id == patrol.id)).all()
        if v.photos > 0
    }
    now = clock.now()
    plan = session.get(PatrolPlan, patrol.plan_id) if patrol.plan_id else None
    patrol.finished_at = now
    patrol.status = FINISHED
    patrol.missed = sum(1 for s in stops if s.checkpoint_id not in visited)
    patrol.late = plan is not None and now > due_at(plan, patrol.period_start)
    session.add(patrol)
    audit.record(session, "patrol.finish", actor_id=actor.id, community_id=patrol.community_id,
                 subject=f"patrol:{patrol.id}",
                 after={"missed": patrol.missed, "late": patrol.late, "stops": len(stops)})
    return patrol


# --- what a patrol looks like -----------------------------------------------------------------


@dataclass(frozen=True)
class ItemView:
    id: int
    category: str
    text: str
    passed: bool | None
    note: str
    work_order_id: int | None


@dataclass(frozen=True)
class StopView:
    checkpoint_id: int
    name: str
    place: str
    code: str
    visit_id: int | None
    scanned_at: datetime | None
    method: str
    photos: int
    items: list[ItemView] = field(default_factory=list)

    @property
    def visited(self) -> bool:
        return self.visit_id is not None and self.photos > 0


@dataclass(frozen=True)
class PatrolView:
    id: int
    route_name: str
    grid_name: str
    walker_name: str
    period_start: date
    started_at: datetime
    finished_at: datetime | None
    status: str
    late: bool
    missed: int
    stops: list[StopView]


def view(session: Session, actor: Actor, patrol_id: int, *, as_supervisor: bool = False) -> PatrolView:
    """A patrol with its stops, visits and ticks: the walker's screen or the supervisor's drill-down."""
    if as_supervisor:
        patrol = session.get(Patrol, patrol_id)
        if patrol is None or patrol.community_id != actor.community_id:
            raise DomainError("patrol.not_found")
    else:
        patrol = _my_patrol(session, actor, patrol_id, open_only=False)
    route = session.get(PatrolRoute, patrol.route_id)
    grid = session.get(Grid, patrol.grid_id)
    walker = session.get(Staff, patrol.walker_id)
    visits = {
        v.checkpoint_id: v
        for v in session.exec(select(PatrolVisit).where(PatrolVisit.patrol_id == patrol.id)).all()
    }
    checks: dict[tuple[int, int], PatrolCheck] = {}
    if visits:
        for c in session.exec(
            select(PatrolCheck).where(col(PatrolCheck.visit_id).in_([v.id for v in visits.values()]))
        ).all():
            checks[(c.visit_id, c.item_id)] = c
    stops = []
    for stop in stops_of(session, patrol.route_id):
        cp = session.get(Checkpoint, stop.checkpoint_id)
        assert cp is not None
        visit = visits.get(cp.id)
        items = []
        for item in items_of(session, cp.id):
            c = checks.get((visit.id, item.id)) if visit else None
            items.append(ItemView(id=item.id, category=item.category, text=item.text,
                                  passed=c.passed if c else None, note=c.note if c else "",
                                  work_order_id=c.work_order_id if c else None))
        stops.append(StopView(
            checkpoint_id=cp.id, name=cp.name, place=cp.place, code=cp.code,
            visit_id=visit.id if visit else None, scanned_at=visit.scanned_at if visit else None,
            method=visit.method if visit else "", photos=visit.photos if visit else 0, items=items,
        ))
    return PatrolView(
        id=patrol.id, route_name=route.name if route else "", grid_name=grid.name if grid else "",
        walker_name=walker.name if walker else "", period_start=patrol.period_start,
        started_at=patrol.started_at, finished_at=patrol.finished_at, status=patrol.status,
        late=patrol.late, missed=patrol.missed, stops=stops,
    )


# --- coverage for the supervisor ---------------------------------------------------------------


@dataclass
class Coverage:
    grid_id: int
    grid_name: str
    butler_name: str
    due: int = 0
    done: int = 0
    late: int = 0
    not_done: int = 0
    missed_checkpoints: int = 0
    findings_open: int = 0
    patrol_ids: list[int] = field(default_factory=list)


def coverage(session: Session, community_id: int, first: date, last: date) -> list[Coverage]:
    """Per grid over [first, last]: patrols due, done, late, not done, missed checkpoints, open findings.

    A weekly plan's period is counted on the day it falls due (its Sunday).
    A period not finished is "not done" only once its due time has passed.
    """
    now = clock.now()
    grids = session.exec(
        select(Grid, Staff.name)
        .join(Staff, col(Staff.id) == col(Grid.butler_id), isouter=True)
        .where(Grid.community_id == community_id)
        .order_by(col(Grid.id))
    ).all()
    out = {g.id: Coverage(grid_id=g.id, grid_name=g.name, butler_name=name or "") for g, name in grids}
    plans = session.exec(
        select(PatrolPlan, PatrolRoute.grid_id)
        .join(PatrolRoute, col(PatrolRoute.id) == col(PatrolPlan.route_id))
        .where(PatrolPlan.community_id == community_id, col(PatrolPlan.active).is_(True))
    ).all()
    patrols = session.exec(
        select(Patrol).where(
            Patrol.community_id == community_id,
            col(Patrol.period_start) >= first - timedelta(days=6),
            col(Patrol.period_start) <= last,
        )
    ).all()
    by_period = {}
    for p in patrols:
        key = (p.plan_id, p.period_start)
        if key not in by_period or p.status == FINISHED:
            by_period[key] = p
    for plan, grid_id in plans:
        cov = out.get(grid_id)
        if cov is None:
            continue
        created = plan.created_at.astimezone(clock.ZONE).date()
        day = first
        while day <= last:
            period = period_of(plan, day)
            counts_today = period is not None and (
                plan.cadence != WEEKLY or day == period + timedelta(days=6)
            )
            if counts_today and period is not None and day >= created:
                cov.due += 1
                p = by_period.get((plan.id, period))
                if p is not None and p.status == FINISHED:
                    cov.done += 1
                    cov.late += int(p.late)
                    cov.missed_checkpoints += p.missed
                    cov.patrol_ids.append(p.id)
                elif now > due_at(plan, period):
                    cov.not_done += 1
                if p is not None and p.status != FINISHED:
                    cov.patrol_ids.append(p.id)
            day += timedelta(days=1)
    open_counts = session.exec(
        select(WorkOrder.grid_id, func.count())
        .where(WorkOrder.community_id == community_id, WorkOrder.status == work_orders.OPEN,
               WorkOrder.source_kind == "patrol_check")
        .group_by(col(WorkOrder.grid_id))
    ).all()
    for grid_id, n in open_counts:
        if grid_id in out:
            out[grid_id].findings_open = n
    return list(out.values())


@dataclass(frozen=True)
class PatrolRow:
    id: int
    route_name: str
    walker_name: str
    period_start: date
    started_at: datetime
    finished_at: datetime | None
    status: str
    late: bool
    missed: int
    photos: int


def patrols_of_grid(session: Session, actor: Actor, grid_id: int, first: date, last: date) -> list[PatrolRow]:
    """The patrols of a grid over a date range, newest first (supervisor's drill-down)."""
    grid = _grid(session, actor, grid_id)
    rows = session.exec(
        select(Patrol, PatrolRoute.name, Staff.name)
        .join(PatrolRoute, col(PatrolRoute.id) == col(Patrol.route_id))
        .join(Staff, col(Staff.id) == col(Patrol.walker_id))
        .where(Patrol.grid_id == grid.id, col(Patrol.period_start) >= first - timedelta(days=6),
               col(Patrol.period_start) <= last)
        .order_by(col(Patrol.started_at).desc())
    ).all()
    out = []
    for p, route_name, walker in rows:
        photos = session.exec(
            select(func.count()).select_from(EvidencePhoto)
            .join(PatrolVisit, col(PatrolVisit.id) == col(EvidencePhoto.subject_id))
            .where(EvidencePhoto.subject_kind == VISIT_PHOTO_KIND, PatrolVisit.patrol_id == p.id)
        ).one()
        out.append(PatrolRow(id=p.id, route_name=route_name, walker_name=walker,
                             period_start=p.period_start, started_at=p.started_at,
                             finished_at=p.finished_at, status=p.status, late=p.late,
                             missed=p.missed, photos=photos))
    return out


def _visit_resolver(session: Session, actor: Actor, visit_id: int) -> evidence.SubjectInfo:
    community_id, place = visit_subject(session, actor, visit_id)
    return evidence.SubjectInfo(
        community_id=community_id, place=place,
        on_added=lambda s, _photo: photo_added(s, visit_id),
    )


# photos taken at a checkpoint during a walk count towards "visited"
evidence.register_subject(VISIT_PHOTO_KIND, _visit_resolver)
