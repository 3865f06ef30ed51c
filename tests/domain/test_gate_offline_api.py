"""The gate offline over HTTP: the pass list and the queued scans, each with its own access check
(a bearer session of someone who scans at the gate), refusals audited and answered in the user's
language; a scan sent twice is logged once.

Runs the Starlette app of `app.api.build()` with TestClient on its own migrated and seeded SQLite
file (the routes commit, so the shared test database is left alone)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from app import seed
from app.api import build
from app.db.models import AuditEntry, GateScan, WorkerPass
from app.db.session import get_engine
from app.domain import auth, renovation_passes
from tests.conftest import migrate

GUARD = "21"
BUTLER = "11"


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> Iterator[TestClient]:
    tmp = tmp_path_factory.mktemp("gate_offline_api")
    url = f"sqlite:///{tmp / 'api.db'}"
    migrate(url)
    engine = sa.create_engine(url)
    with Session(engine) as s:
        seed.seed_demo(s)
        s.commit()
    with Session(engine) as s:
        seed.seed_renovations(s)  # passes to list
        s.commit()
    engine.dispose()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REFLEX_DB_URL", url)
        mp.setenv("APP_SECRET_KEY", "gate-offline-api-test-key")
        get_engine.cache_clear()
        with TestClient(build()) as c:
            yield c
        get_engine.cache_clear()


def token_of(suffix: str) -> str:
    with Session(get_engine()) as s:
        token, _ = auth.sign_in(s, seed.DEMO_PHONE_PREFIX + suffix, seed.DEMO_PASSWORD)
        s.commit()
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def a_live_card() -> str:
    with Session(get_engine()) as s:
        p = s.exec(select(WorkerPass).where(col(WorkerPass.revoked_at).is_(None)).order_by(WorkerPass.id)).first()
        return renovation_passes.pass_token(p)


def test_the_pass_list_is_for_the_gate_only(client):
    r = client.get("/api/gate/snapshot")
    assert r.status_code == 401 and r.json()["key"] == "auth.signed_out" and "登录" in r.json()["error"]
    r = client.get("/api/gate/snapshot?lang=en", headers=bearer("not-a-session"))
    assert r.status_code == 401 and r.json()["error"].isascii()
    r = client.get("/api/gate/snapshot", headers=bearer(token_of(BUTLER)))
    assert r.status_code == 403 and r.json()["key"] == "auth.no_permission"
    with Session(get_engine()) as s:
        refused = s.exec(select(AuditEntry).where(AuditEntry.action == "auth.refused",
                                                  AuditEntry.subject == "gate.scan")).all()
    assert refused, "the refusal is on record"


def test_a_guard_gets_the_list_with_its_texts_and_no_card_text(client):
    r = client.get("/api/gate/snapshot", headers=bearer(token_of(GUARD)))
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    snap = r.json()
    assert snap["passes"] and snap["sites"] and snap["generated_at"] > 0
    assert snap["texts"]["zh"]["gate.verdict.valid"] == "有效，准予通行"
    assert snap["texts"]["en"]["gate_offline.js.stale"].startswith("Pass list out of date")
    assert a_live_card() not in r.text  # only hashes of the cards


def test_queued_scans_are_logged_once_over_http(client):
    token = token_of(GUARD)
    now = int(time.time() * 1000)
    body = {"scans": [{"client_id": "http-1", "text": a_live_card(), "phone_at": now - 60_000, "shown": "valid",
                       "snapshot_at": now - 600_000, "gate": "东门"},
                      {"client_id": "http-2", "text": "", "phone_at": now, "shown": "valid"}],
            "sent_at": now, "lang": "en"}
    first = client.post("/api/gate/offline-scans", json=body, headers=bearer(token))
    assert first.status_code == 200, first.text
    results = first.json()["results"]
    assert [r["status"] for r in results] == ["logged", "refused"]
    assert results[1]["message"] == "This offline scan is incomplete and cannot be logged"
    again = client.post("/api/gate/offline-scans", json=body, headers=bearer(token))
    assert [r["status"] for r in again.json()["results"]] == ["duplicate", "refused"]
    with Session(get_engine()) as s:
        rows = s.exec(select(GateScan).where(GateScan.client_id == "http-1")).all()
    assert len(rows) == 1 and rows[0].offline and rows[0].snapshot_age_s == 540 and rows[0].gate == "东门"


def test_bad_uploads_get_a_clear_refusal(client):
    token = token_of(GUARD)
    r = client.post("/api/gate/offline-scans", content=b"{not json", headers=bearer(token))
    assert r.status_code == 400 and r.json()["key"] == "err.bad_request.body"
    r = client.post("/api/gate/offline-scans", content=b"x" * (600 * 1024), headers=bearer(token))
    assert r.status_code == 413
    r = client.post("/api/gate/offline-scans", json={"scans": [{}] * 201}, headers=bearer(token))
    assert r.status_code == 422 and "200" in r.json()["error"]
    r = client.post("/api/gate/offline-scans", json={"scans": []}, headers=bearer(token_of(BUTLER)))
    assert r.status_code == 403
