"""The time axis: a server-drawn picture of the filtered events on a scale of dates.

Geometry (pure, unit-tested): a linear ``Scale`` of days onto SVG units, ``ticks`` that step
from millennia through decades and years to months and days, ``window`` (which dates to show
for a filter), row packing of marks inside lanes, clusters where marks are too dense, and the
``from``/``to`` parameters of the zoom and pan links.

Data (``load_axis``): a constant number of aggregate queries whatever the number of events:
the extent and count, then either the marks themselves (at most ``MAX_MARKS``) or, when the
window holds more, counts per lane and period grouped in SQL.

Any stored date works (years 1–9999): positions are day ordinals, and nothing is drawn per
year or per day, only per tick (at most ``MAX_TICKS``), per mark and per cluster (at most one
per ``CELL`` units of a lane).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, F, Func, IntegerField, Max, Min, QuerySet, Value
from django.db.models.functions import Cast, ExtractMonth, ExtractYear, Greatest

from lib.dates import Precision, format_date, period_end

# Geometry in SVG user units (the picture scales to the page's width).
WIDTH = 1000
GUTTER = 150  # lane labels
RIGHT = 12
TICK_AREA = 22
ROW = 9
ROW_GAP = 2
LANE_PAD = 2
MAX_ROWS = 3
MAX_HEIGHT = 200  # lanes get fewer rows (more counts) rather than a taller picture
CELL = 24  # a cluster's width: marks denser than MAX_ROWS in a cell become a count
CLUSTER_GAP = 3  # between the pills of neighbouring cells ("928" "153", not "928153")
MAX_PILL = 36  # a count's pill in a wide cell (five years, one day of a week's window)
MIN_MARK = 4  # a day is drawn at least this wide, so it can be seen and clicked
MIN_FADING = 12  # an approximate date needs room for its fading edges
MAX_TICKS = 12
MAX_MARKS = 300  # above this many events in the window, counts per period come from SQL
MAX_LANES = 7  # type lanes: the most frequent types; the rest share a "remaining types" lane
TOP_ACTORS = 7  # actor lanes: the actors with most events, then "no top actor"
FIRST_DAY = dt.date.min  # 0001-01-01
LAST_DAY = dt.date.max  # 9999-12-31

# Okabe & Ito's colour-blind-safe palette (with a neutral grey); the lane, the pattern for
# the precision and the text alternative carry the same information, so colour is a cue only.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
    "grey": "#8C8C8C",
}
TYPE_COLOURS = {
    "visit": "blue",
    "meeting": "sky",
    "arms_deal": "vermillion",
    "agreement": "green",
    "un_action": "purple",
    "statement": "orange",
    "award": "yellow",
    "conference": "sky",
    "parade": "vermillion",
    "exercise": "vermillion",
    "economic": "green",
    "military_action": "black",
    "policy": "purple",
    "aggregate": "grey",
    "other": "grey",
}


def colour_of(event_type: str) -> str:
    return TYPE_COLOURS.get(event_type, "grey")


# --- Scale and ticks ------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    """Days ``first``..``last`` (inclusive) onto x units ``x0``..``x1``."""

    first: dt.date
    last: dt.date
    x0: float = GUTTER
    x1: float = WIDTH - RIGHT

    @property
    def days(self) -> int:
        return self.last.toordinal() - self.first.toordinal() + 1

    def x(self, day: dt.date) -> float:
        """The left edge of ``day``."""
        return self.x_ordinal(day.toordinal())

    def x_after(self, day: dt.date) -> float:
        """The right edge of ``day`` (works for 9999-12-31: no date arithmetic)."""
        return self.x_ordinal(day.toordinal() + 1)

    def x_ordinal(self, ordinal: int) -> float:
        share = (ordinal - self.first.toordinal()) / self.days
        return self.x0 + share * (self.x1 - self.x0)

    def day_at(self, x: float) -> dt.date:
        share = (x - self.x0) / (self.x1 - self.x0)
        ordinal = self.first.toordinal() + math.floor(share * self.days)
        return dt.date.fromordinal(min(max(ordinal, FIRST_DAY.toordinal()), LAST_DAY.toordinal()))


@dataclass
class Tick:
    day: dt.date
    label: str
    # The period the tick's label zooms into (a decade, a year, a month, a day).
    first: dt.date
    last: dt.date
    x: float = 0.0
    query: str = ""
    # A label starts at its tick, or ends there where it would run past the right edge;
    # one that would overlap the label before it is not drawn (its grid line is).
    anchor: str = "start"
    shown: bool = True

    @property
    def params(self) -> dict[str, str]:
        return period_params(self.first, self.last)

    @property
    def dx(self) -> int:
        return -2 if self.anchor == "end" else 2


# (unit, step, approximate days): the finest step that keeps ticks <= MAX_TICKS wins.
STEPS = [
    ("day", 1, 1),
    ("day", 2, 2),
    ("day", 5, 5),
    ("day", 10, 10),
    ("month", 1, 30.44),
    ("month", 3, 91.3),
    ("month", 6, 182.6),
    *[("year", n, 365.25 * n) for n in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000)],
]


def tick_step(days: int, max_ticks: int = MAX_TICKS) -> tuple[str, int]:
    for unit, step, length in STEPS:
        if days / length <= max_ticks:
            return unit, step
    return "year", 2000


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _month_first(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def ticks(scale: Scale, max_ticks: int = MAX_TICKS) -> list[Tick]:
    """Ticks at round dates inside the scale: at most about ``max_ticks`` of them."""
    unit, step = tick_step(scale.days, max_ticks)
    first, last = scale.first, scale.last
    found: list[Tick] = []
    if unit == "year":
        year = -(-first.year // step) * step
        if dt.date(max(year, 1), 1, 1) < first:
            year += step
        while year <= last.year:
            if year >= 1:
                day = dt.date(year, 1, 1)
                end_year = min(year + step - 1, 9999)
                label = f"{year}s" if step in (10, 100) and year % step == 0 else str(year)
                found.append(Tick(day, label, day, dt.date(end_year, 12, 31)))
            year += step
    elif unit == "month":
        index = _month_index(first) + (first.day != 1)
        index = -(-index // step) * step
        while index <= _month_index(last) and index // 12 <= 9999:
            day = _month_first(index)
            label = f"{day:%b}"
            if not found or day.month == 1:
                label += f" {day.year}"
            last_day = period_end(_month_first(min(index + step - 1, 9999 * 12 + 11)), "month")
            found.append(Tick(day, label, day, last_day))
            index += step
    else:
        ordinal = first.toordinal()
        while ordinal <= last.toordinal():
            day = dt.date.fromordinal(ordinal)
            if (day.day - 1) % step == 0 and (step == 1 or day.day <= 31 - step + 1):
                label = f"{day.day} {day:%b}"
                if not found or (day.month == 1 and day.day == 1):
                    label += f" {day.year}"
                found.append(Tick(day, label, day, day))
            ordinal += 1
    return _place_labels([Tick(t.day, t.label, t.first, t.last, scale.x(t.day)) for t in found])


LABEL_CHAR = 6.6  # the width of a character of a tick's label (11 px, bold), a little over
LABEL_GAP = 6  # the least room between two labels


def _place_labels(found: list[Tick]) -> list[Tick]:
    """Anchor each label so it stays inside the picture, and leave out the labels that
    would overlap the one drawn before them (close ticks whose last one is drawn to the
    left of its line, as "21 Mar" and "26 Mar" at the right edge were)."""
    drawn_to = -math.inf  # where the last label drawn ends
    for tick in found:
        width = len(tick.label) * LABEL_CHAR
        tick.anchor = "end" if tick.x + 2 + width > WIDTH - 2 else "start"
        left = tick.x - 2 - width if tick.anchor == "end" else tick.x + 2
        tick.shown = left >= drawn_to + LABEL_GAP
        if tick.shown:
            drawn_to = left + width
    return found


# --- The window -----------------------------------------------------------------------


def align(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """Widen a window to whole years (over two years), whole months (over two months, or
    under one: a single day's events would fill the whole width as one bar)."""
    days = last.toordinal() - first.toordinal() + 1
    if days > 2 * 366:
        return first.replace(month=1, day=1), last.replace(month=12, day=31)
    if days > 62 or days < 28:
        return first.replace(day=1), period_end(last, Precision.MONTH)
    return first, last


def window(
    wanted_first: dt.date | None,
    wanted_last: dt.date | None,
    data_first: dt.date | None,
    data_last: dt.date | None,
) -> tuple[dt.date, dt.date] | None:
    """The dates to draw: the filter's from/to, else the events' extent (aligned)."""
    first = wanted_first or data_first
    last = wanted_last or data_last
    if first is None or last is None:
        return None
    if last < first:
        first, last = (first, first) if wanted_first else (last, last)
    if wanted_first and wanted_last:
        return first, last
    return align(first, last)


def clamp_ordinal(ordinal: int) -> dt.date:
    return dt.date.fromordinal(min(max(ordinal, FIRST_DAY.toordinal()), LAST_DAY.toordinal()))


def period_params(first: dt.date, last: dt.date) -> dict[str, str]:
    """``from``/``to`` naming the window as coarsely as is exact (2021, 2021-06, 2021-06-22)."""

    def year(day: dt.date) -> str:
        return f"{day.year:04d}"

    if (first.month, first.day) == (1, 1) and (last.month, last.day) == (12, 31):
        return {"from": year(first), "to": year(last)}
    if first.day == 1 and last == period_end(last, Precision.MONTH):
        return {
            "from": f"{year(first)}-{first.month:02d}",
            "to": f"{year(last)}-{last.month:02d}",
        }
    return {
        "from": f"{year(first)}-{first.month:02d}-{first.day:02d}",
        "to": f"{year(last)}-{last.month:02d}-{last.day:02d}",
    }


def snap(start: int, days: int) -> tuple[dt.date, dt.date]:
    """A window of about ``days`` from ordinal ``start``, in whole years (over two years) or
    whole months (over two months), rounded to the nearest and kept inside the calendar."""
    start = min(max(start, FIRST_DAY.toordinal()), LAST_DAY.toordinal() - days + 1)
    first = dt.date.fromordinal(start)
    if days > 2 * 366:
        years = round(days / 365.2425)
        year = min(first.year + (first.month > 6), 9999 - years + 1)
        return dt.date(year, 1, 1), dt.date(year + years - 1, 12, 31)
    if days > 62:
        months = round(days / 30.436875)
        index = min(_month_index(first) + (first.day > 15), 9999 * 12 + 12 - months)
        return _month_first(index), period_end(_month_first(index + months - 1), "month")
    return first, clamp_ordinal(start + days - 1)


def shifted(first: dt.date, last: dt.date, *, center: float, factor: float):
    """The window ``factor`` times as long, centred on ``center`` (a share of the window)."""
    days = last.toordinal() - first.toordinal() + 1
    new_days = max(1, min(round(days * factor), LAST_DAY.toordinal()))
    middle = first.toordinal() + center * days
    return snap(round(middle - new_days / 2), new_days)


def panned(first: dt.date, last: dt.date, direction: int) -> tuple[dt.date, dt.date]:
    """The window moved by half its length (at least one of its units) earlier (-1) or later
    (+1), in whole years if it is whole years, whole months if whole months, else days: the
    same length each way, so Later undoes Earlier. Kept inside the calendar."""
    days = last.toordinal() - first.toordinal() + 1
    if days > 2 * 366 and (first.month, first.day, last.month, last.day) == (1, 1, 12, 31):
        years = last.year - first.year + 1
        year = first.year + direction * max(1, years // 2)
        year = min(max(year, FIRST_DAY.year), LAST_DAY.year - years + 1)
        return dt.date(year, 1, 1), dt.date(year + years - 1, 12, 31)
    if first.day == 1 and last == period_end(last, Precision.MONTH):
        months = _month_index(last) - _month_index(first) + 1
        index = _month_index(first) + direction * max(1, months // 2)
        index = min(max(index, _month_index(FIRST_DAY)), _month_index(LAST_DAY) - months + 1)
        return _month_first(index), period_end(_month_first(index + months - 1), "month")
    start = first.toordinal() + direction * max(1, days // 2)
    start = min(max(start, FIRST_DAY.toordinal()), LAST_DAY.toordinal() - days + 1)
    return dt.date.fromordinal(start), dt.date.fromordinal(start + days - 1)


def navigation(first: dt.date, last: dt.date) -> dict[str, dict[str, str] | None]:
    """``from``/``to`` of zoom in, zoom out, earlier and later (None where nothing is left)."""
    at_start, at_end = first <= FIRST_DAY, last >= LAST_DAY
    whole = at_start and at_end
    return {
        "zoom_in": period_params(*shifted(first, last, center=0.5, factor=1 / 3))
        if first < last
        else None,
        "zoom_out": None if whole else period_params(*shifted(first, last, center=0.5, factor=3)),
        "earlier": None if at_start else period_params(*panned(first, last, -1)),
        "later": None if at_end else period_params(*panned(first, last, +1)),
    }


# --- Marks, clusters, lanes -----------------------------------------------------------


@dataclass
class Mark:
    pk: int
    title: str
    type: str
    type_label: str
    precision: str
    approximate: bool
    first: dt.date  # the interval the event occupies (span_start..span_end)
    last: dt.date
    date_display: str
    x: float = 0.0
    width: float = 0.0
    row: int = 0
    continues_before: bool = False
    continues_after: bool = False

    @property
    def colour(self) -> str:
        return colour_of(self.type)

    @property
    def hex(self) -> str:
        return OKABE_ITO[self.colour]

    @property
    def y(self) -> float:
        return self.row * (ROW + ROW_GAP)

    @property
    def height(self) -> int:
        return ROW

    @property
    def shape(self) -> str:
        """day: a solid mark; month or year precision: a soft band (hatched for a year)."""
        return "day" if self.precision == Precision.DAY else self.precision

    @property
    def fill(self) -> str:
        """An SVG fill: the type's colour, a fading gradient when approximate."""
        if self.approximate:
            return f"url(#fade-{self.colour})"
        if self.precision == Precision.YEAR:
            return f"url(#hatch-{self.colour})"
        return OKABE_ITO[self.colour]

    @property
    def label(self) -> str:
        parts = [f"{self.date_display}: {self.title}", f"({self.type_label}"]
        if self.precision != Precision.DAY:
            parts[-1] += f"; known to the {self.precision}"
        if self.approximate:
            parts[-1] += "; approximate"
        parts[-1] += ")"
        if self.continues_before or self.continues_after:
            parts.append("continues beyond this view")
        return " ".join(parts)

    @property
    def arrow_before(self) -> str:
        return _arrow(self.x, self.row, -1) if self.continues_before else ""

    @property
    def arrow_after(self) -> str:
        return _arrow(self.x + self.width, self.row, 1) if self.continues_after else ""


def _arrow(x: float, row: int, direction: int) -> str:
    """SVG points of a small arrowhead at ``x`` pointing left (-1) or right (1)."""
    top = row * (ROW + ROW_GAP)
    mid = top + ROW / 2
    tip = x + direction * 5
    return f"{x:.1f},{top:.1f} {tip:.1f},{mid:.1f} {x:.1f},{top + ROW:.1f}"


@dataclass
class Cluster:
    """Events too dense to draw one by one: a count that links to its period, zoomed in."""

    first: dt.date
    last: dt.date
    n: int
    x: float = 0.0
    width: float = CELL
    row: int = 0
    query: str = ""
    cell: int = -1

    @property
    def y(self) -> float:
        return self.row * (ROW + ROW_GAP)

    @property
    def height(self) -> int:
        return ROW

    @property
    def box_x(self) -> float:
        """The drawn pill: inset from its cell, so counts of neighbouring cells read apart, and
        in the middle of a wide one (a crowded day drawn alone is a pill, not a bar)."""
        return self.x + (self.width - self.box_width) / 2

    @property
    def box_width(self) -> float:
        return min(self.width - min(CLUSTER_GAP, self.width / 4), MAX_PILL)

    @property
    def text_x(self) -> float:
        return self.x + self.width / 2

    @property
    def text_y(self) -> float:
        return self.y + ROW - 2

    @property
    def params(self) -> dict[str, str]:
        return period_params(self.first, self.last)

    @property
    def finest(self) -> bool:
        """One day: no zoom can spread it out, so its link goes to the list of its events."""
        return self.first == self.last

    @property
    def label(self) -> str:
        span = format_date(self.first, self.last, Precision.DAY)
        action = "listed below" if self.finest else "zoom in"
        return f"{self.n} event{'s' if self.n != 1 else ''} {span}: {action}"

    @property
    def text(self) -> str:
        return str(self.n) if self.n < 1000 else f"{self.n // 1000}k"

    @property
    def long_text(self) -> bool:
        """Three characters ("928", "12k"): set smaller to fit inside the pill."""
        return len(self.text) > 2


@dataclass
class Lane:
    key: str
    label: str
    colour: str = "grey"
    marks: list[Mark] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    rows: int = 1
    y: float = 0.0
    total: int = 0

    @property
    def height(self) -> float:
        return self.rows * (ROW + ROW_GAP) - ROW_GAP + 2 * LANE_PAD

    @property
    def label_y(self) -> float:
        return self.height / 2 + 4

    @property
    def hex(self) -> str:
        return OKABE_ITO[self.colour]


def place(mark: Mark, scale: Scale) -> Mark:
    """Set ``x``/``width`` from the mark's interval, clipped to the scale (with arrows)."""
    mark.continues_before = mark.first < scale.first
    mark.continues_after = mark.last > scale.last
    start = max(mark.first, scale.first)
    end = min(mark.last, scale.last)
    mark.x = scale.x(start)
    mark.width = max(scale.x_after(end) - mark.x, MIN_FADING if mark.approximate else MIN_MARK)
    if mark.x + mark.width > scale.x1:
        mark.x = max(scale.x0, scale.x1 - mark.width)
    return mark


# (unit, step, approximate days) of a count's period: calendar periods only, so a count
# covers one year ("2021"), run of years (1950–1959), quarter, month or part of a month
# (1–5, 6–10, …, 26–31), and its link filters exactly that period.
CELL_STEPS = [
    ("day", 1, 1),
    ("day", 5, 5),
    ("day", 10, 10),
    *[("month", n, 30.44 * n) for n in (1, 2, 3, 6)],
    *[("year", n, 365.25 * n) for n in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)],
]


@dataclass(frozen=True)
class Grid:
    """The calendar periods counts are made of: whole years (``step`` of them, starting at a
    multiple of ``step``), whole months (a divisor of twelve: never across a new year) or parts
    of a month (days 1–5, 6–10, …; the last part runs to the month's end). A cell's key is an
    integer; ``period`` gives its first and last day back."""

    unit: str
    step: int

    def key(self, day: dt.date) -> int:
        if self.unit == "year":
            return day.year // self.step
        if self.unit == "month":
            return _month_index(day) // self.step
        part = (day.day - 1) // self.step
        if self.step > 1:
            part = min(part, 30 // self.step - 1)  # 26–31, 21–31: no part of one or two days
        return _month_index(day) * 32 + part

    def period(self, key: int) -> tuple[dt.date, dt.date]:
        if self.unit == "year":
            first = max(1, key * self.step)
            return dt.date(first, 1, 1), dt.date(min(9999, key * self.step + self.step - 1), 12, 31)
        if self.unit == "month":
            index = max(12, key * self.step)
            last = min(9999 * 12 + 11, key * self.step + self.step - 1)
            return _month_first(index), period_end(_month_first(last), Precision.MONTH)
        month = _month_first(key // 32)
        part = key % 32
        start = month.replace(day=part * self.step + 1)
        if self.step > 1 and part == 30 // self.step - 1:
            return start, period_end(month, Precision.MONTH)
        return start, start + dt.timedelta(days=self.step - 1)


def grid_of(scale: Scale) -> Grid:
    """The finest calendar periods at least a cell (``CELL`` units) wide on ``scale``."""
    cells = (scale.x1 - scale.x0) / CELL
    per_cell = scale.days / cells
    for unit, step, length in CELL_STEPS:
        if length >= per_cell:
            return Grid(unit, step)
    return Grid("year", 5000)


def cell_of(day: dt.date, scale: Scale) -> int:
    """The cell of ``day`` (a day before the window counts in the window's first cell)."""
    return grid_of(scale).key(max(day, scale.first))


def mark_cell(mark: Mark, scale: Scale) -> int:
    return cell_of(mark.first, scale)


def cell_period(cell: int, scale: Scale) -> tuple[float, float, dt.date, dt.date]:
    """The cell's x, width and days (its calendar period, clipped to the window)."""
    first, last = grid_of(scale).period(cell)
    first, last = max(first, scale.first), min(last, scale.last)
    x = scale.x(first)
    return x, scale.x_after(last) - x, first, max(first, last)


def pack(
    lane: Lane,
    marks: list[Mark],
    scale: Scale,
    extra: Counter | None = None,
    max_rows: int = MAX_ROWS,
) -> Lane:
    """Lay ``marks`` (placed) into rows of ``lane``: at most MAX_ROWS for short marks.

    The short marks of a cell that cannot all be drawn (more than MAX_ROWS of them, or no
    free row left) become that cell's count, a cluster; wide marks (bands) always get a row.
    ``extra`` adds counts per cell (from SQL).
    """
    extra = Counter(extra or {})
    crowd = Counter(mark_cell(m, scale) for m in marks if m.width < CELL)
    clustered = {cell for cell, n in crowd.items() if n > max_rows} | set(extra)
    hidden: set[int] = set()
    while True:
        cells, wide = _pack_once(lane, marks, scale, extra, clustered, hidden, max_rows)
        if not cells and not wide:
            return lane
        clustered |= cells
        hidden |= wide


def _pack_once(lane, marks, scale, extra, clustered, hidden, max_rows):
    counts = Counter(extra)
    members: dict[int, list[Mark]] = defaultdict(list)
    drawn = []
    for mark in marks:
        cell = mark_cell(mark, scale)
        if (mark.width < CELL and cell in clustered) or id(mark) in hidden:
            counts[cell] += 1
            members[cell].append(mark)
        else:
            drawn.append(mark)
    clusters = []
    for cell in sorted(counts):
        x, width, first, last = cell_period(cell, scale)
        cluster = Cluster(first, last, counts[cell], x=x, width=width)
        cluster.cell = cell
        clusters.append(cluster)
    # Clusters first (they sit in the first row), then marks from left to right.
    items: list = clusters + sorted(drawn, key=lambda m: (m.x, -m.width))
    rows: list[list[tuple[float, float]]] = []  # the (x, end) each row holds
    cells: set[int] = set()
    wide: set[int] = set()
    lane.marks, lane.clusters = [], []

    def free_row(x: float, end: float) -> int | None:
        for i, taken in enumerate(rows):
            if all(end <= a or x >= b for a, b in taken):
                return i
        return None

    for item in items:
        end = (
            item.x + item.width + (0 if isinstance(item, Cluster) else 1 + 6 * item.continues_after)
        )
        row = free_row(item.x, end)
        if row is None and isinstance(item, Mark):
            # Bands may take two rows more than short marks before they too become counts.
            if item.width < CELL and len(rows) >= max_rows:
                cells.add(mark_cell(item, scale))
                continue
            if len(rows) >= max_rows + 2:
                wide.add(id(item))
                continue
        if row is None:
            row = len(rows)
            rows.append([])
        item.row = row
        rows[row].append((item.x, end))
        (lane.clusters if isinstance(item, Cluster) else lane.marks).append(item)
    # A count of one event (not from SQL) where its mark fits after all: draw the mark.
    for cluster in list(lane.clusters):
        group = members.get(cluster.cell, [])
        if cluster.n == 1 and len(group) == 1 and not extra.get(cluster.cell):
            mark = group[0]
            rows_without = [
                [iv for iv in taken if iv != (cluster.x, cluster.x + cluster.width)]
                for taken in rows
            ]
            end = mark.x + mark.width + 1 + 6 * mark.continues_after
            row = next(
                (
                    i
                    for i, taken in enumerate(rows_without)
                    if all(end <= a or mark.x >= b for a, b in taken)
                ),
                None,
            )
            if row is not None:
                rows[cluster.row] = [
                    iv for iv in rows[cluster.row] if iv != (cluster.x, cluster.x + cluster.width)
                ]
                mark.row = row
                rows[row].append((mark.x, end))
                lane.clusters.remove(cluster)
                lane.marks.append(mark)
    lane.rows = max(1, len(rows))
    return cells, wide


def stack(lanes: list[Lane]) -> float:
    """Give lanes their y; return the picture's height."""
    y: float = TICK_AREA
    for lane in lanes:
        lane.y = y
        y += lane.height
    return y + 2


# --- Loading from the database ---------------------------------------------------------


class YearOf(Func):
    """The year of a date as an integer: EXTRACT on PostgreSQL; on SQLite, where dates are
    ISO text, the first four characters (Django's ExtractYear calls Python for every row)."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        return ExtractYear(*self.source_expressions).as_sql(compiler, connection)

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(substr({sql}, 1, 4) AS integer)", params


class MonthOf(Func):
    """The month (1–12) of a date as an integer; see ``YearOf``."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        return ExtractMonth(*self.source_expressions).as_sql(compiler, connection)

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(substr({sql}, 6, 2) AS integer)", params


@dataclass
class Axis:
    first: dt.date
    last: dt.date
    scale: Scale
    ticks: list[Tick]
    lanes: list[Lane]
    height: float
    lanes_by: str
    total: int  # dated events in the window
    undated: int
    aggregated: bool  # counts per period from SQL instead of marks
    nav: dict
    whole: dict  # from/to of the drawn window
    # The events the default window leaves out (they begin a long gap before or after it);
    # ``full``: the default window was widened to all of them (``axis=all``).
    outside: list[Outside] = field(default_factory=list)
    full: bool = False
    links: dict = field(default_factory=dict)

    @property
    def epoch_day(self) -> int:
        """The first day as days since 1970-01-01 (for the drag script)."""
        return self.first.toordinal() - dt.date(1970, 1, 1).toordinal()

    @property
    def days(self) -> int:
        return self.scale.days

    @property
    def tick_bottom(self) -> float:
        return self.height

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def x0(self) -> float:
        return self.scale.x0

    @property
    def x1(self) -> float:
        return self.scale.x1

    @property
    def colours(self) -> list[tuple[str, str]]:
        return list(OKABE_ITO.items())

    @property
    def caption(self) -> str:
        span = format_date(self.first, self.last, Precision.DAY)
        return f"{self.total:,} dated event{'s' if self.total != 1 else ''}, {span}"


def _bucket_rows(qs: QuerySet, lane_field: str, scale: Scale) -> list[tuple[str, dt.date, int]]:
    """(lane key, a day of the cell, count) grouped in SQL by the calendar periods of the
    axis's cells (``grid_of``); events count where they start (or where the window starts, for
    those that began before it)."""
    start = Greatest("span_start", Value(scale.first))
    grid = grid_of(scale)
    unit, step = grid.unit, grid.step
    qs = qs.filter(span_start__isnull=False).annotate(_start=start)
    year = Cast(YearOf("_start"), IntegerField())
    if unit == "year":
        qs = qs.annotate(_bucket=year / Value(step))
    elif unit == "month":
        month = Cast(MonthOf("_start"), IntegerField())
        qs = qs.annotate(_bucket=(year * Value(12) + month - Value(1)) / Value(step))
    # Parts of a month are grouped by day (a window of a few months: a few hundred rows).
    group = [lane_field, "_start" if unit == "day" else "_bucket"]
    # Through a join (actor lanes) an event may come twice; a lane of its own field cannot.
    joined = lane_field != "type"
    rows = qs.order_by().values(*group).annotate(n=Count("pk", distinct=joined))
    found = []
    for row in rows:
        if unit == "day":
            first = row["_start"]
            if isinstance(first, str):  # SQLite returns MAX() of dates as text
                first = dt.date.fromisoformat(first)
        else:
            first = grid.period(row["_bucket"])[0]
        found.append((row[lane_field], max(first, scale.first), row["n"]))
    return found


# The default window (no from/to) leaves out a few events far from the rest: at most a tenth
# of them (or one), beyond a run of empty years at least as long as the years where the rest
# begin (and at least MIN_GAP), and only when four times as many remain.
OUTLIER_SHARE = 0.1
MIN_GAP = 5


def dense_years(counts: dict[int, int]) -> tuple[int, int] | None:
    """The first and last start year of the default window, from ``counts`` (events per year
    they begin in): all of them, less the few that begin a long gap away from the rest (one
    event of c. 1950 beside a hundred of 2010–2021 would squeeze those into a sixth of the
    width). None when there is no year. A loop over the years, never over the events.

    The rest's years are those between the quantiles of ``OUTLIER_SHARE`` from either end; a
    gap of empty years outside them, at least as long as they are, is cut (the innermost such
    gap at each end), while what is cut stays within the share.
    """
    years = sorted(counts)
    if not years:
        return None
    total = sum(counts.values())
    allowed = max(1.0, total * OUTLIER_SHARE)
    below = list(itertools.accumulate(counts[y] for y in years))  # events up to years[i]
    above = [total - n + counts[y] for y, n in zip(years, below, strict=True)]  # from years[i]
    bulk_first = next((y for y, n in zip(years, below, strict=True) if n > allowed), years[-1])
    bulk_last = next(
        (y for y, n in zip(reversed(years), reversed(above), strict=True) if n > allowed),
        years[0],
    )
    need = max(MIN_GAP, bulk_last - bulk_first + 1)
    lo, hi, cut = 0, len(years) - 1, 0
    # Earlier: the innermost long gap with few enough events before it.
    for i in range(len(years) - 1):
        if below[i] > allowed:
            break
        if years[i + 1] - years[i] - 1 >= need:
            lo, cut = i + 1, below[i]
    # Later: the same from the other end, within what is left of the share.
    for i in range(len(years) - 1, lo, -1):
        if cut + above[i] > allowed:
            break
        if years[i] - years[i - 1] - 1 >= need:
            hi = i - 1
    left_out = total - sum(counts[y] for y in years[lo : hi + 1])
    if left_out and total - left_out < 4 * left_out:
        return years[0], years[-1]
    return years[lo], years[hi]


@dataclass
class Outside:
    """The events a default window leaves out on one side: how many, which years they begin
    in, and the link (``axis=all``) that widens the axis to them."""

    side: str  # "earlier" or "later"
    n: int
    first_year: int
    last_year: int

    @property
    def years(self) -> str:
        if self.first_year == self.last_year:
            return str(self.first_year)
        return f"{self.first_year}–{self.last_year}"

    @property
    def text(self) -> str:
        """ "1 event begins earlier (1950)": it may reach into the window (drawn there with an
        arrow), so it is said to begin outside it, not to be missing from it."""
        verb = "begins" if self.n == 1 else "begin"
        return f"{self.n:,} event{'s' if self.n != 1 else ''} {verb} {self.side} ({self.years})"


def _default_window(
    starts: dict[int, tuple[int, dt.date, dt.date]],
) -> tuple[tuple[dt.date, dt.date], list[Outside]] | None:
    """The default window on where the events are (``dense_years``) and what it leaves out,
    from (events, first start, last end) per start year; None when it leaves nothing out."""
    dense = dense_years({year: row[0] for year, row in starts.items()})
    if dense is None or dense == (min(starts), max(starts)):
        return None
    inside = [row for year, row in starts.items() if dense[0] <= year <= dense[1]]
    span = align(min(row[1] for row in inside), max(row[2] for row in inside))
    outside = []
    for side, years in (
        ("earlier", [y for y in starts if y < span[0].year]),
        ("later", [y for y in starts if y > span[1].year]),
    ):
        if years:
            n = sum(starts[y][0] for y in years)
            outside.append(Outside(side, n, min(years), max(years)))
    return span, outside


def _tallied(
    tallies, *, full: bool = False
) -> tuple[dict, tuple[dt.date, dt.date], list, list[Outside]] | None:
    """The counts of the whole timeline's axis from its tallies: (the extent's statistics,
    the window, (type, first day of period, count) rows, the events left out of the window),
    as ``load_axis`` and ``_bucket_rows`` count them; None when the axis would not count by
    year (too few events for counts, or a span too short for one year a cell: then it counts
    the events).

    The window of events over more than two years is whole years (``align``): the years of
    the first start and the last end decide it, which the tallies hold; so do the years the
    events begin in, which decide the default window (``dense_years``; all of them: ``full``).
    """
    if not tallies:
        return None
    dated = [(kind, first, last, n) for kind, first, last, n in tallies if first and last]
    total, n_dated = sum(row[3] for row in tallies), sum(row[3] for row in dated)
    if n_dated <= MAX_MARKS:
        return None
    first_year = min(row[1] for row in dated)
    last_year = max(row[2] for row in dated)
    starts: dict[int, tuple[int, dt.date, dt.date]] = {}
    for _kind, first, last, n in dated:
        m, _a, b = starts.get(first, (0, None, dt.date(last, 12, 31)))
        starts[first] = (m + n, dt.date(first, 1, 1), max(b, dt.date(last, 12, 31)))
    found = _default_window(starts)
    outside = found[1] if found is not None else []
    if found is not None and not full:
        first_year, last_year = found[0][0].year, found[0][1].year
    if last_year - first_year < 4:  # (over two years for certain: whole years)
        return None
    span = (dt.date(first_year, 1, 1), dt.date(last_year, 12, 31))
    scale = Scale(*span)
    grid = grid_of(scale)
    if grid.unit != "year":
        return None
    buckets: Counter = Counter()
    for kind, first, last, n in dated:
        if last >= first_year and first <= last_year:  # (drawn: in or into the window)
            buckets[(kind, max(first, first_year) // grid.step)] += n
    rows = [
        (kind, max(grid.period(bucket)[0], scale.first), n) for (kind, bucket), n in buckets.items()
    ]
    stats = {"n": total, "dated": n_dated, "outside": 0 if full else sum(o.n for o in outside)}
    return stats, span, rows, outside


def _lane_order(totals: Counter, limit: int) -> tuple[list[str], set[str]]:
    ranked = [key for key, _n in sorted(totals.items(), key=lambda kv: (-kv[1], str(kv[0])))]
    if len(ranked) <= limit:
        return ranked, set()
    return ranked[: limit - 1], set(ranked[limit - 1 :])


def load_axis(
    events: QuerySet,
    *,
    wanted: tuple[dt.date | None, dt.date | None] = (None, None),
    lanes_by: str = "type",
    type_labels: dict[str, str] | None = None,
    participations: Callable[[], QuerySet] | None = None,
    tallies: list[tuple[str, int | None, int | None, int]] | None = None,
    full: bool = False,
) -> Axis | None:
    """The axis of ``events`` (already filtered); None when none of them is dated.

    ``wanted`` is the filter's window (from's first day, to's last day); ``participations``
    returns the Participation queryset to draw actor lanes from (``lanes_by="actor"``).
    ``tallies``: (type, first year, last year, count) of all of ``events`` (the whole
    timeline: ``events.tally``), read instead of counting the events when the axis shows
    counts per year by type (``_tallied``).
    Without a window (from/to), the window is where the events begin, less the few a long
    gap away (``dense_years``), which the axis names and links to (``Axis.outside``);
    ``full`` draws them all.
    Queries: 2 for type lanes (none with ``tallies`` at that scale), 4 for actor lanes,
    whatever the number of events.
    """
    type_labels = type_labels or {}
    plain = events.order_by()
    default = wanted == (None, None)
    by_year = None if lanes_by == "actor" or not default else _tallied(tallies, full=full)
    span: tuple[dt.date, dt.date] | None
    outside: list[Outside] = []
    if by_year is not None:
        stats, span, type_rows, outside = by_year
    else:
        # The extent and counts per year the events begin in (the undated: year None).
        starts: dict[int, tuple[int, dt.date, dt.date]] = {}
        stats = {"n": 0, "dated": 0, "outside": 0}
        for row in (
            plain.annotate(_year=YearOf("span_start"))
            .values("_year")
            .annotate(n=Count("pk"), first=Min("span_start"), last=Max("span_end"))
        ):
            stats["n"] += row["n"]
            if row["_year"] is not None and row["first"] is not None:
                stats["dated"] += row["n"]
                starts[row["_year"]] = (row["n"], _day(row["first"]), _day(row["last"]))
        found = _default_window(starts) if default and starts else None
        outside = found[1] if found is not None else []
        if found is not None and not full:
            span = found[0]
            stats["outside"] = sum(o.n for o in outside)
            # Drawn: the events in the window, and those reaching into it from before.
            plain = plain.filter(span_start__lte=span[1], span_end__gte=span[0])
        else:
            span = window(
                wanted[0],
                wanted[1],
                min((row[1] for row in starts.values()), default=None),
                max((row[2] for row in starts.values()), default=None),
            )
    # No dated event: no axis, unless the filter names a window (from and to), which is
    # drawn empty with its controls: a reader who moved to a window without events moves on.
    if span is None or not (stats["dated"] or all(wanted)):
        return None
    scale = Scale(*span)
    aggregated = stats["dated"] > MAX_MARKS
    by_actor = lanes_by == "actor" and participations is not None
    lane_marks: dict[str, list[Mark]] = defaultdict(list)
    lane_counts: dict[str, Counter] = defaultdict(Counter)
    labels: dict[str, str] = {}
    totals: Counter = Counter()
    keys: list[str] = []  # the actor lanes' actors (none in an empty window)
    if not stats["dated"]:
        pass  # an empty window (the filter's from and to): its ticks and controls only
    elif not aggregated:
        rows = list(
            plain.filter(span_start__isnull=False)
            .order_by("span_start", "pk")
            .values(
                "pk",
                "title",
                "type",
                "date_start",
                "date_end",
                "date_precision",
                "date_approximate",
                "span_start",
                "span_end",
            )[:MAX_MARKS]
        )
        marks = {
            row["pk"]: Mark(
                pk=row["pk"],
                title=row["title"],
                type=row["type"],
                type_label=type_labels.get(row["type"], row["type"]),
                precision=row["date_precision"],
                approximate=row["date_approximate"],
                first=row["span_start"],
                last=row["span_end"],
                date_display=format_date(
                    row["date_start"],
                    row["date_end"],
                    row["date_precision"],
                    row["date_approximate"],
                ),
            )
            for row in rows
        }
        for mark in marks.values():
            place(mark, scale)
        if by_actor and participations is not None:  # (by_actor says so; for mypy)
            links = list(
                participations()
                .filter(event_id__in=list(marks))
                .order_by()
                .values_list("event_id", "actor__slug", "actor__name")
                .distinct()
            )
            totals = Counter(slug for _e, slug, _n in links)
            labels = {slug: name for _e, slug, name in links}
            keys = [key for key, _n in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))]
            keys = keys[:TOP_ACTORS]
            placed: set[int] = set()
            for event_id, slug, _name in links:
                if slug in keys:
                    lane_marks[slug].append(_copy(marks[event_id]))
                    placed.add(event_id)
            for pk, mark in marks.items():
                if pk not in placed:
                    lane_marks["~other"].append(mark)
        else:
            for mark in marks.values():
                lane_marks[mark.type].append(mark)
                totals[mark.type] += 1
    else:
        if by_actor and participations is not None:  # (by_actor says so; for mypy)
            top = list(
                participations()
                .filter(event_id__in=plain.values("pk"))
                .order_by()
                .values("actor__slug", "actor__name")
                .annotate(n=Count("event_id", distinct=True))
                .order_by("-n", "actor__name")[:TOP_ACTORS]
            )
            keys = [row["actor__slug"] for row in top]
            labels = {row["actor__slug"]: row["actor__name"] for row in top}
            in_top = participations().filter(actor__slug__in=keys)
            for key, first, n in _bucket_rows(
                plain.filter(participations__actor__slug__in=keys).annotate(
                    _lane=F("participations__actor__slug")
                ),
                "_lane",
                scale,
            ):
                lane_counts[key][cell_of(first, scale)] += n
            for _key, first, n in _bucket_rows(
                plain.exclude(pk__in=in_top.values("event_id")).annotate(_lane=Value("~other")),
                "_lane",
                scale,
            ):
                lane_counts["~other"][cell_of(first, scale)] += n
        else:
            for key, first, n in type_rows if by_year else _bucket_rows(plain, "type", scale):
                lane_counts[key][cell_of(first, scale)] += n
                totals[key] += n
    if by_actor:
        order = [*keys, "~other"]
        labels["~other"] = "no actor above" if keys else "no actor"
    else:
        order, rest = _lane_order(totals, MAX_LANES)
        if rest:
            for key in rest:
                lane_marks["~types"].extend(lane_marks.pop(key, []))
                lane_counts["~types"].update(lane_counts.pop(key, Counter()))
            order.append("~types")
        labels = {key: type_labels.get(key, key) for key in order}
        labels["~types"] = "remaining types"  # not "other types", beside the type "other"
    lanes = [
        Lane(key=key, label=labels.get(key, key), colour=colour_of(key))
        for key in order
        if lane_marks.get(key) or lane_counts.get(key)
    ]
    for max_rows in range(MAX_ROWS, 0, -1):
        for lane in lanes:
            pack(lane, lane_marks.get(lane.key, []), scale, lane_counts.get(lane.key), max_rows)
        height = stack(lanes)
        if height <= MAX_HEIGHT:
            break
    nav = navigation(scale.first, scale.last)
    return Axis(
        first=scale.first,
        last=scale.last,
        scale=scale,
        ticks=ticks(scale),
        lanes=lanes,
        height=height,
        lanes_by="actor" if by_actor else "type",
        total=stats["dated"] - stats["outside"],
        undated=stats["n"] - stats["dated"],
        aggregated=aggregated,
        nav=nav,
        whole=period_params(scale.first, scale.last),
        outside=outside,
        full=full and default,
    )


def _day(value: dt.date | str) -> dt.date:
    """A date from an aggregate (SQLite may give MIN()/MAX() of dates as text)."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _copy(mark: Mark) -> Mark:
    """A mark drawn in a second lane (an event with several actors)."""
    return Mark(**{name: getattr(mark, name) for name in mark.__dataclass_fields__})


def link(axis: Axis, make_query: Callable[[dict], str]) -> Axis:
    """Give every tick, cluster and control its query string (``make_query`` keeps the
    filters and replaces ``from``/``to``/``lanes``)."""

    def dated(params: dict) -> str:  # a window of its own: "axis=all" has no say
        return make_query({**params, "axis": ""})

    for tick in axis.ticks:
        tick.query = dated(tick.params)
    for lane in axis.lanes:
        for cluster in lane.clusters:
            cluster.query = dated(cluster.params)
    axis.links = {
        name: dated(params) if params is not None else None for name, params in axis.nav.items()
    }
    axis.links["all"] = make_query({"from": "", "to": ""})
    # The default window widened to the events it leaves out, and back.
    axis.links["outside"] = make_query({"axis": "all"})
    axis.links["dense"] = make_query({"axis": ""})
    # The other lanes keep the window; a default one with events left out (or widened to
    # them) stays so rather than becoming a filter of its years, which would narrow the list.
    window = {} if axis.outside else axis.whole
    axis.links["lanes_type"] = make_query({**window, "lanes": ""})
    axis.links["lanes_actor"] = make_query({**window, "lanes": "actor"})
    return axis
