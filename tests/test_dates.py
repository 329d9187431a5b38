"""lib.dates: reading dates as the sources write them, and their intervals.

Pure functions: no database, so no django_db mark (and Hypothesis stays free
of function-scoped fixtures).
"""

import datetime as dt

import dateparser
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.dates import (
    DateTextError,
    ParsedDate,
    Precision,
    Reference,
    format_date,
    interval,
    parse_date_text,
    period_end,
    truncate,
)

REFERENCE = dt.date(2021, 6, 24)
D = dt.date


@pytest.mark.parametrize(
    ("text", "start", "end", "precision", "approximate"),
    [
        ("June 22-24", D(2021, 6, 22), D(2021, 6, 24), Precision.DAY, False),
        ("May 20-22, 2021", D(2021, 5, 20), D(2021, 5, 22), Precision.DAY, False),
        ("September 1-7", D(2021, 9, 1), D(2021, 9, 7), Precision.DAY, False),
        ("22–24 June 2021", D(2021, 6, 22), D(2021, 6, 24), Precision.DAY, False),
        ("between 1999 and 2018", D(1999, 1, 1), D(2018, 1, 1), Precision.YEAR, False),
        # "and" joins the days after "between", as "-" or "to" does (a reviewer's "between 3
        # and 5 May 2019" could not be read).
        ("between 3 and 5 May 2019", D(2019, 5, 3), D(2019, 5, 5), Precision.DAY, False),
        ("Between May 3 and 5, 2019", D(2019, 5, 3), D(2019, 5, 5), Precision.DAY, False),
        ("between the 3rd and 5th of May", D(2021, 5, 3), D(2021, 5, 5), Precision.DAY, False),
        ("between June 1 and 4", D(2021, 6, 1), D(2021, 6, 4), Precision.DAY, False),
        ("between 3 May and 5 May 2019", D(2019, 5, 3), D(2019, 5, 5), Precision.DAY, False),
        ("from 2000 to 2019", D(2000, 1, 1), D(2019, 1, 1), Precision.YEAR, False),
        ("1999–2018", D(1999, 1, 1), D(2018, 1, 1), Precision.YEAR, False),
        ("1978-9", D(1978, 1, 1), D(1979, 1, 1), Precision.YEAR, False),
        ("2020-21", D(2020, 1, 1), D(2021, 1, 1), Precision.YEAR, False),
        ("On Jan. 25", D(2021, 1, 25), None, Precision.DAY, False),
        ("May 2020", D(2020, 5, 1), None, Precision.MONTH, False),
        ("In November 2020", D(2020, 11, 1), None, Precision.MONTH, False),
        ("in 2016", D(2016, 1, 1), None, Precision.YEAR, False),
        ("March 26", D(2021, 3, 26), None, Precision.DAY, False),
        ("In late June", D(2021, 6, 1), None, Precision.MONTH, True),
        ("Thursday, March 25", D(2021, 3, 25), None, Precision.DAY, False),
        ("22 June 2021", D(2021, 6, 22), None, Precision.DAY, False),
    ],
)
def test_reads_a_date_as_an_analyst_would(text, start, end, precision, approximate):
    assert parse_date_text(text, REFERENCE) == ParsedDate(start, end, precision, approximate)


def test_dateparser_alone_misreads_a_day_range_so_we_read_it_ourselves():
    # dateparser takes the "24" of "June 22-24" for the year 2024: this is why
    # parse_date_text reads day ranges itself.
    misread = dateparser.parse("June 22-24", settings={"RELATIVE_BASE": dt.datetime(2021, 6, 24)})
    assert misread.date() == D(2024, 6, 22)

    ours = parse_date_text("June 22-24", REFERENCE)
    assert (ours.start, ours.end, ours.precision) == (D(2021, 6, 22), D(2021, 6, 24), "day")
    assert ours.describe() == "22–24 June 2021"


def test_an_iso_year_and_month_is_a_month_not_a_year_range():
    assert parse_date_text("2021-06", REFERENCE) == ParsedDate(D(2021, 6, 1), None, "month")


def test_a_bare_day_takes_the_year_of_the_reference_date():
    assert parse_date_text("March 26", D(2019, 12, 31)).start == D(2019, 3, 26)
    assert parse_date_text("June 22-24", D(2019, 1, 1)).start == D(2019, 6, 22)


