"""Attaching photos to subjects: the registry, retried writes applied once, the claimed time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from app.db.models import AuditEntry, EvidencePhoto
from app.domain import evidence
from app.domain.errors import DomainError, Refused

from .conftest import BUTLER, BUTLER_2, SUPERVISOR
from .test_evidence import photo, stored

KIND = "testkind"
ALLOWED, REFUSED = 1, 2


@pytest.fixture
def fake_kind(community_id: int) -> Iterator[list[tuple[int, int]]]:
    """A subject kind whose subject 1 anyone of the demo community may attach to, 2 nobody."""
    added: list[tuple[int, int]] = []

    def on_added(session: Session, p: EvidencePhoto) -> None:
        assert p.id is not None
        added.append((p.id, p.subject_id))

    def resolver(session: Session, actor, subject_id: int) -> evidence.SubjectInfo:
        if subject_id != ALLOWED or actor.community_id != community_id:
            raise Refused("auth.no_permission")
        return evidence.SubjectInfo(community_id=community_id, place="5号楼 北门", on_added=on_added)

    evidence.register_subject(KIND, resolver)
    yield added
    evidence.unregister_subject(KIND)


def attach(db, actor, tmp_path: Path, **kw) -> EvidencePhoto:
    args = {
        "kind": KIND,
        "subject_id": ALLOWED,
        "data": photo(),
        "client_id": "c-0001",
        "claimed_at_ms": None,
        "root": tmp_path,
    }
    args.update(kw)
    return evidence.attach(db, actor, **args)


def test_attach_stores_with_the_resolver_place_and_runs_the_hook(db, actor_of, tmp_path, fake_kind):
    butler = actor_of(BUTLER)
    p = attach(db, butler, tmp_path, filename_hint="IMG_0001.jpg")
    assert p.id is not None and p.client_id == "c-0001"
    assert (p.subject_kind, p.subject_id, p.author_id) == (KIND, ALLOWED, butler.id)
    assert p.place == "5号楼 北门"
    assert fake_kind == [(p.id, ALLOWED)]
    rows, files = stored(db, tmp_path)
    assert rows == 1 and len(files) == 2


def test_a_retried_client_id_is_applied_once(db, actor_of, tmp_path, fake_kind):
    butler = actor_of(BUTLER)
    first = attach(db, butler, tmp_path)
    _, files_before = stored(db, tmp_path)
    again = attach(db, butler, tmp_path, data=photo(size=(640, 480)))
    assert again.id == first.id
    rows, files = stored(db, tmp_path)
    assert rows == 1 and files == files_before
    assert len(fake_kind) == 1  # the hook ran once
    adds = db.exec(select(AuditEntry).where(AuditEntry.action == "evidence.add")).all()
    assert len(adds) == 1


def test_a_client_id_of_someone_else_is_refused(db, actor_of, tmp_path, fake_kind):
    attach(db, actor_of(BUTLER), tmp_path)
    with pytest.raises(DomainError) as err:
        attach(db, actor_of(BUTLER_2), tmp_path)
    assert err.value.key == "evidence.client_id_taken"
    assert stored(db, tmp_path)[0] == 1


def test_refused_by_the_resolver_stores_nothing(db, actor_of, tmp_path, fake_kind):
    with pytest.raises(Refused):
        attach(db, actor_of(BUTLER), tmp_path, subject_id=REFUSED)
    assert stored(db, tmp_path) == (0, [])
    assert fake_kind == []


def test_an_unknown_kind_is_refused(db, actor_of, tmp_path):
    with pytest.raises(DomainError) as err:
        attach(db, actor_of(BUTLER), tmp_path, kind="nosuchkind")
    assert err.value.key == "evidence.unknown_subject"
    assert stored(db, tmp_path) == (0, [])


@pytest.mark.parametrize(
    "client_id", ["", "a" * 41, "has space", "semi;colon", "中文", "../x", None, 12]
)
def test_bad_client_ids_are_refused(db, actor_of, tmp_path, fake_kind, client_id):
    with pytest.raises(DomainError) as err:
        attach(db, actor_of(BUTLER), tmp_path, client_id=client_id)
    assert err.value.key == "evidence.bad_client_id"
    assert stored(db, tmp_path) == (0, [])


@pytest.mark.parametrize("client_id", ["a", "A" * 40, "0f8e-4b1c_9A"])
def test_good_client_ids_are_kept(db, actor_of, tmp_path, fake_kind, client_id):
    assert attach(db, actor_of(BUTLER), tmp_path, client_id=client_id).client_id == client_id


def test_not_an_image_stores_nothing_and_frees_the_client_id(db, actor_of, tmp_path, fake_kind):
    butler = actor_of(BUTLER)
    with pytest.raises(DomainError) as err:
        attach(db, butler, tmp_path, data=b"just some text, not a photo")
    assert err.value.key == "evidence.not_image"
    assert stored(db, tmp_path) == (0, [])
    # the same id works once a real photo is sent
    assert attach(db, butler, tmp_path).client_id == "c-0001"


def test_claimed_time_from_the_browser_when_there_is_no_exif(db, actor_of, tmp_path, fake_kind):
    ms = int(datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC).timestamp() * 1000)
    p = attach(db, actor_of(BUTLER), tmp_path, claimed_at_ms=ms)
    assert p.claimed_at == datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    assert p.received_at != p.claimed_at


def test_exif_capture_time_wins_over_the_browser_claim(db, actor_of, tmp_path, fake_kind):
    data = photo(taken="2026:11:20 09:30:15")
    p = attach(db, actor_of(BUTLER), tmp_path, data=data, claimed_at_ms=1_700_000_000_000)
    assert p.claimed_at == datetime(2026, 11, 20, 1, 30, 15, tzinfo=UTC)


@pytest.mark.parametrize("ms", [None, 0, -5, 10**17])
def test_implausible_browser_claims_are_not_kept(db, actor_of, tmp_path, fake_kind, ms):
    assert attach(db, actor_of(BUTLER), tmp_path, claimed_at_ms=ms).claimed_at is None


def test_photos_for_shows_community_staff_and_hidden_only_to_supervisors(
    db, actor_of, staff_of, community_id, tmp_path, fake_kind
):
    butler, supervisor = actor_of(BUTLER), actor_of(SUPERVISOR)
    first = attach(db, butler, tmp_path, client_id="one")
    second = attach(db, butler, tmp_path, client_id="two")
    evidence.hide(db, supervisor.id, community_id, second.id, "模糊")
    views = evidence.photos_for(db, butler, KIND, ALLOWED)
    assert [v.id for v in views] == [first.id]
    v = views[0]
    assert v.author == staff_of(BUTLER).name and v.place == "5号楼 北门" and not v.hidden
    assert len(v.received_at) == 16  # "YYYY-MM-DD HH:MM", local time
    sup_views = evidence.photos_for(db, supervisor, KIND, ALLOWED)
    assert [(v.id, v.hidden) for v in sup_views] == [(first.id, False), (second.id, True)]
