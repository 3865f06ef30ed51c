"""Photo evidence: checking, orientation, sizes, watermark, hashes, atomic files, orphans, hiding."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func
from sqlmodel import Session, select

from app import settings
from app.db.models import EvidencePhoto
from app.domain import clock, evidence
from app.domain.errors import DomainError, Refused

from .conftest import BUTLER, SUPERVISOR

W, H = 800, 600  # small enough to keep the file fast, big enough to be real


def photo(
    fmt: str = "JPEG",
    size: tuple[int, int] = (W, H),
    orientation: int | None = None,
    taken: str | None = None,
    offset: str | None = None,
    mode: str = "RGB",
    noise: bool = True,
) -> bytes:
    """A textured picture (noise over gradients), as a phone would send it."""
    w, h = size
    grad = Image.linear_gradient("L").resize((w, h))
    noise = Image.effect_noise((w, h), 40) if noise else Image.radial_gradient("L").resize((w, h))
    img = Image.merge("RGB", (grad, noise, Image.blend(grad, noise, 0.5)))
    if mode != "RGB":
        img = img.convert(mode)
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    if taken is not None:
        exif.get_ifd(0x8769)[0x9003] = taken
    if offset is not None:
        exif.get_ifd(0x8769)[0x9011] = offset
    out = io.BytesIO()
    kwargs: dict = {"exif": exif} if len(exif) or taken else {}
    if fmt == "JPEG":
        kwargs["quality"] = 90
    img.save(out, fmt, **kwargs)
    return out.getvalue()


@pytest.fixture
def ingest(db: Session, community_id: int, staff_of, tmp_path: Path):
    """`evidence.ingest` with the demo community, a butler as author and tmp_path as root."""
    author = staff_of(BUTLER)

    def run(data: bytes, **kw) -> EvidencePhoto:
        args = {
            "data": data,
            "community_id": community_id,
            "author_id": author.id,
            "author_name": author.name,
            "place": "3号楼 东门",
            "subject_kind": "patrol",
            "subject_id": 7,
            "root": tmp_path,
        }
        args.update(kw)
        return evidence.ingest(db, **args)

    return run


def stored(db: Session, root: Path) -> tuple[int, list[Path]]:
    db.flush()
    rows = db.exec(select(func.count()).select_from(EvidencePhoto)).one()
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return rows, files


def open_stored(root: Path, rel: str) -> Image.Image:
    img = Image.open(root / rel)
    img.load()
    return img


def test_jpeg_is_stored_upright_reduced_and_hashed(ingest, db, tmp_path):
    data = photo(size=(2400, 1800), orientation=6, taken="2026:11:20 09:30:15")
    p = ingest(data)
    assert p.id is not None
    # orientation 6: the 2400x1800 landscape pixels are shown as a portrait
    assert (p.width, p.height) == (1200, 1600)
    der = open_stored(tmp_path, p.path_derivative)
    thumb = open_stored(tmp_path, p.path_thumb)
    assert der.size == (1200, 1600) and der.format == "JPEG"
    assert max(thumb.size) <= 320 and thumb.size[1] > thumb.size[0]
    assert "exif" not in der.info or 0x0112 not in der.getexif()  # no second rotation in viewers
    # hashes of exactly the bytes received and of the stored derivative
    assert p.sha256_original == hashlib.sha256(data).hexdigest()
    assert (
        p.sha256_derivative
        == hashlib.sha256((tmp_path / p.path_derivative).read_bytes()).hexdigest()
    )
    assert p.bytes_original == len(data)
    # claimed 09:30 in Shanghai (no offset tag) = 01:30 UTC, beside the server's receipt time
    assert p.claimed_at == datetime(2026, 11, 20, 1, 30, 15, tzinfo=UTC)
    assert p.received_at is not None and p.received_at.tzinfo is not None
    # files live under <community>/<yyyy>/<mm>/<sha prefix>...
    parts = Path(p.path_derivative).parts
    assert parts[0] == str(p.community_id) and len(parts) == 4
    assert parts[3].startswith(p.sha256_original[:16])
    assert not p.hidden


def test_orientation_content_really_rotated(ingest, tmp_path):
    """A red left half stored with orientation 6 (rotate 90° clockwise) ends up as a red top."""
    img = Image.new("RGB", (400, 200), (0, 0, 255))
    img.paste((255, 0, 0), (0, 0, 200, 200))
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    img.save(out, "JPEG", quality=95, exif=exif)
    p = ingest(out.getvalue())
    der = open_stored(tmp_path, p.path_derivative)
    assert der.size == (200, 400)
    r, g, b = der.getpixel((100, 50))
    assert r > 200 and b < 60  # top is red
    r, g, b = der.getpixel((100, 250))
    assert b > 200 and r < 60  # lower part (above the watermark band) is blue


def test_claimed_time_uses_offset_tag_and_is_optional(ingest):
    p = ingest(photo(taken="2026:11:20 09:30:15", offset="+02:00"))
    assert p.claimed_at == datetime(2026, 11, 20, 7, 30, 15, tzinfo=UTC)
    assert ingest(photo()).claimed_at is None
    assert ingest(photo(taken="not a date")).claimed_at is None


def test_small_images_are_not_enlarged(ingest):
    p = ingest(photo(size=(640, 480)))
    assert (p.width, p.height) == (640, 480)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_accepted(ingest, tmp_path, fmt):
    p = ingest(photo(fmt, size=(2000, 1000), noise=False))
    assert (p.width, p.height) == (1600, 800)
    assert open_stored(tmp_path, p.path_derivative).format == "JPEG"


def test_png_with_alpha_is_flattened(ingest, tmp_path):
    p = ingest(photo("PNG", mode="RGBA"))
    assert open_stored(tmp_path, p.path_derivative).mode == "RGB"


def test_watermark_changes_the_bottom_band_only(ingest, tmp_path):
    gray = Image.new("RGB", (1000, 800), (128, 128, 128))
    out = io.BytesIO()
    gray.save(out, "PNG")
    p = ingest(out.getvalue())
    der = open_stored(tmp_path, p.path_derivative).convert("L")
    top = der.crop((0, 0, 1000, 600))
    band = der.crop((0, 760, 1000, 800))
    lo, hi = top.getextrema()
    assert lo >= 120 and hi <= 136  # untouched (JPEG noise only)
    lo, hi = band.getextrema()
    assert lo < 80  # darkened band
    assert hi > 200  # white text burnt in


def test_watermark_text_has_time_place_author():
    at = datetime(2026, 11, 27, 13, 5, 0, tzinfo=UTC)
    text = evidence.watermark_text(at, "3号楼 东门", "王芳", 11)
    assert text.startswith("2026-11-27 21:05:00")  # Beijing time
    assert "3号楼 东门" in text and "王芳" in text


def test_watermark_without_cjk_font_burns_ascii(monkeypatch):
    # (evidence is a package: the watermark looks its font up in evidence.pipeline)
    monkeypatch.setattr(evidence.pipeline, "FONT_CANDIDATES", ["/nonexistent/font.ttc"])
    monkeypatch.setattr(evidence.pipeline, "cjk_font_path", lambda: None)
    evidence._font.cache_clear()
    try:
        img = Image.new("RGB", (800, 600), (128, 128, 128))
        evidence.burn_watermark(img, "2026-11-27 21:05:00  3号楼  王芳", author_id=11)
        band = img.convert("L").crop((0, 560, 800, 600))
        assert band.getextrema()[1] > 200
        assert evidence._ascii_only("2026-11-27  3号楼  王芳", 11) == "2026-11-27 3  #11"
    finally:
        evidence._font.cache_clear()


def test_cjk_font_found_here():
    assert evidence.cjk_font_path() is not None


def tiny_png_header(width: int, height: int) -> bytes:
    """A PNG signature and IHDR declaring a huge image, with no pixel data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr
    chunk += struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    idat = zlib.compress(b"\x00" * 64)
    chunk += (
        struct.pack(">I", len(idat))
        + b"IDAT"
        + idat
        + struct.pack(">I", zlib.crc32(b"IDAT" + idat))
    )
    chunk += struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
    return b"\x89PNG\r\n\x1a\n" + chunk


