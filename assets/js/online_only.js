/*
 * Forms that must not be sent without a connection (loaded on every page by app/app.py).
 *
 * A form marked data-online-only="<id of a message box>" (the resident's 已修好 / 没修好 on
 * /q/<link>, app/ui/pages/request_link.py) is stopped before React sees its submit while the
 * phone is offline or the page has lost its server connection (the #reconnecting banner): no
 * Reflex event is queued to be replayed at some later reconnect, nothing is recorded, and the
 * box says so in the page's language (the form's data-not-sent text). The next tap once online
 * sends it; the form's write id makes a retried tap count once on the server.
 */
(function () {
  "use strict";
  if (window.gbOnlineOnly) return;
  window.gbOnlineOnly = true;

  function connected() { return navigator.onLine !== false && !document.getElementById("reconnecting"); }

  function say(form, text) {
    var box = document.getElementById(form.getAttribute("data-online-only"));
    if (!box) return;
    box.textContent = "";
    if (!text) return;
    var p = document.createElement("div");
    p.setAttribute("role", "alert");
    p.className = "gb-not-sent";
    p.setAttribute("style", "background:var(--amber-3);color:var(--amber-11);border:1px solid var(--amber-7);"
      + "border-radius:8px;padding:10px 12px;font-size:15px;line-height:1.4");
    p.textContent = text;
    box.appendChild(p);
  }

  window.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form || !form.getAttribute || !form.hasAttribute("data-online-only")) return;
    if (connected()) { say(form, ""); return; }
    ev.preventDefault();
    ev.stopImmediatePropagation();
    say(form, form.getAttribute("data-not-sent") || "Not sent");
  }, true);
})();
