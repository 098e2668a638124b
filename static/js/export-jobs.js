// The board's export jobs: each unfinished job (li[data-export-job]) asks its JSON status URL every few
// seconds until the worker has finished it, then shows “Tải tệp” or the Vietnamese reason it failed.
// Without this script the list shows the state as of the page's loading; a reload brings it up to date.
// The asking is jobs.js's pollJob.
(() => {
  "use strict";

  const EVERY_MS = 2000;

  function announce(text) {
    const box = document.querySelector("[data-job-announce]");
    if (box) box.textContent = text;
  }

  function show(item, state) {
    item.dataset.status = state.status;
    const label = item.querySelector("[data-job-label]");
    label.textContent = state.label;
    if (!state.finished) {
      const spinner = document.createElement("span");
      spinner.className = "spinner-border spinner-border-sm me-1";
      spinner.setAttribute("aria-hidden", "true");
      label.prepend(spinner);
    }
    const link = item.querySelector("[data-job-download]");
    if (state.download) {
      link.href = state.download;
      link.hidden = false;
    }
    item.querySelector("[data-job-error]").textContent = state.error || "";
    if (state.finished) announce(state.status === "done" ? "Tệp đã tạo xong: bấm “Tải tệp”." : state.error);
  }

  function failed(item, code) {
    item.querySelector("[data-job-error]").textContent =
      "Không xem được trạng thái tệp (mã " + code + "). Tải lại trang để xem tiếp.";
  }

  document.querySelectorAll("li[data-export-job]").forEach((item) => {
    if (!window.pollJob.UNFINISHED.includes(item.dataset.status)) return;
    window.pollJob(item.dataset.exportJob, {
      every: EVERY_MS,
      show: (state) => show(item, state),
      failed: (code) => failed(item, code),
    });
  });
})();
