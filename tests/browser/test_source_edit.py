"""Correcting a source's date: an analyst opens the source, edits its details, sees the date."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from sources.models import Source
from sources.services import import_source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_analyst_gives_an_undated_source_its_date(analyst_page: Page, live_server):
    source, _ = import_source(
        "Defence ties deepen\n\nSergei Shoigu met Min Aung Hlaing on Tuesday.\n",
        title="Defence ties deepen",
    )
    page = analyst_page
    page.goto(f"{live_server.url}/sources/{source.pk}/")
    expect(page.get_by_text("date unknown")).to_be_visible()
    page.get_by_role("link", name="Edit details").click()
    expect(page.get_by_text("The text of a source cannot be edited")).to_be_visible()
    page.get_by_label("Publication date").fill("10 December 2025")
    page.get_by_role("button", name="Save the details").click()
    expect(page).to_have_url(f"{live_server.url}/sources/{source.pk}/")
    expect(page.get_by_role("status")).to_contain_text("Saved the details")
    expect(page.locator("p.meta").first).to_contain_text("10 December 2025")
    assert Source.objects.get(pk=source.pk).published_date == dt.date(2025, 12, 10)
