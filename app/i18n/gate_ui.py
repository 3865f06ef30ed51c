"""Messages of the guard's gate screen (zh default, en); merged by app.i18n. Verdict words are in renovations.py."""

ZH: dict[str, str] = {
    "gate_ui.gate_name": "岗位（如 东门）",
    "gate_ui.hot_work": "动火作业",
    "gate_ui.code_placeholder": "或输入出入证上的编码",
    "gate_ui.check": "核验",
    "gate_ui.camera_error": "无法打开摄像头，请输入出入证编码",
    "gate_ui.recent": "最近核验",
    "gate_ui.hours": "施工时间",
}

EN: dict[str, str] = {
    "gate_ui.gate_name": "Gate (e.g. East gate)",
    "gate_ui.hot_work": "Hot work",
    "gate_ui.code_placeholder": "or type the code on the pass",
    "gate_ui.check": "Check",
    "gate_ui.camera_error": "Cannot open the camera; type the pass code",
    "gate_ui.recent": "Latest scans",
    "gate_ui.hours": "Hours",
}
