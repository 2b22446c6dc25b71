// Site behaviour on top of htmx. Everything here is an enhancement: without it the site still works.
(function () {
  "use strict";

  // A failed htmx request would otherwise do nothing visible: say so, in a live region.
  function showAlert(text) {
    var alert = document.getElementById("site-alert");
    if (!alert) return;
    alert.textContent = text;
    alert.hidden = false;
    window.clearTimeout(showAlert.timer);
    showAlert.timer = window.setTimeout(function () { alert.hidden = true; }, 8000);
  }

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    showAlert(status === 400
      ? "This page has expired. Reload it and try again."
      : "Something went wrong (" + status + "). Reload the page and try again.");
  });

  document.addEventListener("htmx:sendError", function () {
    showAlert("The site cannot be reached. Check your connection and try again.");
  });
})();
