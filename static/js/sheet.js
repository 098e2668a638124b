// The scoring form: totals and checks as people type, and nothing typed ever lost.
//
// Every box has a base: the value the page started from (or the server last confirmed). A box whose value
// differs from its base is dirty; it stays dirty until the server says it stored it. Saves carry the bases
// so the server merges field by field (scoring/sheets/merge.py): a colleague's change to another box is
// taken, the same box changed by both is a conflict the user settles. Dirty values are also kept in the
// browser (localStorage, per sheet and user), so a crash, a closed tab or an expired session loses nothing.
// The server adds up again on every save; its numbers are the ones that count.
(() => {
  "use strict";
  const form = document.getElementById("sheet-form");
  if (!form) return;
  const META = new Set(["csrfmiddlewaretoken", "version", "base", "autosave", "save", "action", "register"]);
  const DELAY = 2000; // after the last keystroke
  const TIMEOUT = 20000; // a request that takes longer counts as failed and is tried again
  const status = document.getElementById("autosave-status");
  const storageKey = "vpub:sheet:" + form.dataset.sheet + ":" + form.dataset.user;

  // ---------------------------------------------------------------- values and bases
  const isList = (name) => name.startsWith("d-");
  // the form's own index of its controls: a query of the whole page per box made every keystroke O(n²)
  const elements = (name) => {
    const found = form.elements.namedItem(name);
    if (!found) return [];
    return found instanceof RadioNodeList ? [...found] : [found];
  };
  const norm = (name, v) =>
    isList(name) ? [...new Set((Array.isArray(v) ? v : v ? [v] : []).map(String))].sort() : v == null ? "" : String(v);
  const same = (name, a, b) => JSON.stringify(norm(name, a)) === JSON.stringify(norm(name, b));

  function names() {
    const found = new Set();
    for (const el of form.elements) if (el.name && !META.has(el.name)) found.add(el.name);
    for (const name of Object.keys(base)) if (!META.has(name)) found.add(name);
    return [...found];
  }

  function read(name) {
    const els = [...elements(name)];
    if (isList(name))
      return els
        .filter((el) => el.checked)
        .map((el) => el.value)
        .sort();
    if (!els.length) return "";
    const el = els[0];
    if (el.type === "radio") return (els.find((e) => e.checked) || { value: "" }).value;
    if (el.type === "checkbox") return el.checked ? el.value || "on" : "";
    return el.value;
  }

  function write(name, value) {
    const els = [...elements(name)];
    if (isList(name)) {
      const wanted = norm(name, value);
      if (window.evidencePicker)
        window.evidencePicker.setCited(name, wanted); // evidence-picker.js
      else for (const el of els) el.checked = wanted.includes(el.value);
      return;
    }
    els.forEach((el) => {
      if (el.type === "radio") el.checked = el.value === value;
      else if (el.type === "checkbox") el.checked = value === (el.value || "on");
      else el.value = value;
    });
  }

  let base = {};
  try {
    base = JSON.parse(form.elements.base?.value || "{}");
  } catch {
    base = {};
  }
  const baseOf = (name) => norm(name, base[name]);
  const dirtyNames = () => names().filter((name) => !same(name, read(name), base[name]));

  // ---------------------------------------------------------------- checks as people type
  // The same rules and words as the server (scoring/notation.py::parse_points, rubrics/rules.py::PointsField).
  const NUMBER = /^[+-]?[0-9]+([.,][0-9]+)?$/;
  const shown = (n) => n.toLocaleString("vi-VN", { maximumFractionDigits: 2 });
  const quote = (t) => (t.length <= 40 ? t : t.slice(0, 40) + "…");

  function checkPoints(el) {
    const text = el.value.trim().replace(/\u00a0/g, "");
    if (!text) return { value: null, error: "" };
    if (!NUMBER.test(text)) return { value: null, error: "“" + quote(text) + "” không phải là số." };
    const n = Number(text.replace(",", "."));
    const digits = text
      .replace(/^[+-]/, "")
      .split(/[.,]/)[0]
      .replace(/^0+(?=\d)/, "");
    if (digits.length > 5)
      return {
        value: null,
        error: "Số quá dài: điểm có nhiều nhất 5 chữ số trước dấu phẩy (số đã nhập có " + digits.length + " chữ số).",
      };
    if (n < 0) return { value: null, error: "Điểm không được âm (" + shown(n) + ")." };
    if (Math.abs(n * 100 - Math.round(n * 100)) > 1e-6)
      return { value: null, error: "Điểm chỉ lấy tối đa hai chữ số thập phân (" + quote(text) + ")." };
    const max = Number(el.dataset.max);
    if (Number.isFinite(max) && n > max)
      return {
        value: null,
        error: (el.dataset.what || "Điểm") + " tối đa là " + shown(max) + "; bạn nhập " + shown(n) + ".",
      };
    return { value: n, error: "" };
  }

  const serverErrors = {}; // name → message from the last save, until the box is edited again

  function showError(name, message) {
    const els = [...elements(name)];
    if (!els.length) return;
    const first = els[0];
    const id = "id_" + name + "_error";
    let box = document.getElementById(id);
    if (message && !box) {
      box = document.createElement("div");
      box.id = id;
      box.className = "invalid-feedback";
      (first.closest("fieldset") || first).insertAdjacentElement("afterend", box);
    }
    if (box) {
      box.textContent = message;
      box.classList.toggle("d-block", Boolean(message));
    }
    els.forEach((el) => {
      el.classList.toggle("is-invalid", Boolean(message));
      if (message) {
        el.setAttribute("aria-invalid", "true");
        const described = new Set((el.getAttribute("aria-describedby") || "").split(" ").filter(Boolean));
        described.add(id);
        el.setAttribute("aria-describedby", [...described].join(" "));
      } else el.removeAttribute("aria-invalid");
    });
  }

  function clientErrors() {
    const errors = {};
    form.querySelectorAll("input[data-max]").forEach((el) => {
      const error = checkPoints(el).error;
      if (error) errors[el.name] = error;
    });
    return errors;
  }

  let invalid = {}; // name → message: boxes held back from saving until they are fixed
  function refreshErrors() {
    const before = invalid;
    invalid = { ...serverErrors, ...clientErrors() };
    for (const name of new Set([...Object.keys(before), ...Object.keys(invalid)])) showError(name, invalid[name] || "");
  }

  // ---------------------------------------------------------------- totals as people type
  const tree = JSON.parse(document.getElementById("tree-data").textContent);
  const children = new Map();
  tree.nodes.forEach((n) => {
    if (!children.has(n.parent)) children.set(n.parent, []);
    children.get(n.parent).push(n);
  });
  const box = (name) => (form.elements[name]?.dataset ? form.elements[name] : null);

  function number(name) {
    const el = box(name);
    if (!el) return { value: 0, ok: true };
    const checked = checkPoints(el);
    return { value: checked.value || 0, ok: !checked.error };
  }

  // each rule's arithmetic: static/js/rules.js, by the kind the server gives the node (Rule.script)
  function leafPoints(node, state) {
    return window.vpubRules.points(node.points, read, (name) => {
      const n = number(name);
      if (!n.ok) state.valid = false;
      return n.value;
    });
  }

  function total(node, state) {
    const kids = children.get(node.key) || [];
    let points = 0;
    let bonus = 0;
    if (Number(node.ownBonus)) {
      const b = number("b-" + node.pk);
      if (!b.ok) state.valid = false;
      bonus = b.value;
    }
    if (kids.length) {
      kids.forEach((k) => {
        const t = total(k, state);
        points += t.points;
        bonus += t.bonus;
      });
    } else points = leafPoints(node, state);
    const p = document.getElementById("total-" + node.key);
    if (p) p.textContent = shown(points);
    const b = document.getElementById("bonus-" + node.key);
    if (b) b.textContent = shown(bonus);
    return { points, bonus };
  }

  function recompute() {
    const state = { valid: true };
    let points = 0;
    let bonus = 0;
    (children.get(null) || []).forEach((root) => {
      const t = total(root, state);
      points += t.points;
      bonus += t.bonus;
    });
    document.getElementById("grand-points").textContent = shown(points);
    document.getElementById("grand-bonus").textContent = shown(bonus);
    const note = document.getElementById("totals-invalid");
    if (note) {
      note.hidden = state.valid;
      note.textContent = state.valid ? "" : "Tổng chưa hợp lệ: còn ô điểm sai (tô đỏ), chưa được tính.";
    }
    document.querySelector(".totals-bar").classList.toggle("totals-invalid", !state.valid);
  }

  // ---------------------------------------------------------------- the copy kept in the browser
  function keep() {
    const dirty = dirtyNames();
    try {
      if (!dirty.length) return localStorage.removeItem(storageKey);
      const values = {};
      const bases = {};
      dirty.forEach((name) => {
        values[name] = read(name);
        bases[name] = baseOf(name);
      });
      localStorage.setItem(storageKey, JSON.stringify({ at: Date.now(), values, bases }));
    } catch {
      /* storage full or disabled: the page still saves to the server */
    }
  }

  function offerRestore() {
    let kept = null;
    try {
      kept = JSON.parse(localStorage.getItem(storageKey) || "null");
    } catch {
      kept = null;
    }
    if (!kept?.values) return;
    const waiting = Object.keys(kept.values).filter((name) => !same(name, kept.values[name], read(name)));
    if (!waiting.length) return localStorage.removeItem(storageKey);
    const panel = document.getElementById("restore-box");
    const when = new Date(kept.at).toLocaleString("vi-VN");
    panel.querySelector(".restore-text").textContent =
      "Máy này còn giữ " + waiting.length + " ô bạn đã nhập lúc " + when + " mà chưa lưu được lên máy chủ.";
    panel.hidden = false;
    panel.querySelector(".restore-yes").addEventListener("click", () => {
      waiting.forEach((name) => {
        if (name in kept.bases) base[name] = norm(name, kept.bases[name]);
        write(name, kept.values[name]);
      });
      panel.hidden = true;
      changed();
      saveSoon(0);
      const first = elements(waiting[0])[0];
      if (first) first.focus();
    });
    panel.querySelector(".restore-no").addEventListener("click", () => {
      localStorage.removeItem(storageKey);
      panel.hidden = true;
    });
    panel.querySelector(".restore-yes").focus();
  }

  // ---------------------------------------------------------------- conflicts
  const conflicts = {}; // name → the server's conflict entry, until the user settles it

  function showConflict(c) {
    conflicts[c.name] = c;
    const first = elements(c.name)[0];
    if (!first) return;
    const id = "id_" + c.name + "_conflict";
    let panel = document.getElementById(id);
    if (!panel) {
      panel = document.createElement("div");
      panel.id = id;
      panel.className = "alert alert-warning py-2 px-2 mt-1 mb-1 small conflict";
      panel.setAttribute("role", "alert");
      (first.closest("fieldset") || first).insertAdjacentElement("afterend", panel);
    }
    panel.replaceChildren();
    const text = document.createElement("div");
    text.textContent =
      c.label +
      ": " +
      (c.by || "người khác") +
      (c.at ? " lúc " + c.at : "") +
      " đã lưu “" +
      (c.theirs || "(trống)") +
      "”, còn bạn nhập “" +
      (c.mine || "(trống)") +
      "”. Chưa lưu ô này: chọn giá trị giữ lại.";
    const mine = document.createElement("button");
    mine.type = "button";
    mine.className = "btn btn-sm btn-outline-dark me-2 mt-1";
    mine.textContent = "Giữ của tôi (“" + (c.mine || "trống") + "”)";
    mine.addEventListener("click", () => settle(c.name, "mine"));
    const theirs = document.createElement("button");
    theirs.type = "button";
    theirs.className = "btn btn-sm btn-outline-dark mt-1";
    theirs.textContent = "Lấy giá trị đã lưu (“" + (c.theirs || "trống") + "”)";
    theirs.addEventListener("click", () => settle(c.name, "theirs"));
    panel.append(text, mine, theirs);
    first.setAttribute("aria-describedby", ((first.getAttribute("aria-describedby") || "") + " " + id).trim());
  }

  function settle(name, choice) {
    const c = conflicts[name];
    delete conflicts[name];
    base[name] = c.theirs_value; // either way, what is stored now is where the next save starts from
    if (choice === "theirs") write(name, c.theirs_value);
    const panel = document.getElementById("id_" + name + "_conflict");
    if (panel) panel.remove();
    const el = elements(name)[0];
    if (el) el.focus();
    changed();
    if (choice === "mine") saveSoon(0);
  }

  // ---------------------------------------------------------------- talking to the server
  let timer = null;
  let inflight = null;
  let failures = 0;
  let stopped = false;
  let state = "idle";

  function say(text, kind, retry) {
    state = kind;
    status.replaceChildren(document.createTextNode(text));
    status.className = "small autosave-" + kind;
    if (retry) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-link btn-sm p-0 ms-2 align-baseline";
      button.textContent = retry;
      button.addEventListener("click", () => (kind === "login" ? openLogin() : saveSoon(0)));
      status.append(button);
    }
  }

  function csrfToken() {
    for (const part of document.cookie.split(";")) {
      const [key, value] = part.trim().split("=");
      if (key === "csrftoken" || key === "__Host-csrftoken") return decodeURIComponent(value || "");
    }
    return form.elements.csrfmiddlewaretoken.value;
  }

  function payload(held) {
    const data = new FormData(form);
    const sent = {};
    names().forEach((name) => {
      const value = held.has(name) ? baseOf(name) : read(name);
      sent[name] = value;
      data.delete(name);
      if (isList(name)) for (const v of value) data.append(name, v);
      else if (value !== "" || !elements(name)[0] || !["radio", "checkbox"].includes(elements(name)[0].type))
        data.append(name, value);
    });
    const token = csrfToken();
    data.set("csrfmiddlewaretoken", token);
    data.set("base", JSON.stringify(Object.fromEntries(Object.keys(base).map((name) => [name, baseOf(name)]))));
    data.set("autosave", "1");
    return { data, sent, token };
  }

  async function post(data, token) {
    const controller = new AbortController();
    const limit = setTimeout(() => controller.abort(), TIMEOUT);
    try {
      const response = await fetch(form.dataset.autosaveUrl, {
        method: "POST",
        body: data,
        headers: { "X-Requested-With": "XMLHttpRequest", "X-CSRFToken": token, Accept: "application/json" },
        credentials: "same-origin",
        signal: controller.signal,
      });
      let body = null;
      try {
        body = await response.json();
      } catch {
        body = null;
      }
      return { code: response.status, body };
    } catch {
      return { code: 0, body: null };
    } finally {
      clearTimeout(limit);
    }
  }

  function held() {
    const typing = document.activeElement;
    const names = new Set([...Object.keys(invalid), ...Object.keys(conflicts)]);
    // a citation still being typed is sent when the user leaves its box
    if (typing?.name?.startsWith("n-")) names.add(typing.name);
    return names;
  }

  async function save() {
    if (stopped) return null;
    const keep = held();
    const dirty = dirtyNames().filter((name) => !keep.has(name));
    if (!dirty.length && state !== "csrf") return { code: 200, body: null, nothing: true };
    const { data, sent, token } = payload(keep);
    say("Đang lưu…", "saving");
    const { code, body } = await post(data, token);
    if (code === 200 && body && body.saved) {
      failures = 0;
      accepted(body, sent);
      return { code, body };
    }
    if (code === 400 && body && body.status === "invalid") {
      failures = 0;
      const fresh = Object.keys(body.errors || {}).filter((name) => !(name in serverErrors));
      Object.assign(serverErrors, body.errors || {});
      refreshErrors();
      recompute();
      say("Chưa lưu: có ô cần sửa (tô đỏ). Các ô khác sẽ được lưu ngay.", "invalid");
      if (fresh.some((name) => elements(name).length)) saveSoon(300); // the rest goes without the bad boxes
      return { code, body };
    }
    if (code === 401) {
      failures += 1;
      say(
        "Phiên đăng nhập đã hết. Những gì bạn nhập vẫn còn trên máy này và sẽ được lưu khi bạn đăng nhập lại.",
        "login",
        "Đăng nhập lại"
      );
      retryLater(Math.min(15000, 3000 * failures));
      return { code, body };
    }
    if (code === 403 && body && body.status === "csrf" && state !== "csrf") {
      say("Đang lưu lại sau khi đăng nhập…", "csrf");
      saveSoon(0);
      return { code, body };
    }
    if (code === 409 && body && body.status === "locked") {
      stopped = true;
      say(
        body.message || "Bảng chấm điểm vừa được nộp: không lưu được nữa. Những gì bạn nhập vẫn còn trên máy này.",
        "locked"
      );
      return { code, body };
    }
    if (code === 403) {
      stopped = true;
      say(
        "Trang này đã cũ nên chưa lưu được. Hãy tải lại trang: những gì bạn nhập vẫn còn trên máy này và sẽ được đề nghị khôi phục.",
        "error"
      );
      return { code, body };
    }
    failures += 1;
    const wait = Math.min(30000, 2000 * 2 ** (failures - 1));
    const why = code === 0 ? "mất kết nối hoặc máy chủ không trả lời" : "máy chủ báo lỗi " + code;
    say(
      "Chưa lưu được (" + why + "). Sẽ tự thử lại sau " + Math.round(wait / 1000) + " giây; đừng đóng trang.",
      "error",
      "Thử lại ngay"
    );
    retryLater(wait);
    return { code, body };
  }

  function accepted(body, sent) {
    form.elements.version.value = body.version;
    const conflicted = new Set((body.conflicts || []).map((c) => c.name));
    Object.entries(sent).forEach(([name, value]) => {
      if (!conflicted.has(name) && !conflicts[name]) base[name] = value;
    });
    if (body.documents?.length && window.evidencePicker) window.evidencePicker.addDocuments(body.documents);
    Object.entries(body.fresh || {}).forEach(([name, value]) => {
      if (conflicted.has(name) || conflicts[name]) return;
      if (same(name, read(name), sent[name])) write(name, value);
      else return; // typed again meanwhile: keep the old base, so the server can tell if both changed it
      base[name] = value;
    });
    (body.conflicts || []).forEach(showConflict);
    form.dispatchEvent(new CustomEvent("sheet:saved", { detail: body })); // evidence-picker.js
    recompute();
    keep();
    const open = Object.keys(conflicts).length;
    const bad = Object.keys(invalid).length;
    if (open)
      say(
        "Đã lưu lúc " + body.saved_at + ", trừ " + open + " ô trùng với thay đổi của người khác: chọn giá trị giữ lại.",
        "conflict"
      );
    else if (bad) say("Đã lưu lúc " + body.saved_at + ", trừ " + bad + " ô chưa hợp lệ (tô đỏ).", "invalid");
    else if (dirtyNames().length) say("Đã lưu lúc " + body.saved_at + "; đang chờ lưu phần vừa nhập…", "saving");
    else say("Đã lưu lúc " + body.saved_at, "saved");
  }

  function retryLater(wait) {
    clearTimeout(timer);
    timer = setTimeout(run, wait);
  }

  function saveSoon(wait) {
    clearTimeout(timer);
    timer = setTimeout(run, wait === undefined ? DELAY : wait);
  }

  function run() {
    if (inflight) return inflight.then(() => saveSoon(0));
    inflight = save().finally(() => {
      inflight = null;
      const pending = dirtyNames().filter((name) => !held().has(name));
      if (pending.length && ["saved", "saving", "invalid", "conflict"].includes(state)) saveSoon();
    });
    return inflight;
  }

  function openLogin() {
    window.open(form.dataset.loginUrl || "/dang-nhap/", "_blank", "noopener");
  }

  // ---------------------------------------------------------------- the "Lưu nháp" button
  async function saveNow() {
    clearTimeout(timer);
    while (inflight) await inflight;
    const result = await run();
    const summary = document.getElementById("save-summary");
    const bad = Object.keys(invalid).filter((name) => elements(name).length);
    const open = Object.keys(conflicts);
    summary.replaceChildren();
    if (result && result.code === 401) {
      const dialog = document.getElementById("login-dialog");
      if (dialog?.showModal) dialog.showModal();
      return;
    }
    if (!bad.length && !open.length) {
      summary.hidden = true;
      if (result && (result.nothing || state === "saved"))
        say("Đã lưu bảng chấm điểm lúc " + new Date().toLocaleTimeString("vi-VN") + ".", "saved");
      return;
    }
    const title = document.createElement("p");
    title.className = "fw-bold mb-1";
    title.textContent = "Chưa lưu hết: " + (bad.length + open.length) + " ô cần xem lại.";
    const list = document.createElement("ul");
    list.className = "mb-0";
    [
      ...bad.map((name) => [name, invalid[name]]),
      ...open.map((name) => [name, "trùng với thay đổi của người khác"]),
    ].forEach(([name, message]) => {
      const el = elements(name)[0];
      const link = document.createElement("a");
      link.href = "#" + el.id;
      link.textContent = (el.dataset.label || labelOf(el)) + ": " + message;
      link.addEventListener("click", (event) => {
        event.preventDefault();
        el.focus();
      });
      const item = document.createElement("li");
      item.append(link);
      list.append(item);
    });
    summary.append(title, list);
    summary.hidden = false;
    const first = elements(bad[0] || open[0])[0];
    if (first) {
      first.scrollIntoView({ block: "center" });
      first.focus();
    }
  }

  function labelOf(el) {
    const row = el.closest("[data-code]");
    const label = el.labels?.[0] ? el.labels[0].textContent.trim() : el.name;
    return row ? row.dataset.code + " – " + label : label;
  }

  // ---------------------------------------------------------------- wiring
  function changed(event) {
    if (event?.target?.name) delete serverErrors[event.target.name];
    refreshErrors();
    recompute();
    keep();
  }

  form.addEventListener("input", (event) => {
    changed(event);
    saveSoon();
  });
  form.addEventListener("change", (event) => {
    changed(event);
    saveSoon(event.target?.name?.startsWith("n-") ? 0 : undefined);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    saveNow();
  });
  window.addEventListener("beforeunload", (event) => {
    keep();
    if (dirtyNames().length || inflight) event.preventDefault();
  });
  const again = () => {
    if (["login", "error", "csrf"].includes(state)) saveSoon(0);
  };
  window.addEventListener("focus", again);
  window.addEventListener("online", again);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") again();
  });
  const dialog = document.getElementById("login-dialog");
  if (dialog) {
    dialog.querySelector(".login-open").addEventListener("click", () => {
      openLogin();
      dialog.close();
    });
    dialog.querySelector(".login-close").addEventListener("click", () => dialog.close());
  }

  refreshErrors();
  recompute();
  offerRestore();
  window.sheetAutosave = { run, dirtyNames, base: () => base }; // for the browser tests and the picker
})();
