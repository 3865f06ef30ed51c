// Service worker: the app shell opens without signal.
//
// Registered on every page load by /js/field_shell.js as /sw.js?m=<the build's
// react-router manifest path>, so every new frontend build is a new worker
// script: it installs, precaches that build's shell, and the old caches go.
//
// Precached at install (one cache per build, "gb-shell-<manifest>"):
//   - the documents of the field pages (/grid, /gate, /gate/goods,
//     /gate/visitors, /login, the butler's request form /m/requests/new, and the SPA fallback that serves /patrol/<id>);
//   - the build's entry, root and those pages' route modules with every import
//     and stylesheet (read from the react-router manifest), and the QR decoder's
//     wasm they reference;
//   - our own head scripts (/js/*.js), the manifest and the icons.
// At run time: /assets/ files (content-hashed) are cache-first and cached as
// they are fetched; a page navigation goes to the network, its answer is kept
// per path, and without a network the kept copy (or the SPA fallback) is served.
// Nothing personal is ever cached here: pages are the same static shell for
// everyone; events, photos and API answers are never stored by the worker.
// The phone's own work lives in IndexedDB (/js/field_store.js).
"use strict";

const PARAMS = new URL(self.location.href).searchParams;
const MANIFEST = PARAMS.get("m") || "";
const VERSION = (MANIFEST.match(/manifest-([A-Za-z0-9_-]+)\.js$/) || [null, "dev"])[1];
const CACHE = "gb-shell-" + VERSION;
const FALLBACK = "/__spa-fallback.html";
const PAGES = ["/grid", "/gate", "/gate/goods", "/gate/visitors", "/login", "/m/requests/new", FALLBACK];
// react-router route ids of the pages a butler and a guard use offline
const ROUTES = ["routes/[grid]._index", "routes/[gate]._index", "routes/[gate].[goods]._index",
  "routes/[gate].[visitors]._index", "routes/[login]._index", "routes/[patrol].$[patrol_id]._index",
  "routes/_index", "routes/[404]._index", "routes/[m].[requests].[new]._index"];
const STATIC = ["/js/field_store.js", "/js/field_shell.js", "/js/field_walk.js", "/js/photo_upload.js",
  "/js/short_codes.js", "/js/gate_verdict.js", "/js/gate_offline.js", "/js/field_registers.js", "/js/alert_sound.js",
  "/js/butler_request.js", "/field.css", "/manifest.webmanifest", "/icons/icon-192.png", "/icons/icon-512.png"];

function routeFiles(manifest) {
  const files = new Set();
  const add = (entry) => {
    if (!entry) return;
    if (entry.module) files.add(entry.module);
    (entry.imports || []).forEach((f) => files.add(f));
    (entry.css || []).forEach((f) => files.add(f));
  };
  add(manifest.entry);
  add(manifest.routes && manifest.routes.root);
  const routes = manifest.routes || {};
  ROUTES.forEach((id) => add(routes[id]));
  return Array.from(files);
}

// A response that followed a redirect (/gate -> /gate/) cannot answer a navigation (the browser
// refuses it: ERR_FAILED), so it is kept as a plain copy of its body and headers.
async function plain(res) {
  if (!res.redirected) return res;
  return new Response(await res.blob(), { status: res.status, statusText: res.statusText, headers: res.headers });
}

// a few at a time: the page that registered the worker needs the server (and a phone's weak
// link) for itself while the shell is being fetched
const AT_ONCE = 4;

async function limited(items, work) {
  const out = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const k = next++;
      out[k] = await work(items[k]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(AT_ONCE, items.length) }, lane));
  return out;
}

async function precache() {
  const cache = await caches.open(CACHE);
  const put = async (url) => {
    const res = await fetch(url, { cache: "no-cache", credentials: "same-origin" });
    if (res.ok) await cache.put(url, await plain(res.clone()));
    return res;
  };
  const pages = await limited(PAGES.concat(STATIC), (u) => put(u).catch(() => null));
  // what the documents load themselves (the global stylesheet, preloads)
  const linked = new Set();
  await Promise.all(pages.slice(0, PAGES.length).map(async (res) => {
    if (!res || !res.ok) return;
    const html = await res.clone().text();
    (html.match(/\/assets\/[A-Za-z0-9_.-]+\.(?:css|js)/g) || []).forEach((f) => linked.add(f));
  }));
  await limited(Array.from(linked), (f) => put(f).catch(() => null));
  if (!MANIFEST) return;
  const text = await (await put(MANIFEST)).text();
  const json = JSON.parse(text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1));
  const files = routeFiles(json);
  const wasm = new Set();
  await limited(files, async (f) => {
    const res = await put(f).catch(() => null);
    if (res && res.ok && f.endsWith(".js")) {
      const body = await res.clone().text();
      (body.match(/\/assets\/[A-Za-z0-9_.-]+\.wasm/g) || []).forEach((w) => wasm.add(w));
      (body.match(/"[A-Za-z0-9_.-]+\.wasm"/g) || []).forEach((w) => wasm.add("/assets/" + w.slice(1, -1)));
    }
  });
  await Promise.all(Array.from(wasm).map((w) => put(w).catch(() => null)));
}

self.addEventListener("install", (event) => {
  // a failed precache must not leave the phone without a worker: what was cached stays
  event.waitUntil(precache().catch((e) => console.warn("sw precache:", e)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("gb-shell-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

function fromCache(req) {
  return caches.open(CACHE).then((c) => c.match(req, { ignoreSearch: true, ignoreVary: true }));
}

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  const path = url.pathname;
  if (path.startsWith("/api/") || path.startsWith("/_") || path === "/ping") return;
  if (path.startsWith("/assets/") || path.startsWith("/icons/")) {
    event.respondWith(
      fromCache(req).then((hit) => hit || fetch(req).then((res) => {
        if (res.ok) { const copy = res.clone(); caches.open(CACHE).then((c) => c.put(req, copy)); }
        return res;
      }))
    );
    return;
  }
  if (path.startsWith("/js/") || path === "/manifest.webmanifest" || path === "/field.css") {
    // our own scripts are not content-hashed: network first, the cached copy offline
    event.respondWith(
      fetch(req).then((res) => {
        if (res.ok) { const copy = res.clone(); caches.open(CACHE).then((c) => c.put(path, copy)); }
        return res;
      }).catch(() => fromCache(path).then((hit) => hit || Response.error()))
    );
    return;
  }
  if (req.mode === "navigate") {
    event.respondWith(
      fetch(req).then((res) => {
        if (res.ok && res.type === "basic") {
          const copy = res.clone();
          plain(copy).then((kept) => caches.open(CACHE).then((c) => c.put(path, kept)));
        }
        return res;
      }).catch(() => fromCache(path).then((hit) => hit || fromCache(FALLBACK)).then((hit) => hit || Response.error()))
    );
  }
});

// Web Push (app.domain.outbox, issue 12): a message that left the app while the app is closed.
self.addEventListener("push", (event) => {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = { body: event.data ? event.data.text() : "" }; }
  event.waitUntil(self.registration.showNotification(data.title || "网格管家", {
    body: data.body || "", icon: "/icons/icon-192.png", badge: "/icons/icon-192.png",
    data: { url: data.url || "/" }, tag: data.tag || undefined,
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || "/";
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((list) => {
    for (const c of list) { if ("focus" in c) { c.navigate(url); return c.focus(); } }
    return self.clients.openWindow(url);
  }));
});
