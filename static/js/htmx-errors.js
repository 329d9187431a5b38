// How htmx answers are shown, with htmx.config.responseHandling (the htmx-config meta tag in
// templates/base.html): a 400 or 409 fragment (a form or filter with its errors) replaces only
// its target, and its first error is scrolled into view and focused (only scrolled into view
// while the user is typing, so a keystroke never loses focus). Any other error (403 for a
// non-analyst, 404, 413, 5xx) or no answer at all leaves the page as it is and says what
// happened in #htmx-error, at the top of the page; so is a 400 that is a whole page rather than
// a fragment. Never the whole document replaced.
(() => {
  "use strict";
  const TYPING = new Set(["keyup", "keydown", "input"]);
  const shown = new WeakSet();
  const typing = (e) => TYPING.has(e.detail.requestConfig?.triggeringEvent?.type);

  function reveal(el, focus) {
    if (!el.matches("a[href], button, input, select, textarea, [tabindex]")) {
      el.setAttribute("tabindex", "-1");
    }
    el.scrollIntoView({ block: "center" });
    if (focus) el.focus({ preventScroll: true });
  }

  document.addEventListener("htmx:afterSettle", (e) => {
    const xhr = e.detail.xhr;
    if (!xhr || (xhr.status !== 400 && xhr.status !== 409) || shown.has(xhr)) return;
    const root = e.target;
    if (!(root instanceof Element) || !root.isConnected) return;
    const error = root.matches("[role=alert]") ? root : root.querySelector("[role=alert]");
    if (!error) return;
    shown.add(xhr);
    reveal(error, !typing(e));
  });

  function region() {
    return document.getElementById("htmx-error");
  }

  function clear() {
    const box = region();
    if (box && !box.hidden) {
      box.hidden = true;
      box.replaceChildren();
    }
  }

  // The message of an error answer, as plain text: a page's heading and paragraphs, a JSON
  // error's detail, or the status line.
  function messageOf(xhr) {
    const type = xhr.getResponseHeader("Content-Type") || "";
    const fallback = `The server answered ${xhr.status} ${xhr.statusText || ""}`.trim() + ".";
    const lines = [];
    if (type.includes("html") && xhr.responseText) {
      const doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      const main = doc.querySelector("main") || doc.body;
      const title = main?.querySelector("h1")?.textContent.trim();
      if (title) lines.push(title);
      for (const p of main?.querySelectorAll("p, .exception_value") || []) {
        // A paragraph that is only a link ("Back to the timeline") is no message as text.
        const link = p.children.length === 1 ? p.querySelector(":scope > a") : null;
        if (link && link.textContent.trim() === p.textContent.trim()) continue;
        const text = p.textContent.replace(/\s+/g, " ").trim();
        if (text && lines.length < 4) lines.push(text);
      }
    } else if (type.includes("json")) {
      try {
        const data = JSON.parse(xhr.responseText);
        const detail = data.detail || data.message || data.error;
        if (typeof detail === "string") lines.push(detail);
      } catch (_) {
        // not JSON after all: the status line says enough
      }
    }
    return lines.length ? lines : [fallback];
  }

  function say(lines, focus = true) {
    const box = region();
    if (!box) return;
    const parts = lines.map((line, i) => {
      const p = document.createElement("p");
      if (i === 0) {
        const strong = document.createElement("strong");
        strong.textContent = line;
        p.append(strong);
      } else {
        p.textContent = line;
      }
      return p;
    });
    const close = document.createElement("button");
    close.type = "button";
    close.className = "htmx-error-close";
    close.textContent = "Close";
    close.addEventListener("click", clear);
    box.replaceChildren(...parts, close);
    box.hidden = false;
    if (focus) reveal(box, true);
  }

  document.addEventListener("htmx:responseError", (e) => say(messageOf(e.detail.xhr), !typing(e)));
  // A 400 that is a whole page, not a fragment (a request refused before any view, such as
  // Django's "Bad Request" page or a size limit), is said, never nested inside the target.
  document.addEventListener("htmx:beforeSwap", (e) => {
    const xhr = e.detail.xhr;
    if ((xhr.status === 400 || xhr.status === 409) && /<html[\s>]/i.test(xhr.responseText || "")) {
      e.detail.shouldSwap = false;
      say(messageOf(xhr), !typing(e));
    }
  });
  document.addEventListener("htmx:sendError", () =>
    say(["No answer from the server.", "Check the connection and try again: nothing was changed on this page."]),
  );
  document.addEventListener("htmx:beforeRequest", (e) => {
    // A new request starts afresh; not one made as you type (a suggestion list, the date
    // preview): sent late, it wiped the error of the form sent just before it.
    if (!e.target.closest?.("[data-combobox]") && !typing(e)) clear();
  });
})();
