"""An event that starts after every citing source was written: a plan as they tell it. The
event page said so; the timeline, an actor's page and the API did not."""

import datetime as dt

import pytest
from django.urls import reverse

from events.models import Status
from events.services import cite, locate
from sources.services import import_source
from tests.factories import EventFactory

TEXT = "Visit\n\nSergei Shoigu will arrive in Yangon on Friday for a three-day visit.\n"
QUOTE = "Sergei Shoigu will arrive in Yangon on Friday for a three-day visit."

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_and_fact():
    """One source of Tuesday 5 March 2024; an event it cites on the Friday after (a plan),
    and one on the Monday before (told as a happening)."""
    source, _ = import_source(
        TEXT, title="Visit", key="visit-plan", published_date=dt.date(2024, 3, 5)
    )
    plan = EventFactory(
        title="Shoigu visits Yangon",
        status=Status.PUBLISHED,
        date_start=dt.date(2024, 3, 8),
        date_precision="day",
    )
    fact = EventFactory(
        title="Shoigu's visit announced",
        status=Status.PUBLISHED,
        date_start=dt.date(2024, 3, 4),
        date_precision="day",
    )
    for event in (plan, fact):
        cite(event, locate(source, QUOTE))
    return plan, fact


def test_the_api_says_which_events_were_planned_when_written(client, plan_and_fact):
    plan, fact = plan_and_fact
    rows = client.get("/api/events/").json()["results"]
    assert {row["title"]: row["planned_when_written"] for row in rows} == {
        "Shoigu visits Yangon": True,
        "Shoigu's visit announced": False,
    }
    assert client.get(f"/api/events/{plan.pk}/").json()["planned_when_written"] is True
    assert client.get(f"/api/events/{fact.pk}/").json()["planned_when_written"] is False


def test_a_source_known_only_as_a_lower_bound_plans_nothing(client, plan_and_fact):
    """ "on or after 5 March 2024": the event may be before the source was written."""
    plan, _fact = plan_and_fact
    source = plan.citations.get().passage.source
    type(source).objects.filter(pk=source.pk).update(published_on_or_after=True)
    assert client.get(f"/api/events/{plan.pk}/").json()["planned_when_written"] is False


def test_the_timeline_card_says_planned_when_written(client, plan_and_fact):
    plan, fact = plan_and_fact
    body = client.get(reverse("timeline")).content.decode()

    def card(event) -> str:
        opening = body.index(f'id="e-{event.pk}"')
        return body[opening : body.index("</article>", opening)]

    assert ">planned when written</span>" in card(plan)
    assert "the latest on 5 March 2024" in card(plan)
    assert "planned when written" not in card(fact)


def test_the_event_page_shows_each_citation_s_note_escaped(client, plan_and_fact):
    """A citation's note ("During the week-long visit that began June 20.", "Check the date:
    … planned") was shown to no reader."""
    plan, _fact = plan_and_fact
    plan.citations.update(note="Check the date: <b>planned</b> as of 5 March 2024.")
    body = client.get(reverse("event-detail", args=[plan.pk])).content.decode()
    assert (
        '<p class="citation-note"><span class="label">Analyst\'s note:</span> Check the date: '
        "&lt;b&gt;planned&lt;/b&gt; as of 5 March 2024.</p>" in body
    )
    # Not on the timeline's cards: the page is the event's evidence.
    assert "citation-note" not in client.get(reverse("timeline")).content.decode()
