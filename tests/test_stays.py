"""A day that opens a stay of a stated length ("embarks on a week-long visit", "began a
three-day visit to Moscow on Monday") is read as the stay's days where sources are compared:
the visit that began June 20 contains another source's June 22-24. A length the text does not
give is never invented, and dates that do not meet still disagree."""

import datetime as dt

import pytest
from django.urls import reverse

from events.models import Event, Status
from events.services import cite, locate
from lib.dates import ParsedDate, Precision
from lib.datesearch import read_as_cited, read_stay_as_cited
from sources.services import import_source

pytestmark = pytest.mark.django_db

D = dt.date
WEDNESDAY = D(2021, 6, 23)
LATER = D(2021, 10, 29)


def _day_span(start: dt.date, end: dt.date, approximate: bool) -> ParsedDate:
    return ParsedDate(start, end, Precision.DAY, approximate)


@pytest.mark.parametrize(
    ("text", "sentence", "reference", "read"),
    [
        # A chronology's entry: the day, then the stay it opens; "week-long" is loose.
        ("June 20", "June 20: Snr. Gen. Min Aung Hlaing embarks on a week-long visit to Russia "
         "to attend a conference on international security in Moscow.", LATER,
         _day_span(D(2021, 6, 20), D(2021, 6, 26), True)),
        # The stay, then the day it began; a length in days is exact.
        ("on Monday", "The minister began a three-day visit to Moscow on Monday.", WEDNESDAY,
         _day_span(D(2021, 6, 21), D(2021, 6, 23), False)),
        ("20 June", "Shoigu is on a five-day trip starting 20 June, officials said.", LATER,
         _day_span(D(2021, 6, 20), D(2021, 6, 24), False)),
        ("October 28", "The Gremyashiy arrives at Thilawa Port on October 28 and stays for "
         "three days.", LATER, _day_span(D(2021, 10, 28), D(2021, 10, 30), False)),
        ("3 March", "She arrived in Hanoi on 3 March for a two-week official visit.", LATER,
         _day_span(D(2021, 3, 3), D(2021, 3, 16), True)),
        ("On 3 March", "On 3 March the envoy set off on a fortnight-long tour of the region.",
         LATER, _day_span(D(2021, 3, 3), D(2021, 3, 16), True)),
        ("June 20", "On June 20 he flew to Moscow for a 10-day working visit.", LATER,
         _day_span(D(2021, 6, 20), D(2021, 6, 29), False)),
    ],
)  # fmt: skip
def test_a_day_that_opens_a_stay_of_a_stated_length_is_read_as_its_days(
    text, sentence, reference, read
):
    at = sentence.index(text)
    assert read_stay_as_cited(text, reference, sentence, at, at + len(text)) == read
    # What the form, the API and the queue save from it is still the day as written.
    assert read_as_cited(text, reference, sentence, at, at + len(text)).end is None


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        # No length stated: nothing to count.
        ("June 20", "The visit began on June 20."),
        ("June 20", "June 20: Min Aung Hlaing arrives in Moscow."),
        # The day ends the stay.
        ("June 27", "He ended a week-long visit to Russia on June 27."),
        # A meeting of stated length is no stay the arrival opens.
        ("October 24", "October 24: A Russian military delegation arrives in Yangon to attend "
         "the two-day science and technology conference at the Defense Services Academy."),
        # Another date of the sentence opens it, or someone else's stay.
        ("On Monday", "On Monday the general, who began a three-day visit on Saturday, met the "
         "minister."),
        ("June 20", "On June 20 he met Shoigu, who began a week-long visit to Myanmar."),
        ("June 20", "On June 20 he met Shoigu. The next week he began a week-long visit."),
        # A stay under way on the day, not opened by it.
        ("June 20", "On June 20 he met Shoigu, who was on a week-long visit."),
        # A span or a month is as written: the stay's days are counted from a day.
        ("June 22-24", "during his June 22-24 visit to Moscow"),
        ("In June", "In June he embarked on a week-long visit to Russia."),
    ],
)  # fmt: skip
def test_no_stay_is_read_where_the_words_do_not_open_one_of_a_stated_length(text, sentence):
    at = sentence.index(text)
    assert read_stay_as_cited(text, LATER, sentence, at, at + len(text)) == read_as_cited(
        text, LATER, sentence, at, at + len(text)
    )


