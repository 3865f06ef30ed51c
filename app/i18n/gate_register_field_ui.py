"""Messages of the gate's registers as the phone draws them from its own store (zh default, en); merged by
app.i18n.

The goods and visitor screens (assets/js/field_registers.js) get these with the registers' snapshot
(`app.api.gate_registers`), in both languages, with the `gate_reg.*` and `field.*` messages, so they speak
the user's language without signal.
"""

ZH: dict[str, str] = {
    "audit.action.gate.goods_permit_disputed": "离线凭许可证放行，服务器未找到有效许可证（待主管核查）",
    "gate_regf.queued_goods": "已保存在本机（待发送）：{what}",
    "gate_regf.queued_visitor": "已保存在本机（待发送）：访客 {name}",
    "gate_regf.queued_left": "已保存在本机（待发送）：访客 {name} 离开",
    "gate_regf.left_pending": "离开待发送",
    "gate_regf.disputed": "服务器未找到有效的装修许可证：已记录，提请主管核查",
    "gate_regf.permits_at": "许可证名单更新于 {time}",
    "gate_regf.no_permits_kept": "本机还没有许可证名单：搬出请凭业主确认，或在有信号时打开一次",
    "gate_regf.not_on_phone": "登记本还没有保存在本机。请在有信号时打开一次。",
    "gate_regf.refused_goods": "物品放行 {what}",
    "gate_regf.refused_visitor": "访客 {name}",
    "gate_regf.refused_left": "访客离开 {name}",
    "gate_regf.refused_photo": "物品照片",
    "gate_regf.goods_refused_photo": "该放行记录未能登记，照片无法记录",
    "gate_regf.household_checked_later": "房屋将在发送时由服务器核对",
}

EN: dict[str, str] = {
    "audit.action.gate.goods_permit_disputed": "Goods let out offline by a permit the server did not find (for the "
                                               "supervisor)",
    "gate_regf.queued_goods": "Kept on this phone (waiting to be sent): {what}",
    "gate_regf.queued_visitor": "Kept on this phone (waiting to be sent): visitor {name}",
    "gate_regf.queued_left": "Kept on this phone (waiting to be sent): visitor {name} left",
    "gate_regf.left_pending": "Leaving waits to be sent",
    "gate_regf.disputed": "The server found no valid renovation permit: recorded and flagged for the supervisor",
    "gate_regf.permits_at": "Permit list updated at {time}",
    "gate_regf.no_permits_kept": "No permit list on this phone yet: let goods out on the owner's word, or open this "
                                 "page once with signal",
    "gate_regf.not_on_phone": "The registers are not kept on this phone yet. Open them once with signal.",
    "gate_regf.refused_goods": "Goods {what}",
    "gate_regf.refused_visitor": "Visitor {name}",
    "gate_regf.refused_left": "Visitor {name} left",
    "gate_regf.refused_photo": "Photo of the goods",
    "gate_regf.goods_refused_photo": "The goods record was refused, so its photo cannot be recorded",
    "gate_regf.household_checked_later": "The household is checked by the server when sent",
}
