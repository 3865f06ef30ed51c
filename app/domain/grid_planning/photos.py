"""The butler's photo: square JPEG under the data folder, shown on the poster and the resident card."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from PIL import Image, ImageOps
from sqlmodel import Session, select

from app import settings
from app.db.models import (
    Staff,
)
from app.domain import audit, evidence
from app.domain.auth import Actor
from app.domain.errors import DomainError
from app.domain.grid_planning.common import PHOTO_DIR, PHOTO_PX, PHOTO_QUALITY, _check


def staff_photo_route(staff_id: int) -> str:
    return f"/api/staff/{staff_id}/photo.jpg"


def photo_root() -> Path:
    return settings.DATA_DIR


def read_staff_photo(staff: Staff, *, root: Path | None = None) -> bytes | None:
    """The stored photo's bytes, or None without one (or when the file is gone)."""
    if not staff.photo_path:
        return None
    path = (root or photo_root()) / staff.photo_path
    try:
        return path.read_bytes()
    except OSError:
        return None


def staff_photo_file(session: Session, staff_id: int, *, root: Path | None = None) -> Path | None:
    staff = session.get(Staff, staff_id)
    if staff is None or not staff.photo_path:
        return None
    path = (root or photo_root()) / staff.photo_path
    return path if path.is_file() else None


def square_photo(data: bytes) -> bytes:
    """Checked (evidence pipeline's rules), upright, centre-cropped square, 600 px JPEG."""
    if len(data) > evidence.MAX_BYTES:
        raise DomainError("evidence.too_large", max_mb=evidence.MAX_BYTES // (1024 * 1024))
    if not data:
        raise DomainError("evidence.not_image")
    fmt = evidence.sniff(data)
    img, _claimed = evidence._decode(data, fmt)  # upright RGB, ≤1600 px, pixel bombs refused
    img = ImageOps.fit(img, (PHOTO_PX, PHOTO_PX), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=PHOTO_QUALITY, optimize=True)
    return out.getvalue()


def set_staff_photo(
    session: Session, actor: Actor, staff_id: int, data: bytes, *, root: Path | None = None
) -> tuple[str, str]:
    """Store a staff member's photo (for the poster and resident page). Returns (new, previous) paths.

    The file is written atomically before the row changes; the previous file is the
    caller's to delete after the commit (`remove_photo_file`), so a rolled-back
    change never loses the photo still in use.
    """
    _check(actor)
    staff = session.get(Staff, staff_id) if isinstance(staff_id, int) else None
    if staff is None or staff.community_id != actor.community_id:
        raise DomainError("staff.not_found")
    jpeg = square_photo(data)
    digest = hashlib.sha256(jpeg).hexdigest()
    rel = f"{PHOTO_DIR}/{staff.id}-{digest[:20]}.jpg"
    base = root or photo_root()
    evidence.write_atomic(base / rel, jpeg)
    previous = staff.photo_path
    staff.photo_path = rel
    session.add(staff)
    session.flush()
    audit.record(
        session, "staff.photo", actor_id=actor.id, community_id=actor.community_id,
        subject=f"staff:{staff.id}", before={"photo": previous or None},
        after={"photo": rel, "sha256": digest, "bytes_received": len(data)},
    )
    return rel, previous


def remove_photo_file(session: Session, rel: str, *, root: Path | None = None) -> bool:
    """Delete a photo file no staff row points at any more (after the commit). True if removed."""
    if not rel or not rel.startswith(PHOTO_DIR + "/") or ".." in rel:
        return False
    if session.exec(select(Staff.id).where(Staff.photo_path == rel)).first() is not None:
        return False
    path = (root or photo_root()) / rel
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True

