"""The butler's request form over HTTP (app.api.butler_requests): the form the phone keeps, one request
registered once by its client id (a resend answers the first), another grid's household refused next
to its field and audited, a photo attached after it through /api/evidence; the token and role enforced.

Runs the Starlette app of `app.api.build()` with TestClient on its own migrated and seeded SQLite file.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlmodel import Session, func, select
from starlette.testclient import TestClient

from app import seed, settings
from app.api import build
from app.db.models import AuditEntry, EvidencePhoto, Grid, Household, ServiceRequest, Staff
from app.db.session import get_engine
from app.domain import auth, households
from tests.conftest import migrate

from .conftest import BUTLER, BUTLER_2, FRONT_DESK
from .test_evidence import photo


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> Iterator[TestClient]:
    tmp = tmp_path_factory.mktemp("butler_requests_api")
    url = f"sqlite:///{tmp / 'api.db'}"
    migrate(url)
    engine = sa.create_engine(url)
    with Session(engine) as s:
        seed.seed_demo(s)
        s.commit()
    engine.dispose()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REFLEX_DB_URL", url)
        mp.setenv("APP_SECRET_KEY", "butler-requests-api-test-key")
        mp.setattr(settings, "EVIDENCE_DIR", tmp / "evidence")
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


def _home_text(suffix: str) -> str:
    with Session(get_engine()) as s:
        staff = s.exec(select(Staff).where(Staff.phone == seed.DEMO_PHONE_PREFIX + suffix)).one()
        grid = s.exec(select(Grid).where(Grid.butler_id == staff.id)).one()
        home = s.exec(select(Household).where(Household.grid_id == grid.id).order_by(Household.id)).first()
        return households.label(s, home.id)


def _count(model, *where) -> int:
    with Session(get_engine()) as s:
        return s.exec(select(func.count()).select_from(model).where(*where)).one()


def test_the_form_the_phone_keeps(client):
    r = client.get("/api/field/requests", headers=bearer(token_of(BUTLER)))
    assert r.status_code == 200, r.text
    body = r.json()
    assert "repair" in body["kinds"] and body["grids"]
    assert body["texts"]["zh"]["butler_request.submit"] == "登记"
    assert body["texts"]["en"]["required.household"]
    assert r.headers["cache-control"] == "no-store"


def test_the_route_needs_a_token_and_the_butlers_role(client):
    assert client.post("/api/field/requests", json={"cid": "b-none"}).status_code == 401
    before = _count(AuditEntry, AuditEntry.action == "auth.refused")
    r = client.post("/api/field/requests", headers=bearer(token_of(FRONT_DESK)),
                    json={"cid": "b-desk-1", "kind": "repair", "household": _home_text(BUTLER), "content": "漏水"})
    assert r.status_code == 403
    assert _count(AuditEntry, AuditEntry.action == "auth.refused") == before + 1
    assert _count(ServiceRequest, ServiceRequest.client_id == "b-desk-1") == 0


def test_registered_once_by_client_id_and_a_photo_follows(client):
    token = token_of(BUTLER)
    body = {"cid": "b-api-once", "kind": "repair", "household": _home_text(BUTLER), "content": "业主说阳台漏水",
            "urgent": True, "lang": "zh"}
    first = client.post("/api/field/requests", headers=bearer(token), json=body)
    assert first.status_code == 200, first.text
    again = client.post("/api/field/requests", headers=bearer(token), json=body)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert _count(ServiceRequest, ServiceRequest.client_id == "b-api-once") == 1
    with Session(get_engine()) as s:
        req = s.get(ServiceRequest, first.json()["id"])
        assert req.channel == "butler" and req.category == "repair_urgent"
    files = {"file": ("a.jpg", photo(), "image/jpeg")}
    form = {"kind": "request", "subject_id": str(req.id), "client_id": "p-api-once", "lang": "zh"}
    up = client.post("/api/evidence", headers=bearer(token), data=form, files=files)
    assert up.status_code == 200, up.text
    up2 = client.post("/api/evidence", headers=bearer(token), data=form, files={"file": ("a.jpg", photo(), "image/jpeg")})
    assert up2.status_code == 200 and up2.json()["id"] == up.json()["id"]
    assert _count(EvidencePhoto, EvidencePhoto.subject_kind == "request", EvidencePhoto.subject_id == req.id) == 1


def test_another_grids_household_is_refused_next_to_its_field_and_audited(client):
    before = _count(AuditEntry, AuditEntry.action == "request.butler_refused")
    r = client.post("/api/field/requests", headers=bearer(token_of(BUTLER)),
                    json={"cid": "b-api-other", "kind": "complaint", "household": _home_text(BUTLER_2),
                          "content": "噪音", "lang": "en"})
    assert r.status_code == 403
    assert r.json()["field"] == "household" and r.json()["key"] == "butler_request.other_grid"
    assert "not in a grid you answer for" in r.json()["error"]
    assert _count(AuditEntry, AuditEntry.action == "request.butler_refused") == before + 1
    assert _count(ServiceRequest, ServiceRequest.client_id == "b-api-other") == 0


def test_bad_input_is_answered_with_its_field(client):
    r = client.post("/api/field/requests", headers=bearer(token_of(BUTLER)),
                    json={"cid": "b-api-bad", "kind": "repair", "household": "楼下", "content": "x"})
    assert r.status_code == 422 and r.json()["field"] == "household"
    r = client.post("/api/field/requests", headers=bearer(token_of(BUTLER)), content=b"[1]")
    assert r.status_code == 400
