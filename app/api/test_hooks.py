"""Test-only hook: move the served app's clock, so e2e tests drive deadlines without sleeping.

Mounted only when `APP_TEST_HOOKS=1` is set (the e2e fixture sets it; a
deployment never does), and even then a call must carry the app's signing key
in `X-Test-Key`. `POST /api/test/clock?advance_minutes=N` moves the clock
forward in this process; `?reset=1` returns to real time. One worker only:
the e2e app runs one. `GET /api/test/live` says how many browser tabs this worker pushes alerts
to (app.state.live), so a test sees a listener end and never run twice.
"""

from __future__ import annotations

import hmac
import sys
from datetime import timedelta

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app import settings
from app.api.routes import ROUTES
from app.domain import clock


def enabled() -> bool:
    return settings.SETTINGS.test_hooks


async def move_clock(request: Request) -> JSONResponse:
    key = request.headers.get("x-test-key", "").encode()
    if not hmac.compare_digest(key, settings.secret_key()):
        return JSONResponse({"error": "forbidden"}, status_code=403)
    if request.query_params.get("reset") == "1":
        clock.reset()
    else:
        try:
            minutes = float(request.query_params.get("advance_minutes", "0"))
        except ValueError:
            return JSONResponse({"error": "bad advance_minutes"}, status_code=400)
        clock.advance(timedelta(minutes=minutes))
    return JSONResponse({"now": clock.now().isoformat()})


async def live_listeners(request: Request) -> JSONResponse:
    key = request.headers.get("x-test-key", "").encode()
    if not hmac.compare_digest(key, settings.secret_key()):
        return JSONResponse({"error": "forbidden"}, status_code=403)
    # the state layer's registry, read without importing it (the api layer is below the state's)
    live = sys.modules.get("app.state.live")
    return JSONResponse({"listening": live.listening() if live is not None else 0})


if enabled():
    ROUTES.append(Route("/api/test/clock", move_clock, methods=["POST"]))
    ROUTES.append(Route("/api/test/live", live_listeners, methods=["GET"]))
