/*
 * The gate screen without signal (no build step; loaded by the gate page, app/ui/pages/gate.py,
 * after /js/gate_verdict.js and /js/field_store.js).
 *
 * window.gbGate.scan(text) is the scanner's handler (the camera's decoded text and the typed
 * code both come here, as a plain JS function, never as a Reflex event):
 *   - connected (navigator.onLine and no #reconnecting banner): the text goes into the hidden
 *     form #gate-online-form, whose submit is the server's event GateState.scan (the online
 *     path, unchanged: the server judges and logs it);
 *   - offline: the verdict comes from the pass list on the phone (gbGateVerdict.judge over the
 *     snapshot kept in IndexedDB as "gate:snapshot"), shown at once in #gate-offline-verdict in
 *     the same big green / red layout, labelled offline with the list's age; a list older than
 *     its max age never gives green (amber: call the desk). The scan is then queued in the
 *     outbox (gbStore queue "gate", one client id per scan) and is never sent as a Reflex event,
 *     so Reflex cannot replay it on reconnect: each scan is judged once here and logged once
 *     by the server (POST /api/gate/offline-scans, exactly once per client id).
 * The queue is sent when the connection returns (the `online` event, the websocket back, a
 * retry with backoff 2 s .. 60 s), logged and duplicate entries removed, refused ones kept
 * with the server's reason; #gate-offline-pending shows 待上传 N. While online the pass list
 * is fetched on load, every 10 minutes and after each reconnect. #gate-offline-banner says
 * 离线核验 · 名单更新于 HH:MM (N 分钟前) in large words while offline.
 * Texts come with the snapshot (both languages); the language is localStorage "gb_lang".
 */
