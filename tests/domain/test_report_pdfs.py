"""The printed reports are text PDFs: pdftotext reads their title and figures, the CJK font is
embedded as a subset, the files stay small, and long content flows onto more pages.

Needs poppler-utils (pdftotext, pdffonts); `scripts/setup.sh --test` installs it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from app.domain import evidence
from app.domain.reports import Figures, HalfMonth, HalfMonthSummary, Line, Quarter, QuarterReport
from app.domain.requests import CATEGORIES
from app.pdf import reports as pdf
from app.pdf import text_pdf

HEAD = pdf.Header("阳光花园", datetime(2031, 4, 2, 2, 0, tzinfo=UTC))


def _poppler(tool: str, data: bytes, *args: str) -> str:
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is missing: apt-get install poppler-utils (scripts/setup.sh --test does it)")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(data)
        extra = ["-"] if tool == "pdftotext" else []
        out = subprocess.run([tool, *args, str(path), *extra], capture_output=True, check=True, timeout=60)
    return out.stdout.decode()


def _text(data: bytes) -> str:
    return _poppler("pdftotext", data, "-layout")


def _figures(n: int) -> Figures:
    return Figures(received=n, handled=n - 2, on_time=n - 5, valid_resolved=n - 3, followed_up=n - 4,
                   follow_ups=10, satisfaction_sum=43, satisfied=9)


def _quarter() -> QuarterReport:
    q = Quarter(2031, 1)
    total = Figures()
    by_category = [(c, _figures(21 + 3 * i)) for i, c in enumerate(CATEGORIES)]
    for _, f in by_category:
        total.add(f)
    months = [(m, _figures(n)) for m, n in zip(q.months, (57, 66, 75), strict=True)]
    return QuarterReport(q, total, months, by_category)


def test_quarterly_report_is_searchable_text_with_an_embedded_subset_font():
    rep = _quarter()
    doc = pdf.render_quarterly(HEAD, rep)
    text = _text(doc.pdf)
    assert "阳光花园 · 2031年第1季度物业管理报告" in text
    assert "统计期间 2031年01月01日 至 2031年03月31日" in text
    t = rep.total
    # the tiles, the table's total row, the chart's bar values and labels are all text
    assert f"{t.received}" in text and f"{t.handled}" in text
    assert "合计" in text and "按时处理率" in text and "满意率" in text
    for label in ("1月", "2月", "3月", "57", "66", "75", "零修", "表扬", "4.3", "90%"):
        assert label in text, label
    assert "生成时间 2031-04-02 10:00" in text and re.search(r"第\s*1\s*/\s*1\s*页", text)
    assert doc.pages == pdf.page_count(doc.pdf) == 1
    assert len(doc.pdf) < 150 * 1024, len(doc.pdf)
    fonts = _poppler("pdffonts", doc.pdf)
    face = [line.split() for line in fonts.splitlines() if "NotoSansCJKSC" in line]
    assert face, fonts
    # name type... emb sub uni: embedded, subset (the "ABCDEF+" prefix), with a ToUnicode map
    assert all(row[0].split("+", 1)[0].isalpha() and "+" in row[0] for row in face)
    assert all(row[-5:-2] == ["yes", "yes", "yes"] for row in face), fonts


def test_half_month_summary_lists_every_grid_and_the_whole_plan_over_several_pages():
    actions = "\n".join(f"第{i}条：维修到场超时的楼栋调整排班，并在公告栏公示处理结果。" for i in range(1, 41))
    summary = HalfMonthSummary(
        HalfMonth(date(2031, 1, 1), date(2031, 1, 15)), total=465, overdue=30, unsatisfied=15,
        by_category=[Line("complaint", 200, 10, 5), Line("repair_minor", 165, 10, 5),
                     Line("repair_urgent", 100, 10, 5)],
        by_grid=[Line(f"{i}号网格", 31 - i, i % 2, int(i % 3 == 0)) for i in range(1, 31)],
        actions=actions + "\n最后一条：月底前复查。", actions_by="周敏",
    )
    doc = pdf.render_half_month(HEAD, summary)
    text = _text(doc.pdf)
    assert "阳光花园 · 半月投诉总结" in text and "465" in text
    for i in range(1, 31):  # the old one-page summary stopped at 12 grids
        assert f"{i}号网格" in text, i
    assert "第40条" in text and "最后一条：月底前复查。" in text and "主管：周敏" in text
    assert doc.pages == pdf.page_count(doc.pdf) >= 2
    assert re.search(rf"第\s*{doc.pages}\s*/\s*{doc.pages}\s*页", text)
    assert len(doc.pdf) < 150 * 1024


def test_an_empty_summary_still_prints():
    doc = pdf.render_half_month(HEAD, HalfMonthSummary(HalfMonth(date(2031, 1, 16), date(2031, 1, 31))))
    text = _text(doc.pdf)
    assert "暂无" in text and "（尚未填写）" in text and doc.pages == 1


def test_without_a_cjk_font_the_error_names_the_package(monkeypatch):
    monkeypatch.setattr(evidence, "cjk_font_path", lambda: None)
    with pytest.raises(RuntimeError, match="fonts-noto-cjk"):
        pdf.render_quarterly(HEAD, _quarter())
    assert "fonts-noto-cjk" in text_pdf.MISSING_FONT
