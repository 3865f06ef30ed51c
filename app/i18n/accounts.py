"""Messages of accounts, sign-in limits, staff administration and the audit log, zh default + en; merged by app.i18n."""

ZH: dict[str, str] = {
    "auth.client_wait": "此网络的登录尝试过多，请 {minutes} 分钟后再试",
    "staff.cannot_change_own_roles": "不能修改自己的角色，请由其他主管或系统管理员修改",
    "staff.cannot_reset_self": "不能重置自己的密码，请在“我的”页面修改密码",
    "staff.reset_needs_higher_rank": "只能为职级低于自己的员工重置密码；管理人员的密码由系统管理员重置",
}

EN: dict[str, str] = {
    "auth.client_wait": "Too many sign-in attempts from this network; try again in {minutes} min",
    "staff.cannot_change_own_roles": "You cannot change your own roles; another manager or the administrator must",
    "staff.cannot_reset_self": "You cannot reset your own password; change it on your account page",
    "staff.reset_needs_higher_rank": (
        "You may only reset the password of someone below your rank; the administrator resets managers' passwords"
    ),
}
