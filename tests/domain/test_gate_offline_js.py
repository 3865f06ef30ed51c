"""The phone's offline verdict (assets/js/gate_verdict.js, run by the project's Node) agrees with
the server's (`gate.verify_pass`) on many generated cases: valid, expired, not yet valid, outside
hours, the wrong day for hot work, revoked, superseded version, hot work, both holds, unknown,
forged tokens with a valid id, wrapped in URLs, at many phone times and with the hot-work switch
on and off. The snapshot is taken once and the database is not changed after it, so any
difference is a difference of rules."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from app.domain import (
    clock,
    gate,
    gate_snapshot,
    renovation_checks,
    renovation_passes,
    renovations,
    short_codes,
    tokens,
)
from tests.domain import test_renovations as reno
from tests.domain.test_renovations import under_way

people = reno.people
tuesday = reno.tuesday

ROOT = Path(__file__).resolve().parents[2]
NODE = ROOT / "tools" / "node_modules" / ".bin" / "node"
VERDICT_JS = ROOT / "assets" / "js" / "gate_verdict.js"
CODES_JS = ROOT / "assets" / "js" / "short_codes.js"

RUNNER = """
require(process.argv[4]);  // the printed short codes (globalThis.gbShortCode), as the page loads them first
const v = require(process.argv[2]);
const data = JSON.parse(require("fs").readFileSync(process.argv[3], "utf8"));
Promise.all(data.cases.map((c) => v.judge(data.snapshot, c.text, c.at, c.hot).then((r) => r.verdict)))
  .then((out) => process.stdout.write(JSON.stringify(out)));
