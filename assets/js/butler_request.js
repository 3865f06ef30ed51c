/*
 * The butler's request form on the phone, with or without signal (no build step; loaded from the
 * page head as /js/butler_request.js, see app/app.py).
 *
 * The page /m/requests/new (app/ui/pages/butler_request.py) renders an empty
 * <div id="butler-request-root">, which this script draws and owns.
 *
 * A submission (type, household, description, resident's phone, urgent, photos as blobs) is written
 * first to the phone's store (window.gbStore, IndexedDB, queue "requests") under a client id and
 * shown at once as 待发送 (waiting, never as recorded). It is sent whenever there is a connection:
 * POST /api/field/requests (registered once by its client id, so a retried tap or a resend never
 * makes two requests), then each photo by POST /api/evidence (kind "request", the id answered, its
 * own client id). Only when the server has answered for all of it is it shown as 已登记 with its
 * number (kept in "breq:recent"). A closed and reopened page still has the queue and sends it.
 *
 * A refusal (another grid's household, bad input) of what was just typed on this page puts it back
 * into the form with the server's message next to its field; a refusal of something queued earlier
 * is kept and shown with its reason. The form's messages (both languages) and types are kept in the
 * store ("breq:form"), refreshed from GET /api/field/requests while online.
 */
(function () {
  "use strict";
  if (window.gbButlerRequest) return;

  var QUEUE = "requests";
  var FORM = "breq:form";
  var RECENT = "breq:recent";
  var RETRY_MAX = 30000;
  var HOUSEHOLD_RE = /^([0-9]{1,3}) ?(?:栋|号楼|幢|#|-| ) ?(?:([0-9]{1,2}) ?(?:单元|-| ) ?)?([0-9]{3,5}) ?(?:室|号)?$/;
  var PHONE_RE = /^\+?[0-9]{5,15}$/;

  var S = {
    form: null, entries: [], recent: [], sending: false, retryMs: 0, retryTimer: null, signedOut: false,
    message: "", messageBad: false, errors: {}, type: "repair", photos: [], fresh: {}, thumbs: {},
  };

  // ---- small helpers ----------------------------------------------------------------------
  function token() { return gbStore.local("gb_session"); }
  function lang() { return gbStore.lang(); }
  function t(key, params) {
    var texts = (S.form && S.form.texts) || {};
    var cat = texts[lang()] || texts.zh || {};
    var text = cat[key] || key;
    return text.replace(/\{(\w+)\}/g, function (m, name) { return params && name in params ? params[name] : m; });
  }
  function hhmm(ms) {
    var d = new Date(ms);
    return String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0");
  }
  function h(tag, attrs) {
    var node = document.createElement(tag);
    var a = attrs || {};
    Object.keys(a).forEach(function (k) {
      var v = a[k];
      if (v === undefined || v === null || v === false) return;
      if (k === "text") node.textContent = v;
      else if (k === "on") Object.keys(v).forEach(function (ev) { node.addEventListener(ev, v[ev]); });
      else node.setAttribute(k, v === true ? "" : v);
    });
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      (Array.isArray(c) ? c : [c]).forEach(function (x) {
        if (x === null || x === undefined || x === false) return;
        node.appendChild(typeof x === "string" ? document.createTextNode(x) : x);
      });
    }
    return node;
  }
  function $(id) { return document.getElementById(id); }
  function online() { return navigator.onLine !== false; }
  function norm(text) { return String(text || "").normalize("NFKC").replace(/\s+/g, " ").trim(); }
  function short(text, n) { text = String(text || ""); return text.length > n ? text.slice(0, n) + "…" : text; }
  function waiting() { return S.entries.filter(function (e) { return e.state === "waiting"; }); }
  function refused() { return S.entries.filter(function (e) { return e.state === "refused"; }); }

  // ---- the form kept on the phone -----------------------------------------------------------
  async function fetchForm() {
    var tok = token();
    if (!tok) { S.signedOut = true; return false; }
    var res;
    try {
      res = await fetch("/api/field/requests?lang=" + lang(), { headers: { Authorization: "Bearer " + tok }, cache: "no-store" });
    } catch (e) { return false; }
    if (res.status === 401) { S.signedOut = true; return false; }
    if (!res.ok) return false;
    var body = await res.json();
    S.signedOut = false;
    if (await gbStore.claim(body.staff)) { S.entries = []; S.recent = []; }
    S.form = body;
    await gbStore.put(FORM, body);
    return true;
  }

  async function load() {
    S.entries = await gbStore.entries(QUEUE);
    S.recent = (await gbStore.get(RECENT)) || [];
  }

  // ---- the submission: checked, then queued first -------------------------------------------
  function value(id) { var el = $(id); return el ? el.value : ""; }

  function fail(field, text) {
    S.errors = {};
    S.errors[field] = text;
    drawDynamic();
    var el = $("breq-" + field);
    if (el && el.focus) el.focus();
  }

  async function submit(ev) {
    ev.preventDefault();
    if (S.submitting) return; // a second tap while the first is being kept
    var household = norm(value("breq-household"));
    var content = value("breq-content").trim();
    var phone = value("breq-phone").trim();
    var urgent = S.type === "repair" && !!($("breq-urgent") && $("breq-urgent").checked);
    if (!household) return fail("household", t("required.household"));
    if (!HOUSEHOLD_RE.test(household)) return fail("household", t("household.unreadable"));
    if (!content) return fail("content", t("required.content"));
    if (phone && !PHONE_RE.test(phone.replace(/[\s\-()]/g, ""))) return fail("phone", t("phone.invalid"));
    S.submitting = true;
    try {
      var entry = {
        kind: "request", cid: gbStore.newId("r"), type: S.type, household: household, content: content.slice(0, 1000),
        urgent: urgent, contact_phone: phone, photos: S.photos, request_id: 0, no: "", offline: !online(),
      };
      S.errors = {};
      S.fresh[entry.cid] = true;
      await gbStore.enqueue(QUEUE, entry);
      S.photos = [];
      S.message = t("butler_request.queued");
      S.messageBad = false;
      $("breq-form").reset();
      S.type = "repair";
      await load();
      drawDynamic();
    } finally {
      S.submitting = false;
    }
    pump();
  }

  async function addPhotos(files) {
    for (var i = 0; i < files.length; i++) {
      var file = files[i];
      var blob = null;
      try { blob = window.gbShrinkPhoto ? await window.gbShrinkPhoto(file) : null; } catch (e) { blob = null; }
      var data = blob || file;
      if (data.size > 25 * 1024 * 1024) { S.message = t("butler_request.photo_refused", { msg: "> 25 MB" }); S.messageBad = true; continue; }
      S.photos.push({ cid: gbStore.newId("p"), blob: data, name: file.name || "photo.jpg", claimed_at: file.lastModified || Date.now(), sent: false });
    }
    drawDynamic();
  }

  // what was just typed here and refused: back into the form, the message next to its field
  function putBack(entry, body) {
    S.type = entry.type;
    S.photos = entry.photos.filter(function (p) { return !p.sent; });
    drawDynamic();
    if ($("breq-household")) $("breq-household").value = entry.household;
    if ($("breq-content")) $("breq-content").value = entry.content;
    if ($("breq-phone")) $("breq-phone").value = entry.contact_phone;
    if ($("breq-urgent")) $("breq-urgent").checked = !!entry.urgent;
    S.message = "";
    var field = { household: "household", content: "content", contact_phone: "phone", kind: "kind", urgent: "urgent" }[body.field] || "form";
    fail(field, body.error || "");
  }

  async function dismissRefused() {
    var gone = refused();
    for (var k = 0; k < gone.length; k++) await gbStore.remove(gone[k].seq);
    await load();
    drawDynamic();
  }

  // ---- sending ------------------------------------------------------------------------------
  function transient(status) { return status >= 500 || status === 408 || status === 429 || status === 499; }

  async function sendRequest(e) {
    var res;
    try {
      res = await fetch("/api/field/requests", {
        method: "POST",
        headers: { Authorization: "Bearer " + token(), "Content-Type": "application/json" },
        body: JSON.stringify({ cid: e.cid, kind: e.type, household: e.household, content: e.content, urgent: !!e.urgent,
          contact_phone: e.contact_phone, lang: lang() }),
      });
    } catch (err) { return "offline"; }
    if (res.status === 401) { S.signedOut = true; return "stop"; }
    if (transient(res.status)) return "offline";
    var body = await res.json().catch(function () { return {}; });
    if (!res.ok) {
      // back into the form only if she has not started typing the next one meanwhile
      var blank = !value("breq-household").trim() && !value("breq-content").trim();
      if (S.fresh[e.cid] && blank) { await gbStore.remove(e.seq); putBack(e, body); }
      else await gbStore.update(e.seq, { state: "refused", reason: body.error || String(res.status) });
      return "next";
    }
    e.request_id = body.id; e.no = body.no; e.label = body.label;
    await gbStore.update(e.seq, { request_id: body.id, no: body.no, label: body.label });
    return "next";
  }

  async function sendPhoto(e, photo) {
    var form = new FormData();
    form.append("kind", "request");
    form.append("subject_id", String(e.request_id));
    form.append("client_id", photo.cid);
    form.append("claimed_at_ms", String(photo.claimed_at || e.at));
    form.append("lang", lang());
    form.append("file", photo.blob, photo.name || "photo.jpg");
    var res;
    try {
      res = await fetch("/api/evidence", { method: "POST", body: form, headers: { Authorization: "Bearer " + token() } });
    } catch (err) { return "offline"; }
    if (res.status === 401) { S.signedOut = true; return "stop"; }
    if (transient(res.status)) return "offline";
    if (!res.ok) {
      var body = await res.json().catch(function () { return {}; });
      photo.reason = body.error || String(res.status);
      S.message = t("butler_request.photo_refused", { msg: photo.reason });
      S.messageBad = true;
    }
    photo.sent = true;
    photo.blob = null;
    await gbStore.update(e.seq, { photos: e.photos });
    return "next";
  }

  async function done(e) {
    await gbStore.remove(e.seq);
    var photos = e.photos.filter(function (p) { return !p.reason; }).length;
    S.recent = [{ cid: e.cid, no: e.no, label: e.label || e.household, content: e.content, type: e.type, photos: photos,
      at: e.at }].concat(S.recent.filter(function (r) { return r.cid !== e.cid; })).slice(0, 10);
    await gbStore.put(RECENT, S.recent);
    S.message = t("butler_request.sent", { no: e.no });
    S.messageBad = false;
  }

  async function pump() {
    if (S.sending || !token()) return;
    S.sending = true;
    clearTimeout(S.retryTimer);
    drawDynamic();
    var outcome = "next";
    try {
      for (;;) {
        S.entries = await gbStore.entries(QUEUE);
        var e = waiting()[0];
        if (!e) break;
        if (!e.request_id) outcome = await sendRequest(e);
        if (outcome === "next" && e.request_id) {
          var photo = e.photos.find(function (p) { return !p.sent; });
          if (photo) outcome = await sendPhoto(e, photo);
          else await done(e);
        }
        if (outcome !== "next") break;
        S.retryMs = 0;
      }
    } catch (err) {
      console.warn("butler request:", err);
      outcome = "offline";
    } finally {
      S.sending = false;
      await load().catch(function () { /* keep what is shown */ });
    }
    if (outcome === "offline") {
      S.retryMs = Math.min(RETRY_MAX, S.retryMs ? S.retryMs * 2 : 2000);
      S.retryTimer = setTimeout(pump, S.retryMs);
    }
    drawDynamic();
  }

  // ---- drawing --------------------------------------------------------------------------------
  function badge(color, text, extra) {
    return h("span", { "class": "walk-badge walk-" + color + (extra ? " " + extra : "") }, text);
  }

  function fieldError(field) {
    var text = S.errors[field];
    return text ? h("div", { id: "breq-" + field + "-error", "class": "walk-field-error", role: "alert" }, text) : null;
  }

  function label(forId, key) { return h("label", { "for": forId, "class": "reg-label" }, t(key)); }

  function thumbs(list) {
    return list.filter(function (p) { return p.blob; }).map(function (p) {
      var url = S.thumbs[p.cid];
      if (!url) { url = URL.createObjectURL(p.blob); S.thumbs[p.cid] = url; }
      return h("div", { "class": "walk-thumb-wrap" },
        h("img", { src: url, "class": "walk-thumb walk-thumb-pending breq-thumb", alt: "" }),
        h("span", { "class": "walk-thumb-label" }, t("field.pending")));
    });
  }

  function form() {
    var file = h("input", { type: "file", accept: "image/*", capture: "environment", multiple: true, id: "breq-photo",
      "class": "walk-file", on: { change: function (ev) {
        var files = Array.prototype.slice.call(ev.target.files || []);
        ev.target.value = "";
        addPhotos(files).catch(function (e) { console.warn(e); });
      } } });
    return h("form", { id: "breq-form", "class": "walk-card", novalidate: true,
      on: { submit: function (ev) { submit(ev).catch(function (e) { console.warn(e); }); } } },
      h("div", { "class": "reg-label" }, t("butler_request.kind")),
      h("div", { id: "breq-kind-box" }),
      label("breq-household", "butler_request.household"),
      h("input", { id: "breq-household", name: "household", "class": "walk-input", autocomplete: "off", maxlength: "40",
        on: { input: function () { if (S.errors.household) { S.errors = {}; drawDynamic(); } } } }),
      h("div", { id: "breq-household-box" }),
      label("breq-content", "butler_request.content"),
      h("textarea", { id: "breq-content", name: "content", "class": "walk-input", rows: "3", maxlength: "1000" }),
      h("div", { id: "breq-content-box" }),
      label("breq-phone", "butler_request.contact_phone"),
      h("input", { id: "breq-phone", name: "contact_phone", type: "tel", "class": "walk-input", maxlength: "20", autocomplete: "off" }),
      h("div", { id: "breq-phone-box" }),
      h("label", { id: "breq-urgent-box", "class": "walk-row", style: "min-height:44px;align-items:center;gap:8px" },
        h("input", { type: "checkbox", id: "breq-urgent", name: "urgent", style: "width:22px;height:22px" }),
        t("butler_request.urgent")),
      h("div", { id: "breq-urgent-err" }),
      h("label", { "for": "breq-photo", "class": "walk-btn walk-soft walk-photo" }, t("butler_request.photos")),
      file,
      h("div", { id: "breq-photos", "class": "walk-photos" }),
      h("div", { id: "breq-form-box" }),
      h("button", { type: "submit", id: "breq-submit", "class": "walk-btn walk-primary walk-wide" }, t("butler_request.submit")));
  }

  function banner() {
    var w = waiting();
    var box = h("div", { id: "breq-net", "class": "walk-net " + (online() ? "walk-net-on" : "walk-net-off"), role: "status",
      "data-waiting": String(w.length), "data-online": online() ? "1" : "0" });
    if (!online()) box.appendChild(h("div", { "class": "walk-net-title", id: "breq-offline" }, t("field.offline")));
    box.appendChild(h("div", { id: "breq-waiting" },
      w.length ? t("field.waiting", { n: w.length, time: hhmm(w[0].at) }) + (S.sending ? " · " + t("field.sending") : "")
        : t("field.all_sent")));
    return box;
  }

  function row(e, sent) {
    var kindText = t("rr.kind." + e.type);
    var photos = sent ? e.photos : e.photos.filter(function (p) { return !p.sent; }).length;
    return h("div", { "class": "breq-row", "data-cid": e.cid, "data-state": sent ? "sent" : e.state,
      style: "padding:8px 0;border-bottom:1px solid var(--gray-a4)" },
      h("div", { "class": "walk-row", style: "flex-wrap:wrap" },
        h("strong", {}, hhmm(e.at)), badge("gray", kindText), h("span", {}, e.label || e.household),
        sent ? badge("green", t("butler_request.sent", { no: e.no }), "breq-sent")
          : e.state === "refused" ? badge("amber", e.reason || "", "breq-refused")
            : badge("amber", t("field.pending"), "breq-pending"),
        e.urgent ? badge("amber", t("butler_request.urgent")) : null),
      h("div", {}, short(e.content, 60)),
      !sent && photos ? h("div", { "class": "walk-muted breq-photos-waiting" }, t("butler_request.photos_waiting", { n: photos })) : null);
  }

  function list() {
    var queued = S.entries.slice().reverse();
    if (!queued.length && !S.recent.length) return null;
    return h("div", { "class": "walk-card", id: "breq-list" },
      h("strong", {}, t("butler_request.recent")),
      queued.map(function (e) { return row(e, false); }),
      S.recent.map(function (r) { return row(r, true); }),
      refused().length ? h("button", { type: "button", "class": "walk-btn walk-soft", id: "breq-refused-ok",
        on: { click: dismissRefused } }, t("field.dismiss")) : null);
  }

  function drawDynamic() {
    if (!built) return;
    var set = function (id, node) { var box = $(id); if (box) box.replaceChildren.apply(box, [node].filter(Boolean)); };
    set("breq-top", h("div", { style: "display:flex;flex-direction:column;gap:12px" }, banner(),
      S.signedOut ? h("div", { "class": "walk-callout walk-red", id: "breq-signed-out" }, t("field.signed_out")) : null,
      S.message ? h("div", { id: "breq-flash", role: "status", "class": "walk-callout " + (S.messageBad ? "walk-amber" : "walk-green-soft") }, S.message) : null));
    var kinds = (S.form && S.form.kinds) || ["repair", "complaint", "inquiry", "suggestion", "praise"];
    set("breq-kind-box", h("div", { role: "radiogroup", id: "breq-kind", "class": "walk-row reg-seg", style: "flex-wrap:wrap" },
      kinds.map(function (k) {
        var on = k === S.type;
        return h("button", { type: "button", role: "radio", "aria-checked": on ? "true" : "false", "data-value": k,
          "class": "walk-btn " + (on ? "walk-primary" : "walk-soft"),
          on: { click: function () { S.type = k; drawDynamic(); } } }, t("rr.kind." + k));
      })));
    var urgent = $("breq-urgent-box");
    if (urgent) urgent.style.display = S.type === "repair" ? "flex" : "none";
    set("breq-household-box", fieldError("household"));
    set("breq-content-box", fieldError("content"));
    set("breq-phone-box", fieldError("phone"));
    set("breq-urgent-err", fieldError("urgent") || fieldError("kind"));
    set("breq-form-box", fieldError("form"));
    set("breq-photos", h("div", { "class": "walk-photos" }, thumbs(S.photos)));
    set("breq-list-box", list());
  }

  var built = null;
  function render() {
    var root = $("butler-request-root");
    if (!root) return;
    if (!S.form) {
      built = null;
      root.replaceChildren(h("div", { "class": "walk-callout walk-amber", id: "breq-not-on-phone" },
        S.signedOut ? "请先登录 / Please sign in" : "登记表还没有保存在本机。请在有信号时打开一次。"));
      return;
    }
    if (built !== root || root.getAttribute("data-lang") !== lang()) {
      // the form is built once (what is typed stays across redraws); the rest is redrawn
      built = root;
      root.setAttribute("data-lang", lang());
      root.replaceChildren(h("div", { id: "breq-top" }), form(), h("div", { id: "breq-list-box" }));
    }
    drawDynamic();
  }

  // ---- start ---------------------------------------------------------------------------------
  async function start() {
    S.message = ""; S.errors = {}; S.type = "repair"; S.photos = []; S.fresh = {};
    var kept = await gbStore.get(FORM);
    if (kept) S.form = kept;
    await load();
    render();
    if (online()) { await fetchForm(); render(); }
    pump();
  }

  var mounted = null;
  function check() {
    var root = $("butler-request-root");
    if (!root) { mounted = null; built = null; return; }
    if (root === mounted) {
      if (root.getAttribute("data-lang") && root.getAttribute("data-lang") !== lang()) render();
      return;
    }
    // the store's script may load after this one: try again shortly, the root is not yet ours
    if (!window.gbStore) { setTimeout(check, 100); return; }
    mounted = root;
    built = null;
    start().catch(function (e) { console.warn("butler request:", e); mounted = null; setTimeout(check, 1000); });
  }

  window.gbButlerRequest = { pump: pump, state: S };
  new MutationObserver(check).observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener("online", function () { drawDynamic(); pump(); });
  window.addEventListener("offline", drawDynamic);
  window.addEventListener("gbstore:change", function (ev) {
    if (ev.detail && ev.detail.wiped) { S.form = null; S.entries = []; S.recent = []; }
  });
  document.addEventListener("visibilitychange", function () { if (!document.hidden) pump(); });
  check();
})();
