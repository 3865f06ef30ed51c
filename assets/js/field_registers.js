/*
 * The gate's registers on the phone, with or without signal (no build step; loaded from the
 * page head as /js/field_registers.js, see app/app.py).
 *
 * The pages /gate/goods and /gate/visitors (app/ui/pages/gate_register.py) render an empty
 * <div id="goods-root"> or <div id="visitors-root">, which this script draws and owns.
 *
 * Every register tap (goods registered, visitor registered, visitor left, photo of the goods)
 * is written first to the phone's store (window.gbStore, IndexedDB, queue "registers") with a
 * client id, the phone's time and an offline flag, shown at once as 待发送 (waiting to be sent,
 * never as recorded), and sent in order whenever there is a connection: consecutive register
 * actions in one POST /api/gate/registers/sync, each photo by POST /api/evidence. The server
 * applies each client id once, so a retry never records twice. A photo belongs to the goods
 * record made on the phone (its client id), resolved at send time to the server id the sync
 * answered for exactly that client id. A refused action is kept with the server's reason in the
 * user's language and shown; the rest goes on.
 *
 * The registers' snapshot (the community's renovations under way with their permits, today's
 * goods, the visitors inside, the messages in both languages) is kept in the store
 * ("registers:snap"), refreshed from GET /api/gate/registers while online. A typed household is
 * checked against its permit list offline; the server checks it again at sync.
 */
