/*
 * Photo evidence from the phone's camera to the server (no build step; loaded
 * from the page head as /js/photo_upload.js, see app/app.py).
 *
 * Handles every <input type=file data-evidence-kind=K data-evidence-subject=ID
 * data-done-button=BUTTON_ID> (app/ui/components/evidence.py photo_picker):
 * for each picked photo
 *   - a client id (crypto.randomUUID, else a Math.random one) that stays the
 *     same through retries, so the server stores a retried upload once;
 *   - shrinks it in the browser to <= 1600 px on the long side as a JPEG
 *     (createImageBitmap with EXIF orientation applied + canvas), so a 4 MB
 *     12-MP photo crosses the mobile network as a few hundred KB (q0.85, lower
 *     steps down to q0.5 while it is over 320 KB); a JPEG that
 *     is already <= 1600 px is sent as it is; a photo the browser cannot
 *     decode (HEIC on Chromium) is sent as it is and the server decides;
 *   - POSTs it to /api/evidence with the session token from localStorage
 *     ("gb_session", the raw token string Reflex keeps there) as a bearer
 *     header, with the file's lastModified as the claimed capture time (the
 *     resized JPEG has no EXIF);
 *   - retries network errors and 5xx up to 3 times (1 s, 2 s, 4 s) with the
 *     same client id; shows the server's message on a 4xx;
 *   - writes progress into the [data-status] element of the picker, in the
 *     language of localStorage "gb_lang" (zh or en);
 *   - after each stored photo clicks the hidden button #BUTTON_ID, whose
 *     Reflex event reloads the photo list from the database, and fires a
 *     bubbling "evidence:uploaded" event ({id, thumb_url, full_url, sent_bytes,
 *     resized}).
 * The input is reset afterwards so the same photo can be picked again.
 *
 * A resident has no session. Inside an element with data-evidence-link=LINK
 * (the private status page /q/LINK) the upload carries "Authorization: Link
 * LINK" instead of the bearer, and the server stores it against that request.
 * On the poster page the form's <input type=file data-resident-photos> only
 * keeps the picked photos (its [data-status] says how many); once the request
 * is filed the page calls window.gbUploadPending(link, requestId, statusId,
 * doneId) to send them the same way.
 */
