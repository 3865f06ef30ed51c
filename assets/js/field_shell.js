/*
 * The app shell for the field (no build step; loaded from the page head as
 * /js/field_shell.js, see app/app.py).
 *
 * 1. Registers the service worker on every page load, a second after the page
 *    has loaded. The inline script it replaces waited for window "load", which
 *    has already fired when React inserts head scripts, so the worker never
 *    registered; here readyState is checked first. The worker's URL
 *    carries the build's react-router manifest path (/sw.js?m=...), so a new
 *    build is a new worker that precaches its own files (assets/sw.js).
 * 2. Fills every element [data-field-status] (the butler's home) with the
 *    phone's own waiting work: how many actions wait to be sent, the time of
 *    the oldest, the actions the server refused, and the patrols kept on this
 *    phone, as links that open offline.
 * 3. Sign-out: window.gbSignOutWipe() empties the phone's store (called by the
 *    sign-out button before the server forgets the session).
 */
(function () {
  "use strict";
  if (window.__gbFieldShell) return;
  window.__gbFieldShell = true;

  function manifestPath() {
    var link = document.querySelector('link[rel="modulepreload"][href*="/assets/manifest-"]');
    if (link) return new URL(link.href, location.href).pathname;
    var script = document.querySelector('script[src*="/assets/manifest-"]');
    return script ? new URL(script.src, location.href).pathname : "";
  }

  function register() {
    if (!("serviceWorker" in navigator)) return;
    var m = manifestPath();
    var url = "/sw.js" + (m ? "?m=" + encodeURIComponent(m) : "");
    navigator.serviceWorker.register(url, { scope: "/" }).then(function (reg) {
      window.__gbSwRegistered = true;
      return reg;
    }).catch(function (e) { console.warn("service worker:", e); });
  }

  var TEXT = {
    zh: {
      waiting: "待发送 {n} 项 · 最早 {t}",
      none: "没有待发送的记录",
      refused: "{n} 项未能记录，请打开巡查查看原因",
      patrols: "本机保存的巡查（无信号也能打开）",
      offline: "离线：记录保存在本机，有信号后自动发送",
    },
    en: {
      waiting: "{n} waiting to be sent · oldest {t}",
      none: "Nothing waiting to be sent",
      refused: "{n} not recorded: open the patrol to see why",
      patrols: "Patrols kept on this phone (open without signal)",
      offline: "Offline: records are kept on this phone and sent when there is signal",
    },
  };

  function lang() { return window.gbStore ? gbStore.lang() : "zh"; }

  function say(key, params) {
    var text = TEXT[lang()][key] || key;
    Object.keys(params || {}).forEach(function (k) { text = text.replace("{" + k + "}", params[k]); });
    return text;
  }

  function hhmm(ms) {
    var d = new Date(ms);
    return String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0");
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function renderStatus(box) {
    if (!window.gbStore) return;
    Promise.all([gbStore.entries("walk"), gbStore.entries("gate"), gbStore.get("walk:index"),
      gbStore.entries("registers"), gbStore.entries("requests")]).then(function (r) {
      var all = r[0].concat(r[1], r[3], r[4]).sort(function (a, b) { return a.at - b.at; });
      var waiting = all.filter(function (e) { return e.state === "waiting"; });
      var refused = all.filter(function (e) { return e.state === "refused"; });
      var kept = r[2] || [];
      box.textContent = "";
      box.className = "field-status";
      if (!navigator.onLine) box.appendChild(el("div", { "class": "field-offline", role: "status" }, say("offline")));
      box.appendChild(el("div", { "class": "field-waiting", "data-waiting": String(waiting.length) },
        waiting.length ? say("waiting", { n: waiting.length, t: hhmm(waiting[0].at) }) : say("none")));
      if (refused.length) box.appendChild(el("div", { "class": "field-refused" }, say("refused", { n: refused.length })));
      if (kept.length) {
        box.appendChild(el("div", { "class": "field-kept-title" }, say("patrols")));
        kept.forEach(function (p) {
          var a = el("a", { href: "/patrol/" + p.id, "class": "field-kept" }, p.route + " · " + p.grid);
          box.appendChild(a);
        });
      }
    }).catch(function (e) { console.warn("field status:", e); });
  }

  function refreshAll() {
    document.querySelectorAll("[data-field-status]").forEach(renderStatus);
  }

  window.gbSignOutWipe = function () {
    return window.gbStore ? gbStore.wipe() : Promise.resolve();
  };

  // on every page load, once the page itself has what it needs: the worker's install fetches
  // the shell, which should not compete with the page's first requests
  if (document.readyState === "complete") setTimeout(register, 1000);
  else window.addEventListener("load", function () { setTimeout(register, 1000); }, { once: true });
  var seen = new WeakSet();
  function scan() {
    document.querySelectorAll("[data-field-status]").forEach(function (box) {
      if (!seen.has(box)) { seen.add(box); renderStatus(box); }
    });
  }
  new MutationObserver(scan).observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener("gbstore:change", refreshAll);
  window.addEventListener("online", refreshAll);
  window.addEventListener("offline", refreshAll);
  scan();
})();
