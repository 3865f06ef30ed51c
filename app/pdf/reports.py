"""Printable reports: the quarterly management report for owners and the half-monthly summary.

Real text PDFs (`app.pdf.text_pdf`, fpdf2): every word and figure is selectable and searchable
Chinese text in an embedded subset of Noto Sans CJK SC; the bar charts (requests by month and
by category: received / handled / on time) are drawn with PDF primitives, so they stay sharp
at any zoom and their numbers are text as well. A4 portrait; the quarterly report fits one
page, the half-monthly summary lists every grid and the whole improvement plan over as many
pages as they need. The figures come from `app.domain.reports`; this module only lays them out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from app.domain import clock
from app.domain.reports import HalfMonthSummary, QuarterReport, mean, percent
from app.i18n import translate
from app.pdf.text_pdf import TextPdf

QUARTER_SERIES = ["受理", "已处理", "按时处理"]


def _zh(key: str, **params: object) -> str:
    return translate("zh", key, **params)


def _category(key: str) -> str:
    return _zh(f"request.category.{key}")


@dataclass(frozen=True)
class Header:
    community_name: str
    generated_at: datetime


@dataclass(frozen=True)
class ReportDoc:
    """A rendered report: the PDF bytes and its number of pages."""

    pdf: bytes
    pages: int


def _stamp(head: Header) -> str:
    return f"生成时间 {clock.local(head.generated_at):%Y-%m-%d %H:%M}"


def _notes(doc: TextPdf, lines: list[str]) -> None:
    doc.ln(2)
    doc.paragraphs("\n".join(lines), size=8, indent=0, color=(96, 110, 124), line_h=4.4)


def quarter_title(rep: QuarterReport) -> str:
    """"2031年第1季度物业管理报告": the notice board's title for the same report."""
    return _zh("reports.publish_title", year=rep.period.year, q=rep.period.q)


def render_quarterly(head: Header, rep: QuarterReport) -> ReportDoc:
    p = rep.period
    title = f"{head.community_name} · {quarter_title(rep)}"
    doc = TextPdf(title, _stamp(head))
    doc.title_block(title, f"统计期间 {p.start:%Y年%m月%d日} 至 {p.end:%Y年%m月%d日}（按受理日期）")
    t = rep.total
    doc.tiles([
        ("受理", str(t.received)),
        ("已处理", str(t.handled)),
        ("按时处理率", percent(t.on_time_rate)),
        ("回访率", percent(t.follow_up_rate)),
        ("满意率", percent(t.satisfied_rate)),
    ])
    doc.heading("按月统计", keep_with=52)
    doc.bar_chart([(f"{m.month}月", [f.received, f.handled, f.on_time]) for m, f in rep.by_month],
                  QUARTER_SERIES)
    doc.heading("按类别统计", keep_with=52)
    doc.bar_chart([(_category(c), [f.received, f.handled, f.on_time]) for c, f in rep.by_category],
                  QUARTER_SERIES)
    rows = [
        [_category(c), str(f.received), str(f.handled), percent(f.on_time_rate),
         percent(f.follow_up_rate), mean(f.satisfaction), percent(f.satisfied_rate)]
        for c, f in rep.by_category
    ]
    rows.append(["合计", str(t.received), str(t.handled), percent(t.on_time_rate),
                 percent(t.follow_up_rate), mean(t.satisfaction), percent(t.satisfied_rate)])
    doc.ruled_table(["类别", "受理", "已处理", "按时率", "回访率", "满意度(1-5)", "满意率"], rows,
                    [0.22, 0.11, 0.12, 0.13, 0.13, 0.17, 0.12])
    _notes(doc, [
        "说明：已处理 = 已解决或已关闭；按时 = 已处理且从未超时（处理记录中无超时记录）；",
        "回访率 = 已回访的有效投诉（报修、投诉）÷ 已解决的有效投诉；满意度为回访评分（1-5分）平均值，"
        "满意率为4-5分所占比例。",
    ])
    return ReportDoc(doc.render(), doc.pages_count)


def render_half_month(head: Header, s: HalfMonthSummary) -> ReportDoc:
    title = f"{head.community_name} · 半月投诉总结"
    doc = TextPdf(title, _stamp(head))
    doc.title_block(title, f"{s.period.start:%Y年%m月%d日} 至 {s.period.end:%Y年%m月%d日} · "
                           "管理原因投诉（报修、投诉）")
    doc.tiles([("投诉总数", str(s.total)), ("超时", str(s.overdue)), ("不满意", str(s.unsatisfied))])
    empty = [["暂无", "0", "0", "0"]]
    doc.heading("按类别")
    doc.ruled_table(["类别", "数量", "超时", "不满意"],
                    [[_category(x.key), str(x.total), str(x.overdue), str(x.unsatisfied)]
                     for x in s.by_category] or empty,
                    [0.4, 0.2, 0.2, 0.2], alert_cols=(2, 3))
    doc.heading("按网格")
    doc.ruled_table(["网格", "数量", "超时", "不满意"],
                    [[x.key or "未分网格", str(x.total), str(x.overdue), str(x.unsatisfied)]
                     for x in s.by_grid] or empty,
                    [0.4, 0.2, 0.2, 0.2], alert_cols=(2, 3))
    doc.heading("改进措施", keep_with=12)
    doc.paragraphs(s.actions or "（尚未填写）")
    if s.actions_by:
        doc.right_note(f"主管：{s.actions_by}")
    _notes(doc, ["管理原因投诉：属于本物业责任范围（非转介）的报修和投诉；超时：处理中曾超过时限；"
                 "不满意：回访评分低于4分。"])
    return ReportDoc(doc.render(), doc.pages_count)


def page_count(pdf: bytes) -> int:
    """Pages of a PDF written by this app (Pillow and fpdf2 write one /Type /Page object each)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


__all__ = ["Header", "ReportDoc", "page_count", "quarter_title", "render_half_month",
           "render_quarterly"]
