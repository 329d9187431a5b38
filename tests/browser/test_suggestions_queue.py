"""The suggestions queue in a real browser: htmx dismisses and adds in place."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from events.models import Actor, ActorKind, Alias, Citation, Event, Status
from sources.services import import_source
from suggestions.models import Dismissal

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
def source(transactional_db):
    for name in ("Vladimir Kasatonov", "Min Aung Hlaing"):
        Actor.objects.create(name=name, kind=ActorKind.PERSON)
    port = Actor.objects.create(name="Thilawa Port", kind=ActorKind.PLACE)
    Alias.objects.create(actor=port, name="Thilawa Jetty")
    source, _ = import_source(
        CHRONOLOGY, title="Chronology", key="chronology", reference_date=dt.date(2021, 10, 30)
    )
    return source


def test_dismissing_in_the_browser_removes_the_proposal_in_place(analyst_page, live_server, source):
    page = analyst_page
    url = f"{live_server.url}/sources/{source.pk}/suggestions/"
    page.goto(url)
    items = page.locator("ol.proposals > li[data-status]")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("Vladimir Kasatonov")
    items.first.get_by_role("button", name="Dismiss").click()
    expect(page.get_by_role("status").filter(has_text="Dismissed")).to_be_visible()
    expect(items).to_have_count(1)
    assert page.url == url  # swapped by htmx, no navigation
    assert Dismissal.objects.count() == 1
    page.reload()
    expect(items).to_have_count(1)


def test_adding_a_corroboration_in_the_browser_cites_it_on_the_event(
    analyst_page, live_server, source
):
    event = Event.objects.create(
        title="Kasatonov arrives in Yangon", status=Status.DRAFT, date_start=dt.date(2021, 10, 24)
    )
    event.participations.create(actor=Actor.objects.get(name="Vladimir Kasatonov"))
    page = analyst_page
    page.goto(f"{live_server.url}/sources/{source.pk}/suggestions/")
    first = page.locator("ol.proposals > li[data-status]").first
    expect(first).to_have_attribute("data-status", "corroboration")
    added = first.get_attribute("id")
    first.get_by_role("button", name="Add to “Kasatonov arrives in Yangon”").click()
    # Done: folded after the open proposals.
    expect(page.locator(f"details.done-proposals li#{added}")).to_have_attribute(
        "data-status", "done"
    )
    citation = Citation.objects.get(event=event)
    assert citation.quote == "October 24: Vice Admiral Vladimir Kasatonov arrives in Yangon."
    event.refresh_from_db()
    assert event.version == 2


def test_accept_opens_the_event_form_prefilled(analyst_page, live_server, source):
    page = analyst_page
    page.goto(f"{live_server.url}/sources/{source.pk}/suggestions/")
    page.locator("ol.proposals > li[data-status]").first.get_by_role(
        "link", name="Accept as a new event…"
    ).click()
    expect(page).to_have_url(
        f"{live_server.url}/events/new/?passage={source.passages.get(index=1).pk}&start=0&end=62"
        "&date_text=October+24&type=visit&actor=Vladimir+Kasatonov"
        f"&next=%2Fsources%2F{source.pk}%2Fsuggestions%2F%23next"
    )


def test_a_long_event_title_in_add_to_keeps_the_queue_inside_a_phone_screen(
    analyst_page, live_server, source
):
    """The "Add to" choice is as wide as the card allows (a review saw it run past the card
    and the page scroll sideways at 390 px)."""
    Event.objects.create(
        title="A very long title " * 12, status=Status.DRAFT, date_start=dt.date(2021, 10, 29)
    )
    page = analyst_page
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/sources/{source.pk}/suggestions/")
    choice = page.locator("select[name=event]").first
    expect(choice).to_be_visible()
    card = page.locator("ol.proposals > li[data-status]").filter(has=choice).first
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    box, inside = choice.bounding_box(), card.bounding_box()
    assert box is not None
    assert inside is not None
    assert box["x"] + box["width"] <= inside["x"] + inside["width"]
