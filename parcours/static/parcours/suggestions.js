// Competency suggestions as you type (no inline script: loaded from a static file, CSP-friendly).
// A container [data-suggest-url] with data-framework and either data-suggest-for (id of a textarea) or
// data-suggest-text (a fixed text). Accepting fills the claim form's competency (or adds a hidden input to
// the period form) and tells the engine; "not relevant" tells it too.
(function () {
  "use strict";
  function csrf() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function feedback(box, item, accepted, text) {
    return fetch("/api/matching/feedback", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ framework: Number(box.dataset.framework), competency_id: item.competency_id, text: text, accepted: accepted })
    });
  }
  function render(box, items, text) {
    box.textContent = "";
    if (!items.length) return;
    var title = document.createElement("p");
    title.className = "fr-text--bold fr-mb-1v";
    title.textContent = box.dataset.title || "Compétences suggérées";
    box.appendChild(title);
    var list = document.createElement("ul");
    list.className = "parcours-suggestion-list";
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "parcours-suggestion";
      var label = document.createElement("span");
      label.textContent = (item.code ? item.code + " " : "") + item.statement;
      var why = document.createElement("span");
      why.className = "fr-text--xs parcours-suggestion-why";
      why.textContent = item.reasons;
      var accept = document.createElement("button");
      accept.type = "button";
      accept.className = "fr-btn fr-btn--sm fr-btn--secondary";
      accept.textContent = box.dataset.accept || "Retenir";
      accept.setAttribute("aria-label", (box.dataset.accept || "Retenir") + " : " + item.statement);
      accept.addEventListener("click", function () {
        if (accept.getAttribute("aria-disabled") === "true") return;
        var select = document.querySelector("#claim-form select[name=competency]");
        var form = document.querySelector("form[data-accepts-suggestions]");
        if (select) {
          select.value = String(item.competency_id);
          var flag = document.querySelector("#claim-form input[name=from_suggestion]");
          if (flag) flag.value = "True";
        } else if (form) {
          var hidden = document.createElement("input");
          hidden.type = "hidden"; hidden.name = "accepted_competency"; hidden.value = String(item.competency_id);
          form.appendChild(hidden);
        }
        feedback(box, item, true, text);
        li.classList.add("parcours-suggestion--accepted");
        // aria-disabled, not disabled: a disabled button would drop the keyboard focus onto the page.
        accept.setAttribute("aria-disabled", "true");
        accept.textContent = box.dataset.accepted || "Retenue";
        accept.setAttribute("aria-label", (box.dataset.accepted || "Retenue") + " : " + item.statement);
      });
      var reject = document.createElement("button");
      reject.type = "button";
      reject.className = "fr-btn fr-btn--sm fr-btn--tertiary-no-outline";
      reject.textContent = box.dataset.reject || "Pas pertinente";
      reject.setAttribute("aria-label", (box.dataset.reject || "Pas pertinente") + " : " + item.statement);
      reject.addEventListener("click", function () {
        feedback(box, item, false, text);
        // The focus goes to the neighbouring suggestion (or the list's title), not back to the top of the page.
        var neighbour = li.nextElementSibling || li.previousElementSibling;
        li.remove();
        if (neighbour) {
          neighbour.querySelector("button").focus();
        } else {
          title.tabIndex = -1;
          title.focus();
        }
      });
      li.append(label, " ", accept, " ", reject, why);
      list.appendChild(li);
    });
    box.appendChild(list);
  }
  function load(box, text) {
    if (!text || !text.trim() || !box.dataset.framework) { box.textContent = ""; return; }
    var url = box.dataset.suggestUrl + "?framework=" + encodeURIComponent(box.dataset.framework) +
      "&top=6&text=" + encodeURIComponent(text.slice(0, 4000));
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (items) { render(box, items, text); })
      .catch(function () { box.textContent = ""; });
  }
  document.querySelectorAll("[data-suggest-url]").forEach(function (box) {
    if (box.dataset.suggestFor) {
      var field = document.getElementById(box.dataset.suggestFor);
      if (!field) return;
      var timer = null;
      field.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { load(box, field.value); }, 400);
      });
      if (field.value) load(box, field.value);
    } else if (box.dataset.suggestText) {
      load(box, box.dataset.suggestText);
    }
  });
})();
