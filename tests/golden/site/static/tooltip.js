// Escape hides the story of the uptime day under the pointer or focus (WCAG 1.4.13: content shown
// on hover or focus must be dismissible); moving to another bar shows stories again. Optional.
(function () {
  "use strict";
  var root = document.documentElement, dismissed = null;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    dismissed = document.querySelector(".bar:hover, .bar:focus-within");
    if (dismissed) root.classList.add("tips-off");
  });
  function wake(event) {
    if (!dismissed || dismissed.contains(event.target)) return;
    if (event.type === "mouseover" && dismissed.contains(document.activeElement)) return;
    dismissed = null;
    root.classList.remove("tips-off");
  }
  document.addEventListener("focusin", wake);
  document.addEventListener("mouseover", wake);
})();
