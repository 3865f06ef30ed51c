"""The audit log screen: newest entries of the community, read-only."""

from __future__ import annotations

import reflex as rx
from sqlmodel import col, select

from app.db.models import Staff
from app.db.session import session_scope
from app.domain import audit, clock
from app.state.base import AppState

PAGE = 100


class AuditLogState(AppState):
    entries: list[dict[str, str]] = []

    @rx.event
    def load(self):
        actor = self._authorize("audit.view")
        if actor is None:
            self.entries = []
            return
        with session_scope() as db:
            rows = audit.recent(db, actor.community_id, limit=PAGE)
            ids = {r.actor_id for r in rows if r.actor_id}
            names = dict(db.exec(select(Staff.id, Staff.name).where(col(Staff.id).in_(ids))).all())
        self.entries = [
            {
                "at": clock.local(r.at).strftime("%m-%d %H:%M:%S"),
                "actor": names.get(r.actor_id, "") if r.actor_id else "",
                "action": r.action,
                "subject": r.subject,
                "outcome": r.outcome,
                "detail": r.detail,
            }
            for r in rows
        ]
