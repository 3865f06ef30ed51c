"""`T`, the UI's texts in the user's language: `T["key"]` in any component.

The catalogs come with the build (`app.i18n.bundle`: a module the page imports, loaded
before it renders), not from the server's state; `T` picks the active language's
(`AppState.lang`, kept in the browser), so a language switch re-renders with the other
catalog at once. A key missing from a catalog renders nothing
(`tests/domain/test_catalogs.py` keeps every key in both).
"""

from __future__ import annotations

from reflex.utils.imports import ImportVar
from reflex.vars.base import VarData
from reflex.vars.function import FunctionStringVar

from app.i18n import DEFAULT
from app.i18n.bundle import EXPORT, MODULE
from app.state.base import AppState

T = (
    FunctionStringVar.create(
        f"((lang) => {EXPORT}[lang] ?? {EXPORT}.{DEFAULT})",
        _var_data=VarData(imports={MODULE: [ImportVar(tag=EXPORT, install=False)]}),
    )
    .call(AppState.lang)
    .to(dict[str, str])
)
