"""Messages that leave the app (消息外发): WeCom group robots, SMS through a gateway, Web Push.

Every alert (`app.domain.alerts.send`, called by the who-is-told table `app.domain.notify.tell`)
is also written, in the same transaction, as outbox rows (`writing.queue`): one per WeCom robot
per event, one per person and channel they chose on /account. Nothing leaves during the request:
the background worker (`app.background.outbox_sender`) claims due rows (`claiming`), sends each
with a timeout and marks it sent, or retries it with backoff, then marks it failed
(`delivering`); the supervisor sees failures and retries them on /desk/notify (`supervision`).

The parts: `channels` (which are on, the HTTP senders), `preferences` (a person's channels and
quiet hours), `writing`, `claiming`, `delivering`, `supervision` (grid webhooks, the failed list).
"""
