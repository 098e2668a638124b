// What the job pages' scripts share (export-jobs.js, import-job.js; loaded before them): pollJob asks a
// background job's JSON status URL every few seconds until the worker has finished it. Each answer goes to
// `show`; an answer that is not the status (an error page, a login page) goes to `failed` with its HTTP
// status, and the asking stops; a network error asks again, less often.
(() => {
  "use strict";

  function pollJob(url, { every, show, failed }) {
    async function poll() {
      let state;
      try {
        const response = await fetch(url, {
          credentials: "same-origin",
          headers: { Accept: "application/json", "X-Requested-With": "XMLHttpRequest" },
        });
        if (!response.ok || !(response.headers.get("Content-Type") || "").includes("json")) {
          failed(response.status);
          return;
        }
        state = await response.json();
      } catch {
        setTimeout(poll, every * 3); // the network: try again, less often
        return;
      }
      show(state);
      if (!state.finished) setTimeout(poll, every);
    }
    setTimeout(poll, every);
  }

  pollJob.UNFINISHED = ["queued", "running"]; // the states a page's job is followed in
  window.pollJob = pollJob;
})();
