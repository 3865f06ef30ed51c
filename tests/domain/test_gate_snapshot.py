"""The gate offline: the phone's pass list (what it holds, what it never holds, its size) and the
queued scans logged once each, judged again at the phone's time, the phone's clock checked."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from app.db.models import AuditEntry, GateScan
from app.domain import clock, gate, gate_snapshot, renovation_passes
from app.domain.errors import DomainError, Refused
from tests.domain import test_renovations as reno
from tests.domain.test_renovations import under_way

people = reno.people
tuesday = reno.tuesday


@pytest.fixture
def site(db, people, community_id, tuesday):
    app, made = under_way(db, people, community_id, workers=(("孙立新", "mason"), ("曾亮亮", "welder")))
    return app, made[0][1], made[1][1]


def ms(at) -> int:
    return int(at.timestamp() * 1000)


def test_the_snapshot_lists_every_card_by_its_hash_and_never_the_key(db, people, site):
    app, mason, welder = site
    old = renovation_passes.pass_token(mason)
    renovation_passes.reissue_pass(db, people.desk, mason.id)
    renovation_passes.revoke_pass(db, people.desk, welder.id, "violation")
    snap = gate_snapshot.snapshot(db, people.guard)
    by_hash = {p["hash"]: p for p in snap["passes"]}
    live = by_hash[gate_snapshot.token_hash(renovation_passes.pass_token(mason))]
    assert (live["pass_id"], live["version"], live["name"], live["trade"], live["revoked"]) == (
        mason.id, 2, "孙立新", "mason", False)
    # the short code printed on the current card, hashed; no photo
    assert live["code_hash"] == gate_snapshot.code_hash(renovation_passes.pass_code(db, mason))
    assert "photo" not in json.dumps(snap)
    assert by_hash[gate_snapshot.token_hash(old)]["superseded"] is True  # the old card gives red
    assert by_hash[gate_snapshot.token_hash(renovation_passes.pass_token(welder))]["revoked"] is True
    site_row = snap["sites"][str(app.id)]
    assert (site_row["household"], site_row["hours_start"], site_row["under_way"]) == (
        app.household_label, "08:00", True)
    assert snap["generated_at"] == ms(clock.now()) and snap["max_age_ms"] == 12 * 3600 * 1000
    assert snap["rules"]["hot_work_trades"] == ["welder"]
    text = json.dumps(snap)
    assert old not in text and renovation_passes.pass_token(mason) not in text  # hashes only


def test_only_the_gate_gets_the_snapshot(db, people, site):
    with pytest.raises(Refused):
        gate_snapshot.snapshot(db, people.butler)


def test_2000_passes_fit_well_under_a_megabyte(db, people, site):
    """Measured on 2 passes and scaled: a pass costs about 300 bytes (bench/gate_offline.py: 2,000)."""
    snap = gate_snapshot.snapshot(db, people.guard)
    per_pass = len(json.dumps(snap["passes"], ensure_ascii=False).encode()) / len(snap["passes"])
    per_site = len(json.dumps(snap["sites"], ensure_ascii=False).encode()) / len(snap["sites"])
    assert 2000 * per_pass + 400 * per_site < 700_000, (per_pass, per_site)


def _scan(cid, text, at, shown="valid", snap_at=None, **kw):
    return {"client_id": cid, "text": text, "phone_at": ms(at), "shown": shown,
            "snapshot_at": ms(snap_at) if snap_at else None, **kw}


def test_queued_scans_are_logged_once_and_judged_at_the_phones_time(db, people, site):
    _, mason, _ = site
    token = renovation_passes.pass_token(mason)
    snapped = clock.now() - timedelta(hours=2)
    scanned = clock.now() - timedelta(hours=1)  # 09:00: inside the hours
    late = clock.now() + timedelta(hours=-10)  # 00:00: outside them
    clock.advance(timedelta(minutes=30))  # the connection returns at 10:30
    batch = [_scan("g-1", token, scanned, snap_at=snapped, gate="东门"),
             _scan("g-2", token, late, shown="valid")]
    out = gate_snapshot.record_offline(db, people.guard, batch, sent_at=ms(clock.now()))
    assert [(r.status, r.verdict, r.shown, r.clock_off) for r in out] == [
        ("logged", "valid", "valid", False), ("logged", "outside_hours", "valid", False)]
    again = gate_snapshot.record_offline(db, people.guard, batch, sent_at=ms(clock.now()))
    assert [r.status for r in again] == ["duplicate", "duplicate"]
    db.flush()
    rows = list(db.exec(select(GateScan).where(GateScan.offline).order_by(GateScan.id)))
    assert len(rows) == 2
    first = rows[0]
    assert (first.client_id, first.verdict, first.offline_verdict, first.gate, first.pass_id) == (
        "g-1", "valid", "valid", "东门", mason.id)
    assert abs((first.phone_at.replace(tzinfo=None) - scanned.replace(tzinfo=None)).total_seconds()) < 1
    assert first.snapshot_age_s == 3600 and abs((first.at.replace(tzinfo=None)
                                                 - clock.now().replace(tzinfo=None)).total_seconds()) < 1
    # the refusal of the late one is audited as every refusal at the gate
    refused = db.exec(select(AuditEntry).where(AuditEntry.action == "gate.refused")).all()
    assert refused and refused[-1].detail.startswith("outside_hours ")


def test_a_phone_clock_off_is_flagged_and_bad_entries_do_not_stop_the_rest(db, people, site):
    _, mason, _ = site
    token = renovation_passes.pass_token(mason)
    now = clock.now()
    out = gate_snapshot.record_offline(db, people.guard, [
        _scan("c-1", token, now - timedelta(minutes=20)),
        {"client_id": "bad id!", "text": token, "phone_at": ms(now), "shown": "valid"},
        {"client_id": "c-3", "text": "", "phone_at": ms(now), "shown": "valid"},
        {"client_id": "c-4", "text": token, "phone_at": "yesterday", "shown": "valid"},
        "junk",
        _scan("c-6", "forged", now, shown="unknown_or_forged"),
    ], sent_at=ms(now - timedelta(minutes=15)))  # the phone's clock is 15 minutes slow
    assert [r.status for r in out] == ["logged", "refused", "refused", "refused", "refused", "logged"]
    assert out[0].clock_off and out[5].clock_off and out[5].verdict == gate.UNKNOWN_OR_FORGED
    assert out[2].reason == "gate_offline.bad_scan"
    # a scan in the phone's future, without the phone's time at sending, is flagged too
    ahead = gate_snapshot.record_offline(db, people.guard, [_scan("c-7", token, now + timedelta(hours=1))])
    assert ahead[0].status == "logged" and ahead[0].clock_off
    fine = gate_snapshot.record_offline(db, people.guard, [_scan("c-8", token, now - timedelta(hours=3))])
    assert not fine[0].clock_off  # queued for hours is not a clock problem


def test_a_batch_is_bounded_and_only_for_the_gate(db, people, site):
    with pytest.raises(DomainError):
        gate_snapshot.record_offline(db, people.guard, [{}] * (gate_snapshot.MAX_BATCH + 1))
    with pytest.raises(DomainError):
        gate_snapshot.record_offline(db, people.guard, "not a list")
    with pytest.raises(Refused):
        gate_snapshot.record_offline(db, people.butler, [])


def test_the_supervisors_log_marks_offline_scans_with_both_times_and_verdicts(db, people, site):
    from app.domain import gate_log

    _, mason, _ = site
    token = renovation_passes.pass_token(mason)
    gate.verify_pass(db, people.guard, token)  # online
    scanned = clock.now() - timedelta(minutes=40)
    gate_snapshot.record_offline(db, people.guard, [_scan("l-1", token, scanned, shown="stale")],
                                 sent_at=ms(clock.now() + timedelta(hours=1)))
    rows = gate_log.day_log(db, people.supervisor, clock.today()).rows
    offline, online = rows[0], rows[1]
    assert (offline.offline, offline.offline_verdict, offline.verdict, offline.clock_off) == (True, "stale", "valid", True)
    assert abs((offline.phone_at.replace(tzinfo=None) - scanned.replace(tzinfo=None)).total_seconds()) < 1
    assert (online.offline, online.phone_at, online.offline_verdict) == (False, None, "")
