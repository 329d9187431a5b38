// The event form: alias-aware actor suggestions and more actor rows. Without JavaScript the
// form still works (unknown names are reported on save; each save offers two empty rows).
(function () {
  "use strict";
  let timer = null;
  let pending = null;

  function boxFor(input) {
    return input.closest(".actor-name-cell").querySelector(".suggest-box");
  }

  function suggest(input) {
    const fieldset = input.closest("#actors");
    const box = boxFor(input);
    const q = input.value.trim();
    if (!q) { box.replaceChildren(); return; }
    if (pending) pending.abort();
    pending = new AbortController();
    const url = fieldset.dataset.suggestUrl + "?q=" + encodeURIComponent(q);
    fetch(url, { signal: pending.signal, headers: { "HX-Request": "true" } })
      .then((r) => (r.ok ? r.text() : ""))
      .then((html) => {
        // The fragment is the server's escaped HTML (a list of buttons).
        box.innerHTML = html;
      })
      .catch(() => {});
  }

  document.addEventListener("input", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.classList.contains("actor-name")) return;
    clearTimeout(timer);
    timer = setTimeout(() => suggest(input), 200);
  });

  document.addEventListener("keydown", (event) => {
    const cell = event.target.closest && event.target.closest(".actor-name-cell");
    if (!cell) return;
    const box = cell.querySelector(".suggest-box");
    const options = [...box.querySelectorAll("button[data-name]")];
    if (event.key === "Escape") {
      box.replaceChildren();
      cell.querySelector("input.actor-name").focus();
    } else if ((event.key === "ArrowDown" || event.key === "ArrowUp") && options.length) {
      event.preventDefault();
      let i = options.indexOf(document.activeElement);
      i = event.key === "ArrowDown" ? (i + 1) % options.length : (i <= 0 ? options.length : i) - 1;
      options[i].focus();
    }
  });

  document.addEventListener("click", (event) => {
    if (!event.target.closest(".actor-name-cell")) {
      document.querySelectorAll("#actors .suggest-box").forEach((box) => box.replaceChildren());
    }
    const button = event.target.closest(".suggest-box button[data-name]");
    if (button) {
      const cell = button.closest(".actor-name-cell");
      const input = cell.querySelector("input.actor-name");
      input.value = button.dataset.name;
      cell.querySelector(".suggest-box").replaceChildren();
      input.focus();
      return;
    }
    const add = event.target.closest("button.add-actor");
    if (add) {
      const fieldset = add.closest("#actors");
      const total = fieldset.querySelector("input[name='actors-TOTAL_FORMS']");
      const template = fieldset.querySelector("#actor-row-template");
      const html = template.innerHTML.replace(/__prefix__/g, total.value);
      total.value = String(Number(total.value) + 1);
      fieldset.querySelector(".actor-rows").insertAdjacentHTML("beforeend", html);
      fieldset.querySelector(".actor-rows .actor-row:last-child input.actor-name").focus();
    }
  });

  function reveal() {
    document.querySelectorAll("button.add-actor").forEach((b) => { b.hidden = false; });
  }
  document.addEventListener("DOMContentLoaded", reveal);
  document.addEventListener("htmx:afterSwap", reveal);
})();