def test_an_unreadable_text_is_refused_with_examples_of_what_works():
    with pytest.raises(DateTextError, match='Could not read a date in "not a date"') as exc:
        parse_date_text("not a date", REFERENCE)
    assert "22 June 2021" in str(exc.value)
    assert "between 1999 and 2018" in str(exc.value)


@pytest.mark.parametrize(
    "text", ["between 2018 and 1999", "from 2019 to 2000", "June 24-22", "between 5 and 3 May 2019"]
)
def test_a_range_that_ends_before_it_starts_is_refused(text):
    with pytest.raises(DateTextError, match=f'"{text}" ends before it starts'):
        parse_date_text(text, REFERENCE)


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("by March 2021", "no later than"),
        ("by the end of 2022", "no later than"),
        ("no later than May 2020", "no later than"),
        ("before March 2021", "no later than"),
        ("until 2022", "no later than"),
        ("by Monday", "no later than"),
        ("after 2019", "no earlier than"),
        ("not before June 2021", "no earlier than"),
    ],
)
def test_a_limit_is_no_date_of_the_event(text, side):
    """A reviewer's "by March 2021" was saved as March 2021 ("by" was read as "in")."""
    with pytest.raises(DateTextError, match=f'"{text}" is a limit \\({side} the date after'):
        parse_date_text(text, REFERENCE)


@pytest.mark.parametrize(
    ("text", "actual", "written"),
    [
        ("Monday, 22 June 2021", "Tuesday", "Monday"),
        ("5 December 2023 (Monday)", "Tuesday", "Monday"),
        ("June 22, 2021, Sunday", "Tuesday", "Sunday"),
    ],
)
def test_a_weekday_that_is_not_the_dates_is_refused_naming_both(text, actual, written):
    """One of the two is wrong and the text does not say which: no date is stated."""
    with pytest.raises(DateTextError, match=f"was a {actual}, not a {written}"):
        parse_date_text(text, REFERENCE)


@pytest.mark.parametrize(
    "text", ["Tuesday, 22 June 2021", "5 December 2023 (Tuesday)", "June 22, 2021, Tuesday"]
)
def test_a_weekday_that_is_the_dates_is_read(text):
    assert parse_date_text(text, REFERENCE).precision == Precision.DAY


def test_a_day_range_with_an_impossible_day_is_refused():
    with pytest.raises(DateTextError, match="is not a real date"):
        parse_date_text("June 30-31", REFERENCE)


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_text_is_refused(text):
    with pytest.raises(DateTextError, match="empty"):
        parse_date_text(text, REFERENCE)


def test_date_text_error_is_a_value_error():
    assert issubclass(DateTextError, ValueError)


@pytest.mark.parametrize(
    ("start", "end", "precision", "approximate", "expected"),
    [
        (D(2021, 6, 22), D(2021, 6, 24), Precision.DAY, False, "22–24 June 2021"),
        (D(2021, 6, 22), None, Precision.DAY, False, "22 June 2021"),
        (D(2021, 6, 22), D(2021, 6, 22), Precision.DAY, False, "22 June 2021"),
        (D(2021, 6, 30), D(2021, 7, 2), Precision.DAY, False, "30 June – 2 July 2021"),
        (D(2020, 12, 30), D(2021, 1, 2), Precision.DAY, False, "30 December 2020–2 January 2021"),
        (D(2020, 5, 1), None, Precision.MONTH, False, "May 2020"),
        (D(2021, 3, 1), D(2021, 6, 1), Precision.MONTH, False, "March–June 2021"),
        (D(2016, 1, 1), None, Precision.YEAR, False, "2016"),
        (D(1999, 1, 1), D(2018, 1, 1), Precision.YEAR, False, "1999–2018"),
        (D(2021, 6, 1), None, Precision.MONTH, True, "c. June 2021"),
        (None, None, Precision.DAY, False, "undated"),
    ],
)
def test_formats_a_date_as_precisely_as_known_and_no_more(
    start, end, precision, approximate, expected
):
    assert format_date(start, end, precision, approximate) == expected


