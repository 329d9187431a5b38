"""The time axis's geometry (events/axis.py): scale, ticks, window, packing, links."""

import datetime as dt
import itertools

import pytest

from events import axis
from events.axis import Cluster, Lane, Mark, Scale

D = dt.date


def mark(first, last, precision="day", approximate=False, pk=1) -> Mark:
    return Mark(
        pk=pk,
        title=f"Event {pk}",
        type="visit",
        type_label="visit",
        precision=precision,
        approximate=approximate,
        first=first,
        last=last,
        date_display=str(first),
    )


def test_scale_maps_the_first_and_the_day_after_the_last_onto_the_ends():
    scale = Scale(D(2021, 1, 1), D(2021, 12, 31), 100, 465)
    assert scale.x(D(2021, 1, 1)) == 100
    assert scale.x_after(D(2021, 12, 31)) == pytest.approx(465)
    assert scale.x(D(2021, 7, 2)) == pytest.approx(100 + 182)


def test_scale_copes_with_the_first_and_last_storable_days():
    scale = Scale(dt.date.min, dt.date.max)
    assert scale.x(dt.date.min) == scale.x0
    assert scale.x_after(dt.date.max) == pytest.approx(scale.x1)
    assert scale.day_at(scale.x1 + 50) == dt.date.max


@pytest.mark.parametrize(
    ("first", "last", "labels"),
    [
        (D(1950, 1, 1), D(2019, 12, 31), ["1950s", "1960s", "1970s"]),
        (D(2021, 1, 1), D(2021, 12, 31), ["Jan 2021", "Feb", "Mar"]),
        (D(2021, 6, 1), D(2021, 6, 30), ["1 Jun 2021", "6 Jun", "11 Jun"]),
        (D(2021, 6, 22), D(2021, 6, 24), ["22 Jun 2021", "23 Jun", "24 Jun"]),
    ],
)
def test_ticks_step_from_decades_to_years_to_months_to_days(first, last, labels):
    found = axis.ticks(Scale(first, last))
    assert [t.label for t in found][: len(labels)] == labels
    assert len(found) <= axis.MAX_TICKS


def test_ticks_of_the_whole_calendar_are_few_and_start_at_year_one_or_later():
    found = axis.ticks(Scale(dt.date.min, dt.date.max))
    assert 1 <= len(found) <= axis.MAX_TICKS
    assert all(t.day.year >= 1 for t in found)


def _label_extent(tick):
    width = len(tick.label) * axis.LABEL_CHAR
    left = tick.x - 2 - width if tick.anchor == "end" else tick.x + 2
    return left, left + width


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (D(2021, 3, 1), D(2021, 3, 31)),  # "21 Mar" and "26 Mar" once overlapped
        (D(2021, 2, 1), D(2021, 2, 28)),
        (D(2021, 6, 20), D(2021, 6, 27)),
        (D(2020, 12, 1), D(2021, 1, 9)),
        (D(2021, 1, 1), D(2021, 12, 31)),
        (D(1990, 1, 1), D(2026, 12, 31)),
        (dt.date.min, dt.date.max),
    ],
)
def test_tick_labels_stay_inside_the_picture_and_never_overlap(first, last):
    found = axis.ticks(Scale(first, last))
    shown = [t for t in found if t.shown]
    assert shown
    assert shown[0] is found[0]
    extents = [_label_extent(t) for t in shown]
    assert all(left >= 0 and right <= axis.WIDTH for left, right in extents)
    assert all(a[1] + axis.LABEL_GAP <= b[0] for a, b in itertools.pairwise(extents))


def test_a_year_tick_zooms_into_its_year_and_a_month_tick_into_its_month():
    year = axis.ticks(Scale(D(2015, 1, 1), D(2021, 12, 31)))[-1]
    assert year.params == {"from": "2021", "to": "2021"}
    month = axis.ticks(Scale(D(2021, 1, 1), D(2021, 12, 31)))[5]
    assert month.params == {"from": "2021-06", "to": "2021-06"}


