"""HTTP routes for the printed reports: see app.api.

- `GET /api/reports/{community}/quarter/{period}.pdf`: the quarterly management report ("2026-Q3")
- `GET /api/reports/{community}/half/{start}.pdf`: the half-monthly summary ("2026-11-16")
- `GET /api/board/{community}/report-{period}.pdf`: the same quarterly report for residents,
  served only while it is published on the notice board (an `Announcement` of kind
  quarterly_report for that period, not withdrawn, valid today)

Each needs a signed link (`app.api.links`): the reports state signs the staff links after its
`report.view` check; the resident page's board signs the public one for a published report.
Rendering runs in a thread, off the event loop.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.api import links
from app.api.documents import content_disposition
from app.api.routes import ROUTES
from app.db.models import Community
from app.db.session import session_scope
from app.domain import clock, notices, reports
from app.domain.errors import DomainError


def quarter_path(community_id: int, period: str) -> str:
    return f"/api/reports/{community_id}/quarter/{period}.pdf"


def half_path(community_id: int, start: str) -> str:
    return f"/api/reports/{community_id}/half/{start}.pdf"


def board_path(community_id: int, period: str) -> str:
    return f"/api/board/{community_id}/report-{period}.pdf"


def _not_found() -> Response:
    return Response("not found", status_code=404, media_type="text/plain",
                    headers={"Cache-Control": "no-store"})


def _render(community_id: int, kind: str, key: str, public: bool):
    from app.pdf import reports as pdf

    with session_scope() as db:
        community = db.get(Community, community_id)
        if community is None:
            return None
        if public and not notices.is_published(db, community_id, key):
            return None
        head = pdf.Header(community.name, clock.now())
        if kind == "quarter":
            rep = reports.quarterly_for(db, community_id, reports.parse_quarter(key))
            return (f"{community.name}-{key}-物业管理报告.pdf", f"report-{key}.pdf",
                    pdf.render_quarterly(head, rep).pdf)
        summary = reports.summary_for(db, community_id, reports.parse_half_month(key))
        return (f"{community.name}-{key}-半月投诉总结.pdf", f"summary-{key}.pdf",
                pdf.render_half_month(head, summary).pdf)


async def _serve(request: Request, kind: str, public: bool = False) -> Response:
    if (refused := links.refusal(request)) is not None:
        return refused
    community_id = request.path_params["community_id"]
    key = request.path_params["key"]
    try:
        out = await run_in_threadpool(_render, community_id, kind, key, public)
    except DomainError:
        return _not_found()
    if out is None:
        return _not_found()
    name, fallback, body = out
    return Response(
        body,
        media_type="application/pdf",
        headers={
            "Cache-Control": "private, no-store",
            "Content-Disposition": content_disposition(name, fallback),
        },
    )


async def quarter_pdf(request: Request) -> Response:
    return await _serve(request, "quarter")


async def half_pdf(request: Request) -> Response:
    return await _serve(request, "half")


async def board_pdf(request: Request) -> Response:
    return await _serve(request, "quarter", public=True)


ROUTES.extend(
    [
        Route("/api/reports/{community_id:int}/quarter/{key}.pdf", quarter_pdf, methods=["GET"]),
        Route("/api/reports/{community_id:int}/half/{key}.pdf", half_pdf, methods=["GET"]),
        Route("/api/board/{community_id:int}/report-{key}.pdf", board_pdf, methods=["GET"]),
    ]
)
