// The time axis: drag across it to choose a period (sets from/to). Zoom and pan are plain
// links (with hx-get where the page swaps #results); this only adds dragging.
(function () {
  "use strict";
  const DAY = 86400000;
  let drag = null;

  function svgX(svg, event) {
    const point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    return point.matrixTransform(svg.getScreenCTM().inverse()).x;
  }

  function dayAt(svg, x) {
    const x0 = Number(svg.dataset.x0), x1 = Number(svg.dataset.x1);
    const days = Number(svg.dataset.days);
    const share = Math.min(Math.max((x - x0) / (x1 - x0), 0), 1 - 1e-9);
    const date = new Date((Number(svg.dataset.epochDay) + Math.floor(share * days)) * DAY);
    const pad = (n, w) => String(n).padStart(w, "0");
    return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`;
  }

  function go(svg, from, to) {
    const params = new URLSearchParams(svg.dataset.query || "");
    params.set("from", from);
    params.set("to", to);
    const url = `${svg.dataset.url}?${params}`;
    if (svg.dataset.htmx && window.htmx && document.getElementById("results")) {
      // The server answers with HX-Push-Url, so the address bar and Back follow.
      window.htmx.ajax("GET", url, { target: "#results", swap: "outerHTML" });
    } else {
      window.location.assign(url);
    }
  }

  // On a narrow screen the axis scrolls sideways. It opens at the end the list below starts
  // from: the oldest (with the lane labels) by default, the latest end with sort=-date;
  // unless the reader has scrolled it already. When no event is drawn in that first view
  // (June's events of a year's axis on a phone), it opens at the first one drawn (the
  // latest with sort=-date) instead, with a little of the axis before it.
  const MARGIN = 48;
  function showListStart() {
    document.querySelectorAll(".axis-scroll").forEach((box) => {
      if (box.scrollWidth > box.clientWidth && !box.dataset.scrolled) {
        const svg = box.querySelector("svg.axis-svg");
        const query = new URLSearchParams((svg && svg.dataset.query) || "");
        const newest = query.get("sort") === "-date";
        const drawn = svg ? [...svg.querySelectorAll("a.mark rect, a.cluster rect")] : [];
        const xs = drawn.map((rect) => Number(rect.getAttribute("x")));
        const ends = drawn.map((rect, i) => xs[i] + Number(rect.getAttribute("width")));
        if (newest) {
          box.scrollLeft = box.scrollWidth;
          const last = Math.max(...ends);
          if (ends.length && last < box.scrollLeft + MARGIN) {
            box.scrollLeft = last - box.clientWidth + MARGIN;
          }
        } else {
          box.scrollLeft = 0;
          const first = Math.min(...xs);
          if (xs.length && first > box.clientWidth - MARGIN) box.scrollLeft = first - MARGIN;
        }
        box.addEventListener("scroll", () => { box.dataset.scrolled = "1"; }, { once: true });
      }
    });
  }
  document.addEventListener("DOMContentLoaded", showListStart);
  document.addEventListener("htmx:afterSettle", showListStart);

  // Scrolled sideways (a phone), the lane labels stay at the left edge of what is shown,
  // over the marks (with a light halo; taps go through them to the marks): without them
  // the lanes' colours and rows would be unnamed. Moved in the picture's own units.
  function keepLaneLabels(box) {
    const svg = box.querySelector("svg.axis-svg");
    if (!svg || !svg.clientWidth) return;
    const shift = (box.scrollLeft * Number(svg.viewBox.baseVal.width)) / svg.clientWidth;
    svg.classList.toggle("labels-stuck", shift > 0);
    svg.querySelectorAll(".lane-label").forEach((label) => {
      if (!label.dataset.x) label.dataset.x = label.getAttribute("x");
      // Painted after its lane's marks and counts (SVG paints in document order): at a
      // million events every cell holds a dark count, which hid the label under it.
      if (label.nextElementSibling) label.parentNode.appendChild(label);
      // Stuck: from the left edge shown (short labels cover little); else where drawn.
      label.setAttribute("x", shift > 0 ? (shift + 9).toFixed(1) : label.dataset.x);
      label.setAttribute("text-anchor", shift > 0 ? "start" : "end");
    });
  }
  let pending = null;
  document.addEventListener("scroll", (event) => {
    const box = event.target;
    if (!(box instanceof Element) || !box.classList.contains("axis-scroll")) return;
    if (pending) return;
    pending = window.requestAnimationFrame(() => { pending = null; keepLaneLabels(box); });
  }, true);
  function keepAll() { document.querySelectorAll(".axis-scroll").forEach(keepLaneLabels); }
  document.addEventListener("DOMContentLoaded", keepAll);
  document.addEventListener("htmx:afterSettle", keepAll);
  window.addEventListener("resize", keepAll);

  document.addEventListener("pointerdown", (event) => {
    const svg = event.target.closest && event.target.closest("svg.axis-svg");
    if (!svg || event.button !== 0 || event.target.closest("a")) return;
    const x = svgX(svg, event);
    if (x < Number(svg.dataset.x0)) return;
    drag = { svg, start: x, brush: svg.querySelector(".brush") };
    svg.setPointerCapture(event.pointerId);
    event.preventDefault();
  });

  document.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const x = Math.min(Math.max(svgX(drag.svg, event), Number(drag.svg.dataset.x0)), Number(drag.svg.dataset.x1));
    drag.brush.setAttribute("x", Math.min(drag.start, x));
    drag.brush.setAttribute("width", Math.abs(x - drag.start));
  });

  document.addEventListener("pointerup", (event) => {
    if (!drag) return;
    const { svg, start, brush } = drag;
    drag = null;
    const end = Math.min(Math.max(svgX(svg, event), Number(svg.dataset.x0)), Number(svg.dataset.x1));
    brush.setAttribute("width", 0);
    if (Math.abs(end - start) < 4) return;  // a click, not a drag
    go(svg, dayAt(svg, Math.min(start, end)), dayAt(svg, Math.max(start, end)));
  });
})();
