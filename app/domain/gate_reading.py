"""What the guard's text says at the gate: the verdicts, and reading a QR's text or a typed code.

The guard gives the QR's text (a bare token, or the card's URL `<base>/w/<token>` /
`<base>/p/<token>`) or types the short code printed beside the QR (`app.domain.short_codes`),
or a permit's number. `typed_code` reads a typed code: a wrong check character is a typo
(`bad_code`, answered before any lookup); a well-formed code nobody was given is
`unknown_code`; a found code stands for the claims of the card it was printed on (kind,
subject, version), exactly as that card's QR would, so an old print's code of a re-issued
pass is refused as superseded. `qr_text` reads a token. A permit is not a pass: its verdict is
one of the `permit_*` kinds, the permit's status now (`permit_status`, from the works' one rule
`work_allowed`), never "forged". `app.domain.gate.verify_pass` puts it together and logs it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from app.db.models import RenovationApplication
from app.domain import clock, renovation_checks, renovations, short_codes, tokens

__all__ = [
    "AWAITING_INSPECTION", "BAD_CODE", "EXPIRED", "HOT_WORK_NOT_PERMITTED", "NOT_YET_VALID", "ON_HOLD",
    "OTHER_COMMUNITY", "OUTSIDE_HOURS", "PERMIT_EXPIRED", "PERMIT_FINISHED", "PERMIT_HOT_WORK", "PERMIT_INSPECTION",
    "PERMIT_ON_HOLD", "PERMIT_OUTSIDE_HOURS", "PERMIT_REVOKED", "PERMIT_VALID", "PERMIT_VERDICTS", "QR", "REVOKED",
    "TYPED", "UNKNOWN_CODE", "UNKNOWN_OR_FORGED", "VALID", "VERDICTS", "Given", "judge_permit", "permit_status",
    "qr_text", "typed_code",
]

VALID = "valid"
EXPIRED = "expired"
NOT_YET_VALID = "not_yet_valid"
REVOKED = "revoked"
OUTSIDE_HOURS = "outside_hours"
HOT_WORK_NOT_PERMITTED = "hot_work_not_permitted"
ON_HOLD = "on_hold"  # the works wait for the waterproofing confirmation
AWAITING_INSPECTION = "awaiting_inspection"  # an item is declared and waits for its inspection
UNKNOWN_OR_FORGED = "unknown_or_forged"
OTHER_COMMUNITY = "other_community"
BAD_CODE = "bad_code"  # a typed short code whose check character is wrong: a typo, never "forged"
UNKNOWN_CODE = "unknown_code"  # a well-formed short code that names no card of this community
# a permit was shown, not a worker pass: its status (a permit lets nobody in by itself)
PERMIT_VALID = "permit_valid"  # works may go on now
PERMIT_HOT_WORK = "permit_hot_work"  # works may go on, and hot work is permitted today
PERMIT_OUTSIDE_HOURS = "permit_outside_hours"
PERMIT_ON_HOLD = "permit_on_hold"  # waterproofing unconfirmed: waterproofers only
PERMIT_INSPECTION = "permit_inspection"  # a stage gate awaits its inspection: nobody works
PERMIT_REVOKED = "permit_revoked"  # superseded, or the works are not (or no longer) permitted
PERMIT_FINISHED = "permit_finished"  # completed (accepted) or closed
PERMIT_EXPIRED = "permit_expired"  # past the planned end printed on it
PERMIT_VERDICTS: tuple[str, ...] = (
    PERMIT_VALID, PERMIT_HOT_WORK, PERMIT_OUTSIDE_HOURS, PERMIT_ON_HOLD, PERMIT_INSPECTION, PERMIT_REVOKED,
    PERMIT_FINISHED, PERMIT_EXPIRED,
)
VERDICTS: tuple[str, ...] = (
    VALID, EXPIRED, NOT_YET_VALID, REVOKED, OUTSIDE_HOURS, AWAITING_INSPECTION, ON_HOLD, HOT_WORK_NOT_PERMITTED,
    UNKNOWN_OR_FORGED, OTHER_COMMUNITY, BAD_CODE, UNKNOWN_CODE, *PERMIT_VERDICTS,
)
# how the guard gave it (GateScan.method)
QR = "qr"
TYPED = "typed"
_PERMIT_NO = re.compile(r"ZX\d{9}")  # the permit's number as printed (ZX + year + 5 digits)


@dataclass(frozen=True)
class Given:
    """What the guard's text turned out to be: a card's claims, or a verdict decided before any lookup."""

    method: str
    claims: tokens.Claims | None = None
    verdict: str = ""
    error: tokens.TokenError | None = None
    kind: str = "pass"  # what was refused, for the audit entry (a permit's expired QR: "permit")


def typed_code(session: Session, community_id: int, raw: str) -> Given | None:
    """A printed short code (or a permit number) typed by the guard; None when the text is neither.

    A wrong check character is a typo, answered before any lookup; a found code stands for the
    claims of the card it was printed on (kind, subject, version), as that card's QR would."""
    if _PERMIT_NO.fullmatch(text := short_codes.normalise(raw)):
        app = session.exec(select(RenovationApplication).where(
            RenovationApplication.community_id == community_id, RenovationApplication.permit_no == text)).first()
        if app is None or app.id is None:
            return Given(TYPED, verdict=UNKNOWN_CODE)
        return Given(TYPED, claims=tokens.Claims(kind="permit", subject_id=app.id, version=app.permit_version,
                                                  expires_at=None, community_id=community_id))
    parsed = short_codes.parse(raw)
    if parsed.outcome == short_codes.NOT_A_CODE:
        return None
    if parsed.outcome == short_codes.TYPO:
        return Given(TYPED, verdict=BAD_CODE)
    row = short_codes.lookup(session, community_id, parsed.code)
    if row is None:
        return Given(TYPED, verdict=UNKNOWN_CODE)
    return Given(TYPED, claims=tokens.Claims(kind=row.kind, subject_id=row.subject_id, version=row.version,
                                              expires_at=None, community_id=row.community_id))


