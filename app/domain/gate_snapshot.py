"""The gate offline (离线核验): the pass list a guard's phone judges by without signal, and the
scans it queued, logged once when the connection returns.

`snapshot` is what the phone needs to give every current pass of the guard's
community a verdict without the server and without the signing key:

- per pass the SHA-256 of the exact token text its card carries (the phone
  hashes the token it extracts from a scanned QR or URL, `assets/js/gate_verdict.js`
  mirroring `tokens.extract`), its id, version, the worker's name and trade, its
  site (the renovation), its dates and the token's expiry; a revoked pass, and
  every older version of a reissued one (rebuilt from the reissue's audit entry),
  is listed as revoked so that it gives red, not "unknown";
- per site the household, the daily hours, whether the works are under way, the
  hold (`renovation.work.hold`: an inspection pending holds every trade, the
  waterproofing stage all but waterproofers) and the local days of the snapshot's
  life that have a live hot-work permission (`renovation.hot_work.hot_work_allowed`);
- the rule's own constants (the waterproofing trade, the hot-work trades, the
  community's construction hours, the time zone) and `generated_at`.

No verdict rule is written twice in Python: every field comes from the rule
functions the online gate uses (`gate._judge`, `work.work_allowed`, `work.hold`);
the phone's copy of the order of checks is tested against `gate.verify_pass` on
many generated cases (tests/domain/test_gate_offline_js.py). `code_hash` is the
hash of the short code printed on the current card (`app.domain.short_codes`), so a
typed code is judged offline as its QR is; an older card's code is not listed.

`record_offline` takes a batch of queued scans: each is logged exactly once by
its client id, judged again by the server at the phone's time (`verify_pass`
with `judged_at`), keeping both verdicts, the phone's time, the snapshot's age,
and a flag when the phone's clock was off from the server's by more than the
margin. A bad entry is refused with its reason and the rest of the batch goes on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import exc as sa_exc
from sqlmodel import Session, col, select

from app import settings
from app.db.models import (
    AuditEntry,
    GateScan,
    RenovationApplication,
    RenovationWorker,
    StageGate,
    WorkerPass,
)
from app.domain import clock, constants, gate, tokens
from app.domain.auth import Actor
from app.domain.errors import DomainError
from app.domain.renovation import common as renovations
from app.domain.renovation import passes as renovation_passes
from app.domain.renovation import work
from app.domain.renovation.hot_work import hot_work_allowed
from app.domain.validation import client_id as check_client_id

SCHEMA = 1
# a pass that ended this many days ago is still listed: its card gives "expired", not "unknown"
RECENT_DAYS = 31
MAX_BATCH = 200  # scans per upload
MAX_TEXT = 2048  # what tokens.extract reads at most


def token_hash(token: str) -> str:
    """What the phone compares: the SHA-256 (hex) of the exact token text."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def code_hash(code: str) -> str:
    """What the phone compares for a typed short code: the first 128 bits of its SHA-256 (hex),
    enough to tell 23^7 codes apart and to keep a list of 2,000 passes small."""
    return token_hash(code)[:32]


