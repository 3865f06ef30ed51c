"""HTTP routes for documents: see app.api.

- `GET /api/grids/{id}/poster.pdf`: the grid poster, A4 PDF (inline, printable)
- `GET /api/grids/{id}/poster.png`: its preview image
- `GET /api/staff/{id}/photo.jpg`: a staff member's photo (poster, resident page)

Each needs a signed short-lived link (`app.api.links`), made by a state after its
role check (the public resident page's state signs the butler photo link for its
visitor). Rendering runs in a thread, off the event loop.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from app.api import links
from app.api.routes import ROUTES
from app.db.session import session_scope
from app.domain import grid_planning
from app.domain.errors import DomainError

PRIVATE = "private, max-age=300"


def content_disposition(filename: str, fallback: str, kind: str = "inline") -> str:
    """`kind; filename="ascii"; filename*=UTF-8''…` (RFC 6266 / 5987)."""
    safe = "".join(ch for ch in fallback if ch.isascii() and (ch.isalnum() or ch in "-_."))
    return f"{kind}; filename=\"{safe or 'download'}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _render(grid_id: int, base_url: str):
    from app.pdf.grid_docs import render_poster

    with session_scope() as db:
        data = grid_planning.poster_data_for(db, grid_id, base_url)
    return data, render_poster(data)


async def poster(request: Request) -> Response:
    if (refused := links.refusal(request)) is not None:
        return refused
    grid_id = request.path_params["grid_id"]
    base_url = f"{request.url.scheme}://{request.url.netloc}"
    try:
        data, doc = await run_in_threadpool(_render, grid_id, base_url)
    except DomainError:
        return Response("not found", status_code=404, media_type="text/plain")
    if request.url.path.endswith(".png"):
        return Response(doc.png_preview, media_type="image/png", headers={"Cache-Control": PRIVATE})
    name = f"{data.community_name}-{data.grid_name}-管家公示海报.pdf"
    return Response(
        doc.pdf,
        media_type="application/pdf",
        headers={
            "Cache-Control": PRIVATE,
            "Content-Disposition": content_disposition(name, f"grid-{grid_id}-poster.pdf"),
        },
    )


async def staff_photo(request: Request) -> Response:
    if (refused := links.refusal(request)) is not None:
        return refused
    staff_id = request.path_params["staff_id"]

    def find():
        with session_scope() as db:
            return grid_planning.staff_photo_file(db, staff_id)

    path = await run_in_threadpool(find)
    if path is None:
        return Response("not found", status_code=404, media_type="text/plain")
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": PRIVATE})


ROUTES.extend(
    [
        Route("/api/grids/{grid_id:int}/poster.pdf", poster, methods=["GET"]),
        Route("/api/grids/{grid_id:int}/poster.png", poster, methods=["GET"]),
        Route("/api/staff/{staff_id:int}/photo.jpg", staff_photo, methods=["GET"]),
    ]
)


# --- the checkpoint tag sheet of a grid (patrol set-up) -------------------------------------


def _render_tags(grid_id: int, base_url: str):
    """The grid's active checkpoints, in route order (their position), as an A4 tag sheet."""
    from sqlmodel import col, select

    from app.db.models import Checkpoint, Community, Grid
    from app.domain import patrols
    from app.pdf.grid_docs import TagData, render_tag_sheet

    with session_scope() as db:
        grid = db.get(Grid, grid_id)
        if grid is None:
            return None
        community = db.get(Community, grid.community_id)
        cps = db.exec(
            select(Checkpoint)
            .where(Checkpoint.grid_id == grid.id, col(Checkpoint.active).is_(True))
            .order_by(col(Checkpoint.position), col(Checkpoint.id))
        ).all()
        if not cps:
            return None
        tags = [TagData(cp.name, cp.place, cp.code, f"{base_url}/c/{patrols.checkpoint_token(cp)}")
                for cp in cps]
        names = (community.name if community else "", grid.name)
    return names, render_tag_sheet(names[0], names[1], tags)


async def tag_sheet(request: Request) -> Response:
    """`GET /api/grids/{id}/tags.pdf`: the QR tags of a grid's active checkpoints (download)."""
    if (refused := links.refusal(request)) is not None:
        return refused
    grid_id = request.path_params["grid_id"]
    base_url = f"{request.url.scheme}://{request.url.netloc}"
    out = await run_in_threadpool(_render_tags, grid_id, base_url)
    if out is None:
        return Response("not found", status_code=404, media_type="text/plain")
    (community_name, grid_name), doc = out
    return Response(
        doc.pdf,
        media_type="application/pdf",
        headers={
            "Cache-Control": "no-store",
            "Content-Disposition": content_disposition(
                f"{community_name}-{grid_name}-巡查点标签.pdf", f"tags-{grid_id}.pdf", "attachment"),
        },
    )


ROUTES.append(Route("/api/grids/{grid_id:int}/tags.pdf", tag_sheet, methods=["GET"]))
