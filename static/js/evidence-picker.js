// Citing documents on the scoring page: each criterion shows the documents it cites (checked checkboxes
// named d-<pk>, which post without this script) with a "Bỏ" button, and one "Thêm tài liệu kiểm chứng…"
// button that opens the page's single picker over the register (json_script "evidence-data", sent once).
// Picking only ever adds: a second click on a cited document leaves it cited.
(() => {
  "use strict";
  const form = document.getElementById("sheet-form");
  const dialog = document.getElementById("evidence-picker");
  const source = document.getElementById("evidence-data");
  if (!form || !dialog || !source) return;
  const documents = JSON.parse(source.textContent);
  const search = document.getElementById("evidence-search");
  const list = document.getElementById("evidence-options");
  const status = document.getElementById("evidence-picker-status");
  const forLine = document.getElementById("evidence-picker-for");
  let group = null; // the criterion's fieldset the picker adds to
  let opener = null;

  // "Quyết định" matches "quyet dinh": people search without diacritics.
  const fold = (text) =>
    String(text || "")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d")
      .replace(/Đ/g, "d")
      .toLowerCase();
  const haystack = (d) => fold([d.label, d.number, d.date, d.subject].join(" "));

  function describe(d, into) {
    const number = document.createElement("span");
    number.className = "fw-semibold";
    number.textContent = d.number;
    into.append(number, " · " + d.date + (d.subject ? " · " + d.subject : ""));
  }

  const boxes = (fieldset) => [
    ...fieldset.querySelectorAll("input[type=checkbox][name='" + fieldset.dataset.name + "']"),
  ];
  const isCited = (fieldset, pk) => boxes(fieldset).some((box) => box.value === String(pk) && box.checked);

  function changed(target) {
    // sheet.js listens for input on the form: the new citation is saved like anything typed.
    target.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function citedItem(fieldset, d) {
    const name = fieldset.dataset.name;
    const id = "id_" + name + "_" + d.pk;
    const item = document.createElement("li");
    item.className = "cited-document";
    const box = document.createElement("input");
    Object.assign(box, { type: "checkbox", name: name, id: id, value: String(d.pk), checked: true });
    box.className = "form-check-input";
    const label = document.createElement("label");
    label.className = "form-check-label";
    label.htmlFor = id;
    describe(d, label);
    item.append(box, " ", label, " ", uncite(d));
    return item;
  }

  function uncite(d) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-link btn-sm p-0 ms-1 align-baseline";
    button.dataset.uncite = "";
    button.setAttribute("aria-label", "Bỏ " + d.label);
    button.textContent = "Bỏ";
    return button;
  }

  // Cite `d` in the criterion's fieldset; false if it was cited already. `quiet`: the server's value, not
  // the user's input, so autosave is not told.
  function cite(fieldset, d, quiet) {
    const existing = boxes(fieldset).find((box) => box.value === String(d.pk));
    if (existing) {
      if (existing.checked) return false;
      existing.checked = true; // unticked by hand earlier: tick it again rather than add a second box
      if (!quiet) changed(existing);
      return true;
    }
    const ul = fieldset.querySelector("ul.cited");
    for (const el of ul.querySelectorAll(".no-citation")) el.remove();
    const item = citedItem(fieldset, d);
    ul.append(item);
    if (!quiet) changed(item.querySelector("input"));
    return true;
  }

  function placeholder(ul) {
    if (ul.querySelector("li")) return;
    const empty = document.createElement("li");
    empty.className = "small text-muted no-citation";
    empty.textContent = "Chưa trích dẫn tài liệu nào.";
    ul.append(empty);
  }

  function removeCitation(button) {
    const item = button.closest("li");
    const fieldset = button.closest("fieldset.citations");
    const next = item.nextElementSibling || item.previousElementSibling;
    item.remove();
    placeholder(fieldset.querySelector("ul.cited"));
    const focus = next?.querySelector("[data-uncite]") || fieldset.querySelector("[data-pick]");
    if (focus) focus.focus();
    changed(fieldset);
  }

  function option(d) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-light btn-sm mb-1 evidence-option";
    button.dataset.pk = d.pk;
    describe(d, button);
    const mark = document.createElement("span");
    mark.className = "badge text-bg-success ms-2 cited-mark";
    mark.textContent = "Đã trích dẫn";
    button.append(mark);
    item.append(button);
    item.dataset.search = haystack(d);
    return item;
  }

  // Show the options matching the search, marking those the criterion cites; how many match.
  function refresh() {
    const words = fold(search.value).split(/\s+/).filter(Boolean);
    let shown = 0;
    list.querySelectorAll("li").forEach((item) => {
      const visible = words.every((w) => item.dataset.search.includes(w));
      item.hidden = !visible;
      shown += visible;
      const button = item.querySelector("button");
      const cited = group !== null && isCited(group, button.dataset.pk);
      button.setAttribute("aria-disabled", cited ? "true" : "false");
      button.querySelector(".cited-mark").hidden = !cited;
    });
    return shown;
  }

  function searched() {
    const shown = refresh();
    if (!documents.length) status.textContent = "Sổ tài liệu chưa có tài liệu nào: nhập tài liệu mới vào sổ trước.";
    else if (!shown) status.textContent = "Không có tài liệu nào khớp “" + search.value.trim() + "”.";
    else status.textContent = search.value.trim() ? shown + " tài liệu khớp." : "";
  }

  function open(button) {
    opener = button;
    group = document.getElementById("id_" + button.dataset.pick);
    forLine.textContent = "Cho " + button.dataset.for + ".";
    search.value = "";
    searched();
    dialog.showModal();
    search.focus();
  }

  function pick(button) {
    const d = documents.find((x) => String(x.pk) === button.dataset.pk);
    if (!d || !group) return;
    const added = cite(group, d);
    refresh();
    status.textContent = added
      ? "Đã thêm " + d.number + " vào " + opener.dataset.for + "."
      : d.number + " đã được trích dẫn ở tiêu chí này.";
  }

  function move(step) {
    const buttons = [...list.querySelectorAll("li:not([hidden]) button")];
    if (!buttons.length) return;
    const at = buttons.indexOf(document.activeElement);
    const next = at === -1 ? (step > 0 ? 0 : buttons.length - 1) : Math.min(Math.max(at + step, 0), buttons.length - 1);
    buttons[next].focus();
  }

  for (const d of documents) list.append(option(d));
  search.addEventListener("input", searched);
  dialog.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (event.target === search || event.target.closest("#evidence-options")) {
        event.preventDefault();
        move(event.key === "ArrowDown" ? 1 : -1);
      }
    } else if (event.key === "Enter" && event.target === search) {
      event.preventDefault();
      move(1);
    }
  });
  dialog.addEventListener("click", (event) => {
    const choice = event.target.closest(".evidence-option");
    if (choice) pick(choice);
    else if (event.target.closest("[data-close]")) dialog.close();
    else if (event.target === dialog && outside(event)) dialog.close(); // a click on the backdrop
  });
  function outside(event) {
    const box = dialog.getBoundingClientRect();
    return (
      event.clientX < box.left || event.clientX > box.right || event.clientY < box.top || event.clientY > box.bottom
    );
  }
  dialog.addEventListener("close", () => {
    if (opener) opener.focus();
    group = null;
  });
  // "Đưa vào sổ tài liệu" beside a citation written in an explanation: the citation goes into the
  // criterion's paste box and the page saves at once, everything else typed with it, so the register entry
  // is made and cited on the server's one path for pasted citations. Without this script the button posts
  // the whole form with the same effect.
  const registering = new Map(); // button → the number it waits for
  function registerWritten(button) {
    const box = form.elements.namedItem(button.dataset.register);
    const citation = button.value.slice(button.value.indexOf("|") + 1);
    if (!box || registering.has(button)) return;
    const lines = box.value
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
    if (!lines.includes(citation)) lines.push(citation);
    box.value = lines.join("\n");
    registering.set(button, button.closest("li").querySelector(".cited-missing").textContent);
    button.setAttribute("aria-disabled", "true");
    button.nextElementSibling.textContent = "Đang đưa vào sổ…";
    box.dispatchEvent(new Event("change", { bubbles: true })); // sheet.js saves a paste box's change at once
  }
  form.addEventListener("sheet:saved", (event) => {
    const entered = event.detail.documents || [];
    registering.forEach((text, button) => {
      const done = entered.some((d) => text.includes(d.number));
      const status = button.nextElementSibling;
      registering.delete(button);
      if (!done) {
        button.removeAttribute("aria-disabled");
        status.textContent = "";
        return;
      }
      status.textContent = "Đã đưa vào sổ tài liệu và trích dẫn ở tiêu chí này.";
      status.classList.add("text-success");
      if (document.activeElement === button) {
        status.tabIndex = -1;
        status.focus();
      }
      button.remove();
    });
  });
  form.addEventListener("click", (event) => {
    const written = event.target.closest("[data-register]");
    if (written) {
      event.preventDefault();
      registerWritten(written);
      return;
    }
    const add = event.target.closest("[data-pick]");
    if (add) open(add);
    const remove = event.target.closest("[data-uncite]");
    if (remove) removeCitation(remove);
  });
  for (const el of form.querySelectorAll("[data-pick], [data-uncite]")) el.hidden = false;

  // For sheet.js: documents entered in the register by a save (pasted citations), and a criterion's
  // citations set to what the server holds (another editor's change, a conflict resolved).
  window.evidencePicker = {
    addDocuments(entries) {
      entries.forEach((d) => {
        if (documents.some((x) => x.pk === d.pk)) return;
        documents.push(d);
        list.append(option(d));
      });
    },
    setCited(name, pks) {
      const fieldset = document.getElementById("id_" + name);
      if (!fieldset) return;
      const wanted = new Set(pks.map(String));
      boxes(fieldset).forEach((box) => {
        if (!wanted.has(box.value)) box.closest("li").remove();
      });
      wanted.forEach((pk) => {
        const d = documents.find((x) => String(x.pk) === pk);
        if (d) cite(fieldset, d, true);
      });
      placeholder(fieldset.querySelector("ul.cited"));
    },
  };
})();
