// The watch page's player: subscribe-only viewer of the event's LiveKit room, with adaptive stream and dynacast on
// (https://docs.livekit.io/home/client/connect/). Everything it needs is on #stream-player's data attributes.
(function () {
  var root = document.getElementById("stream-player");
  if (!root || !window.LivekitClient || !window.ShowgeoStream) return;
  var LK = window.LivekitClient;
  var status = root.querySelector("[data-stream-status]");
  var stage = root.querySelector("[data-stream-media]");
  var audioOnly = root.querySelector("[data-audio-only]");
  var count = document.getElementById("viewer-count");
  var room = null, leaving = false, failures = 0;

  function say(text) { if (status) status.textContent = text; }

  function showCount() {
    if (!count || !room) return;
    // Everyone connected to the room, this viewer included, as LiveKit reports it to the client.
    var n = room.remoteParticipants.size + 1;
    count.textContent = n === 1 ? "1 watching now" : n + " watching now";
    count.hidden = false;
  }

  function wantsVideo() { return !(audioOnly && audioOnly.checked); }

  function attach(track, publication) {
    if (track.kind === "video" && !wantsVideo()) { publication.setSubscribed(false); return; }
    var el = track.attach();
    el.dataset.trackSid = publication.trackSid;
    if (track.kind === "video") { el.setAttribute("playsinline", ""); el.muted = true; }
    stage.appendChild(el);
    say("");
  }

  function applyAudioOnly() {
    if (!room) return;
    room.remoteParticipants.forEach(function (p) {
      p.trackPublications.forEach(function (pub) {
        if (pub.kind === "video") pub.setSubscribed(wantsVideo());
      });
    });
  }

  function onStage(canPublish) {
    var lp = room && room.localParticipant;
    if (!lp) return;
    if (canPublish) {
      lp.enableCameraAndMicrophone().then(function () { say("You are on stage: your camera and microphone are live."); })
        .catch(function () { say("You are on stage, but the browser gave no camera or microphone."); });
    } else {
      lp.setCameraEnabled(false); lp.setMicrophoneEnabled(false);
      say("You have left the stage.");
    }
  }

  function connect() {
    say("Connecting to the stream…");
    return ShowgeoStream.fetchToken(root.dataset.tokenUrl).then(function (t) {
      room = new LK.Room({ adaptiveStream: true, dynacast: true });
      room.on(LK.RoomEvent.TrackSubscribed, function (track, pub) { attach(track, pub); });
      room.on(LK.RoomEvent.TrackUnsubscribed, function (track) { track.detach().forEach(function (el) { el.remove(); }); });
      room.on(LK.RoomEvent.ParticipantConnected, showCount);
      room.on(LK.RoomEvent.ParticipantDisconnected, showCount);
      room.on(LK.RoomEvent.Disconnected, function () { if (!leaving) retry(); });
      // Invited on stage: the server grants publish to this participant (or issued a guest token); go on camera.
      room.on(LK.RoomEvent.ParticipantPermissionsChanged, function (prev, participant) {
        if (participant === room.localParticipant) onStage(participant.permissions && participant.permissions.canPublish);
      });
      return room.connect(t.url, t.token, { autoSubscribe: true }).then(function () {
        failures = 0;
        showCount();
        if (t.role === "guest") onStage(true);
        if (room.remoteParticipants.size === 0) say("Connected. Waiting for the host to start…");
      });
    }).catch(function (err) {
      // A refusal (sign-in, ticket, geo, ban, not configured) is final: show its sentence and stop.
      if (err && err.status && err.status !== 409) { say(err.message); return; }
      retry();
    });
  }

  // A dropped connection asks for a new token: the old one may have expired, or access may have changed.
  function retry() {
    if (leaving) return;
    failures++;
    if (failures > 6) { say("The stream connection was lost. Refresh the page to try again."); return; }
    say("Reconnecting…");
    var r = room; room = null;
    if (r) r.removeAllListeners();
    setTimeout(connect, Math.min(30000, 1000 * Math.pow(2, failures)));
  }

  if (audioOnly) audioOnly.addEventListener("change", applyAudioOnly);
  ShowgeoStream.onLeave(function () { leaving = true; if (room) room.disconnect(); });
  connect();
})();
