// SPDX-License-Identifier: Apache-2.0
// Counts down the exam timer between requests. Cosmetic only: the server stores the deadline, computes the
// remaining time on every request and submits the attempt once it has passed. At zero the page reloads, which
// lets the server do exactly that.
(function () {
  "use strict";
  const timer = document.querySelector(".exam-timer[data-deadline]");
  if (!timer) {
    return;
  }
  const value = timer.querySelector("[data-exam-countdown]");
  // Offset between the server's clock and this browser's, so a skewed local clock does not distort the countdown.
  const skew = Date.parse(timer.dataset.now) - Date.now();
  const deadline = Date.parse(timer.dataset.deadline);
  const pad = (n) => String(n).padStart(2, "0");
  let reloading = false;
  function tick() {
    const left = Math.max(0, Math.round((deadline - (Date.now() + skew)) / 1000));
    const h = Math.floor(left / 3600);
    const m = Math.floor((left % 3600) / 60);
    const s = left % 60;
    value.textContent = h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
    timer.classList.toggle("exam-timer--low", left <= 300);
    // A second of grace past the deadline, so the request surely arrives after it and the server submits.
    if (Date.now() + skew >= deadline + 1000 && !reloading) {
      reloading = true;
      // Save what is on screen; the server refuses it if the deadline has passed and shows the results.
      const form = document.getElementById("exam-form");
      if (form) {
        form.requestSubmit();
      } else {
        window.location.reload();
      }
    }
  }
  tick();
  setInterval(tick, 1000);
})();
