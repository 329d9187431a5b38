// The compact filter bar of the timeline (issue 14): the type drop-down closes on a click
// elsewhere or Escape and names how many types are chosen; the axis's lanes stay in the form.
(function () {
  "use strict";
  function menu() { return document.querySelector("details.types-menu"); }

  function summarise() {
    const details = menu();
    if (!details) return;
    const n = details.querySelectorAll("input[name=type]:checked").length;
    details.querySelector("summary").textContent = n ? `Type: ${n} chosen` : "Type";
  }

  function syncLanes() {
    const input = document.getElementById("f-lanes");
    const svg = document.querySelector("#results svg.axis-svg");
    if (input && svg) input.value = svg.dataset.lanes === "actor" ? "actor" : "";
  }

  document.addEventListener("click", (event) => {
    const details = menu();
    if (details && details.open && !details.contains(event.target)) details.open = false;
  });
  document.addEventListener("keydown", (event) => {
    const details = menu();
    if (event.key === "Escape" && details && details.open) {
      details.open = false;
      details.querySelector("summary").focus();
    }
  });
  document.addEventListener("change", (event) => {
    if (event.target.name === "type") summarise();
  });
  // After the results change (a bar, the axis, Back), the form has been brought in step.
  document.addEventListener("htmx:afterSettle", () => { summarise(); syncLanes(); });
  document.addEventListener("htmx:historyRestore", () => { summarise(); syncLanes(); });
})();
