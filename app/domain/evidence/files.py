"""Evidence files: where they live, atomic writes, and the orphans a crash leaves.

Files are written atomically under the evidence root before their row is
added; a crash between the two leaves files without a row (or a temp file),
which `find_orphans` / `cleanup_orphans` find and remove (app.background runs
the cleanup at start and hourly).
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, select

from app import settings
from app.db.models import EvidencePhoto
from app.domain import clock

_TMP_SUFFIX = ".tmp"


def evidence_root() -> Path:
    """Where evidence files live (`APP_EVIDENCE_DIR`, default data/evidence); private."""
    return settings.EVIDENCE_DIR


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def write_atomic(path: Path, content: bytes) -> None:
    """Write a temp file beside `path`, fsync it, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}{_TMP_SUFFIX}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def path_of(photo: EvidencePhoto, *, thumb: bool = False, root: Path | None = None) -> Path:
    """The absolute path of a photo's derivative (or thumbnail)."""
    base = root if root is not None else evidence_root()
    return base / (photo.path_thumb if thumb else photo.path_derivative)


def _files(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            yield Path(dirpath) / name


# what `ingest` writes: <community>/<YYYY>/<MM>/<name>.jpg, and `write_atomic`'s temp files;
# nothing else under the root is ever a candidate (a misconfigured root holding other files)
_EVIDENCE_FILE = re.compile(r"\d{1,12}/\d{4}/\d{2}/[^/]+\.(?:jpg|tmp)")


def find_orphans(session: Session, root: Path) -> list[Path]:
    """Evidence files under the root that no row points at (and leftover temp files)."""
    known: set[str] = set()
    for derivative, thumb in session.exec(
        select(EvidencePhoto.path_derivative, EvidencePhoto.path_thumb)
    ):
        known.add(derivative)
        known.add(thumb)
    out = []
    for path in _files(root):
        rel = path.relative_to(root).as_posix()
        if rel not in known and _EVIDENCE_FILE.fullmatch(rel):
            out.append(path)
    return sorted(out)


def cleanup_orphans(session: Session, root: Path, older_than: timedelta) -> list[Path]:
    """Delete orphan files last modified more than `older_than` ago; returns them.

    The age keeps an ingest whose row is not committed yet safe: run this with
    a margin well above a request's duration (an hour is plenty).
    """
    cutoff = (clock.now() - older_than).timestamp()
    removed = []
    for path in find_orphans(session, root):
        try:
            if path.stat().st_mtime <= cutoff:
                path.unlink()
                removed.append(path)
        except FileNotFoundError:
            continue
    return removed
