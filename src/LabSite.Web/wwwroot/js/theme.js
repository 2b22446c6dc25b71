// Light/dark theme: follows the system unless the learner picked one, which is kept in localStorage.
// Loaded synchronously in <head> so the stored choice applies before first paint.
(function () {
  "use strict";
  var key = "labsite-theme";
  var root = document.documentElement;

  function stored() {
    try { return localStorage.getItem(key); } catch (e) { return null; }
  }

  function effective() {
    var choice = stored();
    if (choice === "light" || choice === "dark") return choice;
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  function apply(theme) {
    root.setAttribute("data-theme", theme);
    var button = document.getElementById("theme-toggle");
    if (button) {
      button.setAttribute("aria-pressed", theme === "dark" ? "true" : "false");
    }
  }

  apply(effective());

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("theme-toggle");
    if (!button) return;
    button.hidden = false;
    apply(effective());
    button.addEventListener("click", function () {
      var next = root.getAttribute("data-theme") === "dark" ? "light" : "dark";
      try { localStorage.setItem(key, next); } catch (e) { /* private mode: choice lasts this page only */ }
      apply(next);
    });
  });
})();
