"""The event form: /events/new/, /events/<id>/edit/, prefill and the live date parsing."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from events.models import Actor, Alias, Citation, Event, Participation, Status
from events.services import Located, NewCitation, save_event
from tests.event_form_data import form_data
from tests.factories import ActorFactory, AliasFactory, EventFactory, SourceFactory

pytestmark = pytest.mark.django_db

VISIT = "Min Aung Hlaing visited Moscow on June 22."


@pytest.fixture
def source():
    source = SourceFactory(published_date=dt.date(2021, 6, 24))
    source.reference_date = dt.date(2021, 6, 24)
    source.save()
    return source


@pytest.fixture
def passage(source):
    return source.passages.get(index=1)


@pytest.fixture
def signed_in(client, analyst):
    client.force_login(analyst)
    return client


def new(client, data, **headers):
    return client.post(reverse("event-new"), data, **headers)


def citation_row(passage, quote=VISIT, **extra):
    start = passage.text.index(quote)
    return {
        "source": passage.source_id,
        "quote": quote,
        "passage": passage.index,
        "start": start,
        "end": start + len(quote),
        **extra,
    }


# Who may use it ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["event-new", "event-parse-date"])
def test_anonymous_visitors_are_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_htmx_requests_get_hx_redirect_not_a_login_fragment(client):
    response = client.get(
        reverse("event-parse-date"), {"date_text": "June 2021"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("login"))


def test_anonymous_posts_write_nothing(client):
    response = new(client, form_data())
    assert response.status_code == 302
    assert not Event.objects.exists()


def test_readers_who_are_not_analysts_are_refused(client, reader, event):
    client.force_login(reader)
    assert client.get(reverse("event-new")).status_code == 403
    assert client.get(reverse("event-edit", args=[event.pk])).status_code == 403
    assert client.get(reverse("event-parse-date"), {"date_text": "2021"}).status_code == 403
    assert new(client, form_data()).status_code == 403
    assert Event.objects.count() == 1


def test_analysts_get_the_empty_form(signed_in):
    response = signed_in.get(reverse("event-new"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="title"' in body
    assert 'name="actors-TOTAL_FORMS"' in body
    assert reverse("actor-suggest") in body


def test_editing_a_missing_event_is_404(signed_in):
    assert signed_in.get(reverse("event-edit", args=[999])).status_code == 404


def test_edit_and_new_links_show_only_for_analysts(client, analyst, reader, event):
    url = reverse("event-detail", args=[event.pk])
    edit = reverse("event-edit", args=[event.pk])
    assert edit not in client.get(url).content.decode()
    client.force_login(reader)
    assert edit not in client.get(url).content.decode()
    client.force_login(analyst)
    body = client.get(url).content.decode()
    assert edit in body
    assert reverse("event-new") in body


# "Approximate" follows the date as written --------------------------------------------------


def test_a_date_typed_anew_on_edit_drops_the_approximate_of_the_date_before(signed_in):
    # A reviewer's "c. June 2021" edited to "23 June 2021" saved "c. 23 June 2021" while the
    # preview said 23 June 2021: the box came back ticked from "late June".
    assert new(signed_in, form_data(date_text="late June 2021")).status_code == 302
    event = Event.objects.get()
    assert event.date_approximate
    edit = reverse("event-edit", args=[event.pk])
    data = form_data(date_text="23 June 2021", version=event.version, date_approximate="on")
    assert signed_in.post(edit, data).status_code == 302
    event.refresh_from_db()
    assert (str(event.date_start), event.date_precision) == ("2021-06-23", "day")
    assert event.date_approximate is False


def test_approximate_ticked_by_the_analyst_is_kept(signed_in):
    assert new(signed_in, form_data(date_text="June 2021", date_approximate="on")).status_code == (
        302
    )
    assert Event.objects.get().date_approximate is True


def test_saving_an_edit_that_changes_nothing_keeps_approximate(signed_in):
    """A reviewer saved "c. 26 March 2021" unchanged and it became "26 March 2021": the edit
    form opens with Start blank (the text says the date) and the box ticked, and the save
    read "approximate" from the text alone. The preview said so too, before the save."""
    data = form_data(date_text="26 March 2021", date_approximate="on")
    assert new(signed_in, data).status_code == 302
    event = Event.objects.get()
    assert event.date_approximate is True
    edit = reverse("event-edit", args=[event.pk])
    page = signed_in.get(edit).content.decode()
    preview = re.search(r'<output id="date-preview"[^>]*>(.*?)</output>', page, re.S)
    assert preview
    assert "26 March 2021, day precision, approximate" in preview.group(1)
    assert signed_in.post(edit, {**data, "version": event.version}).status_code == 302
    event.refresh_from_db()
    assert event.date_approximate is True
    assert event.history.count() == 1  # nothing changed, nothing recorded


def test_the_live_preview_says_approximate_as_the_save_will(signed_in):
    url = reverse("event-parse-date")
    saved = {"saved_date_text": "26 March 2021", "saved_date_approximate": "1"}
    kept = signed_in.get(url, {"date_text": "26 March 2021", "date_approximate": "on", **saved})
    assert "day precision, approximate" in kept.content.decode()
    # Typed anew, the box left from before does not carry over (as the save decides).
    typed = signed_in.get(url, {"date_text": "27 March 2021", "date_approximate": "on", **saved})
    assert "27 March 2021, day precision<" in typed.content.decode()
    ticked = signed_in.get(url, {"date_text": "27 March 2021", "date_approximate": "on"})
    assert "approximate" in ticked.content.decode()


def test_the_edit_form_opens_saying_which_date_wins(signed_in):
    """Start, end and precision filled win over the text: the preview says so when the form
    opens, not only once the analyst types (it said "24 October 2021, day precision")."""
    data = form_data(date_text="24 October 2021", date_start="2021-10-01", date_precision="month")
    assert new(signed_in, data).status_code == 302
    event = Event.objects.get()
    assert (str(event.date_start), event.date_precision) == ("2021-10-01", "month")
    page = signed_in.get(reverse("event-edit", args=[event.pk])).content.decode()
    preview = re.search(r'<output id="date-preview"[^>]*>(.*?)</output>', page, re.S)
    assert preview
    assert "but October 2021 (month precision) is filled below and wins" in preview.group(1)


def test_a_summary_over_the_limit_is_said_and_kept_not_cut_by_the_browser(signed_in):
    page = signed_in.get(reverse("event-new")).content.decode()
    textarea = re.search(r'<textarea name="summary"[^>]*>', page)
    assert textarea
    assert "maxlength" not in textarea.group(0)
    long = "The conclusion comes last. " * 230  # 6,210 characters
    response = new(signed_in, form_data(date_text="June 2021", summary=long))
    assert response.status_code == 400  # the form again, with its errors
    body = response.content.decode()
    assert "at most 5000 characters" in body
    assert body.count("The conclusion comes last.") == 230  # all of it, in the textarea
    assert not Event.objects.exists()


# Creating ----------------------------------------------------------------------------------


def test_a_draft_needs_no_citation_and_redirects_to_its_page(signed_in, analyst):
    response = new(signed_in, form_data(date_text="June 22-24, 2021"))
    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("event-detail", args=[event.pk])
    assert event.status == Status.DRAFT
    assert (event.date_start, event.date_end, event.date_precision) == (
        dt.date(2021, 6, 22),
        dt.date(2021, 6, 24),
        "day",
    )
    assert event.date_text == "June 22-24, 2021"
    assert event.version == 1
    assert event.author == analyst


def test_bare_dates_are_read_against_the_reference_date(signed_in):
    new(signed_in, form_data(date_text="March 26", reference="2021-06-24"))
    assert Event.objects.get().date_start == dt.date(2021, 3, 26)


@pytest.mark.parametrize(
    ("text", "start", "end", "precision", "approximate"),
    [
        ("June 2021", dt.date(2021, 6, 1), None, "month", False),
        ("2016", dt.date(2016, 1, 1), None, "year", False),
        ("between 1999 and 2018", dt.date(1999, 1, 1), dt.date(2018, 1, 1), "year", False),
        ("late June 2021", dt.date(2021, 6, 1), None, "month", True),
    ],
)
def test_month_year_and_range_texts_set_the_date(
    signed_in, text, start, end, precision, approximate
):
    new(signed_in, form_data(date_text=text))
    event = Event.objects.get()
    assert (event.date_start, event.date_end, event.date_precision) == (start, end, precision)
    assert event.date_approximate is approximate


def test_explicit_start_and_precision_win_over_the_text(signed_in):
    new(
        signed_in,
        form_data(date_text="June 22", date_start="2021-06-01", date_precision="month"),
    )
    event = Event.objects.get()
    assert (event.date_start, event.date_end, event.date_precision) == (
        dt.date(2021, 6, 1),
        None,
        "month",
    )
    assert event.date_text == "June 22"


def test_publishing_with_a_citation_stores_it_verbatim(signed_in, passage):
    response = new(signed_in, form_data(status="published", citations=[citation_row(passage)]))
    assert response.status_code == 302
    event = Event.objects.get()
    citation = event.citations.get()
    assert citation.quote == VISIT
    assert passage.text[citation.start : citation.end] == VISIT
    assert citation.suffix == passage.text[citation.end : citation.end + 32]
    assert event.status == Status.PUBLISHED


def test_a_quote_without_offsets_is_found_in_its_source(signed_in, source):
    row = {"source": source.pk, "quote": "He met Sergei Shoigu in Moscow."}
    new(signed_in, form_data(citations=[row]))
    citation = Citation.objects.get()
    assert citation.passage.index == 1
    assert citation.quote == "He met Sergei Shoigu in Moscow."


def test_the_source_may_be_typed_as_its_key(signed_in, source):
    row = {"source": f" {source.key} ", "quote": "He met Sergei Shoigu in Moscow."}
    assert new(signed_in, form_data(citations=[row])).status_code == 302
    assert Citation.objects.get().passage.source == source


def test_a_key_typed_in_other_case_finds_its_source(signed_in, source):
    # An analyst typed the key with capitals and was told no source has it.
    row = {"source": source.key.upper(), "quote": "He met Sergei Shoigu in Moscow."}
    assert new(signed_in, form_data(citations=[row])).status_code == 302
    assert Citation.objects.get().passage.source == source


def test_a_key_as_typed_wins_over_its_lower_case(signed_in, source):
    other = SourceFactory(key="Shoigu-Visit", text="He met Sergei Shoigu in Moscow.\n")
    lower = SourceFactory(key="shoigu-visit", text="He met Sergei Shoigu in Moscow. Later too.\n")
    for typed, expected in [("Shoigu-Visit", other), ("SHOIGU-VISIT", lower)]:
        Event.objects.all().delete()
        row = {"source": typed, "quote": "He met Sergei Shoigu in Moscow."}
        assert new(signed_in, form_data(citations=[row])).status_code == 302
        assert Citation.objects.get().passage.source == expected


@pytest.mark.parametrize("typed", ["no-such-source", "999999", "<b>x</b>"])
def test_a_source_no_key_or_id_names_is_refused_saying_what_to_type(signed_in, source, typed):
    row = {"source": typed, "quote": "He met Sergei Shoigu in Moscow."}
    response = new(signed_in, form_data(citations=[row]))
    body = response.content.decode()
    assert response.status_code == 400
    escaped = typed.replace("<", "&lt;").replace(">", "&gt;")
    assert f"No source has the key or id “{escaped}”: type the key shown" in body
    assert "Choose the source this quote comes from." not in body  # one message, not two
    assert not Event.objects.exists()


def test_the_source_box_suggests_the_newest_sources_not_every_source(signed_in, monkeypatch):
    from events import forms

    monkeypatch.setattr(forms, "SOURCE_SUGGESTIONS", 3)
    made = [SourceFactory() for _ in range(5)]
    body = signed_in.get(reverse("event-new")).content.decode()
    assert '<select name="citations-0-source"' not in body
    assert 'name="citations-0-source"' in body
    assert 'list="citation-sources"' in body
    listed = body[body.index('<datalist id="citation-sources">') :]
    listed = listed[: listed.index("</datalist>")]
    assert [s.key for s in made if f'value="{s.key}"' in listed] == [s.key for s in made[2:]]


def test_existing_actors_are_found_by_alias_ignoring_case(signed_in):
    actor = ActorFactory(name="Min Aung Hlaing")
    AliasFactory(actor=actor, name="Senior General")
    new(signed_in, form_data(actors=[{"name": "senior general", "role": "visitor"}]))
    participation = Participation.objects.get()
    assert (participation.actor, participation.role) == (actor, "visitor")
    assert Actor.objects.count() == 1


def test_an_unknown_actor_is_created_inline_with_its_aliases(signed_in):
    rows = [
        {
            "name": "Alexander Fomin",
            "role": "host",
            "new_kind": "person",
            "new_aliases": "Fomin, A. Fomin",
        }
    ]
    response = new(signed_in, form_data(actors=rows))
    assert response.status_code == 302
    actor = Actor.objects.get(name="Alexander Fomin")
    assert actor.kind == "person"
    assert actor.slug == "alexander-fomin"
    assert sorted(actor.aliases.values_list("name", flat=True)) == ["A. Fomin", "Fomin"]
    assert Participation.objects.get().actor == actor


def test_the_same_new_actor_in_two_roles_is_created_once(signed_in):
    rows = [
        {"name": "Fomin", "role": "host", "new_kind": "person"},
        {"name": "Fomin", "role": "speaker", "new_kind": "person"},
    ]
    new(signed_in, form_data(actors=rows))
    assert Actor.objects.count() == 1
    assert Participation.objects.count() == 2


def test_the_form_is_rerendered_as_a_fragment_for_htmx(signed_in):
    response = new(signed_in, form_data(title=""), HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    body = response.content.decode()
    assert "<html" not in body
    assert 'id="event-form"' in body
    assert "This field is required." in body


def test_htmx_success_follows_hx_redirect(signed_in):
    response = new(signed_in, form_data(), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("event-detail", args=[Event.objects.get().pk])


# Refusals: a clear message, nothing written -------------------------------------------------


def refused(client, data, message: str) -> str:
    before = (Event.objects.count(), Actor.objects.count(), Citation.objects.count())
    response = new(client, data)
    body = response.content.decode()
    assert response.status_code == 400, body
    assert message in body, body
    assert (Event.objects.count(), Actor.objects.count(), Citation.objects.count()) == before
    return body


def test_a_title_is_required(signed_in):
    refused(signed_in, form_data(title=""), "This field is required.")


def test_an_unknown_event_type_is_refused(signed_in):
    refused(signed_in, form_data(type="invasion"), "Select a valid choice.")


def test_unreadable_date_text_is_refused_with_how_to_write_it(signed_in):
    refused(signed_in, form_data(date_text="the day after"), "Could not read a date")


def test_an_end_before_the_start_is_refused(signed_in):
    refused(
        signed_in,
        form_data(date_start="2021-06-24", date_end="2021-06-22"),
        "The end date is before the start date",
    )


def test_an_end_without_a_start_is_refused(signed_in):
    refused(signed_in, form_data(date_end="2021-06-22"), "An end date needs a start date.")


def test_an_unknown_actor_without_a_kind_is_refused(signed_in):
    refused(
        signed_in,
        form_data(actors=[{"name": "Nobody Known"}]),
        "No actor is named “Nobody Known”",
    )


def test_a_new_actors_alias_that_names_another_actor_is_refused(signed_in):
    ActorFactory(name="Sergei Shoigu")
    refused(
        signed_in,
        form_data(actors=[{"name": "Fomin", "new_kind": "person", "new_aliases": "sergei shoigu"}]),
        "already names Sergei Shoigu",
    )


def test_the_same_actor_twice_in_one_role_is_refused(signed_in):
    ActorFactory(name="Sergei Shoigu")
    rows = [{"name": "Sergei Shoigu", "role": "host"}, {"name": "sergei shoigu", "role": "host"}]
    refused(signed_in, form_data(actors=rows), "listed twice with the same role")


def test_a_kind_without_a_name_is_refused(signed_in):
    refused(signed_in, form_data(actors=[{"new_kind": "person"}]), "Write the new actor")


def test_publishing_without_a_citation_is_refused(signed_in):
    refused(signed_in, form_data(status="published"), "A published event needs at least one")


def test_a_quote_the_source_does_not_contain_is_refused(signed_in, source):
    refused(
        signed_in,
        form_data(citations=[{"source": source.pk, "quote": "Putin visited Yangon."}]),
        "Quote not found",
    )


def test_a_quote_without_its_source_is_refused(signed_in):
    refused(signed_in, form_data(citations=[{"quote": "anything"}]), "Choose the source")


def test_offsets_that_do_not_match_the_quote_are_refused(signed_in, passage):
    row = citation_row(passage)
    row["quote"] = "Min Aung Hlaing visited Moscow on June 23."
    refused(signed_in, form_data(citations=[row]), "does not match the passage")


def test_the_same_quote_twice_is_refused(signed_in, passage):
    rows = [citation_row(passage), citation_row(passage)]
    refused(signed_in, form_data(citations=rows), "added twice")


def test_a_bad_citation_leaves_nothing_even_past_the_form(analyst, passage):
    """The database refuses a false quote; the event and the new actor go with it."""
    from django.db import DatabaseError

    from events.forms import ActorChoice

    false = Located(passage, 0, len(VISIT), "Putin visited Moscow on June 22, said the press.")
    with pytest.raises(DatabaseError):
        save_event(
            Event(title="Never stored"),
            actors=[ActorChoice(role="host", name="New Person", kind="person", aliases=("NP",))],
            add_citations=[NewCitation(false)],
            user=analyst,
        )
    assert not Event.objects.exists()
    assert not Actor.objects.exists()
    assert not Alias.objects.exists()
    assert not Citation.objects.exists()


# Editing -----------------------------------------------------------------------------------


def test_editing_changes_fields_actors_and_citations_and_bumps_the_version_once(signed_in, passage):
    shoigu = ActorFactory(name="Sergei Shoigu")
    putin = ActorFactory(name="Vladimir Putin")
    event = EventFactory(status=Status.DRAFT)
    Participation.objects.create(event=event, actor=putin, role="host")
    url = reverse("event-edit", args=[event.pk])
    body = signed_in.get(url).content.decode()
    assert 'value="Vladimir Putin"' in body
    assert 'name="version" value="1"' in body

    data = form_data(
        title="Talks in Moscow",
        version=1,
        date_text="June 22",
        actors=[{"name": "sergei shoigu", "role": "host"}],
        citations=[citation_row(passage)],
    )
    response = signed_in.post(url, data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Talks in Moscow"
    assert event.version == 2
    assert [p.actor for p in event.participations.all()] == [shoigu]
    assert event.citations.count() == 1


def test_removing_the_last_citation_of_a_published_event_is_refused(signed_in, passage):
    event = EventFactory(status=Status.PUBLISHED)
    from events.services import cite, locate

    citation = cite(event, locate(passage.source, VISIT))
    url = reverse("event-edit", args=[event.pk])
    data = form_data(version=1, status="published", remove=[citation.pk])
    response = signed_in.post(url, data)
    assert response.status_code == 400
    assert "A published event needs at least one" in response.content.decode()
    assert event.citations.count() == 1

    data["status"] = "draft"
    assert signed_in.post(url, data).status_code == 302
    assert not event.citations.exists()
    event.refresh_from_db()
    assert event.version == 2


def test_a_citation_of_another_event_cannot_be_removed(signed_in, passage):
    from events.services import cite, locate

    other = EventFactory()
    citation = cite(other, locate(passage.source, VISIT))
    event = EventFactory(status=Status.DRAFT)
    response = signed_in.post(
        reverse("event-edit", args=[event.pk]), form_data(version=1, remove=[citation.pk])
    )
    assert response.status_code == 400
    assert Citation.objects.filter(pk=citation.pk).exists()


def test_an_edit_without_its_version_is_refused(signed_in):
    event = EventFactory()
    response = signed_in.post(reverse("event-edit", args=[event.pk]), form_data())
    assert response.status_code == 400
    assert "reload the page" in response.content.decode()
    event.refresh_from_db()
    assert event.version == 1


def test_explicit_fields_start_blank_when_the_text_says_the_same(signed_in, passage):
    from events.services import cite, locate

    event = EventFactory(date_text="June 22", date_start=dt.date(2021, 6, 22), date_precision="day")
    cite(event, locate(passage.source, VISIT))  # its source reads "June 22" as 2021
    body = signed_in.get(reverse("event-edit", args=[event.pk])).content.decode()
    assert '<input type="date" name="date_start" aria-describedby' in body
    other = EventFactory(date_text="", date_start=dt.date(2021, 6, 22))
    body = signed_in.get(reverse("event-edit", args=[other.pk])).content.decode()
    assert 'name="date_start" value="2021-06-22"' in body  # ISO, as <input type=date> needs


@pytest.mark.parametrize("rows", [1, 4, 12])
def test_the_edit_form_runs_the_same_queries_however_many_actors_and_citations(
    signed_in, passage, django_assert_num_queries, rows
):
    from events.services import cite, locate

    event = EventFactory()
    for _ in range(rows):  # a span is cited once per event: a new source each time
        Participation.objects.create(event=event, actor=ActorFactory(), role="participant")
        cite(event, locate(SourceFactory(), "Min Aung Hlaing", 1, 0))
    url = reverse("event-edit", args=[event.pk])
    signed_in.get(url)
    # session, user, groups, event, citations, participations, the sources suggested
    with django_assert_num_queries(7):
        assert signed_in.get(url).status_code == 200


# Prefill -------------------------------------------------------------------------------------


def prefill(client, **params):
    response = client.get(reverse("event-new"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_prefill_makes_the_citation_from_the_selection(signed_in, passage):
    start = passage.text.index("He met")
    end = passage.text.index("Moscow.", start) + len("Moscow.")
    body = prefill(signed_in, passage=passage.pk, start=start, end=end)
    assert f'name="citations-0-start" value="{start}"' in body
    assert f'name="citations-0-end" value="{end}"' in body
    assert f'name="citations-0-passage" value="{passage.index}"' in body
    assert "He met Sergei Shoigu in Moscow." in body
    # Bare dates are read against the cited source's own date, named by its id.
    assert f'name="reference" value="{passage.source.pk}"' in body


def test_prefill_takes_the_date_written_in_the_selection_as_written(signed_in, passage):
    start = passage.text.index("Min Aung Hlaing visited")
    end = passage.text.index("He met") - 1
    body = prefill(signed_in, passage=passage.pk, start=start, end=end)
    assert 'name="date_text" id="id_date_text" value="June 22"' in body
    assert "22 June 2021, day precision" in body
    assert 'name="citations-0-date_text" value="June 22"' in body
    assert "Check the date" not in body


def test_prefill_of_an_undated_selection_says_where_its_date_comes_from(signed_in, passage):
    # "He met Sergei Shoigu in Moscow." writes no date: the date is the sentence before's,
    # filled as start and precision with a notice, never as the date the citation writes.
    start = passage.text.index("He met")
    body = prefill(signed_in, passage=passage.pk, start=start, end=start + 6)
    assert "Check the date:" in body
    assert "22 June 2021 is not written in the selected text" in body
    assert "taken from “June 22”" in body
    assert 'value="2021-06-22"' in body
    assert 'name="date_text" id="id_date_text" value=""' in body
    assert 'name="citations-0-date_text" value' not in body or (
        'name="citations-0-date_text" value=""' in body
    )


def test_prefill_takes_date_title_type_and_actors_as_given(signed_in, passage):
    body = prefill(
        signed_in,
        passage=passage.pk,
        start=0,
        end=15,
        date_text="May 20-22, 2021",
        title="Visit to Moscow",
        type="visit",
        actor=["Min Aung Hlaing", "Sergei Shoigu"],
    )
    assert 'value="May 20-22, 2021"' in body
    assert "20–22 May 2021, day precision" in body
    assert 'name="title" value="Visit to Moscow"' in body
    assert '<option value="visit" selected>' in body
    assert 'name="actors-0-name" value="Min Aung Hlaing"' in body
    assert 'name="actors-1-name" value="Sergei Shoigu"' in body


def test_a_selection_while_reading_prefills_the_actors_it_names(signed_in, passage):
    shoigu = ActorFactory(name="Sergei Shoigu")
    AliasFactory(actor=shoigu, name="Shoigu")
    ActorFactory(name="Moscow", kind="place")
    ActorFactory(name="Lavrov")  # not named in the selection
    start = passage.text.index("He met")
    end = passage.text.index("Moscow.", start) + len("Moscow.")
    body = prefill(signed_in, passage=passage.pk, start=start, end=end)
    assert 'name="actors-0-name" value="Sergei Shoigu"' in body
    assert 'name="actors-1-name" value="Moscow"' in body
    assert "Lavrov" not in body.split('id="actors"')[-1].split("</fieldset>")[0]
    # Actors given are taken as given, and no others.
    body = prefill(signed_in, passage=passage.pk, start=start, end=end, actor="Lavrov")
    assert 'name="actors-0-name" value="Lavrov"' in body
    assert 'value="Sergei Shoigu"' not in body


def test_a_selection_while_reading_prefills_the_type_its_words_suggest(signed_in, passage):
    """As the suggestions guess it: "visited" is a visit; a type given is taken as given."""
    start = passage.text.index("Min Aung Hlaing visited")
    end = passage.text.index("June 22.", start) + len("June 22.")

    body = prefill(signed_in, passage=passage.pk, start=start, end=end)
    assert '<option value="visit" selected>' in body

    body = prefill(signed_in, passage=passage.pk, start=start, end=end, type="meeting")
    assert '<option value="meeting" selected>' in body


def test_a_selection_attributed_to_someone_prefills_the_attribution(signed_in):
    source = SourceFactory(
        text="Talks.\nRussia will deliver six Yak-130 jets in April, according to Myanmar "
        "state media, which gave no figure.\nThe ministry said nothing.\n"
    )
    passage = source.passages.get(index=1)

    body = prefill(signed_in, passage=passage.pk, start=0, end=len(passage.text))
    assert 'value="according to Myanmar state media"' in body

    unattributed = source.passages.get(index=2)
    body = prefill(signed_in, passage=unattributed.pk, start=0, end=len(unattributed.text))
    assert 'value="according to' not in body


def test_prefill_escapes_what_it_is_given(signed_in):
    body = prefill(signed_in, title="<script>alert(1)</script>")
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;" in body


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"passage": "999", "start": "0", "end": "5"}, "passage=999: no such passage"),
        ({"passage": "abc", "start": "0", "end": "5"}, "passage=abc: no such passage"),
        ({"start": "0", "end": "500"}, "outside passage 1"),
        ({"start": "x", "end": "5"}, "start=x: write a whole number"),
        ({"start": "3", "end": "3"}, "it touches no text"),
        ({"type": "invasion"}, "type=invasion: not an event type"),
    ],
)
def test_prefill_reports_what_it_cannot_use(signed_in, passage, params, notice):
    params = {"passage": passage.pk, **params} if "passage" not in params else params
    body = prefill(signed_in, **params)
    assert notice in body
    assert 'name="citations-0-quote"' in body


def test_prefill_refuses_a_selection_of_only_spaces(signed_in, source):
    passage = source.passages.get(index=2)
    space = passage.text.index(" ")
    body = prefill(signed_in, passage=passage.pk, start=space, end=space + 1)
    assert "The selection touches no text" in body


# The live date parsing ------------------------------------------------------------------------


def parse(client, text, reference="2021-06-24", **headers):
    return client.get(
        reverse("event-parse-date"), {"date_text": text, "reference": reference}, **headers
    )


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("22-24 June 2021", "22–24 June 2021, day precision"),
        ("June 22-24", "22–24 June 2021, day precision"),
        ("May 20-22, 2021", "20–22 May 2021, day precision"),
        ("June 2021", "June 2021, month precision"),
        ("2016", "2016, year precision"),
        ("between 1999 and 2018", "1999–2018, year precision"),
        ("late June", "c. June 2021, month precision, approximate"),
    ],
)
def test_the_date_is_parsed_live(signed_in, text, shown):
    response = parse(signed_in, text, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert shown in body
    assert body.startswith('<output id="date-preview"')


def test_an_unreadable_date_gets_a_clear_message(signed_in):
    body = parse(signed_in, "sometime soon").content.decode()
    assert "Could not read a date in" in body
    assert 'class="error"' in body


def test_the_reference_may_be_a_source(signed_in, source):
    assert "26 March 2021" in parse(signed_in, "March 26", reference=source.pk).content.decode()


def test_an_unreadable_reference_falls_back_to_today(signed_in):
    body = parse(signed_in, "March 26", reference="yesterday").content.decode()
    assert f"26 March {dt.date.today().year}" in body


def test_a_tampered_version_is_refused_with_a_message(signed_in):
    event = EventFactory()
    response = signed_in.post(reverse("event-edit", args=[event.pk]), form_data(version="abc"))
    assert response.status_code == 400
    assert "Version: Enter a whole number. Reload the page." in response.content.decode()
    event.refresh_from_db()
    assert event.version == 1


def test_a_tampered_reference_is_refused_with_a_message(signed_in):
    refused(
        signed_in,
        form_data(reference="someday"),
        "Reference: “someday” names no source and is no date (YYYY-MM-DD); reload the form.",
    )
    refused(signed_in, form_data(reference="999999"), "Reference: “999999” names no source")


def test_tampered_citation_offsets_are_refused_with_a_message(signed_in, passage):
    row = {**citation_row(passage), "start": "x"}
    refused(signed_in, form_data(citations=[row]), "Start: Enter a whole number.")


def test_a_tampered_management_form_is_refused(signed_in):
    data = form_data()
    del data["actors-TOTAL_FORMS"]
    refused(signed_in, data, "ManagementForm data is missing or has been tampered with")


def test_without_a_reference_bare_dates_are_read_against_the_cited_source(signed_in, source):
    row = {"source": source.pk, "quote": "He met Sergei Shoigu in Moscow."}
    new(signed_in, form_data(reference="", date_text="March 26", citations=[row]))
    assert Event.objects.get().date_start == dt.date(2021, 3, 26)


def test_saving_without_a_change_takes_no_new_version(signed_in):
    putin = ActorFactory(name="Vladimir Putin")
    data = form_data(
        title="Talks in Moscow",
        date_text="June 22, 2021",
        actors=[{"name": putin.name, "role": "host"}],
    )
    assert signed_in.post(reverse("event-new"), data).status_code == 302
    event = Event.objects.get()
    records = event.history.count()

    # As the browser sends it back: the actor row is now one of the form's initial rows.
    unchanged = {**data, "version": "1", "actors-INITIAL_FORMS": "1"}
    response = signed_in.post(reverse("event-edit", args=[event.pk]), unchanged)

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.version == 1
    assert event.history.count() == records


@pytest.mark.parametrize(
    ("filled", "said"),
    [
        (
            {"date_start": "2025-03-12", "date_precision": "day"},
            "March 2025, month precision — but 12 March 2025 (day precision) is filled below "
            "and wins: clear Start, End and precision to save this reading.",
        ),
        ({"date_start": "2025-03-01", "date_precision": "month"}, "March 2025, month precision"),
        ({"date_start": "", "date_precision": "day"}, "March 2025, month precision"),
        ({"date_start": "not a date"}, "March 2025, month precision"),
    ],
)
def test_the_date_preview_says_when_a_filled_start_wins_over_the_reading(signed_in, filled, said):
    response = signed_in.get(
        reverse("event-parse-date"),
        {"date_text": "March 2025", "reference": "2025-03-14", **filled},
        HTTP_HX_REQUEST="true",
    )

    output = response.content.decode()
    text = re.sub(r"<[^>]+>", "", output).strip()
    assert text == said
