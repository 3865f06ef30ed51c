/* A short beep when a new alert reaches the open app (app.state.live yields
 * `window.gbAlertBeep()`). Browsers keep audio blocked until the person's first
 * gesture on the page, so the audio context is made (or resumed) on the first tap
 * or key press; a beep before that is only counted. `window.gbAlertBeeps` counts
 * the beeps asked for (tests read it), `window.gbAlertBeepsPlayed` those played. */
(function () {
  "use strict";
  if (window.gbAlertBeep) return;
  var ctx = null;
  window.gbAlertBeeps = 0;
  window.gbAlertBeepsPlayed = 0;

  function unlock() {
    try {
      if (!ctx) {
        var C = window.AudioContext || window.webkitAudioContext;
        if (!C) return;
        ctx = new C();
      }
      if (ctx.state === "suspended") ctx.resume();
    } catch (e) {
      /* no audio on this device: the banner and badge still show */
    }
  }
  ["pointerdown", "touchstart", "keydown"].forEach(function (type) {
    window.addEventListener(type, unlock, { capture: true, passive: true });
  });

  function tone(at, freq, seconds) {
    var osc = ctx.createOscillator();
    var gain = ctx.createGain();
    osc.type = "sine";
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.3, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + seconds);
    osc.connect(gain).connect(ctx.destination);
    osc.start(at);
    osc.stop(at + seconds + 0.02);
  }

  window.gbAlertBeep = function () {
    window.gbAlertBeeps += 1;
    if (!ctx || ctx.state !== "running") return false;
    try {
      var t = ctx.currentTime;
      tone(t, 880, 0.12);
      tone(t + 0.16, 1320, 0.12);
      window.gbAlertBeepsPlayed += 1;
      return true;
    } catch (e) {
      return false;
    }
  };
})();
