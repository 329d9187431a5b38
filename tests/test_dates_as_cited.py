"""A date as an analyst writes it is read in the clause of the quote it cites, as the
suggestion queue reads it: the form, its live preview and the API save the date the queue
proposes (a reviewer saved 30 December 2022 from a January 2022 article saying "On December
30, ... signed", and 17 June for "will arrive ... this Thursday" written on 23 June)."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from events.models import Event
from lib.datesearch import read_as_cited
from sources.services import import_source
from suggestions.services import proposals_for_source
from tests.event_form_data import form_data
from tests.factories import ActorFactory

pytestmark = pytest.mark.django_db

SIGNED = (
    "On December 30, Russia and Myanmar signed a new defence cooperation pact in Naypyitaw, "
    "state media reported."
)
ARRIVES = "Russian Defence Minister Sergei Shoigu will arrive in Naypyitaw this Thursday for talks."


def _article(title: str, key: str, sentence: str, published: dt.date):
    cache.clear()
    ActorFactory(name="Sergei Shoigu")
    source, _ = import_source(
        f"{title}\n\n{sentence}\n", title=title, key=key, published_date=published
    )
    return source


@pytest.fixture
def january(db):
    yield _article("Pact signed", "pact", SIGNED, dt.date(2022, 1, 5))
    cache.clear()


@pytest.fixture
def wednesday(db):
    yield _article("Visit due", "due", ARRIVES, dt.date(2021, 6, 23))
    cache.clear()


@pytest.mark.parametrize(
    ("text", "quote", "reference", "start"),
    [
        ("December 30", SIGNED, dt.date(2022, 1, 5), dt.date(2021, 12, 30)),
        ("in early March", "In early March, the delegation visited Moscow.", dt.date(2022, 1, 5),
         dt.date(2021, 3, 1)),
        ("this Thursday", ARRIVES, dt.date(2021, 6, 23), dt.date(2021, 6, 24)),
        ("on Friday", "They are due to sign the contract on Friday.", dt.date(2021, 6, 23),
         dt.date(2021, 6, 25)),
        ("on Friday", "They signed the contract on Friday.", dt.date(2021, 6, 23),
         dt.date(2021, 6, 18)),
        # A month to come, in a clause that says so, is next year's; a present tense alone
        # (a chronology's "March 26: Fomin arrives") does not move it.
        ("in May", "A trade fair will be held in Yangon in May.", dt.date(2021, 6, 23),
         dt.date(2022, 5, 1)),
        ("March 26", "March 26: Fomin arrives in Naypyitaw.", dt.date(2021, 6, 23),
         dt.date(2021, 3, 26)),
        # Without a clause saying which, as before: the reference's year, a past weekday.
        ("December 30", "", dt.date(2022, 1, 5), dt.date(2022, 12, 30)),
        ("this Thursday", "", dt.date(2021, 6, 23), dt.date(2021, 6, 17)),
    ],
)  # fmt: skip
def test_the_clause_of_the_quote_decides(text, quote, reference, start):
    assert read_as_cited(text, reference, quote).start == start


def test_the_api_saves_the_date_the_queue_proposes(january, analyst):
    [proposal] = proposals_for_source(january)
    api = APIClient()
    api.force_authenticate(analyst)
    response = api.post(
        "/api/events/",
        {
            "title": "Defence pact signed",
            "date": {"text": "December 30"},
            "citations": [{"source": "pact", "quote": SIGNED}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    proposed = proposal.date.parsed.start.isoformat()
    assert response.json()["date"]["start"] == "2021-12-30" == proposed


def _dated_through_the_api(analyst, text: str, source: str, quote: str) -> str:
    """POST an event dated ``text`` citing ``quote`` of ``source``: the start stored."""
    api = APIClient()
    api.force_authenticate(analyst)
    response = api.post(
        "/api/events/",
        {
            "title": "Talks",
            "date": {"text": text},
            "citations": [{"source": source, "quote": quote}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()["date"]["start"]


def test_the_api_reads_a_weekday_in_a_future_clause_forwards(wednesday, analyst):
    assert _dated_through_the_api(analyst, "this Thursday", "due", ARRIVES) == "2021-06-24"


def _cited(source, quote: str) -> dict:
    passage = source.passages.get(text__contains=quote)
    start = passage.text.index(quote)
    return {
        "source": source.key,
        "quote": quote,
        "passage": passage.index,
        "start": start,
        "end": start + len(quote),
    }


def test_the_form_saves_and_previews_the_same_reading(january, client, analyst):
    client.force_login(analyst)
    row = _cited(january, SIGNED)
    # A new event cited by hand: no reference yet, the citation names the source.
    data = form_data(date_text="December 30", reference="", citations=[row])
    response = client.post(reverse("event-new"), data)
    assert response.status_code == 302, response.content.decode()
    assert Event.objects.get().date_start == dt.date(2021, 12, 30)
    # The live preview, sent what the form holds (hx-include), says so before the save.
    preview = client.get(
        reverse("event-parse-date"),
        {
            "date_text": "December 30",
            "reference": "",
            "citations-0-source": january.key,
            "citations-0-quote": SIGNED,
        },
    ).content.decode()
    assert "30 December 2021, day precision" in preview


def test_the_edit_form_reads_in_the_event_s_first_quote(january, client, analyst):
    client.force_login(analyst)
    client.post(
        reverse("event-new"), form_data(date_text="2021", citations=[_cited(january, SIGNED)])
    )
    event = Event.objects.get()
    page = client.get(reverse("event-edit", args=[event.pk])).content.decode()
    assert 'name="context" value="On December 30, Russia and Myanmar signed' in page
    preview = client.get(
        reverse("event-parse-date"),
        {
            "date_text": "December 30",
            "reference": january.pk,
            "context": SIGNED,
            "context_start": "0",
            "context_end": str(len(SIGNED)),
        },
    ).content.decode()
    assert "30 December 2021, day precision" in preview


@pytest.mark.parametrize("quote", ["On December 30", "December 30", "Russia and Myanmar signed"])
def test_a_quote_shorter_than_its_sentence_is_read_in_its_sentence(january, analyst, quote):
    """A second reviewer selected only "On December 30": it was read alone, as this year's."""
    assert _dated_through_the_api(analyst, "December 30", "pact", quote) == "2021-12-30"


