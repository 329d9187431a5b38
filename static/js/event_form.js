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

  // A date the form borrowed (from an earlier sentence: the "Check the date" note) fills
  // start, end, precision and "approximate", which win over the date as written. Typing the
  // date as the source writes it replaces the borrowed one: start, end and "approximate"
  // are cleared, once, with the citation's note saying where they came from (still as
  // events.prefill wrote it), and it is said (without a start, the precision is the text's
  // too; "approximate" ticked again is kept).
  document.addEventListener("input", (event) => {
    if (event.target.id !== "id_date_text") return;
    const fieldset = event.target.closest("fieldset[data-borrowed]");
    if (!fieldset) return;
    delete fieldset.dataset.borrowed;
    ["id_date_start", "id_date_end"].forEach((id) => {
      const input = document.getElementById(id);
      if (input) input.value = "";
    });
    const approximate = document.getElementById("id_date_approximate");
    if (approximate) approximate.checked = false;
    const note = document.getElementById("id_citations-0-note");
    if (note && note.value.startsWith("Check the date:")) note.value = "";
    const said = document.getElementById("date-cleared");
    if (said) said.textContent = "The borrowed start, end and “approximate” were cleared: the date is read from the text.";
  });

  // The date preview reads the date in the cited passage, against its source, and says it
  // as the save will store it (start, end, precision and "approximate" below): when one of
  // them changes after the date was typed, it reads again.
  const rereadOn = [
    "id_citations-0-source", "id_citations-0-quote",
    "id_date_start", "id_date_end", "id_date_precision", "id_date_approximate",
  ];
  document.addEventListener("change", (event) => {
    if (!rereadOn.includes(event.target.id)) return;
    const date = document.getElementById("id_date_text");
    if (date && date.value.trim() && window.htmx) window.htmx.trigger(date, "reread");
  });

  function reveal() {
    document.querySelectorAll("button.add-actor").forEach((b) => { b.hidden = false; });
  }
  document.addEventListener("DOMContentLoaded", reveal);
  document.addEventListener("htmx:afterSwap", reveal);
})();
