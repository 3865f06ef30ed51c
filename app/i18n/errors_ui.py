"""Messages of the HTTP surface: error pages (404, expired or refused links, server
errors) and the refusals of the upload routes (zh default, en).

Merged into the catalogs by app.i18n. The error pages served by `app.api.errors`
carry both languages and pick one in the browser (the language the app keeps).
"""

ZH: dict[str, str] = {
    # app.api.evidence / app.api.security: a body that is not a usable form
    "http.bad_form": "上传的内容格式不对，请重新选择照片后再试",
    "http.sign_in_to_upload": "请先登录，再上传文件",
    "http.upload_too_large": "文件太大（最大 {max_mb} MB）",
    # error pages (app.api.errors, app.ui.pages.errors)
    "err.home": "返回首页",
    "err.back": "返回上一页",
    "err.reload_hint": "回到原页面，刷新后再打开即可。",
    "err.image_reload": "请刷新页面",
    "err.404.title": "页面不存在",
    "err.404.body": "您要找的页面不存在，或者已经移走了。",
    "err.expired.title": "链接已过期",
    "err.expired.body": "为了保护隐私，文件链接只在一段时间内有效，这个链接已经过期。",
    "err.forbidden.title": "无法打开此链接",
    "err.forbidden.body": "这个链接无效或不完整，请从应用内重新打开。",
    "err.not_found.title": "找不到内容",
    "err.not_found.body": "您要的文件或记录不存在，或者已被删除。",
    "err.bad_request.title": "请求无效",
    "err.bad_request.body": "这个请求的内容不完整或格式不对。",
    "err.server.title": "服务器出错了",
    "err.server.body": "服务器暂时无法完成这个请求，请稍后再试。",
}

EN: dict[str, str] = {
    "http.bad_form": "The upload did not arrive as a valid form; pick the photo again and retry",
    "http.sign_in_to_upload": "Sign in before uploading a file",
    "http.upload_too_large": "The file is too large (at most {max_mb} MB)",
    "err.home": "Go to the home page",
    "err.back": "Go back",
    "err.reload_hint": "Go back to the page, reload it and open the file again.",
    "err.image_reload": "reload the page",
    "err.404.title": "Page not found",
    "err.404.body": "The page you asked for does not exist, or it has moved.",
    "err.expired.title": "This link has expired",
    "err.expired.body": "To protect privacy, file links only work for a while, and this one has expired.",
    "err.forbidden.title": "This link cannot be opened",
    "err.forbidden.body": "The link is not valid or not complete; open it again from inside the app.",
    "err.not_found.title": "Not found",
    "err.not_found.body": "The file or record you asked for does not exist, or it was removed.",
    "err.bad_request.title": "Bad request",
    "err.bad_request.body": "The request was incomplete or not in the expected form.",
    "err.server.title": "Something went wrong on the server",
    "err.server.body": "The server could not complete this request just now; try again shortly.",
}
