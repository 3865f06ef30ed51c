"""Draws the PWA icons into assets/icons (run once; the PNGs are committed)."""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "assets" / "icons"
TEAL = (15, 118, 110)


def icon(size: int, maskable: bool) -> Image.Image:
    img = Image.new("RGB", (size, size), TEAL if maskable else (255, 255, 255))
    d = ImageDraw.Draw(img)
    pad = size * (0.22 if maskable else 0.08)
    if not maskable:
        d.rounded_rectangle([pad, pad, size - pad, size - pad], radius=size * 0.2, fill=TEAL)
    # a 3x3 grid of houses-as-squares: the grid a butler owns
    inner = size - 2 * pad
    cell = inner / 3
    g = cell * 0.18
    for r in range(3):
        for c in range(3):
            x0 = pad + c * cell + g
            y0 = pad + r * cell + g
            fill = (250, 204, 21) if (r, c) == (1, 1) else (255, 255, 255)
            d.rounded_rectangle([x0, y0, x0 + cell - 2 * g, y0 + cell - 2 * g], radius=cell * 0.15, fill=fill)
    return img


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        icon(size, False).save(OUT / f"icon-{size}.png", optimize=True)
        icon(size, True).save(OUT / f"maskable-{size}.png", optimize=True)
    print("icons written to", OUT)
