"""The channels a message can leave by, whether each is on, and the one send per channel.

All are off by default (`app.settings`): WeCom when `APP_WECOM_ENABLED` (with the community's
default webhook, or a grid's own), SMS when `APP_SMS_ENABLED` and a gateway URL is set, Web Push
when both VAPID keys are set. A send raises `SendFailed` (with the reason kept on the row) or
returns; `permanent` failures are not retried (a push subscription the browser dropped).
"""

from __future__ import annotations

import contextlib
import contextvars
import json
from collections.abc import Iterator
from dataclasses import dataclass

import httpx

from app import settings

WECOM = "wecom"
SMS = "sms"
WEBPUSH = "webpush"
CHANNELS: tuple[str, ...] = (WECOM, SMS, WEBPUSH)
# channels a person picks for herself on /account (the WeCom one is an @-mention in the group)
PERSONAL = (SMS, WEBPUSH)


class SendFailed(Exception):
    """A send did not go through; `reason` is kept on the row for the supervisor."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason[:300]
        self.permanent = permanent


def _cfg() -> settings.Settings:
    return settings.SETTINGS


# set while history is written that is not news (the demo seed): every channel reads as off, so
# nothing written then leaves the app, even when channels are configured
_SILENT: contextvars.ContextVar[bool] = contextvars.ContextVar("outbox_silent", default=False)


@contextlib.contextmanager
def silenced() -> Iterator[None]:
    """Within this block no alert is queued for outside channels (in-app alerts are still written)."""
    token = _SILENT.set(True)
    try:
        yield
    finally:
        _SILENT.reset(token)


def wecom_on() -> bool:
    if _SILENT.get():
        return False
    return bool(_cfg().wecom_enabled)


def sms_on() -> bool:
    if _SILENT.get():
        return False
    cfg = _cfg()
    return bool(cfg.sms_enabled and cfg.sms_gateway_url.strip())


def webpush_on() -> bool:
    if _SILENT.get():
        return False
    cfg = _cfg()
    return bool(cfg.vapid_public_key.strip() and cfg.vapid_private_key.strip())


def is_on(channel: str) -> bool:
    return {WECOM: wecom_on, SMS: sms_on, WEBPUSH: webpush_on}[channel]()


def status() -> dict[str, bool]:
    """Each channel, on or off (the supervisor's screen; in-app alerts are always on)."""
    return {c: is_on(c) for c in CHANNELS}


def default_webhook() -> str:
    return _cfg().wecom_webhook_url.strip()


def vapid_public_key() -> str:
    """What the browser subscribes with ("" when Web Push is off)."""
    return _cfg().vapid_public_key.strip() if webpush_on() else ""


def timeout() -> float:
    return float(_cfg().outbox_timeout_seconds)


@dataclass(frozen=True)
class Outgoing:
    """One message ready to send: the row's target and its words in the recipient's language."""

    channel: str
    target: str
    title: str
    body: str
    name: str = ""  # the person's name (SMS template), "" for a group
    kind_text: str = ""
    summary: str = ""
    mentions: tuple[str, ...] = ()  # WeCom: phones to @-mention
    push_keys: tuple[str, str] | None = None  # Web Push: (p256dh, auth)
    url: str = "/"


def _post(client: httpx.Client, url: str, payload: dict, headers: dict[str, str] | None = None) -> httpx.Response:
    try:
        resp = client.post(url, json=payload, headers=headers or {}, timeout=timeout())
    except httpx.HTTPError as exc:
        raise SendFailed(f"{type(exc).__name__}: {exc}"[:300]) from None
    if resp.status_code >= 300:
        raise SendFailed(f"HTTP {resp.status_code}: {resp.text[:200]}")
    return resp


def send_wecom(client: httpx.Client, msg: Outgoing) -> None:
    """The group robot's text message; it answers `{"errcode": 0}` on success."""
    text: dict[str, object] = {"content": msg.body}
    if msg.mentions:
        text["mentioned_mobile_list"] = list(msg.mentions)
    resp = _post(client, msg.target, {"msgtype": "text", "text": text})
    try:
        answer = resp.json()
    except ValueError:
        raise SendFailed(f"not JSON: {resp.text[:200]}") from None
    code = answer.get("errcode") if isinstance(answer, dict) else None
    if code != 0:
        errmsg = answer.get("errmsg", "") if isinstance(answer, dict) else ""
        raise SendFailed(f"errcode {code}: {errmsg}"[:300])


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def sms_text(msg: Outgoing) -> str:
    """The SMS as the template says (`{signature}{name}{kind}{summary}{title}`); unknown names blank."""
    cfg = _cfg()
    values = _Blank(signature=cfg.sms_signature, name=msg.name, kind=msg.kind_text, summary=msg.summary,
                    title=msg.title, body=msg.body)
    try:
        return cfg.sms_template.format_map(values)[:300]
    except (ValueError, IndexError):  # a malformed template: the plain text rather than nothing
        return f"{cfg.sms_signature}{msg.body}"[:300]


def send_sms(client: httpx.Client, msg: Outgoing) -> None:
    """POST `{"phone", "text", "signature"}` to the gateway, with the token header when set."""
    cfg = _cfg()
    headers = {cfg.sms_token_header: cfg.sms_token} if cfg.sms_token else {}
    _post(client, cfg.sms_gateway_url.strip(),
          {"phone": msg.target, "text": sms_text(msg), "signature": cfg.sms_signature}, headers)


def send_webpush(client: httpx.Client, msg: Outgoing) -> None:
    """Through the browser's push service (pywebpush, VAPID-signed)."""
    if msg.push_keys is None:
        raise SendFailed("subscription removed", permanent=True)
    from pywebpush import WebPushException, webpush

    cfg = _cfg()
    info = {"endpoint": msg.target, "keys": {"p256dh": msg.push_keys[0], "auth": msg.push_keys[1]}}
    try:
        webpush(info, data=json.dumps({"title": msg.title, "body": msg.body, "url": msg.url}),
                vapid_private_key=cfg.vapid_private_key.strip(), vapid_claims={"sub": cfg.vapid_subject},
                timeout=timeout())
    except WebPushException as exc:
        code = exc.response.status_code if exc.response is not None else 0
        raise SendFailed(f"push {code}: {exc}"[:300], permanent=code in (404, 410)) from None
    except Exception as exc:  # noqa: BLE001 - network errors of requests, bad keys
        raise SendFailed(f"{type(exc).__name__}: {exc}"[:300]) from None


SENDERS = {WECOM: send_wecom, SMS: send_sms, WEBPUSH: send_webpush}
