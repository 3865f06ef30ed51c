"""The websocket's origin check and the language of error pages (app.api.security, app.api.errors)."""

from __future__ import annotations

from starlette.requests import Request

from app import settings
from app.api import errors, security

ENV = {"HTTP_HOST": "desk.example.cn:3000", "wsgi.url_scheme": "http"}


def test_same_origin_only_by_default(monkeypatch):
    monkeypatch.setattr(settings, "CORS_ORIGINS", [])
    monkeypatch.setattr(settings, "TRUSTED_PROXY_HOPS", 0)
    assert security.socket_origin_allowed("http://desk.example.cn:3000", ENV)
    assert security.socket_origin_allowed("https://desk.example.cn:3000", ENV)
    assert not security.socket_origin_allowed("http://evil.example", ENV)
    assert not security.socket_origin_allowed("http://desk.example.cn:3001", ENV)
    assert not security.socket_origin_allowed("http://desk.example.cn", ENV)
    # a forwarded host counts only behind a configured proxy
    forwarded = {**ENV, "HTTP_X_FORWARDED_HOST": "evil.example"}
    assert not security.socket_origin_allowed("https://evil.example", forwarded)
    monkeypatch.setattr(settings, "TRUSTED_PROXY_HOPS", 1)
    proxied = {**ENV, "HTTP_X_FORWARDED_HOST": "gb.example.cn"}
    assert security.socket_origin_allowed("https://gb.example.cn", proxied)


def test_configured_origins_are_allowed(monkeypatch):
    monkeypatch.setattr(settings, "CORS_ORIGINS", ["https://admin.example.cn"])
    assert security.socket_origin_allowed("https://admin.example.cn/", ENV)
    assert not security.socket_origin_allowed("https://admin.example.cn.evil.example", ENV)


def _request(headers: dict[str, str], query: str = "") -> Request:
    return Request({"type": "http", "method": "GET", "path": "/x", "query_string": query.encode(),
                    "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]})


def test_error_page_language_and_who_gets_a_page():
    assert errors.lang_of(_request({})) == "zh"
    assert errors.lang_of(_request({"Accept-Language": "en-US,en;q=0.9"})) == "en"
    assert errors.lang_of(_request({"Accept-Language": "en"}, "lang=zh")) == "zh"
    assert errors.lang_of(_request({"Cookie": "gb_lang=en"})) == "en"
    page = _request({"Accept": "text/html,*/*", "Sec-Fetch-Dest": "document"})
    img = _request({"Accept": "text/html,*/*", "Sec-Fetch-Dest": "image"})
    assert errors.wants_html(page) and not errors.wants_html(img)
    body = errors.page("expired", 403, "en").body.decode()
    assert "This link has expired" in body and "链接已过期" in body  # both, one shown first
    assert '<section data-lang="zh" hidden>' in body


def test_in_development_the_frontend_port_may_differ(monkeypatch):
    monkeypatch.setattr(settings, "CORS_ORIGINS", [])
    backend = {"HTTP_HOST": "localhost:8000", "wsgi.url_scheme": "http"}
    assert not security.socket_origin_allowed("http://localhost:3000", backend)
    assert security.socket_origin_allowed("http://localhost:3000", backend, dev=True)
    assert not security.socket_origin_allowed("http://evil.example:3000", backend, dev=True)
    assert not security.socket_origin_allowed("http://localhost.evil.example", backend, dev=True)
