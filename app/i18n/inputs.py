"""Messages about input the app could not read: amounts of money, ids in events, the safety net
for an unexpected failure (zh default, en); merged by app.i18n."""

ZH: dict[str, str] = {
    "field.amount": "金额",
    "field.text": "内容",
    "field.code": "巡查点编码",
    "money.invalid": "{field}格式不正确：请输入数字金额，如 1200 或 1,200.50",
    "money.decimals": "{field}最多保留两位小数（精确到分）",
    "money.negative": "{field}不能为负数",
    "money.too_large": "{field}过大（最多 ¥{max}）",
    "form.bad_id": "该操作无法识别，请刷新页面后重试",
    "error.unexpected": "操作失败，请重试",
}

EN: dict[str, str] = {
    "field.amount": "Amount",
    "field.text": "Text",
    "field.code": "Checkpoint code",
    "money.invalid": "{field}: type an amount in yuan, such as 1200 or 1,200.50",
    "money.decimals": "{field}: at most two decimals (fen)",
    "money.negative": "{field} cannot be negative",
    "money.too_large": "{field} is too large (at most ¥{max})",
    "form.bad_id": "That action could not be understood; reload the page and try again",
    "error.unexpected": "Something went wrong; please try again",
}
