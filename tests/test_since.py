"""A date written "since …" is a state from then on: it runs from then to the source's date
(the source says it still held when written, and nothing of its end), not over the period
named. "since the 1950s" in an article of June 2021 was drawn as 1950–1959."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from events.models import Event
from lib.dates import DateTextError, ParsedDate, Precision, Reference, parse_date_text
from sources.services import import_source
from tests.event_form_data import form_data

D = dt.date
JUNE_24 = Reference(D(2021, 6, 24))
ON_OR_AFTER = Reference(D(2021, 6, 24), on_or_after=True)


@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        # A decade gives no year to begin in: approximate; the end is the source's year.
        ("since the 1950s", ON_OR_AFTER, ParsedDate(D(1950, 1, 1), D(2021, 1, 1), "year", True)),
        ("since the 1950s", JUNE_24, ParsedDate(D(1950, 1, 1), D(2021, 1, 1), "year", True)),
        ("Since 2016", JUNE_24, ParsedDate(D(2016, 1, 1), D(2021, 1, 1), "year")),
        ("ever since June 2013", JUNE_24, ParsedDate(D(2013, 6, 1), D(2021, 6, 1), "month")),
        ("since March 26", JUNE_24, ParsedDate(D(2021, 3, 26), D(2021, 6, 24), "day")),
        # Written on or after 24 June: still so then, the earliest the source can be from.
        ("since February 1, 2021", ON_OR_AFTER, ParsedDate(D(2021, 2, 1), D(2021, 6, 24), "day")),
        # A bare month after the source's date is the one before it.
        (
            "since March",
            Reference(D(2022, 1, 5)),
            ParsedDate(D(2021, 3, 1), D(2022, 1, 1), "month"),
        ),
        # No finer than the source's date is known: "June 2021" gives no day to end on.
        (
            "since 26 March 2021",
            Reference(D(2021, 6, 1), Precision.MONTH),
            ParsedDate(D(2021, 3, 1), D(2021, 6, 1), "month"),
        ),
        ("since early 2021", JUNE_24, ParsedDate(D(2021, 1, 1), D(2021, 6, 1), "month", True)),
        ("since last year", JUNE_24, ParsedDate(D(2020, 1, 1), D(2021, 1, 1), "year")),
        # Begun in the source's own period: that period.
        ("since 2021", JUNE_24, ParsedDate(D(2021, 1, 1), None, "year")),
    ],
)  # fmt: skip
def test_since_runs_from_then_to_the_source_s_date(text, reference, expected):
    assert parse_date_text(text, reference) == expected


def test_the_decade_alone_is_still_the_decade():
    assert parse_date_text("the 1950s", JUNE_24) == ParsedDate(D(1950, 1, 1), D(1959, 1, 1), "year")
    assert parse_date_text("in the 1950s", JUNE_24).describe() == "1950–1959"
    assert parse_date_text("since the 1950s", JUNE_24).describe() == "c. 1950–2021"


@pytest.mark.parametrize(
    ("text", "reference", "message"),
    [
        (
            "since the 1950s",
            Reference(D(2026, 1, 1), known=False),
            '"since the 1950s" runs until the source was written, and the source has no date: '
            'until when cannot be told. Write both ends ("the 1950s to 2021"), or give the '
            "source its date.",
        ),
        ("since 2016", Reference.uncited(), "no source is cited yet"),
        ("since 2025", JUNE_24, '"since 2025" begins after the source was written (24 June 2021)'),
        ("since the coup", JUNE_24, 'Could not read a date in "the coup"'),
    ],
)
def test_since_is_refused_when_its_end_or_start_cannot_be_told(text, reference, message):
    with pytest.raises(DateTextError) as exc:
        parse_date_text(text, reference)
    assert message in str(exc.value)


def test_both_ends_written_are_read_as_written():
    assert parse_date_text("the 1950s to 2021", JUNE_24) == ParsedDate(
        D(1950, 1, 1), D(2021, 1, 1), "year"
    )


STATE = "Burma had good relations with the then-Soviet Union since the 1950s."


@pytest.mark.django_db
def test_the_form_saves_and_previews_since_to_the_source_s_date(client, analyst):
    client.force_login(analyst)
    source, _ = import_source(
        f"Why does Russia support Myanmar?\n\n{STATE}\n",
        title="Why does Russia support Myanmar?",
        key="why",
        published_date=D(2021, 6, 24),
    )
    passage = source.passages.get(text__contains=STATE)
    start = passage.text.index(STATE)
    row = {"source": "why", "quote": STATE, "passage": passage.index}
    row.update(start=start, end=start + len(STATE))
    preview = client.get(
        reverse("event-parse-date"),
        {
            "date_text": "since the 1950s",
            "reference": "",
            "citations-0-source": "why",
            "citations-0-quote": STATE,
        },
    ).content.decode()
    assert "c. 1950–2021" in preview
    data = form_data(date_text="since the 1950s", reference="", citations=[row])
    response = client.post(reverse("event-new"), data)
    assert response.status_code == 302, response.content.decode()
    event = Event.objects.get()
    assert (event.date_start, event.date_end, event.date_precision) == (
        D(1950, 1, 1),
        D(2021, 1, 1),
        "year",
    )
    assert event.date_approximate
    assert (event.span_start, event.span_end) == (D(1950, 1, 1), D(2021, 12, 31))
    page = client.get(reverse("event-detail", args=[event.pk])).content.decode()
    assert "c. 1950–2021" in page
    assert "written “since the 1950s”" in page


SINCE_THE_1950S = [
    "Burma's good relations with the Soviet Union since the 1950s",
    "The Tatmadaw holds Myanmar's main power from the 1950s",
]


def test_the_curated_states_since_the_1950s_reach_the_source_s_year(client, published_timeline):
    for title in SINCE_THE_1950S:
        event = Event.objects.get(title=title)
        assert event.date_display() == "c. 1950–2021"
        assert (event.span_start, event.span_end) == (D(1950, 1, 1), D(2021, 12, 31))
    # Still so in 1990, when it was drawn as over in 1959.
    listed = client.get(reverse("timeline"), {"year": "1990"}).content.decode()
    for title in SINCE_THE_1950S:
        assert title.replace("'", "&#x27;") in listed
    stays = Event.objects.get(title__startswith="Russia stays out of Myanmar")
    assert stays.date_display() == "1991–2021"


def test_the_axis_draws_the_1950s_state_to_2021_fading_at_both_ends(client, published_timeline):
    body = client.get(reverse("timeline"), {"from": "1940", "to": "2030"}).content.decode()
    marks = {
        label: float(width)
        for label, width in re.findall(
            r'<a class="mark [^"]*" [^>]*aria-label="([^"]*)"[^>]*>.*?<rect [^>]*width="([\d.]+)"',
            body,
        )
    }
    relations = next(k for k in marks if "Burma&#x27;s good relations" in k)
    assert relations.startswith("c. 1950–2021: ")
    assert "approximate" in relations
    sipri = next(k for k in marks if k.startswith("1999–2018: "))
    # 72 years against SIPRI's 20: the band runs on past 2018, where the decade ended in 1959.
    assert marks[relations] > 3 * marks[sipri]
    assert re.search(r'<a class="mark p-year approx"[^>]*aria-label="c\. 1950–2021: Burma', body)
