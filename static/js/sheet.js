// The scoring form: totals as people type, and drafts saved while they type.
// The server adds up again on every save; its numbers are the ones that count.
(function () {
  "use strict";
  const form = document.getElementById("sheet-form");
  if (!form) return;
  const tree = JSON.parse(document.getElementById("tree-data").textContent);
  const byKey = new Map(tree.nodes.map((n) => [n.key, n]));
  const children = new Map();
  tree.nodes.forEach((n) => {
    if (!children.has(n.parent)) children.set(n.parent, []);
    children.get(n.parent).push(n);
  });

  const value = (name) => (form.elements[name] ? form.elements[name].value : "");
  const number = (text) => {
    const t = String(text || "").trim().replace(",", ".");
    const n = Number(t);
    return t && Number.isFinite(n) && n >= 0 ? n : 0;
  };
  const show = (n) => n.toLocaleString("vi-VN", { maximumFractionDigits: 2 });

  function leafPoints(node) {
    if (node.rule === "tiered") return number(node.tiers[value("t-" + node.pk)]);
    if (node.rule === "components") {
      const ratings = [];
      node.components.forEach((c) => {
        const choice = value("c-" + node.pk + "-" + c);
        if (choice === "none") ratings.push(null);
        else if (choice) ratings.push(number(node.tiers[choice]));
      });
      const present = ratings.filter((r) => r !== null);
      if (!present.length) return 0;
      const sum = present.reduce((a, b) => a + b, 0);
      return sum + (sum / present.length) * (ratings.length - present.length);
    }
    return Math.min(number(value("p-" + node.pk)), Number(node.max));
  }

  function total(node) {
    const kids = children.get(node.key) || [];
    let points = 0;
    let bonus = Number(node.ownBonus) ? Math.min(number(value("b-" + node.pk)), Number(node.ownBonus)) : 0;
    if (kids.length) {
      kids.forEach((k) => {
        const t = total(k);
        points += t.points;
        bonus += t.bonus;
      });
    } else {
      points = leafPoints(node);
    }
    const p = document.getElementById("total-" + node.key);
    if (p) p.textContent = show(points);
    const b = document.getElementById("bonus-" + node.key);
    if (b) b.textContent = show(bonus);
    return { points, bonus };
  }

  function recompute() {
    let points = 0;
    let bonus = 0;
    (children.get(null) || []).forEach((root) => {
      const t = total(root);
      points += t.points;
      bonus += t.bonus;
    });
    document.getElementById("grand-points").textContent = show(points);
    document.getElementById("grand-bonus").textContent = show(bonus);
  }

  // ---- saving drafts while people type
  const status = document.getElementById("autosave-status");
  const conflictBox = document.getElementById("autosave-conflict");
  let timer = null;
  let dirty = false;
  let stopped = document.getElementById("conflict") !== null;
  let inflight = null;

  function markErrors(errors) {
    form.querySelectorAll(".is-invalid.js-autosave").forEach((el) => {
      el.classList.remove("is-invalid", "js-autosave");
      const fb = el.parentElement.querySelector(".js-autosave-feedback");
      if (fb) fb.remove();
    });
    Object.entries(errors).forEach(([name, message]) => {
      const el = form.elements[name];
      if (!el || !el.classList) return;
      el.classList.add("is-invalid", "js-autosave");
      const fb = document.createElement("div");
      fb.className = "invalid-feedback js-autosave-feedback";
      fb.textContent = message;
      el.insertAdjacentElement("afterend", fb);
    });
  }

  function autosave() {
    if (stopped || !dirty || inflight) return;
    inflight = send().finally(() => {
      inflight = null;
      if (dirty && !stopped) timer = setTimeout(autosave, 2500);
    });
  }

  async function send() {
    dirty = false;
    const data = new FormData(form);
    // Pasted citations are entered into the register by the "Lưu nháp" button, which reloads the page.
    [...data.keys()].filter((k) => k.startsWith("n-")).forEach((k) => data.delete(k));
    data.set("autosave", "1");
    status.textContent = "Đang lưu…";
    let response;
    try {
      response = await fetch(form.dataset.autosaveUrl, {
        method: "POST",
        body: data,
        headers: { "X-Requested-With": "XMLHttpRequest" },
        credentials: "same-origin",
      });
    } catch (e) {
      status.textContent = "Mất kết nối: chưa tự lưu được. Bấm “Lưu nháp” khi có mạng.";
      dirty = true;
      return;
    }
    let body = {};
    try {
      body = await response.json();
    } catch (e) {
      status.textContent = "Chưa tự lưu được (máy chủ trả lời " + response.status + ").";
      return;
    }
    if (body.saved) {
      form.elements.version.value = body.version;
      status.textContent = "Đã tự lưu lúc " + body.saved_at;
      markErrors({});
      document.getElementById("grand-points").textContent = body.grand_total[0];
      document.getElementById("grand-bonus").textContent = body.grand_total[1];
    } else if (body.conflict && body.conflict.length) {
      stopped = true;
      conflictBox.classList.remove("d-none");
      conflictBox.textContent =
        "Người khác vừa lưu bảng chấm điểm này: " + body.conflict.join("; ") +
        ". Không tự lưu nữa — những gì bạn nhập vẫn còn; bấm “Lưu nháp” để ghi đè, hoặc tải lại trang.";
      status.textContent = "Đã dừng tự lưu.";
    } else {
      status.textContent = "Chưa tự lưu: có ô cần sửa (tô đỏ).";
      markErrors(body.errors || {});
    }
  }

  function changed() {
    dirty = true;
    recompute();
    clearTimeout(timer);
    timer = setTimeout(autosave, 2500);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", (event) => {
    clearTimeout(timer);
    dirty = false;
    if (inflight) {
      // Let the draft being saved land first, so that this save starts from its version.
      event.preventDefault();
      inflight.then(() => form.submit());
    }
  });
  window.addEventListener("beforeunload", (event) => {
    if (dirty) event.preventDefault();
  });
  recompute();
})();
