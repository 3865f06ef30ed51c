"""A fake camera for browser tests: a Y4M video that shows one QR code.

Chromium plays it as the camera with::

    --use-fake-device-for-media-stream --use-fake-ui-for-media-stream
    --use-file-for-fake-video-capture=/path/to/qr.y4m

(720x720 works; 640x480 was seen to give no frames.) Chromium loops the file,
so a few frames are enough. Pure Python: qrcode + Pillow, no ffmpeg.
"""

from __future__ import annotations

from pathlib import Path

import qrcode
from PIL import Image


def make_qr_y4m(text: str, path: Path, size: int = 720, frames: int = 30) -> Path:
    """Write a ``size`` x ``size`` 4:2:0 Y4M video of ``frames`` identical frames at
    30 fps showing a QR code of ``text`` (black on white, with a quiet zone) and
    return ``path``."""
    if size % 2:
        raise ValueError("size must be even (4:2:0 chroma)")
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    qr.add_data(text)
    qr.make(fit=True)
    code = qr.make_image(fill_color="black", back_color="white").get_image().convert("L")
    # The code fills about 70 % of the frame, like a phone held over a label.
    side = int(size * 0.7)
    code = code.resize((side, side), Image.Resampling.NEAREST)
    frame = Image.new("L", (size, size), 255)
    frame.paste(code, ((size - side) // 2, (size - side) // 2))
    # Full-range grey to studio-range luma (16..235); neutral chroma.
    y_plane = frame.point(lambda v: 16 + v * 219 // 255).tobytes()
    chroma = bytes([128]) * ((size // 2) * (size // 2))
    frame_bytes = b"FRAME\n" + y_plane + chroma + chroma

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        f.write(f"YUV4MPEG2 W{size} H{size} F30:1 Ip A1:1 C420jpeg\n".encode("ascii"))
        for _ in range(frames):
            f.write(frame_bytes)
    return path
