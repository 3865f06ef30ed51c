"""Error answers of the api routes: an HTML page in the user's language for a browser,
plain text (or JSON, for the upload route) for everything else.

A person meets these when a file link is opened from a page left open too long
(an expired signed link), or a link was cut or tampered with, or a file is gone.
The page says what happened in the user's language with a way back to the page
they came from (which makes fresh links when it loads) and a way home; an
expired link opened by someone signed in who may open the file is renewed at
once (`app.api.renew`), so the page is only seen when that is not possible.

Language: the app keeps it in the browser (`localStorage["gb_lang"]`, see
`app.state.base.AppState.lang`), which a server cannot read; so the page
carries both languages, the server picks one to show first (a `lang` query
parameter, else a `gb_lang` cookie, else Accept-Language, else Chinese), and a
small inline script switches to the language the app keeps, when there is one.
"""

from __future__ import annotations

import html

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from app.i18n import LANGUAGES, translate

# kind -> (title key, body key, extra hint key or "")
KINDS: dict[str, tuple[str, str, str]] = {
    "expired": ("err.expired.title", "err.expired.body", "err.reload_hint"),
    "forbidden": ("err.forbidden.title", "err.forbidden.body", ""),
    "not_found": ("err.not_found.title", "err.not_found.body", ""),
    "bad_request": ("err.bad_request.title", "err.bad_request.body", ""),
    "server": ("err.server.title", "err.server.body", ""),
    "page_not_found": ("err.404.title", "err.404.body", ""),
}
PLAIN = {"expired": "forbidden", "forbidden": "forbidden", "not_found": "not found",
         "bad_request": "bad request", "server": "server error", "page_not_found": "not found"}
NO_STORE = {"Cache-Control": "no-store"}


def lang_of(request: Request) -> str:
    """The language to show first: `lang` query, `gb_lang` cookie, Accept-Language, else zh."""
    q = request.query_params.get("lang")
    if q in LANGUAGES:
        return q
    cookie = (request.cookies.get("gb_lang") or "").strip('"')
    if cookie in LANGUAGES:
        return cookie
    for part in request.headers.get("accept-language", "").split(",")[:20]:
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("zh"):
            return "zh"
        if tag.startswith("en"):
            return "en"
    return "zh"


def wants_html(request: Request) -> bool:
    """Whether a browser opened this as a page (not an <img>, a fetch or a script)."""
    dest = request.headers.get("sec-fetch-dest", "")
    if dest and dest not in ("document", "iframe", "frame"):
        return False
    return "text/html" in request.headers.get("accept", "")


_SCRIPT = """
(function () {
  var lang = "";
  try { lang = (localStorage.getItem("gb_lang") || "").replace(/"/g, ""); } catch (e) {}
  if (lang !== "zh" && lang !== "en") { return; }
  document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
  var blocks = document.querySelectorAll("[data-lang]");
  for (var i = 0; i < blocks.length; i++) {
    blocks[i].hidden = blocks[i].getAttribute("data-lang") !== lang;
  }
  var title = document.querySelector("[data-lang='" + lang + "'] h1");
  if (title) { document.title = title.textContent; }
})();
(function () {
  // an expired link, opened by someone signed in: ask for a fresh one (app.api.renew)
  if (!document.querySelector("main[data-renew]")) { return; }
  var token = "";
  try { token = (localStorage.getItem("gb_session") || "").replace(/"/g, ""); } catch (e) {}
  if (!token) { return; }
  fetch("/api/links/renew", {
    method: "POST",
    headers: {"Authorization": "Bearer " + token, "Content-Type": "application/json"},
    body: JSON.stringify({link: window.location.pathname + window.location.search})
  }).then(function (r) { return r.ok ? r.json() : null; })
    .then(function (a) { if (a && a.link) { window.location.replace(a.link); } })
    .catch(function () {});
})();
document.addEventListener("click", function (ev) {
  var back = ev.target.closest("[data-back]");
  if (!back) { return; }
  ev.preventDefault();
  var ref = document.referrer;
  if (window.history.length > 1) { window.history.back(); }
  else if (ref && ref.indexOf(window.location.origin + "/") === 0) { window.location.href = ref; }
  else { window.location.href = "/"; }
});
"""

