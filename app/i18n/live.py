"""Messages of live alerts: the badge, the alerts list (/alerts) and the banner (zh default, en);
merged by app.i18n. The kinds' own names are `alert.kind.<kind>` in app.i18n.requests."""

ZH: dict[str, str] = {
    "live.badge": "提醒",
    "live.badge_label": "未读提醒",
    "live.banner_open": "查看",
    "live.banner_close": "关闭",
    "alerts.title": "我的提醒",
    "alerts.mark_all_read": "全部已读",
    "alerts.all_read_done": "已全部标为已读",
    "alerts.empty": "暂无提醒",
    "alerts.urgent": "紧急",
    "alerts.unread": "未读",
}

EN: dict[str, str] = {
    "live.badge": "Alerts",
    "live.badge_label": "Unread alerts",
    "live.banner_open": "Open",
    "live.banner_close": "Close",
    "alerts.title": "My alerts",
    "alerts.mark_all_read": "Mark all read",
    "alerts.all_read_done": "All marked read",
    "alerts.empty": "No alerts",
    "alerts.urgent": "Urgent",
    "alerts.unread": "Unread",
}
