// Showgeo's only hand-written script: progressive enhancement on top of server-rendered pages.
document.addEventListener("htmx:configRequest", function (e) {
  var holder = document.getElementById("antiforgery");
  if (holder && holder.dataset.token) e.detail.headers["RequestVerificationToken"] = holder.dataset.token;
});

// "Near me" on /events: ask the browser for a position and send it with the filters. If the fan says no (or the
// browser cannot tell), the form goes as it would without JavaScript and the server uses the profile city.
document.addEventListener("click", function (e) {
  var button = e.target.closest && e.target.closest("[data-near-me]");
  if (!button || !navigator.geolocation || button.dataset.located) return;
  e.preventDefault();
  var form = button.form;
  var submit = function () { button.dataset.located = "1"; form.requestSubmit(button); delete button.dataset.located; };
  navigator.geolocation.getCurrentPosition(function (pos) {
    form.querySelector("[data-near-lat]").value = pos.coords.latitude.toFixed(4);
    form.querySelector("[data-near-lng]").value = pos.coords.longitude.toFixed(4);
    submit();
  }, submit, { timeout: 8000, maximumAge: 600000 });
});

// The live stream's position travels in its URL: when the htmx SSE extension recreates a closed EventSource it reads
// sse-connect again and sends no Last-Event-ID, so each event's id is written back into that attribute.
document.addEventListener("htmx:sseMessage", function (e) {
  var id = e.detail && e.detail.lastEventId;
  var source = e.target.closest && e.target.closest("[sse-connect]");
  if (!id || !source) return;
  var url = new URL(source.getAttribute("sse-connect"), location.href);
  if (url.searchParams.get("after") === id) return;
  url.searchParams.set("after", id);
  source.setAttribute("sse-connect", url.pathname + url.search);
});

// A pushed notification is unread and was not muted (the stream leaves muted kinds out): count it on the header badge
// here, so a going-live to thousands of followers does not make every open tab ask the server for its count at once.
document.addEventListener("htmx:sseMessage", function (e) {
  if (!e.detail || e.detail.type !== "notification") return;
  var added = (String(e.detail.data).match(/data-seq="/g) || []).length;
  var badge = document.getElementById("unread-badge");
  if (!added || !badge) return;
  var count = (parseInt(badge.getAttribute("data-count"), 10) || 0) + added;
  badge.setAttribute("data-count", String(count));
  badge.textContent = count > 99 ? "99+" : String(count);
  badge.setAttribute("aria-label", count === 1 ? "1 unread notification" : count + " unread notifications");
  badge.hidden = false;
});
