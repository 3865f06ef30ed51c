/*
 * The patrol walk on the phone, with or without signal (no build step; loaded from
 * the page head as /js/field_walk.js, see app/app.py).
 *
 * The page /patrol/<id> (app/ui/pages/patrol.py) renders the QR scanner, whose
 * decoded text and typed code call window.gbWalk.scan(text), and an empty
 * <div id="walk-root">, which this script draws and owns.
 *
 * Every action of the walk (check-in by scan or typed code, photo, checklist tick,
 * finish) is written first to the phone's store (window.gbStore, IndexedDB, queue
 * "walk") with a client id and the phone's time, shown at once as 待发送 (waiting
 * to be sent, never as recorded), and sent in order whenever there is a connection:
 * consecutive check-ins, ticks and finishes in one POST /api/field/sync, each photo
 * by POST /api/evidence. The server applies each client id once, so a retry after a
 * dropped connection never records twice. A photo belongs to the visit its check-in
 * created on the phone (the visit's client id), never to "the checkpoint on screen
 * when it arrives": at send time it goes to the visit id the server gave exactly that
 * check-in. A refused action is kept with its reason and shown; the rest goes on.
 *
 * The walk itself (stops, checklists, tags' hashes, what the server has recorded) is
 * kept in the store too ("walk:<id>"), refreshed from GET /api/field/patrols/<id>
 * while online, so a reload without signal (the service worker serves the page)
 * draws the same screen with the queued work on it.
 */
