// Small page behaviours, loaded from a file so the CSP needs no inline script.
document.addEventListener("DOMContentLoaded", () => {
  // Ask before destructive actions: <button data-confirm="…">.
  document.querySelectorAll("[data-confirm]").forEach((el) => {
    el.addEventListener("click", (ev) => {
      if (!window.confirm(el.dataset.confirm)) ev.preventDefault();
    });
  });
  // Show a progress indicator while a long form submits: <form data-progress>.
  document.querySelectorAll("form[data-progress]").forEach((form) => {
    form.addEventListener("submit", () => {
      const ind = form.querySelector(".progress-indicator");
      if (ind) ind.hidden = false;
      form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = true; });
    });
  });
});
