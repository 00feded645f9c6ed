// For readers who keep the page open: polls the site's own api/v2/status.json and, when the
// status changes (its indicator or its updated_at), shows the page's notice and reloads by
// itself unless the reader is busy with the page. Without it the page is complete as built.
(function () {
  "use strict";
  var script = document.currentScript;
  var notice = document.querySelector("[data-refresh-notice]");
  if (!script || !notice || !window.fetch) return;
  var url = script.getAttribute("data-status");
  var every = (parseFloat(script.getAttribute("data-interval")) || 60) * 1000;
  var wait = (parseFloat(script.getAttribute("data-reload-after")) || 30) * 1000;
  var seen = null, timer = null, busy = false;
  function key(data) {
    return data && data.status && data.page ? data.status.indicator + " " + data.page.updated_at : null;
  }
  function reload() { window.location.reload(); }
  function changed() {
    clearInterval(timer);
    notice.hidden = false;
    var button = notice.querySelector("button");
    if (button) button.addEventListener("click", reload);
    // A wall display reloads by itself; a reader who scrolls, types or clicks keeps their place.
    ["scroll", "keydown", "pointerdown"].forEach(function (name) {
      window.addEventListener(name, function () { busy = true; }, { once: true, passive: true });
    });
    setTimeout(function () { if (!busy || document.hidden) reload(); }, wait);
  }
  function poll() {
    fetch(url, { cache: "no-store" }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      var now = key(data);
      if (now === null) return;
      if (seen === null) seen = now;
      else if (now !== seen) changed();
    }).catch(function () {});
  }
  poll();
  timer = setInterval(poll, every);
})();
