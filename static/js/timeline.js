// The timeline's filter bar: keeps the form in step with the URL after a bar, facet or
// Back/Forward changed the results, and the order's labels with the text box. The actor input
// is the shared combobox (combobox.js).
(() => {
  "use strict";
  const $ = (id) => document.getElementById(id);

  function syncOrder() {
    // Without sort the order is best match first when searching, else oldest first.
    const q = $("f-q");
    const sort = $("f-sort");
    if (!q || !sort) return;
    const searching = q.value.trim() !== "";
    const auto = sort.querySelector("option[value='']");
    auto.textContent = searching ? auto.dataset.searching : auto.dataset.browsing;
    sort.querySelector("option[value='date']").hidden = !searching && sort.value !== "date";
  }
  document.addEventListener("input", (e) => {
    if (e.target.id === "f-q") syncOrder();
  });

  function syncForm(params) {
    const form = $("filters");
    if (!form) return;
    for (const el of form.elements) {
      if (!el.name || el.type === "hidden" || el.id === "f-actor" || el.type === "submit") continue;
      if (el.type === "checkbox") el.checked = params.getAll(el.name).includes(el.value);
      else el.value = params.get(el.name) || "";
    }
    syncOrder();
  }

  document.addEventListener("htmx:afterSwap", (e) => {
    // A history restore swaps the whole page and has no target.
    if (e.detail.target?.id !== "results") return;
    const pushed = e.detail.xhr.getResponseHeader("HX-Push-Url");
    if (e.detail.requestConfig?.elt?.id === "filters") {
      // The typed actor is now one of the chosen actors.
      if (e.detail.xhr.status < 500 && $("f-actor")) $("f-actor").value = "";
    } else if (pushed && pushed !== "false") {
      syncForm(new URL(pushed, location.href).searchParams);
    }
  });

  // Enter in a text box is one request. The browser fires the box's change and then submits
  // the form, both triggers of the form's request (htmx aborted the first, but it was sent).
  // So a text box's change does not reach the form: leaving the box submits it a moment later,
  // unless a submit came first, as Enter's does. (The actor input is the combobox's.)
  let leaving = null;
  const textBox = (el) =>
    el.form?.id === "filters" &&
    el.matches("input[type=text], input[type=search]") &&
    !el.dataset.combobox;
  document.addEventListener(
    "change",
    (e) => {
      if (!(e.target instanceof HTMLInputElement) || !textBox(e.target)) return;
      e.stopPropagation();
      const form = e.target.form;
      clearTimeout(leaving);
      leaving = setTimeout(() => {
        leaving = null;
        form.requestSubmit();
      });
    },
    true,
  );
  document.addEventListener(
    "submit",
    (e) => {
      if (e.target.id !== "filters" || leaving === null) return;
      clearTimeout(leaving);
      leaving = null;
    },
    true,
  );

  document.addEventListener("htmx:historyRestore", () => {
    $("actor-suggestions")?.replaceChildren();
    $("f-actor")?.setAttribute("aria-expanded", "false");
    syncForm(new URLSearchParams(location.search));
  });
})();
