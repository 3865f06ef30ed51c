"""One constant each for the grid band, the construction hours and the quarters, and the
catalogs take them as parameters: changing a constant changes the text, and no catalog text
restates the numbers."""

from __future__ import annotations

import inspect
import re
from datetime import date

from app import i18n
from app.domain import constants, grids, renovations, reports
from app.i18n import CATALOGS
from app.i18n.en import EN
from app.i18n.zh_CN import ZH

BAND_TEXTS = ("grid.band", "gp.flagged_hint", "gp.moved_flagged")


def _raw_texts() -> list[tuple[str, str]]:
    modules = [m for m in vars(i18n).values() if hasattr(m, "ZH") and hasattr(m, "EN")]
    out = [(k, v) for cat in (ZH, EN) for k, v in cat.items()]
    return out + [(k, v) for m in modules for cat in (m.ZH, m.EN) for k, v in cat.items()]


def test_the_catalogs_show_the_band_from_the_constant():
    for key in BAND_TEXTS:
        for lang in ("zh", "en"):
            assert "350–400" in CATALOGS[lang][key], (lang, key)
    assert "{band_min}" not in "".join(v for cat in CATALOGS.values() for v in cat.values())
    assert i18n.translate("zh", "gp.moved_flagged", n=3, grid="1号网格", flagged="2号网格") == (
        "已将 3 户划入1号网格；注意：2号网格 不在 350–400 户标准内")


def test_changing_a_constant_changes_the_text(monkeypatch):
    monkeypatch.setattr(constants, "GRID_HOUSEHOLDS_MIN", 300)
    monkeypatch.setattr(constants, "GRID_HOUSEHOLDS_MAX", 450)
    rebuilt = i18n.build_catalogs()
    assert rebuilt["zh"]["grid.band"] == "规划标准：每名管家 300–450 户"
    assert rebuilt["en"]["grid.band"] == "Planning rule: 300–450 households per butler"
    assert "300–450" in rebuilt["zh"]["gp.flagged_hint"] and "300–450" in rebuilt["en"]["gp.flagged_hint"]
    # the other parameters stay for translate() to fill
    assert "{n}" in rebuilt["zh"]["gp.moved_flagged"] and "300–450" in rebuilt["zh"]["gp.moved_flagged"]


def test_no_catalog_text_restates_the_numbers():
    band = re.compile(rf"{constants.GRID_HOUSEHOLDS_MIN}\s*[–-]\s*{constants.GRID_HOUSEHOLDS_MAX}")
    hours = re.compile(rf"{constants.CONSTRUCTION_START}\s*[–-]\s*{constants.CONSTRUCTION_END}")
    restated = [(k, v) for k, v in _raw_texts() if band.search(v) or hours.search(v)]
    assert restated == []
    assert all("{band_min}–{band_max}" in dict(_raw_texts())[k] for k in BAND_TEXTS)


def test_the_rules_use_the_constants():
    assert (grids.BAND_MIN, grids.BAND_MAX) == (constants.GRID_HOUSEHOLDS_MIN, constants.GRID_HOUSEHOLDS_MAX)
    assert grids.band(constants.GRID_HOUSEHOLDS_MIN - 1, False) == grids.UNDER
    assert grids.band(constants.GRID_HOUSEHOLDS_MAX, False) == grids.OK
    assert grids.band(constants.GRID_HOUSEHOLDS_MAX + 1, False) == grids.OVER
    defaults = inspect.signature(renovations.apply).parameters
    assert defaults["hours_start"].default == constants.CONSTRUCTION_START
    assert defaults["hours_end"].default == constants.CONSTRUCTION_END


def test_quarters_come_from_one_definition(monkeypatch):
    assert [constants.quarter_months(q) for q in (1, 4)] == [(1, 2, 3), (10, 11, 12)]
    assert constants.QUARTERS_PER_YEAR == 4
    q3 = reports.Quarter(2031, 3)
    assert (q3.start, q3.end) == (date(2031, 7, 1), date(2031, 9, 30))
    assert [m.month for m in q3.months] == [7, 8, 9]
    assert reports.quarter_of(date(2031, 9, 30)) == q3 and reports.quarter_of(date(2031, 10, 1)).q == 4
    # the periods follow the constant: with (hypothetical) four-month periods, Q3 is Sep–Dec
    monkeypatch.setattr(constants, "MONTHS_PER_QUARTER", 4)
    assert [m.month for m in reports.Quarter(2031, 3).months] == [9, 10, 11, 12]
    assert reports.quarter_of(date(2031, 8, 31)).q == 2
