// An import page's job (section[data-import-job]): while the worker has not finished it, ask its JSON status
// every few seconds; then show what it wrote, or the Vietnamese reason it wrote nothing, in the section's
// live region. Without this script the section shows the state as of the page's loading; “Xem tiếp” reloads.
// The asking is jobs.js's pollJob.
(() => {
  "use strict";

  const EVERY_MS = 1500;

  function result(state) {
    const box = document.createElement("div");
    box.className = "alert mb-0 " + (state.status === "done" ? "alert-success" : "alert-danger");
    const message = document.createElement("p");
    message.className = state.errors.length ? "mb-1" : "mb-0";
    message.textContent = state.message;
    box.append(message);
    if (state.errors.length) {
      const list = document.createElement("ul");
      list.className = "mb-0";
      state.errors.forEach((error) => {
        const item = document.createElement("li");
        item.textContent = error;
        list.append(item);
      });
      box.append(list);
    }
    return box;
  }

  function show(section, state) {
    section.dataset.status = state.status;
    const label = section.querySelector("[data-job-label]");
    label.textContent = state.label;
    if (!state.finished) {
      const spinner = document.createElement("span");
      spinner.className = "spinner-border spinner-border-sm me-1";
      spinner.setAttribute("aria-hidden", "true");
      label.prepend(spinner);
      return;
    }
    section.querySelector("[data-job-pending]").hidden = true;
    section.querySelector("[data-job-result]").replaceChildren(result(state));
    const done = section.querySelector("[data-job-done]");
    if (done) done.hidden = state.status !== "done";
  }

  const section = document.querySelector("section[data-import-job]");
  if (section && window.pollJob.UNFINISHED.includes(section.dataset.status)) {
    window.pollJob(section.dataset.importJob, {
      every: EVERY_MS,
      show: (state) => show(section, state),
      failed: (code) => {
        section.querySelector("[data-job-result]").textContent =
          "Không xem được trạng thái (mã " + code + "). Tải lại trang để xem tiếp.";
      },
    });
  }
})();
