// Poll the status of a running framework import and reload the page when it is finished.
(() => {
  const box = document.getElementById("import-progress");
  if (!box) return;
  const bar = box.querySelector("progress");
  const phase = document.getElementById("import-phase");
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } });
      const state = await response.json();
      if (state.finished) {
        window.location.reload();
        return;
      }
      if (state.total > 0) {
        bar.value = Math.round((100 * state.done) / state.total);
      } else {
        bar.removeAttribute("value");
      }
      phase.textContent = `${state.status_label} — ${state.phase}`;
    } catch (error) {
      phase.textContent = String(error);
    }
    window.setTimeout(poll, 1000);
  };
  window.setTimeout(poll, 500);
})();
