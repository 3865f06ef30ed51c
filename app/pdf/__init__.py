"""Printable documents rendered with Pillow at 300 dpi: A4 pages drawn with ImageDraw in a CJK
font and saved as PDF with `resolution=300`, so they print at exactly A4.

Pure rendering: functions take plain values (dataclasses of strings, bytes and flags) and return
PDF bytes plus a small PNG preview. No database session, no Reflex import; the state layer
gathers the values and serves the bytes.

- `grid_docs`: the grid butler poster (公示牌) and the sheet of checkpoint QR tags (巡查点二维码).
- `reports` (on `text_pdf`, fpdf2): the quarterly report and the half-monthly summary are text
  PDFs instead, with selectable Chinese text in an embedded subset of Noto Sans CJK SC.
"""
