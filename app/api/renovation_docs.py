"""HTTP routes for a renovation's printed documents: see app.api.

- `GET /api/renovations/{id}/permit.pdf`: the permit for the door (装修许可证), once signed off
- `GET /api/renovations/{id}/letter.pdf`: the responsibility letter (装修安全责任书) to sign
- `GET /api/renovations/{id}/passes.pdf`: the sheet of live worker pass cards (出入证)

Each needs a signed short-lived link (`app.api.links`) made by the renovation state after its
role check (renovation.view). The data is read here and drawn by `app.pdf.renovation_docs`;
rendering runs in a thread, off the event loop.
"""

from __future__ import annotations

from sqlmodel import col, select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.api import links
from app.api.documents import content_disposition
from app.api.routes import ROUTES
from app.db.models import (
    Community,
    EvidencePhoto,
    RenovationApplication,
    RenovationWorker,
    WorkerPass,
)
from app.db.session import session_scope
from app.domain import evidence, renovation_checks, renovation_passes, renovations, short_codes
from app.domain.errors import DomainError
from app.i18n import translate


def _zh(key: str) -> str:
    return translate("zh", key)


def _hours(app: RenovationApplication) -> str:
    return f"{app.hours_start}–{app.hours_end}"


def _load(db, rid: int) -> tuple[RenovationApplication, Community]:
    app = db.get(RenovationApplication, rid)
    if app is None:
        raise DomainError("renovation.not_found")
    community = db.get(Community, app.community_id)
    assert community is not None
    return app, community


def _photo_bytes(db, photo_id: int | None) -> bytes | None:
    photo = db.get(EvidencePhoto, photo_id) if photo_id else None
    if photo is None or photo.hidden:
        return None
    try:
        return evidence.path_of(photo).read_bytes()
    except OSError:
        return None


def permit_url(base_url: str, app: RenovationApplication) -> str:
    """What the permit's QR carries: its public page, `<base>/p/<token>` (the gate reads the token in it)."""
    return f"{base_url}/p/{renovation_passes.permit_token(app)}"


def pass_url(base_url: str, p: WorkerPass) -> str:
    """What a pass card's QR carries: its public page, `<base>/w/<token>` (the gate reads the token in it)."""
    return f"{base_url}/w/{renovation_passes.pass_token(p)}"


def _render(kind: str, rid: int, base_url: str):
    from app.pdf import renovation_docs as docs

    with session_scope() as db:
        app, community = _load(db, rid)
        planned = f"{app.planned_start} 至 {app.planned_end}"
        if kind == "permit":
            token = permit_url(base_url, app)
            code = short_codes.group(renovation_passes.permit_code(db, app))
            hold = renovation_checks.hold(db, app)
            data = docs.PermitData(
                community_name=community.name, permit_no=app.permit_no, household=app.household_label,
                owner=f"{app.owner_name} {app.owner_phone}",
                contractor=" ".join(filter(None, (app.contractor_company, app.contractor_contact,
                                                  app.contractor_phone))),
                scope=[_zh(f"renovation.scope.{s}") for s in renovations.SCOPES if getattr(app, f"scope_{s}")],
                waterproofing=[_zh(f"renovation.area.{a}") for a in renovations.areas(app)],
                hot_work=app.hot_work, planned=planned, hours=_hours(app),
                stage=_zh(f"renovation.stage.{app.stage}"), hold=_zh(hold) if hold else "", token=token,
                issued_on=str(app.permit_issued_at.date() if app.permit_issued_at else ""),
                front_desk_phone=community.front_desk_phone, code=code,
            )
            return f"{app.household_label}-装修许可证.pdf", docs.render_permit(data)
        if kind == "letter":
            data = docs.LetterData(
                community_name=community.name, household=app.household_label, owner=app.owner_name,
                owner_phone=app.owner_phone, contractor_company=app.contractor_company,
                contractor_contact=app.contractor_contact, contractor_phone=app.contractor_phone,
                planned=planned, hours=_hours(app),
                deposit=f"¥{app.deposit_cents / 100:.2f}" if app.deposit_cents else "",
                signed_on=str(app.letter_signed_on or ""),
            )
            return f"{app.household_label}-装修安全责任书.pdf", docs.render_letter(data)
        workers = {w.id: w for w in db.exec(select(RenovationWorker).where(RenovationWorker.application_id == rid))}
        cards = []
        for p in db.exec(select(WorkerPass).where(WorkerPass.application_id == rid,
                                                  col(WorkerPass.revoked_at).is_(None))
                         .order_by(col(WorkerPass.id))):
            w = workers.get(p.worker_id)
            if w is None or not w.active:
                continue
            cards.append(docs.PassCard(
                name=w.name, trade=_zh(f"renovation.trade.{w.trade}"), household=app.household_label,
                valid=f"{p.valid_from:%m-%d} 至 {p.valid_until:%m-%d}", hours=_hours(app),
                token=pass_url(base_url, p), photo=_photo_bytes(db, w.photo_id),
                pass_no=f"No.{p.id}-v{p.version}", code=short_codes.group(renovation_passes.pass_code(db, p)),
            ))
        return f"{app.household_label}-施工人员出入证.pdf", docs.render_pass_sheet(
            docs.PassSheetData(community.name, cards))


async def document(request: Request) -> Response:
    if (refused := links.refusal(request)) is not None:
        return refused
    rid = request.path_params["renovation_id"]
    kind = request.path_params["kind"]
    if kind not in ("permit", "letter", "passes"):
        return Response("not found", status_code=404, media_type="text/plain")
    try:
        base_url = f"{request.url.scheme}://{request.url.netloc}"
        name, doc = await run_in_threadpool(_render, kind, rid, base_url)
    except DomainError:
        return Response("not found", status_code=404, media_type="text/plain")
    return Response(
        doc.pdf,
        media_type="application/pdf",
        headers={
            "Cache-Control": "no-store",
            "Content-Disposition": content_disposition(name, f"renovation-{rid}-{kind}.pdf", "attachment"),
        },
    )


def link(renovation_id: int, kind: str) -> str:
    """A signed link to one of the documents (the caller has checked the role)."""
    return links.sign(f"/api/renovations/{renovation_id}/{kind}.pdf")


ROUTES.append(Route("/api/renovations/{renovation_id:int}/{kind:str}.pdf", document, methods=["GET"]))
