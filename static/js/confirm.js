// Asks before an action that is hard to undo. A form, or one of its submit buttons, with
//   data-confirm="What will happen, in a sentence or two"
// and optionally data-confirm-ok="Khóa sổ" (the button that goes ahead; "Đồng ý" by default) and
// data-confirm-title="…" ("Xác nhận" by default) opens a native <dialog>: focus goes to "Hủy", Esc or "Hủy"
// cancels, and focus returns to the button that asked. Without this script the form simply submits.
(() => {
  "use strict";
  let dialog = null;

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-dialog-title");
    dialog.setAttribute("aria-describedby", "confirm-dialog-text");
    dialog.innerHTML =
      '<h2 class="h5 mb-3" id="confirm-dialog-title"></h2>' +
      '<p id="confirm-dialog-text"></p>' +
      '<form method="dialog" class="d-flex flex-wrap justify-content-end gap-2 m-0">' +
      '<button class="btn btn-outline-secondary" value="cancel" autofocus>Hủy</button>' +
      '<button class="btn btn-primary" value="ok"></button></form>';
    document.body.append(dialog);
  }

  function ask(source, button) {
    if (typeof HTMLDialogElement !== "function") {
      return Promise.resolve(window.confirm(source.dataset.confirm));
    }
    if (!dialog) build();
    dialog.querySelector("h2").textContent = source.dataset.confirmTitle || "Xác nhận";
    dialog.querySelector("p").textContent = source.dataset.confirm;
    dialog.querySelector("button[value=ok]").textContent = source.dataset.confirmOk || "Đồng ý";
    const opener = button || document.activeElement;
    dialog.returnValue = "";
    dialog.showModal();
    return new Promise((resolve) => {
      dialog.addEventListener(
        "close",
        () => {
          if (opener && typeof opener.focus === "function") opener.focus();
          resolve(dialog.returnValue === "ok");
        },
        { once: true }
      );
    });
  }

  // Capture phase: decided before any other script sees the submission.
  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      const button = event.submitter;
      const source = button?.dataset.confirm ? button : form.dataset.confirm ? form : null;
      if (!source) return;
      if (form.dataset.confirmed === "yes") {
        delete form.dataset.confirmed;
        return;
      }
      event.preventDefault();
      event.stopImmediatePropagation();
      ask(source, button).then((ok) => {
        if (!ok) return;
        form.dataset.confirmed = "yes";
        if (button && button.form === form) form.requestSubmit(button);
        else form.requestSubmit();
      });
    },
    true
  );
})();
