"""The list the route modules append their routes to at import time; `app.api.build()` mounts it."""

from __future__ import annotations

from starlette.routing import BaseRoute

ROUTES: list[BaseRoute] = []
