// Keyboard and screen-reader helpers shared by every page (a static file: no inline script, CSP-friendly).
//
// 1. Skip links move the keyboard focus, not only the scroll position. Their targets (the <main> of
// django-dsfr's base template, the main navigation, the footer) are not focusable, so following a link to
// them would leave the focus on <body>: screen readers would not announce the new position. The target is
// made focusable for the time it holds the focus. The address is left alone: a "#content" added to it would
// be carried by the forms that post to the page and by their redirects.
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

// 2. A form sent back with errors puts the focus on the first field in error (RGAA 11.10, DSFR « formulaire
// en erreur »): its label and its error message are read at once, and the page title already starts with
// « Erreur – ». A form-wide error (no field of its own) gets the focus itself.
(function () {
  "use strict";
  var group = document.querySelector("main [class*='-group--error'], main .fr-fieldset--error");
  if (!group) return;
  var control = group.querySelector("input:not([type='hidden']):not([disabled]), select:not([disabled]), textarea:not([disabled])");
  if (!control) {
    group.setAttribute("tabindex", "-1");
    control = group;
  }
  control.focus();
})();