"""


def run_js(snapshot: dict, cases: list[dict], tmp_path: Path) -> list[str]:
    node = str(NODE) if NODE.exists() else shutil.which("node")
    if node is None:
        pytest.fail("no Node: tools/node_modules/.bin/node is installed by ./test.sh")
    (tmp_path / "run.js").write_text(RUNNER)
    (tmp_path / "data.json").write_text(json.dumps({"snapshot": snapshot, "cases": cases}))
    done = subprocess.run([node, str(tmp_path / "run.js"), str(VERDICT_JS), str(tmp_path / "data.json"),
                           str(CODES_JS)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _flip(token: str, at: int) -> str:
    c = token[at]
    return token[:at] + ("A" if c != "A" else "B") + token[at + 1:]


def _world(db, people, community_id):
    """Renovations in every state the gate knows; the texts a guard may scan."""
    today = clock.today()
    a, made_a = under_way(db, people, community_id, 1, workers=(
        ("孙立新", "mason"), ("曾亮亮", "welder"), ("钱防水", renovation_passes.WATERPROOFING_TRADE),
        ("周电工", "electrician"), ("吴木工", "carpenter"), ("郑油漆", "painter")),
        hours_start="08:30", hours_end="17:30")
    renovation_checks.grant_hot_work(db, people.engineer, a.id, starts_on=today, ends_on=today,
                                     fire_watch_name="赵磊")
    (_, mason), (_, welder), (_, water), (_, electrician), (_, carpenter), (_, painter) = made_a
    old_card = renovation_passes.pass_token(electrician)
    renovation_passes.reissue_pass(db, people.desk, electrician.id, valid_until=today)  # superseded v1
    renovation_passes.revoke_pass(db, people.desk, carpenter.id, "violation")
    # waterproofing stage, unconfirmed: only the waterproofer goes in
    b, made_b = under_way(db, people, community_id, 2, workers=(
        ("冯瓦工", "tiler"), ("陈防水", renovation_passes.WATERPROOFING_TRADE), ("蒋焊工", "welder")))
    for item in renovations.required_concealed(b):
        g = renovation_checks.declare(db, people.desk, b.id, kind="concealed", item=item)
        renovation_checks.inspect(db, people.engineer, g.id, passed=True)
    renovation_checks.advance_stage(db, people.engineer, b.id)
    # an inspection pending: nobody goes in
    c, made_c = under_way(db, people, community_id, 3, workers=(("沈师傅", "plumber"),
                                                                ("韩防水", renovation_passes.WATERPROOFING_TRADE)))
    renovation_checks.declare(db, people.desk, c.id, kind="concealed", item=renovations.required_concealed(c)[0])
    # starts in three days
    d, made_d = under_way(db, people, community_id, 4, workers=(("杨粉刷", "painter"),),
                          planned_start=today + timedelta(days=3), planned_end=today + timedelta(days=9))
    live = [renovation_passes.pass_token(p) for _, p in made_a + made_b + made_c + made_d]
    # the short codes printed on the current cards, typed as a guard types them; a typo; a code nobody got
    codes = [renovation_passes.pass_code(db, p) for _, p in made_a + made_b + made_c + made_d]
    typed = [short_codes.group(c).lower() for c in codes] + [codes[0][:-1] + ("A" if codes[0][-1] != "A" else "C"),
                                                           short_codes.new_code()]
    texts = live + typed + [
        old_card,
        "https://gate.example/p/" + renovation_passes.pass_token(mason),
        "https://gate.example/scan?t=" + renovation_passes.pass_token(painter) + "&x=1",
        "  " + renovation_passes.pass_token(welder) + "\n",
        _flip(renovation_passes.pass_token(mason), 3),  # body changed
        _flip(renovation_passes.pass_token(mason), len(renovation_passes.pass_token(mason)) - 3),  # signature
        tokens.sign("pass", mason.id, version=mason.version, community_id=community_id,
                    expires_at=renovations.end_of_day(mason.valid_until), key=b"someone else's key 123"),
        tokens.sign("pass", 10**9, community_id=community_id),
        renovation_passes.permit_token(a),  # a permit, not a pass
        renovation_passes.pass_token(mason)[:-6],
        "hello 你好", "", "x" * 3000, "https://gate.example/p/",
    ]
    other = tokens.sign("pass", water.id, version=water.version, community_id=community_id + 1000,
                        expires_at=renovations.end_of_day(water.valid_until))
    return texts, other


def test_the_phone_and_the_server_agree_on_every_case(db, people, community_id, tuesday, tmp_path):
    texts, other = _world(db, people, community_id)
    snap = gate_snapshot.snapshot(db, people.guard)
    start = clock.now()  # Tuesday 10:00 local
    offsets = [timedelta(hours=h, minutes=m) for h, m in (
        (-3, 0), (-1, -31), (-1, -30), (0, 0), (2, 15), (7, 29), (7, 30), (8, 0), (11, 59), (14, 0),
        (23, 0), (24 * 3, 0), (24 * 3 + 3, 0), (24 * 12, 0), (24 * 40, 0))]
    cases = []
    for text in texts + [other]:
        for off in offsets:
            for hot in (False, True):
                cases.append({"text": text, "at": int((start + off).timestamp() * 1000), "hot": hot})
    server = [gate.verify_pass(db, people.guard, c["text"], hot_work=c["hot"],
                               judged_at=start + timedelta(milliseconds=c["at"] - int(start.timestamp() * 1000))
                               ).verdict for c in cases]
    phone = run_js(snap, cases, tmp_path)
    seen = set(server)
    # the generated cases cover every verdict the phone can give
    # (a permit's status is given online only: the phone's list holds passes)
    assert seen >= set(gate.VERDICTS) - set(gate.PERMIT_VERDICTS), set(gate.VERDICTS) - seen
    mismatches = []
    for c, s, p in zip(cases, server, phone, strict=True):
        # a pass of another community: its signature cannot be checked on the phone, so it is
        # "unknown" there (red either way: other_community or, past its end, expired on the server)
        expected = gate.UNKNOWN_OR_FORGED if c["text"] == other or s in gate.PERMIT_VERDICTS else s
        if c["text"] == other:
            assert s in (gate.OTHER_COMMUNITY, gate.EXPIRED)
        if p != expected:
            mismatches.append((c["text"][:40], c["at"], c["hot"], s, p))
    assert not mismatches, mismatches[:10]
    assert len(cases) >= 800


def test_a_changed_rule_on_the_phone_is_caught(db, people, community_id, tuesday, tmp_path):
    """The comparison can fail: the phone's copy with the waterproofing exemption dropped disagrees."""
    texts, _ = _world(db, people, community_id)
    snap = gate_snapshot.snapshot(db, people.guard)
    snap["rules"]["waterproofing_trade"] = "nobody"
    at = int(clock.now().timestamp() * 1000)
    cases = [{"text": t, "at": at, "hot": False} for t in texts]
    server = [gate.verify_pass(db, people.guard, t).verdict for t in texts]
    assert run_js(snap, cases, tmp_path) != server
