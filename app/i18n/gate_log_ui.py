"""Messages of the supervisor's gate log screen (zh default, en); merged by app.i18n."""

ZH: dict[str, str] = {
    "nav.gate_log": "门岗记录",
    "gate_log.title": "门岗核验记录",
    "gate_log.day": "日期",
    "gate_log.prev": "前一天",
    "gate_log.next": "后一天",
    "gate_log.refused_only": "只看拒绝",
    "gate_log.total": "核验",
    "gate_log.refused": "拒绝",
    "gate_log.empty": "这一天没有核验记录",
    "gate_log.guard": "门岗",
    "gate_log.shown": "最多显示 200 条，统计为全天",
}

EN: dict[str, str] = {
    "nav.gate_log": "Gate log",
    "gate_log.title": "Gate scan log",
    "gate_log.day": "Day",
    "gate_log.prev": "Previous day",
    "gate_log.next": "Next day",
    "gate_log.refused_only": "Refusals only",
    "gate_log.total": "Scans",
    "gate_log.refused": "Refused",
    "gate_log.empty": "No scans that day",
    "gate_log.guard": "Guard",
    "gate_log.shown": "Up to 200 rows shown; the counts cover the whole day",
}
