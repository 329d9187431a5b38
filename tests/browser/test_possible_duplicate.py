"""Accepting a proposal that matches a recorded event: the notice, and citing it instead."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from events.models import Actor, ActorKind, Citation, Event, Status
from sources.services import import_source

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("analysts_group"),
]

CHRONOLOGY = (
    "Chronology of contacts.\n"
    "October 24: Vice Admiral Vladimir Kasatonov arrives in Yangon.\n"
    "October 29: Min Aung Hlaing visits the Russian warship at Thilawa Jetty.\n"
)


@pytest.fixture
def recorded(transactional_db):
    """A source, and an event already recorded from another report of the same arrival."""
    kasatonov = Actor.objects.create(name="Vladimir Kasatonov", kind=ActorKind.PERSON)
    Actor.objects.create(name="Min Aung Hlaing", kind=ActorKind.PERSON)
    source, _ = import_source(
        CHRONOLOGY, title="Chronology", key="chronology", reference_date=dt.date(2021, 10, 30)
    )
    event = Event.objects.create(
        title="Russian Navy delegation led by Kasatonov arrives in Yangon",
        status=Status.PUBLISHED,
        date_start=dt.date(2021, 10, 24),
    )
    event.participations.create(actor=kasatonov)
    return source, event


def test_accepting_a_proposal_shows_the_possible_duplicate_and_cites_it_instead(
    analyst_page, live_server, recorded
):
    source, event = recorded
    page = analyst_page
    page.goto(f"{live_server.url}/sources/{source.pk}/suggestions/")
    page.locator("ol.proposals > li[data-status]").first.get_by_role(
        "link", name="Accept as a new event…"
    ).click()

    notice = page.locator("section.duplicates")
    expect(notice.get_by_role("heading")).to_have_text("Possible duplicate: already recorded?")
    expect(notice.get_by_role("link", name=event.title)).to_be_visible()
    expect(page.get_by_role("button", name="Create event")).to_be_visible()

    notice.get_by_role("button", name="Add this citation to it instead").click()

    expect(page).to_have_url(re.compile(rf"/events/{event.pk}/#c-[0-9]+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(event.title)
    quote = "October 24: Vice Admiral Vladimir Kasatonov arrives in Yangon."
    expect(page.get_by_text(quote).first).to_be_visible()
    citation = Citation.objects.get()
    assert (citation.event, citation.quote) == (event, quote)
    assert page.url.endswith(f"#c-{citation.pk}")
    assert Event.objects.count() == 1
