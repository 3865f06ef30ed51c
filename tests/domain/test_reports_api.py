"""The report PDF routes over HTTP: signed links only; the residents' link only while published.

Runs the Starlette app of `app.api.build()` with TestClient on its own migrated
and seeded SQLite file (the routes read committed rows).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlmodel import Session
from starlette.testclient import TestClient

from app import seed
from app.api import build, links
from app.api.reports import board_path, half_path, quarter_path
from app.db.session import get_engine
from app.domain import auth, notices, reports
from app.pdf.reports import page_count
from tests.conftest import migrate

from .conftest import SUPERVISOR, phone


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path_factory.mktemp('reports_api') / 'api.db'}"
    migrate(url)
    engine = sa.create_engine(url)
    with Session(engine) as s:
        seed.seed_demo(s)
        s.commit()
    engine.dispose()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REFLEX_DB_URL", url)
        mp.setenv("APP_SECRET_KEY", "reports-api-test-key")
        get_engine.cache_clear()
        with TestClient(build()) as c:
            yield c
        get_engine.cache_clear()


def _boss(s: Session) -> auth.Actor:
    from sqlmodel import select

    from app.db.models import Staff

    return auth.actor_for(s, s.exec(select(Staff).where(Staff.phone == phone(SUPERVISOR))).one())


def test_staff_links_are_signed_and_serve_one_a4_page(client):
    with Session(get_engine()) as s:
        cid = _boss(s).community_id
    quarter = reports.recent_quarters(1)[0].key
    half = reports.recent_half_months(2)[1].key
    for path in (quarter_path(cid, quarter), half_path(cid, half)):
        assert client.get(path).status_code == 403
        got = client.get(links.sign(path))
        assert got.status_code == 200 and got.headers["content-type"] == "application/pdf"
        assert page_count(got.content) == 1
        assert "no-store" in got.headers["cache-control"]
    # a malformed period behind a genuine signature is a 404, not an error
    assert client.get(links.sign(quarter_path(cid, "2026-Q9"))).status_code == 404
    assert client.get(links.sign(half_path(cid, "2026-11-02"))).status_code == 404


def test_residents_link_serves_only_a_published_report(client):
    quarter = reports.recent_quarters(2)[1].key
    with Session(get_engine()) as s:
        boss = _boss(s)
    path = board_path(boss.community_id, quarter)
    assert client.get(links.sign(path)).status_code == 404
    with Session(get_engine()) as s:
        row = notices.publish_report(s, _boss(s), quarter, title="季度报告", body="请查看")
        s.commit()
        row_id = row.id
    assert client.get(path).status_code == 403
    got = client.get(links.sign(path))
    assert got.status_code == 200 and got.content.startswith(b"%PDF-")
    with Session(get_engine()) as s:
        notices.withdraw(s, _boss(s), row_id)
        s.commit()
    assert client.get(links.sign(path)).status_code == 404