def test_window_is_the_filter_or_the_events_extent_widened_to_whole_years():
    assert axis.window(D(2021, 6, 1), D(2021, 6, 30), None, None) == (D(2021, 6, 1), D(2021, 6, 30))
    assert axis.window(None, None, D(1947, 3, 4), D(2021, 10, 29)) == (
        D(1947, 1, 1),
        D(2021, 12, 31),
    )
    assert axis.window(None, None, None, None) is None
    # The events of one day (or a few) are drawn in their month, not across the whole width.
    assert axis.window(None, None, D(2021, 6, 22), D(2021, 6, 22)) == (
        D(2021, 6, 1),
        D(2021, 6, 30),
    )
    assert axis.window(None, None, D(2021, 6, 28), D(2021, 7, 3)) == (
        D(2021, 6, 1),
        D(2021, 7, 31),
    )


def test_period_params_name_the_window_as_coarsely_as_is_exact():
    assert axis.period_params(D(2021, 1, 1), D(2021, 12, 31)) == {"from": "2021", "to": "2021"}
    assert axis.period_params(D(2021, 6, 1), D(2021, 6, 30)) == {"from": "2021-06", "to": "2021-06"}
    assert axis.period_params(D(5, 6, 2), D(5, 6, 3)) == {"from": "0005-06-02", "to": "0005-06-03"}


def test_navigation_pans_by_half_a_window_and_stops_at_the_calendar_ends():
    nav = axis.navigation(D(2021, 1, 1), D(2021, 12, 31))
    assert nav["earlier"] == {"from": "2020-07", "to": "2021-06"}
    assert nav["zoom_out"]["from"] < "2021" < nav["zoom_out"]["to"]
    at_end = axis.navigation(D(9990, 1, 1), dt.date.max)
    assert at_end["later"] is None
    assert axis.navigation(dt.date.min, dt.date.max)["zoom_out"] is None


@pytest.mark.parametrize(
    ("first", "last", "earlier", "later"),
    [
        (D(2022, 1, 1), D(2022, 3, 31), ("2021-12", "2022-02"), ("2022-02", "2022-04")),
        (D(2022, 2, 1), D(2022, 4, 30), ("2022-01", "2022-03"), ("2022-03", "2022-05")),
        (D(2022, 8, 1), D(2022, 10, 31), ("2022-07", "2022-09"), ("2022-09", "2022-11")),
        (D(2021, 6, 1), D(2021, 6, 30), ("2021-05", "2021-05"), ("2021-07", "2021-07")),
        (D(2010, 1, 1), D(2019, 12, 31), ("2005", "2014"), ("2015", "2024")),
        (
            D(2021, 6, 20),
            D(2021, 6, 29),
            ("2021-06-15", "2021-06-24"),
            ("2021-06-25", "2021-07-04"),
        ),
        (
            D(2021, 6, 22),
            D(2021, 6, 22),
            ("2021-06-21", "2021-06-21"),
            ("2021-06-23", "2021-06-23"),
        ),
    ],
)
def test_earlier_and_later_move_the_same_whole_units_and_undo_each_other(
    first, last, earlier, later
):
    nav = axis.navigation(first, last)
    assert (nav["earlier"]["from"], nav["earlier"]["to"]) == earlier
    assert (nav["later"]["from"], nav["later"]["to"]) == later
    back = axis.panned(*axis.panned(first, last, -1), +1)
    assert back == (first, last)


def test_panning_stays_inside_the_calendar():
    assert axis.panned(D(1, 1, 1), D(10, 12, 31), -1) == (D(1, 1, 1), D(10, 12, 31))
    assert axis.panned(D(9990, 1, 1), D(9999, 12, 31), +1) == (D(9990, 1, 1), D(9999, 12, 31))
    assert axis.panned(D(1, 2, 1), D(1, 4, 30), -1) == (D(1, 1, 1), D(1, 3, 31))


def test_a_month_precision_mark_is_wider_than_a_day_and_a_clipped_one_has_an_arrow():
    scale = Scale(D(2021, 1, 1), D(2021, 12, 31))
    day = axis.place(mark(D(2021, 6, 22), D(2021, 6, 22)), scale)
    month = axis.place(mark(D(2021, 6, 1), D(2021, 6, 30), "month"), scale)
    assert month.width > day.width >= axis.MIN_MARK
    long = axis.place(mark(D(1995, 1, 1), D(2021, 3, 31), "year"), scale)
    assert long.continues_before
    assert not long.continues_after
    assert long.arrow_before
    assert "continues beyond" in long.label
    assert long.x == scale.x0


