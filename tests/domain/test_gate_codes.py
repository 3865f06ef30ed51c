"""The gate accepts what is printed: the typed short code of a pass gives the verdict its QR gives
(logged with method "typed"), a typo gets "check the code" before any lookup, an unknown code is
logged, an old print's code of a re-issued pass is superseded; a permit (QR, URL, short code or
number) shows its status, never "forged"."""

from __future__ import annotations

from sqlmodel import select

from app.db.models import AuditEntry, GateScan
from app.domain import (
    clock,
    gate,
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


def _site(db, people, community_id):
    app, made = under_way(db, people, community_id, workers=(("孙立新", "mason"),))
    return app, made[0][1]


def _last_scan(db) -> GateScan:
    db.flush()
    return db.exec(select(GateScan).order_by(GateScan.id.desc())).first()  # type: ignore[union-attr]


def _audited(db, action: str) -> list[AuditEntry]:
    db.flush()
    return list(db.exec(select(AuditEntry).where(AuditEntry.action == action)))


def _typo(code: str) -> str:
    """The code with its last character replaced: the check catches it."""
    return code[:-1] + next(c for c in short_codes.ALPHABET if c != code[-1])


def test_the_typed_code_of_a_pass_gives_the_qrs_verdict_logged_as_typed(db, people, community_id, tuesday):
    _, mason = _site(db, people, community_id)
    by_qr = gate.verify_pass(db, people.guard, renovation_passes.pass_token(mason))
    assert by_qr.verdict == gate.VALID and by_qr.method == gate.QR
    assert _last_scan(db).method == "qr"
    code = short_codes.group(renovation_passes.pass_code(db, mason))
    for typed in (code, code.lower().replace("-", " ")):
        v = gate.verify_pass(db, people.guard, typed, gate="东门")
        assert v.verdict == gate.VALID and v.method == gate.TYPED
        assert v.worker_name == "孙立新" and v.pass_id == mason.id
        scan = _last_scan(db)
        assert scan.method == "typed" and scan.pass_id == mason.id and scan.verdict == gate.VALID
    # and a refusal too: the code of a revoked pass is revoked, as its QR
    renovation_passes.revoke_pass(db, people.desk, mason.id, "violation")
    assert gate.verify_pass(db, people.guard, code).verdict == gate.REVOKED


def test_a_typo_is_not_a_forgery_and_is_answered_before_any_lookup(db, people, community_id, tuesday):
    _, mason = _site(db, people, community_id)
    code = renovation_passes.pass_code(db, mason)
    refused = len(_audited(db, "token.refused")), len(_audited(db, "gate.refused"))
    v = gate.verify_pass(db, people.guard, _typo(code))
    assert v.verdict == gate.BAD_CODE and v.method == gate.TYPED and v.pass_id is None
    assert _last_scan(db).verdict == gate.BAD_CODE
    assert (len(_audited(db, "token.refused")), len(_audited(db, "gate.refused"))) == refused
    assert gate.verify_pass(db, people.guard, "K7QH-4MX0").verdict == gate.BAD_CODE  # 0 is in no code


def test_an_unknown_well_formed_code_is_unknown_and_logged(db, people, community_id, tuesday):
    _site(db, people, community_id)
    code = short_codes.new_code()
    while short_codes.lookup(db, community_id, code) is not None:  # pragma: no cover
        code = short_codes.new_code()
    before = len(_audited(db, "gate.refused"))
    v = gate.verify_pass(db, people.guard, code)
    assert v.verdict == gate.UNKNOWN_CODE
    assert _last_scan(db).verdict == gate.UNKNOWN_CODE and _last_scan(db).method == "typed"
    assert len(_audited(db, "gate.refused")) == before + 1


def test_the_old_cards_code_of_a_reissued_pass_is_superseded(db, people, community_id, tuesday):
    _, mason = _site(db, people, community_id)
    old = renovation_passes.pass_code(db, mason)
    renovation_passes.reissue_pass(db, people.desk, mason.id)
    before = len(_audited(db, "token.refused"))
    assert gate.verify_pass(db, people.guard, old).verdict == gate.REVOKED
    refusals = _audited(db, "token.refused")
    assert len(refusals) == before + 1 and refusals[-1].detail.startswith(tokens.REVOKED)
    assert gate.verify_pass(db, people.guard, renovation_passes.pass_code(db, mason)).verdict == gate.VALID


def test_a_permit_shows_its_status_by_qr_url_code_or_number(db, people, community_id, tuesday):
    app, _ = _site(db, people, community_id)
    token = renovation_passes.permit_token(app)
    code = short_codes.group(renovation_passes.permit_code(db, app))
    refused = len(_audited(db, "token.refused"))
    for text, method in ((token, "qr"), (f"https://gb.example/p/{token}", "qr"), (code, "typed"),
                         (app.permit_no.lower(), "typed")):
        v = gate.verify_pass(db, people.guard, text)
        assert v.is_permit and v.verdict == gate.PERMIT_VALID, text
        assert v.household == app.household_label and v.permit_no == app.permit_no
        assert v.application_id == app.id and v.pass_id is None and not v.ok
        assert _last_scan(db).verdict == gate.PERMIT_VALID and _last_scan(db).method == method
    assert len(_audited(db, "token.refused")) == refused  # a permit's status is no refusal


def test_the_permits_status_follows_the_one_work_rule(db, people, community_id, tuesday):
    app, _ = _site(db, people, community_id)
    token = renovation_passes.permit_token(app)
    today = clock.today()
    renovation_checks.grant_hot_work(db, people.engineer, app.id, starts_on=today, ends_on=today,
                                     fire_watch_name="李消防")
    assert gate.verify_pass(db, people.guard, token).verdict == gate.PERMIT_HOT_WORK
    renovation_checks.declare(db, people.desk, app.id, kind="concealed",
                              item=renovations.required_concealed(app)[0])
    assert gate.verify_pass(db, people.guard, token).verdict == gate.PERMIT_INSPECTION
    app.status = renovations.COMPLETED
    db.add(app)
    assert gate.verify_pass(db, people.guard, token).verdict == gate.PERMIT_FINISHED


def test_a_superseded_permit_is_refused_and_logged(db, people, community_id, tuesday):
    app, _ = _site(db, people, community_id)
    old = tokens.sign("permit", app.id, version=app.permit_version + 1, community_id=community_id)
    v = gate.verify_pass(db, people.guard, old)
    assert v.verdict == gate.PERMIT_REVOKED
    assert _audited(db, "token.refused")[-1].subject == "permit"
