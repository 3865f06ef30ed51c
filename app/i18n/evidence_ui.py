"""Messages of photo evidence: the upload route's refusals and the photo picker (zh default, en).

Merged into the catalogs by app.i18n. The picker's progress texts live in
assets/js/photo_upload.js (it runs outside Reflex state); keep them in step.
"""

ZH: dict[str, str] = {
    # refusals of app.domain.evidence.attach / app.api.evidence
    "evidence.bad_client_id": "上传标识无效，请刷新页面后重试",
    "evidence.client_id_taken": "上传标识已被使用，请刷新页面后重试",
    "evidence.unknown_subject": "无法为此对象添加照片",
    "evidence.bad_request": "上传内容不完整，请重新选择照片",
    "evidence.server_error": "服务器暂时无法保存照片，请稍后重试",
    # the picker and the strip (app.ui.components.evidence)
    "evidence.take_photo": "拍照",
    "evidence.add_photo": "添加照片",
    "evidence.photos": "照片",
    "evidence.no_photos": "还没有照片",
    "evidence.hidden": "已隐藏",
    "evidence.open_full": "查看原图",
}

EN: dict[str, str] = {
    "evidence.bad_client_id": "The upload id is not valid; reload the page and try again",
    "evidence.client_id_taken": "The upload id is already used; reload the page and try again",
    "evidence.unknown_subject": "Photos cannot be added to this item",
    "evidence.bad_request": "The upload was incomplete; pick the photo again",
    "evidence.server_error": "The server could not keep the photo just now; try again shortly",
    "evidence.take_photo": "Take photo",
    "evidence.add_photo": "Add photo",
    "evidence.photos": "Photos",
    "evidence.no_photos": "No photos yet",
    "evidence.hidden": "Hidden",
    "evidence.open_full": "Open full size",
}
