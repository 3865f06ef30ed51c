"""The gate at phone size: a guard checks worker passes (fed as the decoded QR text through the typed
fallback, as the camera scanner hands it over) and gets the verdict at once, in large colour and words,
with the worker's photo area: valid; revoked on the very next scan; expired; outside construction
hours; forged; truncated; another community's; on hold while the waterproofing waits for its
confirmation. Every scan is logged.
"""

from __future__ import annotations

import io
import sqlite3
from datetime import UTC, date, datetime, time, timedelta

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from app.domain import clock, tokens
from tests.e2e.conftest import TEST_SECRET_KEY, shot, sign_in

pytestmark = pytest.mark.e2e

GUARD = "13800000022"
FRONT_DESK = "13800000004"


def _db(served_app) -> sqlite3.Connection:
    return sqlite3.connect(served_app.db_url.removeprefix("sqlite:///"))


def _token(pass_id: int, version: int, valid_until: date, community: int, *, expired: bool = False) -> str:
    until = date.today() - timedelta(days=1) if expired else valid_until
    end = datetime.combine(until, time(23, 59, 59), tzinfo=clock.ZONE).astimezone(UTC)
    return tokens.sign("pass", pass_id, version=version, expires_at=end, community_id=community,
                       key=TEST_SECRET_KEY.encode())


@pytest.fixture
def live_pass(served_app):
    """A seeded pass that is valid today, its renovation's hours opened to the whole day (restored after)."""
    today = datetime.now(clock.ZONE).date().isoformat()
    with _db(served_app) as con:
        row = con.execute(
            "select p.id, p.version, p.valid_until, p.community_id, p.application_id, a.hours_start, a.hours_end,"
            " w.name from workerpass p join renovationapplication a on a.id = p.application_id"
            " join renovationworker w on w.id = p.worker_id"
            " where p.revoked_at is null and p.valid_from <= ? and p.valid_until >= ? and a.status = 'approved'"
            " and w.trade != 'waterproofing'"
            " order by p.id limit 1",
            (today, today),
        ).fetchone()
        assert row is not None, "the demo seed has a renovation under way with live passes"
        pid, version, until, community, app_id, start, end, name = row
        con.execute("update renovationapplication set hours_start = '00:00', hours_end = '23:59' where id = ?",
                    (app_id,))
    yield {"id": pid, "version": version, "until": date.fromisoformat(until[:10]), "community": community,
           "app_id": app_id, "name": name}
    with _db(served_app) as con:
        con.execute("update renovationapplication set hours_start = ?, hours_end = ? where id = ?",
                    (start, end, app_id))


def _scan(page, text: str, verdict: str, words: str) -> None:
    page.locator("#scan-code").fill(text)
    page.locator("#scan-code-submit").click()
    expect(page.locator(f"#verdict[data-verdict={verdict}]")).to_be_visible()
    expect(page.locator("#verdict-words")).to_have_text(words)


def _face(tmp_path) -> str:
    """A portrait-shaped photo (what the desk takes of the worker for the card)."""
    img = Image.new("RGB", (900, 1200), (200, 170, 140))
    ImageDraw.Draw(img).ellipse((250, 250, 650, 750), fill=(230, 190, 160))
    path = tmp_path / "face.jpg"
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85)
    path.write_bytes(buf.getvalue())
    return str(path)


