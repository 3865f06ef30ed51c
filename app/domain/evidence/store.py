"""Evidence rows: store one photo (files, then the row), list and hide a subject's photos,
and the row lock a cap on photos per subject counts under."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import update as sa_update
from sqlmodel import Session, col, select

from app.db.models import EvidencePhoto
from app.domain import audit, auth, clock, roles
from app.domain.errors import DomainError, Refused
from app.domain.evidence.files import write_atomic
from app.domain.evidence.pipeline import process, watermark_text
from app.domain.validation import clean_text


def ingest(
    session: Session,
    *,
    data: bytes,
    community_id: int,
    author_id: int,
    author_name: str,
    place: str,
    subject_kind: str,
    subject_id: int,
    root: Path,
    filename_hint: str = "",
    client_id: str | None = None,
    claimed_fallback: datetime | None = None,
    before_insert: Callable[[Session], None] | None = None,
) -> EvidencePhoto:
    """Store one photo as evidence: files first (atomically), then the row (flushed).

    Raises DomainError (nothing stored) for: not an image, HEIC, corrupt,
    over 25 MB, over the pixel limit. `filename_hint` is only kept in the
    audit entry; the stored names come from the content. `client_id` is the
    phone's id of this write (unique); `claimed_fallback` is the capture time
    to record when the photo has no EXIF one (see `attach`). `before_insert`
    runs right before the row is added, after the (slow) decode: a cap that
    locks its subject there holds the lock only for the insert (see `lock_row`).
    """
    kind = clean_text(subject_kind, field="subject_kind", max_length=24)
    place = clean_text(place, field="place", max_length=120, required=False)
    author_name = clean_text(author_name, field="author", max_length=40, required=False)
    received_at = clock.now()
    done = process(
        data,
        watermark=watermark_text(received_at, place, author_name, author_id),
        author_id=author_id,
    )
    claimed_at = done.claimed_at if done.claimed_at is not None else claimed_fallback
    claimed_from = "exif" if done.claimed_at is not None else ("client" if claimed_at else "")
    folder = Path(str(community_id), f"{received_at:%Y}", f"{received_at:%m}")
    stem = f"{done.sha256_original[:16]}-{secrets.token_hex(4)}"
    rel_derivative = (folder / f"{stem}.jpg").as_posix()
    rel_thumb = (folder / f"{stem}_t.jpg").as_posix()
    written: list[Path] = []
    photo: EvidencePhoto | None = None
    try:
        for rel, content in ((rel_derivative, done.derivative), (rel_thumb, done.thumb)):
            target = root / rel
            write_atomic(target, content)
            written.append(target)
        if before_insert is not None:
            before_insert(session)
        photo = EvidencePhoto(
            community_id=community_id,
            subject_kind=kind,
            subject_id=subject_id,
            author_id=author_id,
            place=place,
            received_at=received_at,
            claimed_at=claimed_at,
            sha256_original=done.sha256_original,
            sha256_derivative=done.sha256_derivative,
            width=done.width,
            height=done.height,
            bytes_original=done.bytes_original,
            path_derivative=rel_derivative,
            path_thumb=rel_thumb,
            client_id=client_id,
        )
        session.add(photo)
        session.flush()
        audit.record(
            session,
            "evidence.add",
            actor_id=author_id,
            community_id=community_id,
            subject=f"evidence:{photo.id}",
            after={
                "subject": f"{kind}:{subject_id}",
                "sha256": done.sha256_original,
                "bytes": done.bytes_original,
                "format": done.source_format,
                "claimed_at": claimed_at,
                "claimed_from": claimed_from,
            },
            detail=filename_hint[:200],
        )
    except BaseException:
        if photo is not None and photo in session.new:
            session.expunge(photo)
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return photo


def for_subject(
    session: Session,
    community_id: int,
    subject_kind: str,
    subject_id: int,
    *,
    include_hidden: bool = False,
) -> list[EvidencePhoto]:
    """The photos of one subject, oldest first."""
    stmt = select(EvidencePhoto).where(
        EvidencePhoto.community_id == community_id,
        EvidencePhoto.subject_kind == subject_kind,
        EvidencePhoto.subject_id == subject_id,
    )
    if not include_hidden:
        stmt = stmt.where(col(EvidencePhoto.hidden).is_(False))
    return list(session.exec(stmt.order_by(col(EvidencePhoto.id))))


def hide(
    session: Session, actor_id: int, community_id: int, photo_id: int, reason: str
) -> EvidencePhoto:
    """Hide a photo from the screens (a supervisor's call, audited); the row and files stay."""
    if not roles.allowed(auth.roles_of(session, actor_id), "evidence.hide"):
        raise Refused("evidence.hide_refused")
    photo = session.get(EvidencePhoto, photo_id)
    if photo is None or photo.community_id != community_id:
        raise DomainError("evidence.not_found")
    reason = clean_text(reason, field="reason", max_length=200)
    if photo.hidden:
        raise DomainError("evidence.already_hidden")
    before = {"hidden": False}
    photo.hidden = True
    photo.hidden_by = actor_id
    photo.hidden_at = clock.now()
    photo.hidden_reason = reason
    session.add(photo)
    session.flush()
    audit.record(
        session,
        "evidence.hide",
        actor_id=actor_id,
        community_id=community_id,
        subject=f"evidence:{photo.id}",
        before=before,
        after={"hidden": True, "reason": reason},
    )
    return photo


def lock_row(session: Session, table: type, row_id: int) -> None:
    """Hold `table`'s row `row_id` for the rest of the transaction, so that a count then
    an insert under it is atomic (e.g. a cap on photos per subject).

    PostgreSQL: `SELECT ... FOR UPDATE` (others wait for the commit, then count again
    and see the committed rows). SQLite has no row locks: a no-op UPDATE of the row
    takes the database's write lock (what `BEGIN IMMEDIATE` would), which concurrent
    writers wait for (busy timeout).
    """
    pk = table.id  # type: ignore[attr-defined]
    if session.get_bind().dialect.name == "sqlite":
        session.execute(sa_update(table).where(pk == row_id).values(id=pk))
    else:
        session.execute(select(pk).where(pk == row_id).with_for_update())
