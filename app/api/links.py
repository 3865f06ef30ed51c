"""Signed short-lived links: how a browser may GET a file that is not public.

A state that has checked the user's role makes a link with `sign(path)`; the
route checks it with `verify(path, exp, sig)`. The signature is an HMAC-SHA256
over the path and the expiry with the app's secret key. Expiries are rounded
up to a 10-minute step so that the same file keeps the same URL for a while
(the browser can cache it) and a link lives between `ttl` and `ttl` + 10 min.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import timedelta
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from app import settings
from app.domain import clock

STEP_S = 600
DEFAULT_TTL = timedelta(minutes=20)


def _mac(path: str, exp: int) -> str:
    key = hashlib.sha256(b"link\x00" + settings.secret_key()).digest()
    tag = hmac.new(key, f"{path}\n{exp}".encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(tag).rstrip(b"=").decode()


def sign(path: str, ttl: timedelta = DEFAULT_TTL) -> str:
    """`path` with `exp` and `sig` query parameters added."""
    exp = int(clock.now().timestamp() + ttl.total_seconds())
    exp += -exp % STEP_S
    return f"{path}?{urlencode({'exp': exp, 'sig': _mac(path, exp)})}"


VALID = "valid"
EXPIRED = "expired"
INVALID = "invalid"


def check(path: str, exp: str | None, sig: str | None) -> str:
    """VALID, EXPIRED (genuine but past its expiry) or INVALID (missing, cut, tampered).

    "Expired" is only ever said of a genuine signature: a forged link learns nothing."""
    if not exp or not sig or not exp.isascii() or not exp.isdigit() or len(exp) > 12:
        return INVALID
    if not hmac.compare_digest(_mac(path, int(exp)), sig):
        return INVALID
    if int(exp) < clock.now().timestamp():
        return EXPIRED
    return VALID


def verify(path: str, exp: str | None, sig: str | None) -> bool:
    """Whether a link to `path` is genuine and not yet expired."""
    return check(path, exp, sig) == VALID


def refusal(request: Request) -> Response | None:
    """A 403 (never cached) unless `request` carries a genuine, unexpired link to its own path.

    A browser opening the link as a page gets a page in the user's language that
    says whether the link expired (a page left open) or is not valid, with a way
    back to the page it came from (which makes fresh links) and home
    (`app.api.errors`); an <img> or a script gets plain text."""
    from app.api import errors

    q = request.query_params
    verdict = check(request.url.path, q.get("exp"), q.get("sig"))
    if verdict == VALID:
        return None
    return errors.error(request, "expired" if verdict == EXPIRED else "forbidden", 403)