def _ms(at: datetime) -> int:
    return int((at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp() * 1000)


def _old_versions(session: Session, community_id: int, pass_ids: set[int]) -> dict[int, dict[int, date]]:
    """pass id -> {older version: the valid_until it had}, from the reissue audit entries."""
    out: dict[int, dict[int, date]] = {}
    if not pass_ids:
        return out
    rows = session.exec(
        select(AuditEntry.subject, AuditEntry.before)
        .where(AuditEntry.community_id == community_id, AuditEntry.action == "renovation.pass_reissue")
    )
    for subject, before in rows:
        try:
            pid = int(subject.split(":", 1)[1])
            old = json.loads(before or "{}")
            version, until = int(old["version"]), date.fromisoformat(str(old["until"])[:10])
        except (IndexError, ValueError, KeyError, TypeError):
            continue
        if pid in pass_ids:
            out.setdefault(pid, {})[version] = until
    return out


def _site_of(session: Session, app: RenovationApplication, pending: bool, days: list[date],
             now: datetime) -> dict[str, object]:
    site = work.Site(application_id=app.id or 0, status=app.status, stage=app.stage,
                     hours_start=app.hours_start, hours_end=app.hours_end,
                     waterproofing_areas=app.waterproofing_areas, inspection_pending=pending)
    # the first check of the rule, asked of the rule itself
    under_way = work.work_allowed(session, site, None, now).reason != work.NOT_UNDER_WAY
    hold = work.hold(session, site) if under_way else ""
    hot_days = [d.isoformat() for d in days if under_way and hot_work_allowed(session, site.application_id, d)]
    return {
        "household": app.household_label, "hours_start": app.hours_start, "hours_end": app.hours_end,
        "under_way": under_way,
        # the gate's words for the hold (gate._WORK_VERDICT): "awaiting_inspection" / "on_hold" / ""
        "hold": gate._WORK_VERDICT[hold] if hold else "",
        "hot_days": hot_days,
    }


def snapshot(session: Session, actor: Actor) -> dict[str, object]:
    """The community's current passes as the phone judges them offline (JSON-ready)."""
    community_id = actor.community_for("gate.scan")
    session.flush()
    now = clock.now()
    max_hours = settings.GATE_SNAPSHOT_MAX_HOURS
    first = clock.local(now).date()
    last = clock.local(now + timedelta(hours=max_hours)).date()
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    since = first - timedelta(days=RECENT_DAYS)
    rows = session.exec(
        select(WorkerPass, RenovationWorker.name, RenovationWorker.trade)
        .join(RenovationWorker, col(RenovationWorker.id) == col(WorkerPass.worker_id))
        .where(WorkerPass.community_id == community_id, col(WorkerPass.valid_until) >= since)
        .order_by(col(WorkerPass.id))
    ).all()
    app_ids = {p.application_id for p, _, _ in rows}
    apps = {a.id: a for a in session.exec(
        select(RenovationApplication).where(col(RenovationApplication.id).in_(app_ids))
    )} if app_ids else {}
    pending = set(session.exec(
        select(StageGate.application_id).where(col(StageGate.application_id).in_(app_ids),
                                               StageGate.status == renovations.DECLARED)
    )) if app_ids else set()
    sites = {str(aid): _site_of(session, a, aid in pending, days, now) for aid, a in apps.items()}
    older = _old_versions(session, community_id, {p.id or 0 for p, _, _ in rows if p.version > 1})
    passes: list[dict[str, object]] = []
    for p, name, trade in rows:
        entry = {
            "pass_id": p.id, "version": p.version, "name": name, "trade": trade,
            "site": str(p.application_id), "from": p.valid_from.isoformat(), "until": p.valid_until.isoformat(),
            "revoked": p.revoked_at is not None,
            # the short code printed on the current card (issued now if it never was printed)
            "code_hash": code_hash(renovation_passes.pass_code(session, p)),
        }
        expires = renovations.end_of_day(p.valid_until)
        passes.append({"hash": token_hash(renovation_passes.pass_token(p)), "expires": _ms(expires), **entry})
        # the cards of older versions: refused as revoked (the version is no longer the stored one)
        for version in range(1, p.version):
            until = older.get(p.id or 0, {}).get(version, p.valid_until)
            old_token = tokens.sign("pass", p.id or 0, version=version,
                                    expires_at=renovations.end_of_day(until), community_id=p.community_id)
            passes.append({**entry, "hash": token_hash(old_token), "version": version,
                           "expires": _ms(renovations.end_of_day(until)), "superseded": True})
    return {
        "schema": SCHEMA,
        "community_id": community_id,
        "generated_at": _ms(now),
        "max_age_ms": max_hours * 3600 * 1000,
        "rules": {
            "zone": clock.ZONE_NAME,
            "waterproofing_trade": renovation_passes.WATERPROOFING_TRADE,
            "hot_work_trades": sorted(renovation_passes.HOT_WORK_TRADES),
            "construction_start": constants.CONSTRUCTION_START,
            "construction_end": constants.CONSTRUCTION_END,
        },
        "sites": sites,
        "passes": passes,
    }


# --- the queued scans, logged when the connection returns ------------------------------------


@dataclass(frozen=True)
class OfflineResult:
    """One queued scan's outcome: logged now, logged before (the same client id), or refused."""

    client_id: str
    status: str  # "logged" / "duplicate" / "refused"
    verdict: str = ""  # the server's verdict at the phone's time
    shown: str = ""  # what the phone showed
    reason: str = ""  # message key when refused
    clock_off: bool = False


LOGGED = "logged"
DUPLICATE = "duplicate"
REFUSED = "refused"


def _when(value: object) -> datetime | None:
    """A phone time in ms since the epoch; None when missing or absurd."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not 946_684_800_000 <= value <= 4_102_444_800_000:  # 2000 .. 2100
        return None
    return datetime.fromtimestamp(value / 1000, UTC)


def _one(session: Session, actor: Actor, item: object, received: datetime, skew: timedelta | None,
         margin: timedelta, gate_name: str) -> OfflineResult:
    if not isinstance(item, dict):
        return OfflineResult("", REFUSED, reason="form.invalid")
    raw_cid = item.get("client_id")
    try:
        cid = check_client_id(raw_cid if isinstance(raw_cid, str) else "")
    except DomainError as err:
        return OfflineResult(str(raw_cid)[:40] if raw_cid else "", REFUSED, reason=err.key)
    again = session.exec(select(GateScan).where(GateScan.client_id == cid)).first()
    if again is not None:
        return OfflineResult(cid, DUPLICATE, verdict=again.verdict, shown=again.offline_verdict,
                             clock_off=again.clock_off)
    text = item.get("text")
    phone_at = _when(item.get("phone_at"))
    shown = item.get("shown")
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT or phone_at is None \
            or shown not in gate.VERDICTS + ("stale",):
        return OfflineResult(cid, REFUSED, reason="gate_offline.bad_scan")
    snap_at = _when(item.get("snapshot_at"))
    # the phone's clock against ours: its time at sending against our receipt (else the scan's own
    # time must not lie in our future); a queued scan is naturally older than its receipt
    off = (abs(skew) > margin) if skew is not None else (phone_at - received > margin)
    if phone_at - received > margin:
        off = True
    extra = {
        "offline": True, "phone_at": phone_at, "offline_verdict": str(shown), "client_id": cid,
        "snapshot_age_s": max(0, int((phone_at - snap_at).total_seconds())) if snap_at else None,
        "clock_off": off,
    }
    g = item.get("gate")
    try:
        with session.begin_nested():
            v = gate.verify_pass(session, actor, text, gate=g if isinstance(g, str) else gate_name,
                                 hot_work=item.get("hot_work") is True, judged_at=phone_at, log_extra=extra)
    except sa_exc.IntegrityError:  # the same client id logged by a parallel upload just now
        again = session.exec(select(GateScan).where(GateScan.client_id == cid)).first()
        if again is None:
            raise
        return OfflineResult(cid, DUPLICATE, verdict=again.verdict, shown=again.offline_verdict,
                             clock_off=again.clock_off)
    except DomainError as err:
        return OfflineResult(cid, REFUSED, reason=err.key)
    return OfflineResult(cid, LOGGED, verdict=v.verdict, shown=str(shown), clock_off=off)


def record_offline(session: Session, actor: Actor, scans: object, *, sent_at: object = None,
                   gate_name: str = "") -> list[OfflineResult]:
    """Log a batch of scans the phone judged offline: each client id once, both verdicts kept."""
    actor.community_for("gate.scan")
    if not isinstance(scans, list) or len(scans) > MAX_BATCH:
        raise DomainError("gate_offline.bad_batch", most=MAX_BATCH)
    received = clock.now()
    sent = _when(sent_at)
    skew = (sent - received) if sent is not None else None
    margin = timedelta(minutes=settings.SETTINGS.clock_margin_minutes)
    return [_one(session, actor, item, received, skew, margin, gate_name) for item in scans]
