"""Messages of the gate offline (离线核验: the phone's pass list, queued scans) (zh default, en);
merged by app.i18n. The `gate_offline.js.*` keys go to the phone with the snapshot
(`app.api.gate_offline`), so the offline screen speaks the user's language without the server."""

ZH: dict[str, str] = {
    "gate_offline.bad_scan": "这条离线核验记录不完整，无法登记",
    "gate_offline.bad_batch": "一次最多上传 {most} 条离线核验记录",
    "gate_offline.offline": "离线",
    "gate_offline.clock_off": "手机时间偏差",
    "gate_offline.phone_time": "手机时间",
    "gate_offline.shown": "离线显示",
    "gate_offline.shown_stale": "名单已过期（未放行）",
    "gate_offline.js.banner": "离线核验 · 名单更新于 {time}（{minutes} 分钟前）",
    "gate_offline.js.banner_none": "离线 · 手机上没有出入证名单，无法核验，请联系前台/主管",
    "gate_offline.js.stale": "名单已过期，请联系前台/主管",
    "gate_offline.js.label": "离线核验 · 名单 {minutes} 分钟前",
    "gate_offline.js.pending": "待上传 {n}",
    "gate_offline.js.refused": "{n} 条未能登记：{reason}",
    "gate_offline.js.sending": "正在上传离线核验记录…",
    "gate_offline.js.hours": "施工时间",
    "gate_offline.js.no_snapshot": "手机上没有出入证名单，请联系前台/主管",
}

EN: dict[str, str] = {
    "gate_offline.bad_scan": "This offline scan is incomplete and cannot be logged",
    "gate_offline.bad_batch": "At most {most} offline scans per upload",
    "gate_offline.offline": "Offline",
    "gate_offline.clock_off": "Phone clock off",
    "gate_offline.phone_time": "Phone time",
    "gate_offline.shown": "Shown offline",
    "gate_offline.shown_stale": "Pass list out of date (not let in)",
    "gate_offline.js.banner": "Offline check · pass list of {time} ({minutes} min ago)",
    "gate_offline.js.banner_none": "Offline · no pass list on this phone, cannot check; call the desk or a supervisor",
    "gate_offline.js.stale": "Pass list out of date: call the desk or a supervisor",
    "gate_offline.js.label": "Offline check · list {minutes} min old",
    "gate_offline.js.pending": "To upload: {n}",
    "gate_offline.js.refused": "{n} not logged: {reason}",
    "gate_offline.js.sending": "Uploading offline scans…",
    "gate_offline.js.hours": "Hours",
    "gate_offline.js.no_snapshot": "No pass list on this phone: call the desk or a supervisor",
}