(function () {
  "use strict";
  if (window.gbRegisters) return;

  var QUEUE = "registers";
  var SNAP = "registers:snap";
  var IDS = "registers:ids";
  var RETRY_MAX = 30000;
  var REFRESH_MS = 5 * 60 * 1000;
  var HOUSEHOLD_RE = /^([0-9]{1,3}) ?(?:栋|号楼|幢|#|-| ) ?(?:([0-9]{1,2}) ?(?:单元|-| ) ?)?([0-9]{3,5}) ?(?:室|号)?$/;
  var PHONE_RE = /^\+?[0-9]{5,15}$/;

  var S = {
    which: "", snap: null, texts: null, savedAt: 0, entries: [], sending: false, retryMs: 0, retryTimer: null,
    signedOut: false, message: "", messageBad: false, error: "", lastCid: "", thumbs: {},
    direction: "in", confirm: "", hint: null, refreshTimer: null,
  };

  // ---- small helpers ----------------------------------------------------------------------
  function stored(key) {
    var v = null;
    try { v = localStorage.getItem(key); } catch (e) { v = null; }
    if (v === null) return "";
    try { var parsed = JSON.parse(v); if (typeof parsed === "string") return parsed; } catch (e) { /* raw */ }
    return v;
  }
  function token() { return stored("gb_session"); }
  function lang() { return stored("gb_lang") === "en" ? "en" : "zh"; }
  function gateName() { return stored("gb_gate").slice(0, 20); }
  function t(key, params) {
    var cat = (S.texts && (S.texts[lang()] || S.texts.zh)) || {};
    var text = cat[key] || key;
    return text.replace(/\{(\w+)\}/g, function (m, name) { return params && name in params ? params[name] : m; });
  }
  function hhmm(ms) {
    if (!ms) return "";
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
      else if (k === "style") node.setAttribute("style", v);
      else node.setAttribute(k, v === true ? "" : v);
    });
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined || c === false) continue;
      (Array.isArray(c) ? c : [c]).forEach(function (x) {
        if (x === null || x === undefined || x === false) return;
        node.appendChild(typeof x === "string" ? document.createTextNode(x) : x);
      });
    }
    return node;
  }
  function online() { return navigator.onLine !== false; }
  function norm(text) { return String(text || "").normalize("NFKC").replace(/\s+/g, " ").trim(); }
  function short(text, n) { text = String(text || ""); return text.length > n ? text.slice(0, n) + "…" : text; }
  function $(id) { return document.getElementById(id); }

  // ---- the household typed, against the permit list the phone keeps ----------------------
  function household(text) {
    var raw = norm(text);
    if (!raw) return null;
    var m = HOUSEHOLD_RE.exec(raw);
    if (!m) return { error: t("household.unreadable") };
    var b = parseInt(m[1], 10), e = m[2] ? parseInt(m[2], 10) : null, room = m[3];
    var permits = ((S.snap && S.snap.permits) || []).filter(function (p) {
      return p.b === b && p.room === room && (e === null || p.e === e);
    });
    if (permits.length === 1) return { label: permits[0].label, permit: permits[0] };
    return { label: e === null ? b + "栋 " + room : b + "栋 " + e + "单元 " + room, permit: null };
  }

  // ---- the registers as the phone sees them: the server's + what waits to be sent ------------
  function waiting() { return S.entries.filter(function (e) { return e.state === "waiting"; }); }
  function refused() { return S.entries.filter(function (e) { return e.state === "refused"; }); }

  function goodsRows() {
    var server = (S.snap && S.snap.goods) || [];
    var known = {};
    server.forEach(function (g) { if (g.cid) known[g.cid] = true; });
    var photos = S.entries.filter(function (e) { return e.kind === "photo" && e.state === "waiting"; });
    var queued = S.entries.filter(function (e) { return e.kind === "goods" && e.state === "waiting" && !known[e.cid]; })
      .map(function (e) {
        return {
          id: 0, cid: e.cid, at: e.at, direction: e.direction, items: e.items, household: e.label,
          carrier: [e.carrier_name, e.carrier_phone].filter(Boolean).join(" "), confirmed_by: e.confirmed_by,
          confirmed_name: e.confirmed_name, thumb: "", pending: true,
        };
      }).reverse();
    return queued.concat(server).map(function (g) {
      var mine = photos.filter(function (p) { return p.goods_cid === g.cid || (g.id && p.goods_id === g.id); });
      return Object.assign({}, g, { photosWaiting: mine });
    });
  }

  function visitorRows() {
    var server = (S.snap && S.snap.visitors) || [];
    var known = {};
    server.forEach(function (v) { if (v.cid) known[v.cid] = true; });
    var leaving = S.entries.filter(function (e) { return e.kind === "visitor_left" && e.state === "waiting"; });
    var queued = S.entries.filter(function (e) { return e.kind === "visitor" && e.state === "waiting" && !known[e.cid]; })
      .map(function (e) {
        return { id: 0, cid: e.cid, name: e.name, phone: e.phone, purpose: e.purpose, household: e.label,
          gate: e.gate, at: e.at, pending: true };
      }).reverse();
    return queued.concat(server).map(function (v) {
      var gone = leaving.some(function (e) { return (v.id && e.visitor_id === v.id) || (v.cid && e.visitor_cid === v.cid); });
      return Object.assign({}, v, { leaving: gone });
    });
  }

  // ---- the store ----------------------------------------------------------------------------
  async function loadEntries() { S.entries = await gbStore.entries(QUEUE); }

  async function keep(body) {
    S.snap = body.snapshot;
    if (body.texts) S.texts = body.texts;
    await gbStore.put(SNAP, { snapshot: S.snap, texts: S.texts });
    S.savedAt = Date.now();
  }

  async function fetchSnapshot() {
    var tok = token();
    if (!tok) { S.signedOut = true; return false; }
    var res;
    try {
      res = await fetch("/api/gate/registers?lang=" + lang(), { headers: { Authorization: "Bearer " + tok }, cache: "no-store" });
    } catch (e) { return false; }
    if (res.status === 401) { S.signedOut = true; return false; }
    if (!res.ok) return false;
    var body = await res.json();
    S.signedOut = false;
    await gbStore.claim(body.snapshot.staff);
    await keep(body);
    return true;
  }

  // ---- actions (each written to the store first) --------------------------------------------
  async function add(entry) {
    entry.at = Date.now();
    entry.offline = !online(); // made without a connection: the server marks it so
    await gbStore.enqueue(QUEUE, entry);
    await loadEntries();
    render();
    pump();
  }

  function say(text, bad) { S.message = text; S.messageBad = !!bad; }

  function value(id) { var el = $(id); return el ? el.value : ""; }

  function fail(which, text, fieldId) {
    S.error = which + ":" + text;
    render();
    var el = fieldId && $(fieldId);
    if (el) el.focus();
    var err = $(which + "-submit-error");
    if (err && err.scrollIntoView) err.scrollIntoView({ block: "center" });
  }

  function checkPhone(raw) {
    var text = norm(raw).replace(/[\s\-()]/g, "");
    if (!raw.trim()) return "";
    if (raw.trim().length > 20 || !PHONE_RE.test(text)) return null;
    return text;
  }

  async function submitGoods(ev) {
    ev.preventDefault();
    var text = value("goods-household").trim();
    var hh = S.hint && S.hint.checked && S.hint.text.trim() === text ? S.hint : household(text);
    var items = value("goods-items").trim();
    var carrier = value("goods-carrier-name").trim();
    var phone = value("goods-carrier-phone");
    var ownerName = value("goods-confirmed-name").trim();
    if (!hh) return fail("goods", t("required.household"), "goods-household");
    if (hh.error) return fail("goods", hh.error, "goods-household");
    if (!items) return fail("goods", t("required.items"), "goods-items");
    if (S.direction === "out") {
      if (S.confirm === "permit" && !hh.permit) return fail("goods", t("gate.no_permit"), "goods-household");
      if (S.confirm === "owner" && !ownerName) return fail("goods", t("required.confirmed_name"), "goods-confirmed-name");
      if (S.confirm !== "permit" && S.confirm !== "owner") return fail("goods", t("gate.goods_need_confirmation"));
    }
    if (!carrier) return fail("goods", t("required.name"), "goods-carrier-name");
    if (checkPhone(phone) === null) return fail("goods", t("phone.invalid"), "goods-carrier-phone");
    var out = S.direction === "out";
    var entry = {
      kind: "goods", cid: gbStore.newId("g"), household: text, label: hh.label, items: items.slice(0, 300),
      direction: S.direction, confirmed_by: out ? S.confirm : "", confirmed_name: out && S.confirm === "owner" ? ownerName : "",
      permit_no: out && S.confirm === "permit" && hh.permit ? hh.permit.permit_no : "",
      carrier_name: carrier, carrier_phone: phone.trim(), gate: gateName(),
    };
    S.error = "";
    S.lastCid = entry.cid;
    say(t("gate_regf.queued_goods", { what: short(items, 20) }));
    S.direction = "in"; S.confirm = ""; S.hint = null;
    ev.target.reset();
    await add(entry);
  }

  async function submitVisitor(ev) {
    ev.preventDefault();
    var name = value("visitor-name").trim();
    var phone = value("visitor-phone");
    var text = value("visitor-household").trim();
    var purpose = value("visitor-purpose").trim();
    if (!name) return fail("visitor", t("required.name"), "visitor-name");
    if (checkPhone(phone) === null) return fail("visitor", t("phone.invalid"), "visitor-phone");
    var hh = text ? household(text) : null;
    if (hh && hh.error) return fail("visitor", hh.error, "visitor-household");
    var entry = {
      kind: "visitor", cid: gbStore.newId("v"), name: name.slice(0, 40), phone: phone.trim(), household: text,
      label: hh ? hh.label : "", purpose: purpose.slice(0, 120), gate: gateName(),
    };
    S.error = "";
    say(t("gate_regf.queued_visitor", { name: entry.name }));
    ev.target.reset();
    await add(entry);
  }

  async function visitorLeft(v) {
    say(t("gate_regf.queued_left", { name: v.name }));
    await add({ kind: "visitor_left", cid: gbStore.newId("l"), visitor_id: v.id || 0, visitor_cid: v.cid || "", name: v.name });
  }

  async function addPhotos(files) {
    var g = goodsRows().find(function (x) { return x.cid === S.lastCid; });
    if (!g) return;
    for (var i = 0; i < files.length; i++) {
      var file = files[i];
      var blob = null;
      try { blob = window.gbShrinkPhoto ? await window.gbShrinkPhoto(file) : null; } catch (e) { blob = null; }
      var data = blob || file;
      if (data.size > 25 * 1024 * 1024) { say(t("field.photo_failed", { msg: "> 25 MB" }), true); continue; }
      say(t("field.photo_saved"));
      await add({ kind: "photo", cid: gbStore.newId("p"), goods_cid: g.cid, goods_id: g.id || 0, blob: data,
        name: file.name || "photo.jpg", claimed_at: file.lastModified || Date.now(), what: g.items });
    }
  }

  async function dismissRefused() {
    var gone = refused();
    for (var k = 0; k < gone.length; k++) await gbStore.remove(gone[k].seq);
    await loadEntries();
    render();
  }

  // ---- sending --------------------------------------------------------------------------------
  function scheduleRetry() {
    S.retryMs = Math.min(RETRY_MAX, S.retryMs ? S.retryMs * 2 : 2000);
    clearTimeout(S.retryTimer);
    S.retryTimer = setTimeout(pump, S.retryMs);
  }

  function refusedGoods(cid) {
    return S.entries.some(function (e) { return e.kind === "goods" && e.cid === cid && e.state === "refused"; });
  }

  async function goodsIdOf(entry) {
    if (entry.goods_id) return entry.goods_id;
    var map = (await gbStore.get(IDS)) || {};
    if (map[entry.goods_cid]) return map[entry.goods_cid];
    var g = ((S.snap && S.snap.goods) || []).find(function (x) { return x.cid && x.cid === entry.goods_cid; });
    return g ? g.id : 0;
  }

  async function sendPhoto(entry) {
    var goodsId = await goodsIdOf(entry);
    if (!goodsId) {
      await gbStore.update(entry.seq, { state: "refused", reason: t("gate_regf.goods_refused_photo") });
      return "next";
    }
    var form = new FormData();
    form.append("kind", "goods_pass");
    form.append("subject_id", String(goodsId));
    form.append("client_id", entry.cid);
    form.append("claimed_at_ms", String(entry.claimed_at || entry.at));
    form.append("lang", lang());
    form.append("file", entry.blob, entry.name || "photo.jpg");
    var res;
    try {
      res = await fetch("/api/evidence", { method: "POST", body: form, headers: { Authorization: "Bearer " + token() } });
    } catch (e) { return "offline"; }
    if (res.status === 401) { S.signedOut = true; return "stop"; }
    if (res.ok) { await gbStore.remove(entry.seq); return "next"; }
    if (res.status >= 500 || res.status === 408 || res.status === 429 || res.status === 499) return "offline";
    var body = await res.json().catch(function () { return {}; });
    await gbStore.update(entry.seq, { state: "refused", reason: body.error || String(res.status) });
    return "next";
  }

  function actionOf(e) {
    var a = { cid: e.cid, kind: e.kind, at: e.at, offline: !!e.offline };
    ["household", "items", "direction", "confirmed_by", "confirmed_name", "permit_no", "carrier_name", "carrier_phone",
      "gate", "name", "phone", "purpose"].forEach(function (k) { if (e[k] !== undefined) a[k] = e[k]; });
    if (e.kind === "visitor_left") { if (e.visitor_id) a.visitor_id = e.visitor_id; else a.visitor_cid = e.visitor_cid; }
    return a;
  }

  async function sendBatch(batch) {
    var res;
    try {
      res = await fetch("/api/gate/registers/sync", {
        method: "POST",
        headers: { Authorization: "Bearer " + token(), "Content-Type": "application/json" },
        body: JSON.stringify({ sent_at: Date.now(), lang: lang(), actions: batch.map(actionOf) }),
      });
    } catch (e) { return "offline"; }
    if (res.status === 401) { S.signedOut = true; return "stop"; }
    if (res.status >= 500 || res.status === 408 || res.status === 429) return "offline";
    var body = await res.json().catch(function () { return null; });
    if (!res.ok || !body) {
      var why = (body && body.error) || String(res.status);
      for (var k = 0; k < batch.length; k++) await gbStore.update(batch[k].seq, { state: "refused", reason: why });
      return "next";
    }
    var byCid = {};
    body.results.forEach(function (r) { byCid[r.cid] = r; });
    var map = (await gbStore.get(IDS)) || {};
    for (var i = 0; i < batch.length; i++) {
      var e = batch[i];
      var r = byCid[e.cid];
      if (!r) continue; // not answered: stays waiting, sent again (applied once)
      if (r.ok) {
        if (e.kind === "goods" || e.kind === "visitor") map[e.cid] = r.id;
        if (e.kind === "goods" && r.disputed) say(t("gate_regf.disputed"), true);
        else if (e.cid === S.lastCid) say(t("gate_reg.goods_saved"));
        else if (e.kind === "visitor") say(t("gate_reg.visitor_saved"));
        else if (e.kind === "visitor_left") say(t("gate_reg.visitor_gone"));
        await gbStore.remove(e.seq);
      } else {
        await gbStore.update(e.seq, { state: "refused", reason: r.message || r.key });
      }
    }
    // keep the map small: today's records only
    var keys = Object.keys(map);
    if (keys.length > 300) keys.slice(0, keys.length - 300).forEach(function (k) { delete map[k]; });
    await gbStore.put(IDS, map);
    if (body.snapshot) await keep({ snapshot: body.snapshot });
    return "next";
  }

  async function pump() {
    if (S.sending || !token()) return;
    S.sending = true;
    clearTimeout(S.retryTimer);
    render();
    var outcome = "next";
    try {
      for (;;) {
        var all = await gbStore.entries(QUEUE);
        S.entries = all;
        var todo = all.filter(function (e) { return e.state === "waiting"; });
        if (!todo.length) break;
        var first = todo[0];
        if (first.kind === "photo") {
          if (!first.goods_id && refusedGoods(first.goods_cid)) {
            await gbStore.update(first.seq, { state: "refused", reason: t("gate_regf.goods_refused_photo") });
            continue;
          }
          outcome = await sendPhoto(first);
        } else {
          var batch = [];
          for (var k = 0; k < todo.length && batch.length < 50; k++) {
            if (todo[k].kind === "photo") break;
            batch.push(todo[k]);
          }
          outcome = await sendBatch(batch);
        }
        if (outcome !== "next") break;
        S.retryMs = 0;
      }
    } catch (err) {
      console.warn("registers sync:", err);
      outcome = "offline";
    } finally {
      S.sending = false;
      S.entries = await gbStore.entries(QUEUE).catch(function () { return S.entries; });
    }
    if (outcome === "offline") {
      // what could not be sent now was made without a connection
      var left = S.entries.filter(function (e) { return e.state === "waiting" && !e.offline; });
      for (var j = 0; j < left.length; j++) await gbStore.update(left[j].seq, { offline: true });
      scheduleRetry();
    }
    if (outcome === "next" && online() && !waiting().length) await fetchSnapshot();
    render();
  }

  // ---- drawing ---------------------------------------------------------------------------------
  function badge(color, text, extra) {
    return h("span", { "class": "walk-badge walk-" + color + (extra ? " " + extra : "") }, text);
  }

  function banner() {
    var w = waiting();
    var box = h("div", { id: "reg-net", "class": "walk-net " + (online() ? "walk-net-on" : "walk-net-off"), role: "status",
      "data-waiting": String(w.length), "data-online": online() ? "1" : "0" });
    if (!online()) box.appendChild(h("div", { "class": "walk-net-title", id: "reg-offline" }, t("field.offline")));
    box.appendChild(h("div", { id: "reg-waiting" },
      w.length ? t("field.waiting", { n: w.length, time: hhmm(w[0].at) }) + (S.sending ? " · " + t("field.sending") : "")
        : t("field.all_sent")));
    if (S.which === "goods" && S.savedAt) {
      box.appendChild(h("div", { "class": "walk-muted", id: "reg-saved-at" }, t("gate_regf.permits_at", { time: hhmm(S.savedAt) })));
    }
    return box;
  }

  function refusedBox() {
    var r = refused();
    if (!r.length) return null;
    return h("div", { id: "reg-refused", "class": "walk-refused", role: "alert" },
      h("div", { "class": "walk-refused-title" }, t("field.refused_title")),
      r.map(function (e) {
        var what = e.kind === "goods" ? t("gate_regf.refused_goods", { what: short(e.items, 16) })
          : e.kind === "visitor" ? t("gate_regf.refused_visitor", { name: e.name })
            : e.kind === "visitor_left" ? t("gate_regf.refused_left", { name: e.name }) : t("gate_regf.refused_photo");
        return h("div", { "class": "walk-refused-row", "data-kind": e.kind }, what + "：" + (e.reason || ""));
      }),
      h("button", { type: "button", "class": "walk-btn walk-soft", id: "reg-refused-ok", on: { click: dismissRefused } }, t("field.dismiss")));
  }

  function radios(groupId, values, current, onPick) {
    return h("div", { role: "radiogroup", id: groupId, "class": "walk-row reg-seg" },
      values.map(function (v) {
        var on = v[0] === current;
        return h("button", { type: "button", role: "radio", "aria-checked": on ? "true" : "false", "data-value": v[0],
          "class": "walk-btn walk-grow " + (on ? "walk-primary" : "walk-soft"),
          on: { click: function () { onPick(v[0]); } } }, t(v[1]));
      }));
  }

  function label(forId, key) { return h("label", { "for": forId, "class": "reg-label" }, t(key)); }
  function input(id, name, attrs) {
    return h("input", Object.assign({ id: id, name: name, "class": "walk-input", autocomplete: "off" }, attrs || {}));
  }

  function hintNode() {
    var hh = S.hint;
    if (!hh) return null;
    if (hh.error) return h("div", { id: "household-error", "class": "walk-field-error" }, hh.error);
    if (hh.permit) {
      return h("div", { id: "permit-hint", "class": "walk-callout walk-green-soft" },
        h("div", { style: "font-weight:600" }, hh.label + " · " + t("gate_reg.permit_prefix")),
        h("div", {}, t("gate_reg.permit_no") + " " + hh.permit.permit_no + " · " + t("gate_reg.owner") + " " +
          hh.permit.owner + " · " + t("gate_reg.until") + " " + hh.permit.until));
    }
    return h("div", { id: "no-permit-hint", "class": "walk-muted", style: "color:var(--orange-11)" },
      hh.label + " · " + (hh.checked || (S.snap && S.snap.permits) ? t("gate_reg.no_permit") : t("gate_regf.no_permits_kept")) +
      (hh.checked ? "" : " · " + t("gate_regf.household_checked_later")));
  }

  function preselect() {
    // the permit the green hint offers is the confirmation picked (the guard may still pick the owner)
    if (S.direction === "out" && S.hint && S.hint.permit && !S.confirm) S.confirm = "permit";
    else if (!(S.hint && S.hint.permit) && S.confirm === "permit") S.confirm = "";
  }

  var lookSeq = 0;
  function lookHousehold(remote) {
    var text = value("goods-household");
    var hh = household(text);
    // typed again: the server's answer for the earlier text no longer holds
    if (!(S.hint && S.hint.checked && S.hint.text === text)) S.hint = hh ? Object.assign({ text: text }, hh) : null;
    preselect();
    drawDynamic();
    if (remote !== true || !hh || hh.error || !online() || !token() || (S.hint && S.hint.checked)) return;
    // online: the server says at once what it will say at sync (the household exists? its permit?)
    var n = ++lookSeq;
    fetch("/api/gate/registers/household?lang=" + lang() + "&text=" + encodeURIComponent(norm(text)), {
      headers: { Authorization: "Bearer " + token() }, cache: "no-store",
    }).then(function (res) {
      return res.json().catch(function () { return null; }).then(function (body) {
        if (n !== lookSeq || value("goods-household") !== text || !body) return;
        if (res.ok) S.hint = { text: text, label: body.label, permit: body.permit, checked: true };
        else if (res.status === 404) S.hint = { text: text, error: body.error, checked: true };
        else return;
        preselect();
        drawDynamic();
      });
    }).catch(function () { /* offline meanwhile: the phone's list stands */ });
  }

  function goodsForm() {
    var form = h("form", { id: "goods-form", "class": "walk-card", novalidate: true, on: { submit: function (ev) { submitGoods(ev).catch(function (e) { console.warn(e); }); } } },
      h("div", { "class": "reg-label" }, t("gate_reg.direction")),
      h("div", { id: "goods-direction-box" }),
      label("goods-household", "gate_reg.household"),
      input("goods-household", "household", { maxlength: "40", required: true, on: { blur: function () { lookHousehold(true); }, input: function () { if (S.hint) { S.hint = null; lookHousehold(false); } } } }),
      h("div", { id: "goods-hint" }),
      label("goods-items", "gate_reg.items"),
      h("textarea", { id: "goods-items", name: "items", "class": "walk-input", rows: "2", maxlength: "300", required: true }),
      h("div", { id: "goods-confirm-box", "class": "reg-confirm", style: "display:none" },
        h("div", { "class": "reg-label" }, t("gate_reg.confirm")),
        h("div", { id: "goods-confirm-radios" }),
        h("div", { "class": "walk-muted" }, t("gate_reg.confirm_hint")),
        h("div", { id: "goods-owner-box", style: "display:none" },
          label("goods-confirmed-name", "gate_reg.confirmed_name"),
          input("goods-confirmed-name", "confirmed_name", { maxlength: "40" }))),
      label("goods-carrier-name", "gate_reg.carrier_name"),
      input("goods-carrier-name", "carrier_name", { maxlength: "40", required: true }),
      label("goods-carrier-phone", "gate_reg.carrier_phone"),
      input("goods-carrier-phone", "carrier_phone", { type: "tel", maxlength: "20" }),
      h("div", { id: "goods-error-box" }),
      h("button", { type: "submit", id: "goods-submit", "class": "walk-btn walk-primary walk-wide" }, t("gate_reg.submit_goods")));
    return form;
  }

  function visitorForm() {
    return h("form", { id: "visitor-form", "class": "walk-card", novalidate: true, on: { submit: function (ev) { submitVisitor(ev).catch(function (e) { console.warn(e); }); } } },
      label("visitor-name", "gate_reg.visitor_name"),
      input("visitor-name", "visitor_name", { maxlength: "40", required: true }),
      label("visitor-phone", "gate_reg.visitor_phone"),
      input("visitor-phone", "visitor_phone", { type: "tel", maxlength: "20" }),
      label("visitor-household", "gate_reg.household_optional"),
      input("visitor-household", "household", { maxlength: "40" }),
      label("visitor-purpose", "gate_reg.purpose"),
      input("visitor-purpose", "purpose", { maxlength: "120" }),
      h("div", { id: "visitor-error-box" }),
      h("button", { type: "submit", id: "visitor-submit", "class": "walk-btn walk-primary walk-wide" }, t("gate_reg.submit_visitor")));
  }

  function errorNode(which) {
    if (!S.error || S.error.indexOf(which + ":") !== 0) return null;
    return h("div", { id: which + "-submit-error", "class": "walk-callout walk-red", role: "alert" }, S.error.slice(which.length + 1));
  }

  function pendingThumbs(list) {
    return list.map(function (e) {
      var url = S.thumbs[e.cid];
      if (!url && e.blob) { url = URL.createObjectURL(e.blob); S.thumbs[e.cid] = url; }
      return h("div", { "class": "walk-thumb-wrap" },
        h("img", { src: url, "class": "walk-thumb walk-thumb-pending reg-thumb-pending", alt: "" }),
        h("span", { "class": "walk-thumb-label" }, t("field.pending")));
    });
  }

  function lastGoods() {
    if (!S.lastCid) return null;
    var g = goodsRows().find(function (x) { return x.cid === S.lastCid; });
    if (!g) return null;
    var out = g.direction === "out";
    var file = h("input", { type: "file", accept: "image/*", capture: "environment", id: "goods-photo", "class": "walk-file",
      on: { change: function (ev) {
        var files = Array.prototype.slice.call(ev.target.files || []);
        ev.target.value = "";
        addPhotos(files).catch(function (e) { console.warn(e); });
      } } });
    return h("div", { id: "last-goods", "class": "walk-card", "data-goods": g.id ? String(g.id) : g.cid, "data-pending": g.pending ? "1" : "0" },
      h("div", { "class": "walk-row" },
        h("strong", {}, t("gate_reg.last_goods")),
        badge(out ? "amber" : "gray", t("gate.direction." + g.direction)),
        h("span", { "class": "walk-grow" }),
        g.pending ? badge("amber", t("field.pending"), "reg-pending") : null),
      h("div", {}, g.household + " · " + g.items),
      h("label", { "for": "goods-photo", "class": "walk-btn walk-soft walk-photo" }, t("gate_reg.add_photo")),
      file,
      h("div", { "class": "walk-photos" },
        g.thumb ? h("img", { src: g.thumb, "class": "walk-thumb goods-last-thumb", alt: "" }) : null,
        pendingThumbs(g.photosWaiting)));
  }

  // a record made offline: the phone's time of the tap beside the server's receipt time
  function times(r) {
    if (r.pending || !r.offline || !r.phone_at) return null;
    return h("div", { "class": "walk-muted reg-times" },
      t("field.phone_time") + " " + hhmm(r.phone_at) + " · " + t("field.server_time") + " " + hhmm(r.at) +
      (r.clock_off ? " · " + t("field.clock_off") : ""));
  }

  function goodsRow(g) {
    var out = g.direction === "out";
    return h("div", { "class": "goods-row", "data-goods": g.id ? String(g.id) : g.cid, "data-direction": g.direction,
      "data-pending": g.pending ? "1" : "0", style: "display:flex;gap:8px;padding:8px 0;border-bottom:1px solid var(--gray-a4)" },
      h("div", { "class": "walk-grow" },
        h("div", { "class": "walk-row", style: "flex-wrap:wrap" },
          h("strong", {}, hhmm(g.at)),
          badge(out ? "amber" : "gray", t("gate.direction." + g.direction)),
          h("span", {}, g.household),
          g.pending ? badge("amber", t("field.pending"), "reg-pending") : null,
          g.offline ? badge("gray", t("field.offline_mark"), "walk-small") : null,
          g.disputed ? badge("amber", t("gate_regf.disputed"), "walk-small goods-disputed") : null),
        h("div", {}, g.items),
        h("div", { "class": "walk-muted" }, g.carrier),
        g.confirmed_by ? h("div", { "class": "walk-muted goods-confirmed" }, t("gate.confirmed." + g.confirmed_by) + " " + (g.confirmed_name || "")) : null,
        times(g)),
      g.thumb ? h("img", { src: g.thumb, "class": "goods-thumb", alt: t("gate_reg.has_photo"), style: "width:56px;height:56px;object-fit:cover;border-radius:6px" }) : null,
      g.photosWaiting.length ? h("div", { "class": "walk-photos" }, pendingThumbs(g.photosWaiting)) : null);
  }

  function visitorRow(v) {
    var key = v.id ? String(v.id) : v.cid;
    return h("div", { "class": "visitor-row", "data-visitor": key, "data-pending": v.pending || v.leaving ? "1" : "0",
      style: "display:flex;align-items:center;gap:8px;padding:8px 0;border-bottom:1px solid var(--gray-a4)" },
      h("div", { "class": "walk-grow" },
        h("div", { "class": "walk-row", style: "flex-wrap:wrap" },
          h("strong", {}, v.name), h("span", { "class": "walk-muted" }, v.phone || ""),
          v.pending ? badge("amber", t("field.pending"), "reg-pending") : null,
          v.offline ? badge("gray", t("field.offline_mark"), "walk-small") : null),
        h("div", {}, (v.household || t("gate_reg.office")) + (v.purpose ? " · " + v.purpose : "")),
        h("div", { "class": "walk-muted" }, t("gate_reg.arrived") + " " + hhmm(v.at) + " " + (v.gate || "")),
        times(v)),
      v.leaving ? badge("amber", t("gate_regf.left_pending"), "visitor-leaving")
        : h("button", { type: "button", id: "visitor-left-" + key, "class": "walk-btn walk-soft visitor-left",
          on: { click: function () { visitorLeft(v).catch(function (e) { console.warn(e); }); } } }, t("gate_reg.left")));
  }

  function drawDynamic() {
    var set = function (id, node) { var box = $(id); if (box) box.replaceChildren.apply(box, [node].filter(Boolean)); };
    set("reg-top", h("div", { style: "display:flex;flex-direction:column;gap:12px" }, banner(),
      S.signedOut ? h("div", { "class": "walk-callout walk-red", id: "reg-signed-out" }, t("field.signed_out")) : null,
      refusedBox(),
      S.message ? h("div", { id: "reg-flash", role: "status", "class": "walk-callout " + (S.messageBad ? "walk-amber" : "walk-green-soft") }, S.message) : null));
    if (S.which === "goods") {
      set("goods-direction-box", radios("goods-direction", [["in", "gate.direction.in"], ["out", "gate.direction.out"]], S.direction, function (v) {
        S.direction = v;
        if (v === "in") S.confirm = "";
        lookHousehold();
      }));
      var box = $("goods-confirm-box");
      if (box) box.style.display = S.direction === "out" ? "flex" : "none";
      set("goods-confirm-radios", radios("goods-confirm", [["permit", "gate.confirmed.permit"], ["owner", "gate.confirmed.owner"]], S.confirm, function (v) {
        S.confirm = v; drawDynamic();
      }));
      var owner = $("goods-owner-box");
      if (owner) owner.style.display = S.confirm === "owner" ? "block" : "none";
      set("goods-hint", hintNode());
      set("goods-error-box", errorNode("goods"));
      set("reg-last", lastGoods());
      var rows = goodsRows();
      set("reg-list", h("div", { "class": "walk-card" }, h("strong", {}, t("gate_reg.today")),
        rows.length ? h("div", { id: "goods-today" }, rows.map(goodsRow)) : h("div", { "class": "walk-muted", id: "goods-none" }, t("gate_reg.no_goods"))));
    } else {
      set("visitor-error-box", errorNode("visitor"));
      var vs = visitorRows();
      set("reg-list", h("div", { "class": "walk-card" }, h("strong", {}, t("gate_reg.inside")),
        vs.length ? h("div", { id: "visitors-inside" }, vs.map(visitorRow)) : h("div", { "class": "walk-muted", id: "visitors-none" }, t("gate_reg.nobody_inside"))));
    }
  }

  var built = null;
  function render() {
    var root = $(S.which === "goods" ? "goods-root" : "visitors-root");
    if (!root) return;
    if (!S.texts) {
      if (built !== root) {
        root.replaceChildren(h("div", { "class": "walk-callout walk-amber", id: "reg-not-on-phone" },
          S.signedOut ? "请先登录 / Please sign in" : "登记本还没有保存在本机。请在有信号时打开一次。"));
      }
      return;
    }
    if (built !== root || root.getAttribute("data-lang") !== lang()) {
      // the form is built once (what is typed stays across redraws); the rest is redrawn
      built = root;
      root.setAttribute("data-lang", lang());
      var parts = [h("div", { id: "reg-top" })];
      if (S.which === "goods") parts.push(h("div", { id: "reg-last" }), goodsForm());
      else parts.push(visitorForm());
      parts.push(h("div", { id: "reg-list" }));
      root.replaceChildren.apply(root, parts);
    }
    drawDynamic();
  }

  // ---- start ---------------------------------------------------------------------------------
  async function start(which) {
    S.which = which;
    S.message = ""; S.error = ""; S.lastCid = ""; S.hint = null; S.direction = "in"; S.confirm = "";
    var kept = await gbStore.saved(SNAP);
    if (kept) { S.snap = kept.value.snapshot; S.texts = kept.value.texts; S.savedAt = kept.saved_at; }
    await loadEntries();
    render();
    if (online()) await fetchSnapshot();
    render();
    pump();
    clearInterval(S.refreshTimer);
    S.refreshTimer = setInterval(function () { if (online() && !S.sending) fetchSnapshot().then(render); }, REFRESH_MS);
  }

  function whichOfPage() {
    if ($("goods-root")) return "goods";
    if ($("visitors-root")) return "visitors";
    return "";
  }

  var mounted = null;
  function check() {
    var which = whichOfPage();
    var root = which ? $(which + "-root") : null;
    if (!root) { mounted = null; built = null; return; }
    if (root === mounted) {
      if (root.getAttribute("data-lang") && root.getAttribute("data-lang") !== lang()) render();
      return;
    }
    mounted = root;
    built = null;
    if (!window.gbStore) return;
    start(which).catch(function (e) { console.warn("registers:", e); });
  }

  window.gbRegisters = { pump: pump, state: S };
  new MutationObserver(check).observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener("online", function () { render(); pump(); });
  window.addEventListener("offline", render);
  window.addEventListener("gbstore:change", function (ev) {
    if (ev.detail && ev.detail.wiped) { S.snap = null; S.entries = []; }
  });
  document.addEventListener("visibilitychange", function () { if (!document.hidden) pump(); });
  check();
})();
