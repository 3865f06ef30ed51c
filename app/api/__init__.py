"""HTTP routes that need their own access checks: evidence photos, PDFs, QR images.

Reflex serves pages and events; files that must not be public (photos, posters,
tag sheets) go through these Starlette routes, mounted in front of Reflex by
`rx.App(api_transformer=build())`. A GET is allowed by a signed short-lived link
(`app.api.links`), made by a state for someone who passed the role check; an
upload carries the session token as a bearer header.
"""

from __future__ import annotations

from starlette.applications import Starlette

from app.api.routes import ROUTES


def build() -> Starlette:
    """The API app (all route modules imported), for rx.App's api_transformer."""
    from app.api import (  # noqa: F401  (they register their routes)
        butler_requests,
        documents,
        evidence,
        field,
        gate_offline,
        gate_registers,
        push,
        renew,
        renovation_docs,
        reports,
        test_hooks,
    )

    return Starlette(routes=list(ROUTES))
