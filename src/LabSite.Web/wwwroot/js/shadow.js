// An instructor's shadow of an attendee's terminal: one xterm.js showing what the attendee's shell prints, over the
// WebSocket in #shadow[data-url]. Keys are sent as the lab terminal sends them; the server drops them unless the
// attendee accepted a take-over, so nothing here decides what is read-only.
(function () {
  "use strict";
  var host = document.getElementById("shadow");
  var message = document.getElementById("shadow-message");
  if (!host || !window.Terminal || !window.FitAddon || !window.WebSocket) return;

  var term = new window.Terminal({ cursorBlink: false, scrollback: 5000, fontSize: 13 });
  var fit = new window.FitAddon.FitAddon();
  term.loadAddon(fit);
  term.open(host);
  fit.fit();

  var scheme = location.protocol === "https:" ? "wss:" : "ws:";
  var socket = new WebSocket(scheme + "//" + location.host + host.dataset.url);
  socket.onopen = function () { host.dataset.state = "connected"; };
  socket.onmessage = function (event) { term.write(event.data); };
  socket.onclose = function (event) {
    host.dataset.state = "closed";
    message.textContent = event.reason || "The attendee's terminal closed (or is not open): reload to try again.";
    message.hidden = false;
  };
  term.onData(function (data) {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "input", data: data }));
  });
  window.addEventListener("resize", function () { fit.fit(); });
})();
