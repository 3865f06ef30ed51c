"""Patrol set-up (supervisor / team lead): the checklist template, checkpoints and their QR tags, checklist items, routes, plans."""

from __future__ import annotations

import secrets

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.db.models import (
    ChecklistItem,
    ChecklistTemplate,
    Checkpoint,
    PatrolPlan,
    PatrolRoute,
    RouteStop,
)
from app.domain import audit, clock, tokens
from app.domain.auth import Actor
from app.domain.errors import DomainError
from app.domain.patrols.common import _checkpoint, _coords, _grid, _own, _route
from app.domain.patrols.vocabulary import (
    _HHMM,
    CADENCES,
    CATEGORIES,
    CODE_ALPHABET,
    CODE_LEN,
    DEFAULT_TEMPLATE,
    WEEKDAYS,
)
from app.domain.validation import clean_text

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
