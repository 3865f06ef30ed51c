"""The public pages a printed QR opens: the permit's live status, a pass card's masked worker and
validity, a checkpoint tag and the patrol it sends its butler into; tampered, wrong-kind and
superseded tokens are refused and audited, at most once a minute per client."""

from __future__ import annotations

import pytest
from sqlmodel import select

from app.db.models import AuditEntry, Checkpoint, Grid, PatrolPlan
from app.domain import (
    clock,
    gate,
    patrols,
    printed_pages,
    renovation_checks,
    renovation_passes,
    short_codes,
    tokens,
)
from app.domain.errors import DomainError, Refused
from tests.domain import test_patrols as tp
from tests.domain import test_renovations as reno
from tests.domain.conftest import BUTLER, BUTLER_2
from tests.domain.test_renovations import under_way

people = reno.people
tuesday = reno.tuesday
wednesday = tp.wednesday


def _refusals(db) -> list[AuditEntry]:
    db.flush()
    return list(db.exec(select(AuditEntry).where(AuditEntry.action == "token.refused")))


def _flip(token: str, i: int) -> str:
    return token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1:]


def test_the_permit_page_shows_the_live_status_and_the_code(db, people, community_id, tuesday):
    app, _ = under_way(db, people, community_id, workers=(("孙立新", "mason"),))
    page = printed_pages.permit_page(db, renovation_passes.permit_token(app), "client-1")
    assert isinstance(page, printed_pages.PermitPage)
    assert page.permit_no == app.permit_no and page.household == app.household_label
    assert page.status == gate.PERMIT_VALID and page.hold == "" and page.open_rectifications == 0
    assert page.short_code == short_codes.group(renovation_passes.permit_code(db, app))
    renovation_checks.declare(db, people.desk, app.id, kind="concealed",
                              item=reno.renovations.required_concealed(app)[0])
    page = printed_pages.permit_page(db, renovation_passes.permit_token(app), "client-1")
    assert page.status == gate.PERMIT_INSPECTION and page.hold == renovation_checks.HOLD_INSPECTION


def test_tampered_and_wrong_kind_tokens_are_refused_and_audited_once_a_minute(db, people, community_id, tuesday):
    app, made = under_way(db, people, community_id, workers=(("孙立新", "mason"),))
    token = renovation_passes.permit_token(app)
    before = len(_refusals(db))
    assert printed_pages.permit_page(db, _flip(token, len(token) - 3), "client-2") == \
        printed_pages.Refusal(tokens.FORGED)
    assert printed_pages.permit_page(db, _flip(token, len(token) - 4), "client-2") == \
        printed_pages.Refusal(tokens.FORGED)
    assert len(_refusals(db)) == before + 1  # a flood from one client writes one row a minute
    pass_token = renovation_passes.pass_token(made[0][1])
    assert printed_pages.permit_page(db, pass_token, "client-2") == printed_pages.Refusal(tokens.WRONG_KIND)
    assert printed_pages.pass_page(db, token, "client-2") == printed_pages.Refusal(tokens.WRONG_KIND)
    assert printed_pages.tag_page(db, "garbage!", "client-2") == printed_pages.Refusal(tokens.MALFORMED)
    assert len(_refusals(db)) == before + 4
    clock.advance(printed_pages.audit.BOUND_EVERY)
    printed_pages.permit_page(db, _flip(token, len(token) - 3), "client-2")
    assert len(_refusals(db)) == before + 5


def test_the_pass_page_masks_the_worker_and_refuses_an_old_card(db, people, community_id, tuesday):
    _, made = under_way(db, people, community_id, workers=(("孙立新", "mason"),))
    p = made[0][1]
    old = renovation_passes.pass_token(p)
    page = printed_pages.pass_page(db, old, "client-3")
    assert isinstance(page, printed_pages.PassPage)
    assert page.masked_name == "孙*新" and page.trade == "mason" and page.valid
    assert "13600001111" not in repr(page) and "1234" not in repr(page)
    renovation_passes.reissue_pass(db, people.desk, p.id)
    assert printed_pages.pass_page(db, old, "client-3") == printed_pages.Refusal(tokens.REVOKED)
    fresh = printed_pages.pass_page(db, renovation_passes.pass_token(p), "client-3")
    assert fresh.valid
    renovation_passes.revoke_pass(db, people.desk, p.id, "violation")
    assert printed_pages.pass_page(db, renovation_passes.pass_token(p), "client-3").state == \
        printed_pages.PASS_REVOKED


