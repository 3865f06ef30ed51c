/*
 * The gate's verdict on the phone, without the server (no build step; loaded from the
 * gate page as /js/gate_verdict.js, and by Node in tests/domain/test_gate_offline_js.py).
 *
 * Pure: a snapshot (GET /api/gate/snapshot, app/domain/gate_snapshot.py), the scanned
 * text, the phone's time and the guard's hot-work switch give the same verdict that
 * app/domain/gate.py verify_pass gives at that time, in the same order of checks:
 *   the token (the exact text inside the scan, as tokens.extract finds it) is looked up
 *   by its SHA-256: not listed -> unknown_or_forged (a forged or garbled card, or one of
 *   another community, which the phone cannot verify without the key);
 *   the token's expiry (end of its last day) -> expired; revoked or an older version ->
 *   revoked; before its first day -> not_yet_valid; after its last -> expired;
 *   the works' rule (renovation.work.work_allowed): not under way -> revoked; outside the
 *   daily hours -> outside_hours; an inspection pending -> awaiting_inspection; the
 *   waterproofing stage unconfirmed -> on_hold except for the waterproofing trade; hot
 *   work (a hot-work trade or the guard's switch) without a permission for the local
 *   day -> hot_work_not_permitted; else valid.
 * A snapshot older than its max_age_ms is "stale": the screen then never shows green.
 *
 *   gbGateVerdict.extract(raw)                       -> token text or null (malformed)
 *   gbGateVerdict.judgeHash(snap, hashHex, nowMs, hotWork) -> {verdict, entry, site}
 *   gbGateVerdict.judge(snap, raw, nowMs, hotWork)   -> Promise<{verdict, entry, site, stale, token}>
 *   gbGateVerdict.sha256(text)                       -> Promise<hex>
 *   gbGateVerdict.local(nowMs, zone)                 -> {date: "YYYY-MM-DD", hm: "HH:MM"}
 */
