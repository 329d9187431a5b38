"""A wire report pasted in the browser gets its weekday events proposed, correctly dated."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from events.models import Actor, ActorKind, Alias, Event
from sources.models import Source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIRE = (
    "Russian minister in Myanmar for talks with junta chief\n\n"
    "NAYPYITAW, March 14 (Timeline wire) — Russia's deputy defence minister Alexander Fomin "
    "met Min Aung Hlaing in Naypyitaw on Monday, the military government said.\n\n"
    "The two men discussed arms deliveries and training the same day, according to state "
    "television.\n\n"
    "Fomin opens a defence exhibition in Yangon on Tuesday, the ministry said.\n\n"
    "The visit follows last Friday's vote in the UN General Assembly, where Russia abstained.\n"
)


@pytest.fixture(autouse=True)
def setup(transactional_db):
    from django.contrib.auth.models import Group

    Group.objects.get_or_create(name="analysts")
    cache.clear()
    fomin = Actor.objects.create(name="Alexander Fomin", kind=ActorKind.PERSON)
    Alias.objects.create(actor=fomin, name="Fomin")
    Actor.objects.create(name="Min Aung Hlaing", kind=ActorKind.PERSON)
    Actor.objects.create(name="Russia", kind=ActorKind.COUNTRY)


def test_paste_a_wire_report_see_its_events_dated_and_accept_one(analyst_page, live_server):
    page = analyst_page
    page.goto(f"{live_server.url}/sources/new/")
    page.get_by_label("Paste the text").fill(WIRE)
    page.get_by_label("Publication date").fill("14 March 2023")
    page.get_by_role("button", name="Add the source").click()
    source = Source.objects.get()
    page.goto(f"{live_server.url}/sources/{source.pk}/suggestions/")
    items = page.locator("ol.proposals > li[data-status]")
    expect(items.first).to_contain_text("“Monday” → 13 March 2023")
    same_day = items.filter(has_text="The two men discussed")
    expect(same_day).to_contain_text("“the same day” → c. 13 March 2023")
    expect(same_day).to_contain_text(
        "Check the date: “the same day” is counted from “Monday” in ¶1"
    )
    expect(items.filter(has_text="Fomin opens")).to_contain_text("“Tuesday” → 21 March 2023")
    expect(items.filter(has_text="last Friday")).to_contain_text("“last Friday” → 10 March 2023")

    items.first.get_by_role("link", name="Accept as a new event…").click()
    expect(page.locator("#id_date_text")).to_have_value("Monday")
    expect(page.locator("#date-preview")).to_contain_text("13 March 2023, day precision")
    page.get_by_label("Title").fill("Fomin meets Min Aung Hlaing in Naypyitaw")
    page.get_by_role("button", name="Create event").click()
    # Back in the queue at the next proposal, with a message (issue 14).
    expect(page).to_have_url(re.compile(r"/sources/\d+/suggestions/#next$"))
    expect(page.locator("ul.messages")).to_contain_text(
        "Created “Fomin meets Min Aung Hlaing in Naypyitaw”."
    )
    event = Event.objects.get()
    assert (event.date_start.isoformat(), event.date_precision) == ("2023-03-13", "day")
    assert event.citations.get().date_text == "Monday"
