"""Messages that leave the app: the person's channels and quiet hours (a section of /account)
and the supervisor's /desk/notify (who is told, channels, the grids' robots, undelivered)."""

from __future__ import annotations

import reflex as rx

from app.state.base import AppState
from app.state.notify import NotifyDeskState as D
from app.state.notify import NotifyPrefsState as P
from app.ui.components.cards import data_table, section
from app.ui.components.forms import form_error
from app.ui.components.shell import desk_shell
from app.ui.texts import T


def _switch(label_key: str, checked, on_change, switch_id: str, available) -> rx.Component:
    # the whole line is the switch's label: a 44 px tap target on a phone, not the 42x24 switch alone
    return rx.el.label(
        rx.hstack(
            rx.switch(checked=checked, on_change=on_change, id=switch_id, size="3"),
            rx.text(T[label_key], size="3"),
            rx.cond(available, rx.fragment(), rx.text(T["notify.channel_off"], size="2", color_scheme="gray")),
            align="center",
            spacing="3",
            min_height="44px",
            width="100%",
        ),
        style={"display": "block", "width": "100%", "cursor": "pointer"},
    )


def _time(label_key: str, value, on_change, input_id: str) -> rx.Component:
    return rx.vstack(
        rx.text(T[label_key], as_="label", html_for=input_id, size="2"),
        rx.input(type="time", value=value, on_change=on_change, id=input_id, size="3", width="100%"),
        spacing="1",
        width="100%",
    )


def prefs_section() -> rx.Component:
    """/account: which channels reach me outside the app, and when not."""
    return section(
        T["notify.prefs.title"],
        rx.text(T["notify.prefs.hint"], size="2", color_scheme="gray"),
        _switch("notify.channel.sms", P.sms, P.set_sms, "notify-sms", P.sms_on),
        _switch("notify.channel.webpush", P.webpush, P.set_webpush, "notify-webpush", P.webpush_on),
        _switch("notify.channel.wecom_mention", P.wecom_mention, P.set_wecom_mention, "notify-wecom", P.wecom_on),
        rx.cond(
            P.vapid_key != "",
            rx.button(T["notify.push.enable"], id="push-enable", variant="soft", size="3", width="100%",
                      custom_attrs={"data-vapid": P.vapid_key, "data-done": T["notify.push.enabled"],
                                    "data-denied": T["notify.push.denied"],
                                    "data-unsupported": T["notify.push.unsupported"]}),
        ),
        rx.text(T["notify.quiet"], size="3", weight="medium"),
        rx.grid(
            _time("notify.quiet_start", P.quiet_start, P.set_quiet_start, "quiet-start"),
            _time("notify.quiet_end", P.quiet_end, P.set_quiet_end, "quiet-end"),
            columns="2",
            gap="3",
            width="100%",
        ),
        rx.text(T["notify.quiet_hint"], size="1", color_scheme="gray"),
        form_error(P.prefs_error, "notify-prefs-error"),
        rx.cond(P.prefs_saved, rx.text(T["notify.prefs.saved"], color_scheme="green", size="2",
                                       id="notify-prefs-saved")),
        rx.button(T["notify.prefs.save"], on_click=P.save, size="3", width="100%", id="notify-prefs-save"),
        id="notify-prefs",
    )


def _rule(r) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.vstack(
            rx.text(T[r.event_key], white_space="nowrap"),
            rx.cond(r.urgent_key == "notify.yes",
                    rx.badge(T["notify.rules.always_urgent"], color_scheme="red", size="1")),
            spacing="1",
        )),
        rx.table.cell(rx.flex(rx.foreach(r.told_keys, lambda k: rx.badge(T[k], size="2")), wrap="wrap", gap="1")),
        class_name="notify-rule",
    )


def _channel(c) -> rx.Component:
    return rx.hstack(
        rx.text(T[c.label_key], size="3"),
        rx.badge(rx.cond(c.on, T["notify.on"], T["notify.off"]), color_scheme=rx.cond(c.on, "green", "gray"),
                 id="channel-" + c.name),
        align="center",
        spacing="2",
    )


def _hook(h) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(h.grid, weight="medium", white_space="nowrap"),
            rx.cond(h.masked != "", rx.code(h.masked, size="1"),
                    rx.text(T["notify.webhook.none"], size="2", color_scheme="gray")),
            align="center", spacing="2", wrap="wrap",
        ),
        rx.form(
            rx.flex(
                rx.input(type="hidden", name="grid_id", value=h.grid_id.to_string()),
                rx.input(name="url", placeholder=T["notify.webhook.url"], size="3", type="url", auto_complete="off",
                         flex="1", min_width="180px"),
                rx.button(T["notify.webhook.set"], type="submit", size="3"),
                rx.cond(h.masked != "", rx.button(T["notify.webhook.clear"], type="button", size="3",
                                                  variant="outline", color_scheme="red",
                                                  on_click=D.clear_webhook(h.grid_id))),
                gap="2", wrap="wrap", width="100%",
            ),
            on_submit=D.set_webhook,
            reset_on_submit=True,
            width="100%",
        ),
        spacing="2", width="100%", padding_y="8px", border_bottom="1px solid var(--gray-a4)",
        class_name="notify-hook",
    )


def _message(m) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.badge(T[m.status_key], color_scheme=rx.cond(m.status == "failed", "red", "orange"), size="2"),
            rx.text(T[m.channel_key], weight="medium"),
            rx.text(m.recipient),
            rx.text("·", color_scheme="gray"),
            rx.text(T[m.kind_key]),
            align="center", spacing="2", wrap="wrap",
        ),
        rx.text(T["notify.col.attempts"], ": ", m.attempts, " · ", T["notify.col.next"], ": ", m.next_at,
                size="2", color_scheme="gray"),
        rx.cond(m.error != "", rx.text(T["notify.col.error"], ": ", m.error, size="2", word_break="break-all")),
        rx.cond(m.status == "failed",
                rx.button(T["notify.retry"], size="3", on_click=D.retry(m.id), class_name="notify-retry")),
        spacing="1", width="100%", padding_y="8px", border_bottom="1px solid var(--gray-a4)",
        class_name="notify-message",
    )


def notify_desk() -> rx.Component:
    return desk_shell(
        T["notify.title"],
        section(
            T["notify.rules"],
            data_table([T["notify.rules.event"], T["notify.rules.told"]],
                       rx.foreach(D.rules, _rule), size="1", id="notify-rules"),
        ),
        section(
            T["notify.channels"],
            rx.hstack(rx.text(T["notify.channel.inapp"], size="3"), rx.badge(T["notify.on"], color_scheme="green"),
                      spacing="2"),
            rx.foreach(D.channel_lines, _channel),
            rx.hstack(rx.text(T["notify.webhook.default"], size="2"),
                      rx.cond(D.default_hook != "", rx.code(D.default_hook), rx.text("—")), spacing="2"),
        ),
        section(
            T["notify.webhooks"],
            rx.vstack(rx.foreach(D.hooks, _hook), spacing="0", width="100%", id="notify-hooks"),
        ),
        section(
            T["notify.undelivered"],
            rx.cond(
                D.messages.length() > 0,
                rx.vstack(rx.foreach(D.messages, _message), spacing="0", width="100%", id="notify-messages"),
                rx.text(T["notify.undelivered.none"], color_scheme="gray", id="notify-none"),
            ),
        ),
    )


def add(app: rx.App) -> None:
    app.add_page(notify_desk, route="/desk/notify", title="通知设置 · 网格管家",
                 on_load=[AppState.guard("notify.manage"), D.load])
