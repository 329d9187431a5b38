// The event form: more actor rows (each actor input is the shared combobox, combobox.js).
// Without JavaScript the form still works (unknown names are reported on save; each save
// offers two empty rows).
(function () {
  "use strict";
  document.addEventListener("click", (event) => {
    const add = event.target.closest("button.add-actor");
    if (add) {
      const fieldset = add.closest("#actors");
      const total = fieldset.querySelector("input[name='actors-TOTAL_FORMS']");
      const template = fieldset.querySelector("#actor-row-template");
      const html = template.innerHTML.replace(/__prefix__/g, total.value);
      total.value = String(Number(total.value) + 1);
      const rows = fieldset.querySelector(".actor-rows");
      rows.insertAdjacentHTML("beforeend", html);
      const row = rows.lastElementChild;
      if (window.htmx) window.htmx.process(row); // its actor combobox (combobox.js)
      row.querySelector("input.actor-name").focus();
    }
  });

  function reveal() {
    document.querySelectorAll("button.add-actor").forEach((b) => { b.hidden = false; });
  }
  document.addEventListener("DOMContentLoaded", reveal);
  document.addEventListener("htmx:afterSwap", reveal);
})();
