"""The scale-out configuration: PostgreSQL + Redis state manager + several workers.

Runs when APP_TEST_POSTGRES_URL and APP_TEST_REDIS_URL are given (CI gives
both); skipped with a message otherwise. The app is started as in production,
with GRANIAN_WORKERS=3, and several phones use it at once: every page load
opens a new websocket that any worker may take, so sign-in and state must
live in the shared stores, not in one process.
"""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from sqlmodel import Session, func, select

from app import settings
from app.db.models import AuthSession
from tests.conftest import PG_URL, _postgres_database
from tests.e2e.conftest import PHONE, shot, sign_in, start_app, stop_app

pytestmark = [pytest.mark.e2e, pytest.mark.scaleout]
REDIS_URL = os.environ.get("APP_TEST_REDIS_URL", "")


@pytest.fixture(scope="module")
def scaled_app(tmp_path_factory):
    if not (PG_URL and REDIS_URL):
        pytest.skip("scale-out runs skipped: set APP_TEST_POSTGRES_URL and APP_TEST_REDIS_URL")
    import redis

    redis.Redis.from_url(REDIS_URL).ping()
    gen = _postgres_database()
    url = next(gen)
    proc, app = start_app(
        tmp_path_factory.mktemp("scaled"),
        {
            "REFLEX_DB_URL": settings.with_driver(url),
            "REFLEX_REDIS_URL": REDIS_URL,
            "GRANIAN_WORKERS": "3",
        },
    )
    yield app
    stop_app(proc)
    gen.close()


def test_several_phones_on_several_workers(browser, scaled_app):
    people = [("13800000011", "/grid", "我的网格 · 今日"), ("13800000021", "/gate", "门岗"),
              ("13800000004", "/desk", "前台工作台")]
    contexts = []
    try:
        pages = []
        for number, path, _ in people:
            # the service worker's shell is the offline tests' concern; here it would only add load
            ctx = browser.new_context(base_url=scaled_app.url, service_workers="block", **PHONE)
            contexts.append(ctx)
            page = ctx.new_page()
            page.set_default_timeout(20_000)
            sign_in(page, number)
            page.wait_for_url(f"**{path}")
            pages.append(page)
        # reloads reconnect, possibly to another worker: still signed in, right home
        for _ in range(4):
            for page, (_, _, heading) in zip(pages, people, strict=True):
                page.reload()
                expect(page.locator("#page-title")).to_have_text(heading)
        expect(pages[0].locator(".grid-name")).to_have_count(1)
        pages[0].locator("#lang-switch").click()
        expect(pages[0].locator("#page-title")).to_have_text("My grid · today")
        pages[0].reload()
        expect(pages[0].locator("#page-title")).to_have_text("My grid · today")
        shot(pages[0], "scaleout-butler")
    finally:
        for ctx in contexts:
            ctx.close()
    with Session(sa.create_engine(settings.with_driver(scaled_app.db_url))) as s:
        assert s.exec(select(func.count()).select_from(AuthSession)).one() >= len(people)
