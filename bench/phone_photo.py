"""The test photo the benchmarks feed in: a textured 12-MP JPEG as a phone camera sends it.

Noise and gradients make the JPEG as heavy as a real photo; EXIF orientation 6
(a portrait shot stored as landscape pixels) and a DateTimeOriginal are set.
"""

from __future__ import annotations

import io

from PIL import Image


def make_photo(
    width: int = 4032,
    height: int = 3024,
    *,
    fine_sigma: float = 25,
    fine_blend: float = 0.5,
    qualities: tuple[int, ...] = (92,),
    target_mb: float | None = None,
) -> bytes:
    """The JPEG bytes; with `target_mb`, the first of `qualities` that is at most ~that size."""
    grad = Image.linear_gradient("L").resize((width, height))
    radial = Image.radial_gradient("L").resize((width, height))
    fine = Image.effect_noise((width, height), fine_sigma)
    coarse = Image.effect_noise((width // 4, height // 4), 60).resize(
        (width, height), Image.Resampling.BICUBIC
    )
    img = Image.merge(
        "RGB",
        (
            Image.blend(grad, fine, fine_blend),
            Image.blend(radial, coarse, 0.5),
            Image.blend(fine, coarse, 0.5),
        ),
    )
    exif = Image.Exif()
    exif[0x0112] = 6
    exif.get_ifd(0x8769)[0x9003] = "2026:11:27 09:30:15"
    best = b""
    for quality in qualities:
        out = io.BytesIO()
        img.save(out, "JPEG", quality=quality, exif=exif)
        best = out.getvalue()
        if target_mb is None or len(best) <= target_mb * 1024 * 1024 * 1.05:
            break
    return best
