// Shows each <time> in the reader's own timezone when it differs from the page's.
// The page is complete without it: the server-rendered text already names its zone.
// Dates are written in the page's language (<html lang>) by the browser's Intl, and the footer's
// sentence comes from the page (data-local-note, with {zone} for the reader's zone): no word here.
(function () {
  "use strict";
  var zone;
  var lang = document.documentElement.lang || "en";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  var pageZone = document.documentElement.getAttribute("data-timezone");
  var same = !zone || zone === pageZone;
  // A zone may come back under another name (Asia/Calcutta for Asia/Kolkata): compare canonical names.
  try { same = same || zone === new Intl.DateTimeFormat("en-US", { timeZone: pageZone }).resolvedOptions().timeZone; } catch (e) {}
  if (same) return;
  var full = { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" };
  var clock = { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" };
  var formats;
  try { formats = { full: new Intl.DateTimeFormat(lang, full), clock: new Intl.DateTimeFormat(lang, clock) }; } catch (e) { return; }
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
    var notes = document.querySelectorAll(".tz-note[data-local-note]");
    for (var j = 0; j < notes.length; j++) {
      notes[j].textContent = notes[j].getAttribute("data-local-note").split("{zone}").join(zone);
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", convert);
  else convert();
})();
