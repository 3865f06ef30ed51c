"""Messages of accounts, sign-in limits, staff administration and the audit log, zh default + en; merged by app.i18n."""

ZH: dict[str, str] = {
    "auth.client_wait": "此网络的登录尝试过多，请 {minutes} 分钟后再试",
}

EN: dict[str, str] = {
    "auth.client_wait": "Too many sign-in attempts from this network; try again in {minutes} min",
}
