// The review page (the evidence desk): the reviewed total follows what the reviewer types, and the filter
// hides the criteria that do not match. The server's sums are the ones that count.
(() => {
  "use strict";
  const form = document.getElementById("review-form");
  const ownData = document.getElementById("review-own");
  if (!form || !ownData) return;
  const own = JSON.parse(ownData.textContent);
  const out = {
    points: document.getElementById("reviewed-points"),
    bonus: document.getElementById("reviewed-bonus"),
    note: document.getElementById("reviewed-note"),
  };
  const ratingData = document.getElementById("review-ratings");
  const groups = ratingData ? JSON.parse(ratingData.textContent) : [];
  const ratingNames = new Set(groups.flatMap((group) => group.names));
  const boxes = Object.keys(own)
    .map((name) => form.elements.namedItem(name))
    .filter((box) => box && box.tagName === "INPUT");

  // "2,5" and "2.5" both; null for a box left empty, NaN for what is not a number
  const parse = (text) => {
    const t = String(text).trim();
    if (t === "") return null;
    if (!/^[0-9]+([.,][0-9]+)?$/.test(t)) return NaN;
    return Number(t.replace(",", "."));
  };
  // rollup.cap: a criterion counts between 0 and its maximum
  const capped = (n, max) => Math.min(Math.max(n, 0), max);
  const shown = (n) => n.toLocaleString("vi-VN", { maximumFractionDigits: 2 });

  function total() {
    const sums = { points: 0, bonus: 0 };
    let bad = 0;
    for (const box of boxes) {
      let value = parse(box.value);
      if (value === null) value = parse(own[box.name]) || 0; // an empty box: the agency's own number stands
      if (Number.isNaN(value)) {
        bad += 1;
        continue;
      }
      sums[box.name.startsWith("rb-") ? "bonus" : "points"] += value;
    }
    let unrated = 0;
    for (const group of groups) {
      const typed = group.names.map((name) => {
        const box = form.elements.namedItem(name);
        return box ? box.value : "";
      });
      if (typed.every((value) => value === "")) {
        sums.points += capped(group.own, group.max); // nothing rated at review: the agency's own points stand
        continue;
      }
      // Components.reviewed_points: an organisation left unrated keeps the agency's own rating; one the
      // agency did not rate either is not counted (and the server asks for it)
      const rated = typed
        .map((value, i) => (value === "" ? group.agency[group.names[i]] || "" : value))
        .filter((value) => value !== "");
      unrated += typed.length - rated.length;
      if (rated.some((v) => v !== "none" && !(v in group.points))) bad += 1;
      // the average rule (static/js/rules.js): an organisation without a level of the page counts as missing
      const ratings = rated.map((v) => (v in group.points ? group.points[v] : null));
      sums.points += capped(window.vpubRules.average(ratings), group.max);
    }
    out.points.textContent = shown(sums.points);
    out.bonus.textContent = shown(sums.bonus);
    const notes = [];
    if (bad) notes.push(`chưa tính ${bad} ô không hợp lệ`);
    if (unrated) notes.push(`còn ${unrated} tổ chức chưa xếp loại`);
    out.note.textContent = notes.length ? `(${notes.join("; ")})` : "";
  }
  form.addEventListener("input", (event) => {
    if (event.target.name && (event.target.name in own || ratingNames.has(event.target.name))) total();
  });

  const filter = document.getElementById("desk-filter");
  const select = document.getElementById("desk-filter-select");
  const status = document.getElementById("desk-filter-status");
  const rows = Array.from(document.querySelectorAll("#review-table tbody tr"));
  if (!filter || !select) return;
  filter.hidden = false;
  select.addEventListener("change", () => {
    const wanted = select.value;
    let count = 0;
    for (const row of rows) {
      const match = !wanted || row.dataset.flags.split(" ").includes(wanted);
      row.hidden = !match;
      count += match;
    }
    status.textContent = wanted ? `Đang hiện ${count} dòng (tiêu chí khớp và mục chứa chúng).` : "";
  });
})();
