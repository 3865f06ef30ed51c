"""Messages of the butler's phone form for registering a request (/m/requests/new)."""

from __future__ import annotations

ZH: dict[str, str] = {
    "audit.action.request.butler_refused": "管家登记被拒绝（非本人网格）",
    "butler_request.title": "登记报修/投诉",
    "butler_request.entry": "登记报修/投诉",
    "butler_request.kind": "类型",
    "butler_request.household": "房屋（楼栋-单元-房号，如 3-1-502）",
    "butler_request.content": "情况描述",
    "butler_request.contact_phone": "业主电话（选填）",
    "butler_request.urgent": "紧急维修（急修）",
    "butler_request.photos": "拍照 / 添加照片",
    "butler_request.submit": "登记",
    "butler_request.queued": "已保存在本机，待发送",
    "butler_request.sent": "已登记：{no}",
    "butler_request.recent": "本机登记",
    "butler_request.photos_waiting": "{n} 张照片待发送",
    "butler_request.other_grid": "该房屋不在您今天负责的网格，不能由您登记；请联系前台",
    "butler_request.urgent_repairs_only": "只有报修可以标为急修",
    "butler_request.not_on_phone": "登记表还没有保存在本机。请在有信号时打开一次。",
    "butler_request.back": "返回我的网格",
    "butler_request.photo_refused": "照片未能保存：{msg}",
}

EN: dict[str, str] = {
    "audit.action.request.butler_refused": "Butler's registration refused (not her grid)",
    "butler_request.title": "Register a repair / complaint",
    "butler_request.entry": "Register a repair / complaint",
    "butler_request.kind": "Type",
    "butler_request.household": "Household (building-entrance-room, e.g. 3-1-502)",
    "butler_request.content": "What the resident said",
    "butler_request.contact_phone": "Resident's phone (optional)",
    "butler_request.urgent": "Urgent repair",
    "butler_request.photos": "Take / add photos",
    "butler_request.submit": "Register",
    "butler_request.queued": "Kept on this phone, waiting to be sent",
    "butler_request.sent": "Registered: {no}",
    "butler_request.recent": "Registered on this phone",
    "butler_request.photos_waiting": "{n} photo(s) waiting to be sent",
    "butler_request.other_grid": "This household is not in a grid you answer for today; ask the front desk",
    "butler_request.urgent_repairs_only": "Only a repair can be marked urgent",
    "butler_request.not_on_phone": "The form is not kept on this phone yet. Open it once with signal.",
    "butler_request.back": "Back to my grid",
    "butler_request.photo_refused": "Photo not kept: {msg}",
}