def test_mask_name():
    assert [printed_pages.mask_name(n) for n in ("张", "张伟", "孙立新", "欧阳娜娜")] == ["张", "张*", "孙*新", "欧**娜"]


def _grid_checkpoint(db, actor) -> Checkpoint:
    grid = db.exec(select(Grid).where(Grid.butler_id == actor.id)).one()
    return db.exec(select(Checkpoint).where(Checkpoint.grid_id == grid.id).order_by(Checkpoint.position)).first()


def test_the_tag_page_says_what_the_tag_is_and_a_reprinted_tag_is_refused(db, actor_of, wednesday):
    butler = actor_of(BUTLER)
    cp = _grid_checkpoint(db, butler)
    token = patrols.checkpoint_token(cp)
    page = printed_pages.tag_page(db, token, "client-4")
    assert isinstance(page, printed_pages.TagPage) and page.name == cp.name and page.checkpoint_id == cp.id
    patrols.reissue_tag(db, actor_of(tp.SUPERVISOR), cp.id)
    assert printed_pages.tag_page(db, token, "client-4") == printed_pages.Refusal(tokens.REVOKED)


def test_the_tag_sends_its_butler_into_todays_patrol(db, actor_of, wednesday):
    butler = actor_of(BUTLER)
    cp = _grid_checkpoint(db, butler)
    patrol_id = printed_pages.patrol_at_tag(db, butler, cp.id)
    assert patrols.view(db, butler, patrol_id).id == patrol_id
    assert printed_pages.patrol_at_tag(db, butler, cp.id) == patrol_id  # resumed, not a second one
    with pytest.raises(Refused):
        printed_pages.patrol_at_tag(db, actor_of(BUTLER_2), cp.id)
    patrols.finish(db, butler, patrol_id)
    with pytest.raises(DomainError) as done:
        printed_pages.patrol_at_tag(db, butler, cp.id)
    assert done.value.key == "printed.tag_done"
    for plan in db.exec(select(PatrolPlan).where(PatrolPlan.community_id == cp.community_id)):
        plan.active = False
        db.add(plan)
    with pytest.raises(DomainError) as none:
        printed_pages.patrol_at_tag(db, butler, cp.id)
    assert none.value.key == "printed.tag_not_due"


def test_the_printed_qrs_are_page_urls_the_gate_still_reads(db, people, community_id, tuesday):
    from app.api.renovation_docs import pass_url, permit_url

    app, made = under_way(db, people, community_id, workers=(("孙立新", "mason"),))
    card, door = pass_url("https://gb.example", made[0][1]), permit_url("https://gb.example", app)
    assert card == f"https://gb.example/w/{renovation_passes.pass_token(made[0][1])}"
    assert door == f"https://gb.example/p/{renovation_passes.permit_token(app)}"
    assert gate.verify_pass(db, people.guard, card).verdict == gate.VALID
    assert gate.verify_pass(db, people.guard, door).verdict == gate.PERMIT_VALID
    # and the old bare tokens still work
    assert gate.verify_pass(db, people.guard, renovation_passes.pass_token(made[0][1])).verdict == gate.VALID


def test_the_site_check_button_is_for_who_may_check_that_renovation(db, people, community_id, tuesday,
                                                                    actor_of):
    app, _ = under_way(db, people, community_id, workers=(("孙立新", "mason"),))
    page = printed_pages.permit_page(db, renovation_passes.permit_token(app), "client-5")
    assert printed_pages.may_site_check(db, people.engineer, page)
    assert not printed_pages.may_site_check(db, None, page)
    assert not printed_pages.may_site_check(db, people.guard, page)  # a guard does no site checks
    from app.db.models import Household, Staff

    home = db.get(Household, app.household_id)
    own = db.get(Staff, db.get(Grid, home.grid_id).butler_id)
    other = next(b for b in (actor_of(BUTLER), actor_of(BUTLER_2)) if b.id != own.id)
    assert printed_pages.may_site_check(db, actor_of(own.phone[-2:]), page)  # the household's butler
    assert not printed_pages.may_site_check(db, other, page)  # another grid's