def truncated_jpeg() -> bytes:
    data = photo()
    return data[: len(data) // 2]


def heic_header() -> bytes:
    return struct.pack(">I", 24) + b"ftypheic" + b"\x00\x00\x00\x00" + b"mif1heic" + b"\x00" * 64


@pytest.mark.parametrize(
    ("make", "key"),
    [
        (lambda: "巡查记录：一切正常\n".encode() * 100, "evidence.not_image"),
        (lambda: b"", "evidence.not_image"),
        (lambda: b"%PDF-1.7\n" + b"0" * 500, "evidence.not_image"),
        (heic_header, "evidence.heic_unsupported"),
        (truncated_jpeg, "evidence.corrupt"),
        (lambda: b"\xff\xd8\xff\xe0" + b"\x00" * 300, "evidence.corrupt"),
        (lambda: tiny_png_header(100_000, 100_000), "evidence.too_many_pixels"),
    ],
    ids=["text", "empty", "pdf", "heic", "truncated", "garbage-jpeg", "bomb-header"],
)
def test_rejections_store_nothing(ingest, db, tmp_path, make, key):
    with pytest.raises(DomainError) as err:
        ingest(make())
    assert err.value.key == key
    assert stored(db, tmp_path) == (0, [])


def test_over_25_mb_refused_before_decoding(ingest, db, tmp_path):
    data = b"\xff\xd8\xff\xe0" + b"\x00" * (evidence.MAX_BYTES - 3)
    with pytest.raises(DomainError) as err:
        ingest(data)
    assert err.value.key == "evidence.too_large" and err.value.params == {"max_mb": 25}
    assert stored(db, tmp_path) == (0, [])


def test_pixel_limit_warning_is_an_error(ingest, db, tmp_path, monkeypatch):
    # between the limit and twice it Pillow only warns; we refuse
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", W * H - 1)
    with pytest.raises(DomainError) as err:
        ingest(photo())
    assert err.value.key == "evidence.too_many_pixels"
    assert stored(db, tmp_path) == (0, [])


def test_failure_after_files_written_removes_them(ingest, db, tmp_path, monkeypatch):
    def broken_flush(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(db, "flush", broken_flush)
    with pytest.raises(RuntimeError):
        ingest(photo())
    monkeypatch.undo()
    assert stored(db, tmp_path) == (0, [])


def test_atomic_write_leaves_no_temp_file(ingest, tmp_path, monkeypatch):
    p = ingest(photo())
    names = [f.name for f in tmp_path.rglob("*") if f.is_file()]
    assert sorted(names) == sorted([Path(p.path_derivative).name, Path(p.path_thumb).name])

    # a write that fails half-way leaves neither the target nor a temp file
    target = tmp_path / "x" / "y.jpg"

    def boom(fd):
        raise OSError("disk full")

    monkeypatch.setattr(evidence.os, "fsync", boom)
    with pytest.raises(OSError):
        evidence.write_atomic(target, b"abc")
    assert list(target.parent.iterdir()) == []


def test_orphans_found_and_cleaned_up(ingest, db, tmp_path, frozen):
    p = ingest(photo())
    assert evidence.find_orphans(db, tmp_path) == []
    # a crash after the files were written but before the row committed
    folder = (tmp_path / p.path_derivative).parent
    orphan = folder / "deadbeef-0000.jpg"
    orphan.write_bytes(b"jpeg")
    leftover = folder / ".deadbeef-0000.jpg.1234.tmp"
    leftover.write_bytes(b"half")
    assert evidence.find_orphans(db, tmp_path) == sorted([orphan, leftover])

    # too young: might belong to an ingest whose row is not committed yet
    assert evidence.cleanup_orphans(db, tmp_path, timedelta(hours=1)) == []
    assert orphan.exists()
    clock.advance(timedelta(hours=2))
    removed = evidence.cleanup_orphans(db, tmp_path, timedelta(hours=1))
    assert sorted(removed) == sorted([orphan, leftover])
    assert not orphan.exists() and not leftover.exists()
    # the real evidence stays
    assert (tmp_path / p.path_derivative).exists() and (tmp_path / p.path_thumb).exists()
    assert evidence.find_orphans(db, tmp_path / "missing") == []


def test_hide_is_audited_and_the_row_stays(ingest, db, tmp_path, staff_of, community_id, entries):
    p = ingest(photo())
    boss = staff_of(SUPERVISOR)
    evidence.hide(db, boss.id, community_id, p.id, "拍到了住户的脸")
    db.refresh(p)
    assert p.hidden and p.hidden_by == boss.id and p.hidden_at is not None
    assert p.hidden_reason == "拍到了住户的脸"
    assert db.get(EvidencePhoto, p.id) is not None
    assert (tmp_path / p.path_derivative).exists()
    (entry,) = entries("evidence.hide")
    assert entry.actor_id == boss.id and entry.subject == f"evidence:{p.id}"
    assert "拍到了住户的脸" in (entry.after or "")
    assert evidence.for_subject(db, community_id, "patrol", 7) == []
    assert evidence.for_subject(db, community_id, "patrol", 7, include_hidden=True) == [p]
    with pytest.raises(DomainError) as err:
        evidence.hide(db, boss.id, community_id, p.id, "again")
    assert err.value.key == "evidence.already_hidden"


def test_hide_needs_a_supervisor_a_reason_and_the_same_community(
    ingest, db, staff_of, community_id
):
    p = ingest(photo())
    with pytest.raises(Refused):
        evidence.hide(db, staff_of(BUTLER).id, community_id, p.id, "不想要")
    boss = staff_of(SUPERVISOR).id
    with pytest.raises(DomainError) as err:
        evidence.hide(db, boss, community_id, p.id, "  ")
    assert err.value.key == "form.required"
    with pytest.raises(DomainError) as err:
        evidence.hide(db, boss, community_id + 1000, p.id, "原因")
    assert err.value.key == "evidence.not_found"
    assert not db.get(EvidencePhoto, p.id).hidden


def test_ingest_is_audited(ingest, entries):
    p = ingest(photo(), filename_hint="IMG_0001.JPG")
    (entry,) = entries("evidence.add")
    assert entry.subject == f"evidence:{p.id}" and entry.detail == "IMG_0001.JPG"


def test_evidence_root_is_private():
    root = evidence.evidence_root().resolve()
    assert root == settings.EVIDENCE_DIR.resolve()
    assert "assets" not in root.parts and "uploaded_files" not in root.parts


def test_frozen_clock_sets_the_folder(ingest, frozen):
    clock.freeze(datetime(2026, 3, 5, 12, 0, tzinfo=UTC))
    p = ingest(photo())
    assert Path(p.path_derivative).parts[1:3] == ("2026", "03")
    assert p.received_at == datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
