// Pasting a citation ("Kế hoạch số 495/KH-VP ngày 29/3/2022") fills the fields that are still empty.
(() => {
  "use strict";
  const box = document.getElementById("document-form");
  if (!box) return;
  const input = box.querySelector("input[name=citation]");
  let timer = null;
  async function parse() {
    const text = input.value.trim();
    if (!text) return;
    const response = await fetch(box.dataset.parseUrl + "?q=" + encodeURIComponent(text), {
      credentials: "same-origin",
    });
    const body = await response.json();
    const help = input.parentElement.querySelector(".form-text");
    if (!body.ok) {
      if (help) help.textContent = body.message;
      return;
    }
    ["kind", "number", "issued_on", "issuer", "subject"].forEach((name) => {
      const field = box.querySelector("[name=" + name + "]");
      if (field && !field.value) field.value = body[name];
    });
    if (help) help.textContent = "Đã điền sẵn từ trích dẫn; kiểm tra lại rồi lưu.";
  }
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(parse, 400);
  });
  if (input.value.trim()) parse(); // typed before the script ran, or kept after a failed save
})();
