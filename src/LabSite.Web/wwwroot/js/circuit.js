// Starts Blazor for the interactive components (the lab player) and wires the reconnect dialog's buttons.
// Enhanced navigation stays off: the rest of the site is plain pages with htmx, whose scripts expect full page loads.
(function () {
  "use strict";
  if (!window.Blazor) return;
  window.Blazor.start({ ssr: { disableDomPreservation: true } });

  document.addEventListener("click", function (event) {
    if (event.target.closest("#reconnect-reload")) {
      window.location.reload();
    } else if (event.target.closest("#reconnect-retry")) {
      // reconnect() resolves false when the server rejected the circuit: only a reload helps then.
      window.Blazor.reconnect().then(function (ok) { if (!ok) window.location.reload(); }, function () { window.location.reload(); });
    }
  });
})();
