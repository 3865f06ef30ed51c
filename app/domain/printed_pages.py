"""What a printed QR opens for whoever scans it with a phone's own camera app or WeChat.

- the permit on the door, `/p/<token>`: household, works, dates and hours, and its live status
  (the gate's one reading, `gate_reading.permit_status`, from `work_allowed`), why it is on hold,
  hot work today, open rectifications, the short code;
- a worker's pass card, `/w/<token>`: what the card is, the worker's masked name and trade and
  whether the pass is valid now (no phone or ID number);
- a checkpoint tag, `/c/<token>`: what the tag is (name, place, grid); a butler (or today's cover)
  who walks it is sent into today's patrol that holds it (`patrol_at_tag`, via `patrols.start`).

No sign-in is needed to read them. A tampered, malformed, wrong-kind, expired or superseded token
gives a `Refusal` (the page says it in the visitor's language) and is audited with
`tokens.log_refusal`, at most once a minute per client and kind of refusal, so a tab cycling junk
tokens writes a row or two. Functions flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, func, select

from app.db.models import (
    Checkpoint,
    Community,
    Grid,
    PatrolPlan,
    PatrolRoute,
    Rectification,
    RenovationApplication,
    RenovationWorker,
    RouteStop,
    WorkerPass,
)
from app.domain import (
    audit,
    clock,
    gate_reading,
    grids,
    patrols,
    rate_limits,
    renovation_checks,
    renovation_passes,
    renovations,
    short_codes,
    tokens,
)
from app.domain.auth import Actor
from app.domain.errors import DomainError, Refused
from app.domain.renovation import views as renovation_views

PERMIT = "permit"
PASS = "pass"
TAG = "checkpoint"

# a pass's state as its public page says it
PASS_VALID = "valid"
PASS_NOT_YET_VALID = "not_yet_valid"
PASS_EXPIRED = "expired"
PASS_REVOKED = "revoked"
PASS_NOT_UNDER_WAY = "not_under_way"  # the renovation is not (or no longer) permitted


@dataclass(frozen=True)
class Refusal:
    """The token is refused: `reason` is its `token.*` key (malformed, forged, wrong_kind, expired, revoked)."""

    reason: str


def _refuse(session: Session, client: str, error: tokens.TokenError, kind: str, raw: str,
            community_id: int | None = None) -> Refusal:
    """Audit a refused token of a public page (bounded per client) and say why."""
    key = f"{kind}:{error.key}:{client}"
    if not client or rate_limits.first_in_window(session, "audit:token.refused", key, audit.BOUND_EVERY):
        tokens.log_refusal(session, error=error, kind=kind, actor_id=None, community_id=community_id,
                           raw=(raw or "")[:2048])
    return Refusal(error.key)


def _claims(session: Session, raw: str, kind: str, client: str) -> tokens.Claims | Refusal:
    try:
        return tokens.verify(raw or "", expect_kind=kind)
    except tokens.TokenError as err:
        return _refuse(session, client, err, kind, raw)


def _community_name(session: Session, community_id: int) -> str:
    community = session.get(Community, community_id)
    return community.name if community else ""


# --- the permit ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PermitPage:
    application_id: int
    community_id: int
    household_id: int
    community_name: str
    permit_no: str
    household: str
    scope: tuple[str, ...]  # scope names (message keys renovation.scope.<name>)
    waterproofing: tuple[str, ...]  # areas (renovation.area.<name>)
    hot_work_scope: bool  # hot work is in the permitted works (each day needs its permission)
    planned_start: date
    planned_end: date
    hours: str  # "08:00-18:00"
    stage: str  # the works stage while under way, else ""
    status: str  # a `gate_reading.PERMIT_*` verdict: the gate's reading of it now
    hold: str  # message key of why the works wait, "" when they may go on
    hot_work_today: bool
    open_rectifications: int
    short_code: str  # grouped, as printed


def permit_page(session: Session, raw: str, client: str = "") -> PermitPage | Refusal:
    """The permit page behind the QR on the door (anyone may read it)."""
    claims = _claims(session, raw, PERMIT, client)
    if isinstance(claims, Refusal):
        return claims
    app = session.get(RenovationApplication, claims.subject_id)
    if app is None or app.community_id != claims.community_id or app.permit_version < 1:
        return _refuse(session, client, tokens.TokenError(tokens.FORGED), PERMIT, raw, claims.community_id)
    try:
        tokens.check_version(claims, app.permit_version)
    except tokens.TokenError as err:
        return _refuse(session, client, err, PERMIT, raw, app.community_id)
    now = clock.now()
    open_rects = session.exec(
        select(func.count()).select_from(Rectification).where(
            Rectification.application_id == app.id, Rectification.status == renovation_checks.OPEN)
    ).one()
    return PermitPage(
        application_id=app.id or 0, community_id=app.community_id, household_id=app.household_id,
        community_name=_community_name(session, app.community_id), permit_no=app.permit_no,
        household=app.household_label,
        scope=tuple(s for s in renovations.SCOPES if getattr(app, f"scope_{s}")),
        waterproofing=tuple(renovations.areas(app)), hot_work_scope=app.hot_work,
        planned_start=app.planned_start, planned_end=app.planned_end,
        hours=f"{app.hours_start}-{app.hours_end}",
        stage=app.stage if app.status == renovations.APPROVED else "",
        status=gate_reading.permit_status(session, app, now), hold=renovation_checks.hold(session, app),
        hot_work_today=renovation_checks.hot_work_allowed(session, app.id or 0, clock.local(now).date()),
        open_rectifications=int(open_rects or 0),
        short_code=short_codes.group(renovation_passes.permit_code(session, app)),
    )


def may_site_check(session: Session, actor: Actor | None, page: PermitPage) -> bool:
    """Whether the signed-in person may start a site check of this permit's renovation: who does site
    checks in its community; a butler only in the grids they answer for today (as the site list shows)."""
    if actor is None or actor.community_id != page.community_id or not actor.can("renovation.check"):
        return False
    if renovation_views.sees_only_own_grids(actor):
        homes = grids.households_answered_for(session, actor.id, clock.today(), community_id=actor.community_id)
        return page.household_id in homes
    return True


# --- a worker's pass ----------------------------------------------------------------------------


def mask_name(name: str) -> str:
    """张*明 / 张* : enough for a neighbour to recognise the card, not to name the worker."""
    text = (name or "").strip()
    if len(text) <= 1:
        return text
    if len(text) == 2:
        return text[0] + "*"
    return text[0] + "*" * (len(text) - 2) + text[-1]


@dataclass(frozen=True)
class PassPage:
    community_name: str
    masked_name: str
    trade: str  # renovation.trade.<trade>
    state: str  # PASS_VALID / PASS_NOT_YET_VALID / PASS_EXPIRED / PASS_REVOKED / PASS_NOT_UNDER_WAY
    valid_from: date
    valid_until: date

    @property
    def valid(self) -> bool:
        return self.state == PASS_VALID


def pass_page(session: Session, raw: str, client: str = "") -> PassPage | Refusal:
    """The page behind a worker pass card's QR (anyone may read it; the gate decides entry)."""
    claims = _claims(session, raw, PASS, client)
    if isinstance(claims, Refusal):
        return claims
    p = session.get(WorkerPass, claims.subject_id)
    if p is None or p.community_id != claims.community_id:
        return _refuse(session, client, tokens.TokenError(tokens.FORGED), PASS, raw, claims.community_id)
    try:
        tokens.check_version(claims, p.version)  # an older card of a re-issued pass
    except tokens.TokenError as err:
        return _refuse(session, client, err, PASS, raw, p.community_id)
    worker = session.get(RenovationWorker, p.worker_id)
    app = session.get(RenovationApplication, p.application_id)
    today = clock.today()
    if p.revoked_at is not None:
        state = PASS_REVOKED
    elif app is None or app.status != renovations.APPROVED:
        state = PASS_NOT_UNDER_WAY
    elif today < p.valid_from:
        state = PASS_NOT_YET_VALID
    elif today > p.valid_until:
        state = PASS_EXPIRED
    else:
        state = PASS_VALID
    return PassPage(
        community_name=_community_name(session, p.community_id),
        masked_name=mask_name(worker.name if worker else ""), trade=worker.trade if worker else "",
        state=state, valid_from=p.valid_from, valid_until=p.valid_until,
    )


