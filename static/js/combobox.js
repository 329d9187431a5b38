// The actor combobox of the timeline filter and the event form (WAI-ARIA combobox with a
// listbox popup, list autocomplete). The markup carries htmx: an <input data-combobox> with
// hx-get="/actors/suggest/", hx-trigger="input changed delay:200ms" and hx-target its
// .suggest-box, which receives the server's fragment <ul class="suggestions" role="listbox">
// of <li role="option"> buttons with data-name and data-slug. This script sends the typed text
// as ``q``, sets role=combobox, aria-expanded and aria-activedescendant (focus stays in the
// input) and handles the keys:
//   ArrowDown / ArrowUp  move through the options (opening the list at the first or last),
//   Enter                chooses the active option (without one, Enter does what it does),
//   Tab                  takes the active option's name and moves on,
//   Escape               closes the list, keeping the text.
// Choosing fills the input with the actor's name; with data-combobox="submit" (the timeline
// filter) it also submits the input's form. With data-combobox-chosen (a selector: the
// timeline filter's chips), the names of the actors chosen already go along as ``chosen``,
// and the server does not offer them again. Without JavaScript the input is a plain text box.
(() => {
  "use strict";
  let counter = 0;

  const isCombo = (el) => el instanceof HTMLInputElement && el.hasAttribute("data-combobox");
  // The .suggest-box the fragment goes into; aria-controls names the listbox inside it once
  // there is one (the empty box before).
  const boxOf = (input) => document.getElementById(input.dataset.comboboxBox);
  const inputOf = (box) => document.querySelector(`input[data-combobox-box="${box.id}"]`);
  const optionsOf = (input) => [...(boxOf(input)?.querySelectorAll("li[role=option]") || [])];
  const choosable = (input) => optionsOf(input).filter((li) => li.querySelector("button[data-name]"));

  function init(input) {
    if (input.dataset.comboboxReady) return;
    input.dataset.comboboxReady = "true";
    const box = input.closest(".actor-field, .actor-name-cell")?.querySelector(".suggest-box");
    if (!box) return;
    if (!box.id) box.id = `${input.id || `combobox-${++counter}`}-suggestions`;
    input.dataset.comboboxBox = box.id;
    input.setAttribute("aria-controls", box.id);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");
  }

  function initAll(root) {
    const scope = root instanceof Element || root instanceof Document ? root : document;
    if (isCombo(scope)) init(scope);
    scope.querySelectorAll?.("input[data-combobox]").forEach(init);
  }

  function active(input) {
    const id = input.getAttribute("aria-activedescendant");
    return id ? document.getElementById(id) : null;
  }

  function activate(input, li) {
    for (const option of optionsOf(input)) option.setAttribute("aria-selected", "false");
    if (li) {
      li.setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", li.id);
      li.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function close(input) {
    const box = boxOf(input);
    box?.replaceChildren();
    if (box) input.setAttribute("aria-controls", box.id);
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function choose(input, li, { submit = true } = {}) {
    const button = li?.querySelector("button[data-name]");
    if (!button) return false;
    input.value = button.dataset.name;
    close(input);
    input.focus();
    if (submit && input.dataset.combobox === "submit") input.form?.requestSubmit();
    return true;
  }

  // The typed text goes to the server as ``q`` (whatever the input's own name is); nothing
  // typed, nothing asked.
  document.addEventListener("htmx:configRequest", (e) => {
    const input = e.detail.elt;
    if (!isCombo(input)) return;
    const q = input.value.trim();
    if (!q) {
      e.preventDefault();
      close(input);
      return;
    }
    const params = e.detail.parameters;
    if (input.name) params.delete(input.name);
    params.set("q", q);
    const chosen = input.dataset.comboboxChosen;
    if (chosen) {
      document.querySelectorAll(`${chosen} input[type=hidden]`).forEach((hidden) => {
        params.append("chosen", hidden.value);
      });
    }
  });

  document.addEventListener("htmx:afterSwap", (e) => {
    const box = e.detail.target;
    const input = box?.id && inputOf(box);
    if (!input) return;
    const listbox = box.querySelector("[role=listbox]");
    if (listbox) {
      listbox.id = `${box.id}-listbox`;
      input.setAttribute("aria-controls", listbox.id);
    }
    optionsOf(input).forEach((li, i) => {
      li.id = `${box.id}-option-${i}`;
      li.setAttribute("aria-selected", "false");
      li.querySelector("button")?.setAttribute("tabindex", "-1");
    });
    input.removeAttribute("aria-activedescendant");
    // A list that answers a text no longer in the box is stale.
    const current = document.activeElement === input && input.value.trim();
    if (!current) close(input);
    else input.setAttribute("aria-expanded", optionsOf(input).length ? "true" : "false");
  });

  document.addEventListener("keydown", (e) => {
    const input = e.target;
    if (!isCombo(input)) return;
    const open = input.getAttribute("aria-expanded") === "true";
    const options = choosable(input);
    const current = active(input);
    switch (e.key) {
      case "ArrowDown":
      case "ArrowUp": {
        if (!options.length) return;
        e.preventDefault();
        const i = options.indexOf(current);
        const down = e.key === "ArrowDown";
        const next = i < 0 ? (down ? 0 : options.length - 1) : (i + (down ? 1 : -1) + options.length) % options.length;
        activate(input, options[next]);
        break;
      }
      case "Enter":
        if (open && current && choose(input, current)) e.preventDefault();
        break;
      case "Tab":
        if (open && current) choose(input, current, { submit: false });
        if (open) close(input);
        break;
      case "Escape":
        if (open) {
          e.preventDefault();
          close(input);
        }
        break;
      default:
    }
  });

  document.addEventListener("click", (e) => {
    const button = e.target.closest?.(".suggest-box button[data-name]");
    if (button) {
      const box = button.closest(".suggest-box");
      const input = inputOf(box);
      if (input) {
        e.preventDefault();
        choose(input, button.closest("li"));
      }
      return;
    }
    const field = e.target.closest?.(".actor-field, .actor-name-cell");
    for (const input of document.querySelectorAll("input[data-combobox][aria-expanded=true]")) {
      if (input.closest(".actor-field, .actor-name-cell") !== field) close(input);
    }
  });

  // A name typed in the combobox is not yet a choice: its change does not reach the form (the
  // timeline filter refreshes on change).
  document.addEventListener(
    "change",
    (e) => {
      if (isCombo(e.target) && e.target.dataset.combobox === "submit") e.stopPropagation();
    },
    true,
  );

  document.addEventListener("DOMContentLoaded", () => initAll(document));
  document.addEventListener("htmx:load", (e) => initAll(e.target));
  document.addEventListener("htmx:afterProcessNode", (e) => initAll(e.target)); // htmx.process()
  if (document.readyState !== "loading") initAll(document);
})();
