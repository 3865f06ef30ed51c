"""Upload limits of the photo pipeline (issue 15, #17): pixel bombs of every format are
refused from the header, before any pixel is decoded; `settings.MAX_IMAGE_PIXELS` is the limit."""

from __future__ import annotations

import io
import os
import struct
import time
from pathlib import Path

import pytest
from PIL import Image

from app import settings
from app.domain import evidence
from app.domain.errors import DomainError

from .test_evidence import ingest as ingest_fixture
from .test_evidence import stored, tiny_png_header

ingest = ingest_fixture  # the fixture of test_evidence, used here too

SIDE = 9000  # 81 MP: above the 50 MP default, below Pillow's own 89.5 MP limit


def _small(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 10, 10)).save(out, fmt)
    return out.getvalue()


def jpeg_claiming(width: int, height: int) -> bytes:
    """A real small JPEG whose frame header (SOF0) declares width x height."""
    data = bytearray(_small("JPEG"))
    at = data.find(b"\xff\xc0")
    data[at + 5 : at + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def webp_claiming(width: int, height: int) -> bytes:
    """A real small lossy WebP whose VP8 frame header declares width x height."""
    data = bytearray(_small("WEBP"))
    at = data.find(b"\x9d\x01\x2a") + 3
    data[at : at + 4] = struct.pack("<HH", width, height)
    return bytes(data)


BOMBS = {
    "png": lambda: tiny_png_header(SIDE, SIDE),
    "jpeg": lambda: jpeg_claiming(SIDE, SIDE),
    "webp": lambda: webp_claiming(SIDE, SIDE),
}


@pytest.fixture
def no_decoding(monkeypatch):
    """Fail the test if any image is decoded (ImageFile.load) during it."""
    calls = []

    def load(self, *args, **kwargs):
        calls.append(self.size)
        raise AssertionError(f"decoded an image of {self.size}")

    from PIL import ImageFile

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return calls


@pytest.mark.parametrize("fmt", sorted(BOMBS))
def test_81_megapixels_refused_from_the_header_for_every_format(fmt, no_decoding):
    data = BOMBS[fmt]()
    assert len(data) < 2000
    with pytest.raises(DomainError) as err:
        evidence.process(data, watermark="x")
    assert err.value.key == "evidence.too_many_pixels"
    assert no_decoding == []


@pytest.mark.parametrize("fmt", sorted(BOMBS))
def test_nothing_is_stored_for_a_bomb(ingest, db, tmp_path, fmt):  # noqa: F811 (the fixture)
    with pytest.raises(DomainError) as err:
        ingest(BOMBS[fmt]())
    assert err.value.key == "evidence.too_many_pixels"
    assert stored(db, tmp_path) == (0, [])


def test_the_limit_is_the_setting(monkeypatch):
    assert settings.MAX_IMAGE_PIXELS == 50_000_000
    # Pillow's own guard is lowered to the setting too (other code paths that open images)
    assert Image.MAX_IMAGE_PIXELS is not None and Image.MAX_IMAGE_PIXELS <= settings.MAX_IMAGE_PIXELS
    monkeypatch.setattr(settings, "MAX_IMAGE_PIXELS", 2_000_000)
    with pytest.raises(DomainError) as err:
        evidence.process(jpeg_claiming(2000, 1001), watermark="x")
    assert err.value.key == "evidence.too_many_pixels"


def test_a_phone_photo_under_the_limit_still_passes():
    out = io.BytesIO()
    Image.new("RGB", (4032, 3024), (90, 120, 30)).save(out, "JPEG", quality=80)
    done = evidence.process(out.getvalue(), watermark="x")
    assert max(done.width, done.height) == evidence.DERIVATIVE_PX


# --- orphans: swept at start and on a schedule (app.background) --------------------------


def _old(path: Path, content: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    past = time.time() - 3 * 3600
    os.utime(path, (past, past))
    return path


def test_the_orphan_sweep_removes_old_leftovers_and_nothing_else(db_url, tmp_path, monkeypatch):
    if not db_url.startswith("sqlite"):
        pytest.skip("one backend is enough: the sweep reads two columns")
    from app import background
    from app.db.session import get_engine

    root = tmp_path / "evidence"
    monkeypatch.setenv("REFLEX_DB_URL", db_url)
    monkeypatch.setattr(settings, "EVIDENCE_DIR", root)
    get_engine.cache_clear()
    try:
        tmp_left = _old(root / "1" / "2026" / "11" / ".0123456789abcdef-00000000.jpg.1a2b3c4d.tmp")
        orphan = _old(root / "1" / "2026" / "11" / "0123456789abcdef-00000000.jpg")
        young = root / "1" / "2026" / "12" / ".fedcba9876543210-11111111.jpg.5e6f7a8b.tmp"
        young.parent.mkdir(parents=True)
        young.write_bytes(b"an upload in progress")
        # never evidence: kept even when the root is misconfigured onto other files
        others = [_old(root / "app.db"), _old(root / "staff_photos" / "3-abc.jpg"),
                  _old(root / "1" / "notes.txt")]
        assert background.orphan_sweep_once() == 2
        assert not tmp_left.exists() and not orphan.exists()
        assert young.exists() and all(p.exists() for p in others)
        assert background.orphan_sweep_once() == 0
    finally:
        get_engine.cache_clear()


def test_the_orphan_sweeper_runs_at_start_then_on_a_schedule(monkeypatch):
    import asyncio

    from app import background

    calls: list[str] = []
    sleeps: list[float] = []

    def sweep() -> int:
        calls.append("sweep")
        if len(calls) == 2:
            raise RuntimeError("a failed sweep is logged, the loop goes on")
        return 1

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 3:
            raise asyncio.CancelledError

    monkeypatch.setattr(background, "orphan_sweep_once", sweep)
    monkeypatch.setattr(background.asyncio, "sleep", sleep)
    with pytest.raises(asyncio.CancelledError):
        asyncio.run(background.orphan_sweeper())
    assert calls == ["sweep"] * 3  # the first before any sleep: at start
    assert sleeps == [background.ORPHAN_SWEEP_SECONDS] * 3