# --- a checkpoint tag ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TagPage:
    checkpoint_id: int
    community_id: int
    community_name: str
    grid_name: str
    name: str
    place: str


def tag_page(session: Session, raw: str, client: str = "") -> TagPage | Refusal:
    """What a checkpoint tag is, for anyone who scans it (no private data)."""
    claims = _claims(session, raw, TAG, client)
    if isinstance(claims, Refusal):
        return claims
    cp = session.get(Checkpoint, claims.subject_id)
    if cp is None or cp.community_id != claims.community_id:
        return _refuse(session, client, tokens.TokenError(tokens.FORGED), TAG, raw, claims.community_id)
    try:
        tokens.check_version(claims, cp.version)  # the tag was reprinted
        if not cp.active:
            raise tokens.TokenError(tokens.REVOKED)
    except tokens.TokenError as err:
        return _refuse(session, client, err, TAG, raw, cp.community_id)
    grid = session.get(Grid, cp.grid_id)
    return TagPage(checkpoint_id=cp.id or 0, community_id=cp.community_id,
                   community_name=_community_name(session, cp.community_id),
                   grid_name=grid.name if grid else "", name=cp.name, place=cp.place)


def patrol_at_tag(session: Session, actor: Actor, checkpoint_id: int) -> int:
    """Today's patrol (started or resumed, `patrols.start`) of this person that holds the checkpoint.

    `Refused("patrol.not_your_grid")` when the person walks no route of its grid today;
    `DomainError("printed.tag_done")` when today's patrols holding it are finished;
    `DomainError("printed.tag_not_due")` when none is due today."""
    cp = session.get(Checkpoint, checkpoint_id)
    if cp is None or cp.community_id != actor.community_id:
        raise DomainError("patrol.not_found")
    day = clock.today()
    if cp.grid_id not in patrols.walk_grids(session, actor, day):
        raise Refused("patrol.not_your_grid")
    plans = session.exec(
        select(PatrolPlan)
        .join(PatrolRoute, col(PatrolRoute.id) == col(PatrolPlan.route_id))
        .join(RouteStop, col(RouteStop.route_id) == col(PatrolRoute.id))
        .where(RouteStop.checkpoint_id == cp.id, PatrolRoute.grid_id == cp.grid_id,
               col(PatrolRoute.active).is_(True), col(PatrolPlan.active).is_(True))
        .order_by(col(PatrolPlan.due_by), col(PatrolPlan.id))
    ).all()
    done = False
    for plan in plans:
        if patrols.period_of(plan, day) is None:
            continue
        try:
            return patrols.start(session, actor, plan.id or 0).id or 0
        except DomainError as err:
            if err.key != "patrol.already_done":
                raise
            done = True
    raise DomainError("printed.tag_done" if done else "printed.tag_not_due")