(function () {
  "use strict";
  if (window.__gbPhotoUpload) return;
  window.__gbPhotoUpload = true;

  var MAX_PX = 1600;
  var QUALITY = 0.85;
  // A 1600x1200 photo at q0.85 is ~200-400 KB; a busier one (foliage, gravel, noise in
  // low light) is re-encoded a step lower until it fits, so that it crosses a 1.5 Mbit/s
  // uplink in under 2 s. The server keeps its own q82 derivative of what it receives.
  var BUDGET = 320 * 1024;
  var LOWER = [0.72, 0.6, 0.5];
  var MAX_BYTES = 25 * 1024 * 1024;
  var RETRIES = 3;
  var ENDPOINT = "/api/evidence";

  var TEXT = {
    zh: {
      preparing: "正在处理照片 {i}/{n}…",
      uploading: "正在上传 {i}/{n}… {p}%",
      retrying: "网络不稳定，正在重试（第 {k} 次）…",
      done: "已保存 {n} 张照片",
      failed: "照片 {i} 未保存：{msg}",
      network: "网络连接失败，请稍后重试",
      too_large: "照片太大（最大 25 MB）",
      signed_out: "登录已过期，请重新登录",
      picked: "已选 {n} 张照片，提交后上传",
    },
    en: {
      preparing: "Preparing photo {i}/{n}…",
      uploading: "Uploading {i}/{n}… {p}%",
      retrying: "Weak connection, trying again ({k})…",
      done: "{n} photo(s) saved",
      failed: "Photo {i} not saved: {msg}",
      network: "No connection; try again shortly",
      too_large: "The photo is too large (at most 25 MB)",
      signed_out: "Your sign-in has expired; sign in again",
      picked: "{n} photo(s) picked; they are uploaded after sending",
    },
  };

  // Reflex 0.10 stores a LocalStorage var as the raw string; accept a JSON string too.
  function stored(key) {
    var v = null;
    try { v = window.localStorage.getItem(key); } catch (e) { v = null; }
    if (v && v.length >= 2 && v.charAt(0) === '"' && v.charAt(v.length - 1) === '"') {
      try { v = JSON.parse(v); } catch (e) { /* keep raw */ }
    }
    return v || "";
  }

  function lang() { return stored("gb_lang") === "en" ? "en" : "zh"; }

  function say(key, params) {
    var text = TEXT[lang()][key] || key;
    params = params || {};
    return text.replace(/\{(\w+)\}/g, function (m, name) {
      return params[name] !== undefined ? String(params[name]) : m;
    });
  }

  function newClientId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    var s = Date.now().toString(36) + "-";
    for (var i = 0; i < 24; i++) s += Math.floor(Math.random() * 36).toString(36);
    return s.slice(0, 40);
  }

  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }

  function canvasBlob(canvas, quality) {
    if (canvas.convertToBlob) {
      return canvas.convertToBlob({ type: "image/jpeg", quality: quality });
    }
    return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", quality); });
  }

  // The photo as it should cross the network: a <= 1600 px JPEG Blob, or null to send the file.
  async function shrink(file) {
    if (typeof window.createImageBitmap !== "function") return null;
    var bmp;
    try {
      bmp = await window.createImageBitmap(file, { imageOrientation: "from-image" });
    } catch (e) {
      return null; // not decodable here (HEIC on Chromium, not an image): the server decides
    }
    try {
      var w = bmp.width, h = bmp.height, longest = Math.max(w, h);
      if (file.type === "image/jpeg" && longest <= MAX_PX) return null;
      var scale = Math.min(1, MAX_PX / longest);
      var tw = Math.max(1, Math.round(w * scale)), th = Math.max(1, Math.round(h * scale));
      var canvas;
      if (typeof window.OffscreenCanvas === "function") {
        canvas = new window.OffscreenCanvas(tw, th);
      } else {
        canvas = document.createElement("canvas");
        canvas.width = tw;
        canvas.height = th;
      }
      var ctx = canvas.getContext("2d");
      if (!ctx) return null;
      ctx.fillStyle = "#fff"; // a transparent PNG gets a white background, as on the server
      ctx.fillRect(0, 0, tw, th);
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = "high";
      ctx.drawImage(bmp, 0, 0, tw, th);
      var blob = await canvasBlob(canvas, QUALITY);
      for (var k = 0; blob && blob.size > BUDGET && k < LOWER.length; k++) {
        blob = (await canvasBlob(canvas, LOWER[k])) || blob;
      }
      return blob && blob.size > 0 ? blob : null;
    } catch (e) {
      return null;
    } finally {
      if (bmp && bmp.close) bmp.close();
    }
  }

  // One POST; resolves {status, body} (status 0 = network error), reports upload progress.
  function post(form, onProgress, link) {
    return new Promise(function (resolve) {
      var xhr = new XMLHttpRequest();
      xhr.open("POST", ENDPOINT + "?lang=" + lang());
      xhr.setRequestHeader("Authorization", link ? "Link " + link : "Bearer " + stored("gb_session"));
      xhr.setRequestHeader("Accept", "application/json");
      xhr.timeout = 120000;
      if (xhr.upload && onProgress) {
        xhr.upload.onprogress = function (ev) {
          if (ev.lengthComputable && ev.total > 0) onProgress(Math.floor((ev.loaded / ev.total) * 100));
        };
      }
      xhr.onload = function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
        resolve({ status: xhr.status, body: body });
      };
      xhr.onerror = function () { resolve({ status: 0, body: null }); };
      xhr.ontimeout = function () { resolve({ status: 0, body: null }); };
      xhr.send(form);
    });
  }

  // where a picked photo goes: {kind, subject, link ("" for staff), done (button id)}
  function targetOf(input) {
    var holder = input.closest("[data-evidence-link]");
    return {
      kind: input.getAttribute("data-evidence-kind") || "",
      subject: input.getAttribute("data-evidence-subject") || "",
      link: holder ? holder.getAttribute("data-evidence-link") || "" : "",
      done: input.getAttribute("data-done-button") || "",
    };
  }

  async function uploadOne(target, file, i, n, show) {
    var kind = target.kind, subject = target.subject;
    var clientId = newClientId();
    show(say("preparing", { i: i, n: n }));
    var blob = await shrink(file);
    var payload = blob || file;
    var name = blob ? (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg" : (file.name || "photo");
    if (payload.size > MAX_BYTES) return { ok: false, msg: say("too_large") };
    for (var attempt = 0; ; attempt++) {
      var form = new FormData();
      form.append("kind", kind);
      form.append("subject_id", subject);
      form.append("client_id", clientId);
      form.append("claimed_at_ms", String(file.lastModified || ""));
      form.append("lang", lang());
      form.append("file", payload, name);
      show(say("uploading", { i: i, n: n, p: 0 }));
      var res = await post(form, function (p) { show(say("uploading", { i: i, n: n, p: p })); },
        target.link);
      if (res.status >= 200 && res.status < 300 && res.body) {
        res.body.sent_bytes = payload.size;
        res.body.resized = !!blob;
        return { ok: true, body: res.body };
      }
      var retriable = res.status === 0 || res.status >= 500;
      if (!retriable || attempt >= RETRIES) {
        var msg = res.body && res.body.error ? res.body.error
          : res.status === 401 ? say("signed_out") : say("network");
        return { ok: false, msg: msg, status: res.status };
      }
      show(say("retrying", { k: attempt + 1 }));
      await sleep(1000 * Math.pow(2, attempt));
    }
  }

  function statusOf(input) {
    var box = input.closest("[data-evidence-picker]") || input.parentElement;
    return box ? box.querySelector("[data-status]") : null;
  }

  var queue = Promise.resolve();

  async function handle(input, files) {
    return send(targetOf(input), files, function () { return statusOf(input); }, input);
  }

  // upload `files` to `target`; getStatus() finds the [data-status] element (it may mount later)
  async function send(target, files, getStatus, eventTarget) {
    var status = getStatus();
    var show = function (text, bad) {
      if (!status) return;
      status.textContent = text;
      status.setAttribute("data-state", bad ? "error" : "busy");
    };
    var saved = 0, errors = [];
    for (var i = 0; i < files.length; i++) {
      var result;
      status = getStatus() || status;
      try {
        result = await uploadOne(target, files[i], i + 1, files.length, show);
      } catch (e) {
        result = { ok: false, msg: say("network") };
      }
      if (result.ok) {
        saved++;
        (eventTarget || document).dispatchEvent(
          new CustomEvent("evidence:uploaded", { bubbles: true, detail: result.body }));
        // fetch the thumbnail now (private cache, same signed URL for 10 min) while the
        // Reflex event below reloads the list, instead of one round trip after it
        if (result.body.thumb_url) { var pre = new Image(); pre.src = result.body.thumb_url; }
        var done = document.getElementById(target.done || "");
        if (done) done.click();
      } else {
        errors.push(say("failed", { i: i + 1, msg: result.msg }));
        show(errors.join("\n"), true);
      }
    }
    status = getStatus() || status;
    if (status) {
      if (errors.length) {
        status.textContent = (saved ? say("done", { n: saved }) + "\n" : "") + errors.join("\n");
        status.setAttribute("data-state", "error");
      } else {
        status.textContent = say("done", { n: saved });
        status.setAttribute("data-state", "done");
      }
    }
  }

  // the patrol walk keeps photos in the phone's outbox: it shrinks them the same way first
  // (assets/js/field_walk.js); null means "send the file as it is"
  window.gbShrinkPhoto = shrink;

  // the poster page's form: photos picked before the request exists wait here
  var pending = [];

  window.gbUploadPending = function (link, requestId, statusId, doneId) {
    var files = pending;
    pending = [];
    if (!files.length || !link) return;
    var target = { kind: "request", subject: String(requestId), link: link, done: doneId || "" };
    var getStatus = function () { return document.getElementById(statusId || ""); };
    queue = queue.then(function () { return send(target, files, getStatus, null); })
      .catch(function () {});
  };

  document.addEventListener("change", function (ev) {
    var input = ev.target;
    if (input && input.tagName === "INPUT" && input.hasAttribute("data-resident-photos")) {
      pending = Array.prototype.slice.call(input.files || []);
      var box = statusOf(input);
      if (box) box.textContent = pending.length ? say("picked", { n: pending.length }) : "";
      return;
    }
    if (!input || input.tagName !== "INPUT" || !input.hasAttribute("data-evidence-kind")) return;
    var files = Array.prototype.slice.call(input.files || []);
    input.value = ""; // reset now: the same photo can be picked again, files is kept above
    if (!files.length) return;
    queue = queue.then(function () { return handle(input, files); }).catch(function () {});
  }, true);
})();
