"""Photo evidence: the shared package patrols, requests and renovations attach photos with.

What a phone camera sends (JPEG, PNG, WebP) is checked, turned upright (EXIF
orientation), reduced to a ≤1600 px derivative and a ≤320 px thumbnail, and
stamped with the server's time, the place and the author. Only the two
derived files are kept; the SHA-256 of the bytes received and of the
derivative, and the capture time the phone claims, go into the row.

Evidence is append-only: a supervisor may hide a photo (audited), nobody
deletes one. Files are written atomically under the evidence root before the
row is added; a crash between the two leaves files without a row, which
`find_orphans` / `cleanup_orphans` find and remove.

Speed: a 12-MP JPEG is decoded at a reduced scale (`Image.draft`, before
anything loads it) and the small result is rotated, never the full image.

The package, along its sections: `pipeline` (check, decode, orient, derive,
watermark), `files` (the evidence root, atomic writes, orphans), `store` (the
rows: ingest, list, hide, the row lock for caps), `subjects` (who may attach
what, `attach` once per client id, the photos a screen shows). Callers use
the names re-exported here.
"""

import os  # noqa: F401  (tests patch evidence.os)

from app.domain.evidence.files import (
    _EVIDENCE_FILE,
    _TMP_SUFFIX,
    _files,
    _fsync_dir,
    cleanup_orphans,
    evidence_root,
    find_orphans,
    path_of,
    write_atomic,
)
from app.domain.evidence.pipeline import (
    _DARKEN,
    _EXIF_IFD,
    _HEIC_BRANDS,
    _ORIENTATION_TAG,
    _TRANSPOSE,
    DERIVATIVE_PX,
    DERIVATIVE_QUALITY,
    FONT_CANDIDATES,
    LOCAL_TZ,
    MAX_BYTES,
    RESAMPLE,
    THUMB_PX,
    THUMB_QUALITY,
    Processed,
    _ascii_only,
    _decode,
    _fit,
    _font,
    _parse_claimed,
    _pixel_limit,
    _to_rgb,
    burn_watermark,
    cjk_font_path,
    process,
    sniff,
    watermark_text,
)
from app.domain.evidence.store import for_subject, hide, ingest, lock_row
from app.domain.evidence.subjects import (
    _SUBJECTS,
    PhotoView,
    SubjectInfo,
    SubjectResolver,
    _by_client_id,
    _claimed_from_ms,
    _same_write,
    attach,
    check_client_id,
    photos_for,
    register_subject,
    registered_kinds,
    unregister_subject,
)

__all__ = [
    "DERIVATIVE_PX", "DERIVATIVE_QUALITY", "FONT_CANDIDATES", "LOCAL_TZ", "MAX_BYTES", "RESAMPLE",
    "THUMB_PX", "THUMB_QUALITY", "PhotoView", "Processed", "SubjectInfo", "SubjectResolver",
    "attach", "burn_watermark", "check_client_id", "cjk_font_path", "cleanup_orphans",
    "evidence_root", "find_orphans", "for_subject", "hide", "ingest", "lock_row", "path_of",
    "photos_for", "process", "register_subject", "registered_kinds", "sniff",
    "unregister_subject", "watermark_text", "write_atomic",
    # private names other modules and tests reach for
    "_DARKEN", "_EVIDENCE_FILE", "_EXIF_IFD", "_HEIC_BRANDS", "_ORIENTATION_TAG", "_SUBJECTS",
    "_TMP_SUFFIX", "_TRANSPOSE", "_ascii_only", "_by_client_id", "_claimed_from_ms", "_decode",
    "_files", "_fit", "_font", "_fsync_dir", "_parse_claimed", "_pixel_limit", "_same_write",
    "_to_rgb",
]
