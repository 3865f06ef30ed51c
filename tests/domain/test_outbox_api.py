"""`POST /api/notify/push-subscription` (app.api.push): a signed-in person's browser is kept for
Web Push; no token, a bad body, or Web Push switched off are refused and keep nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import delete, func
from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from app import seed, settings
from app.api import build
from app.db.models import AuditEntry, AuthSession, NotifyPreference, PushSubscription, Staff
from app.db.session import get_engine, session_scope
from app.domain import auth

from .conftest import BUTLER

ROUTE = "/api/notify/push-subscription"
SUB = {"endpoint": "https://push.example.invalid/send/abc", "keys": {"p256dh": "BFakeKey", "auth": "c2VjcmV0"}}


@pytest.fixture
def client(db_url, monkeypatch) -> Iterator[TestClient]:
    if not db_url.startswith("sqlite"):
        pytest.skip("the route is the same on PostgreSQL")
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    get_engine.cache_clear()
    with session_scope(db_url) as s:  # what the test signs in and writes is removed afterwards
        session0 = s.exec(select(func.max(AuthSession.id))).one() or 0
        audit0 = s.exec(select(func.max(AuditEntry.id))).one() or 0
    with TestClient(build()) as c:
        yield c
    with session_scope(db_url) as s:
        s.execute(delete(PushSubscription))
        s.execute(delete(NotifyPreference))
        s.execute(delete(AuthSession).where(col(AuthSession.id) > session0))
        s.execute(delete(AuditEntry).where(col(AuditEntry.id) > audit0))
    get_engine.cache_clear()


def _token() -> str:
    with Session(get_engine()) as s:
        token, _ = auth.sign_in(s, seed.DEMO_PHONE_PREFIX + BUTLER, seed.DEMO_PASSWORD)
        s.commit()
    return token


def _kept() -> list[PushSubscription]:
    with Session(get_engine()) as s:
        return list(s.exec(select(PushSubscription)).all())


def test_web_push_off_refuses_a_subscription(client):
    r = client.post(ROUTE, json=SUB, headers={"Authorization": f"Bearer {_token()}"})
    assert r.status_code == 403 and _kept() == []


def test_a_signed_in_person_keeps_her_browser_and_others_are_refused(client, monkeypatch):
    monkeypatch.setattr(settings.SETTINGS, "vapid_public_key", "BPublic")
    monkeypatch.setattr(settings.SETTINGS, "vapid_private_key", "private")
    assert client.post(ROUTE, json=SUB).status_code == 401
    assert client.post(ROUTE, json=SUB, headers={"Authorization": "Bearer not-a-token"}).status_code == 401
    token = _token()
    bad = client.post(ROUTE, content=b"{not json", headers={"Authorization": f"Bearer {token}"})
    assert bad.status_code == 400
    plain = dict(SUB, endpoint="http://push.example.invalid/x")
    refused = client.post(ROUTE, json=plain, headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 400 and refused.json()["key"] == "notify.push.unsupported"
    assert _kept() == []
    ok = client.post(ROUTE, json=SUB, headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200 and ok.json() == {"ok": True}
    kept = _kept()
    with Session(get_engine()) as s:
        butler = s.exec(select(Staff).where(Staff.phone == seed.DEMO_PHONE_PREFIX + BUTLER)).one()
        assert [(k.staff_id, k.endpoint) for k in kept] == [(butler.id, SUB["endpoint"])]
        assert s.get(NotifyPreference, butler.id).webpush is True
