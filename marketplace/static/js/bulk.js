// Bulk import progress: drives the chunked preview (POST …/step) or polls the
// background import (GET …/status), updates the <progress> bar, then reloads.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-bulk-progress]");
  if (!box) return;
  const bar = box.querySelector("progress");
  const text = box.querySelector(".bulk-progress-text");
  const { stepUrl, statusUrl, doneUrl, csrf, errorText } = box.dataset;
  box.querySelectorAll(".bulk-nojs").forEach((el) => { el.hidden = true; });

  const tick = async () => {
    try {
      const resp = await fetch(stepUrl || statusUrl, {
        method: stepUrl ? "POST" : "GET",
        headers: { Accept: "application/json", "X-CSRFToken": csrf },
        credentials: "same-origin",
      });
      if (!resp.ok) throw new Error(String(resp.status));
      const data = await resp.json();
      if (data.total) bar.max = data.total;
      if (data.processed !== null && data.processed !== undefined) bar.value = data.processed;
      text.textContent = data.message;
      if (data.finished) {
        window.location.assign(doneUrl);
        return;
      }
      window.setTimeout(tick, stepUrl ? 30 : 1000);
    } catch (err) {
      text.textContent = errorText;
      box.querySelectorAll(".bulk-nojs").forEach((el) => { el.hidden = false; });
    }
  };
  tick();
});
