"""An analyst opens an event's history in Chromium and restores an earlier version."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from events.models import Event, Participation, Role, Status
from events.services import cite, locate
from sources.services import import_source
from tests.factories import ActorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "Min Aung Hlaing visited Moscow on June 22.\nHe met Sergei Shoigu there.\n"


@pytest.fixture
def edited_event(analyst) -> Event:
    """Version 1 as first recorded, then version 2 with a wrong title, date and participant."""
    source, _ = import_source(TEXT, title="A report", key="report")
    event = Event(
        title="Min Aung Hlaing visits Moscow",
        type="visit",
        status=Status.PUBLISHED,
        date_start=dt.date(2021, 6, 22),
        date_text="June 22",
    )
    event._history_user = analyst  # type: ignore[attr-defined]  # read by simple-history
    event.save()
    Participation.objects.create(
        event=event, actor=ActorFactory.create(name="Min Aung Hlaing"), role=Role.VISITOR
    )
    cite(event, locate(source, "visited Moscow on June 22"))

    event.title = "Shoigu visits Naypyidaw"
    event.date_start = dt.date(2021, 7, 1)
    event.version += 1
    event._history_user = analyst  # type: ignore[attr-defined]  # read by simple-history
    event.save()
    event.participations.all().delete()
    Participation.objects.create(
        event=event, actor=ActorFactory.create(name="Sergei Shoigu"), role=Role.VISITOR
    )
    return event


def test_an_analyst_restores_an_earlier_version_from_the_history_page(
    analyst_page: Page, live_server, edited_event
):
    page = analyst_page
    page.goto(f"{live_server.url}/events/{edited_event.pk}/history/")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Shoigu visits Naypyidaw")
    versions = page.locator("li.version")
    expect(versions).to_have_count(2)
    newest = versions.first
    expect(newest).to_contain_text("Version 2")
    expect(newest).to_contain_text("by analyst")
    expect(newest.locator("table.diff")).to_contain_text("Min Aung Hlaing visits Moscow")
    expect(newest.locator("table.diff")).to_contain_text("Shoigu visits Naypyidaw")
    expect(newest).to_contain_text("Removed: Min Aung Hlaing (visitor)")
    expect(newest).to_contain_text("Added: Sergei Shoigu (visitor)")
    expect(newest.get_by_role("button")).to_have_count(0)

    versions.last.get_by_role("button", name="Restore version 1").click()

    expect(page).to_have_url(f"{live_server.url}/events/{edited_event.pk}/history/")
    expect(page.get_by_role("status")).to_contain_text("Restored: the event is now version 3")
    expect(page.locator("li.version")).to_have_count(3)
    expect(page.locator("li.version").first).to_contain_text("Restored version 1")

    page.get_by_role("link", name="← Min Aung Hlaing visits Moscow").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Min Aung Hlaing visits Moscow")
    expect(page.locator("time.date")).to_contain_text("22 June 2021")
    expect(page.locator("main")).to_contain_text("Min Aung Hlaing — visitor")
    expect(page.locator("main")).not_to_contain_text("Sergei Shoigu — visitor")


def test_a_reader_who_is_not_an_analyst_sees_the_analysts_only_page(
    page: Page, live_server, reader, edited_event
):
    from tests.browser.conftest import sign_in

    sign_in(page, live_server, reader)
    response = page.goto(f"{live_server.url}/events/{edited_event.pk}/history/")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Analysts only")
    expect(page.get_by_role("button", name="Restore version 1")).to_have_count(0)


def test_an_anonymous_visitor_is_sent_to_sign_in_and_comes_back(
    page: Page, live_server, analyst, edited_event
):
    page.goto(f"{live_server.url}/events/{edited_event.pk}/history/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("Username").fill("analyst")
    page.get_by_label("Password").fill("not-a-default-1")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/events/{edited_event.pk}/history/")
    expect(page.locator("header")).to_contain_text("Signed in as analyst")


def test_an_analyst_deletes_an_event_and_brings_it_back_from_its_history(
    analyst_page: Page, live_server, edited_event
):
    page = analyst_page
    pk = edited_event.pk
    page.goto(f"{live_server.url}/events/{pk}/")
    page.get_by_role("link", name="Delete…").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Delete “Shoigu visits Naypyidaw”?")
    expect(page.locator("main")).to_contain_text("1 participant and 1 citation")
    page.get_by_role("button", name="Delete this event").click()

    expect(page.locator(".messages")).to_contain_text("Deleted “Shoigu visits Naypyidaw”.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("deleted")
    deletion = page.locator("li.version").first
    expect(deletion.get_by_role("heading", level=2)).to_have_text("Deleted")
    expect(deletion).to_contain_text("Removed: Sergei Shoigu (visitor)")
    assert not Event.objects.filter(pk=pk).exists()

    page.get_by_role("button", name="Bring the event back as version 1").click()

    expect(page.locator(".messages")).to_contain_text("Restored")
    page.goto(f"{live_server.url}/events/{pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Min Aung Hlaing visits Moscow")
    expect(page.locator("main")).to_contain_text("visited Moscow on June 22")