def test_guard_scans_passes_and_gets_a_verdict_for_each(served_app, phone, another, live_pass, tmp_path):
    p = live_pass
    # the front desk photographs the worker for the card (the guard compares faces with it)
    desk = another()
    sign_in(desk, FRONT_DESK)
    desk.wait_for_url("**/desk")
    desk.goto(f"/desk/renovations/{p['app_id']}")
    card = desk.locator(".reno-worker", has_text=p["name"]).first
    card.locator("input[type=file]").set_input_files(_face(tmp_path))
    expect(card).to_contain_text("重拍照片", timeout=20_000)

    sign_in(phone, GUARD)
    phone.wait_for_url("**/gate")
    phone.locator("#gate-name").fill("东门")
    good = _token(p["id"], p["version"], p["until"], p["community"])

    # valid: green, the worker's name and photo area
    _scan(phone, f"{served_app.url}/p/{good}", "valid", "有效，准予通行")
    expect(phone.locator("#worker-name")).to_have_text(p["name"])
    photo = phone.locator("#worker-photo")
    expect(photo).to_be_visible()
    phone.wait_for_function("document.querySelector('#worker-photo').naturalWidth > 0")
    assert photo.evaluate("e => e.naturalHeight > e.naturalWidth")  # the portrait taken at the desk
    bg = phone.locator("#verdict").evaluate("e => getComputedStyle(e).backgroundColor")
    r, g = (int(x) for x in bg[bg.index("(") + 1:].split(",")[:2])
    assert g > r  # green
    shot(phone, "gate-1-valid")

    # forged (signature changed), truncated, another community's, expired
    forged = good[:-3] + ("AAA" if good[-3:] != "AAA" else "BBB")
    _scan(phone, forged, "unknown_or_forged", "无法识别或伪造")
    _scan(phone, good[:-8], "unknown_or_forged", "无法识别或伪造")
    _scan(phone, _token(p["id"], p["version"], p["until"], p["community"] + 100), "other_community",
          "非本小区出入证")
    _scan(phone, _token(p["id"], p["version"], p["until"], p["community"], expired=True), "expired", "已过期")
    bg = phone.locator("#verdict").evaluate("e => getComputedStyle(e).backgroundColor")
    r, g = (int(x) for x in bg[bg.index("(") + 1:].split(",")[:2])
    assert r > g  # red
    shot(phone, "gate-2-expired")

    # outside construction hours: the renovation's hours moved away from now
    now = datetime.now(clock.ZONE)
    start, end = (now + timedelta(hours=2)).strftime("%H:%M"), (now + timedelta(hours=3)).strftime("%H:%M")
    if start > end:  # the window would wrap midnight: take one earlier in the day instead
        start, end = (now - timedelta(hours=3)).strftime("%H:%M"), (now - timedelta(hours=2)).strftime("%H:%M")
    with _db(served_app) as con:
        con.execute("update renovationapplication set hours_start = ?, hours_end = ? where id = ?",
                    (start, end, p["app_id"]))
    _scan(phone, good, "outside_hours", "非施工时间")
    with _db(served_app) as con:
        con.execute("update renovationapplication set hours_start = '00:00', hours_end = '23:59' where id = ?",
                    (p["app_id"],))
    _scan(phone, good, "valid", "有效，准予通行")

    # revoked at the desk (here: straight in the database, as the revoke does) -> the very next scan is red
    with _db(served_app) as con:
        (admin,) = con.execute("select id from staff where phone = '13800000002'").fetchone()
        con.execute("update workerpass set revoked_at = ?, revoked_by = ?, revoked_reason = 'worker_left'"
                    " where id = ?", (datetime.now(UTC).isoformat(sep=" "), admin, p["id"]))
    try:
        _scan(phone, good, "revoked", "已作废")
        shot(phone, "gate-3-revoked")
    finally:
        with _db(served_app) as con:
            con.execute("update workerpass set revoked_at = null, revoked_by = null, revoked_reason = ''"
                        " where id = ?", (p["id"],))

    # every scan is logged with its guard, gate and verdict
    with _db(served_app) as con:
        rows = con.execute(
            "select g.verdict, g.gate from gatescan g join staff s on s.id = g.guard_id where s.phone = ?"
            " order by g.id desc limit 9", (GUARD,)).fetchall()
    verdicts = [v for v, _ in rows][:8][::-1]
    assert verdicts == ["valid", "unknown_or_forged", "unknown_or_forged", "other_community", "expired",
                        "outside_hours", "valid", "revoked"]
    assert all(g == "东门" for _, g in rows[:8])
    expect(phone.locator("#recent-scans .scan-row").first).to_have_attribute("data-verdict", "revoked")

    # the works reach the waterproofing stage with an area not yet confirmed: on hold, red, with the reason
    with _db(served_app) as con:
        stage, areas = con.execute("select stage, waterproofing_areas from renovationapplication where id = ?",
                                   (p["app_id"],)).fetchone()
        confirmed = {i for (i,) in con.execute("select item from stagegate where application_id = ?"
                                                  " and kind = 'waterproofing' and status = 'passed'",
                                                  (p["app_id"],))}
        area = next(a for a in ("bathroom", "kitchen", "balcony") if a not in confirmed)
        con.execute("update renovationapplication set stage = 'waterproofing', waterproofing_areas = ?"
                    " where id = ?", (area, p["app_id"]))
    try:
        _scan(phone, good, "on_hold", "停工待验：防水未确认，仅防水工可进")
        shot(phone, "gate-4-on-hold")
    finally:
        with _db(served_app) as con:
            con.execute("update renovationapplication set stage = ?, waterproofing_areas = ? where id = ?",
                        (stage, areas, p["app_id"]))
    _scan(phone, good, "valid", "有效，准予通行")