@pytest.mark.parametrize(
    ("precision", "start", "end", "expected"),
    [
        (Precision.DAY, D(2021, 6, 22), None, (D(2021, 6, 22), D(2021, 6, 22))),
        (Precision.DAY, D(2021, 6, 22), D(2021, 6, 24), (D(2021, 6, 22), D(2021, 6, 24))),
        (Precision.MONTH, D(2021, 6, 1), None, (D(2021, 6, 1), D(2021, 6, 30))),
        (Precision.MONTH, D(2021, 6, 15), None, (D(2021, 6, 1), D(2021, 6, 30))),
        (Precision.MONTH, D(2020, 2, 1), None, (D(2020, 2, 1), D(2020, 2, 29))),
        (Precision.MONTH, D(2021, 2, 1), None, (D(2021, 2, 1), D(2021, 2, 28))),
        (Precision.MONTH, D(2021, 3, 1), D(2021, 5, 1), (D(2021, 3, 1), D(2021, 5, 31))),
        (Precision.YEAR, D(2016, 1, 1), None, (D(2016, 1, 1), D(2016, 12, 31))),
        (Precision.YEAR, D(1999, 1, 1), D(2018, 1, 1), (D(1999, 1, 1), D(2018, 12, 31))),
    ],
)
def test_interval_widens_to_the_whole_period_at_each_precision(precision, start, end, expected):
    assert interval(start, end, precision) == expected


dates = st.dates(min_value=D(1, 1, 1), max_value=D(9999, 12, 31))


@given(
    start=dates,
    length=st.none() | st.integers(min_value=0, max_value=40_000),
    precision=st.sampled_from(list(Precision)),
)
def test_interval_contains_start_and_end_and_is_bounded_by_whole_periods(start, length, precision):
    end = None
    if length is not None:
        end = min(start + dt.timedelta(days=min(length, (D.max - start).days)), D.max)
    first, last = interval(start, end, precision)

    assert first <= start <= last
    assert first <= (end or start) <= last
    assert first == truncate(start, precision)
    assert last == period_end(end or start, precision)
    # The bounds are the first and last days of whole periods.
    assert truncate(first, precision) == first
    assert period_end(last, precision) == last
    if precision != Precision.DAY:
        assert first.day == 1
        if last < D.max:
            assert truncate(last + dt.timedelta(days=1), precision) == last + dt.timedelta(days=1)
    if precision == Precision.YEAR:
        assert (first.month, last.month, last.day) == (1, 12, 31)


# --- News-style forms (issue 11): each with the article's date and the expected interval ---

TUESDAY = D(2021, 6, 22)  # an article dated Tuesday 22 June 2021


