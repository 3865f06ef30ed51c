"""`POST /api/links/renew` (issue 15, #9): an expired link from a page left open is renewed
for someone who may open the file now, and for nobody else."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from sqlmodel import Session, select

from app.api import links
from app.db.models import Grid
from app.db.session import get_engine

from .conftest import GUARD, SUPERVISOR
from .test_evidence_api import butler_token, client, post, root, served, token_of  # noqa: F401


def _renew(client, token: str | None, link: str):  # noqa: F811
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/api/links/renew", json={"link": link}, headers=headers)


def _poster_link(ttl: timedelta) -> str:
    with Session(get_engine()) as s:
        gid = s.exec(select(Grid.id)).first()
    return links.sign(f"/api/grids/{gid}/poster.png", ttl)


def test_an_expired_poster_link_is_renewed_for_a_planner_only(client):  # noqa: F811
    expired = _poster_link(timedelta(hours=-3))
    assert client.get(expired).status_code == 403
    r = _renew(client, token_of(SUPERVISOR), expired)
    assert r.status_code == 200, r.text
    fresh = r.json()["link"]
    q = parse_qs(urlsplit(fresh).query)
    assert fresh != expired and links.verify(urlsplit(fresh).path, q["exp"][0], q["sig"][0])
    assert client.get(fresh).status_code == 200
    # a guard may not plan grids: no fresh poster for him, nor for nobody
    assert _renew(client, token_of(GUARD), expired).status_code == 403
    assert _renew(client, None, expired).status_code == 401
    assert _renew(client, "not-a-session", expired).status_code == 403


def test_forged_or_foreign_links_are_never_renewed(client, butler_token):  # noqa: F811
    expired = _poster_link(timedelta(hours=-3))
    supervisor = token_of(SUPERVISOR)
    for bad in (expired.replace("sig=", "sig=A"), expired.split("?")[0],
                "http://evil.example" + expired, expired.replace("poster.png", "tags.pdf"),
                links.sign("/api/staff/1/photo.jpg", timedelta(hours=-3))):
        assert _renew(client, supervisor, bad).status_code == 403, bad
    assert client.post("/api/links/renew", content=b"nope",
                       headers={"Authorization": f"Bearer {supervisor}"}).status_code == 400


def test_an_expired_photo_link_is_renewed_for_staff_who_see_photos(client, butler_token):  # noqa: F811
    up = post(client, butler_token)
    assert up.status_code == 200, up.text
    path = up.json()["thumb_url"].split("?")[0]
    expired = links.sign(path, timedelta(hours=-3))
    r = _renew(client, token_of(SUPERVISOR), expired)
    assert r.status_code == 200 and client.get(r.json()["link"]).status_code == 200
