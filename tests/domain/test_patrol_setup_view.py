"""The patrol set-up screen's rows come from the domain, scoped to the actor's community."""

from __future__ import annotations

from sqlmodel import select

from app.db.models import ChecklistItem, Checkpoint, Community, Grid
from app.domain import patrols
from tests.domain.conftest import SUPERVISOR


def test_a_grid_of_ours_shows_its_checkpoints_items_routes_and_plans(db, actor_of):
    sup = actor_of(SUPERVISOR)
    grid = db.exec(select(Grid).where(Grid.community_id == sup.community_id).order_by(Grid.id)).all()[1]
    cps = db.exec(select(Checkpoint).where(Checkpoint.grid_id == grid.id)
                  .order_by(Checkpoint.position)).all()
    first = cps[0]
    item = db.exec(select(ChecklistItem).where(ChecklistItem.checkpoint_id == first.id)).first()
    patrols.set_item_active(db, sup, item.id, False)

    view = patrols.setup_view(db, sup, grid.id, first.id)
    assert view.grid_id == grid.id
    assert [c.id for c in view.checkpoints] == [c.id for c in cps]
    row = view.checkpoints[0]
    active_items = len(patrols.items_of(db, first.id))
    assert row.items == active_items and isinstance(row.active, bool)
    # the checklist shows the inactive item too, with a real boolean
    assert view.checkpoint_id == first.id
    assert any(i.id == item.id and i.active is False for i in view.items)
    assert view.routes and all(set(r.stop_ids) <= {c.id for c in cps} for r in view.routes)
    assert view.plans and {p.route_id for p in view.plans} <= {r.id for r in view.routes}
    assert view.template and {ln.category for ln in view.template} <= set(patrols.CATEGORIES)


def test_a_grid_or_checkpoint_of_another_community_reads_as_absent(db, actor_of):
    sup = actor_of(SUPERVISOR)
    other = Community(code="OTHER-SV", name="别的小区")
    db.add(other)
    db.flush()
    foreign = Grid(community_id=other.id, name="外网格")
    db.add(foreign)
    db.flush()
    ours = db.exec(select(Grid).where(Grid.community_id == sup.community_id).order_by(Grid.id)).first()
    view = patrols.setup_view(db, sup, foreign.id, None)
    assert view.grid_id == ours.id  # falls back to our first grid, never shows theirs
    assert foreign.id not in {g.id for g in view.grids}
    # a checkpoint id not in the grid shown: no checklist
    other_cp = db.exec(select(Checkpoint).where(Checkpoint.grid_id != ours.id)).first()
    assert patrols.setup_view(db, sup, ours.id, other_cp.id).checkpoint_id is None
