"""The audit log screen: the community's entries in words, filtered by person, kind of action and day.

Thin: `app.domain.audit.search` reads and names people and grids; this state
words each entry in the user's language (action, subject, outcome, detail) and
keeps the filters the screen shows.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from app.db.session import session_scope
from app.domain import audit, clock
from app.i18n import catalog
from app.state.base import AppState, form_day

PAGE = 100
ALL = "all"  # the select's value for "no filter" (a select item cannot have the value "")


@dataclass(frozen=True)
class AuditLine:
    """One audit entry in words of the active language."""

    at: str
    actor: str
    action: str
    action_key: str
    subject: str
    outcome: str
    detail: str


@dataclass(frozen=True)
class FilterChoice:
    id: str  # a select's value
    name: str


class AuditLogState(AppState):
    _rows: list[audit.LogRow] = []
    people: list[FilterChoice] = []
    person: str = ALL
    family: str = ALL
    day: str = ""
    shown: int = PAGE
    has_more: bool = False

    def _word(self, prefix: str, key: str) -> str:
        """The catalog's word for `prefix + key`, or "" when it has none."""
        return catalog(self.lang).get(prefix + key, "")

    def _action(self, action: str) -> str:
        word = self._word("audit.action.", action)
        if word:
            return word
        family = self._word("audit.family.", action.split(".", 1)[0])
        return f"{family} · {action}" if family else action

    def _subject(self, row: audit.LogRow) -> str:
        if row.subject_kind == "":
            # e.g. the permission an `auth.refused` entry names, or a token kind
            return self._word("audit.action.", row.subject) or row.subject
        if row.subject_name and row.subject_kind == "phone":
            return f"{row.subject_name} ({row.subject_ref})"
        if row.subject_name:
            return row.subject_name
        template = self._word("audit.subject.", row.subject_kind)
        if not template:
            return row.subject
        ref = row.subject_ref[:8] if row.subject_kind == "client" else row.subject_ref
        return template.replace("{ref}", ref)

    def _detail(self, detail: str) -> str:
        head, _, rest = detail.partition(" ")
        word = self._word("audit.detail.", head)
        return f"{word} {rest}".strip() if word else detail

    def _fill(self) -> None:
        actor = self._authorize("audit.view")
        if actor is None:
            self._rows = []
            return
        person = int(self.person) if (self.person.isascii() and self.person.isdigit()) else None
        family = self.family if self.family != ALL else ""
        day = form_day(self.day, required=False)
        with session_scope() as db:
            rows = audit.search(db, actor.community_id, person_id=person, family=family, day=day,
                                limit=self.shown + 1)
            people = audit.people(db, actor.community_id)
        self.has_more = len(rows) > self.shown
        self._rows = rows[: self.shown]
        self.people = [FilterChoice(str(i), n) for i, n in people]

    @rx.var
    def entries(self) -> list[AuditLine]:
        """The entries in words of the active language (worded again when the language changes)."""
        return [
            AuditLine(clock.local(r.at).strftime("%m-%d %H:%M:%S"), r.actor_name, self._action(r.action), r.action,
                      self._subject(r), r.outcome, self._detail(r.detail))
            for r in self._rows
        ]

    @rx.var
    def families(self) -> list[FilterChoice]:
        return [FilterChoice(f, self._word("audit.family.", f) or f) for f in audit.FAMILIES]

    def _reset_filters(self) -> None:
        self.person, self.family, self.day, self.shown = ALL, ALL, "", PAGE
        self._fill()

    @rx.event
    def load(self):
        self._reset_filters()

    @rx.event
    def set_person(self, value: str):
        value = str(value or "")[:12]
        self.person = value if (value.isascii() and value.isdigit()) else ALL
        self.shown = PAGE
        self._fill()

    @rx.event
    def set_family(self, value: str):
        value = str(value or "")[:20]
        self.family = value if value in audit.FAMILIES else ALL
        self.shown = PAGE
        self._fill()

    @rx.event
    def set_day(self, value: str):
        value = str(value or "")[:10]
        self.day = value if form_day(value, required=False) is not None else ""
        self.shown = PAGE
        self._fill()

    @rx.event
    def clear(self):
        self._reset_filters()

    @rx.event
    def more(self):
        self.shown = min(self.shown + PAGE, 500)
        self._fill()
