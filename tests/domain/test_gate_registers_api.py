"""The gate registers' routes over HTTP (app.api.gate_registers): the snapshot the phone keeps, the sync of
its queue (each action in its own transaction: a refusal answered with its reason, the rest applied; a
retried batch applied once), the online household check; the bearer token and the role enforced.

Runs the Starlette app of `app.api.build()` with TestClient on its own migrated and seeded SQLite file.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlmodel import Session, func, select
from starlette.testclient import TestClient

from app import seed
from app.api import build
from app.db.models import AuditEntry, GoodsPass, RenovationApplication, Visitor
from app.db.session import get_engine
from app.domain import auth, households
from app.seed.renovations import seed_renovations
from tests.conftest import migrate

from .conftest import BUTLER, FRONT_DESK, GUARD


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> Iterator[TestClient]:
    tmp = tmp_path_factory.mktemp("gate_registers_api")
    url = f"sqlite:///{tmp / 'api.db'}"
    migrate(url)
    engine = sa.create_engine(url)
    with Session(engine) as s:
        seed.seed_demo(s)
        s.commit()
    engine.dispose()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REFLEX_DB_URL", url)
        get_engine.cache_clear()
        with Session(get_engine()) as s:
            seed_renovations(s)  # renovations in every stage: some under way, with permits
            s.commit()
        mp.setenv("REFLEX_DB_URL", url)
        mp.setenv("APP_SECRET_KEY", "gate-registers-api-test-key")
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


def _permit_home() -> tuple[str, str]:
    with Session(get_engine()) as s:
        app = s.exec(select(RenovationApplication).where(RenovationApplication.status == "approved",
                                                         RenovationApplication.permit_no != "")).first()
        assert app is not None
        return households.label(s, app.household_id), app.permit_no


def _count(model, *where) -> int:
    with Session(get_engine()) as s:
        return s.exec(select(func.count()).select_from(model).where(*where)).one()


def test_the_snapshot_holds_the_permits_and_today_and_no_resident_list(client):
    r = client.get("/api/gate/registers", headers=bearer(token_of(GUARD)))
    assert r.status_code == 200, r.text
    body = r.json()
    snap = body["snapshot"]
    assert set(snap) == {"permits", "goods", "visitors", "staff", "server_now"}
    label, permit_no = _permit_home()
    assert any(p["permit_no"] == permit_no and p["label"] == label for p in snap["permits"])
    assert all(set(p) == {"b", "e", "room", "label", "permit_no", "owner", "until"} for p in snap["permits"])
    assert body["texts"]["zh"]["required.items"] == "请填写物品"
    assert body["texts"]["en"]["gate_reg.goods_saved"] == "Goods registered"
    assert r.headers["cache-control"] == "no-store"


def test_the_routes_need_a_token_and_the_role(client):
    before = _count(AuditEntry)
    assert client.get("/api/gate/registers").status_code == 401
    butler = token_of(BUTLER)
    assert client.get("/api/gate/registers", headers=bearer(butler)).status_code == 403
    r = client.post("/api/gate/registers/sync", headers=bearer(butler),
                    json={"sent_at": int(time.time() * 1000), "actions": [
                        {"cid": "v-butler", "kind": "visitor", "at": int(time.time() * 1000), "name": "甲"}]})
    assert r.status_code == 403
    assert client.get("/api/gate/registers/household?text=3-1-502", headers=bearer(butler)).status_code == 403
    assert _count(Visitor, Visitor.client_id == "v-butler") == 0
    assert _count(AuditEntry) > before, "refusals are audited"
    forged = client.get("/api/gate/registers", headers=bearer("not-a-token"))
    assert forged.status_code == 401


def test_a_batch_applies_each_action_once_and_refuses_one_with_its_reason(client):
    token = token_of(FRONT_DESK)
    label, permit_no = _permit_home()
    now = int(time.time() * 1000)
    earlier = now - 30 * 60 * 1000
    actions = [
        {"cid": "api-g-1", "kind": "goods", "at": earlier, "offline": True, "household": label, "items": "旧门 1 扇",
         "direction": "out", "confirmed_by": "permit", "permit_no": permit_no, "carrier_name": "工人", "gate": "南门"},
        {"cid": "api-g-2", "kind": "goods", "at": earlier, "offline": True, "household": "99-9-9999",
         "items": "纸箱", "direction": "in", "confirmed_by": "", "carrier_name": "快递员"},
        {"cid": "api-v-1", "kind": "visitor", "at": earlier, "offline": True, "name": "访客丙", "purpose": "维修"},
        {"cid": "api-l-1", "kind": "visitor_left", "at": now - 60_000, "offline": True, "visitor_cid": "api-v-1"},
    ]
    r = client.post("/api/gate/registers/sync", headers=bearer(token),
                    json={"sent_at": now, "lang": "zh", "actions": actions})
    assert r.status_code == 200, r.text
    body = r.json()
    results = {x["cid"]: x for x in body["results"]}
    assert [results[c]["ok"] for c in ("api-g-1", "api-g-2", "api-v-1", "api-l-1")] == [True, False, True, True]
    assert results["api-g-2"]["message"] == "找不到该房屋" and results["api-g-2"]["key"] == "household.not_found"
    assert results["api-l-1"]["id"] == results["api-v-1"]["id"]
    assert any(g["cid"] == "api-g-1" and g["offline"] for g in body["snapshot"]["goods"])
    assert all(v["cid"] != "api-v-1" for v in body["snapshot"]["visitors"]), "left: no longer inside"
    # the answer was lost: the phone sends the same batch again, in English now
    again = client.post("/api/gate/registers/sync", headers=bearer(token),
                        json={"sent_at": int(time.time() * 1000), "lang": "en", "actions": actions}).json()
    assert [x["id"] for x in again["results"] if x["ok"]] == [results[c]["id"] for c in ("api-g-1", "api-v-1", "api-l-1")]
    assert next(x for x in again["results"] if not x["ok"])["message"] == "Household not found"
    assert _count(GoodsPass, GoodsPass.client_id == "api-g-1") == 1
    assert _count(GoodsPass, GoodsPass.client_id == "api-g-2") == 0
    assert _count(Visitor, Visitor.client_id == "api-v-1") == 1
    with Session(get_engine()) as s:
        g = s.exec(select(GoodsPass).where(GoodsPass.client_id == "api-g-1")).one()
        assert g.offline and g.phone_at is not None and g.at > g.phone_at and g.application_id is not None
        v = s.exec(select(Visitor).where(Visitor.client_id == "api-v-1")).one()
        assert v.left_at is not None and v.left_phone_at is not None and v.phone_at is not None


def test_bad_batches_are_answered_not_applied(client):
    token = token_of(GUARD)
    assert client.post("/api/gate/registers/sync", headers=bearer(token), content=b"{not json").status_code == 400
    r = client.post("/api/gate/registers/sync", headers=bearer(token), json={"sent_at": "noon", "actions": []})
    assert r.status_code == 422 and r.json()["key"] == "field.bad_time"
    r = client.post("/api/gate/registers/sync", headers=bearer(token),
                    json={"sent_at": int(time.time() * 1000), "actions": [{"kind": "visitor"}] * 101})
    assert r.status_code == 400


def test_the_household_typed_online(client):
    token = token_of(GUARD)
    label, permit_no = _permit_home()
    r = client.get("/api/gate/registers/household", params={"text": label}, headers=bearer(token))
    assert r.status_code == 200 and r.json()["permit"]["permit_no"] == permit_no and r.json()["label"] == label
    r = client.get("/api/gate/registers/household", params={"text": "99-9-9999", "lang": "zh"}, headers=bearer(token))
    assert r.status_code == 404 and r.json()["error"] == "找不到该房屋"
    r = client.get("/api/gate/registers/household", params={"text": "楼下"}, headers=bearer(token))
    assert r.status_code == 404 and r.json()["key"] == "household.unreadable"
