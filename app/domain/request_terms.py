"""The register's text index: the search terms of a request, written at intake.

Terms are CJK bigrams (a lone character as itself), Latin/digit words of two
or more characters, and the contact phone (whole, and its last four digits as
the front desk often asks for them). `app.domain.request_search` looks them up.
"""

from __future__ import annotations

import re
import unicodedata

from sqlmodel import Session

from app.db.models import RequestTerm, ServiceRequest

TERM_MAX = 24

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[0-9a-z]+")


def terms(text: str) -> set[str]:
    """The search terms of a text: CJK bigrams (a lone character as itself), words of 2+ letters/digits."""
    norm = unicodedata.normalize("NFKC", text or "").lower()
    out: set[str] = set()
    for run in _CJK.findall(norm):
        if len(run) == 1:
            out.add(run)
        out.update(run[i : i + 2] for i in range(len(run) - 1))
    out.update(w[:TERM_MAX] for w in _WORD.findall(norm) if len(w) >= 2)
    return out


def _phone_terms(phone: str) -> set[str]:
    if not phone:
        return set()
    return {f"p:{phone}"[:TERM_MAX], f"p4:{phone[-4:]}"}


def index(session: Session, req: ServiceRequest) -> None:
    """Write the search terms of a request (at intake; content never changes afterwards)."""
    assert req.id is not None
    words = terms(req.content) | terms(req.contact_name) | _phone_terms(req.contact_phone)
    for term in sorted(words):
        session.add(RequestTerm(community_id=req.community_id, term=term, request_id=req.id))


