"""Grid planning: households to grids against the band, butler, leave cover, poster QR, resident card, photo."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func
from sqlmodel import Session, select

from app import seed
from app.db.models import (
    AuditEntry,
    Building,
    Community,
    Entrance,
    Grid,
    GridCover,
    Household,
    Resident,
    Staff,
)
from app.domain import clock, tokens
from app.domain import grid_planning as gp
from app.domain.auth import Actor
from app.domain.errors import DomainError, Refused
from tests.domain.conftest import BUTLER, BUTLER_2, GOLD_BUTLER, GUARD, SUPERVISOR, TEAM_LEAD


def _grid(db: Session, community_id: int, name: str) -> Grid:
    return db.exec(select(Grid).where(Grid.community_id == community_id, Grid.name == name)).one()


def _building(db: Session, community_id: int, name: str) -> Building:
    return db.exec(select(Building).where(Building.community_id == community_id, Building.name == name)).one()


def _size(db: Session, grid: Grid) -> int:
    return gp.grid_size(db, grid.id)


def _other_community(db: Session) -> tuple[int, Actor]:
    """A second small community with its own supervisor."""
    from app.domain import auth, passwords

    cid = seed.seed_community(
        db, code="OTH", name="别的小区", buildings=[(1, 10, 2)], seed=7,
        staff_spec=(("外区主管", "02", ("supervisor",), False), ("外区管家", "11", ("butler",), False)),
        phone_prefix="137000000", password_hash=passwords.hash_password("x-123456"), gold=False,
    )
    sup = db.exec(select(Staff).where(Staff.phone == "13700000002")).one()
    return cid, auth.actor_for(db, sup)


# --- assigning households ----------------------------------------------------------------


def test_range_assignment_moves_exactly_the_households_of_the_range(db, actor_of, community_id):
    sup = actor_of(SUPERVISOR)
    g2, g3 = _grid(db, community_id, "2号网格"), _grid(db, community_id, "3号网格")
    b5 = _building(db, community_id, "5栋")
    e2 = db.exec(select(Entrance).where(Entrance.building_id == b5.id, Entrance.number == 2)).one()
    before2, before3 = _size(db, g2), _size(db, g3)

    result = gp.assign_range(db, sup, g3.id, b5.id, entrance=2, floor_from=1, floor_to=5)

    assert result.moved == 20  # 5 floors x 4 rooms
    moved = db.exec(select(Household).where(Household.grid_id == g3.id, Household.building_id == b5.id)).all()
    assert len(moved) == 20
    assert {h.entrance_id for h in moved} == {e2.id}
    assert {h.floor for h in moved} == {1, 2, 3, 4, 5}
    assert _size(db, g2) == before2 - 20 and _size(db, g3) == before3 + 20
    # 2号 drops under 350: allowed, and flagged
    assert "2号网格" in result.flagged
    counts = {c.name: (c.before, c.after) for c in result.grids}
    assert counts["2号网格"] == (before2, before2 - 20)
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "grid.assign")).all()[-1]
    assert entry.actor_id == sup.id and '"2号网格": ' + str(before2) in entry.before


def test_moving_a_grid_above_400_is_refused_for_a_normal_butler_and_nothing_moves(db, actor_of, community_id):
    sup = actor_of(SUPERVISOR)
    g3 = _grid(db, community_id, "3号网格")
    size = _size(db, g3)
    b5 = _building(db, community_id, "5栋")
    # exactly enough floors to reach 401
    want = 401 - size
    ids = db.exec(
        select(Household.id).where(Household.building_id == b5.id).order_by(Household.id).limit(want)
    ).all()
    audit_before = db.exec(select(func.count()).select_from(AuditEntry)).one()
    with pytest.raises(DomainError) as err:
        gp.assign_households(db, sup, g3.id, list(ids))
    assert err.value.key == "grid.over_band"
    assert err.value.params["n"] == 401
    assert _size(db, g3) == size
    assert db.exec(select(func.count()).select_from(AuditEntry)).one() == audit_before
    # up to 400 is fine
    gp.assign_households(db, sup, g3.id, list(ids[:-1]))
    assert _size(db, g3) == 400


def test_a_gold_butlers_grid_may_grow_above_400(db, actor_of, community_id):
    sup = actor_of(SUPERVISOR)
    g1 = _grid(db, community_id, "1号网格")  # 陈静, gold, 420 households
    size = _size(db, g1)
    assert size > 400
    b4 = _building(db, community_id, "4栋")
    result = gp.assign_range(db, sup, g1.id, b4.id, entrance=1, floor_from=1, floor_to=1)
    assert result.moved == 4
    assert _size(db, g1) == size + 4
    assert "1号网格" not in result.flagged


def test_one_household_by_building_and_room(db, actor_of, community_id):
    sup = actor_of(SUPERVISOR)
    g4 = _grid(db, community_id, "4号网格")
    b3 = _building(db, community_id, "3栋")
    with pytest.raises(DomainError) as err:
        gp.move_household(db, sup, g4.id, b3.id, "1502")  # two entrances have a 1502
    assert err.value.key == "grid.room_ambiguous"
    with pytest.raises(DomainError) as err:
        gp.move_household(db, sup, g4.id, b3.id, "9999", entrance=1)
    assert err.value.key == "grid.room_not_found"
    result = gp.move_household(db, sup, g4.id, b3.id, " 1502 ", entrance=2)
    assert result.moved == 1
    with pytest.raises(DomainError) as err:
        gp.move_household(db, sup, g4.id, b3.id, "1502", entrance=2)
    assert err.value.key == "grid.already_in"


def test_bad_ranges_are_refused(db, actor_of, community_id):
    sup = actor_of(SUPERVISOR)
    g2 = _grid(db, community_id, "2号网格")
    b5 = _building(db, community_id, "5栋")
    for kwargs, key in (
        ({"entrance": 9}, "grid.entrance_not_found"),
        ({"floor_from": 0}, "grid.floor_out_of_range"),
        ({"floor_from": 5, "floor_to": 99}, "grid.floor_out_of_range"),
        ({"floor_from": 9, "floor_to": 3}, "grid.floor_order"),
    ):
        with pytest.raises(DomainError) as err:
            gp.assign_range(db, sup, g2.id, b5.id, **kwargs)
        assert err.value.key == key


def test_other_communities_and_other_roles_are_refused(db, actor_of, community_id):
    other_cid, other_sup = _other_community(db)
    g2 = _grid(db, community_id, "2号网格")
    b5 = _building(db, community_id, "5栋")
    other_grid = db.exec(select(Grid).where(Grid.community_id == other_cid)).first()
    other_household = db.exec(select(Household.id).where(Household.community_id == other_cid)).first()
    sup = actor_of(SUPERVISOR)
    with pytest.raises(DomainError) as err:
        gp.assign_range(db, other_sup, g2.id, b5.id)
    assert err.value.key == "grid.not_found"
    with pytest.raises(DomainError) as err:  # their building into my grid
        gp.assign_range(db, sup, g2.id, db.exec(select(Building.id).where(Building.community_id == other_cid)).first())
    assert err.value.key == "grid.building_not_found"
    with pytest.raises(DomainError) as err:
        gp.assign_households(db, sup, g2.id, [other_household])
    assert err.value.key == "grid.household_not_found"
    with pytest.raises(DomainError):
        gp.rotate_poster(db, sup, other_grid.id)
    with pytest.raises(DomainError) as err:
        gp.set_butler(db, other_sup, other_grid.id, actor_of(BUTLER).id)
    assert err.value.key == "staff.not_found"
    with pytest.raises(Refused):
        gp.assign_range(db, actor_of(GUARD), g2.id, b5.id)
    with pytest.raises(Refused):
        gp.rotate_poster(db, actor_of(BUTLER), g2.id)


# --- the butler --------------------------------------------------------------------------


def test_set_butler_one_grid_per_butler_and_gold_for_big_grids(db, actor_of, community_id, staff_of):
    sup = actor_of(SUPERVISOR)
    g1, g2 = _grid(db, community_id, "1号网格"), _grid(db, community_id, "2号网格")
    with pytest.raises(DomainError) as err:
        gp.set_butler(db, sup, g2.id, staff_of(BUTLER_2).id)  # 李娜 owns 3号网格
    assert err.value.key == "grid.butler_has_grid"
    with pytest.raises(DomainError) as err:
        gp.set_butler(db, sup, g2.id, staff_of(GUARD).id)
    assert err.value.key == "grid.staff_not_butler"
    with pytest.raises(DomainError) as err:  # 420 households need a gold butler
        gp.set_butler(db, sup, g1.id, staff_of(TEAM_LEAD).id)
    assert err.value.key == "grid.over_band_butler"
    gp.set_butler(db, sup, g2.id, staff_of(TEAM_LEAD).id)
    assert db.get(Grid, g2.id).butler_id == staff_of(TEAM_LEAD).id
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "grid.butler")).all()[-1]
    assert "王芳" in entry.before and "吴婷" in entry.after


# --- leave cover -------------------------------------------------------------------------


def test_cover_rules_and_cover_on(db, actor_of, community_id, staff_of, frozen):
    sup = actor_of(SUPERVISOR)
    g2 = _grid(db, community_id, "2号网格")
    day = clock.today()
    deputy = staff_of(BUTLER_2)
    cover = gp.add_cover(db, sup, g2.id, deputy.id, day, day + timedelta(days=6), "年假")
    assert gp.cover_on(db, g2.id, day).id == cover.id
    assert gp.cover_on(db, g2.id, day + timedelta(days=6)).id == cover.id  # both ends included
    assert gp.cover_on(db, g2.id, day + timedelta(days=7)) is None
    assert gp.cover_on(db, g2.id, day - timedelta(days=1)) is None

    cases = [
        ((deputy.id, day + timedelta(days=6), day + timedelta(days=8)), "cover.overlap"),
        ((deputy.id, day - timedelta(days=1), day + timedelta(days=1)), "cover.in_past"),
        ((deputy.id, day + timedelta(days=10), day + timedelta(days=9)), "cover.ends_before_start"),
        ((staff_of(BUTLER).id, day + timedelta(days=20), day + timedelta(days=21)), "cover.self"),
        ((staff_of(GUARD).id, day + timedelta(days=20), day + timedelta(days=21)), "grid.staff_not_butler"),
    ]
    for (did, start, end), key in cases:
        with pytest.raises(DomainError) as err:
            gp.add_cover(db, sup, g2.id, did, start, end)
        assert err.value.key == key, key
    assert db.exec(select(func.count()).select_from(GridCover)).one() == 1

    # a cancelled cover frees the dates; cancelling twice is refused
    gp.cancel_cover(db, sup, cover.id)
    assert gp.cover_on(db, g2.id, day) is None
    with pytest.raises(DomainError) as err:
        gp.cancel_cover(db, sup, cover.id)
    assert err.value.key == "cover.already_cancelled"
    gp.add_cover(db, sup, g2.id, deputy.id, day + timedelta(days=6), day + timedelta(days=8))
    rows = gp.covers_of(db, sup, g2.id)
    assert [r.status for r in rows] == ["upcoming", "cancelled"]
    actions = [e.action for e in db.exec(select(AuditEntry).where(AuditEntry.subject == f"grid:{g2.id}"))]
    assert actions.count("grid.cover.add") == 2 and actions.count("grid.cover.cancel") == 1


# --- the poster QR and the resident card -------------------------------------------------


def _refusals(db: Session) -> list[AuditEntry]:
    return list(db.exec(select(AuditEntry).where(AuditEntry.action == "token.refused").order_by(AuditEntry.id)))


def test_resident_card_shows_the_butler_and_nothing_about_residents(db, actor_of, community_id, staff_of):
    sup = actor_of(SUPERVISOR)
    g2 = _grid(db, community_id, "2号网格")
    deputy = staff_of(BUTLER_2)
    gp.add_cover(db, sup, g2.id, deputy.id, clock.today(), clock.today() + timedelta(days=2))
    url = gp.resident_url(db, sup, g2.id, "https://example.test/")
    assert url.startswith("https://example.test/r/1")
    card = gp.resident_card(db, url.rsplit("/", 1)[-1])
    community = db.get(Community, community_id)
    assert card.state == gp.CARD_OK
    assert (card.butler_name, card.butler_phone) == ("王芳", "13800000011")
    assert card.community_name == community.name and card.front_desk_phone == community.front_desk_phone
    assert card.service_hours == community.service_hours
    assert card.buildings and all(b.endswith("栋") for b in card.buildings)
    assert card.deputy is not None and card.deputy.name == deputy.name
    assert card.deputy.until == clock.today() + timedelta(days=2)
    # nothing from any resident of the grid (names, phones) nor any room
    text = repr(card)
    residents = db.exec(
        select(Resident.name, Resident.phone, Household.room)
        .join(Household, Household.id == Resident.household_id)
        .where(Household.grid_id == g2.id)
    ).all()
    leaked = [r for r in residents if r[1] in text or f"'{r[0]}'" in text]
    assert leaked == []
    assert set(gp.ResidentCard.__dataclass_fields__) == {
        "state", "community_name", "front_desk_phone", "grid_name", "butler_name", "butler_phone",
        "butler_gold", "butler_photo", "butler_photo_path", "service_hours", "buildings", "deputy",
    }


def test_rotating_the_qr_makes_old_posters_outdated_and_audits_the_refusal(db, actor_of, community_id):
    sup = actor_of(SUPERVISOR)
    g3 = _grid(db, community_id, "3号网格")
    old = gp.poster_token(db, g3)
    assert gp.resident_card(db, old).state == gp.CARD_OK
    assert gp.rotate_poster(db, sup, g3.id) == 2
    refused_before = len(_refusals(db))

    card = gp.resident_card(db, old)
    assert card.state == gp.CARD_OUTDATED
    assert card.front_desk_phone and card.community_name
    assert card.butler_name == "" and card.butler_phone == ""
    refusals = _refusals(db)
    assert len(refusals) == refused_before + 1
    assert refusals[-1].actor_id is None and refusals[-1].detail.startswith(tokens.REVOKED)
    assert old not in refusals[-1].detail  # only a fingerprint is kept

    new = gp.poster_token(db, g3)
    assert new != old and gp.resident_card(db, new).state == gp.CARD_OK
    rotate = db.exec(select(AuditEntry).where(AuditEntry.action == "grid.poster.rotate")).all()[-1]
    assert '"version": 1' in rotate.before and '"version": 2' in rotate.after


@pytest.mark.parametrize("raw", ["", "garbage!!", "1AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "x" * 5000])
def test_forged_or_malformed_tokens_give_an_invalid_card(db, raw):
    before = len(_refusals(db))
    card = gp.resident_card(db, raw)
    assert card == gp.ResidentCard(state=gp.CARD_INVALID)
    assert len(_refusals(db)) == before + 1


def test_a_token_signed_with_another_key_or_kind_is_invalid(db, community_id):
    g2 = _grid(db, community_id, "2号网格")
    forged = tokens.sign("grid", g2.id, community_id=community_id, key=b"not-our-key")
    assert gp.resident_card(db, forged).state == gp.CARD_INVALID
    checkpoint = tokens.sign("checkpoint", g2.id, community_id=community_id)
    assert gp.resident_card(db, checkpoint).state == gp.CARD_INVALID


def test_poster_data_for_the_pdf(db, actor_of, community_id, staff_of):
    sup = actor_of(SUPERVISOR)
    g1 = _grid(db, community_id, "1号网格")
    data = gp.poster_data(db, sup, g1.id, "http://h")
    assert data.butler_name == "陈静" and data.is_gold_butler
    assert data.resident_url.startswith("http://h/r/")
    assert gp.resident_card(db, data.resident_url).state == gp.CARD_OK
    other_cid, other_sup = _other_community(db)
    with pytest.raises(DomainError):
        gp.poster_data(db, other_sup, g1.id, "http://h")


# --- the butler photo --------------------------------------------------------------------


def _jpeg(w: int, h: int, orientation: int | None = None) -> bytes:
    img = Image.new("RGB", (w, h), (200, 30, 30))
    img.paste((30, 30, 200), (0, 0, w // 2, h))
    out = io.BytesIO()
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    img.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_staff_photo_is_squared_to_600_and_replaces_the_old_one(db, actor_of, staff_of, tmp_path):
    sup = actor_of(SUPERVISOR)
    butler = staff_of(BUTLER)
    rel, previous = gp.set_staff_photo(db, sup, butler.id, _jpeg(1200, 800), root=tmp_path)
    assert previous == ""
    assert rel.startswith("staff_photos/") and db.get(Staff, butler.id).photo_path == rel
    with Image.open(tmp_path / rel) as img:
        assert img.format == "JPEG" and img.size == (600, 600)
    # EXIF orientation 6: the stored photo is turned upright (the blue half ends on top)
    rel2, previous2 = gp.set_staff_photo(db, sup, butler.id, _jpeg(1200, 600, orientation=6), root=tmp_path)
    assert previous2 == rel and rel2 != rel
    with Image.open(tmp_path / rel2) as img:
        top, bottom = img.getpixel((300, 20)), img.getpixel((300, 580))
    assert top[2] > top[0] and bottom[0] > bottom[2]
    assert gp.remove_photo_file(db, previous2, root=tmp_path)
    assert not (tmp_path / rel).exists() and (tmp_path / rel2).exists()
    assert db.exec(select(AuditEntry).where(AuditEntry.action == "staff.photo")).all()


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (b"", "evidence.not_image"),
        (b"%PDF-1.4 not a photo", "evidence.not_image"),
        (b"\xff\xd8\xff" + b"\x00" * 100, "evidence.corrupt"),
        (b"\xff\xd8\xff" + b"\x00" * (25 * 1024 * 1024), "evidence.too_large"),
    ],
)
def test_bad_photo_input_stores_nothing(db, actor_of, staff_of, tmp_path, data, key):
    sup = actor_of(SUPERVISOR)
    butler = staff_of(BUTLER)
    audit_before = db.exec(select(func.count()).select_from(AuditEntry)).one()
    with pytest.raises(DomainError) as err:
        gp.set_staff_photo(db, sup, butler.id, data, root=tmp_path)
    assert err.value.key == key
    assert db.get(Staff, butler.id).photo_path == ""
    assert not any(tmp_path.rglob("*"))
    assert db.exec(select(func.count()).select_from(AuditEntry)).one() == audit_before


def test_pixel_bomb_photo_is_refused(db, actor_of, staff_of, tmp_path, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(DomainError) as err:
        gp.set_staff_photo(db, actor_of(SUPERVISOR), staff_of(GOLD_BUTLER).id, _jpeg(100, 100), root=tmp_path)
    assert err.value.key == "evidence.too_many_pixels"
    assert not any(tmp_path.rglob("*"))


def test_poster_announces_the_leave_cover(db, actor_of, community_id, staff_of, frozen):
    from app.pdf.grid_docs import cover_note

    sup = actor_of(SUPERVISOR)
    g2 = _grid(db, community_id, "2号网格")
    day = clock.today()
    assert gp.poster_data(db, sup, g2.id, "http://h").cover is None
    deputy = staff_of(BUTLER_2)
    gp.add_cover(db, sup, g2.id, deputy.id, day + timedelta(days=2), day + timedelta(days=6), "年假")
    data = gp.poster_data(db, sup, g2.id, "http://h")
    assert data.cover is not None and data.cover.name == deputy.name and data.cover.phone == deputy.phone
    start = day + timedelta(days=2)
    assert cover_note(data.cover).startswith(f"{start.month}月{start.day}日")
    assert deputy.name in cover_note(data.cover) and cover_note(None) == ""
