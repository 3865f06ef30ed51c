"""The message catalogs (zh default, en) and the one lookup.

Components read `AppState.t["key"]` (the active catalog is state, so the
lookup happens in the browser); server-side messages use `translate()`.
"""

from __future__ import annotations

from app.i18n import (
    evidence_ui,
    gate_log_ui,
    gate_register_ui,
    gate_ui,
    grid_planning,
    inputs,
    patrols,
    renovation_site_ui,
    renovation_ui,
    reports,
    requests,
    resident_requests,
)
from app.i18n import renovations as renovation_messages
from app.i18n.en import EN
from app.i18n.zh_CN import ZH

# Each screen family keeps its messages in its own module; the catalogs are their union.
_FEATURES = (grid_planning, patrols, evidence_ui, requests, resident_requests, reports, renovation_messages,
             renovation_site_ui, renovation_ui, gate_ui, gate_register_ui, gate_log_ui, inputs)

DEFAULT = "zh"
CATALOGS: dict[str, dict[str, str]] = {
    "zh": {**ZH, **{k: v for m in _FEATURES for k, v in m.ZH.items()}},
    "en": {**EN, **{k: v for m in _FEATURES for k, v in m.EN.items()}},
}
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
