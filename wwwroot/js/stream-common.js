// Shared by the watch and studio pages, the only pages that load livekit-client. Leaving either page is a full
// navigation: a boosted swap would keep the room connected in the background and carry this page's looser CSP.
window.ShowgeoStream = (function () {
  function antiforgery() {
    var holder = document.getElementById("antiforgery");
    return holder ? holder.dataset.token || "" : "";
  }

  // POST /events/{slug}/stream/token: { url, token, identity, role, ... } or { error } with the refusal sentence.
  function fetchToken(url) {
    return fetch(url, { method: "POST", credentials: "same-origin", headers: { "RequestVerificationToken": antiforgery(), "Accept": "application/json" } })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (body) {
          if (!r.ok || !body.token) {
            var err = new Error(body.error || "The stream is not available right now.");
            err.status = r.status;
            throw err;
          }
          return body;
        });
      });
  }

  var leaving = [];
  document.addEventListener("htmx:beforeRequest", function (e) {
    if (!e.detail || !e.detail.boosted || !e.detail.requestConfig || e.detail.requestConfig.verb !== "get") return;
    e.preventDefault();
    leaving.forEach(function (f) { try { f(); } catch (_) { /* leaving anyway */ } });
    location.href = e.detail.requestConfig.path;
  });
  window.addEventListener("pagehide", function () { leaving.forEach(function (f) { try { f(); } catch (_) { /* closing */ } }); });

  return { fetchToken: fetchToken, onLeave: function (f) { leaving.push(f); } };
})();
