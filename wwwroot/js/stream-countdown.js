// Ticks the server-rendered countdown to an event's start ([data-countdown-to] holds the UTC time). Without this
// script the page shows the start time as the server wrote it.
(function () {
  var el = document.querySelector("[data-countdown-to]");
  if (!el) return;
  var target = Date.parse(el.getAttribute("data-countdown-to"));
  if (isNaN(target)) return;
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function tick() {
    var left = Math.max(0, Math.floor((target - Date.now()) / 1000));
    var d = Math.floor(left / 86400), h = Math.floor(left % 86400 / 3600), m = Math.floor(left % 3600 / 60), s = left % 60;
    el.textContent = left === 0 ? "Starting now — refresh the page to watch." : "Starts in " + (d > 0 ? d + "d " : "") + pad(h) + ":" + pad(m) + ":" + pad(s);
    if (left > 0) setTimeout(tick, 1000);
  }
  tick();
})();