_STYLE = """
body { font-family: system-ui, -apple-system, "Noto Sans CJK SC", "PingFang SC", sans-serif;
  margin: 0; background: #f6f8f8; color: #1f2a2a; }
main { max-width: 400px; margin: 0 auto; padding: 48px 24px; text-align: center; }
h1 { font-size: 22px; margin: 16px 0 8px; }
p { font-size: 16px; line-height: 1.5; color: #4b5a5a; margin: 8px 0; }
.code { color: #8a9a9a; font-size: 13px; }
a.button { display: block; box-sizing: border-box; min-height: 48px; line-height: 48px;
  margin-top: 16px; border-radius: 10px; font-size: 17px; text-decoration: none; }
a.primary { background: #0f766e; color: #fff; }
a.secondary { background: #e3efee; color: #0f766e; }
"""


def _block(lang: str, kind: str, status: int, shown: bool) -> str:
    title_key, body_key, hint_key = KINDS[kind]
    t = lambda key: html.escape(translate(lang, key))  # noqa: E731
    hint = f"<p>{t(hint_key)}</p>" if hint_key else ""
    hidden = "" if shown else " hidden"
    return (
        f'<section data-lang="{lang}"{hidden}>'
        f"<h1>{t(title_key)}</h1><p>{t(body_key)}</p>{hint}"
        f'<a class="button primary" href="/" data-back id="error-back">{t("err.back")}</a>'
        f'<a class="button secondary" href="/" id="error-home">{t("err.home")}</a>'
        f'<p class="code">{status}</p></section>'
    )


def page(kind: str, status: int, lang: str) -> HTMLResponse:
    """The error page of `kind` (see KINDS), both languages inside, `lang` shown first."""
    lang = lang if lang in LANGUAGES else "zh"
    blocks = "".join(_block(code, kind, status, code == lang) for code in LANGUAGES)
    title = html.escape(translate(lang, KINDS[kind][0]))
    doc = (
        f'<!doctype html><html lang="{"en" if lang == "en" else "zh-CN"}"><head>'
        '<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="robots" content="noindex"><title>{title} · 网格管家</title>'
        f"<style>{_STYLE}</style></head><body><main{' data-renew' if kind == 'expired' else ''}>"
        '<img src="/icons/icon-192.png" width="64" height="64" alt="">'
        f"{blocks}</main><script>{_SCRIPT}</script></body></html>"
    )
    return HTMLResponse(doc, status_code=status, headers=NO_STORE)


def _expired_image() -> Response:
    """What an <img> with an expired link shows (a thumbnail on a page left open): a grey
    tile saying so in both languages, since an image cannot read the app's language."""
    zh = html.escape(translate("zh", "err.expired.title"))
    en = html.escape(translate("en", "err.expired.title"))
    zh_hint = html.escape(translate("zh", "err.image_reload"))
    en_hint = html.escape(translate("en", "err.image_reload"))
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240" viewBox="0 0 320 240">'
        '<rect width="320" height="240" fill="#e6ecec"/>'
        '<g font-family="Noto Sans CJK SC, PingFang SC, sans-serif" text-anchor="middle" fill="#4b5a5a">'
        f'<text x="160" y="100" font-size="22">{zh}</text>'
        f'<text x="160" y="128" font-size="15">{zh_hint}</text>'
        f'<text x="160" y="160" font-size="16">{en}</text>'
        f'<text x="160" y="184" font-size="13">{en_hint}</text></g></svg>'
    )
    return Response(svg, status_code=403, media_type="image/svg+xml", headers=NO_STORE)


def error(request: Request, kind: str, status: int) -> Response:
    """An error answer: the page for a browser opening it, a tile saying so for an <img>
    whose link expired, else short plain text."""
    if wants_html(request):
        return page(kind, status, lang_of(request))
    if kind == "expired" and request.headers.get("sec-fetch-dest") == "image":
        return _expired_image()
    return Response(PLAIN[kind], status_code=status, media_type="text/plain", headers=NO_STORE)
