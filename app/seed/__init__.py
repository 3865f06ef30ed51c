"""Deterministic demo community and scale data.

    python -m app.seed --migrate --demo --if-empty --accounts   # what ./run.sh does at every start
    python -m app.seed --demo --if-empty     # the demo community
    python -m app.seed --scale 20000         # demo + communities up to 20,000 households
    python -m app.seed --scale 20000 --scale-requests 200000   # and their requests

The same seed always gives the same rows. Staff accounts of the demo community
are listed in README.md; they all share DEMO_PASSWORD.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlmodel import Session, select

from app.db.models import Community
from app.db.session import get_engine
from app.domain.outbox import channels
from app.seed import requests as seed_requests
from app.seed.community import (  # noqa: F401
    DEMO_BUILDINGS,
    DEMO_CHECKPOINTS,
    DEMO_CODE,
    DEMO_PASSWORD,
    DEMO_PHONE_PREFIX,
    DEMO_STAFF,
    GIVEN,
    GOLD_GRID_SIZE,
    SURNAMES,
    plan_grids,
    print_accounts,
    seed_community,
    seed_demo,
    seed_patrols,
    seed_scale,
)
from app.seed.renovations import seed_renovations

ROOT = Path(__file__).resolve().parents[2]


def seed_demo_activity(session: Session, community_id: int) -> None:
    """What the demo community has been doing: renovations in every stage and two weeks of requests.

    Both go through the domain rules (so they audit, notify and index as the app
    does); `seed_demo` stays a plain community, which the domain tests start from.
    """
    seed_renovations(session)
    seed_requests.seed_demo_requests(session, community_id, seed=2028)


def migrate(url: str | None = None) -> None:
    """Alembic's upgrade to head with the project's migrations (alembic.ini, alembic/), in this
    process: what `reflex db migrate` does, without starting Reflex's command line (a second
    or so of every start)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "alembic"))
    if url:
        cfg.attributes["url"] = url
    command.upgrade(cfg, "head")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demo", action="store_true", help="seed the demo community")
    parser.add_argument("--if-empty", action="store_true", help="do nothing when a community exists")
    parser.add_argument("--scale", type=int, default=0, help="total households to reach")
    parser.add_argument("--scale-requests", type=int, default=0,
                        help="total requests to reach in the scale communities")
    parser.add_argument("--url", default=None, help="database URL (default: the app's)")
    parser.add_argument("--accounts", action="store_true", help="print the demo accounts")
    parser.add_argument("--migrate", action="store_true",
                        help="first bring the database to the newest schema (Alembic, as `reflex db migrate`)")
    args = parser.parse_args(argv)
    if args.migrate:
        migrate(args.url)
    if args.accounts:
        print_accounts()
        if not (args.demo or args.scale or args.scale_requests):
            return 0

    # the demo's history is not news: none of the alerts it writes leaves the app (WeCom, SMS, push)
    with Session(get_engine(args.url)) as session, channels.silenced():
        existing = session.exec(select(Community.id).where(Community.code == DEMO_CODE)).first()
        if args.demo and not (args.if_empty and existing is not None):
            if existing is not None:
                print("demo community already seeded", file=sys.stderr)
            else:
                cid = seed_demo(session)
                seed_demo_activity(session, cid)
                print("seeded the demo community 阳光花园")
        if args.scale:
            made = seed_scale(session, args.scale)
            print(f"seeded {len(made)} scale communities")
        if args.scale_requests:
            added = seed_requests.seed_scale_requests(session, args.scale_requests)
            print(f"seeded {added} scale requests")
        session.commit()
    return 0

