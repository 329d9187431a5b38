import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def loaded(live_server):
    call_command("load_timeline", verbosity=0)
    return live_server


def test_unfold_a_citation_and_follow_it_to_the_highlighted_passage(page: Page, loaded):
    page.goto(loaded.url + "/")
    coup = page.locator("ol.events > li", has_text="coup").first
    coup.locator("summary").click()
    quote = coup.locator("figure.citation").first
    expect(quote.locator("mark")).to_be_visible()
    cited_words = quote.locator("mark").inner_text()

    quote.locator("figcaption a").click()

    expect(page).to_have_url(re.compile(r"/sources/\d+/#c-\d+$"))
    target = page.locator("mark:target")
    expect(target).to_be_visible()
    expect(target).to_contain_text(cited_words[:20])
    # Landed with room above: the passage's number and the quote's outline are not cut off.
    box = target.bounding_box()
    assert box is not None
    assert 32 <= box["y"] <= 200
