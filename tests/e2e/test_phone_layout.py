"""Layout at 390x844 (#8): the main phone pages, in Chinese and in English, fit the screen (nothing wider
than the viewport, nothing running past its right edge) and every visible tap target (button, link, input,
switch, radio, tab, checkbox; a control inside a <label> counts with its label) is at least 44x44 px.

Walked as people use them: the sign-in page, the resident's poster page and the pages the printed QRs
open (permit, pass card, checkpoint tag) without an account; a butler's
grid, site renovations, a request with the resident's phone and the account page; the engineering manager's
site page of a renovation with hot work (the hot-work form with its two dates); a guard's gate (the hot-work
switch, the recent scans with every verdict's words), goods (out, so the confirmation shows) and visitors; a technician's repairs. Each person switches
the language with the EN/中文 button and walks again; the language is put back afterwards.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import sign_in, sqlite_db
from tests.e2e.test_resident_requests import poster_url

pytestmark = pytest.mark.e2e

BUTLER = "13800000011"
ENGINEER = "13800000041"
GUARD = "13800000023"
TECHNICIAN = "13800000031"
MIN_TAP = 44
WIDTH = 390

# what the browser measures: the page's width, elements past the right edge, tap targets under 44x44
MEASURE = """
() => {
  const vw = document.documentElement.clientWidth;
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return null;
    for (let e = el; e; e = e.parentElement) {
      const st = getComputedStyle(e);
      if (st.display === 'none' || st.visibility === 'hidden' || st.opacity === '0') return null;
    }
    return r;
  };
  const scrolls = (el) => {
    for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
      const o = getComputedStyle(e).overflowX;
      if (o === 'auto' || o === 'scroll') return true;
    }
    return false;
  };
  const name = (el) => {
    const id = el.id ? '#' + el.id : '';
    const cls = (el.getAttribute('class') || '').split(' ').filter(c => c && !c.startsWith('rt-')).slice(0, 2);
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 24);
    return `${el.tagName.toLowerCase()}${id}${cls.length ? '.' + cls.join('.') : ''} "${text}"`;
  };
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('[hidden]')) continue;
    const r = visible(el);
    if (!r || scrolls(el)) continue;
    if (r.width > vw + 0.5 || r.right > vw + 0.5) wide.push(`${name(el)} ${Math.round(r.left)}..${Math.round(r.right)}`);
  }
  const small = [];
  const targets = 'button, a[href], input:not([type=hidden]), select, textarea, [role=switch], [role=radio],'
    + ' [role=tab], [role=checkbox], [role=combobox]';
  for (const el of document.body.querySelectorAll(targets)) {
    if (el.closest('[aria-hidden=true]') && el.tagName === 'INPUT') continue;  // Radix's mirrored native input
    let r = visible(el);
    if (!r) continue;
    const label = el.closest('label');
    if (label && (r.width < %(min)d || r.height < %(min)d)) r = visible(label) || r;
    if (r.width < %(min)d - 0.5 || r.height < %(min)d - 0.5) small.push(`${name(el)} ${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  return {scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 12), small: small.slice(0, 20)};
}
""".replace("%(min)d", str(MIN_TAP))


def _settle(page, ready: str) -> None:
    page.locator(ready).first.wait_for(state="visible")
    page.wait_for_function("() => !document.querySelector('.rt-Spinner')")
    page.wait_for_timeout(300)


def _measure(page, where: str) -> list[str]:
    found = page.evaluate(MEASURE)
    problems = []
    if found["scrollWidth"] > WIDTH:
        problems.append(f"{where}: page {found['scrollWidth']} px wide")
    problems += [f"{where}: past the right edge: {w}" for w in found["wide"]]
    problems += [f"{where}: tap target below {MIN_TAP}x{MIN_TAP}: {s}" for s in found["small"]]
    return problems


def _switch_language(page, ready: str) -> None:
    before = page.locator("#lang-switch").inner_text()
    page.locator("#lang-switch").click()
    page.wait_for_function("(b) => document.querySelector('#lang-switch').innerText !== b", arg=before)
    _settle(page, ready)


def _ids(served_app) -> dict:
    with sqlite_db(served_app) as con:
        (reno,) = con.execute("select id from renovationapplication where status = 'approved' and hot_work = 1"
                              " order by id limit 1").fetchone()
        (request,) = con.execute(
            "select r.id from servicerequest r join grid g on g.id = r.grid_id join staff s on s.id = g.butler_id"
            " where s.phone = ? and r.contact_phone != '' order by r.id desc limit 1", (BUTLER,)).fetchone()
    return {"renovation": reno, "request": request}


def _printed_pages(served_app) -> list[tuple[str, str]]:
    """The public pages the printed QRs open: a permit with hot work, one of its pass cards, a checkpoint tag."""
    from datetime import date

    from app.domain import tokens
    from app.domain.renovation.common import end_of_day
    from tests.e2e.conftest import TEST_SECRET_KEY

    key = TEST_SECRET_KEY.encode()
    with sqlite_db(served_app) as con:
        app_id, version, end, community = con.execute(
            "select id, permit_version, planned_end, community_id from renovationapplication"
            " where status = 'approved' and hot_work = 1 order by id limit 1").fetchone()
        pid, pversion, until = con.execute(
            "select id, version, valid_until from workerpass where application_id = ? and revoked_at is null"
            " order by id limit 1", (app_id,)).fetchone()
        cp, cversion = con.execute("select id, version from checkpoint where active = 1 order by id limit 1").fetchone()
    permit = tokens.sign("permit", app_id, version=version, expires_at=end_of_day(date.fromisoformat(end[:10])),
                         community_id=community, key=key)
    card = tokens.sign("pass", pid, version=pversion, expires_at=end_of_day(date.fromisoformat(until[:10])),
                       community_id=community, key=key)
    tag = tokens.sign("checkpoint", cp, version=cversion, community_id=community, key=key)
    return [(f"/p/{permit}", "#permit-code"), (f"/w/{card}", "#pass-state"), (f"/c/{tag}", "#tag-what")]


def _every_verdict_scanned(served_app) -> None:
    """The gate's recent scans show every verdict's words (the longest are English): one scan of each."""
    from sqlmodel import select

    from app.db.models import GateScan, Staff
    from app.db.session import session_scope
    from app.domain import clock, gate

    with session_scope(served_app.db_url) as db:
        guard = db.exec(select(Staff).where(Staff.phone == GUARD)).one()
        for verdict in gate.VERDICTS:
            db.add(GateScan(community_id=guard.community_id, guard_id=guard.id, gate="东门", at=clock.now(),
                            verdict=verdict, token_hash=""))


def _walk(page, pages: list[tuple[str, str]], lang: str, before=None) -> list[str]:
    problems = []
    for path, ready in pages:
        page.goto(path)
        _settle(page, ready)
        if before:
            before(page, path)
        problems += _measure(page, f"{lang} {path}")
    return problems


def _person(page, phone_number: str | None, pages: list[tuple[str, str]], before=None) -> list[str]:
    """Walk the pages in Chinese, switch to English on the first one, walk again, switch back."""
    if phone_number:
        sign_in(page, phone_number)
        page.wait_for_url(lambda url: "/login" not in url)
    problems = _walk(page, pages, "zh", before)
    page.goto(pages[0][0])
    _settle(page, pages[0][1])
    _switch_language(page, pages[0][1])
    try:
        problems += _walk(page, pages, "en", before)
    finally:
        page.goto(pages[0][0])
        _settle(page, pages[0][1])
        if page.locator("#lang-switch").inner_text().strip() != "EN":
            _switch_language(page, pages[0][1])
    return problems


def test_main_phone_pages_fit_390px_with_44px_tap_targets(served_app, another):
    ids = _ids(served_app)
    _every_verdict_scanned(served_app)

    def goods_out(page, path):
        if path == "/gate/goods":
            page.locator("#goods-direction [role=radio]").nth(1).click()
            page.locator("#goods-confirm").wait_for()

    problems = []
    problems += _person(another(), None, [("/login", "#sign-in"),
                                          (poster_url(served_app, "2号网格"), "#rr-kind"),
                                          *_printed_pages(served_app)])
    problems += _person(another(), BUTLER, [("/grid", "#page-title"), ("/m/renovations", "#page-title"),
                                            (f"/m/requests/{ids['request']}", "#page-title"),
                                            ("/m/requests/new", "#breq-submit"),
                                            ("/account", "#page-title")])
    problems += _person(another(), ENGINEER, [(f"/m/renovations/{ids['renovation']}", "#hot-work-submit")])
    problems += _person(another(), GUARD, [("/gate", "#hot-work"), ("/gate/goods", "#goods-submit"),
                                           ("/gate/visitors", "#visitor-submit")], before=goods_out)
    problems += _person(another(), TECHNICIAN, [("/repairs", "#page-title"), ("/alerts", "#page-title")])
    assert not problems, "\n".join(problems)
