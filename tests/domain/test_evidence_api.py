"""The evidence routes over HTTP: upload with a bearer token, files only by signed link.

Runs the Starlette app of `app.api.build()` with TestClient on its own
migrated and seeded SQLite file (the routes commit, so the shared test
database is left alone) and a throwaway evidence folder.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, select
from starlette.testclient import TestClient

from app import seed, settings
from app.api import build
from app.db.models import EvidencePhoto, Staff
from app.db.session import get_engine
from app.domain import auth, clock, evidence
from app.domain.errors import Refused
from tests.conftest import migrate

from .conftest import BUTLER, BUTLER_2
from .test_evidence import photo

KIND = "apitest"
SUBJECT = 5


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[TestClient, str, Path]]:
    """(client, database URL, evidence root) with the demo community seeded."""
    tmp = tmp_path_factory.mktemp("evidence_api")
    url = f"sqlite:///{tmp / 'api.db'}"
    migrate(url)
    engine = sa.create_engine(url)
    with Session(engine) as s:
        seed.seed_demo(s)
        s.commit()
    engine.dispose()
    root = tmp / "evidence"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REFLEX_DB_URL", url)
        mp.setenv("APP_SECRET_KEY", "evidence-api-test-key")
        mp.setattr(settings, "EVIDENCE_DIR", root)
        get_engine.cache_clear()

        butler_phone = seed.DEMO_PHONE_PREFIX + BUTLER

        def resolver(session: Session, actor, subject_id: int) -> evidence.SubjectInfo:
            # only the butler walking this subject may attach to it
            if actor.phone != butler_phone or subject_id != SUBJECT or actor.community_id is None:
                raise Refused("auth.no_permission")
            return evidence.SubjectInfo(community_id=actor.community_id, place="1号楼")

        evidence.register_subject(KIND, resolver)
        with TestClient(build()) as client:
            yield client, url, root
        evidence.unregister_subject(KIND)
        get_engine.cache_clear()


@pytest.fixture
def client(served) -> TestClient:
    return served[0]


@pytest.fixture
def root(served) -> Path:
    return served[2]


def token_of(suffix: str) -> str:
    with Session(get_engine()) as s:
        token, _ = auth.sign_in(s, seed.DEMO_PHONE_PREFIX + suffix, seed.DEMO_PASSWORD)
        s.commit()
    return token


@pytest.fixture(scope="module")
def butler_token(served) -> str:
    return token_of(BUTLER)


def rows() -> int:
    with Session(get_engine()) as s:
        return s.exec(select(func.count()).select_from(EvidencePhoto)).one()


def files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


_n = [0]


def cid() -> str:
    _n[0] += 1
    return f"api-{_n[0]:04d}"


def post(client, token: str | None, *, data: bytes | None = None, client_id: str | None = None,
         subject: int = SUBJECT, lang: str = "zh", **extra):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    form = {"kind": KIND, "subject_id": str(subject), "client_id": client_id or cid(),
            "claimed_at_ms": "1767225600000", "lang": lang}
    body = photo() if data is None else data
    return client.post("/api/evidence", data=form, headers=headers,
                       files={"file": ("IMG_1.jpg", io.BytesIO(body), "image/jpeg")}, **extra)


def test_upload_answers_links_that_serve_the_files(client, butler_token, root):
    before = rows()
    r = post(client, butler_token)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"id", "thumb_url", "full_url"}
    assert rows() == before + 1
    assert body["thumb_url"].startswith(f"/api/evidence/{body['id']}/thumb.jpg?exp=")
    thumb = client.get(body["thumb_url"])
    assert thumb.status_code == 200
    assert thumb.headers["content-type"] == "image/jpeg"
    assert thumb.headers["cache-control"] == "private, max-age=600"
    assert thumb.content[:3] == b"\xff\xd8\xff"
    full = client.get(body["full_url"])
    assert full.status_code == 200 and len(full.content) > len(thumb.content)
    # stored where the settings say, never in a public folder
    with Session(get_engine()) as s:
        p = s.get(EvidencePhoto, body["id"])
        assert (root / p.path_thumb).read_bytes() == thumb.content
        assert p.client_id is not None and p.claimed_at is not None


def test_files_need_a_genuine_unexpired_link(client, butler_token):
    body = post(client, butler_token).json()
    pid = body["id"]
    assert client.get(f"/api/evidence/{pid}/thumb.jpg").status_code == 403
    tampered = body["thumb_url"][:-2] + ("AA" if not body["thumb_url"].endswith("AA") else "BB")
    assert client.get(tampered).status_code == 403
    # a link for one photo does not open another
    other = body["thumb_url"].replace(f"/{pid}/", f"/{pid + 1000}/")
    assert client.get(other).status_code == 403
    # nor the other file of the same photo
    assert client.get(body["thumb_url"].replace("thumb.jpg", "full.jpg")).status_code == 403
    clock.freeze(clock.now() + timedelta(hours=1))
    try:
        assert client.get(body["thumb_url"]).status_code == 403
    finally:
        clock.reset()


def test_a_hidden_photo_is_still_served_by_a_valid_link(client, butler_token):
    body = post(client, butler_token).json()
    with Session(get_engine()) as s:
        p = s.get(EvidencePhoto, body["id"])
        p.hidden = True
        s.add(p)
        s.commit()
    assert client.get(body["full_url"]).status_code == 200


def test_no_or_bad_bearer_is_401_and_stores_nothing(client, root):
    before, on_disk = rows(), files(root)
    r = post(client, None)
    assert r.status_code == 401 and r.json()["key"] == "auth.signed_out"
    assert post(client, "not-a-real-token").status_code == 401
    assert rows() == before and files(root) == on_disk


def test_over_25_mb_is_413_and_nothing_is_written(client, butler_token, root):
    before, on_disk = rows(), files(root)
    big = b"\xff\xd8\xff" + b"\0" * (26 * 1024 * 1024)
    r = post(client, butler_token, data=big)
    assert r.status_code == 413
    assert "25" in r.json()["error"] and r.json()["key"] == "evidence.too_large"
    assert rows() == before and files(root) == on_disk


def test_over_25_mb_without_a_length_is_cut_off_while_streaming(client, butler_token, root):
    before, on_disk = rows(), files(root)
    boundary = "xyzBOUNDARYxyz"

    def body():
        yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
               f"filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").encode()
        chunk = b"\0" * (1024 * 1024)
        for _ in range(27):
            yield chunk
        yield f"\r\n--{boundary}--\r\n".encode()

    r = client.post(
        "/api/evidence?lang=en",
        content=body(),
        headers={"Authorization": f"Bearer {butler_token}",
                 "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert r.status_code == 413
    assert r.json()["error"].startswith("The photo is too large")
    assert rows() == before and files(root) == on_disk


def test_a_text_file_is_refused_with_the_message_in_the_users_language(client, butler_token, root):
    before, on_disk = rows(), files(root)
    r = post(client, butler_token, data=b"hello, this is not a photo")
    assert r.status_code == 422
    assert r.json()["key"] == "evidence.not_image"
    assert "不是图片" in r.json()["error"]
    r = post(client, butler_token, data=b"hello, this is not a photo", lang="en")
    assert r.json()["error"].startswith("This is not a picture")
    assert rows() == before and files(root) == on_disk


def test_a_corrupt_photo_leaves_no_file(client, butler_token, root):
    before, on_disk = rows(), files(root)
    data = photo()
    r = post(client, butler_token, data=data[: len(data) // 3])
    assert r.status_code == 422 and r.json()["key"] == "evidence.corrupt"
    assert rows() == before and files(root) == on_disk


def test_a_retried_client_id_is_stored_once(client, butler_token, root):
    first = post(client, butler_token, client_id="retry-1")
    n, on_disk = rows(), files(root)
    again = post(client, butler_token, client_id="retry-1")
    assert first.status_code == again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert rows() == n and files(root) == on_disk


def test_bad_client_id_is_refused(client, butler_token):
    r = post(client, butler_token, client_id="no spaces allowed")
    assert r.status_code == 422 and r.json()["key"] == "evidence.bad_client_id"


def test_someone_the_subject_refuses_gets_403_and_nothing_is_stored(client, root):
    before, on_disk = rows(), files(root)
    r = post(client, token_of(BUTLER_2))
    assert r.status_code == 403 and r.json()["key"] == "auth.no_permission"
    r = post(client, token_of(BUTLER), subject=SUBJECT + 1)
    assert r.status_code == 403
    assert rows() == before and files(root) == on_disk


def test_missing_fields_are_a_clear_400ish_answer(client, butler_token):
    r = client.post("/api/evidence", data={"kind": KIND},
                    headers={"Authorization": f"Bearer {butler_token}"},
                    files={"other": ("x", b"x")})
    assert r.status_code == 422 and r.json()["key"] == "evidence.bad_request"
    r = client.post("/api/evidence", content=b"{}",
                    headers={"Authorization": f"Bearer {butler_token}",
                             "Content-Type": "application/json"})
    assert r.status_code == 415


def test_an_inactive_person_is_signed_out(client, root):
    token = token_of(BUTLER_2)
    with Session(get_engine()) as s:
        staff = s.exec(select(Staff).where(Staff.phone == seed.DEMO_PHONE_PREFIX + BUTLER_2)).one()
        staff.active = False
        s.add(staff)
        s.commit()
    try:
        assert post(client, token).status_code == 401
    finally:
        with Session(get_engine()) as s:
            staff = s.exec(
                select(Staff).where(Staff.phone == seed.DEMO_PHONE_PREFIX + BUTLER_2)
            ).one()
            staff.active = True
            s.add(staff)
            s.commit()