@pytest.mark.parametrize(
    ("text", "tense", "start", "end", "precision", "approximate"),
    [
        # weekdays, by the clause's tense
        ("on Monday", "past", D(2021, 6, 21), None, "day", False),
        ("on Tuesday", "past", D(2021, 6, 22), None, "day", False),  # the article's own day
        ("on Tuesday", "future", D(2021, 6, 29), None, "day", False),
        ("Wednesday", "past", D(2021, 6, 16), None, "day", False),
        ("Wednesday", "future", D(2021, 6, 23), None, "day", False),
        ("last Friday", "past", D(2021, 6, 18), None, "day", False),
        ("last Tuesday", "past", D(2021, 6, 15), None, "day", False),
        ("next Monday", "past", D(2021, 6, 28), None, "day", False),
        ("late on Tuesday", "past", D(2021, 6, 22), None, "day", False),
        # "next week" has no week precision, but a day of it is a day
        ("Tuesday next week", "future", D(2021, 6, 29), None, "day", False),
        ("next week on Monday", "future", D(2021, 6, 28), None, "day", False),
        ("Friday last week", "past", D(2021, 6, 18), None, "day", False),
        ("on Thursday and Friday", "past", D(2021, 6, 17), D(2021, 6, 18), "day", False),
        ("on Thursday and Friday", "future", D(2021, 6, 24), D(2021, 6, 25), "day", False),
        ("from Monday to Wednesday", "past", D(2021, 6, 14), D(2021, 6, 16), "day", False),
        ("from Tuesday to Thursday", "future", D(2021, 6, 29), D(2021, 7, 1), "day", False),
        # the article's day and its neighbours, months and years
        ("yesterday", "past", D(2021, 6, 21), None, "day", False),
        ("today", "past", D(2021, 6, 22), None, "day", False),
        ("tomorrow", "future", D(2021, 6, 23), None, "day", False),
        ("earlier this month", "past", D(2021, 6, 1), None, "month", False),
        ("last month", "past", D(2021, 5, 1), None, "month", False),
        ("last year", "past", D(2020, 1, 1), None, "year", False),
        ("this year", "past", D(2021, 1, 1), None, "year", False),
        ("late last year", "past", D(2020, 9, 1), D(2020, 12, 1), "month", True),
        ("three days ago", "past", D(2021, 6, 19), None, "day", False),
        # quarters and halves: month-precision ranges
        ("Q3 2021", "past", D(2021, 7, 1), D(2021, 9, 1), "month", False),
        ("Q1 2021", "past", D(2021, 1, 1), D(2021, 3, 1), "month", False),
        ("the third quarter of 2021", "past", D(2021, 7, 1), D(2021, 9, 1), "month", False),
        ("H1 2021", "past", D(2021, 1, 1), D(2021, 6, 1), "month", False),
        ("the second half of 2020", "past", D(2020, 7, 1), D(2020, 12, 1), "month", False),
        # seasons and parts of a year: approximate month ranges
        ("spring 2021", "past", D(2021, 3, 1), D(2021, 5, 1), "month", True),
        ("the summer of 2019", "past", D(2019, 6, 1), D(2019, 8, 1), "month", True),
        ("winter 2021-22", "past", D(2021, 12, 1), D(2022, 2, 1), "month", True),
        ("mid-2021", "past", D(2021, 5, 1), D(2021, 8, 1), "month", True),
        ("early 2022", "past", D(2022, 1, 1), D(2022, 4, 1), "month", True),
        ("late 2022", "past", D(2022, 9, 1), D(2022, 12, 1), "month", True),
        # ranges across months and years, with en and em dashes
        ("March 26 to April 2, 2021", "past", D(2021, 3, 26), D(2021, 4, 2), "day", False),
        ("March 26–April 2, 2021", "past", D(2021, 3, 26), D(2021, 4, 2), "day", False),
        ("26 March — 2 April 2021", "past", D(2021, 3, 26), D(2021, 4, 2), "day", False),
        ("December 28 to January 3, 2022", "past", D(2021, 12, 28), D(2022, 1, 3), "day", False),
        ("June-July 2021", "past", D(2021, 6, 1), D(2021, 7, 1), "month", False),
        ("June–July 2021", "past", D(2021, 6, 1), D(2021, 7, 1), "month", False),
        ("December 2021 to January 2022", "past", D(2021, 12, 1), D(2022, 1, 1), "month", False),
        ("from September 1 to 7", "past", D(2021, 9, 1), D(2021, 9, 7), "day", False),
        ("2019—2021", "past", D(2019, 1, 1), D(2021, 1, 1), "year", False),
        # decades
        ("the 1950s", "past", D(1950, 1, 1), D(1959, 1, 1), "year", False),
        # wire abbreviations
        ("Sept 7", "past", D(2021, 9, 7), None, "day", False),
    ],
)
def test_reads_news_forms_against_the_article_date(text, tense, start, end, precision, approximate):
    parsed = parse_date_text(text, TUESDAY, tense)
    assert parsed == ParsedDate(start, end, precision, approximate)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # never a partial guess: the whole expression is read, or it is refused
        ("2021/22", "could be read more than one way. Write the month in words"),
        ("22/06/2021", "could be read more than one way"),
        ("next week", "a week is no precision"),
        ("this week", "a week is no precision"),
        ("winter 2021", "a winter spans two years"),
        ("Q5 2021", 'Could not read a date in "Q5 2021"'),
        ("early June 22", 'Could not read a date in "early June 22"'),
        ("sometime soon", 'Could not read a date in "sometime soon"'),
        # impossible dates say so
        ("June 31, 2021", '"June 31, 2021" is not a real date: June 2021 has 30 days.'),
        ("February 29, 2021", "February 2021 has 28 days"),
        ("2021-13", "there is no month 13"),
        ("2021-02-30", "is not a real date"),
        # years outside 1-9998
        ("0000", "years run from 1 to 9998; 0000 is not one"),
        ("9999", "years run from 1 to 9998; 9999 is not one"),
        ("June 0000", "0000 is not one"),
        ("the 0000s", "0000 is not one"),
        ("123456", 'Could not read a date in "123456"'),
    ],
)
def test_refuses_what_it_cannot_read_in_full_with_one_message(text, message):
    with pytest.raises(DateTextError) as exc:
        parse_date_text(text, TUESDAY)
    assert message in str(exc.value)
    # One message, said once.
    assert str(exc.value).count("Could not read") <= 1
    assert str(exc.value).count("is not a real date") <= 1