def qr_text(raw: str, now: datetime) -> Given:
    """A QR's text (bare token or URL): a pass's claims, a permit's, or the token's refusal."""
    try:
        return Given(QR, claims=tokens.verify(raw, expect_kind="pass", now=now))
    except tokens.TokenError as err:
        error = err
    if error.key == tokens.WRONG_KIND:  # signed by us for something else: a permit shows its status
        try:
            return Given(QR, claims=tokens.verify(raw, expect_kind="permit", now=now))
        except tokens.TokenError as err:
            if err.key == tokens.EXPIRED:
                return Given(QR, verdict=PERMIT_EXPIRED, error=err, kind="permit")
    return Given(QR, verdict=EXPIRED if error.key == tokens.EXPIRED else UNKNOWN_OR_FORGED, error=error)


# the works' answer for any trade (work_allowed with no trade) as the permit's status
_PERMIT_STATUS = {
    renovation_checks.NOT_UNDER_WAY: PERMIT_REVOKED,
    renovation_checks.OUTSIDE_HOURS: PERMIT_OUTSIDE_HOURS,
    renovation_checks.HOLD_INSPECTION: PERMIT_INSPECTION,
    renovation_checks.HOLD_WATERPROOFING: PERMIT_ON_HOLD,
}


def permit_status(session: Session, app: RenovationApplication, now: datetime) -> str:
    """The status of a signed-off permit now (a `permit_*` verdict), by `work_allowed`: the gate's and
    the public permit page's one reading of it."""
    if app.status in (renovations.COMPLETED, renovations.CLOSED):
        return PERMIT_FINISHED
    work = renovation_checks.work_allowed(session, app, None, now)
    if not work.allowed:
        return _PERMIT_STATUS.get(work.reason, PERMIT_REVOKED)
    if renovation_checks.hot_work_allowed(session, app.id or 0, clock.local(now).date()):
        return PERMIT_HOT_WORK
    return PERMIT_VALID


def judge_permit(
    session: Session, community_id: int, claims: tokens.Claims, now: datetime
) -> tuple[str, RenovationApplication | None, tokens.TokenError | None]:
    """(verdict, the renovation, token error) of an authentic, unexpired permit token or code."""
    if claims.community_id != community_id:
        return OTHER_COMMUNITY, None, None
    app = session.get(RenovationApplication, claims.subject_id)
    if app is None or app.community_id != community_id or app.permit_version < 1:
        return UNKNOWN_OR_FORGED, None, tokens.TokenError(tokens.FORGED)
    try:
        tokens.check_version(claims, app.permit_version)
    except tokens.TokenError as err:
        return PERMIT_REVOKED, app, err
    return permit_status(session, app, now), app, None
