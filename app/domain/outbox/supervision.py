"""What the supervisor sees and does on /desk/notify: grid robots, messages not delivered.

Only `notify.manage` holders (supervisor, admin) reach these (`auth.authorize` in the state,
checked again here); every change is audited. A webhook is a secret: it is shown masked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlmodel import Session, col, select

from app.db.models import Grid, GridWebhook, OutboxMessage, Staff
from app.domain import audit, clock, roles
from app.domain.auth import Actor
from app.domain.errors import DomainError
from app.domain.outbox import channels, claiming

ACTION = "notify.manage"


def _check(actor: Actor) -> int:
    if not roles.allowed(actor.roles, ACTION) or actor.community_id is None:
        raise DomainError("auth.no_permission")
    return actor.community_id


def mask(url: str) -> str:
    """`https://qyapi.weixin.qq.com/…3f9a`: the host and the last 4 characters."""
    if not url:
        return ""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/…{url[-4:]}" if parts.netloc else "…" + url[-4:]


@dataclass(frozen=True)
class GridHook:
    grid_id: int
    grid: str
    masked: str  # "" when the grid uses the community's default


@dataclass(frozen=True)
class Undelivered:
    id: int
    channel: str
    to: str  # the person's name, or the masked robot
    status: str
    attempts: int
    last_error: str
    kind: str
    created_at: datetime
    next_attempt_at: datetime


def grid_hooks(session: Session, actor: Actor) -> list[GridHook]:
    community = _check(actor)
    grids = session.exec(select(Grid).where(Grid.community_id == community).order_by(col(Grid.name))).all()
    hooks = {h.grid_id: h.url for h in session.exec(
        select(GridWebhook).where(GridWebhook.community_id == community)).all()}
    return [GridHook(g.id or 0, g.name, mask(hooks.get(g.id or 0, ""))) for g in grids]


def default_masked() -> str:
    return mask(channels.default_webhook())


def set_webhook(session: Session, actor: Actor, grid_id: int, url: str) -> None:
    """The grid's own WeCom robot (an http(s) URL); audited without the URL itself."""
    community = _check(actor)
    grid = session.get(Grid, grid_id)
    if grid is None or grid.community_id != community:
        raise DomainError("request.not_found")
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc or len(url) > 600 or any(c.isspace() for c in url):
        raise DomainError("notify.bad_webhook")
    row = session.get(GridWebhook, grid_id) or GridWebhook(grid_id=grid_id, community_id=community, url=url,
                                                           set_at=clock.now())
    row.url, row.set_by, row.set_at = url, actor.id, clock.now()
    session.add(row)
    audit.record(session, "notify.webhook_set", actor_id=actor.id, community_id=community,
                 subject=f"grid:{grid_id}", after={"webhook": mask(url)})


def clear_webhook(session: Session, actor: Actor, grid_id: int) -> None:
    community = _check(actor)
    row = session.get(GridWebhook, grid_id)
    if row is None or row.community_id != community:
        return
    session.delete(row)
    audit.record(session, "notify.webhook_clear", actor_id=actor.id, community_id=community,
                 subject=f"grid:{grid_id}", before={"webhook": mask(row.url)})


def undelivered(session: Session, actor: Actor, *, limit: int = 50) -> list[Undelivered]:
    """Failed messages first, then those still waiting (retrying or held), newest first."""
    community = _check(actor)
    rows = session.exec(
        select(OutboxMessage, Staff.name)
        .join(Staff, col(Staff.id) == col(OutboxMessage.staff_id), isouter=True)
        .where(OutboxMessage.community_id == community,
               col(OutboxMessage.status).in_((claiming.FAILED, claiming.PENDING, claiming.SENDING)))
        .order_by((col(OutboxMessage.status) == claiming.FAILED).desc(), col(OutboxMessage.id).desc())
        .limit(limit)
    ).all()
    return [Undelivered(m.id or 0, m.channel, name or (mask(m.target) if m.channel == channels.WECOM else ""),
                        m.status, m.attempts, m.last_error, m.kind, m.created_at, m.next_attempt_at)
            for m, name in rows]


def retry(session: Session, actor: Actor, message_id: int) -> None:
    """A failed message goes again now, with its attempts counted afresh."""
    community = _check(actor)
    row = session.get(OutboxMessage, message_id)
    if row is None or row.community_id != community:
        raise DomainError("request.not_found")
    if row.status != claiming.FAILED:
        return
    row.status, row.attempts, row.next_attempt_at, row.claimed_by = claiming.PENDING, 0, clock.now(), ""
    session.add(row)
    audit.record(session, "notify.retry", actor_id=actor.id, community_id=community,
                 subject=f"outbox:{message_id}", before={"error": row.last_error})
