/* The printed short codes (app/domain/short_codes.py), in the browser: the same alphabet, check and
 * normalisation, so a screen without a connection (the offline gate) tells a typo from a code before it
 * looks anything up. tests/e2e/test_printed_codes.py checks it against the Python module.
 *
 * window.gbShortCode.parse(text) -> {outcome: "not_a_code" | "typo" | "code", code: "K7QH4MXP" | ""}
 * window.gbShortCode.normalise(text), .isValid(code), .group(code)
 */
(function () {
  "use strict";
  var ALPHABET = "ACDEFHJKMNPQRTUWXY34679"; // 23, a prime: no 0/O 1/I/L 2/Z 5/S 8/B G V
  var MODULUS = ALPHABET.length;
  var LENGTH = 8;
  var CONFUSIONS = { G: "6", V: "U" };
  var SEPARATORS = /[\s\-_.·•—–]+/g;
  var LOOKS_LIKE = new RegExp("^[A-Z0-9]{" + (LENGTH - 1) + "," + (LENGTH + 1) + "}$");

  function normalise(raw) {
    var text = typeof raw === "string" ? raw : "";
    text = text.normalize ? text.normalize("NFKC") : text;
    text = text.slice(0, 64).replace(SEPARATORS, "").toUpperCase();
    var out = "";
    for (var i = 0; i < text.length; i++) out += CONFUSIONS[text[i]] || text[i];
    return out;
  }

  function isValid(code) {
    if (typeof code !== "string" || code.length !== LENGTH) return false;
    var total = 0;
    for (var i = 0; i < code.length; i++) {
      var v = ALPHABET.indexOf(code[i]);
      if (v < 0) return false;
      total += (i + 1) * v;
    }
    return total % MODULUS === 0;
  }

  function parse(raw) {
    if (typeof raw !== "string" || raw.length > 64) return { outcome: "not_a_code", code: "" };
    var text = normalise(raw);
    if (!LOOKS_LIKE.test(text)) return { outcome: "not_a_code", code: "" };
    if (!isValid(text)) return { outcome: "typo", code: "" };
    return { outcome: "code", code: text };
  }

  function group(code) {
    return code.length > 4 ? code.slice(0, 4) + "-" + code.slice(4) : code;
  }

  var api = { ALPHABET: ALPHABET, normalise: normalise, isValid: isValid, parse: parse, group: group };
  // the page's global; under Node (tests/domain/test_gate_offline_js.py) globalThis as well
  (typeof window !== "undefined" ? window : globalThis).gbShortCode = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})();
