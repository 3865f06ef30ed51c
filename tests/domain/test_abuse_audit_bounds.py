"""Issue 15 #18: anonymous refusals write at most one audit entry a minute per client and kind."""

from __future__ import annotations

from datetime import timedelta

from app.domain import audit, clock
from app.domain import grid_planning as gp


def test_junk_poster_tokens_are_audited_once_a_minute_per_client(db, frozen, entries):
    before = len(entries("token.refused"))
    for i in range(300):
        assert gp.resident_card(db, f"junk-token-{i}", client="tab-1").state == gp.CARD_INVALID
    assert len(entries("token.refused")) == before + 1
    # another client gets its own entry; a minute later the first one again
    gp.resident_card(db, "junk-token-x", client="tab-2")
    assert len(entries("token.refused")) == before + 2
    clock.advance(timedelta(minutes=1))
    gp.resident_card(db, "junk-token-y", client="tab-1")
    assert len(entries("token.refused")) == before + 3


def test_record_bounded_is_per_client_and_action(db, frozen, entries):
    for _ in range(5):
        audit.record_bounded(db, "request.link_refused", client="c1", subject="client:c1", outcome="refused")
        audit.record_bounded(db, "request.public_refused", client="c1", subject="client:c1", outcome="refused")
        audit.record_bounded(db, "request.public_refused", client="c2", subject="client:c2", outcome="refused")
    assert len(entries("request.link_refused")) == 1
    assert len(entries("request.public_refused")) == 2
