// Cite while reading: select words inside one passage, then "New event from this" or
// "Add to event…". Offsets count code points of the passage text only (the .ptext element,
// without the ↗ links marked data-nontext), as the server does; it checks them again.
(function () {
  "use strict";
  const popover = document.getElementById("cite-popover");
  if (!popover) return;
  const message = popover.querySelector(".cite-message");
  const actions = popover.querySelector(".cite-actions");
  const newLink = popover.querySelector(".cite-new");
  const search = popover.querySelector("form.cite-search");
  let timer = null;

  function textOf(fragment) {
    fragment.querySelectorAll("[data-nontext]").forEach((el) => el.remove());
    return Array.from(fragment.textContent);
  }

  function offset(ptext, node, at) {
    if (!ptext.contains(node)) {
      // A boundary outside the text (on the ¶ link): before it is 0, after it the end.
      const before = node.compareDocumentPosition(ptext) & Node.DOCUMENT_POSITION_FOLLOWING;
      return before ? 0 : passageText(ptext).length;
    }
    const range = document.createRange();
    range.setStart(ptext, 0);
    range.setEnd(node, at);
    return textOf(range.cloneContents()).length;
  }

  function passageText(ptext) {
    const range = document.createRange();
    range.selectNodeContents(ptext);
    return textOf(range.cloneContents());
  }

  function passageOf(node) {
    const el = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    const passage = el && el.closest(".passage");
    return passage ? passage.querySelector(".ptext") : null;
  }

  // The popover opens under the selection, inside the viewport with EDGE px to spare on
  // both sides (at 390 px it touched the right edge); it is placed again when it grows
  // (the events found for "Add to event…").
  const EDGE = 8;
  let anchorLeft = 0;
  function keepInside() {
    if (popover.hidden) return;
    const width = popover.getBoundingClientRect().width;
    const viewport = document.documentElement.clientWidth;
    const left = Math.max(EDGE, Math.min(anchorLeft, viewport - width - EDGE));
    popover.style.left = `${left + window.scrollX}px`;
  }

  function place(range) {
    const rect = range.getBoundingClientRect();
    anchorLeft = rect.left;
    popover.style.top = `${rect.bottom + window.scrollY + 8}px`;
    popover.hidden = false;
    keepInside();
  }
  document.addEventListener("htmx:afterSettle", keepInside);
  window.addEventListener("resize", keepInside);

  function refuse(range, text) {
    message.textContent = text;
    actions.hidden = true;
    search.hidden = true;
    document.getElementById("cite-results").replaceChildren();
    place(range);
  }

  function offer(range, ptext, start, end, quote) {
    message.textContent = "";
    actions.hidden = false;
    search.hidden = true;
    document.getElementById("cite-results").replaceChildren();
    const params = new URLSearchParams({ passage: ptext.dataset.passage, start, end });
    newLink.href = `${popover.dataset.newUrl}?${params}`;
    search.elements.passage.value = ptext.dataset.passage;
    search.elements.start.value = start;
    search.elements.end.value = end;
    search.elements.quote.value = quote;
    place(range);
  }

  function check() {
    const selection = document.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return;
    const range = selection.getRangeAt(0);
    if (popover.contains(range.startContainer) || popover.contains(range.endContainer)) return;
    const first = passageOf(range.startContainer);
    const last = passageOf(range.endContainer);
    if (!first && !last) return; // Outside the article: not a citation attempt.
    if (first !== last) {
      refuse(range, "Select text inside one passage: this selection spans two (or leaves the text).");
      return;
    }
    const chars = passageText(first);
    let start = offset(first, range.startContainer, range.startOffset);
    let end = offset(first, range.endContainer, range.endOffset);
    while (start < end && /\s/.test(chars[start])) start += 1;
    while (end > start && /\s/.test(chars[end - 1])) end -= 1;
    if (start >= end) {
      refuse(range, "The selection touches no text: select the words to cite.");
      return;
    }
    offer(range, first, start, end, chars.slice(start, end).join(""));
  }

  document.addEventListener("selectionchange", () => {
    clearTimeout(timer);
    timer = setTimeout(check, 120);
  });

  function hide() {
    popover.hidden = true;
  }
  document.addEventListener("mousedown", (event) => {
    if (!popover.contains(event.target)) hide();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") hide();
  });
  popover.querySelector(".cite-close").addEventListener("click", hide);
  popover.querySelector(".cite-add").addEventListener("click", () => {
    search.hidden = false;
    keepInside();
    search.elements.q.focus();
    if (window.htmx) window.htmx.trigger(search, "submit");
  });
})();
