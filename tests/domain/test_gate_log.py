"""The supervisor's gate log: one local day's scans, newest first, with guard, worker and household;
the day's counts per verdict; refusals only; other days and other people's permissions kept out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.domain import clock, gate, gate_log, renovation_passes
from app.domain.errors import Refused
from tests.domain import test_gate as gate_tests
from tests.domain import test_renovations as reno

# the people, frozen Tuesday and renovation under way of the gate tests
people = reno.people
tuesday = reno.tuesday
site = gate_tests.site


def test_the_day_log_names_guard_worker_and_household_and_counts_verdicts(db, people, site, tuesday):
    app, mason, _ = site
    token = renovation_passes.pass_token(mason)
    gate.verify_pass(db, people.guard, token, gate="东门")
    gate.verify_pass(db, people.guard, token[:-4], gate="东门")  # truncated
    clock.advance(timedelta(minutes=5))
    renovation_passes.revoke_pass(db, people.desk, mason.id, "worker_left")
    gate.verify_pass(db, people.guard, token, gate="西门")
    db.flush()

    log = gate_log.day_log(db, people.supervisor, tuesday)
    assert [r.verdict for r in log.rows] == [gate.REVOKED, gate.UNKNOWN_OR_FORGED, gate.VALID]
    newest = log.rows[0]
    assert (newest.gate, newest.guard, newest.worker, newest.household) == (
        "西门", people.guard.name, "孙立新", app.household_label)
    assert log.rows[1].worker == "" and log.rows[1].household == ""  # nothing found for a forged text
    assert log.counts == {gate.VALID: 1, gate.REVOKED: 1, gate.UNKNOWN_OR_FORGED: 1}
    assert (log.total, log.refused) == (3, 2)

    only = gate_log.day_log(db, people.supervisor, tuesday, refused_only=True)
    assert [r.verdict for r in only.rows] == [gate.REVOKED, gate.UNKNOWN_OR_FORGED]
    assert only.counts == log.counts  # the counts are the whole day's

    # the next local day starts empty; the day before knows nothing of these scans
    assert gate_log.day_log(db, people.supervisor, tuesday + timedelta(days=1)).total == 0
    assert gate_log.day_log(db, people.supervisor, tuesday - timedelta(days=1)).rows == []


def test_a_scan_just_after_local_midnight_belongs_to_that_local_day(db, people, site, tuesday):
    _, mason, _ = site
    clock.advance(timedelta(hours=14, minutes=1))  # 10:00 + 14:01 = 00:01 the next local day (UTC: still Tuesday)
    gate.verify_pass(db, people.guard, renovation_passes.pass_token(mason))
    db.flush()
    assert gate_log.day_log(db, people.supervisor, tuesday).total == 0
    assert gate_log.day_log(db, people.supervisor, tuesday + timedelta(days=1)).total == 1


@pytest.mark.parametrize("who", ["guard", "butler", "desk"])
def test_only_supervising_roles_read_the_gate_log(db, people, who, tuesday):
    with pytest.raises(Refused):
        gate_log.day_log(db, getattr(people, who), tuesday)