def test_q3_is_never_read_as_a_day_nor_2021_22_as_june():
    q3 = parse_date_text("Q3 2021", TUESDAY)
    assert (q3.precision, q3.start, q3.end) == ("month", D(2021, 7, 1), D(2021, 9, 1))
    with pytest.raises(DateTextError):
        parse_date_text("2021/22", TUESDAY)


def test_a_bare_day_takes_the_year_it_is_given_else_the_reference_year():
    assert parse_date_text("February 1", D(2025, 4, 1), year=2021).start == D(2021, 2, 1)
    assert parse_date_text("February 1", D(2025, 4, 1)).start == D(2025, 2, 1)
    # a written year wins over the given one
    assert parse_date_text("February 1, 2019", D(2025, 4, 1), year=2021).start == D(2019, 2, 1)


def test_a_weekday_written_with_a_date_picks_the_year_that_matches():
    # Thursday 25 March was in 2021; in an article of January 2022 it is last year's.
    assert parse_date_text("Thursday, March 25", D(2022, 1, 10)).start == D(2021, 3, 25)


@pytest.mark.parametrize(
    ("text", "week"),
    [
        ("last week", '"last week" is the week of 3–9 March 2025'),
        ("this week", '"this week" is the week of 10–16 March 2025'),
        ("next week", '"next week" is the week of 17–23 March 2025'),
    ],
)
def test_a_week_is_refused_naming_the_week_it_is(text, week):
    """Which week is known (from a source of Friday 14 March 2025), not which of its days."""
    with pytest.raises(DateTextError) as refused:
        parse_date_text(text, dt.date(2025, 3, 14))

    assert str(refused.value).startswith(week)
    assert "write the day the text means" in str(refused.value)


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("tomorrow", D(9999, 12, 31)),
        ("next Thursday", D(9999, 12, 31)),
        ("next month", D(9999, 12, 31)),
        ("Tuesday next week", D(9999, 12, 31)),
        ("tomorrow", D(9998, 12, 31)),
        ("yesterday", D(1, 1, 1)),
        ("last Tuesday", D(1, 1, 1)),
        ("last month", D(1, 1, 3)),
    ],
)
def test_a_date_counted_past_the_calendar_s_edge_is_refused_saying_so(text, reference):
    """Counted from a source dated at the edge of the years kept, not an OverflowError (a 500
    in the form, its preview and the API)."""
    with pytest.raises(DateTextError) as exc:
        parse_date_text(text, reference)
    assert f'"{text}" falls outside the years the timeline holds (1 to 9998)' in str(exc.value)


def test_a_period_reaching_past_the_last_year_is_refused():
    with pytest.raises(DateTextError) as exc:
        parse_date_text("the 9990s", TUESDAY)
    assert str(exc.value) == (
        '"the 9990s" falls outside the years the timeline holds (1 to 9998). '
        "Write a date within them."
    )


def test_a_month_of_a_named_year_needs_the_source_s_year():
    """ "January this year" counts the year from the source's date: an undated source cannot
    tell which, one dated to the year can."""
    undated = Reference(dt.date(2019, 1, 1), known=False)
    with pytest.raises(DateTextError, match="the source has no date"):
        parse_date_text("January this year", undated)
    by_year = Reference(dt.date(2019, 1, 1), precision=Precision.YEAR)
    assert parse_date_text("January last year", by_year).start == dt.date(2018, 1, 1)


@pytest.mark.django_db
def test_the_api_refuses_a_limit_as_the_events_date_naming_the_field(analyst):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(analyst)
    response = api.post(
        "/api/events/", {"title": "Talks", "date": {"text": "by March 2021"}}, format="json"
    )
    assert response.status_code == 400
    assert 'is a limit (no later than the date after "by")' in str(response.json()["date"])
