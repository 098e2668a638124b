// The rubric editor's live checks: while a criterion's points are typed (in its edit form, or in the form
// adding a new one), every parent is compared with what its children add up to, the mismatch shown at the
// parent's row as the server shows it after saving ("Tổng các tiêu chí con 390, tiêu chí cha 400"), and the
// TỔNG CỘNG row follows. Also shows only the part of a criterion form that its rule uses. Without this script
// the page works the same, checked when the form is saved.
(() => {
  "use strict";
  const table = document.getElementById("rubric-tree");
  if (!table) return;
  const rows = Array.from(table.querySelectorAll("tr[data-key]"));
  const byPk = new Map(rows.map((row) => [row.dataset.pk, row]));
  const summary = document.getElementById("live-summary");
  const unsaved = document.getElementById("unsaved-note");

  // Points as whole hundredths, so that sums are exact; null when the text is not a number.
  function parse(text) {
    text = String(text || "")
      .trim()
      .replace(",", ".");
    if (!/^[0-9]+(\.[0-9]{1,2})?$/.test(text)) return null;
    const [whole, fraction = ""] = text.split(".");
    return Number(whole) * 100 + Number((fraction + "00").slice(0, 2));
  }

  // 39000 → "390", 250 → "2,5", 123400 → "1.234": the Vietnamese way, as notation.format_points writes.
  function format(cents) {
    const whole = Math.floor(cents / 100);
    const fraction = String(cents % 100)
      .padStart(2, "0")
      .replace(/0+$/, "");
    const grouped = String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    return fraction ? grouped + "," + fraction : grouped;
  }

  function input(form, name) {
    return form ? form.querySelector('[name$="-' + name + '"]') : null;
  }

  function typed(form, name) {
    const box = input(form, name);
    return box ? parse(box.value) : null;
  }

  const editForms = new Map();
  let adding = null; // {parent: key or "", form}
  document.querySelectorAll("form[data-criterion-form]").forEach((form) => {
    const target = form.dataset.criterionForm;
    if (form.dataset.op === "edit") {
      editForms.set(target, form);
    } else {
      adding = { form: form, target: target };
    }
  });

  function addingParent() {
    if (!adding) return null;
    if (adding.target === "0") return "";
    const row = byPk.get(adding.target);
    const after = adding.form.querySelector('input[value="after"]');
    return after?.checked ? row.dataset.parent : row.dataset.key;
  }

  function value(row, field) {
    const form = editForms.get(row.dataset.pk);
    const live = typed(form, field === "max" ? "max_points" : "max_bonus");
    return live !== null ? live : parse(row.dataset[field]);
  }

  function check() {
    const children = new Map();
    rows.forEach((row) => {
      const parent = row.dataset.parent;
      if (!children.has(parent)) children.set(parent, { max: 0, bonus: 0, count: 0 });
      const sums = children.get(parent);
      sums.max += value(row, "max") || 0;
      sums.bonus += value(row, "bonus") || 0;
      sums.count += 1;
    });
    const pendingParent = addingParent();
    if (pendingParent !== null) {
      if (!children.has(pendingParent)) children.set(pendingParent, { max: 0, bonus: 0, count: 0 });
      const sums = children.get(pendingParent);
      sums.max += typed(adding.form, "max_points") || 0;
      sums.bonus += typed(adding.form, "max_bonus") || 0;
      sums.count += 1;
    }
    let found = 0;
    rows.forEach((row) => {
      const max = value(row, "max") || 0;
      const bonus = value(row, "bonus") || 0;
      const kids = children.get(row.dataset.key);
      const lines = [];
      if (kids) {
        if (kids.max !== max) lines.push("Tổng các tiêu chí con " + format(kids.max) + ", tiêu chí cha " + format(max));
        if (kids.bonus && kids.bonus !== bonus) {
          lines.push("Tổng điểm thưởng các tiêu chí con " + format(kids.bonus) + ", tiêu chí cha " + format(bonus));
        }
      } else if (row.dataset.choiceMax !== undefined) {
        const best = parse(row.dataset.choiceMax);
        if (best !== max) lines.push("Điểm chuẩn " + format(max) + ", các mức cho tối đa " + format(best));
      }
      const cell = row.querySelector("[data-mismatch]");
      cell.textContent = lines.join("; ");
      cell.hidden = lines.length === 0;
      found += lines.length;
      row.querySelector('[data-show="max"]').textContent = format(max);
      row.querySelector('[data-show="bonus"]').textContent = format(bonus);
    });
    const roots = children.get("") || { max: 0, bonus: 0 };
    document.getElementById("total-points").textContent = format(roots.max);
    document.getElementById("total-bonus").textContent = format(roots.bonus);
    return found;
  }

  function changed() {
    const found = check();
    summary.textContent = found
      ? "Có " + found + " chỗ lệch (xem các dòng tô đỏ)."
      : "Không có chỗ lệch: mỗi tiêu chí cha bằng tổng các tiêu chí con.";
    if (unsaved) unsaved.hidden = false;
  }

  function showRuleParts(form) {
    const rule = input(form, "rule");
    form.querySelectorAll("[data-rule-part]").forEach((part) => {
      // the rules whose parts the box is for, as the server lists them (rubrics.rules.editor_parts)
      part.hidden = !rule || !part.dataset.rulePart.split(" ").includes(rule.value);
    });
  }

  document.querySelectorAll("form[data-criterion-form]").forEach((form) => {
    showRuleParts(form);
    form.addEventListener("input", changed);
    form.addEventListener("change", (event) => {
      if (event.target.name?.endsWith("-rule")) showRuleParts(form);
      changed();
    });
  });
  check();
})();
