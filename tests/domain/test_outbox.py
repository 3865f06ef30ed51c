"""Messages that leave the app (app.domain.outbox): written with the alert, delivered once each,
retried with backoff, marked failed for the supervisor, never sent twice by racing workers.

The WeCom robot and the SMS gateway are a real local HTTP server (tests.receiver), never a mock.
Tests that deliver commit to the shared test database and remove what they wrote afterwards.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from app import settings
from app.db.models import (
    AuditEntry,
    Grid,
    GridWebhook,
    NotifyPreference,
    OutboxMessage,
    PushSubscription,
    Staff,
    StaffAlert,
)
from app.db.session import session_scope
from app.domain import auth, clock, notify
from app.domain.errors import DomainError
from app.domain.outbox import channels, claiming, delivering, preferences, supervision, writing
from tests.domain.conftest import BUTLER, FRONT_DESK, SUPERVISOR, phone
from tests.receiver import Receiver

FRONT_DESK_2 = "05"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def channels_on(monkeypatch, receiver) -> Receiver:
    """WeCom (community default robot /wecom/default) and SMS (/sms) switched on at the receiver."""
    cfg = settings.SETTINGS
    monkeypatch.setattr(cfg, "wecom_enabled", True)
    monkeypatch.setattr(cfg, "wecom_webhook_url", receiver.url + "/wecom/default")
    monkeypatch.setattr(cfg, "sms_enabled", True)
    monkeypatch.setattr(cfg, "sms_gateway_url", receiver.url + "/sms")
    monkeypatch.setattr(cfg, "sms_signature", "【阳光花园物业】")
    monkeypatch.setattr(cfg, "sms_token", "t0ken")
    monkeypatch.setattr(cfg, "sms_token_header", "X-Token")
    monkeypatch.setattr(cfg, "outbox_timeout_seconds", 2.0)
    return receiver


@pytest.fixture
def committed(db_url) -> Iterator[str]:
    """The database URL for tests that commit; their outbox rows, alerts, choices, robots and audit
    entries are removed afterwards."""
    with session_scope(db_url) as s:
        alert0 = s.exec(select(func.max(StaffAlert.id))).one() or 0
        audit0 = s.exec(select(func.max(AuditEntry.id))).one() or 0
    yield db_url
    with session_scope(db_url) as s:
        s.execute(delete(OutboxMessage))
        s.execute(delete(StaffAlert).where(col(StaffAlert.id) > alert0))
        s.execute(delete(AuditEntry).where(col(AuditEntry.id) > audit0))
        s.execute(delete(NotifyPreference))
        s.execute(delete(GridWebhook))
        s.execute(delete(PushSubscription))


def _staff(s: Session, suffix: str) -> Staff:
    return s.exec(select(Staff).where(Staff.phone == phone(suffix))).one()


def _grid_of(s: Session, suffix: str) -> Grid:
    return s.exec(select(Grid).where(Grid.butler_id == _staff(s, suffix).id)).one()


def _choose(s: Session, suffix: str, *, sms=True, wecom_mention=False, quiet=("", "")) -> None:
    preferences.save(s, auth.actor_for(s, _staff(s, suffix)), sms=sms, webpush=False,
                     wecom_mention=wecom_mention, quiet_start=quiet[0], quiet_end=quiet[1])


def _tell(s: Session, *, urgent=False, summary="3-1-502 · 厨房漏水") -> list[StaffAlert]:
    grid = _grid_of(s, BUTLER)
    return notify.tell(s, "new_request", community_id=grid.community_id, grid_id=grid.id,
                       summary=summary, urgent=urgent)


def _deliver(url: str, worker: str = "w1") -> int:
    return delivering.deliver_all_due(lambda: session_scope(url), worker)


def _messages(s: Session) -> list[OutboxMessage]:
    return list(s.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all())


# ---- writing --------------------------------------------------------------------------------


def test_channels_off_nothing_is_queued(db):
    _choose(db, BUTLER)
    told = _tell(db)
    assert told  # the in-app alerts are always written
    assert channels.status() == {"wecom": False, "sms": False, "webpush": False}
    assert _messages(db) == []


def test_rows_are_written_with_the_alert_and_rolled_back_with_it(committed, channels_on):
    with session_scope(committed) as s:
        _choose(s, BUTLER)
    with pytest.raises(RuntimeError), session_scope(committed) as s:
        key = _tell(s)[0].event_key
        written = _messages(s)
        assert {(m.channel, m.event_key) for m in written} == {("wecom", key), ("sms", key)}
        raise RuntimeError("the step that told them failed")
    with session_scope(committed) as s:
        assert _messages(s) == []
        assert s.exec(select(StaffAlert).where(StaffAlert.event_key == key)).all() == []
    assert _deliver(committed) == 0 and channels_on.received == []


def test_one_event_gives_one_message_per_target(db, channels_on):
    _choose(db, BUTLER)
    told = _tell(db)
    assert len(_messages(db)) == 2  # the robot once, the butler's SMS once
    assert writing.queue(db, told) == []  # the same event again: nothing new
    assert len(_messages(db)) == 2


def test_quiet_hours_hold_a_message_that_is_not_urgent_and_pass_an_urgent_one(db, channels_on):
    _choose(db, BUTLER, quiet=("22:00", "07:00"))
    clock.freeze(datetime(2026, 3, 3, 15, 30, tzinfo=UTC))  # 23:30 in Shanghai
    _tell(db, summary="楼道灯坏了")
    _tell(db, urgent=True, summary="水管爆裂")
    sms = {m.body: m for m in _messages(db) if m.channel == channels.SMS}
    assert clock.local(sms["楼道灯坏了"].next_attempt_at).strftime("%m-%d %H:%M") == "03-04 07:00"
    assert sms["水管爆裂"].next_attempt_at == clock.now()
    # the group robot is a group: never held
    assert all(m.next_attempt_at == clock.now() for m in _messages(db) if m.channel == channels.WECOM)


def test_quiet_hours_window_and_bad_input():
    pref = NotifyPreference(staff_id=1, quiet_start=22 * 60, quiet_end=7 * 60)
    noon = datetime(2026, 3, 3, 4, 0, tzinfo=UTC)  # 12:00 local
    assert preferences.release_at(pref, noon, urgent=False) == noon
    early = datetime(2026, 3, 2, 20, 15, tzinfo=UTC)  # 04:15 local, 03-03
    assert clock.local(preferences.release_at(pref, early, urgent=False)).strftime("%d %H:%M") == "03 07:00"
    day = NotifyPreference(staff_id=1, quiet_start=12 * 60, quiet_end=14 * 60)
    assert clock.local(preferences.release_at(day, noon, urgent=False)).strftime("%H:%M") == "14:00"
    for bad in ("25:00", "7", "ab:cd"):
        with pytest.raises(DomainError):
            preferences.parse_hhmm(bad)


def test_a_person_keeps_her_choices_and_half_quiet_hours_are_refused(db, actor_of):
    me = actor_of(BUTLER)
    preferences.save(db, me, sms=True, webpush=False, wecom_mention=True, quiet_start="22:00", quiet_end="7:00")
    assert preferences.of(db, me.id) == preferences.Preferences(True, False, True, "22:00", "07:00")
    with pytest.raises(DomainError) as err:
        preferences.save(db, me, sms=False, webpush=False, wecom_mention=False, quiet_start="22:00", quiet_end="")
    assert err.value.key == "notify.quiet_both"
    assert preferences.of(db, me.id).sms is True


# ---- delivering -----------------------------------------------------------------------------


def test_wecom_and_sms_arrive_once_each_to_the_right_targets(committed, channels_on):
    with session_scope(committed) as s:
        grid = _grid_of(s, BUTLER)
        supervision.set_webhook(s, auth.actor_for(s, _staff(s, SUPERVISOR)), grid.id, channels_on.url + "/wecom/g2")
        _choose(s, BUTLER, wecom_mention=True)
        _choose(s, FRONT_DESK)
        _choose(s, FRONT_DESK_2, sms=False)
        _tell(s)
        butler, desk = _staff(s, BUTLER), _staff(s, FRONT_DESK)
    assert _deliver(committed, "w1") == 3
    assert _deliver(committed, "w2") == 0
    group = channels_on.to("/wecom/g2")
    assert len(group) == 1 and channels_on.to("/wecom/default") == []
    assert group[0]["msgtype"] == "text" and "厨房漏水" in group[0]["text"]["content"]
    assert group[0]["text"]["mentioned_mobile_list"] == [butler.phone]
    sms = channels_on.to("/sms")
    assert sorted(m["phone"] for m in sms) == sorted([butler.phone, desk.phone])
    assert all(m["_headers"]["x-token"] == "t0ken" and m["text"].startswith("【阳光花园物业】") for m in sms)
    assert any(butler.name in m["text"] and "厨房漏水" in m["text"] for m in sms)
    with session_scope(committed) as s:
        assert {m.status for m in _messages(s)} == {"sent"}


def test_a_receiver_failing_for_a_while_delays_messages_and_loses_none(committed, channels_on):
    clock.freeze(datetime(2026, 3, 3, 4, 0, tzinfo=UTC))
    with session_scope(committed) as s:
        _choose(s, BUTLER)
        _tell(s)
    channels_on.fail_first = 4  # both messages fail twice: HTTP 500 from the gateway, errcode from WeCom
    assert _deliver(committed) == 2
    assert _deliver(committed) == 0  # not due before its backoff
    with session_scope(committed) as s:
        waits = {m.next_attempt_at - clock.now() for m in _messages(s)}
        assert waits == {timedelta(seconds=5)} and {m.status for m in _messages(s)} == {"pending"}
        assert any("errcode 93000" in m.last_error for m in _messages(s))
        assert any("HTTP 500" in m.last_error for m in _messages(s))
    clock.advance(timedelta(seconds=5))
    assert _deliver(committed) == 2
    with session_scope(committed) as s:
        assert {m.next_attempt_at - clock.now() for m in _messages(s)} == {timedelta(seconds=15)}
    clock.advance(timedelta(seconds=15))
    assert _deliver(committed) == 2
    with session_scope(committed) as s:
        assert {(m.status, m.attempts) for m in _messages(s)} == {("sent", 3)}
    assert len(channels_on.to("/sms")) == 1 and len(channels_on.to("/wecom/default")) == 1


def test_a_receiver_that_keeps_failing_leaves_them_failed_for_the_supervisor(committed, channels_on, monkeypatch):
    monkeypatch.setattr(settings.SETTINGS, "outbox_max_attempts", 3)
    clock.freeze(datetime(2026, 3, 3, 4, 0, tzinfo=UTC))
    channels_on.always_fail = True
    with session_scope(committed) as s:
        _choose(s, BUTLER)
        _tell(s)
    for wait in (0, 5, 15):
        clock.advance(timedelta(seconds=wait))
        assert _deliver(committed) == 2
    clock.advance(timedelta(hours=1))
    assert _deliver(committed) == 0
    assert len(channels_on.failed) == 6 and channels_on.received == []
    with session_scope(committed) as s:
        boss = auth.actor_for(s, _staff(s, SUPERVISOR))
        listed = supervision.undelivered(s, boss)
        assert {(u.channel, u.status, u.attempts) for u in listed} == {("wecom", "failed", 3), ("sms", "failed", 3)}
        assert any(u.to == _staff(s, BUTLER).name for u in listed)
        with pytest.raises(DomainError):
            supervision.undelivered(s, auth.actor_for(s, _staff(s, BUTLER)))
        sms_id = next(u.id for u in listed if u.channel == "sms")
        supervision.retry(s, boss, sms_id)
    channels_on.always_fail = False
    assert _deliver(committed) == 1
    assert len(channels_on.to("/sms")) == 1


def _queue_many(url: str, target_base: str, n: int) -> None:
    now = clock.now()
    with session_scope(url) as s:
        community = _grid_of(s, BUTLER).community_id
        for i in range(n):
            s.add(OutboxMessage(community_id=community, channel=channels.SMS, target=f"139{i:08d}",
                                kind="new_request", event_key=f"race{i:06d}", body=f"m{i}",
                                next_attempt_at=now, created_at=now))


def test_two_workers_racing_never_send_one_twice(committed, channels_on):
    _queue_many(committed, channels_on.url, 120)
    channels_on.delay = 0.003
    errors: list[BaseException] = []
    start = threading.Barrier(3)

    def run(name: str) -> None:
        try:
            start.wait()
            while delivering.deliver_all_due(lambda: session_scope(committed), name, batch=7):
                pass
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(f"w{i}",)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    phones = Counter(m["phone"] for m in channels_on.to("/sms"))
    assert len(phones) == 120 and set(phones.values()) == {1}
    with session_scope(committed) as s:
        rows = _messages(s)
        assert {r.status for r in rows} == {"sent"} and {r.attempts for r in rows} == {1}


def test_a_crashed_workers_claim_lapses_and_another_sends_it(committed, channels_on):
    clock.freeze(datetime(2026, 3, 3, 4, 0, tzinfo=UTC))
    _queue_many(committed, channels_on.url, 1)
    with session_scope(committed) as s:  # claimed, then the worker died before sending
        assert len(claiming.claim(s, "dead", now=clock.now(), lease=timedelta(seconds=60))) == 1
    assert _deliver(committed, "alive") == 0
    clock.advance(timedelta(seconds=61))
    assert _deliver(committed, "alive") == 1
    with session_scope(committed) as s:
        row = _messages(s)[0]
        assert (row.status, row.claimed_by, row.attempts) == ("sent", "alive", 2)
        # the dead worker's late answer changes nothing
        assert claiming.finish(s, row.id, "dead", now=clock.now(), error="late") is False


def test_webhooks_are_for_supervisors_shown_masked_and_checked(db, actor_of, staff_of):
    boss = actor_of(SUPERVISOR)
    grid = db.exec(select(Grid).where(Grid.butler_id == staff_of(BUTLER).id)).one()
    supervision.set_webhook(db, boss, grid.id, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcd-1234")
    shown = {h.grid_id: h.masked for h in supervision.grid_hooks(db, boss)}
    assert shown[grid.id] == "https://qyapi.weixin.qq.com/…1234"
    with pytest.raises(DomainError) as err:
        supervision.set_webhook(db, boss, grid.id, "javascript:alert(1)")
    assert err.value.key == "notify.bad_webhook"
    with pytest.raises(DomainError):
        supervision.set_webhook(db, actor_of(BUTLER), grid.id, "https://example.com/x")
    supervision.clear_webhook(db, boss, grid.id)
    assert {h.grid_id: h.masked for h in supervision.grid_hooks(db, boss)}[grid.id] == ""


def _vapid_keys() -> tuple[str, str]:
    from cryptography.hazmat.primitives import serialization
    from py_vapid import Vapid, b64urlencode

    v = Vapid()
    v.generate_keys()
    private = b64urlencode(v.private_key.private_numbers().private_value.to_bytes(32, "big"))
    public = b64urlencode(v.public_key.public_bytes(serialization.Encoding.X962,
                                                    serialization.PublicFormat.UncompressedPoint))
    return private, public


def test_web_push_goes_to_the_browsers_push_service_signed(committed, receiver, monkeypatch):
    """A browser subscribed on /account: the push service (the local receiver) gets one encrypted,
    VAPID-signed message; a subscription the push service dropped is failed at once."""
    import base64
    import os

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    private, public = _vapid_keys()
    monkeypatch.setattr(settings.SETTINGS, "vapid_private_key", private)
    monkeypatch.setattr(settings.SETTINGS, "vapid_public_key", public)
    assert channels.status() == {"wecom": False, "sms": False, "webpush": True}
    browser = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    b64 = lambda raw: base64.urlsafe_b64encode(raw).decode().rstrip("=")  # noqa: E731
    with session_scope(committed) as s:
        me = auth.actor_for(s, _staff(s, BUTLER))
        with pytest.raises(DomainError):
            preferences.subscribe(s, me, "http://not-https.example/x", b64(browser), b64(os.urandom(16)))
        preferences.subscribe(s, me, receiver.url.replace("http://", "https://") + "/push/x", b64(browser),
                              b64(os.urandom(16)))
        assert preferences.of(s, me.id).webpush is True
        # the local receiver speaks plain http: point the stored subscription at it
        sub = s.exec(select(PushSubscription)).one()
        sub.endpoint = receiver.url + "/push/x"
        s.add(sub)
    with session_scope(committed) as s:
        _tell(s)
    assert _deliver(committed) == 1
    pushed = receiver.to("/push/x")
    assert len(pushed) == 1 and pushed[0]["_headers"]["authorization"].startswith("vapid t=")
    assert pushed[0]["_headers"].get("content-encoding") == "aes128gcm"
    with session_scope(committed) as s:
        s.execute(delete(PushSubscription))
        _tell(s)  # no subscription left: nothing written
        assert [m.status for m in _messages(s)] == ["sent"]


def test_nothing_leaves_the_app_while_silenced(monkeypatch):
    """The demo seed writes two weeks of history through the domain: with channels configured, none of
    its alerts may reach a real group robot or phone."""
    from app import settings as app_settings
    from app.domain.outbox import channels

    monkeypatch.setattr(app_settings.SETTINGS, "wecom_enabled", True)
    monkeypatch.setattr(app_settings.SETTINGS, "sms_enabled", True)
    monkeypatch.setattr(app_settings.SETTINGS, "sms_gateway_url", "http://127.0.0.1:9/sms")
    assert channels.status()["wecom"] and channels.status()["sms"]
    with channels.silenced():
        assert not any(channels.status().values())
    assert channels.wecom_on() and channels.sms_on()
