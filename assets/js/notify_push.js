/*
 * Web Push on /account (app.domain.outbox): the button #push-enable, shown only when the server
 * has VAPID keys (its data-vapid attribute is the public key), asks the browser for permission,
 * subscribes through the service worker the app registers on every load (field_shell.js) and
 * POSTs the subscription to /api/notify/push-subscription with the session token from
 * localStorage ("gb_session") as a bearer header. The button then says data-done (or why not:
 * data-denied, data-unsupported). The service worker shows what arrives (assets/sw.js "push").
 */
(function () {
  "use strict";

  function stored(key) {
    var v = null;
    try { v = window.localStorage.getItem(key); } catch (e) { v = null; }
    if (v && v.length >= 2 && v.charAt(0) === '"' && v.charAt(v.length - 1) === '"') {
      try { v = JSON.parse(v); } catch (e) { /* keep raw */ }
    }
    return v || "";
  }

  function keyBytes(base64url) {
    var pad = "=".repeat((4 - (base64url.length % 4)) % 4);
    var raw = window.atob((base64url + pad).replace(/-/g, "+").replace(/_/g, "/"));
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function say(button, attr) {
    var text = button.getAttribute(attr);
    if (text) button.textContent = text;
  }

  async function enable(button) {
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
      say(button, "data-unsupported");
      return;
    }
    var permission = await Notification.requestPermission();
    if (permission !== "granted") { say(button, "data-denied"); return; }
    var reg = await navigator.serviceWorker.ready;
    var sub = await reg.pushManager.getSubscription();
    if (!sub) {
      sub = await reg.pushManager.subscribe({
        userVisibleOnly: true, applicationServerKey: keyBytes(button.getAttribute("data-vapid") || ""),
      });
    }
    var res = await fetch("/api/notify/push-subscription", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Authorization": "Bearer " + stored("gb_session") },
      body: JSON.stringify(sub.toJSON()),
    });
    if (res.ok) { say(button, "data-done"); button.disabled = true; } else { say(button, "data-unsupported"); }
  }

  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest ? event.target.closest("#push-enable") : null;
    if (!button) return;
    event.preventDefault();
    enable(button).catch(function () { say(button, "data-unsupported"); });
  });
})();
