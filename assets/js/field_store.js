/*
 * The phone's own store for work that must survive without signal (no build step;
 * loaded from the page head as /js/field_store.js, see app/app.py).
 *
 * One IndexedDB database "gb-field" with two object stores:
 *   - "kv":    key -> value (snapshots the phone refreshed while online: a patrol
 *              walk, the gate's pass list), each saved with the time it was saved;
 *   - "queue": the outbox, in the order actions were made (autoIncrement "seq").
 *              An entry is {seq, queue, cid, kind, at, state, ...fields of the
 *              action}; `queue` names the screen family that sends it ("walk",
 *              "gate"), `cid` is the client id the server applies exactly once,
 *              `at` the phone's time (ms) of the tap, `state` "waiting" or
 *              "refused" (with `reason`, the server's message in the user's
 *              language). Blobs (photos) are stored as they are.
 * IndexedDB survives a closed tab, a killed browser and a phone restart.
 *
 * What is kept is only the signed-in person's own work: `wipe()` empties both
 * stores and runs at sign-out (AppState.sign_out), and `claim(owner)` wipes the
 * store when a different person signs in on the same phone.
 *
 *   gbStore.get(key)              -> Promise<value | undefined>
 *   gbStore.put(key, value)       -> Promise (value saved as {value, saved_at})
 *   gbStore.saved(key)            -> Promise<{value, saved_at} | undefined>
 *   gbStore.enqueue(queue, entry) -> Promise<seq>   (adds at, state "waiting")
 *   gbStore.entries(queue)        -> Promise<entry[]> in seq order
 *   gbStore.update(seq, patch)    -> Promise<entry | undefined>
 *   gbStore.remove(seq)           -> Promise
 *   gbStore.wipe()                -> Promise
 *   gbStore.claim(owner)          -> Promise<bool> (true: the store was someone else's, wiped)
 *   gbStore.newId(prefix)         -> a client id ("w-..."), unique on this phone
 *   gbStore.local(key)            -> a value Reflex keeps in localStorage ("gb_session", "gb_lang")
 *   gbStore.lang()                -> "zh" or "en", the user's language
 * Every change fires a "gbstore:change" event on window, so any screen showing
 * the queue refreshes.
 */
(function () {
  "use strict";
  if (window.gbStore) return;

  var DB_NAME = "gb-field";
  var VERSION = 1;
  var opening = null;

  function open() {
    if (opening) return opening;
    opening = new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB_NAME, VERSION);
      req.onupgradeneeded = function () {
        var db = req.result;
        if (!db.objectStoreNames.contains("kv")) db.createObjectStore("kv");
        if (!db.objectStoreNames.contains("queue")) {
          var q = db.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
          q.createIndex("queue", "queue", { unique: false });
        }
      };
      req.onsuccess = function () {
        var db = req.result;
        // another tab upgrading: let it, and open again next time
        db.onversionchange = function () { db.close(); opening = null; };
        resolve(db);
      };
      req.onerror = function () { opening = null; reject(req.error); };
      req.onblocked = function () { /* an older tab holds it; onsuccess follows */ };
    });
    return opening;
  }

  function tx(stores, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(stores, mode);
        var result;
        t.oncomplete = function () { resolve(result); };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error || new Error("aborted")); };
        work(t, function (value) { result = value; });
      });
    });
  }

  function changed(detail) {
    try { window.dispatchEvent(new CustomEvent("gbstore:change", { detail: detail || {} })); } catch (e) { /* old browser */ }
  }

  function reqValue(req, set) { req.onsuccess = function () { set(req.result); }; }

  var api = {
    get: function (key) {
      return api.saved(key).then(function (row) { return row ? row.value : undefined; });
    },
    saved: function (key) {
      return tx(["kv"], "readonly", function (t, set) { reqValue(t.objectStore("kv").get(key), set); });
    },
    put: function (key, value) {
      return tx(["kv"], "readwrite", function (t) {
        t.objectStore("kv").put({ value: value, saved_at: Date.now() }, key);
      }).then(function () { changed({ key: key }); });
    },
    enqueue: function (queue, entry) {
      var row = Object.assign({}, entry, { queue: queue, at: entry.at || Date.now(), state: "waiting" });
      delete row.seq;
      return tx(["queue"], "readwrite", function (t, set) {
        reqValue(t.objectStore("queue").add(row), set);
      }).then(function (seq) { changed({ queue: queue }); return seq; });
    },
    entries: function (queue) {
      return tx(["queue"], "readonly", function (t, set) {
        reqValue(t.objectStore("queue").index("queue").getAll(queue), set);
      }).then(function (rows) {
        return (rows || []).sort(function (a, b) { return a.seq - b.seq; });
      });
    },
    update: function (seq, patch) {
      return tx(["queue"], "readwrite", function (t, set) {
        var store = t.objectStore("queue");
        var req = store.get(seq);
        req.onsuccess = function () {
          if (!req.result) return set(undefined);
          var row = Object.assign(req.result, patch, { seq: seq });
          store.put(row);
          set(row);
        };
      }).then(function (row) { changed({ seq: seq }); return row; });
    },
    remove: function (seq) {
      return tx(["queue"], "readwrite", function (t) { t.objectStore("queue").delete(seq); })
        .then(function () { changed({ seq: seq }); });
    },
    wipe: function () {
      return tx(["kv", "queue"], "readwrite", function (t) {
        t.objectStore("kv").clear();
        t.objectStore("queue").clear();
      }).then(function () { changed({ wiped: true }); });
    },
    claim: function (owner) {
      owner = String(owner);
      return api.get("owner").then(function (was) {
        if (was === undefined || was === owner) {
          return was === owner ? false : api.put("owner", owner).then(function () { return false; });
        }
        return api.wipe().then(function () { return api.put("owner", owner); }).then(function () { return true; });
      });
    },
    // what Reflex keeps in localStorage (the raw string; a JSON string is accepted too):
    // "gb_session" (the sign-in token) and "gb_lang" (zh / en)
    local: function (key) {
      var v = null;
      try { v = window.localStorage.getItem(key); } catch (e) { v = null; }
      if (v && v.length >= 2 && v.charAt(0) === '"' && v.charAt(v.length - 1) === '"') {
        try { v = JSON.parse(v); } catch (e) { /* keep raw */ }
      }
      return v || "";
    },
    lang: function () { return api.local("gb_lang") === "en" ? "en" : "zh"; },
    newId: function (prefix) {
      var rand = (window.crypto && crypto.randomUUID) ? crypto.randomUUID().replace(/-/g, "")
        : (Date.now().toString(36) + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2));
      return (prefix || "c") + "-" + rand.slice(0, 30);
    },
  };
  window.gbStore = api;
})();
