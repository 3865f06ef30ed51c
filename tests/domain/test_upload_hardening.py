"""`POST /api/evidence` under bad bodies and concurrency (issue 15, #17).

- a multipart body without a boundary, or garbage, answers 400 with a message
  in the user's language (it answered 500, and the phone retried it);
- concurrent uploads with one client id store one photo and leave no `.tmp`
  or orphan file under the evidence root;
- the resident's 12-photo cap holds when photos arrive at once (10 then 8 at
  once stored 15).
"""

from __future__ import annotations

import io
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.db.models import EvidencePhoto
from app.db.session import get_engine
from app.domain import requests
from app.domain import resident_requests as rr

from .test_evidence import photo
from .test_evidence_api import (  # noqa: F401  (fixtures)
    KIND,
    SUBJECT,
    butler_token,
    cid,
    client,
    files,
    post,
    root,
    rows,
    served,
)
from .test_resident_photo_api import _filed, _post


def _bearer(token: str, content_type: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": content_type}


def test_multipart_without_a_boundary_is_400_with_a_message(client, butler_token, root):  # noqa: F811
    before, on_disk = rows(), files(root)
    r = client.post("/api/evidence?lang=en", content=b"--x\r\n\r\nhello\r\n--x--\r\n",
                    headers=_bearer(butler_token, "multipart/form-data"))
    assert r.status_code == 400, r.text
    assert r.json()["key"] == "http.bad_form"
    assert r.json()["error"].startswith("The upload did not arrive")
    r = client.post("/api/evidence", content=b"garbage",
                    headers=_bearer(butler_token, "multipart/form-data; charset=utf-8"))
    assert r.status_code == 400 and "上传" in r.json()["error"]
    assert rows() == before and files(root) == on_disk


def test_garbage_multipart_is_400_not_500(client, butler_token, root):  # noqa: F811
    before, on_disk = rows(), files(root)
    bodies = [
        b"\x00\xff" * 5000,
        b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n\r\n" + b"\xff" * 100,
        b"--b\r\n\r\n\r\n--b--",
        b"--b\r\nContent-Disposition: \xff\xfe\r\n\r\nx\r\n--b--\r\n",
        b"--b\r\n" + b"X" * 70_000 + b"\r\n\r\nx\r\n--b--\r\n",
    ]
    for body in bodies:
        r = client.post("/api/evidence", content=body,
                        headers=_bearer(butler_token, "multipart/form-data; boundary=b"))
        assert r.status_code in (400, 422), (body[:40], r.status_code, r.text)
        assert r.json()["error"], r.text
    assert rows() == before and files(root) == on_disk


def test_one_client_id_sent_at_once_stores_once_and_leaves_no_temp_file(
    client, butler_token, root, monkeypatch  # noqa: F811
):
    from app.domain import evidence

    decoded = []
    real_process = evidence.process

    def counting(*args, **kwargs):
        decoded.append(1)
        return real_process(*args, **kwargs)

    monkeypatch.setattr(evidence.store, "process", counting)  # where ingest looks it up
    same = cid()
    barrier = threading.Barrier(6)

    def send(_):
        barrier.wait()
        return post(client, butler_token, client_id=same)

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(send, range(6)))
    assert {r.status_code for r in answers} == {200}, [r.text for r in answers]
    assert len({r.json()["id"] for r in answers}) == 1
    with Session(get_engine()) as s:
        n = s.exec(select(func.count()).select_from(EvidencePhoto)
                   .where(EvidencePhoto.client_id == same)).one()
        known = {p for row in s.exec(select(EvidencePhoto.path_derivative, EvidencePhoto.path_thumb))
                 for p in row}
    assert n == 1
    assert len(decoded) == 1  # the retries waited for the first and got its answer
    left = [p for p in files(root) if p.relative_to(root).as_posix() not in known]
    assert left == [], left


def test_the_residents_cap_holds_when_photos_arrive_at_once(client, root):  # noqa: F811
    link, request_id = _filed()
    for _ in range(10):
        assert _post(client, link).status_code == 200
    barrier = threading.Barrier(8)

    def send(_):
        barrier.wait()
        return _post(client, link)

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(send, range(8)))
    codes = sorted(r.status_code for r in answers)
    assert codes.count(200) == 2, [r.text for r in answers]
    refused = [r.json() for r in answers if r.status_code != 200]
    assert {r["key"] for r in refused} == {"rr.too_many_photos"}
    with Session(get_engine()) as s:
        n = s.exec(select(func.count()).select_from(EvidencePhoto).where(
            EvidencePhoto.subject_kind == requests.PHOTO_KIND,
            EvidencePhoto.subject_id == request_id,
            col(EvidencePhoto.author_id).is_(None))).one()
    assert n == rr.PHOTO_MAX == 12
    _ = (KIND, SUBJECT, io, photo)  # shared helpers of the evidence API tests
