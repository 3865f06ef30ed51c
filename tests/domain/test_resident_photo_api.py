"""A resident's photo over HTTP: `Authorization: Link <private link>` instead of a staff bearer."""

from __future__ import annotations

import io

from sqlmodel import Session, select

from app.db.models import Community, EvidencePhoto, Household, ServiceRequest
from app.db.session import get_engine
from app.domain import requests
from app.domain import resident_requests as rr

from .test_evidence import photo
from .test_evidence_api import cid, client, files, root, rows, served  # noqa: F401  (fixtures)


def _filed() -> tuple[str, int]:
    with Session(get_engine()) as s:
        community_id = s.exec(select(Community.id)).first()
        home = s.exec(select(Household).where(Household.community_id == community_id)).first()
        filed = requests.public_intake(
            s, community_id=community_id, household_id=home.id, kind="repair",
            content="阳台漏水", contact_phone="13900001111", client_key=f"api-{cid()}",
        )
        s.commit()
        return filed.link, filed.request.id


def _post(client, link: str | None, client_id: str | None = None, lang: str = "zh"):  # noqa: F811
    headers = {"Authorization": f"Link {link}"} if link is not None else {}
    form = {"client_id": client_id or cid(), "claimed_at_ms": "", "lang": lang,
            # what the form says about the subject does not matter for a link
            "kind": "patrol", "subject_id": "1"}
    return client.post(f"/api/evidence?lang={lang}", data=form, headers=headers,
                       files={"file": ("IMG_2.jpg", io.BytesIO(photo()), "image/jpeg")})  # as photo_upload.js


def test_a_link_uploads_to_its_own_request_once(client, root):  # noqa: F811
    link, request_id = _filed()
    before = rows()
    first = _post(client, link, client_id="res-photo-1")
    assert first.status_code == 200, first.text
    again = _post(client, link, client_id="res-photo-1")  # a retry of the same photo
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert rows() == before + 1
    with Session(get_engine()) as s:
        stored = s.get(EvidencePhoto, first.json()["id"])
        assert stored.author_id is None
        assert (stored.subject_kind, stored.subject_id) == (requests.PHOTO_KIND, request_id)
        seen = rr.view(s, link)
        assert [p.id for p in seen.photos] == [stored.id]
    assert client.get(first.json()["thumb_url"]).status_code == 200


def test_an_unknown_link_is_refused_in_the_users_language_and_stores_nothing(client, root):  # noqa: F811
    before, on_disk = rows(), len(files(root))
    bad = _post(client, "guessed-link-0000000000", lang="en")
    assert bad.status_code == 403
    assert bad.json()["key"] == "request.link_unknown"
    assert bad.json()["error"] == "This link is not valid"
    assert _post(client, "").status_code == 401  # an empty credential is no credential
    assert rows() == before and len(files(root)) == on_disk


def test_a_closed_request_takes_no_more_photos(client):  # noqa: F811
    link, request_id = _filed()
    with Session(get_engine()) as s:
        req = s.get(ServiceRequest, request_id)
        req.is_open = False
        req.status = requests.CLOSED
        s.add(req)
        s.commit()
    closed = _post(client, link)
    assert closed.status_code == 422 and closed.json()["key"] == "request.closed"
