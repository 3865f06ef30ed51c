"""Time the printed reports (text PDFs, app.pdf.reports) and print their sizes.

    python bench/report_pdfs.py              # 10 runs of each
    python bench/report_pdfs.py --runs 20 --grids 60 --out bench/out

Renders the quarterly report (six categories, three months) and a half-monthly
summary with --grids grids and a 40-line improvement plan, from figures built in
memory (no database), after one warm-up render each. Prints median, min and max in
ms, the PDF's size and its pages. With --out the last PDFs are written there.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.domain.reports import (  # noqa: E402
    Figures,
    HalfMonth,
    HalfMonthSummary,
    Line,
    Quarter,
    QuarterReport,
)
from app.domain.requests import CATEGORIES  # noqa: E402
from app.pdf import reports as pdf  # noqa: E402


def _figures(n: int) -> Figures:
    return Figures(received=n, handled=n - 2, on_time=n - 4, valid_resolved=n - 3, followed_up=n - 5,
                   follow_ups=n - 6, satisfaction_sum=(n - 6) * 4, satisfied=n - 8)


def _quarter() -> QuarterReport:
    q = Quarter(2031, 1)
    total = Figures()
    by_category = [(c, _figures(15 + i)) for i, c in enumerate(CATEGORIES)]
    for _, f in by_category:
        total.add(f)
    return QuarterReport(q, total, [(m, _figures(40)) for m in q.months], by_category)


def _summary(grids: int) -> HalfMonthSummary:
    return HalfMonthSummary(
        HalfMonth(date(2031, 1, 1), date(2031, 1, 15)), 90, 12, 7,
        [Line(c, 30, 4, 2) for c in ("complaint", "repair_minor", "repair_urgent")],
        [Line(f"{i}号网格", grids + 1 - i, i % 3, i % 2) for i in range(1, grids + 1)],
        "\n".join(f"{i}、维修到场超时的楼栋调整排班，并在公告栏公示处理结果。" for i in range(1, 41)), "周敏",
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--grids", type=int, default=30)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    head = pdf.Header("阳光花园", datetime(2031, 1, 20, tzinfo=UTC))
    for name, render, data in (("quarterly", pdf.render_quarterly, _quarter()),
                               (f"half-month ({args.grids} grids)", pdf.render_half_month, _summary(args.grids))):
        doc = render(head, data)  # warm-up: imports, font lookup
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            doc = render(head, data)
            times.append((time.perf_counter() - start) * 1000)
        print(f"{name}: median {statistics.median(times):.0f} ms, min {min(times):.0f}, "
              f"max {max(times):.0f} over {args.runs} runs; {len(doc.pdf) / 1024:.1f} KiB, {doc.pages} page(s)")
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"{name.split()[0]}.pdf").write_bytes(doc.pdf)


if __name__ == "__main__":
    main()