(function () {
  "use strict";
  if (window.gbWalk) return;

  var QUEUE = "walk";
  var CODE_RE = /^[A-Z0-9]{6}$/;
  var RETRY_MAX = 30000;
  // a photo waiting for signal is kept at <= 200 KB (1600 px while it fits, else 1280 px), so a
  // 20-stop walk crosses a 1.5 Mbit/s uplink in well under half a minute
  var PHOTO = { budget: 200 * 1024, small: 1280 };
  var PHOTOS_AT_ONCE = 2;

  var S = {
    pid: 0, snap: null, texts: null, lang: "zh", entries: [], current: 0, failing: 0,
    confirmFinish: false, message: "", messageBad: false, sending: false, retryMs: 0,
    retryTimer: null, signedOut: false, notOnPhone: false, loadError: "", savedAt: 0, thumbs: {},
  };

  // ---- small helpers ----------------------------------------------------------------------
  function token() { return gbStore.local("gb_session"); }
  function lang() { return gbStore.lang(); }
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

  async function sha256hex(text) {
    if (!(window.crypto && crypto.subtle)) return "";
    var buf = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
    return Array.prototype.map.call(new Uint8Array(buf), function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }
  // the token inside scanned text, as app.domain.tokens.extract finds it
  function tokenOf(raw) {
    var text = String(raw || "").trim();
    if (/^[A-Za-z0-9_-]+$/.test(text)) return text;
    try {
      var u = new URL(text);
      var q = u.searchParams.get("t");
      if (q) return q.trim();
      var segs = u.pathname.split("/").filter(Boolean);
      return segs.length ? segs[segs.length - 1] : "";
    } catch (e) { return ""; }
  }

  // ---- the walk as the phone sees it: the server's record + what waits to be sent ---------
  function mine(e) { return e.patrol_id === S.pid; }
  function waiting() { return S.entries.filter(function (e) { return mine(e) && e.state === "waiting"; }); }
  function refused() { return S.entries.filter(function (e) { return mine(e) && e.state === "refused"; }); }

  function model() {
    var p = S.snap;
    if (!p) return null;
    var pending = S.entries.filter(mine);
    var stops = p.stops.map(function (s) {
      var scan = pending.find(function (e) { return e.kind === "scan" && e.checkpoint_id === s.checkpoint_id && e.state === "waiting"; });
      var visitCid = s.visit_cid || (scan ? scan.cid : "");
      var hasVisit = !!(s.visit_id || scan);
      var ofVisit = function (e) {
        return (s.visit_id && e.visit_id === s.visit_id) || (visitCid && e.visit_cid === visitCid);
      };
      var photosWaiting = pending.filter(function (e) { return e.kind === "photo" && e.state === "waiting" && ofVisit(e); });
      var items = s.items.map(function (it) {
        var tick = null;
        pending.forEach(function (e) { if (e.kind === "check" && e.state === "waiting" && e.item_id === it.id && ofVisit(e)) tick = e; });
        return {
          id: it.id, text: it.text, category: it.category,
          result: tick ? (tick.passed ? "pass" : "fail") : it.result,
          note: tick ? (tick.note || "") : it.note, pending: !!tick,
        };
      });
      var photos = s.photos + photosWaiting.length;
      var state = hasVisit ? (photos > 0 ? "visited" : "scanned") : "todo";
      return {
        checkpoint_id: s.checkpoint_id, name: s.name, place: s.place, code: s.code,
        visit_id: s.visit_id, visit_cid: visitCid, scanned: s.scanned || (scan ? scan.at : 0),
        scanPending: !s.visit_id && !!scan, photos: photos, photosWaiting: photosWaiting,
        thumbs: s.thumbs || [], items: items, state: state, offline: s.offline,
        pending: (!s.visit_id && !!scan) || photosWaiting.length > 0 || items.some(function (i) { return i.pending; }),
      };
    });
    var finishing = pending.find(function (e) { return e.kind === "finish" && e.state === "waiting"; });
    var unknown = pending.filter(function (e) { return e.kind === "scan" && !e.checkpoint_id && e.state === "waiting"; });
    return {
      p: p, stops: stops, unknown: unknown,
      open: p.status === "in_progress" && !finishing,
      finishing: !!finishing,
      // recorded: what the server has; what waits on the phone is counted apart
      visited: p.stops.filter(function (s) { return s.visit_id && s.photos > 0; }).length,
      visitedPending: stops.filter(function (s) { return s.state === "visited" && s.pending; }).length,
    };
  }

  function currentStop(m) {
    return m.stops.find(function (s) { return s.checkpoint_id === S.current; }) || null;
  }

  // ---- the store ----------------------------------------------------------------------------
  async function loadEntries() {
    S.entries = await gbStore.entries(QUEUE);
  }
  async function keep(body) {
    S.snap = body.patrol;
    if (body.texts) S.texts = body.texts;
    await gbStore.put("walk:" + S.pid, { patrol: S.snap, texts: S.texts });
    var index = (await gbStore.get("walk:index")) || [];
    index = index.filter(function (x) { return x.id !== S.pid; });
    index.unshift({ id: S.pid, route: S.snap.route, grid: S.snap.grid });
    await gbStore.put("walk:index", index.slice(0, 10));
    S.savedAt = Date.now();
  }

  async function fetchSnapshot() {
    var tok = token();
    if (!tok) { S.signedOut = true; return false; }
    var res;
    try {
      res = await fetch("/api/field/patrols/" + S.pid + "?lang=" + lang(), {
        headers: { Authorization: "Bearer " + tok }, cache: "no-store",
      });
    } catch (e) { return false; }
    if (res.status === 401) { S.signedOut = true; return false; }
    if (!res.ok) {
      var err = await res.json().catch(function () { return {}; });
      S.loadError = err.error || String(res.status);
      return false;
    }
    var body = await res.json();
    S.signedOut = false;
    S.loadError = "";
    await gbStore.claim(body.patrol.walker);
    await keep(body);
    return true;
  }

  // ---- actions (each written to the store first) --------------------------------------------
  async function add(entry) {
    entry.patrol_id = S.pid;
    entry.at = Date.now();
    entry.offline = !online(); // made without a connection: the server marks it so
    await gbStore.enqueue(QUEUE, entry);
    await loadEntries();
    render();
    pump();
  }

  // `queued`: the message is about something kept on the phone; it goes once all is sent
  function say(text, bad, queued) { S.message = text; S.messageBad = !!bad; S.messageQueued = !!queued; }

  async function scan(raw) {
    var m = model();
    if (!m) return;
    if (!m.open) return;
    var text = String(raw || "").trim();
    if (!text) return;
    var typed = text.toUpperCase().replace(/\s+/g, "");
    var stop = null;
    if (CODE_RE.test(typed)) {
      stop = m.stops.find(function (s) { return s.code === typed; }) || null;
    } else {
      var hash = await sha256hex(tokenOf(text));
      stop = hash ? (m.stops.find(function (s) { return S.snap.stops.some(function (x) { return x.checkpoint_id === s.checkpoint_id && x.tag_hash === hash; }); }) || null) : null;
    }
    if (stop && (stop.visit_id || stop.scanPending)) {
      // scanned again: the first arrival stands
      S.current = stop.checkpoint_id;
      say(t("patrol.recorded", { name: stop.name, time: hhmm(stop.scanned) }) + (stop.scanPending ? " · " + t("field.pending") : ""));
      render();
      return;
    }
    var cid = gbStore.newId("v");
    if (stop) {
      S.current = stop.checkpoint_id;
      say(t("field.queued_scan", { name: stop.name, time: hhmm(Date.now()) }), false, true);
    } else {
      say(t("field.unknown_here", { code: CODE_RE.test(typed) ? typed : "…" + text.slice(-6) }), true);
    }
    S.failing = 0;
    await add({ kind: "scan", cid: cid, raw: text.slice(0, 2048), checkpoint_id: stop ? stop.checkpoint_id : 0 });
  }

  async function addPhotos(files) {
    var m = model();
    var stop = m && currentStop(m);
    if (!stop || !(stop.visit_id || stop.visit_cid)) return;
    for (var i = 0; i < files.length; i++) {
      var file = files[i];
      var blob = null;
      try { blob = window.gbShrinkPhoto ? await window.gbShrinkPhoto(file, PHOTO) : null; } catch (e) { blob = null; }
      var data = blob || file;
      if (data.size > 25 * 1024 * 1024) { say(t("field.photo_failed", { msg: "> 25 MB" }), true); continue; }
      await add({
        kind: "photo", cid: gbStore.newId("p"), visit_id: stop.visit_id || 0, visit_cid: stop.visit_cid,
        checkpoint_id: stop.checkpoint_id, blob: data, name: file.name || "photo.jpg",
        claimed_at: file.lastModified || Date.now(),
      });
      say(t("field.photo_saved"), false, true);
    }
    render();
  }

  function tickEntry(stop, item, passed, note, department) {
    return {
      kind: "check", cid: gbStore.newId("k"), visit_id: stop.visit_id || 0, visit_cid: stop.visit_cid,
      checkpoint_id: stop.checkpoint_id, item_id: item.id, passed: passed, note: note || "",
      department: department || "",
    };
  }

  async function tick(itemId, passed, note, department) {
    var m = model();
    var stop = m && currentStop(m);
    if (!stop || !m.open) return;
    var item = stop.items.find(function (i) { return i.id === itemId; });
    if (!item) return;
    S.failing = 0;
    await add(tickEntry(stop, item, passed, note, department));
  }

  async function allPass() {
    var m = model();
    var stop = m && currentStop(m);
    if (!stop || !m.open) return;
    var todo = stop.items.filter(function (i) { return !i.result; });
    for (var k = 0; k < todo.length; k++) {
      var e = tickEntry(stop, todo[k], true, "", "");
      e.patrol_id = S.pid;
      e.at = Date.now();
      await gbStore.enqueue(QUEUE, e);
    }
    await loadEntries();
    render();
    pump();
  }

  async function finish() {
    S.confirmFinish = false;
    await add({ kind: "finish", cid: gbStore.newId("f") });
    say(t("field.finish_queued"), false, true);
    render();
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

  async function visitIdOf(entry) {
    if (entry.visit_id) return entry.visit_id;
    var map = (await gbStore.get("walk:visits")) || {};
    if (map[entry.visit_cid]) return map[entry.visit_cid];
    var stops = (S.snap && S.snap.stops) || [];
    var s = stops.find(function (x) { return x.visit_cid && x.visit_cid === entry.visit_cid; });
    return s ? s.visit_id : 0;
  }

  function refusedScan(cid) {
    return S.entries.some(function (e) { return e.kind === "scan" && e.cid === cid && e.state === "refused"; });
  }

  async function sendPhoto(entry) {
    var visitId = await visitIdOf(entry);
    if (!visitId) {
      await gbStore.update(entry.seq, { state: "refused", reason: t(refusedScan(entry.visit_cid) ? "field.visit_refused" : "field.visit_unknown") });
      return "next";
    }
    var form = new FormData();
    form.append("kind", "patrol_visit");
    form.append("subject_id", String(visitId));
    form.append("client_id", entry.cid);
    form.append("claimed_at_ms", String(entry.claimed_at || entry.at));
    form.append("lang", lang());
    form.append("file", entry.blob, entry.name || "photo.jpg");
    var res;
    try {
      res = await fetch("/api/evidence", { method: "POST", body: form, headers: { Authorization: "Bearer " + token() } });
    } catch (e) { return "offline"; }
    if (res.status === 401) { S.signedOut = true; return "stop"; }
    if (res.ok) {
      var stored = await res.json().catch(function () { return {}; });
      recorded(function (stop) {
        if (stop.visit_id !== visitId) return;
        stop.photos += 1;
        if (stored.thumb_url) stop.thumbs = (stop.thumbs || []).concat([stored.thumb_url]);
      });
      await gbStore.remove(entry.seq);
      return "next";
    }
    if (res.status >= 500 || res.status === 408 || res.status === 429 || res.status === 499) return "offline";
    var body = await res.json().catch(function () { return {}; });
    await gbStore.update(entry.seq, { state: "refused", reason: body.error || String(res.status) });
    return "next";
  }

  // what the server confirmed, merged into the phone's copy of the walk at once (the full walk
  // is fetched again when the queue is empty)
  function recorded(change) {
    if (!S.snap) return;
    S.snap.stops.forEach(change);
  }

  function mergeRecorded(e, r) {
    if (e.kind === "scan" && r.visit_id) {
      recorded(function (stop) {
        if (stop.checkpoint_id !== r.checkpoint_id || stop.visit_id) return;
        stop.visit_id = r.visit_id; stop.visit_cid = e.cid; stop.scanned = Date.now(); stop.phone_at = e.at;
      });
    } else if (e.kind === "check") {
      recorded(function (stop) {
        if (stop.visit_id !== r.visit_id) return;
        stop.items.forEach(function (it) {
          if (it.id === e.item_id) { it.result = e.passed ? "pass" : "fail"; it.note = e.note || ""; }
        });
      });
    } else if (e.kind === "finish") {
      S.snap.status = "finished";
      S.snap.finished = Date.now();
    }
  }

  function actionOf(e) {
    var a = { cid: e.cid, kind: e.kind, at: e.at, offline: !!e.offline };
    if (e.kind === "scan") a.raw = e.raw;
    if (e.kind === "check") {
      a.item_id = e.item_id; a.passed = e.passed; a.note = e.note; a.department = e.department || null;
      if (e.visit_id) a.visit_id = e.visit_id; else a.visit_cid = e.visit_cid;
    }
    return a;
  }

  async function sendBatch(pid, batch) {
    var res;
    try {
      res = await fetch("/api/field/sync", {
        method: "POST",
        headers: { Authorization: "Bearer " + token(), "Content-Type": "application/json" },
        body: JSON.stringify({ patrol_id: pid, sent_at: Date.now(), lang: lang(), actions: batch.map(actionOf) }),
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
    var map = (await gbStore.get("walk:visits")) || {};
    for (var i = 0; i < batch.length; i++) {
      var e = batch[i];
      var r = byCid[e.cid];
      if (!r) continue; // not answered: stays waiting, sent again (applied once)
      if (r.ok) {
        if (e.kind === "scan" && r.visit_id) map[e.cid] = r.visit_id;
        if (e.patrol_id === S.pid) mergeRecorded(e, r);
        if (e.kind === "check" && !e.passed && e.patrol_id === S.pid) say(t("patrol.work_order_made"));
        await gbStore.remove(e.seq);
      } else {
        await gbStore.update(e.seq, { state: "refused", reason: r.message || r.key });
      }
    }
    await gbStore.put("walk:visits", map);
    if (pid === S.pid && S.snap) await keep({ patrol: S.snap });
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
        // a tick or photo of a check-in the server refused cannot be recorded either
        if ((first.kind === "check" || first.kind === "photo") && !first.visit_id && refusedScan(first.visit_cid)) {
          await gbStore.update(first.seq, { state: "refused", reason: t("field.visit_refused") });
          continue;
        }
        // check-ins and ticks depend only on check-ins, so they go in one batch ahead of the
        // photos (which need only their visit); a finish waits for every photo made before it
        var batch = [];
        var photoBefore = null;
        for (var k = 0; k < todo.length && batch.length < 100; k++) {
          var e = todo[k];
          if (e.patrol_id !== first.patrol_id) continue;
          if (e.kind === "photo") { photoBefore = photoBefore || e; continue; }
          if (e.kind === "check" && !e.visit_id && refusedScan(e.visit_cid)) break;
          if (e.kind === "finish" && photoBefore) break;
          batch.push(e);
          if (e.kind === "finish") break;
        }
        if (batch.length) {
          outcome = await sendBatch(first.patrol_id, batch);
        } else {
          // photos need only their visit: two travel at once, so the link is not idle while the
          // server answers the one before (150 ms each way on a phone network)
          var photos = [];
          for (var j = 0; j < todo.length && photos.length < PHOTOS_AT_ONCE; j++) {
            if (todo[j].patrol_id !== first.patrol_id) continue;
            if (todo[j].kind === "finish") break;
            if (todo[j].kind === "photo") photos.push(todo[j]);
          }
          if (!photos.length) photos.push(photoBefore || first);
          var outcomes = await Promise.all(photos.map(sendPhoto));
          outcome = outcomes.find(function (o) { return o !== "next"; }) || "next";
        }
        if (outcome !== "next") break;
        S.retryMs = 0;
      }
    } catch (err) {
      console.warn("walk sync:", err);
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
    if (outcome === "next" && online()) {
      await fetchSnapshot();
      if (S.messageQueued && !waiting().length) say(t("field.all_sent"));
    }
    render();
  }

  // ---- drawing ---------------------------------------------------------------------------------
  var BADGE = { todo: ["gray", "patrol.stop.todo"], scanned: ["amber", "patrol.stop.scanned"], visited: ["green", "patrol.stop.visited"] };

  function badge(color, text, extra) {
    return h("span", { "class": "walk-badge walk-" + color + (extra ? " " + extra : "") }, text);
  }

  function banner() {
    var w = waiting();
    var box = h("div", { id: "walk-net", "class": "walk-net " + (online() ? "walk-net-on" : "walk-net-off"), role: "status",
      "data-waiting": String(w.length), "data-online": online() ? "1" : "0" });
    if (!online()) box.appendChild(h("div", { "class": "walk-net-title", id: "walk-offline" }, t("field.offline")));
    box.appendChild(h("div", { id: "walk-waiting" },
      w.length ? t("field.waiting", { n: w.length, time: hhmm(w[0].at) }) + (S.sending ? " · " + t("field.sending") : "")
        : t("field.all_sent")));
    return box;
  }

  function refusedBox() {
    var r = refused();
    if (!r.length) return null;
    return h("div", { id: "walk-refused", "class": "walk-refused" },
      h("div", { "class": "walk-refused-title" }, t("field.refused_title")),
      r.map(function (e) {
        var what = e.kind === "scan" ? (e.raw.length > 12 ? "…" + e.raw.slice(-8) : e.raw) : t("patrol." + (e.kind === "check" ? "checklist" : e.kind === "photo" ? "take_photo" : "finish"));
        return h("div", { "class": "walk-refused-row", "data-kind": e.kind }, what + ": " + (e.reason || ""));
      }),
      h("button", { type: "button", "class": "walk-btn walk-soft", id: "walk-refused-ok", on: { click: dismissRefused } }, t("field.dismiss")));
  }

  function photoStrip(stop) {
    var strip = h("div", { "class": "walk-photos" });
    stop.thumbs.forEach(function (url) { strip.appendChild(h("img", { src: url, "class": "walk-thumb", alt: "" })); });
    stop.photosWaiting.forEach(function (e) {
      var url = S.thumbs[e.cid];
      if (!url && e.blob) { url = URL.createObjectURL(e.blob); S.thumbs[e.cid] = url; }
      strip.appendChild(h("div", { "class": "walk-thumb-wrap" },
        h("img", { src: url, "class": "walk-thumb walk-thumb-pending", alt: "" }),
        h("span", { "class": "walk-thumb-label" }, t("field.pending"))));
    });
    return strip;
  }

  function itemRow(stop, item, open) {
    var row = h("div", { "class": "check-item", "data-result": item.result, "data-pending": item.pending ? "1" : "0" },
      h("div", { "class": "walk-row" },
        h("span", { "class": "walk-item-text" }, item.text),
        item.pending ? badge("amber", t("field.pending"), "walk-small") : null,
        h("button", { type: "button", "class": "walk-btn item-pass" + (item.result === "pass" ? " walk-green" : " walk-outline"),
          disabled: !open, on: { click: function () { tick(item.id, true, "", ""); } } }, "✓ " + t("patrol.pass")),
        h("button", { type: "button", "class": "walk-btn item-fail" + (item.result === "fail" ? " walk-red" : " walk-outline"),
          disabled: !open, on: { click: function () { S.failing = item.id; S.message = ""; render(); } } }, "✕ " + t("patrol.fail"))));
    if (item.note) row.appendChild(h("div", { "class": "walk-note" }, item.note));
    if (S.failing === item.id) row.appendChild(failForm(item));
    return row;
  }

  function failForm(item) {
    var depts = (S.snap.departments || []).map(function (d) { return h("option", { value: d }, t("workorder.dept." + d)); });
    var note = h("textarea", { id: "fail-note", maxlength: "200", required: true, placeholder: t("patrol.fail_note"), "class": "walk-input" });
    note.value = S.draftNote || "";
    note.addEventListener("input", function () { S.draftNote = note.value; });
    var dept = h("select", { id: "fail-department", "class": "walk-input" }, depts);
    var err = h("div", { "class": "walk-field-error", id: "fail-error" });
    return h("form", { "class": "walk-fail", on: { submit: function (ev) {
      ev.preventDefault();
      var text = note.value.trim();
      if (!text) { err.textContent = t("patrol.fail_note"); note.focus(); return; }
      S.draftNote = "";
      tick(item.id, false, text, dept.value);
    } } },
    note, dept, err,
    h("div", { "class": "walk-row" },
      h("button", { type: "button", "class": "walk-btn walk-soft", on: { click: function () { S.failing = 0; render(); } } }, t("common.cancel")),
      h("button", { type: "submit", id: "fail-submit", "class": "walk-btn walk-red walk-grow" }, t("patrol.make_work_order"))));
  }

  function stopCard(m, stop) {
    var b = BADGE[stop.state];
    var input = h("input", { type: "file", accept: "image/*", capture: "environment", multiple: true, id: "walk-photo-input",
      "class": "walk-file", on: { change: function (ev) {
        var files = Array.prototype.slice.call(ev.target.files || []);
        ev.target.value = "";
        addPhotos(files);
      } } });
    return h("div", { id: "current-stop", "class": "walk-card", "data-checkpoint": String(stop.checkpoint_id),
      "data-pending": stop.pending ? "1" : "0" },
      h("div", { "class": "walk-row" },
        h("strong", { "class": "walk-stop-name" }, stop.name),
        h("span", { "class": "walk-grow" }),
        stop.pending ? badge("amber", t("field.pending"), "stop-pending") : badge(b[0], t(b[1]))),
      h("div", { "class": "walk-muted" }, stop.place),
      stop.state === "scanned" ? h("div", { "class": "walk-callout walk-amber" }, t("patrol.photo_needed")) : null,
      m.open ? h("label", { "class": "walk-btn walk-primary walk-photo", "for": "walk-photo-input" }, t("patrol.take_photo")) : null,
      m.open ? input : null,
      stop.photosWaiting.length ? h("div", { "class": "walk-muted", id: "photos-waiting" }, t("field.photos_waiting", { n: stop.photosWaiting.length })) : null,
      photoStrip(stop),
      h("div", { "class": "walk-row" },
        h("strong", {}, t("patrol.checklist")),
        h("span", { "class": "walk-grow" }),
        m.open ? h("button", { type: "button", id: "all-pass", "class": "walk-btn walk-soft-green", on: { click: allPass } }, t("patrol.all_pass")) : null),
      stop.items.map(function (it) { return itemRow(stop, it, m.open); }));
  }

  function stopRow(stop) {
    var b = BADGE[stop.state];
    var done = stop.items.filter(function (i) { return i.result; }).length;
    return h("div", { "class": "stop-row" + (stop.checkpoint_id === S.current ? " walk-selected" : ""), "data-state": stop.state,
      "data-pending": stop.pending ? "1" : "0", role: "button", tabindex: "0",
      on: { click: function () { S.current = stop.checkpoint_id; S.failing = 0; render(); } } },
      h("span", { "class": "walk-dot walk-" + b[0] }),
      h("div", { "class": "walk-grow" }, h("div", { "class": "walk-stop-name" }, stop.name), h("div", { "class": "walk-muted" }, stop.place)),
      h("div", { "class": "walk-right" },
        h("div", {}, hhmm(stop.scanned)),
        stop.scanned ? h("div", { "class": "walk-muted" }, done + "/" + stop.items.length + " · " + t("field.photos_short", { n: stop.photos })) : null,
        stop.pending ? badge("amber", t("field.pending"), "walk-small") : null));
  }

  function finishBar(m) {
    if (m.finishing) {
      return h("div", { id: "finished-banner", "class": "walk-callout walk-amber", "data-pending": "1" }, t("field.finish_queued"));
    }
    if (!m.open) {
      return h("div", { id: "finished-banner", "data-pending": "0", "class": "walk-callout " + (m.p.missed === 0 ? "walk-green-soft" : "walk-amber") },
        t("patrol.finished_at") + " " + hhmm(m.p.finished) + " · " + t("patrol.missed") + " " + m.p.missed +
        (m.p.late ? " · " + t("patrol.late") : "") + (m.p.offline ? " · " + t("field.offline_mark") : ""));
    }
    if (S.confirmFinish) {
      return h("div", { "class": "walk-card" },
        h("div", {}, t("patrol.finish_confirm") + " " + m.visited + "/" + m.stops.length),
        h("div", { "class": "walk-row" },
          h("button", { type: "button", "class": "walk-btn walk-soft walk-grow", on: { click: function () { S.confirmFinish = false; render(); } } }, t("patrol.keep_walking")),
          h("button", { type: "button", id: "finish-confirm", "class": "walk-btn walk-primary walk-grow", on: { click: finish } }, t("patrol.finish"))));
    }
    return h("button", { type: "button", id: "finish", "class": "walk-btn walk-outline walk-wide", on: { click: function () { S.confirmFinish = true; render(); } } }, "⚑ " + t("patrol.finish"));
  }

  function render() {
    var root = document.getElementById("walk-root");
    if (!root) return;
    var scanner = document.getElementById("walk-scanner");
    var m = model();
    var nodes = [];
    if (S.signedOut && !m) nodes.push(h("div", { "class": "walk-callout walk-red", id: "walk-signed-out" }, t("field.signed_out")));
    if (!m) {
      if (!S.signedOut) nodes.push(h("div", { "class": "walk-callout walk-amber", id: "walk-not-on-phone" }, S.loadError || t("field.not_on_phone")));
      root.replaceChildren.apply(root, nodes);
      if (scanner) scanner.hidden = true;
      return;
    }
    if (scanner) scanner.hidden = !m.open;
    if (!S.current) {
      var last = null;
      m.stops.forEach(function (s) { if (s.scanned && (!last || s.scanned > last.scanned)) last = s; });
      if (last && m.open) S.current = last.checkpoint_id;
    }
    nodes.push(banner());
    if (S.signedOut) nodes.push(h("div", { "class": "walk-callout walk-red", id: "walk-signed-out" }, t("field.signed_out")));
    nodes.push(h("div", { "class": "walk-row walk-head" },
      h("div", { "class": "walk-grow" },
        h("div", { "class": "walk-title" }, m.p.route),
        h("div", { "class": "walk-muted" }, m.p.grid + " · " + t("patrol.started_at") + " " + hhmm(m.p.started))),
      h("div", { "class": "walk-right" },
        h("div", { id: "patrol-progress", "class": "walk-progress" }, m.visited + "/" + m.stops.length),
        m.visitedPending ? h("div", { id: "progress-pending", "class": "walk-muted" }, "+" + m.visitedPending + " " + t("field.pending")) : null)));
    if (S.message) nodes.push(h("div", { id: "scan-recorded", "class": "walk-callout " + (S.messageBad ? "walk-amber" : "walk-green-soft") }, S.message));
    nodes.push(refusedBox());
    if (m.unknown.length) {
      nodes.push(h("div", { "class": "walk-callout walk-amber", id: "walk-unknown" },
        m.unknown.map(function (e) { return h("div", {}, t("field.queued_unknown", { code: CODE_RE.test(e.raw.toUpperCase()) ? e.raw.toUpperCase() : "…" + e.raw.slice(-6) })); })));
    }
    var cur = currentStop(m);
    if (cur && (cur.visit_id || cur.scanPending)) nodes.push(stopCard(m, cur));
    nodes.push(h("div", { "class": "walk-card walk-stops" }, h("strong", {}, t("patrol.stops")), m.stops.map(stopRow)));
    nodes.push(finishBar(m));
    // keep what is being typed in the fail form across a redraw
    var active = document.activeElement && document.activeElement.id;
    root.replaceChildren.apply(root, nodes.filter(Boolean));
    if (active === "fail-note") { var n = document.getElementById("fail-note"); if (n) { n.focus(); n.setSelectionRange(n.value.length, n.value.length); } }
  }

  // ---- start ---------------------------------------------------------------------------------
  async function start(pid) {
    S.pid = pid;
    S.current = 0;
    S.message = "";
    var kept = await gbStore.get("walk:" + pid);
    if (kept) { S.snap = kept.patrol; S.texts = kept.texts; }
    var saved = await gbStore.saved("walk:" + pid);
    S.savedAt = saved ? saved.saved_at : 0;
    await loadEntries();
    render();
    if (online()) await fetchSnapshot();
    render();
    pump();
  }

  function pidOfPage() {
    var m = location.pathname.match(/^\/patrol\/(\d+)\/?$/);
    return m ? parseInt(m[1], 10) : 0;
  }

  var mounted = null;
  function check() {
    var root = document.getElementById("walk-root");
    if (!root) { mounted = null; return; }
    var pid = pidOfPage();
    if (root === mounted && pid === S.pid) return;
    mounted = root;
    if (!window.gbStore) return;
    S.snap = null; S.texts = null; S.entries = []; S.signedOut = false; S.loadError = "";
    start(pid).catch(function (e) { console.warn("walk:", e); });
  }

  window.gbWalk = {
    scan: function (raw) { scan(raw).catch(function (e) { console.warn("walk scan:", e); }); },
    pump: pump,
    state: S,
  };
  new MutationObserver(check).observe(document.documentElement, { childList: true, subtree: true });
  // back online: send now, and if the first try still fails, try again soon rather than after the
  // long wait the offline retries grew to
  window.addEventListener("online", function () { S.retryMs = 0; render(); pump(); });
  window.addEventListener("offline", render);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) pump(); });
  check();
})();
