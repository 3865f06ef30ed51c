"""Patrol words and sizes: checklist categories and the default template, plan kinds, statuses, the tag code alphabet."""

from __future__ import annotations

import re

from app.domain import work_orders

HYGIENE = "hygiene"
ORDER = "order"
FACILITIES = "facilities"
CATEGORIES: tuple[str, ...] = (HYGIENE, ORDER, FACILITIES)

# which department a failed item of each category goes to by default
DEFAULT_DEPARTMENT = {
    HYGIENE: work_orders.CLEANING,
    ORDER: work_orders.SECURITY,
    FACILITIES: work_orders.ENGINEERING,
}

# the handbook's butler duties, as the template new communities start from
DEFAULT_TEMPLATE: tuple[tuple[str, str], ...] = (
    (HYGIENE, "地面、楼梯清洁，无垃圾杂物"),
    (HYGIENE, "垃圾桶已清运，无满溢异味"),
    (HYGIENE, "墙面、电梯无小广告"),
    (ORDER, "消防通道畅通，无堆物占用"),
    (ORDER, "无可疑人员，无违规停放"),
    (ORDER, "无违规装修、无噪音扰民"),
    (FACILITIES, "照明灯具完好"),
    (FACILITIES, "单元门、门禁正常"),
    (FACILITIES, "消防器材完好在位"),
)

DAILY = "daily"
WEEKLY = "weekly"
WEEKDAYS = "weekdays"
CADENCES: tuple[str, ...] = (DAILY, WEEKLY, WEEKDAYS)

IN_PROGRESS = "in_progress"
FINISHED = "finished"

# due-list states
DUE = "due"
STARTED = "started"
DONE = "done"
LATE = "late"  # not finished and past its due time (still walkable)

CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"  # no 0/O, 1/I/L, 2/Z, 5/S, 8/B
CODE_LEN = 6
# what a typed code looks like (any letters or digits: a mistyped code gets "unknown code")
_CODE_RE = re.compile(rf"[A-Z0-9]{{{CODE_LEN}}}")
_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")

VISIT_PHOTO_KIND = "patrol_visit"
