"""The daily flow around the suggestions queue: accept or add, then back to the queue at the
next proposal with a message; open proposals first, done ones folded."""

import datetime as dt

import pytest
from django.urls import reverse

from events.models import Event
from suggestions.services import proposals_for_source, review
from tests.event_form_data import form_data
from tests.factories import EventFactory, SourceFactory
from tests.test_suggestions import actors, fresh_cache, new_source, visit_event  # noqa: F401

pytestmark = pytest.mark.django_db


def test_accepting_a_proposal_creates_the_event_and_returns_to_the_next_proposal(
    actors,  # noqa: F811
    analyst,
    client,
):
    source = new_source()
    client.force_login(analyst)
    queue = client.get(reverse("source-suggestions", args=[source.pk])).content.decode()
    p = proposals_for_source(source)[0]
    assert f"next=%2Fsources%2F{source.pk}%2Fsuggestions%2F%23next" in queue
    form = client.get(
        reverse("event-new"),
        {"passage": p.passage_id, "start": p.start, "end": p.end, "next": "https://evil.example/"},
    )
    assert 'name="next"' not in form.content.decode()  # only our own addresses
    back = f"/sources/{source.pk}/suggestions/#next"
    data = form_data(
        title="Kasatonov visits Yangon",
        date_text="October 24",
        next=back,
        actors=[{"name": "Vladimir Kasatonov", "role": "visitor"}],
        citations=[
            {
                "source": source.pk,
                "passage": p.passage_id,
                "start": p.start,
                "end": p.end,
                "quote": p.quote,
            }
        ],
    )
    response = client.post(reverse("event-new"), data, follow=True)
    assert response.redirect_chain, response.content.decode()[-3000:]
    assert response.redirect_chain[-1][0] == back
    body = response.content.decode()
    assert "Created “Kasatonov visits Yangon”." in body
    assert Event.objects.filter(title="Kasatonov visits Yangon").exists()
    # The accepted proposal is done and folded; the next open one carries the #next anchor.
    assert review(source)[0].status == "done"
    assert '<details class="done-proposals">' in body
    assert body.index('id="next"') < body.index('<details class="done-proposals">')


def test_saving_an_event_says_so(analyst, client):
    client.force_login(analyst)
    response = client.post(
        reverse("event-new"), form_data(title="A new event", date_text="2021"), follow=True
    )
    assert "Created “A new event”." in response.content.decode()


def test_the_queue_lists_open_proposals_first_and_folds_done_ones(
    actors,  # noqa: F811
    analyst,
    client,
):
    event = visit_event(actors)
    source = new_source()
    first = proposals_for_source(source)[0]
    client.force_login(analyst)
    add = reverse("source-suggestions-add", args=[source.pk])
    data = {"passage": first.passage_id, "start": first.start, "end": first.end}
    response = client.post(add, {**data, "event": event.pk}, follow=True)
    body = response.content.decode()
    assert "Added the sentence to “Kasatonov visits Yangon”." in body
    folded = body[body.index('<details class="done-proposals">') :]
    assert f'id="s-{first.key}"' in folded
    assert "1 done: already cited" in folded


# --- Messages after every create, cite, restore ---------------------------------------------


def test_citing_while_reading_says_so_and_a_repeat_says_it_is_already_there(client, analyst):
    from tests.test_cite import QUOTE, selection

    passage = SourceFactory().passages.get(index=1)
    event = EventFactory(title="Talks in Moscow")
    client.force_login(analyst)
    url = reverse("event-cite", args=[event.pk])
    response = client.post(url, selection(passage, quote=QUOTE), follow=True)
    assert "Cited on “Talks in Moscow”." in response.content.decode()
    again = client.post(url, selection(passage, quote=QUOTE), follow=True)
    assert "“Talks in Moscow” already cites these words." in again.content.decode()


def test_the_created_entry_of_the_history_shows_the_first_values(client, analyst):
    client.force_login(analyst)
    client.post(
        reverse("event-new"),
        form_data(title="Shoigu visits Naypyidaw", date_text="2021", summary="First summary."),
    )
    event = Event.objects.get(title="Shoigu visits Naypyidaw")
    body = client.get(reverse("event-history", args=[event.pk])).content.decode()
    created = body[body.index("Created") :]
    assert "First value" in created
    assert "<ins>Shoigu visits Naypyidaw</ins>" in created
    assert "<ins>First summary.</ins>" in created


def test_add_to_an_existing_event_is_a_choice_never_a_preselected_event(
    actors,  # noqa: F811
    analyst,
    client,
):
    visit_event(actors)
    source = new_source()
    client.force_login(analyst)
    body = client.get(reverse("source-suggestions", args=[source.pk])).content.decode()
    chooser = body[body.index('name="event" required>') :]
    assert chooser.startswith('name="event" required><option value="">choose an event…</option>')


def test_accepting_a_plan_keeps_with_its_citation_that_it_was_planned_when_written(analyst, client):
    """ "Shoigu will arrive in Yangon on Friday", in a report of Tuesday 5 March 2024: the
    queue warned, but the event created from it was a plain event of 8 March 2024."""
    from events.models import Citation
    from sources.services import import_source
    from tests.factories import ActorFactory

    ActorFactory(name="Sergei Shoigu")
    source, _ = import_source(
        "Visit\n\nSergei Shoigu will arrive in Yangon on Friday for a three-day visit.\n",
        title="Visit",
        key="visit",
        published_date=dt.date(2024, 3, 5),
    )
    (p,) = proposals_for_source(source)
    client.force_login(analyst)
    form = client.get(
        reverse("event-new"), {"passage": p.passage_id, "start": p.start, "end": p.end}
    ).content.decode()
    said = (
        "8 March 2024 is after the source was written (5 March 2024): planned or foreseen as "
        "of the source&#x27;s date, not yet a happening, unless the text says it took place"
    )
    assert f"<strong>Check the date:</strong> {said}" in form
    assert f"Check the date: {said}." in form  # the citation's note, kept on Create
    note = f"Check the date: {said}.".replace("&#x27;", "'")
    data = form_data(
        title="Shoigu visits Yangon",
        date_text="Friday",
        reference="2024-03-05",  # the form's: the cited source's date
        actors=[{"name": "Sergei Shoigu", "role": "visitor"}],
        citations=[
            {
                "source": source.pk,
                "passage": p.passage_id,
                "start": p.start,
                "end": p.end,
                "quote": p.quote,
                "date_text": "Friday",
                "note": note,
            }
        ],
    )
    response = client.post(reverse("event-new"), data, follow=True)
    assert response.redirect_chain, response.content.decode()[-3000:]
    event = Event.objects.get(title="Shoigu visits Yangon")
    assert event.date_start == dt.date(2024, 3, 8)
    assert Citation.objects.get(event=event).note == note
    page = client.get(reverse("event-detail", args=[event.pk])).content.decode()
    assert "<strong>Planned when written:</strong> every source citing it was written" in page
    assert "(the latest on 5 March 2024)" in page
    # A later source reporting it done: no longer planned as every citing source tells it.
    from suggestions.services import add_to_event

    later, _ = import_source(
        "Arrived\n\nSergei Shoigu arrived in Yangon on 8 March 2024.\n",
        title="Arrived",
        key="arrived",
        published_date=dt.date(2024, 3, 9),
    )
    add_to_event(later, proposals_for_source(later)[0], event)
    page = client.get(reverse("event-detail", args=[event.pk])).content.decode()
    assert "Planned when written" not in page
