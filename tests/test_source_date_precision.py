"""A date is read against the source's own date, at the precision that date is known.

An article dated only "December 2025", "2025", "written on or after 24 June 2021", or not
at all, gives no day to count "on Monday" or "yesterday" from: such an expression is refused
with why, everywhere a date is read (the suggestions, their queue, the event form, its live
preview and the API), never given the first day of the month as its reference. What the date
does say is still read: "last month" from a source dated to the month, "last year" from one
dated to the year.
"""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from events.models import Event
from lib.dates import DateTextError, Precision, Reference, parse_date_text
from lib.datesearch import find_dates, read_dates
from sources.services import import_source
from suggestions.services import proposals_for_source, review_source
from tests.event_form_data import form_data
from tests.factories import ActorFactory

D = dt.date
DECEMBER = Reference(D(2025, 12, 1), Precision.MONTH)
YEAR_2025 = Reference(D(2025, 1, 1), Precision.YEAR)
ON_OR_AFTER = Reference(D(2021, 6, 24), Precision.DAY, on_or_after=True)
UNDATED = Reference(D(2026, 12, 3), known=False)
DAY = Reference(D(2025, 12, 10))  # a Wednesday


# The parser -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "text", "why"),
    [
        (DECEMBER, "on Monday", "known only to the month (December 2025): which day"),
        (DECEMBER, "yesterday", "known only to the month (December 2025): which day"),
        (DECEMBER, "last Friday", "which day"),
        (DECEMBER, "three days ago", "which day"),
        (DECEMBER, "Tuesday next week", "which day"),
        (DECEMBER, "from Monday to Wednesday", "which day"),
        (YEAR_2025, "last month", "known only to the year (2025): which month"),
        (YEAR_2025, "last June", "which month"),
        (YEAR_2025, "two months ago", "which month"),
        (YEAR_2025, "on Monday", "which day"),
        (ON_OR_AFTER, "last year", "only a lower bound (written on or after 24 June 2021)"),
        (ON_OR_AFTER, "on Monday", "only a lower bound"),
        (UNDATED, "yesterday", "the source has no date"),
    ],
)
def test_what_is_counted_more_finely_than_the_source_s_date_is_refused(reference, text, why):
    with pytest.raises(DateTextError) as refused:
        parse_date_text(text, reference)
    assert why in str(refused.value)
    assert "Write the date itself, or give the source its full date." in str(refused.value)


@pytest.mark.parametrize(
    ("reference", "text", "start", "precision"),
    [
        (DECEMBER, "last month", D(2025, 11, 1), Precision.MONTH),
        (DECEMBER, "this month", D(2025, 12, 1), Precision.MONTH),
        (DECEMBER, "two months ago", D(2025, 10, 1), Precision.MONTH),
        (DECEMBER, "last June", D(2025, 6, 1), Precision.MONTH),
        (DECEMBER, "last year", D(2024, 1, 1), Precision.YEAR),
        (YEAR_2025, "last year", D(2024, 1, 1), Precision.YEAR),
        # Dates the text writes are read as before; a bare day takes the source's year.
        (DECEMBER, "December 15", D(2025, 12, 15), Precision.DAY),
        (ON_OR_AFTER, "June 22", D(2021, 6, 22), Precision.DAY),
        (UNDATED, "March 2021", D(2021, 3, 1), Precision.MONTH),
        # Known to the day: unchanged.
        (DAY, "on Monday", D(2025, 12, 8), Precision.DAY),
        (DAY, "yesterday", D(2025, 12, 9), Precision.DAY),
    ],
)
def test_what_the_source_s_date_does_say_is_read(reference, text, start, precision):
    parsed = parse_date_text(text, reference)
    assert (parsed.start, parsed.precision) == (start, precision)


def test_a_plain_date_is_a_reference_known_to_the_day():
    assert parse_date_text("on Monday", D(2025, 12, 10)).start == D(2025, 12, 8)