(function (root) {
  "use strict";

  var MAX_RAW = 2048;
  var ALPHABET = /^[A-Za-z0-9_-]+$/;
  var indexes = new WeakMap();
  var codeIndexes = new WeakMap();
  var formats = {};

  // Python's str.strip(): whitespace at both ends
  function strip(s) { return s.replace(/^[\s\u0085\u001c-\u001f]+|[\s\u0085\u001c-\u001f]+$/g, ""); }

  function decode(s) {
    try { return decodeURIComponent(s.replace(/\+/g, " ")); } catch (e) { return null; }
  }

  // tokens.extract: the text itself, a `t=` parameter, or a URL's last path segment
  function extract(raw) {
    if (typeof raw !== "string" || raw.length > MAX_RAW) return null;
    var text = strip(raw);
    if (ALPHABET.test(text)) return text;
    var rest = text;
    var hash = rest.indexOf("#");
    if (hash >= 0) rest = rest.slice(0, hash);
    var query = "";
    var q = rest.indexOf("?");
    if (q >= 0) { query = rest.slice(q + 1); rest = rest.slice(0, q); }
    var scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(rest);
    if (scheme) rest = rest.slice(scheme[0].length);
    if (rest.slice(0, 2) === "//") {
      var slash = rest.indexOf("/", 2);
      rest = slash >= 0 ? rest.slice(slash) : "";
    }
    var found = [];
    query.split("&").forEach(function (pair) {
      if (!pair) return;
      var eq = pair.indexOf("=");
      if (eq < 0) return;
      var key = decode(pair.slice(0, eq));
      var value = decode(pair.slice(eq + 1));
      if (key === "t" && value) found.push(value);
    });
    var candidate;
    if (found.length) {
      if (found.length !== 1) return null;
      candidate = strip(found[0]);
    } else {
      var segments = rest.split("/").filter(function (s) { return s; });
      candidate = segments.length ? segments[segments.length - 1] : "";
    }
    return ALPHABET.test(candidate) ? candidate : null;
  }

  function local(nowMs, zone) {
    var f = formats[zone];
    if (!f) {
      f = formats[zone] = new Intl.DateTimeFormat("en-CA", {
        timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", hourCycle: "h23",
      });
    }
    var p = {};
    f.formatToParts(new Date(nowMs)).forEach(function (part) { p[part.type] = part.value; });
    return { date: p.year + "-" + p.month + "-" + p.day, hm: p.hour + ":" + p.minute };
  }

  function index(snap) {
    var found = indexes.get(snap);
    if (!found) {
      found = new Map();
      (snap.passes || []).forEach(function (p) { found.set(p.hash, p); });
      indexes.set(snap, found);
    }
    return found;
  }

  // `typed`: judged from a typed short code, which (unlike a QR's token) carries no expiry of its
  // own, so the card's record decides from its revocation on, as on the server
  function judgeHash(snap, hashHex, nowMs, hotWork, typed) {
    var entry = index(snap).get(hashHex);
    if (!entry) return { verdict: "unknown_or_forged", entry: null, site: null };
    var site = (snap.sites || {})[entry.site] || null;
    var rules = snap.rules || {};
    var out = function (verdict) { return { verdict: verdict, entry: entry, site: site }; };
    if (!typed && entry.expires && nowMs >= entry.expires) return out("expired");
    if (entry.revoked || entry.superseded) return out("revoked");
    var here = local(nowMs, rules.zone || "Asia/Shanghai");
    if (here.date < entry.from) return out("not_yet_valid");
    if (here.date > entry.until) return out("expired");
    if (!site || !site.under_way) return out("revoked");
    if (!(site.hours_start <= here.hm && here.hm < site.hours_end)) return out("outside_hours");
    if (site.hold === "awaiting_inspection") return out("awaiting_inspection");
    if (site.hold === "on_hold" && entry.trade !== rules.waterproofing_trade) return out("on_hold");
    var hot = hotWork === true || (rules.hot_work_trades || []).indexOf(entry.trade) >= 0;
    if (hot && (site.hot_days || []).indexOf(here.date) < 0) return out("hot_work_not_permitted");
    return out("valid");
  }

  function hex(buffer) {
    var bytes = new Uint8Array(buffer);
    var s = "";
    for (var i = 0; i < bytes.length; i++) s += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return s;
  }

  function sha256(text) {
    var c = root.crypto || (typeof globalThis !== "undefined" && globalThis.crypto);
    return c.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(hex);
  }

  function stale(snap, nowMs) {
    return !snap || !snap.generated_at || nowMs - snap.generated_at > (snap.max_age_ms || 0);
  }

  function byCode(snap) {
    var found = codeIndexes.get(snap);
    if (!found) {
      found = new Map();
      (snap.passes || []).forEach(function (p) { if (p.code_hash && !p.superseded) found.set(p.code_hash, p.hash); });
      codeIndexes.set(snap, found);
    }
    return found;
  }

  // a typed short code (assets/js/short_codes.js): a typo is told apart before any lookup, as on
  // the server; a well-formed code is judged as the QR of the card it is printed on
  function judgeCode(snap, raw, nowMs, hotWork, isStale) {
    var codes = root.gbShortCode;
    if (!codes || typeof raw !== "string") return null;
    var parsed = codes.parse(raw);
    if (parsed.outcome === "typo") {
      return Promise.resolve({ verdict: "bad_code", entry: null, site: null, stale: isStale, token: null });
    }
    if (parsed.outcome !== "code") return null;
    return sha256(parsed.code).then(function (h) {
      var cardHash = byCode(snap).get(h.slice(0, 32)); // gate_snapshot.code_hash: 128 bits
      var v = cardHash ? judgeHash(snap, cardHash, nowMs, hotWork, true)
        : { verdict: "unknown_code", entry: null, site: null };
      v.stale = isStale;
      v.token = null;
      v.typed = true;
      return v;
    });
  }

  function judge(snap, raw, nowMs, hotWork) {
    var isStale = stale(snap, nowMs);
    var typed = judgeCode(snap, raw, nowMs, hotWork, isStale);
    if (typed) return typed;
    var token = extract(raw);
    if (token === null) {
      return Promise.resolve({ verdict: "unknown_or_forged", entry: null, site: null, stale: isStale, token: null });
    }
    return sha256(token).then(function (h) {
      var v = judgeHash(snap, h, nowMs, hotWork);
      v.stale = isStale;
      v.token = token;
      return v;
    });
  }

  var api = { judgeCode: judgeCode, extract: extract, judgeHash: judgeHash, judge: judge, sha256: sha256, local: local, stale: stale };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.gbGateVerdict = api;
})(typeof window !== "undefined" ? window : globalThis);
