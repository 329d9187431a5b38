"""Cite while reading: the reader's popover, the event search and POST /events/<id>/cite/."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from events.models import Citation, Status
from events.services import cite, locate
from tests.factories import EventFactory, SourceFactory

pytestmark = pytest.mark.django_db

QUOTE = "He met Sergei Shoigu in Moscow."


@pytest.fixture
def passage():
    source = SourceFactory()
    source.reference_date = dt.date(2021, 6, 24)
    source.save()
    return source.passages.get(index=1)


@pytest.fixture
def signed_in(client, analyst):
    client.force_login(analyst)
    return client


def selection(passage, quote=QUOTE, **extra) -> dict:
    start = passage.text.index(quote)
    return {"passage": passage.pk, "start": start, "end": start + len(quote), **extra}


def post_cite(client, event, data, **headers):
    return client.post(reverse("event-cite", args=[event.pk]), data, **headers)


# The cite endpoint ----------------------------------------------------------------------------


def test_a_selection_is_cited_verbatim_with_its_context_and_the_version_goes_up(signed_in, passage):
    event = EventFactory()
    response = post_cite(signed_in, event, selection(passage, quote=QUOTE))
    citation = Citation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("event-detail", args=[event.pk]) + f"#c-{citation.pk}"
    assert citation.quote == QUOTE
    assert passage.text[citation.start : citation.end] == QUOTE
    assert citation.prefix == passage.text[max(0, citation.start - 32) : citation.start]
    assert citation.suffix == passage.text[citation.end : citation.end + 32]
    event.refresh_from_db()
    assert event.version == 2


def test_the_server_trims_spaces_around_a_selection(signed_in, passage):
    event = EventFactory()
    start = passage.text.index(QUOTE)
    post_cite(
        signed_in, event, {"passage": passage.pk, "start": start - 1, "end": start + len(QUOTE)}
    )
    assert Citation.objects.get().quote == QUOTE


def test_htmx_citing_follows_hx_redirect(signed_in, passage):
    event = EventFactory()
    response = post_cite(signed_in, event, selection(passage), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith(reverse("event-detail", args=[event.pk]))


def test_citing_the_same_span_twice_adds_it_once(signed_in, passage):
    event = EventFactory()
    post_cite(signed_in, event, selection(passage))
    response = post_cite(signed_in, event, selection(passage))
    assert response.status_code == 302
    assert Citation.objects.count() == 1
    event.refresh_from_db()
    assert event.version == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start": 0, "end": 500}, "outside passage 1"),
        ({"start": 10, "end": 10}, "it touches no text"),
        ({"start": 12, "end": 5}, "it touches no text"),
        ({"start": "x"}, "Enter a whole number."),
        ({"passage": 999_999}, "No such passage"),
        ({"passage": ""}, "This field is required."),
        ({"quote": "Min Aung Hlaing visited Yangon"}, "does not match the passage"),
    ],
)
def test_a_bad_selection_is_refused_with_a_message_and_nothing_written(
    signed_in, passage, change, message
):
    event = EventFactory()
    data = {**selection(passage), **change}
    response = post_cite(signed_in, event, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Citation.objects.exists()
    event.refresh_from_db()
    assert event.version == 1


def test_a_selection_of_only_spaces_touches_no_text(signed_in, passage):
    event = EventFactory()
    space = passage.text.index(" ")
    response = post_cite(
        signed_in, event, {"passage": passage.pk, "start": space, "end": space + 1}
    )
    assert response.status_code == 400
    assert "touches no text" in response.content.decode()


def test_citing_a_missing_event_is_404(signed_in, passage):
    assert signed_in.post(reverse("event-cite", args=[999]), selection(passage)).status_code == 404


def test_citing_needs_a_post(signed_in, passage):
    event = EventFactory()
    response = signed_in.get(reverse("event-cite", args=[event.pk]), selection(passage))
    assert response.status_code == 405


def test_anonymous_visitors_cannot_cite(client, passage):
    event = EventFactory()
    response = post_cite(client, event, selection(passage))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Citation.objects.exists()


def test_readers_who_are_not_analysts_cannot_cite(client, reader, passage):
    client.force_login(reader)
    event = EventFactory()
    assert post_cite(client, event, selection(passage)).status_code == 403
    assert not Citation.objects.exists()


# Searching events to add a selection to ------------------------------------------------------


def search(client, passage, q, **headers):
    return client.get(reverse("event-cite-search"), {**selection(passage), "q": q}, **headers)


def test_events_are_found_by_title_words_with_a_form_to_cite(signed_in, passage):
    wanted = EventFactory(title="Shoigu meets Min Aung Hlaing")
    EventFactory(title="Navy parade")
    response = search(signed_in, passage, "shoigu")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Shoigu meets Min Aung Hlaing" in body
    assert "Navy parade" not in body
    assert f'action="{reverse("event-cite", args=[wanted.pk])}"' in body
    assert f'name="start" value="{passage.text.index(QUOTE)}"' in body


def test_events_are_found_by_date(signed_in, passage):
    EventFactory(title="In June", date_start=dt.date(2021, 6, 22))
    EventFactory(title="In March", date_start=dt.date(2021, 3, 1))
    body = search(signed_in, passage, "June 2021").content.decode()
    assert "In June" in body
    assert "In March" not in body


def test_the_events_nearest_the_sources_date_are_offered_first(signed_in, passage):
    # The source is of 24 June 2021: a reviewer's list began in 1947, its month's events last.
    for title, day in [
        ("Talks 1947", dt.date(1947, 1, 1)),
        ("Talks 2030", dt.date(2030, 1, 1)),
        ("Talks in June", dt.date(2021, 6, 22)),
        ("Talks in July", dt.date(2021, 7, 1)),
        ("Talks 2019", dt.date(2019, 5, 1)),
    ]:
        EventFactory(title=title, date_start=day)
    EventFactory(title="Talks undated", date_start=None)
    body = search(signed_in, passage, "talks").content.decode()
    offered = re.findall(r"Add to “(Talks[^”]*)”", body)
    assert offered == [
        "Talks in June",
        "Talks in July",
        "Talks 2019",
        "Talks 2030",
        "Talks 1947",
        "Talks undated",
    ]


def test_the_events_nearest_the_selections_own_date_come_first(signed_in):
    # In a chronology written in October, an entry under "March 26" is about March: a
    # reviewer's list offered October's events and none of March's.
    source = SourceFactory(
        text="March 26: Fomin arrives in Naypyitaw for the parade.\n\n"
        "October 20: Lavrov holds talks in Moscow.\n"
    )
    source.reference_date = dt.date(2021, 10, 30)
    source.save()
    EventFactory(title="Talks in October", date_start=dt.date(2021, 10, 20))
    EventFactory(title="Talks on the parade eve", date_start=dt.date(2021, 3, 26))
    passage = source.passages.get(index=0)
    body = signed_in.get(
        reverse("event-cite-search"), {**selection(passage, "Fomin arrives"), "q": "talks"}
    ).content.decode()
    assert re.findall(r"Add to “(Talks[^”]*)”", body) == [
        "Talks on the parade eve",
        "Talks in October",
    ]


def test_an_event_holding_the_selections_day_comes_before_nearer_starts(signed_in):
    # A reviewer's words of 24 August listed the month's event ("c. August 2021") seventh,
    # after events of early September whose starts lie nearer the day.
    source = SourceFactory(text="August 24: Russia sells an additional US$2.3 billion of arms.\n")
    source.reference_date = dt.date(2021, 10, 30)
    source.save()
    for title, day in [
        ("Talks of 1 September", dt.date(2021, 9, 1)),
        ("Talks of 5 September", dt.date(2021, 9, 5)),
        ("Talks of 10 August", dt.date(2021, 8, 10)),
    ]:
        EventFactory(title=title, date_start=day)
    EventFactory(title="Talks of August", date_start=dt.date(2021, 8, 1), date_precision="month")
    EventFactory(title="Talks of 24 August", date_start=dt.date(2021, 8, 24))
    passage = source.passages.get(index=0)
    body = signed_in.get(
        reverse("event-cite-search"), {**selection(passage, "Russia sells"), "q": "talks"}
    ).content.decode()
    assert re.findall(r"Add to “(Talks[^”]*)”", body) == [
        "Talks of 24 August",
        "Talks of August",
        "Talks of 1 September",
        "Talks of 5 September",
        "Talks of 10 August",
    ]


def test_words_writing_another_date_than_the_events_are_cited_with_a_note_to_check(signed_in):
    """A reviewer cited "a joint exercise ... next year" on an arrival of 1 December with no
    warning. The words' own date is kept as written; one the event's date does not overlap
    is said, and noted on the citation for review."""
    source = SourceFactory(
        text="Lavrov arrived in Naypyitaw on Tuesday.\n\n"
        "The two navies would hold a joint exercise in the Andaman Sea next year.\n"
    )
    source.reference_date = dt.date(2026, 12, 3)
    source.save()
    arrival = EventFactory(title="Lavrov arrives", date_start=dt.date(2026, 12, 1))
    exercise = source.passages.get(index=1)
    response = post_cite(
        signed_in,
        arrival,
        selection(exercise, "would hold a joint exercise in the Andaman Sea next year"),
        follow=True,
    )
    citation = Citation.objects.get()
    assert citation.date_text == "next year"
    assert citation.note.startswith("Check the date: these words write “next year” (2027)")
    assert "the event is dated 1 December 2026" in citation.note
    assert "Check the date" in response.content.decode()
    # Words of the event's own date: kept as written, nothing to check.
    arrived = source.passages.get(index=0)
    post_cite(signed_in, arrival, selection(arrived, "Lavrov arrived in Naypyitaw on Tuesday."))
    same = Citation.objects.get(passage=arrived)
    assert (same.date_text, same.note) == ("Tuesday", "")


def test_drafts_are_offered_to_analysts(signed_in, passage):
    EventFactory(title="Draft visit", status=Status.DRAFT)
    assert "Draft visit" in search(signed_in, passage, "visit").content.decode()


def test_the_search_answers_htmx_with_a_fragment(signed_in, passage):
    EventFactory(title="Talks")
    response = search(signed_in, passage, "talks", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.startswith('\n<div id="cite-results"') or body.startswith('<div id="cite-results"')
    assert "<html" not in body


def test_the_search_says_when_nothing_matches(signed_in, passage):
    body = search(signed_in, passage, "zzz").content.decode()
    assert "No event matches “zzz”" in body


def test_the_search_refuses_a_bad_selection(signed_in, passage):
    response = signed_in.get(
        reverse("event-cite-search"), {"passage": passage.pk, "start": 0, "end": 999, "q": ""}
    )
    assert response.status_code == 400
    assert "outside passage 1" in response.content.decode()


@pytest.mark.parametrize("rows", [1, 5, 10])
def test_the_search_runs_the_same_queries_however_many_events(
    signed_in, passage, django_assert_num_queries, rows
):
    for i in range(rows):
        EventFactory(title=f"Talks {i}")
    search(signed_in, passage, "talks")
    # session, user, groups, the passage with its source, the source's passages (the
    # selection's date), the events before that date, after it, undated
    with django_assert_num_queries(8):
        body = search(signed_in, passage, "talks").content.decode()
    assert body.count("Add to “Talks") == rows


def test_readers_who_are_not_analysts_cannot_search(client, reader, passage):
    client.force_login(reader)
    assert search(client, passage, "x").status_code == 403


# The reader offers it only to analysts --------------------------------------------------------


def test_the_reader_offers_the_popover_to_analysts_only(client, analyst, reader, passage):
    url = reverse("source-detail", args=[passage.source_id])
    for user in (None, reader):
        if user:
            client.force_login(user)
        body = client.get(url).content.decode()
        assert 'id="cite-popover"' not in body
        assert "js/cite.js" not in body
    client.force_login(analyst)
    body = client.get(url).content.decode()
    assert 'id="cite-popover"' in body
    assert "New event from this" in body
    assert "Add to event…" in body


def test_the_reader_wraps_each_passage_text_and_marks_links_as_not_text(signed_in, passage):
    event = EventFactory()
    cite(event, locate(passage.source, QUOTE))
    body = signed_in.get(reverse("source-detail", args=[passage.source_id])).content.decode()
    assert f'<span class="ptext" data-passage="{passage.pk}">' in body
    assert "data-nontext><sup>↗</sup>" in body
    assert f'id="{passage.anchor}"' in body
