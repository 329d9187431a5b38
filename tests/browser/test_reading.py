import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def loaded(live_server):
    call_command("load_timeline", verbosity=0)
    return live_server


# The cited words a followed link lands on: the mark itself, or the mark whose first words
# another citation's quote begins with too (its anchor is a span at the mark's start).
TARGET = "mark:target, mark:has(> .anchor:target)"


def test_unfold_a_citation_and_follow_it_to_the_highlighted_passage(page: Page, loaded):
    page.goto(loaded.url + "/")
    coup = page.locator("ol.events > li", has_text="coup").first
    coup.locator("summary").click()
    quote = coup.locator("figure.citation").first
    expect(quote.locator("mark")).to_be_visible()
    cited_words = quote.locator("mark").inner_text()

    quote.locator("figcaption a").click()

    expect(page).to_have_url(re.compile(r"/sources/\d+/#c-\d+$"))
    target = page.locator(TARGET)
    expect(target).to_be_visible()
    expect(target).to_contain_text(cited_words[:20])
    # Landed with room above: the passage's number and the quote's outline are not cut off.
    box = target.bounding_box()
    assert box is not None
    assert 32 <= box["y"] <= 200


@pytest.mark.parametrize("width", [390, 1280])
def test_a_claims_attribution_sits_under_its_title(page: Page, loaded, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(loaded.url + "/")
    event = page.locator("ol.events article.event", has=page.locator("strong.claim")).first
    title = event.locator("h3.title").bounding_box()
    attribution = event.locator("p.attribution").bounding_box()
    date = event.locator("time.date").bounding_box()

    assert title is not None
    assert attribution is not None
    assert date is not None
    assert attribution["y"] >= title["y"] + title["height"] - 1
    if width > 640:  # the title shares the date's line, as every other title does
        assert abs(title["y"] - date["y"]) < date["height"]


def test_words_several_events_cite_are_outlined_whichever_event_led_there(page: Page, loaded):
    """ "During another visit in 2016, …" is cited by the 2016 visit and by the agreement
    signed during it: followed from either event, the cited words are outlined (the second
    quote beginning there had its anchor beside the mark, and nothing was outlined)."""
    from events.models import Event

    for title in [
        "Min Aung Hlaing visits Russia (2016)",
        "Russia and Myanmar sign military cooperation agreement",
    ]:
        event = Event.objects.get(title=title)
        page.goto(f"{loaded.url}/events/{event.pk}/")
        cited = page.locator("figure.citation", has_text="During another visit in 2016")
        cited.locator("figcaption a").first.click()
        expect(page).to_have_url(re.compile(r"/sources/\d+/#c-\d+$"))
        target = page.locator(TARGET)
        expect(target).to_have_count(1)
        expect(target).to_contain_text("During another visit in 2016")
        expect(target).to_have_css("outline-style", "solid")
