// The board's export jobs: each unfinished job (li[data-export-job]) asks its JSON status URL every few
// seconds until the worker has finished it, then shows “Tải tệp” or the Vietnamese reason it failed.
// Without this script the list shows the state as of the page's loading; a reload brings it up to date.
(function () {
  "use strict";

  const EVERY_MS = 2000;
  const UNFINISHED = ["queued", "running"];

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

  async function poll(item) {
    let state;
    try {
      const response = await fetch(item.dataset.exportJob, {
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-Requested-With": "XMLHttpRequest" },
      });
      if (!response.ok || !(response.headers.get("Content-Type") || "").includes("json")) {
        item.querySelector("[data-job-error]").textContent =
          "Không xem được trạng thái tệp (mã " + response.status + "). Tải lại trang để xem tiếp.";
        return;
      }
      state = await response.json();
    } catch (error) {
      setTimeout(() => poll(item), EVERY_MS * 3); // the network: try again, less often
      return;
    }
    show(item, state);
    if (!state.finished) setTimeout(() => poll(item), EVERY_MS);
  }

  document.querySelectorAll("li[data-export-job]").forEach((item) => {
    if (UNFINISHED.includes(item.dataset.status)) setTimeout(() => poll(item), EVERY_MS);
  });
})();
