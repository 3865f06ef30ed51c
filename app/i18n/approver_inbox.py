"""Messages of the approvers' inbox (待我审批) on the desk home and its count in the sidebar; zh default, en."""

ZH: dict[str, str] = {
    "inbox.title": "待我审批",
    "inbox.nav": "待我审批",
    "inbox.empty": "没有等待您审批的装修申请",
    "inbox.hint": "等待最久的在前；点按打开审批页",
    "inbox.waited": "已等",
    "inbox.unit.minutes": "分钟",
    "inbox.unit.hours": "小时",
    "inbox.unit.days": "天",
    "inbox.round": "轮次",
}

EN: dict[str, str] = {
    "inbox.title": "Waiting for my approval",
    "inbox.nav": "My approvals",
    "inbox.empty": "No renovation application is waiting for your approval",
    "inbox.hint": "Longest waiting first; tap one to open its approval page",
    "inbox.waited": "waiting",
    "inbox.unit.minutes": "min",
    "inbox.unit.hours": "h",
    "inbox.unit.days": "days",
    "inbox.round": "round",
}