def test_precision_is_drawn_solid_soft_hatched_or_fading():
    assert mark(D(2021, 6, 22), D(2021, 6, 22)).fill.startswith("#")
    assert mark(D(2021, 1, 1), D(2021, 12, 31), "year").fill == "url(#hatch-blue)"
    assert mark(D(2021, 6, 1), D(2021, 6, 30), "month", approximate=True).fill == "url(#fade-blue)"
    assert "known to the month" in mark(D(2021, 6, 1), D(2021, 6, 30), "month").label


def test_crowded_marks_become_one_count_that_zooms_into_their_period():
    scale = Scale(D(1947, 1, 1), D(2021, 12, 31))
    marks = [axis.place(mark(D(2021, 6, d), D(2021, 6, d), pk=d), scale) for d in range(1, 11)]
    lane = axis.pack(Lane("visit", "visit"), marks, scale)
    assert lane.marks == []
    assert [c.n for c in lane.clusters] == [10]
    cluster: Cluster = lane.clusters[0]
    assert cluster.first <= D(2021, 6, 1)
    assert cluster.last >= D(2021, 6, 10)
    assert cluster.params["from"] <= "2021-06-01"


def test_marks_that_fit_are_packed_into_rows_without_overlap():
    scale = Scale(D(2021, 1, 1), D(2021, 12, 31))
    marks = [
        axis.place(mark(D(2021, 1, 1), D(2021, 6, 30), "month", pk=1), scale),
        axis.place(mark(D(2021, 3, 1), D(2021, 3, 31), "month", pk=2), scale),
        axis.place(mark(D(2021, 9, 1), D(2021, 9, 1), pk=3), scale),
    ]
    lane = axis.pack(Lane("visit", "visit"), marks, scale)
    assert lane.clusters == []
    assert {m.pk: m.row for m in lane.marks} == {1: 0, 2: 1, 3: 0}
    assert lane.rows == 2


def test_many_overlapping_bands_are_bounded_in_rows():
    scale = Scale(D(2000, 1, 1), D(2021, 12, 31))
    marks = [
        axis.place(mark(D(2000, 1, 1), D(2019, 12, 31), "year", pk=n), scale) for n in range(50)
    ]
    lane = axis.pack(Lane("aggregate", "total over a period"), marks, scale)
    assert lane.rows <= axis.MAX_ROWS + 2
    assert len(lane.marks) + sum(c.n for c in lane.clusters) == 50


# --- Calendar cells and the default window on where the events are ---------------------


@pytest.mark.parametrize(
    ("first", "last", "unit"),
    [
        (D(2021, 6, 22), D(2021, 6, 22), "day"),  # one day
        (D(2021, 6, 1), D(2021, 6, 30), "day"),
        (D(2021, 1, 1), D(2021, 12, 31), "month"),
        (D(2016, 1, 1), D(2021, 12, 31), "month"),
        (D(2000, 1, 1), D(2026, 12, 31), "year"),
        (D(1950, 1, 1), D(2021, 12, 31), "year"),  # decades
        (dt.date.min, dt.date.max, "year"),
    ],
)
def test_count_cells_are_calendar_periods_at_least_a_cell_wide(first, last, unit):
    scale = Scale(first, last)
    grid = axis.grid_of(scale)
    assert grid.unit == unit
    days = [first + dt.timedelta(days=n) for n in range(0, min(scale.days, 3000), 7)] + [last]
    for day in days:
        start, end = grid.period(grid.key(day))
        assert start <= day <= end
        # The period begins on a calendar boundary of its unit and never crosses a new year.
        if grid.unit == "year":
            assert (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)
            assert start.year % grid.step == 0 or start.year == 1
        elif grid.unit == "month":
            assert start.day == 1
            assert end == axis.period_end(end, "month")
            assert start.year == end.year
        else:
            assert start.month == end.month
        _x, width, *_ = axis.cell_period(grid.key(day), scale)
        if scale.first <= start and end <= scale.last and scale.days > 31:
            assert width >= axis.CELL - 1


