// Skip links move the keyboard focus, not only the scroll position. Their targets (the <main> of
// django-dsfr's base template, the main navigation, the footer) are not focusable, so following a link to
// them would leave the focus on <body>: screen readers would not announce the new position. The target is
// made focusable for the time it holds the focus. The address is left alone: a "#content" added to it would
// be carried by the forms that post to the page and by their redirects.
// (No inline script: a static file, CSP-friendly.)
(function () {
  "use strict";
  document.querySelectorAll(".fr-skiplinks a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!target) return;
      event.preventDefault();
      if (!target.hasAttribute("tabindex")) {
        target.setAttribute("tabindex", "-1");
        target.addEventListener("blur", function () { target.removeAttribute("tabindex"); }, { once: true });
      }
      target.focus();
    });
  });
})();
