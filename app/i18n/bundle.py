"""The catalogs as one module of the build: sent once per version, never per page.

Before, the active catalog was a computed state var (`AppState.t`, ~50 KB of JSON) that
went down the websocket after every sign-in, page load and reconnect. Now the build
writes both languages' catalogs as a JavaScript module, `$/utils/gb_catalog.js`
(`CatalogBundle`, a build plugin), that the pages import (`app.ui.texts.T` carries the
import): Vite puts it into one content-hashed chunk, so it is compressed, loaded before
the page renders, cached for good by the browser and precached by the service worker. A
new wording is a new hash, so a phone never keeps an old text; switching language costs
a re-render and nothing over the network.
"""

from __future__ import annotations

import json
from pathlib import Path

import reflex as rx

from app.i18n import CATALOGS

MODULE = "$/utils/gb_catalog"  # the import path the pages use
EXPORT = "catalogs"  # export const catalogs = {"zh": {...}, "en": {...}}


def module_text() -> str:
    data = json.dumps(CATALOGS, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return f"// written by app.i18n.bundle at every build: do not edit\nexport const {EXPORT} = {data};\n"


class CatalogBundle(rx.plugins.Plugin):
    """Build plugin: writes `module_text()` into the frontend's utils folder (see the module)."""

    def get_static_assets(self, **context) -> list[tuple[Path, str]]:
        return [(Path("utils") / "gb_catalog.js", module_text())]
