// Adding a source: the pasted text and the uploaded file are checked against the server's size
// limit (data-max-bytes, UTF-8 bytes as the server counts them) before anything is sent. Over
// the limit, submitting is blocked with a message beside the field and the text stays as typed.
(() => {
  "use strict";
  const encoder = new TextEncoder();
  const MB = 1024 * 1024;

  function sizeOf(field) {
    if (field.type === "file") return field.files?.[0]?.size || 0;
    return encoder.encode(field.value).length;
  }

  function describe(bytes) {
    return bytes >= MB / 10 ? `${(bytes / MB).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
  }

  function messageFor(field) {
    const id = `${field.id}_limit`;
    let message = document.getElementById(id);
    if (!message) {
      message = document.createElement("strong");
      message.id = id;
      message.className = "error";
      message.setAttribute("role", "alert");
      message.hidden = true;
      const place = field.closest("p.field");
      if (place) place.append(message);
      else field.after(message);
      const described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      field.setAttribute("aria-describedby", [...described, id].join(" "));
    }
    return message;
  }

  // The problem with ``field``, or "" when it fits.
  function check(field) {
    const limit = Number(field.dataset.maxBytes);
    const size = sizeOf(field);
    const message = messageFor(field);
    const over = limit && size > limit;
    const what = field.type === "file" ? "The file" : "The text";
    message.textContent = over
      ? `${what} is ${describe(size)}, over the limit of ${describe(limit)}: split it or trim it, then add it in parts. Nothing was sent.`
      : "";
    message.hidden = !over;
    if (over) field.setAttribute("aria-invalid", "true");
    else field.removeAttribute("aria-invalid");
    return over ? message.textContent : "";
  }

  let timer = null;
  document.addEventListener("input", (e) => {
    if (!e.target.matches?.("form.source-new [data-max-bytes]")) return;
    clearTimeout(timer);
    timer = setTimeout(() => check(e.target), 300);
  });
  document.addEventListener("change", (e) => {
    if (e.target.matches?.("form.source-new input[type=file][data-max-bytes]")) check(e.target);
  });
  document.addEventListener("submit", (e) => {
    const form = e.target;
    if (!form.matches?.("form.source-new")) return;
    const over = [...form.querySelectorAll("[data-max-bytes]")].filter((field) => check(field));
    if (over.length) {
      e.preventDefault();
      over[0].focus();
      messageFor(over[0]).scrollIntoView({ block: "center" });
    }
  });
})();
