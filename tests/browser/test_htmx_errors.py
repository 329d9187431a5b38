"""htmx errors never wipe a page, with DEBUG on as well as off: a 400 fragment replaces only its
target and its error is scrolled into view and focused; an error with nowhere to go (a 403 for
someone who is no longer an analyst) is said at the top of the page, which stays as it was."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "New event · Russia–Myanmar Timeline"


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request, settings):
    # Under DEBUG django-htmx's error script used to replace the whole document on a 400.
    settings.DEBUG = request.param
    return request.param


def test_an_empty_title_replaces_only_the_form_and_focuses_the_error(
    analyst_page: Page, live_server, debug
):
    page = analyst_page
    page.goto(live_server.url + "/events/new/")
    page.wait_for_load_state()
    page.locator("#id_summary").fill("Kept while the form is refused")
    page.get_by_role("button", name="Create event").click()

    error = page.locator("#field-title strong.error")
    expect(error).to_contain_text("required")
    expect(error).to_be_focused()
    expect(error).to_be_in_viewport()
    # Only the form was replaced: the page, its header, its styles and the typed text stay.
    expect(page).to_have_title(TITLE)
    expect(page.locator("header.site")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("New event")
    expect(page.locator("form#event-form")).to_have_count(1)
    expect(page.locator("#id_summary")).to_have_value("Kept while the form is refused")
    assert page.evaluate("getComputedStyle(document.body).marginTop") == "0px"  # app.css
    assert page.url == live_server.url + "/events/new/"


def test_a_bad_year_on_the_timeline_replaces_only_the_results(page: Page, live_server, debug):
    page.goto(live_server.url + "/")
    page.wait_for_load_state()
    page.locator("details.more-filters > summary").click()  # year is under "More filters"
    page.locator("#f-year").fill("20x1")
    page.locator("#f-year").press("Enter")

    errors = page.locator("#results .errors")
    expect(errors).to_contain_text("year")
    expect(errors).to_be_focused()
    expect(page.get_by_role("heading", level=1)).to_have_text("Timeline")
    expect(page.locator("form#filters")).to_be_visible()
    expect(page.locator("#f-year")).to_have_value("20x1")
    expect(page).to_have_title("Timeline · Russia–Myanmar Timeline")


def test_a_403_for_an_htmx_request_says_why_and_keeps_the_form(
    analyst_page: Page, live_server, analyst, debug
):
    page = analyst_page
    page.goto(live_server.url + "/events/new/")
    page.wait_for_load_state()
    page.locator("#id_title").fill("Typed before losing the role")
    analyst.groups.clear()  # no longer an analyst while the form is open

    page.get_by_role("button", name="Create event").click()

    message = page.locator("#htmx-error")
    expect(message).to_be_visible()
    expect(message).to_contain_text("Analysts only")
    expect(message).to_contain_text("not an analyst account")
    expect(message).to_be_focused()
    expect(page).to_have_title(TITLE)
    expect(page.locator("#id_title")).to_have_value("Typed before losing the role")
    message.get_by_role("button", name="Close").click()
    expect(message).to_be_hidden()


def test_a_400_that_is_a_whole_page_is_said_not_nested(page: Page, live_server):
    # Django refuses a query with over 1,000 fields before any view: a whole "Bad Request" page
    # (with DEBUG on, Django's technical page itself fails on that query: a 500, said as such).
    page.goto(live_server.url + "/")
    page.wait_for_load_state()
    page.evaluate(
        "htmx.ajax('GET', '/?' + 'type=visit&'.repeat(1001),"
        " {target: '#results', swap: 'outerHTML'})"
    )
    message = page.locator("#htmx-error")
    expect(message).to_contain_text("Bad Request")
    expect(message).to_be_focused()
    expect(page.locator("#results")).to_have_count(1)
    expect(page.locator("main header, main main")).to_have_count(0)
    expect(page.locator("header.site")).to_have_count(1)


def test_the_error_of_a_form_sent_while_the_date_preview_waits_stays(
    analyst_page: Page, live_server, analyst
):
    page = analyst_page
    page.goto(live_server.url + "/events/new/")
    page.wait_for_load_state()
    page.locator("#id_title").fill("Sent at once")
    analyst.groups.clear()  # the send will be refused with a 403
    # Typed, then sent before the preview's 300 ms delay: the preview's request comes after.
    page.locator("#id_date_text").fill("June 2021")
    page.get_by_role("button", name="Create event").click()

    message = page.locator("#htmx-error")
    expect(message).to_contain_text("Analysts only")
    page.wait_for_timeout(800)  # the preview has been asked and answered by now
    expect(message).to_be_visible()
    expect(message).to_contain_text("Analysts only")
    # The page's "Back to the timeline" link is not repeated as a line of text.
    expect(message).not_to_contain_text("Back to the timeline")
