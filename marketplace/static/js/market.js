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
  // A match panel whose matches are still being computed: fetch the panel again every
  // 2 s until the server sends one without data-refresh-url (or give up after a minute
  // and offer a reload).
  const pollPanel = (panel, tries) => {
    const url = panel.dataset.refreshUrl;
    if (!url) return;
    if (tries <= 0) {
      const hint = panel.querySelector(".match-pending-hint");
      const reload = panel.querySelector(".match-pending-reload");
      if (hint) hint.hidden = true;
      if (reload) reload.hidden = false;
      return;
    }
    window.setTimeout(() => {
      fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then((r) => (r.ok ? r.text() : Promise.reject(r.status)))
        .then((html) => {
          const box = document.createElement("div");
          box.innerHTML = html.trim();
          const fresh = box.querySelector(".match-panel");
          if (!fresh) return;
          panel.replaceWith(fresh);
          pollPanel(fresh, tries - 1);
        })
        .catch(() => pollPanel(panel, tries - 1));
    }, 2000);
  };
  document.querySelectorAll(".match-panel[data-refresh-url]").forEach((p) => pollPanel(p, 30));
});