def test_a_stay_is_read_only_where_the_passage_writes_the_date():
    """The date as written is looked for in the passage: typed in words it does not hold,
    nothing says what it opens."""
    sentence = "The minister began a three-day visit to Moscow."
    assert read_stay_as_cited("21 June 2021", LATER, sentence) == ParsedDate(
        D(2021, 6, 21), None, Precision.DAY
    )


def _source(key: str, text: str, published: dt.date):
    source, _ = import_source(f"{key}\n\n{text}\n", title=key.title(), key=key)
    source.reference_date = published
    source.save()
    return source


def _event(title: str, *cited: tuple) -> Event:
    event = Event.objects.create(title=title, status=Status.PUBLISHED)
    for source, quote, date_text in cited:
        cite(event, locate(source, quote), date_text=date_text)
    return event


def _page(client, event: Event) -> str:
    return client.get(reverse("event-detail", args=[event.pk])).content.decode()


def test_a_visit_that_began_on_a_day_contains_the_days_another_source_gives(client, db):
    chronology = _source(
        "chronology",
        "June 20: Snr. Gen. Min Aung Hlaing embarks on a week-long visit to Russia.",
        LATER,
    )
    article = _source("article", "He spoke during his June 22-24 visit to Moscow.", WEDNESDAY)
    visit = _event(
        "Visit",
        (chronology, "June 20: Snr. Gen. Min Aung Hlaing embarks on a week-long visit", "June 20"),
        (article, "during his June 22-24 visit to Moscow", "June 22-24"),
    )
    page = _page(client, visit)
    assert "Sources disagree" not in page
    timeline = client.get("/").content.decode()
    entry = timeline[timeline.index(f'id="e-{visit.pk}"') :]
    assert "sources disagree" not in entry[: entry.index("</article>")]


def test_a_day_that_opens_no_stay_still_disagrees_with_days_after_it(client, db):
    """ "June 20" alone, where nothing says a stay began, against "June 22-24"."""
    chronology = _source(
        "chronology", "June 20: Snr. Gen. Min Aung Hlaing arrives in Moscow for talks.", LATER
    )
    article = _source("article", "He spoke during his June 22-24 visit to Moscow.", WEDNESDAY)
    visit = _event(
        "Visit",
        (chronology, "June 20: Snr. Gen. Min Aung Hlaing arrives in Moscow", "June 20"),
        (article, "during his June 22-24 visit to Moscow", "June 22-24"),
    )
    page = _page(client, visit)
    assert "Sources disagree</strong> on the date" in page
    assert 'dates it <q class="date-text">June 20</q>' in page
    assert 'dates it <q class="date-text">June 22-24</q>' in page


def test_a_stay_that_ends_before_the_other_days_still_disagrees(client, db):
    """A three-day visit that began June 18 is over by June 22."""
    chronology = _source(
        "chronology", "June 18: Snr. Gen. Min Aung Hlaing embarks on a three-day visit.", LATER
    )
    article = _source("article", "He spoke during his June 22-24 visit to Moscow.", WEDNESDAY)
    visit = _event(
        "Visit",
        (chronology, "June 18: Snr. Gen. Min Aung Hlaing embarks on a three-day visit", "June 18"),
        (article, "during his June 22-24 visit to Moscow", "June 22-24"),
    )
    page = _page(client, visit)
    assert "Sources disagree</strong> on the date" in page
    # The reader is told how the day was read.
    assert (
        'dates it <q class="date-text">June 18</q> <span class="meta">(the first day of the '
        "stay it tells, read as 18–20 June 2021)</span>"
    ) in page
    assert 'dates it <q class="date-text">June 22-24</q> —' in page


def test_two_days_running_still_disagree(client, db):
    one = _source("one", "Army Day was marked on March 26 in Naypyitaw.", LATER)
    two = _source("two", "Army Day was marked on March 27 in Naypyitaw.", LATER)
    day = _event(
        "Army Day",
        (one, "Army Day was marked on March 26", "March 26"),
        (two, "Army Day was marked on March 27", "March 27"),
    )
    page = _page(client, day)
    assert "Sources disagree</strong> on the date" in page
    assert 'dates it <q class="date-text">March 26</q>' in page
