// The host studio: camera and microphone preview (livekit-client's createLocalTracks), device pickers, go live
// (connect with a host token, publish, then the phase form moves the event to LIVE), screen share, mute, and end.
// The phase buttons are plain forms: without this script they change the phase and nothing is published.
(function () {
  var root = document.getElementById("studio");
  if (!root || !window.LivekitClient || !window.ShowgeoStream) return;
  var LK = window.LivekitClient;
  var preview = root.querySelector("[data-preview]");
  var status = root.querySelector("[data-studio-status]");
  var cameras = root.querySelector("[data-camera-picker]");
  var mics = root.querySelector("[data-mic-picker]");
  var startButton = root.querySelector("[data-start-preview]");
  var muteButton = root.querySelector("[data-mute]");
  var shareButton = root.querySelector("[data-share-screen]");
  var tracks = [], room = null;

  function say(text) { if (status) status.textContent = text; }
  function track(kind) { return tracks.filter(function (t) { return t.kind === kind; })[0]; }

  function fill(select, kind, current) {
    if (!select) return Promise.resolve();
    return LK.Room.getLocalDevices(kind).then(function (devices) {
      select.textContent = "";
      devices.forEach(function (d, i) {
        var o = document.createElement("option");
        o.value = d.deviceId;
        o.textContent = d.label || (kind === "videoinput" ? "Camera " : "Microphone ") + (i + 1);
        if (d.deviceId === current) o.selected = true;
        select.appendChild(o);
      });
      select.disabled = devices.length === 0;
    });
  }

  function startPreview() {
    say("Asking for your camera and microphone…");
    return LK.createLocalTracks({ audio: true, video: { resolution: LK.VideoPresets.h720.resolution } }).then(function (created) {
      tracks = created;
      var video = track("video");
      if (video) {
        var el = video.attach();
        el.muted = true;
        el.setAttribute("playsinline", "");
        el.dataset.localPreview = "";
        preview.textContent = "";
        preview.appendChild(el);
      }
      if (startButton) startButton.hidden = true;
      root.querySelectorAll("[data-needs-preview]").forEach(function (b) { b.disabled = false; });
      say("Preview on. Nothing is published until you go live.");
      var v = track("video"), a = track("audio");
      return Promise.all([
        fill(cameras, "videoinput", v && v.mediaStreamTrack.getSettings().deviceId),
        fill(mics, "audioinput", a && a.mediaStreamTrack.getSettings().deviceId),
      ]);
    }).catch(function (err) {
      say("The browser gave no camera or microphone (" + (err && err.name || "refused") + "). Allow them for this site and try again.");
    });
  }

  function switchDevice(kind, select) {
    var t = track(kind);
    if (t && select.value) t.restartTrack({ deviceId: select.value }).catch(function () { say("That device could not be opened."); });
  }

  function goLive(form, button) {
    if (!tracks.length) return Promise.reject(new Error("Start the camera preview first."));
    say("Connecting to the room…");
    return ShowgeoStream.fetchToken(root.dataset.tokenUrl).then(function (t) {
      room = new LK.Room({ adaptiveStream: true, dynacast: true });
      return room.connect(t.url, t.token).then(function () {
        return Promise.all(tracks.map(function (tr) { return room.localParticipant.publishTrack(tr); }));
      });
    }).then(function () {
      say("You are live.");
      button.dataset.ready = "1";
      form.requestSubmit(button);
    });
  }

  function stop() {
    if (room) { room.disconnect(); room = null; }
    tracks.forEach(function (t) { t.stop(); });
    tracks = [];
  }

  if (startButton) startButton.addEventListener("click", startPreview);
  if (cameras) cameras.addEventListener("change", function () { switchDevice("video", cameras); });
  if (mics) mics.addEventListener("change", function () { switchDevice("audio", mics); });
  if (muteButton) muteButton.addEventListener("click", function () {
    var a = track("audio");
    if (!a) return;
    if (a.isMuted) { a.unmute(); muteButton.textContent = "Mute microphone"; muteButton.setAttribute("aria-pressed", "false"); }
    else { a.mute(); muteButton.textContent = "Unmute microphone"; muteButton.setAttribute("aria-pressed", "true"); }
  });
  if (shareButton) shareButton.addEventListener("click", function () {
    if (!room) { say("Go live first, then share your screen."); return; }
    var on = !room.localParticipant.isScreenShareEnabled;
    room.localParticipant.setScreenShareEnabled(on).then(function () {
      shareButton.textContent = on ? "Stop sharing" : "Share screen";
      shareButton.setAttribute("aria-pressed", on ? "true" : "false");
    }).catch(function () { say("Screen sharing was refused."); });
  });

  // The phase form: Go live publishes first; End stream unpublishes first. Both then submit the form as usual.
  root.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("button[name=to]");
    if (!button || button.dataset.ready) return;
    var to = button.value;
    if (to === "Live") {
      e.preventDefault();
      goLive(button.form, button).catch(function (err) { say(err.message); if (room) { room.disconnect(); room = null; } });
    } else if (to === "Post" || to === "Cancelled") {
      stop();
    }
  });
  document.addEventListener("htmx:afterSwap", function () {
    root.querySelectorAll("button[name=to][data-ready]").forEach(function (b) { delete b.dataset.ready; });
  });
  ShowgeoStream.onLeave(stop);
})();