def test_the_form_reads_a_selected_weekday_in_its_sentence(wednesday, client, analyst):
    client.force_login(analyst)
    row = _cited(wednesday, "this Thursday")
    data = form_data(date_text="this Thursday", reference="", citations=[row])
    assert client.post(reverse("event-new"), data).status_code == 302
    assert Event.objects.get().date_start == dt.date(2021, 6, 24)
    preview = client.get(
        reverse("event-parse-date"),
        {
            "date_text": "this Thursday",
            "citations-0-source": wednesday.key,
            "citations-0-quote": "this Thursday",
            "citations-0-passage": row["passage"],
            "citations-0-start": row["start"],
        },
    ).content.decode()
    assert "24 June 2021, day precision" in preview


def test_two_sources_giving_the_same_day_do_not_disagree(january, analyst):
    """ "December 30" in the January article and "30 December 2021" elsewhere are one day."""
    import_source(
        "Roadmap\n\nOn 30 December 2021, Russia and Myanmar signed a nuclear roadmap.\n",
        title="Roadmap",
        key="roadmap",
        published_date=dt.date(2022, 2, 1),
    )
    api = APIClient()
    api.force_authenticate(analyst)
    created = api.post(
        "/api/events/",
        {
            "title": "Defence pact signed",
            "status": "published",
            "date": {"text": "December 30"},
            "citations": [
                {"source": "pact", "quote": "On December 30", "date_text": "December 30"},
                {
                    "source": "roadmap",
                    "quote": "On 30 December 2021, Russia and Myanmar signed",
                    "date_text": "30 December 2021",
                },
            ],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    page = APIClient().get(f"/events/{created.json()['id']}/").content.decode()
    assert "Sources disagree" not in page
    assert "Defence pact signed" in page
