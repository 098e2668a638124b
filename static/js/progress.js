// Slow requests show that they are running and cannot be sent twice.
//
// A submit button (or its form) with data-busy="Đang ký số…": once the form goes, its submit buttons are
// disabled and the button shows a spinner and that text until the next page arrives.
//
// A link with data-download="Đang tạo tệp…" (a PDF or Excel file the server builds): the file is fetched
// by the script, the link shows a spinner and that text meanwhile, a second click does nothing, and when the
// server fails the page says so in Vietnamese beside the link instead of showing an error page. Without this
// script the link is an ordinary download.
(() => {
  "use strict";

  function busyLabel(text) {
    return (
      '<span class="spinner-border spinner-border-sm me-1" aria-hidden="true"></span>' +
      '<span role="status">' +
      escapeHtml(text) +
      "</span>"
    );
  }

  function escapeHtml(text) {
    const span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  // ------------------------------------------------------------------ forms

  document.addEventListener("submit", (event) => {
    if (event.defaultPrevented) return; // cancelled (e.g. not confirmed): nothing is sent
    const form = event.target;
    const button = event.submitter;
    const text = button?.dataset.busy || form.dataset.busy;
    if (!text) return;
    if (form.dataset.sending === "yes") {
      event.preventDefault(); // already on its way
      return;
    }
    form.dataset.sending = "yes";
    // After this turn: the form's data (with the pressed button's name) is already taken.
    setTimeout(() => {
      form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach((b) => {
        b.disabled = true;
      });
      const shown = button && button.tagName === "BUTTON" ? button : null;
      if (shown) {
        shown.dataset.idleHtml = shown.innerHTML;
        shown.innerHTML = busyLabel(text);
        shown.classList.add("is-busy");
      }
      form.setAttribute("aria-busy", "true");
    }, 0);
  });

  // Back to a page kept by the browser's history cache: usable again.
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-sending]").forEach((form) => {
      delete form.dataset.sending;
      form.removeAttribute("aria-busy");
      form.querySelectorAll("[disabled]").forEach((b) => {
        if (b.type === "submit" || b.tagName === "BUTTON") b.disabled = false;
      });
      form.querySelectorAll("[data-idle-html]").forEach((b) => {
        b.innerHTML = b.dataset.idleHtml;
        delete b.dataset.idleHtml;
        b.classList.remove("is-busy");
      });
    });
  });

  // ------------------------------------------------------------------ downloads

  function filenameOf(response, url) {
    const header = response.headers.get("Content-Disposition") || "";
    const encoded = /filename\*=UTF-8''([^;]+)/i.exec(header);
    if (encoded) return decodeURIComponent(encoded[1]);
    const plain = /filename="?([^";]+)"?/i.exec(header);
    if (plain) return plain[1];
    return url.split("/").filter(Boolean).pop() || "tai-ve";
  }

  function failure(response) {
    if (response.status === 401 || /\/dang-nhap\//.test(response.url)) {
      return "Không tải được tệp: phiên đăng nhập đã hết. Tải lại trang, đăng nhập rồi bấm tải lần nữa.";
    }
    if (response.status === 403 || response.status === 404) {
      return "Không tải được tệp: không tìm thấy hoặc bạn không có quyền xem (mã " + response.status + ").";
    }
    const id = response.headers.get("X-Request-ID");
    return (
      "Không tạo được tệp: máy chủ gặp lỗi (mã " +
      response.status +
      "). Xin thử lại sau ít phút" +
      (id ? "; nếu vẫn lỗi, báo quản trị kèm mã yêu cầu " + id + "." : ".")
    );
  }

  function showError(link, message) {
    const place = link.closest("[data-download-area]") || link.parentElement;
    let box = place.nextElementSibling;
    if (!box?.classList.contains("download-error")) {
      box = document.createElement("div");
      box.className = "alert alert-danger download-error";
      box.setAttribute("role", "alert");
      place.after(box);
    }
    box.textContent = message;
  }

  function clearError(link) {
    const place = link.closest("[data-download-area]") || link.parentElement;
    const box = place.nextElementSibling;
    if (box?.classList.contains("download-error")) box.remove();
  }

  function save(blob, name) {
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    a.hidden = true;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  async function download(link) {
    const idle = link.innerHTML;
    link.dataset.loading = "yes";
    link.setAttribute("aria-disabled", "true");
    link.classList.add("is-busy");
    link.innerHTML = busyLabel(link.dataset.download);
    clearError(link);
    try {
      let response;
      try {
        response = await fetch(link.href, {
          credentials: "same-origin",
          headers: { "X-Requested-With": "XMLHttpRequest" },
        });
      } catch {
        showError(link, "Không kết nối được máy chủ. Kiểm tra mạng rồi bấm tải lần nữa.");
        return;
      }
      const type = response.headers.get("Content-Type") || "";
      if (!response.ok || response.redirected || type.startsWith("text/html")) {
        showError(link, failure(response));
        return;
      }
      save(await response.blob(), filenameOf(response, link.href));
    } catch {
      showError(link, "Tải tệp bị gián đoạn. Xin bấm tải lần nữa.");
    } finally {
      link.innerHTML = idle;
      link.removeAttribute("aria-disabled");
      link.classList.remove("is-busy");
      delete link.dataset.loading;
    }
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-download]");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    if (link.dataset.loading !== "yes") download(link);
  });
})();
