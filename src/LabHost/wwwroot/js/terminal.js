// The lab terminal: xterm.js in #terminal, talking to /labs/{lab}/terminal over a WebSocket. The shell lives on the
// server and outlives the socket, so after a network blip or a reload the page reconnects to the same session and the
// server replays the recent screen.
(function () {
  "use strict";

  var panel = document.getElementById("terminal-panel");
  var screen = document.getElementById("terminal");
  if (!panel || !screen || !window.Terminal || !window.FitAddon || !window.WebSocket) return;

  var term = new window.Terminal({ cursorBlink: true, scrollback: 5000, fontSize: 13 });
  var fit = new window.FitAddon.FitAddon();
  term.loadAddon(fit);
  screen.textContent = "";
  term.open(screen);
  fit.fit();

  var socket = null;
  var attempts = 0;
  var maxAttempts = 10;

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss:" : "ws:";
    socket = new WebSocket(scheme + "//" + location.host + "/labs/" + encodeURIComponent(panel.dataset.labId) + "/terminal");
    socket.onopen = function () {
      attempts = 0;
      panel.dataset.state = "connected";
      send({ type: "resize", cols: term.cols, rows: term.rows });
    };
    socket.onmessage = function (event) { term.write(event.data); };
    socket.onclose = function (event) {
      panel.dataset.state = "disconnected";
      // 1000: the shell ended (exit, Ctrl-D) or another tab took the session over: do not fight over it.
      if (event.code === 1000) {
        term.write("\r\n[disconnected: reload the page to continue]\r\n");
        return;
      }
      if (attempts >= maxAttempts) {
        term.write("\r\n[the terminal cannot reach the server; reload the page to try again]\r\n");
        return;
      }
      var delay = Math.min(8000, 500 * Math.pow(2, attempts++));
      term.write("\r\n[connection lost; reconnecting in " + Math.round(delay / 1000) + " s]\r\n");
      window.setTimeout(connect, delay);
    };
  }

  term.onData(function (data) { send({ type: "input", data: data }); });
  term.onResize(function (size) { send({ type: "resize", cols: size.cols, rows: size.rows }); });
  if (window.ResizeObserver) new ResizeObserver(function () { fit.fit(); }).observe(screen);
  connect();
  term.focus();
})();