def test_a_past_day_in_the_source_s_month_keeps_the_source_s_year():
    # "met on December 15" in an article of December 2025 is not December 2024: the article
    # may have been written on any day of the month.
    [found] = find_dates("Shoigu met Min Aung Hlaing on December 15.", DECEMBER)
    assert found.parsed.start == D(2025, 12, 15)


def test_the_search_refuses_a_weekday_with_the_reason_and_reads_the_rest():
    text = "Shoigu met Min Aung Hlaing on Monday, after talks in March 2025."
    reading = read_dates(text, DECEMBER)
    assert [f.text for f in reading.found] == ["March 2025"]
    [refusal] = reading.refused
    assert refusal.text == "Monday"
    assert "known only to the month (December 2025)" in refusal.message


# Narrative time and counts at the start of a sentence (found by review) -------------------------


@pytest.mark.parametrize(
    ("text", "expression", "start", "precision"),
    [
        ("Three days ago, Shoigu met Min Aung Hlaing.", "Three days ago", D(2025, 12, 7), "day"),
        ("A week ago, Russia voted against it.", "A week ago", D(2025, 12, 3), "day"),
        ("Two months ago, the frigate arrived.", "Two months ago", D(2025, 10, 1), "month"),
        ("One year ago, they signed it.", "One year ago", D(2024, 1, 1), "year"),
    ],
)
def test_a_count_opening_a_sentence_is_read(text, expression, start, precision):
    [found] = find_dates(text, DAY)
    assert (found.text, found.parsed.start, found.parsed.precision) == (
        expression,
        start,
        precision,
    )


def test_years_later_than_a_day_land_in_a_month_never_on_a_day():
    text = "They met on June 22, 2024. Two years later, they met again."
    later = find_dates(text, DAY)[-1]
    assert later.text == "Two years later"
    assert (later.parsed.start, later.parsed.precision) == (D(2026, 6, 1), Precision.MONTH)
    assert later.parsed.approximate


# The suggestions and their queue --------------------------------------------------------------

ARTICLE = (
    "Defence ties deepen\n\n"
    "Sergei Shoigu met Min Aung Hlaing in Naypyitaw on Monday, the ministry said.\n\n"
    "Sergei Shoigu visited Yangon in March 2025.\n"
)


@pytest.fixture
def month_source(db):
    cache.clear()
    ActorFactory(name="Sergei Shoigu")
    ActorFactory(name="Min Aung Hlaing")
    source, _ = import_source(
        ARTICLE,
        title="Defence ties deepen",
        key="defence-ties",
        published_date=D(2025, 12, 1),
        published_precision=Precision.MONTH,
    )
    yield source
    cache.clear()


def test_the_source_s_reference_is_its_date_as_far_as_it_is_known(month_source):
    assert month_source.date_reference() == DECEMBER
    month_source.reference_date = D(2025, 12, 10)  # set for reading: known to the day
    assert month_source.date_reference() == DAY


def test_a_weekday_in_an_article_dated_to_the_month_proposes_no_invented_day(month_source):
    proposals = proposals_for_source(month_source)
    assert [p.quote for p in proposals] == ["Sergei Shoigu visited Yangon in March 2025."]
    [unread] = review_source(month_source).unread
    assert unread.quote.startswith("Sergei Shoigu met Min Aung Hlaing in Naypyitaw on Monday")
    assert "known only to the month (December 2025)" in unread.refusals[0].message


def test_the_queue_shows_the_sentence_whose_date_is_not_read_and_why(month_source, client, analyst):
    client.force_login(analyst)
    body = client.get(reverse("source-suggestions", args=[month_source.pk])).content.decode()
    assert "the date read against December 2025 (known to the month)" in body
    assert "1 sentence with a date not read" in body
    assert "Sergei Shoigu met Min Aung Hlaing in Naypyitaw on Monday" in body
    assert "known only to the month (December 2025): which day it means cannot be told" in body
    assert "New event from this…" in body


