// A form with data-warn-unsaved: leaving the page with changes not yet sent asks first (the browser's own
// "Leave site?" question). Sending the form, by any of its buttons, is not leaving.
(() => {
  "use strict";
  document.querySelectorAll("form[data-warn-unsaved]").forEach((form) => {
    let changed = false;
    form.addEventListener("input", () => {
      changed = true;
    });
    form.addEventListener("submit", (event) => {
      if (!event.defaultPrevented) changed = false;
    });
    window.addEventListener("beforeunload", (event) => {
      if (!changed) return;
      event.preventDefault();
      event.returnValue = ""; // older browsers ask only when this is set
    });
  });
})();
