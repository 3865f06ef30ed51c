"""The message catalogs (zh default, en) and the one lookup.

Components read `T["key"]` (`app.ui.texts`: the catalogs travel once, as a
content-hashed script, `app.i18n.bundle`, and the lookup happens in the browser);
server-side messages use `translate()`.
The handbook's numbers (`app.domain.constants`) are catalog parameters filled in
when the catalogs are built.
"""

from __future__ import annotations

from app.domain import constants
from app.i18n import (
    accounts,
    approver_inbox,
    butler_requests,
    errors_ui,
    evidence_ui,
    field_walk_ui,
    gate_log_ui,
    gate_offline_ui,
    gate_register_field_ui,
    gate_register_ui,
    gate_ui,
    grid_planning,
    grid_queue,
    inputs,
    live,
    notify_ui,
    patrols,
    printed,
    renovation_site_ui,
    renovation_ui,
    reports,
    requests,
    resident_loop,
    resident_requests,
)
from app.i18n import renovations as renovation_messages
from app.i18n.en import EN
from app.i18n.zh_CN import ZH

# Each screen family keeps its messages in its own module; the catalogs are their union.
_FEATURES = (accounts, grid_planning, patrols, evidence_ui, requests, resident_requests, reports, renovation_messages,
             renovation_site_ui, renovation_ui, gate_ui, gate_register_ui, gate_log_ui, gate_offline_ui, errors_ui,
             inputs, field_walk_ui, printed, gate_register_field_ui, approver_inbox, live,
             resident_loop, butler_requests, grid_queue, notify_ui)

DEFAULT = "zh"


def with_constants(text: str, values: dict[str, object]) -> str:
    """`text` with the domain's numbers filled in (`{band_min}` -> 350); every other `{name}`
    stays for `translate()` to fill at run time."""
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def build_catalogs() -> dict[str, dict[str, str]]:
    """The catalogs of every language, with `app.domain.constants.catalog_params()` filled in:
    the UI reads them as they are (`T["grid.band"]`), so the numbers go in here."""
    values = constants.catalog_params()
    merged = {
        "zh": {**ZH, **{k: v for m in _FEATURES for k, v in m.ZH.items()}},
        "en": {**EN, **{k: v for m in _FEATURES for k, v in m.EN.items()}},
    }
    return {lang: {k: with_constants(v, values) for k, v in cat.items()} for lang, cat in merged.items()}


CATALOGS: dict[str, dict[str, str]] = build_catalogs()
LANGUAGES = tuple(CATALOGS)


def catalog(lang: str) -> dict[str, str]:
    return CATALOGS.get(lang, CATALOGS[DEFAULT])


def translate(lang: str, key: str, **params: object) -> str:
    """The message for `key` in `lang`, with `{name}` parameters filled in.

    A `field` parameter names a field; its label is translated too.
    """
    cat = catalog(lang)
    if "field" in params:
        params["field"] = cat.get(f"field.{params['field']}", str(params["field"]))
    text = cat.get(key) or CATALOGS[DEFAULT].get(key) or key
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text