def test_a_new_event_from_that_sentence_has_no_date_and_says_why(month_source, client, analyst):
    passage = month_source.passages.get(index=1)
    client.force_login(analyst)
    body = client.get(
        reverse("event-new"), {"passage": passage.pk, "start": 0, "end": len(passage.text)}
    ).content.decode()
    assert "Check the date:</strong> it is not filled in:" in body
    assert "could not be used" not in body
    assert "known only to the month (December 2025)" in body
    # Nothing borrowed from another sentence: no date as written, no start.
    assert 'name="date_text" id="id_date_text" value=""' in body
    assert 'name="date_start" value=' not in body
    assert "2025-03-01" not in body
    assert "Bare dates are read against December 2025 (known to the month)." in body


def test_the_live_preview_reads_against_the_source_s_known_date(month_source, client, analyst):
    client.force_login(analyst)
    url = reverse("event-parse-date")
    refused = client.get(url, {"date_text": "yesterday", "reference": month_source.pk})
    assert "known only to the month (December 2025)" in refused.content.decode()
    read = client.get(url, {"date_text": "last month", "reference": month_source.pk})
    assert "November 2025, month precision" in read.content.decode()
    dated = client.get(url, {"date_text": "yesterday", "reference": "2025-12-10"})
    assert "9 December 2025, day precision" in dated.content.decode()


def test_the_live_preview_without_a_source_reads_nothing_counted_from_one(client, analyst):
    client.force_login(analyst)
    url = reverse("event-parse-date")
    refused = client.get(url, {"date_text": "yesterday"}).content.decode()
    assert "no source is cited yet" in refused
    assert "day precision" not in refused
    written = client.get(url, {"date_text": "12 March 2025"}).content.decode()
    assert "12 March 2025, day precision" in written


def test_the_event_form_refuses_such_a_date_and_writes_nothing(month_source, client, analyst):
    client.force_login(analyst)
    passage = month_source.passages.get(index=2)
    row = {
        "source": month_source.key,
        "quote": passage.text,
        "passage": passage.index,
        "start": 0,
        "end": len(passage.text),
    }
    data = form_data(date_text="yesterday", reference=str(month_source.pk), citations=[row])
    response = client.post(reverse("event-new"), data)
    assert response.status_code == 400
    assert "known only to the month (December 2025)" in response.content.decode()
    assert not Event.objects.exists()


def test_the_api_refuses_such_a_date_naming_the_field(month_source, analyst):
    api = APIClient()
    api.force_authenticate(analyst)
    quote = "Sergei Shoigu visited Yangon in March 2025."
    response = api.post(
        "/api/events/",
        {
            "title": "Talks",
            "date": {"text": "on Monday"},
            "citations": [{"source": month_source.key, "quote": quote}],
        },
        format="json",
    )
    assert response.status_code == 400, response.content
    message = response.json()["date"]["text"][0]
    assert "known only to the month (December 2025)" in message
    assert not Event.objects.exists()


def test_the_live_preview_and_the_api_refuse_a_date_counted_off_the_calendar(client, analyst):
    """A source may be dated 1 January of the year 1: "yesterday" in it is no 500."""
    client.force_login(analyst)
    body = client.get(
        reverse("event-parse-date"), {"date_text": "tomorrow", "reference": "9999-12-31"}
    )
    assert body.status_code == 200
    assert "falls outside the years the timeline holds" in body.content.decode()
    source, _ = import_source(
        "The king met the envoy yesterday.\n",
        title="Old chronicle",
        published_date=dt.date(1, 1, 1),
    )
    api = APIClient()
    api.force_authenticate(analyst)
    response = api.post(
        "/api/events/",
        {
            "title": "The envoy received",
            "date": {"text": "yesterday"},
            "citations": [{"source": source.key, "quote": "The king met the envoy yesterday"}],
        },
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "falls outside the years" in response.json()["date"]["text"][0]
    assert not Event.objects.exists()