(function () {
  "use strict";
  if (window.gbGate) return;

  var KEY = "gate:snapshot";
  var QUEUE = "gate";
  var REFRESH_MS = 10 * 60 * 1000;
  var BATCH = 100;
  var MAX_TEXT = 2048;
  var FALLBACK = {
    zh: { "gate_offline.js.banner_none": "离线 · 手机上没有出入证名单，无法核验，请联系前台/主管",
          "gate_offline.js.no_snapshot": "手机上没有出入证名单，请联系前台/主管",
          "gate_offline.js.pending": "待上传 {n}" },
    en: { "gate_offline.js.banner_none": "Offline · no pass list on this phone, cannot check; call the desk or a supervisor",
          "gate_offline.js.no_snapshot": "No pass list on this phone: call the desk or a supervisor",
          "gate_offline.js.pending": "To upload: {n}" },
  };
  var COLOURS = { green: "#15803d", red: "#b91c1c", amber: "#b45309" };

  var snap = null;
  var wasConnected = null;
  var sending = false;
  var backoff = 0;
  var retryTimer = null;
  var seq = 0;

  function stored(key) { return gbStore.local(key); }
  function lang() { return gbStore.lang(); }
  function t(key, params) {
    var texts = snap && snap.texts ? snap.texts[lang()] : null;
    var text = (texts && texts[key]) || FALLBACK[lang()][key] || key;
    params = params || {};
    return text.replace(/\{(\w+)\}/g, function (m, name) {
      return params[name] !== undefined ? String(params[name]) : m;
    });
  }
  function connected() { return navigator.onLine !== false && !document.getElementById("reconnecting"); }
  function zone() { return (snap && snap.rules && snap.rules.zone) || "Asia/Shanghai"; }
  function hm(ms) { return window.gbGateVerdict.local(ms, zone()).hm; }
  function minutesOld(now) { return snap ? Math.max(0, Math.floor((now - snap.generated_at) / 60000)) : 0; }
  function hotWork() {
    var el = document.getElementById("hot-work");
    return !!el && (el.getAttribute("aria-checked") === "true" || el.getAttribute("data-state") === "checked");
  }
  function el(tag, style, text, attrs) {
    var e = document.createElement(tag);
    if (style) e.setAttribute("style", style);
    if (text !== undefined && text !== null) e.textContent = String(text);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }

  // --- the screen --------------------------------------------------------------------

  function css() {
    if (document.getElementById("gb-gate-offline-css")) return;
    var s = document.createElement("style");
    s.id = "gb-gate-offline-css";
    s.textContent = "html.gb-gate-offline-shown #verdict{display:none!important}";
    document.head.appendChild(s);
  }

  function clearOffline() {
    var slot = document.getElementById("gate-offline-verdict");
    if (slot) slot.textContent = "";
    document.documentElement.classList.remove("gb-gate-offline-shown");
  }

  function render(v, shown, now) {
    var slot = document.getElementById("gate-offline-verdict");
    if (!slot) return;
    var colour = shown === "valid" ? COLOURS.green : shown === "stale" ? COLOURS.amber : COLOURS.red;
    var words = shown === "stale" ? t(snap ? "gate_offline.js.stale" : "gate_offline.js.no_snapshot")
      : t("gate.verdict." + shown);
    seq += 1;
    var box = el("div", "background:" + colour + ";padding:16px;border-radius:12px;width:100%;box-sizing:border-box;"
      + "color:white;display:flex;flex-direction:column;gap:12px", null,
      { id: "offline-verdict", "data-verdict": shown, "data-judged": v.verdict, "data-seq": String(seq), role: "status" });
    var head = el("div", "display:flex;align-items:center;gap:12px");
    head.appendChild(el("span", "font-size:44px;line-height:1;font-weight:700", shown === "valid" ? "✓" : shown === "stale" ? "!" : "✕"));
    head.appendChild(el("div", "font-size:28px;line-height:1.2;font-weight:700", words, { id: "offline-verdict-words" }));
    box.appendChild(head);
    if (v.entry) {
      var who = el("div", "display:flex;gap:16px;align-items:flex-start");
      // no photos on the phone: the silhouette the online card shows for a worker without one
      var face = el("div", "width:96px;height:120px;border-radius:8px;background:white;"
        + "display:flex;align-items:center;justify-content:center;flex-shrink:0", null, { id: "offline-worker-photo-missing" });
      face.innerHTML = '<svg width="56" height="56" viewBox="0 0 24 24" fill="none" stroke="#6b7280" stroke-width="2"'
        + ' stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M19 21v-2a4 4 0 0 0-4-4H9a4 4 0 0 0-4 4v2"/>'
        + '<circle cx="12" cy="7" r="4"/></svg>';
      who.appendChild(face);
      var facts = el("div", "display:flex;flex-direction:column;gap:4px");
      facts.appendChild(el("div", "font-size:22px;font-weight:700", v.entry.name, { id: "offline-worker-name" }));
      facts.appendChild(el("div", "font-size:17px", t("renovation.trade." + v.entry.trade)));
      if (v.site) facts.appendChild(el("div", "font-size:15px", v.site.household));
      facts.appendChild(el("div", "font-size:14px", v.entry.from + " – " + v.entry.until));
      if (v.site) facts.appendChild(el("div", "font-size:14px", t("gate_offline.js.hours") + " " + v.site.hours_start + "-" + v.site.hours_end));
      who.appendChild(facts);
      box.appendChild(who);
    }
    var label = snap ? t("gate_offline.js.label", { minutes: minutesOld(now) }) : t("gate_offline.js.no_snapshot");
    box.appendChild(el("div", "font-size:15px;font-weight:600", label + " · " + hm(now), { id: "offline-verdict-age" }));
    slot.textContent = "";
    slot.appendChild(box);
    document.documentElement.classList.add("gb-gate-offline-shown");
  }

  function banner() {
    var slot = document.getElementById("gate-offline-banner");
    if (!slot) return;
    slot.textContent = "";
    if (connected()) return;
    var now = Date.now();
    var state = !snap ? "none" : window.gbGateVerdict.stale(snap, now) ? "stale" : "fresh";
    var text = state === "none" ? t("gate_offline.js.banner_none")
      : t("gate_offline.js.banner", { time: hm(snap.generated_at), minutes: minutesOld(now) });
    var box = el("div", "background:" + (state === "fresh" ? "#f59e0b" : COLOURS.red) + ";color:" + (state === "fresh" ? "black" : "white")
      + ";padding:12px 16px;border-radius:12px;font-size:22px;font-weight:700;line-height:1.3;width:100%;box-sizing:border-box",
      text, { id: "offline-banner", "data-state": state, role: "status" });
    if (state === "stale") box.appendChild(el("div", "font-size:18px;margin-top:4px", t("gate_offline.js.stale")));
    slot.appendChild(box);
  }

  function pending() {
    if (!window.gbStore) return Promise.resolve();
    return window.gbStore.entries(QUEUE).then(function (rows) {
      var slot = document.getElementById("gate-offline-pending");
      if (!slot) return;
      var waiting = rows.filter(function (r) { return r.state === "waiting"; }).length;
      var refused = rows.filter(function (r) { return r.state === "refused"; });
      slot.textContent = "";
      slot.setAttribute("data-waiting", String(waiting));
      if (waiting > 0) {
        slot.appendChild(el("div", "font-size:18px;font-weight:700;color:#b45309", t("gate_offline.js.pending", { n: waiting }),
          { id: "offline-pending-count" }));
      }
      if (refused.length > 0) {
        slot.appendChild(el("div", "font-size:15px;color:#b91c1c",
          t("gate_offline.js.refused", { n: refused.length, reason: refused[refused.length - 1].reason || "" }),
          { id: "offline-refused" }));
      }
    }).catch(function () { /* the store is unavailable: nothing to show */ });
  }

  // --- scans -----------------------------------------------------------------------------

  function submitOnline(text) {
    var form = document.getElementById("gate-online-form");
    if (!form) return;
    form.elements.raw.value = text;
    if (form.requestSubmit) form.requestSubmit(); else form.dispatchEvent(new Event("submit", { cancelable: true, bubbles: true }));
  }

  function judgeOffline(text) {
    var now = Date.now();
    var hot = hotWork();
    var current = snap;
    var judged = current ? window.gbGateVerdict.judge(current, text, now, hot)
      : Promise.resolve({ verdict: "unknown_or_forged", entry: null, site: null, stale: true });
    return judged.then(function (v) {
      // an out-of-date list never gives green, nor "unknown" for a card issued since
      var shown = !current || (v.stale && (v.verdict === "valid" || v.verdict === "unknown_or_forged")) ? "stale" : v.verdict;
      render(v, shown, now);
      if (!window.gbStore) return;
      return window.gbStore.enqueue(QUEUE, {
        cid: window.gbStore.newId("g"), kind: "gate_scan", at: now, text: text.slice(0, MAX_TEXT), shown: shown,
        snapshot_at: current ? current.generated_at : null, gate: stored("gb_gate").slice(0, 40), hot_work: hot,
      });
    }).then(pending).then(function () { schedule(0); });
  }

  function scan(text) {
    text = String(text === undefined || text === null ? "" : text);
    if (!text.trim()) return;
    if (connected()) {
      clearOffline();
      submitOnline(text);
      return;
    }
    judgeOffline(text);
  }

  // --- the outbox and the pass list --------------------------------------------------------

  function schedule(delay) {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = setTimeout(function () { retryTimer = null; flush(); }, delay);
  }

  function retryLater() {
    backoff = backoff ? Math.min(backoff * 2, 60000) : 2000;
    schedule(backoff);
  }

  function flush() {
    var token = stored("gb_session");
    if (sending || !window.gbStore || !token) return Promise.resolve();
    if (!connected()) return Promise.resolve();
    sending = true;
    var more = false;
    return window.gbStore.entries(QUEUE).then(function (rows) {
      var waiting = rows.filter(function (r) { return r.state === "waiting"; }).slice(0, BATCH);
      if (!waiting.length) return;
      more = rows.length > BATCH;
      var body = {
        scans: waiting.map(function (r) {
          return { client_id: r.cid, text: r.text, phone_at: r.at, shown: r.shown, snapshot_at: r.snapshot_at,
                   gate: r.gate, hot_work: r.hot_work === true };
        }),
        sent_at: Date.now(), lang: lang(),
      };
      return fetch("/api/gate/offline-scans?lang=" + lang(), {
        method: "POST", cache: "no-store",
        headers: { "Authorization": "Bearer " + token, "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify(body),
      }).then(function (res) {
        return res.json().catch(function () { return null; }).then(function (data) {
          if (res.status >= 500 || !data) throw new Error("retry");
          if (!res.ok) {
            // refused as a whole (signed out, not a guard): kept, the reason shown, tried again later
            var slot = document.getElementById("gate-offline-pending");
            if (slot) slot.appendChild(el("div", "font-size:15px;color:#b91c1c", data.error || "", { id: "offline-sync-error" }));
            throw new Error("refused");
          }
          var results = data.results || [];
          return Promise.all(waiting.map(function (row, i) {
            var r = results[i];
            if (!r) return null;
            if (r.status === "logged" || r.status === "duplicate") return window.gbStore.remove(row.seq);
            return window.gbStore.update(row.seq, { state: "refused", reason: r.message || r.reason });
          })).then(function () {
            backoff = 0;
            var done = document.getElementById("gate-offline-synced");
            if (done) done.click();  // the server's list of recent scans reloads
          });
        });
      });
    }).then(function () {
      sending = false;
      if (more) schedule(0);
    }, function () {
      sending = false;
      retryLater();
    }).then(pending);
  }

  function refresh() {
    var token = stored("gb_session");
    if (!token || !connected()) return Promise.resolve();
    return fetch("/api/gate/snapshot?lang=" + lang(), {
      cache: "no-store", headers: { "Authorization": "Bearer " + token, "Accept": "application/json" },
    }).then(function (res) { return res.ok ? res.json() : null; }).then(function (data) {
      if (!data || !data.passes) return;
      snap = data;
      banner();
      if (window.gbStore) return window.gbStore.put(KEY, data);
    }).catch(function () { /* no signal: the list on the phone stays */ });
  }

  function watch() {
    var now = connected();
    if (now !== wasConnected) {
      var back = wasConnected === false && now;
      wasConnected = now;
      banner();
      if (back) { refresh(); flush(); }
    }
  }

  function start() {
    css();
    var loaded = window.gbStore ? window.gbStore.get(KEY).catch(function () { return undefined; }) : Promise.resolve();
    loaded.then(function (saved) {
      if (saved && !snap) snap = saved;
      wasConnected = connected();
      banner();
      pending();
      refresh();
      flush();
    });
    window.addEventListener("online", function () { watch(); });
    window.addEventListener("offline", function () { watch(); });
    setInterval(watch, 1000);
    setInterval(banner, 30000);
    setInterval(refresh, REFRESH_MS);
  }

  window.gbGate = {
    scan: scan,
    flush: flush,
    refresh: refresh,
    snapshot: function () { return snap; },
    // the gate page mounted again (a client-side navigation): its slots are new
    mounted: function () { clearOffline(); banner(); pending(); },
    // tests and the bench: the list on the phone replaced (kept in IndexedDB too)
    useSnapshot: function (data) {
      snap = data;
      banner();
      return window.gbStore ? window.gbStore.put(KEY, data) : Promise.resolve();
    },
  };
  start();
})();
