// A premiere plays as if it were live: the server writes how far into the video the event is
// (data-premiere-offset, seconds, at the moment the page was rendered) and a late joiner starts there.
// Without this script the video plays from the beginning.
(function () {
  var video = document.querySelector("video[data-premiere-offset]");
  if (!video) return;
  var renderedAt = performance.now();
  var offset = parseFloat(video.getAttribute("data-premiere-offset")) || 0;
  var note = document.querySelector("[data-premiere-status]");
  function position() { return offset + (performance.now() - renderedAt) / 1000; }
  function start() {
    var at = position();
    if (isFinite(video.duration) && at >= video.duration) {
      if (note) note.textContent = "The premiere has finished; you can watch it from the start.";
      return;
    }
    if (at > 0.5) video.currentTime = at;
    video.play().catch(function () {
      // Autoplay with sound needs a gesture: play muted and let the viewer unmute.
      video.muted = true;
      video.play().catch(function () { /* the controls stay for the viewer */ });
    });
  }
  if (video.readyState >= 1) start(); else video.addEventListener("loadedmetadata", start, { once: true });
})();