def test_a_count_of_one_year_is_exactly_that_year_and_links_to_it():
    scale = Scale(D(2000, 1, 1), D(2026, 12, 31))
    key = axis.cell_of(D(2021, 6, 22), scale)
    x, width, first, last = axis.cell_period(key, scale)
    assert (first, last) == (D(2021, 1, 1), D(2021, 12, 31))
    assert x == pytest.approx(scale.x(D(2021, 1, 1)))
    assert x + width == pytest.approx(scale.x_after(D(2021, 12, 31)))
    assert axis.period_params(first, last) == {"from": "2021", "to": "2021"}


def test_parts_of_a_month_end_with_the_month():
    grid = axis.Grid("day", 5)
    assert grid.period(grid.key(D(2021, 1, 31))) == (D(2021, 1, 26), D(2021, 1, 31))
    assert grid.period(grid.key(D(2021, 2, 28))) == (D(2021, 2, 26), D(2021, 2, 28))
    assert grid.period(grid.key(D(2021, 2, 7))) == (D(2021, 2, 6), D(2021, 2, 10))


def test_a_window_from_mid_month_clips_its_first_cell_to_the_window():
    scale = Scale(D(2021, 6, 15), D(2021, 9, 30))
    _x, _width, first, last = axis.cell_period(axis.cell_of(D(2021, 6, 1), scale), scale)
    assert first == D(2021, 6, 15)
    assert last >= first


@pytest.mark.parametrize(
    ("counts", "dense"),
    [
        ({}, None),
        ({2021: 1}, (2021, 2021)),  # one event
        ({2021: 40}, (2021, 2021)),  # all in one day (or year)
        ({1950: 1, 2019: 1, 2021: 17}, (2019, 2021)),  # the Tatmadaw: "since the 1950s"
        ({1950: 1, **{y: 3 for y in range(2010, 2022)}}, (2010, 2021)),
        ({1950: 1, **{y: 3 for y in range(2010, 2022)}, 2090: 1}, (2010, 2021)),  # both ends
        ({1950: 1, 1990: 1, **{y: 5 for y in range(2010, 2022)}}, (2010, 2021)),  # two, apart
        ({y: 1 for y in range(1950, 2030, 10)}, (1950, 2020)),  # decades, evenly: all
        ({1950: 50, 2020: 50}, (1950, 2020)),  # two equal clusters: both
        ({1950: 1, 2021: 1}, (1950, 2021)),  # two events: too few to leave one out
        ({1950: 1, 2021: 3}, (1950, 2021)),  # four: one left out needs four remaining
        ({1950: 1, 2021: 4}, (2021, 2021)),
        ({2014: 1, 2016: 10, 2021: 10}, (2014, 2021)),  # a short gap: no break
        ({1: 1, 2021: 30, 9999: 1}, (2021, 2021)),  # the first and last storable years
    ],
)
def test_the_default_window_is_where_the_events_begin_less_a_few_a_long_gap_away(counts, dense):
    assert axis.dense_years(counts) == dense


def test_the_default_window_names_what_it_leaves_out_on_each_side():
    starts = {
        1950: (1, D(1950, 1, 1), D(2021, 1, 1)),  # "since the 1950s": reaches into the window
        **{y: (3, D(y, 3, 1), D(y, 3, 1)) for y in range(2010, 2022)},
        2090: (2, D(2090, 5, 1), D(2090, 5, 1)),
    }
    found = axis._default_window(starts)
    assert found is not None
    span, outside = found
    assert span == (D(2010, 1, 1), D(2021, 12, 31))
    assert [o.text for o in outside] == [
        "1 event begins earlier (1950)",
        "2 events begin later (2090)",
    ]
    assert axis._default_window({2021: (5, D(2021, 1, 1), D(2021, 2, 1))}) is None


def test_a_count_in_a_wide_cell_is_a_pill_in_its_middle_not_a_bar():
    day = Cluster(D(2021, 6, 22), D(2021, 6, 22), 6, x=400, width=120)
    assert day.box_width == axis.MAX_PILL
    assert day.box_x + day.box_width / 2 == pytest.approx(day.text_x)
    narrow = Cluster(D(2021, 1, 1), D(2021, 12, 31), 6, x=400, width=axis.CELL)
    assert narrow.box_width == axis.CELL - axis.CLUSTER_GAP
