// Reload the page every few seconds while an element marked data-track-refresh is on it (batch progress).
(function () {
  "use strict";
  var marker = document.querySelector("[data-track-refresh]");
  if (!marker) { return; }
  var seconds = parseInt(marker.getAttribute("data-track-refresh"), 10) || 3;
  window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
})();
