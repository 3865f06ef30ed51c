"""The resident side of requests: the poster form, the household by grid, the resident-safe view."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta

import pytest
from PIL import Image
from sqlmodel import select

from app.db.models import AuditEntry, Grid, Household, RequestEvent
from app.domain import clock, evidence, grid_planning, households, requests, tokens
from app.domain import resident_requests as rr
from app.domain.errors import DomainError, Refused
from tests.domain.conftest import FRONT_DESK, TECHNICIAN


@pytest.fixture
def morning():
    day = date.today() + timedelta(days=3)
    at = datetime.combine(day, time(10, 0), tzinfo=clock.ZONE).astimezone(UTC)
    clock.freeze(at)
    yield at
    clock.reset()


@pytest.fixture
def grid2(db, community_id) -> Grid:
    return db.exec(select(Grid).where(Grid.community_id == community_id, Grid.name == "2号网格")).one()


@pytest.fixture
def poster(db, grid2) -> rr.PosterGrid:
    found = rr.poster_grid(db, grid_planning.poster_token(db, grid2))
    assert found is not None
    return found


def _typed(db, home: Household) -> str:
    """'5-2-301' for a household, as a resident types it."""
    label = households.label(db, home.id)  # "5栋 2单元 301"
    building, entrance, room = label.split(" ")
    return f"{building.removesuffix('栋')}-{entrance.removesuffix('单元')}-{room}"


def _home(db, community_id, grid_id, *, inside: bool) -> Household:
    cond = Household.grid_id == grid_id if inside else Household.grid_id != grid_id
    return db.exec(
        select(Household).where(Household.community_id == community_id, cond).order_by(Household.id)
    ).first()


def _file(db, poster, text, *, key="k1", cid=None, kind="repair", content="卫生间漏水"):
    return rr.file_request(db, poster, kind=kind, content=content, household_text=text,
                           contact_phone="139 0000 1111", client_key=key, client_id=cid)


def test_poster_grid_reads_a_current_token_only(db, grid2, poster):
    assert (poster.grid_id, poster.grid_name) == (grid2.id, "2号网格")
    assert rr.poster_grid(db, "1notARealToken") is None
    old = tokens.sign(grid_planning.TOKEN_KIND, grid2.id, version=99, community_id=grid2.community_id)
    assert rr.poster_grid(db, old) is None  # out of date


def test_client_key_hides_the_address_and_depends_on_the_secret():
    a = rr.client_key("10.0.0.1", b"s1")
    assert len(a) == 64 and "10.0.0.1" not in a
    assert a == rr.client_key("10.0.0.1", b"s1")
    assert a != rr.client_key("10.0.0.2", b"s1") and a != rr.client_key("10.0.0.1", b"s2")


def test_household_is_found_in_the_poster_grid_first_then_the_community(db, community_id, poster, morning):
    inside = _home(db, community_id, poster.grid_id, inside=True)
    outside = _home(db, community_id, poster.grid_id, inside=False)
    got = _file(db, poster, _typed(db, inside))
    assert got.household.in_poster_grid and got.household.household_id == inside.id
    assert len(got.link) >= 24
    req = requests.by_link(db, got.link)
    assert req.grid_id == poster.grid_id and req.channel == requests.RESIDENT_PAGE
    other = _file(db, poster, _typed(db, outside))
    assert not other.household.in_poster_grid and other.household.grid_id == outside.grid_id
    assert other.household.grid_name.endswith("网格")
    with pytest.raises(DomainError, match="household.not_found"):
        _file(db, poster, "99-1-101")
    with pytest.raises(DomainError, match="household.unreadable"):
        _file(db, poster, "<script>")
    with pytest.raises(DomainError, match="form.required"):
        _file(db, poster, "  ")


def test_a_double_tap_files_once(db, community_id, poster, morning):
    text = _typed(db, _home(db, community_id, poster.grid_id, inside=True))
    first = _file(db, poster, text, cid="tap-1")
    again = _file(db, poster, text, cid="tap-1")
    assert again.request_id == first.request_id and again.link == "" and first.link


def test_the_resident_view_hides_internal_steps_and_names(db, community_id, poster, actor_of, morning):
    desk, tech = actor_of(FRONT_DESK), actor_of(TECHNICIAN)
    text = _typed(db, _home(db, community_id, poster.grid_id, inside=True))
    got = _file(db, poster, text, content="<img src=x onerror=alert(1)>")
    seen = rr.view(db, got.link)
    assert seen.status == requests.RECEIVED and seen.step == 0 and seen.is_open
    assert seen.content == "<img src=x onerror=alert(1)>"  # kept as text; the page escapes it
    assert [s.who for s in seen.history] == [rr.RESIDENT]
    assert seen.promised_at == morning + timedelta(minutes=15)

    rid = got.request_id
    requests.classify(db, desk, rid, category=requests.REPAIR_URGENT, major=True)
    requests.acknowledge(db, actor_of("43"), rid, "内部：业主情绪激动")
    requests.dispatch(db, desk, rid, department="technician", assignee_id=tech.id)
    rr.add_note(db, got.link, "晚上在家")
    clock.advance(timedelta(minutes=10))
    requests.sweep_overdue(db, community_id)  # arrival late: an internal escalation
    requests.arrive(db, tech, rid)
    requests.resolve(db, tech, rid, "更换水管接头")
    requests.follow_up(db, desk, rid, method="phone", satisfaction=5, comment="内部备注：态度好")
    db.flush()
    seen = rr.view(db, got.link)
    kinds = [s.kind for s in seen.history]
    assert kinds == ["received", "classified", "dispatched", "resident_note", "arrived", "resolved",
                     "followed_up"]
    assert not {"escalated_major", "acknowledged", "overdue"} & set(kinds)
    by_kind = {s.kind: s for s in seen.history}
    assert by_kind["classified"].note_key == "request.category.repair_urgent"
    assert by_kind["dispatched"].note_key == "request.dept.technician"
    assert by_kind["dispatched"].who == "front_desk" and by_kind["arrived"].who == "technician"
    assert by_kind["resident_note"].who == rr.RESIDENT and by_kind["resident_note"].note == "晚上在家"
    assert by_kind["resolved"].note == "更换水管接头"
    everything = repr(seen)
    for secret in ("内部", tech.name, tech.phone, desk.name, "13900001111"):
        assert secret not in everything
    assert seen.step == 2 and seen.promised_at is None and seen.resolution == "更换水管接头"
    assert seen.follow_up.satisfaction == 5 and seen.follow_up.method == "phone"


def test_a_refused_link_is_audited_once_a_minute_per_client(db, morning):
    def n():
        return len(db.exec(select(AuditEntry).where(AuditEntry.action == "request.link_refused")).all())

    before = n()
    assert rr.view(db, "guessed-link-000000000000") is None
    assert rr.refuse_link(db, "guessed", "clientA") is True
    assert rr.refuse_link(db, "guessed2", "clientA") is False
    assert rr.refuse_link(db, "guessed", "clientB") is True
    clock.advance(timedelta(seconds=61))
    assert rr.refuse_link(db, "guessed", "clientA") is True
    assert n() == before + 3


def test_notes_are_capped_per_hour_and_refused_when_closed(db, community_id, poster, morning):
    text = _typed(db, _home(db, community_id, poster.grid_id, inside=True))
    got = _file(db, poster, text, kind="praise", content="保安很负责")
    for i in range(rr.NOTES_PER_HOUR):
        rr.add_note(db, got.link, f"补充 {i}")
    with pytest.raises(DomainError, match="rr.too_many_notes"):
        rr.add_note(db, got.link, "再来一条")
    with pytest.raises(DomainError, match="request.link_unknown"):
        rr.add_note(db, "nope", "x")
    db.flush()
    notes = db.exec(select(RequestEvent).where(RequestEvent.request_id == got.request_id,
                                               RequestEvent.kind == "resident_note")).all()
    assert len(notes) == rr.NOTES_PER_HOUR


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(out, "JPEG")
    return out.getvalue()


def test_resident_photos_through_the_link_only_while_open_and_capped(
    db, community_id, poster, actor_of, tmp_path, morning, monkeypatch
):
    text = _typed(db, _home(db, community_id, poster.grid_id, inside=True))
    got = _file(db, poster, text)
    photo = rr.attach_photo(db, got.link, data=_jpeg(), client_id="p-1", claimed_at_ms=None, root=tmp_path)
    assert photo.author_id is None and photo.subject_id == got.request_id
    again = rr.attach_photo(db, got.link, data=_jpeg(), client_id="p-1", claimed_at_ms=None, root=tmp_path)
    assert again.id == photo.id  # a retried upload is stored once
    staff_photo = evidence.attach(db, actor_of(FRONT_DESK), kind=requests.PHOTO_KIND, subject_id=got.request_id,
                                  data=_jpeg(), client_id="p-staff", claimed_at_ms=None, root=tmp_path)
    seen = rr.view(db, got.link)
    assert [(p.id, p.author) for p in seen.photos] == [(photo.id, rr.RESIDENT), (staff_photo.id, rr.STAFF)]
    assert all(p.place == "" for p in seen.photos)
    with pytest.raises(Refused):
        rr.attach_photo(db, "not-a-link", data=_jpeg(), client_id="p-2", claimed_at_ms=None, root=tmp_path)
    monkeypatch.setattr(rr, "PHOTO_MAX", 1)  # staff photos do not count against the resident's cap
    with pytest.raises(DomainError, match="rr.too_many_photos"):
        rr.attach_photo(db, got.link, data=_jpeg(), client_id="p-3", claimed_at_ms=None, root=tmp_path)
    monkeypatch.setattr(rr, "PHOTO_MAX", 12)
    desk = actor_of(FRONT_DESK)
    requests.classify(db, desk, got.request_id, category=requests.INQUIRY, ours=False,
                      referral_note="燃气由燃气公司负责", referral_channel="燃气公司 96777")
    with pytest.raises(DomainError, match="request.closed"):
        rr.attach_photo(db, got.link, data=_jpeg(), client_id="p-4", claimed_at_ms=None, root=tmp_path)
    seen = rr.view(db, got.link)
    assert seen.step == 3 and not seen.is_open and not seen.ours
    assert seen.referral_channel == "燃气公司 96777"


def test_recent_keeps_known_links_only(db, community_id, poster, morning):
    text = _typed(db, _home(db, community_id, poster.grid_id, inside=True))
    a = _file(db, poster, text, content="一")
    clock.advance(timedelta(minutes=1))
    b = _file(db, poster, text, content="二", kind="inquiry")
    rows = rr.recent(db, [a.link, "bogus", b.link, a.link])
    assert [r.id for r in rows] == [b.request_id, a.request_id]
    assert rows[0].category == requests.INQUIRY and rows[0].status == requests.RECEIVED
