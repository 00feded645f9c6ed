// Shows each <time> in the reader's own timezone when it differs from the page's.
// The page is complete without it: the server-rendered text already names its zone.
(function () {
  "use strict";
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  var pageZone = document.documentElement.getAttribute("data-timezone");
  var same = !zone || zone === pageZone;
  // A zone may come back under another name (Asia/Calcutta for Asia/Kolkata): compare canonical names.
  try { same = same || zone === new Intl.DateTimeFormat("en-US", { timeZone: pageZone }).resolvedOptions().timeZone; } catch (e) {}
  if (same) return;
  var full = { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" };
  var clock = { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" };
  var formats = { full: new Intl.DateTimeFormat("en-US", full), clock: new Intl.DateTimeFormat("en-US", clock) };
  function convert() {
    var nodes = document.querySelectorAll("time[datetime][data-style]");
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      var when = new Date(node.getAttribute("datetime"));
      if (isNaN(when)) continue;
      var format = formats[node.getAttribute("data-style")] || formats.full;
      node.title = node.textContent;
      node.textContent = format.format(when);
      node.setAttribute("data-local", zone);
    }
    var notes = document.querySelectorAll(".tz-note");
    for (var j = 0; j < notes.length; j++) {
      notes[j].textContent = "Times are shown in your timezone, " + zone + " (the page's own is " + pageZone + ").";
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", convert);
  else convert();
})();
