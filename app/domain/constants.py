"""The handbook's numbers, each stated once: the grid band, construction hours, quarters.

Rules use these names; the message catalogs take them as parameters (`catalog_params`,
filled in when `app.i18n` builds its catalogs), so a text such as "每名管家 350–400 户" is
written "{band_min}–{band_max}" and follows a change here. Plain values, no imports: every
layer above may read them.
"""

from __future__ import annotations

# rules.md 1: one butler per 350–400 households; above that only for a gold butler
GRID_HOUSEHOLDS_MIN = 350
GRID_HOUSEHOLDS_MAX = 400

# the daily construction hours a renovation application gets unless it asks for others
CONSTRUCTION_START = "08:00"
CONSTRUCTION_END = "18:00"

# the quarterly management report's periods: four quarters of three calendar months
MONTHS_PER_QUARTER = 3
QUARTERS_PER_YEAR = 12 // MONTHS_PER_QUARTER


def quarter_of_month(month: int) -> int:
    """1–4: the quarter that calendar month `month` (1–12) falls in."""
    return (month - 1) // MONTHS_PER_QUARTER + 1


def quarter_months(q: int) -> tuple[int, ...]:
    """The calendar months of quarter `q`, in order: quarter_months(3) == (7, 8, 9)."""
    first = MONTHS_PER_QUARTER * (q - 1) + 1
    return tuple(range(first, first + MONTHS_PER_QUARTER))


def catalog_params() -> dict[str, object]:
    """The values the catalogs' texts may name as `{band_min}`, `{construction_start}`..."""
    return {
        "band_min": GRID_HOUSEHOLDS_MIN,
        "band_max": GRID_HOUSEHOLDS_MAX,
        "construction_start": CONSTRUCTION_START,
        "construction_end": CONSTRUCTION_END,
        "months_per_quarter": MONTHS_PER_QUARTER,
    }
