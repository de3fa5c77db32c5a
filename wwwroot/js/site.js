// Showgeo's only hand-written script: progressive enhancement on top of server-rendered pages.
document.addEventListener("htmx:configRequest", function (e) {
  var holder = document.getElementById("antiforgery");
  if (holder && holder.dataset.token) e.detail.headers["RequestVerificationToken"] = holder.dataset.token;
});
