"""Time the household parser on hostile input, today's against the old pattern (issue 15 #14).

    python bench/input_parsing.py
    python bench/input_parsing.py --reps 200 --old-sizes 250,500,1000

The old pattern (`^\\s*(\\d{1,3})\\s*(?:栋|...|\\s)\\s*(?:(\\d{1,2})\\s*(?:单元|-|\\s)\\s*)?...`)
could split a run of spaces in n² ways (n³ with an entrance). Prints, per input
shape, the old pattern's time at growing sizes, and today's `households.parse`
on a 20,000-character text (refused by its length bound) and on the worst
text within the bound (40 characters): median, min and max in ms.
No database is touched.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.domain import households  # noqa: E402
from app.domain.errors import DomainError  # noqa: E402

OLD = re.compile(
    r"^\s*(\d{1,3})\s*(?:栋|号楼|幢|#|-|\s)\s*(?:(\d{1,2})\s*(?:单元|-|\s)\s*)?(\d{3,5})\s*(?:室|号)?\s*$"
)
SHAPES = {
    "3<spaces>x": lambda n: "3" + " " * n + "x",
    "3<spaces>1<spaces>x": lambda n: "3" + " " * (n // 2) + "1" + " " * (n // 2) + "x",
}


def old_parse(text: str) -> None:
    OLD.match(unicodedata.normalize("NFKC", text).strip())


def new_parse(text: str) -> None:
    try:
        households.parse(text)
    except DomainError:
        pass


def timed(fn, text: str, reps: int) -> list[float]:
    out = []
    for _ in range(reps):
        t = time.perf_counter()
        fn(text)
        out.append((time.perf_counter() - t) * 1000)
    return out


def show(label: str, ms: list[float]) -> None:
    print(f"  {label:<34} median {statistics.median(ms):9.3f} ms  min {min(ms):9.3f}  max {max(ms):9.3f}"
          f"  (n={len(ms)})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=100)
    ap.add_argument("--old-sizes", default="250,500,1000")
    args = ap.parse_args()
    for name, make in SHAPES.items():
        print(name)
        for n in (int(x) for x in args.old_sizes.split(",")):
            show(f"old pattern, {n} chars", timed(old_parse, make(n), 3))
        show("today, 20,000 chars (refused)", timed(new_parse, make(20_000), args.reps))
        show(f"today, {households.MAX_TEXT} chars (read)", timed(new_parse, make(households.MAX_TEXT - 2),
                                                             args.reps))


if __name__ == "__main__":
    main()
