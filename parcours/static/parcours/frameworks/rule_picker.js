// Competency picker of the rule editor: search the rule's framework (accent-insensitive, through the API)
// and add the chosen competency to the formset. Other scripts (the matching engine's suggestions, shown in
// #rule-suggestions) add competencies with window.parcoursRulePicker.add(id, label).
(() => {
  const picker = document.getElementById("competency-picker");
  const rows = document.getElementById("competency-forms");
  const template = document.getElementById("competency-empty-form");
  const total = document.getElementById("id_competencies-TOTAL_FORMS");
  if (!rows || !template || !total) return;

  const selects = () => Array.from(rows.querySelectorAll("select[data-picker-target='competency']"));

  const add = (id, label) => {
    const value = String(id);
    const existing = selects().find((select) => select.value === value);
    if (existing) {
      existing.focus();
      return existing;
    }
    let target = selects().find((select) => !select.value);
    if (!target) {
      const index = Number(total.value);
      const html = template.innerHTML.replaceAll("__prefix__", String(index));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      target = selects().at(-1);
    }
    if (!Array.from(target.options).some((option) => option.value === value)) {
      target.add(new Option(label || value, value));
    }
    target.value = value;
    target.dispatchEvent(new Event("change", { bubbles: true }));
    return target;
  };
  window.parcoursRulePicker = { add };

  if (!picker) return;
  const input = document.getElementById("picker-query");
  const results = document.getElementById("picker-results");
  const frameworkField = document.getElementById(picker.dataset.frameworkField);
  let timer = null;
  let sequence = 0;

  const render = (items) => {
    results.replaceChildren();
    // Rules recognise competencies and their components, not whole blocks.
    for (const item of items.filter((hit) => hit.item_type !== "block")) {
      const li = document.createElement("li");
      const text = document.createElement("span");
      text.textContent = `${item.code ? item.code + " " : ""}${item.statement_fr}`;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "fr-btn fr-btn--sm fr-btn--secondary";
      button.textContent = picker.dataset.addLabel || "+";
      button.setAttribute("aria-label", `${button.textContent} ${text.textContent}`);
      button.addEventListener("click", () => {
        add(item.id, text.textContent);
        button.disabled = true;
      });
      li.append(button, text);
      results.append(li);
    }
  };

  const search = async () => {
    const query = input.value.trim();
    const current = ++sequence;
    if (query.length < 2) {
      results.replaceChildren();
      return;
    }
    const framework = (frameworkField && frameworkField.value) || picker.dataset.framework;
    const url = new URL(picker.dataset.searchUrl, window.location.origin);
    url.searchParams.set("q", query);
    url.searchParams.set("framework", framework);
    url.searchParams.set("limit", "15");
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!response.ok || current !== sequence) return;
    render(await response.json());
  };

  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(search, 200);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault();
  });
})();
